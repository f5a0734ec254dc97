// record/form.ts - the record being shown or edited, owned in one place: its
// values, the errors on them, which fields were changed, which are hidden or
// disabled, and who wants to hear when a value changes. The record page
// renders from it and sends what it says. kintone's customisation events
// (app.record.create.show, app.record.edit.change.<field>, .submit —
// KINTONE-EXTENSIONS.md §1) hook in here: `on("change.<code>")` and the
// hidden/disabled sets are what their handlers will drive.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { FieldProp, KRecord } from "../api";
import { fieldType } from "../fields/types";

export type Values = Record<string, any>;
type Listener = (code: string) => void;

// A field whose value a person writes (not a system field, a layout element or a group).
export const writable = (f: FieldProp | undefined) => {
  const ft = f && fieldType(f.type);
  return !!ft && !ft.system && !ft.layoutOnly && !ft.noValue;
};

export class RecordForm {
  values: Values = {};
  errors: Record<string, string> = {};
  readonly changed = new Set<string>();
  readonly hidden = new Set<string>();
  readonly disabled = new Set<string>();
  private listeners = new Map<string, Set<Listener>>();

  get dirty() { return this.changed.size > 0; }

  // Hear of "change" (any field), "change.<code>" (one field), or "render" (anything shown).
  on(event: string, fn: Listener): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(fn);
    this.listeners.set(event, set);
    return () => set.delete(fn);
  }
  private emit(event: string, code = "") { this.listeners.get(event)?.forEach((fn) => fn(code)); }

  // The values as loaded (or a new record's defaults): nothing changed, no errors.
  reset(values: Values) {
    this.values = values;
    this.changed.clear();
    this.errors = {};
    this.emit("render");
  }
  // What the person typed; a lookup also fills the fields it copies to.
  set(code: string, value: unknown) { this.patch({ [code]: value }); }
  patch(values: Values) {
    this.values = { ...this.values, ...values };
    for (const code of Object.keys(values)) {
      this.changed.add(code);
      delete this.errors[code];
      this.emit(`change.${code}`, code);
      this.emit("change", code);
    }
    this.emit("render");
  }
  // Saved (or abandoned): nothing left unsaved.
  settle() { this.changed.clear(); this.emit("render"); }
  setErrors(errors: Record<string, string>) { this.errors = errors; this.emit("render"); }
  show(code: string, shown: boolean) { (shown ? this.hidden.delete(code) : this.hidden.add(code)); this.emit("render"); }
  disable(code: string, disabled: boolean) { (disabled ? this.disabled.add(code) : this.disabled.delete(code)); this.emit("render"); }

  // What a save sends: the fields the person may write, a table's wholly
  // empty rows (the one a new record starts with) left out.
  body(fields: Record<string, FieldProp>, mayWrite: (code: string) => boolean): KRecord {
    const out: KRecord = {};
    const blank = (x: any) => x === null || x === undefined || x === "" || (Array.isArray(x) && x.length === 0);
    for (const [code, v] of Object.entries(this.values)) {
      if (!writable(fields[code]) || !mayWrite(code)) continue;
      const value = fields[code].type === "SUBTABLE"
        ? (v ?? []).filter((row: { id?: string; value: Record<string, { value: any }> }) => row.id || !Object.values(row.value).every((c) => blank(c.value)))
        : v;
      out[code] = { value } as KRecord[string];
    }
    return out;
  }
}

// A form for the page's record (a new one for each key), re-rendering the page when it changes.
export function useRecordForm(key: string): RecordForm {
  const form = useMemo(() => new RecordForm(), [key]);
  const [, redraw] = useState(0);
  useEffect(() => form.on("render", () => redraw((n) => n + 1)), [form]);
  return form;
}
