// ui/FieldChecks.tsx - fields to tick, kept in the order they were ticked
// (a lookup's picker, related records' columns, a view's columns, an export),
// with anything else the choice needs (select all, a preview) before the boxes.
import type { ComponentChildren } from "preact";
import type { FieldProp } from "../api";

export function FieldChecks({ legend, fields, value, onChange, children }: {
  legend: string; fields: FieldProp[]; value: string[]; onChange: (v: string[]) => void; children?: ComponentChildren;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {children}
      <div class="choices">
        {fields.map((f) => {
          const on = value.includes(f.code);
          return <label><input type="checkbox" checked={on} onChange={() => onChange(on ? value.filter((c) => c !== f.code) : [...value, f.code])} /> {f.label}</label>;
        })}
      </div>
    </fieldset>
  );
}
