// pages/FieldSettings.tsx - the settings dialog of one field on the form.
import { useState } from "preact/hooks";
import type { FieldProp } from "../api";
import { INNER_TYPES, fieldType, newCode, optionList } from "../fields/types";
import { FieldInput, UserPicker, loadEntities } from "../fields/inputs";
import { t, type Key } from "../i18n";
import { Dialog } from "../ui/feedback";
import type { Item } from "./Builder";
import { LookupSettings, ReferenceSettings } from "./LinkSettings";

const CODE_RE = /^[^0-9\s!-/:-@[-^`{-~・][^\s!-/:-@[-^`{-~・]*$/u;
const CODE_BAD = /[\s!-/:-@[-^`{-~・]/gu;

// A new field's code follows its name (as kintone): the characters a code may
// not hold become "_", and a number is added when the code is taken.
export function codeFromName(name: string, type: string, taken: Set<string>): string {
  let base = name.trim().replace(CODE_BAD, "_").slice(0, 120);
  if (/^[0-9]/.test(base)) base = "_" + base;
  if (!base) return newCode(type, taken);
  let code = base;
  for (let n = 2; taken.has(code); n++) code = `${base}_${n}`;
  return code;
}

const PEOPLE_FUNCTION: Record<string, string> = { USER_SELECT: "LOGINUSER()", ORGANIZATION_SELECT: "PRIMARY_ORGANIZATION()" };

export function FieldSettings(p: {
  item: Pick<Item, "type" | "label">; prop?: FieldProp; taken: Set<string>; fields: FieldProp[];
  fresh?: boolean; // never saved: its code follows its name until the code is changed
  onClose: () => void; onSave: (prop: FieldProp | undefined, label?: string) => void;
}) {
  const [f, setF] = useState<FieldProp | undefined>(p.prop ? structuredClone(p.prop) : undefined);
  const [inner, setInner] = useState<FieldProp[]>(Object.values(p.prop?.fields ?? {}) as FieldProp[]);
  const [label, setLabel] = useState(p.item.label ?? "");
  // a choice field with no options yet starts with one empty option to type into
  const [opts, setOpts] = useState<string[]>(p.prop ? (optionList(p.prop).length ? optionList(p.prop) : [""]) : []);
  const [problem, setProblem] = useState<Record<string, string>>({});
  const [codeFollows, setCodeFollows] = useState(!!p.fresh);

  if (!f) {
    // a LABEL element: its text only
    return (
      <Dialog title={t("fieldSettings")} onClose={p.onClose}>
        <form onSubmit={(e) => { e.preventDefault(); p.onSave(undefined, label); }}>
          <label for="fs-label">{t("ft_LABEL")}</label>
          <textarea id="fs-label" rows={3} value={label} onInput={(e) => setLabel((e.target as HTMLTextAreaElement).value)} />
          <div class="actions"><button type="button" onClick={p.onClose}>{t("cancel")}</button><button type="submit" class="primary">{t("ok")}</button></div>
        </form>
      </Dialog>
    );
  }
  const has = (s: string) => (fieldType(f.type)?.settings ?? []).includes(s as never);
  // fields of this app a lookup may copy to, or related records match on
  const own = p.fields.filter((x) => x.code !== p.prop?.code && !["SUBTABLE", "REFERENCE_TABLE"].includes(x.type));
  const set = (patch: Partial<FieldProp>) => setF({ ...f, ...patch });
  const str = (key: keyof FieldProp) => (e: Event) => set({ [key]: (e.target as HTMLInputElement).value } as Partial<FieldProp>);
  const bool = (key: keyof FieldProp) => (e: Event) => set({ [key]: (e.target as HTMLInputElement).checked } as Partial<FieldProp>);
  const multi = f.type === "CHECK_BOX" || f.type === "MULTI_SELECT";

  const submit = (e: Event) => {
    e.preventDefault();
    e.stopPropagation(); // an inner field's dialog sits inside its table's form
    const errs: Record<string, string> = {};
    if (!f.label.trim()) errs.label = t("errNameMissing");
    if (!CODE_RE.test(f.code) || f.code.length > 128) errs.code = f.code ? t("errCodeChars") : t("errCodeMissing");
    if (p.taken.has(f.code)) errs.code = t("errCodeTaken", { code: f.code });
    const cleaned = opts.map((o) => o.trim()).filter(Boolean);
    if (has("options") && (cleaned.length === 0 || new Set(cleaned).size !== cleaned.length)) errs.options = cleaned.length ? t("errOptionsRepeat") : t("errOptionsMissing");
    if (f.type === "SUBTABLE") {
      const codes = inner.map((x) => x.code);
      const bad = inner.find((x, i) => !CODE_RE.test(x.code) || p.taken.has(x.code) || x.code === f.code || codes.indexOf(x.code) !== i || !x.label.trim() || (x.options && !Object.keys(x.options).length));
      if (bad)
        errs.inner = t("errInner", { field: bad.label || bad.code, what: !bad.label.trim() ? t("fieldName") : bad.options && !Object.keys(bad.options).length ? t("options") : t("fieldCode") });
    }
    if (f.lookup && (!f.lookup.relatedApp.app || !f.lookup.relatedKeyField || f.lookup.fieldMappings.some((m: { field: string; relatedField: string }) => !m.field || !m.relatedField)))
      errs.link = t("settingsIncomplete", { what: `${t("lookupSource")}, ${t("lookupKey")}, ${t("lookupCopies")}` });
    if (f.referenceTable && (!f.referenceTable.relatedApp.app || !f.referenceTable.condition.field || !f.referenceTable.condition.relatedField))
      errs.link = t("settingsIncomplete", { what: `${t("refApp")}, ${t("refCondition")}` });
    setProblem(errs);
    if (Object.keys(errs).length) return;
    const out: FieldProp = { ...f };
    if (f.type === "SUBTABLE") out.fields = Object.fromEntries(inner.map((x) => [x.code, x]));
    if (has("options")) {
      out.options = Object.fromEntries(cleaned.map((o, i) => [o, { label: o, index: String(i) }]));
      if (multi) out.defaultValue = (out.defaultValue ?? []).filter((v: string) => cleaned.includes(v));
      else if (out.defaultValue && !cleaned.includes(out.defaultValue)) out.defaultValue = f.type === "RADIO_BUTTON" ? cleaned[0] : "";
      if (f.type === "RADIO_BUTTON" && !out.defaultValue) out.defaultValue = cleaned[0];
    }
    p.onSave(out);
  };
  const err = (k: string) => problem[k] && <span class="field-error" id={`fs-${k}-error`} role="alert">{problem[k]}</span>;

  return (
    <Dialog title={t("fieldSettings")} onClose={p.onClose} wide>
      <form onSubmit={submit} class="field-settings">
        <label for="fs-label">{t("fieldName")}</label>
        <input id="fs-label" required value={f.label} data-select={p.fresh ? "1" : undefined} aria-invalid={!!problem.label || undefined}
          aria-describedby={problem.label ? "fs-label-error" : undefined}
          onInput={(e) => { const label = (e.target as HTMLInputElement).value; set(codeFollows ? { label, code: codeFromName(label, f.type, p.taken) } : { label }); }} />
        {err("label")}
        <label class="check"><input type="checkbox" checked={!!f.noLabel} onChange={bool("noLabel")} /> {t("hideLabel")}</label>
        {has("required") && <label class="check"><input type="checkbox" checked={!!f.required} onChange={bool("required")} /> {t("required")}</label>}
        {has("openGroup") && <label class="check"><input type="checkbox" checked={!!f.openGroup} onChange={bool("openGroup")} /> {t("openGroup")}</label>}
        {has("unique") && <label class="check"><input type="checkbox" checked={!!f.unique} onChange={bool("unique")} /> {t("unique")}</label>}
        {has("options") && (
          <fieldset>
            <legend>{t("options")}</legend>
            <ol class="options">
              {opts.map((o, i) => (
                <li>
                  <input aria-label={`${t("options")} ${i + 1}`} value={o} onInput={(e) => setOpts(opts.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))} />
                  <button type="button" aria-label={`${t("moveUp")} ${o}`} disabled={i === 0} onClick={() => { const n = [...opts]; [n[i - 1], n[i]] = [n[i], n[i - 1]]; setOpts(n); }}>↑</button>
                  <button type="button" aria-label={`${t("moveDown")} ${o}`} disabled={i === opts.length - 1} onClick={() => { const n = [...opts]; [n[i + 1], n[i]] = [n[i], n[i + 1]]; setOpts(n); }}>↓</button>
                  <button type="button" aria-label={`${t("remove")} ${o}`} disabled={opts.length === 1} onClick={() => setOpts(opts.filter((_, j) => j !== i))}>×</button>
                </li>
              ))}
            </ol>
            <button type="button" onClick={() => setOpts([...opts, ""])}>＋ {t("addOption")}</button>
            {err("options")}
          </fieldset>
        )}
        {has("default") && (
          <>
            <label for="fs-default">{t("defaultValue")}</label>
            <FieldInput id="fs-default" invalid={false}
              field={{ ...f, required: false, options: has("options") ? Object.fromEntries(opts.filter(Boolean).map((o, i) => [o, { label: o, index: i }])) : f.options }}
              value={f.defaultValue ?? (multi ? [] : "")} onChange={(v) => set({ defaultValue: v })} />
          </>
        )}
        {has("entityDefault") && <PeopleDefault f={f} onChange={(defaultValue) => set({ defaultValue })} />}
        {has("nowDefault") && (
          <label class="check"><input type="checkbox" checked={!!f.defaultNowValue} onChange={bool("defaultNowValue")} /> {f.type === "DATE" ? t("defaultToday") : t("defaultNow")}</label>
        )}
        {has("range") && (
          <div class="pair">
            <span><label for="fs-min">{t("minValue")}</label><input id="fs-min" inputMode="decimal" value={f.minValue ?? ""} onInput={str("minValue")} /></span>
            <span><label for="fs-max">{t("maxValue")}</label><input id="fs-max" inputMode="decimal" value={f.maxValue ?? ""} onInput={str("maxValue")} /></span>
          </div>
        )}
        {has("length") && (
          <div class="pair">
            <span><label for="fs-minl">{t("minLength")}</label><input id="fs-minl" inputMode="numeric" value={f.minLength ?? ""} onInput={str("minLength")} /></span>
            <span><label for="fs-maxl">{t("maxLength")}</label><input id="fs-maxl" inputMode="numeric" value={f.maxLength ?? ""} onInput={str("maxLength")} /></span>
          </div>
        )}
        {has("expression") && f.type === "SINGLE_LINE_TEXT" && !f.lookup && (
          <label class="check"><input type="checkbox" checked={f.expression !== undefined && f.expression !== ""}
            onChange={(e) => set({ expression: (e.target as HTMLInputElement).checked ? "\"\"" : "" })} /> {t("autoCalc")}</label>
        )}
        {has("expression") && (f.type === "CALC" || f.expression) && (
          <>
            <label for="fs-expr">{t("expression")}</label>
            <textarea id="fs-expr" rows={3} value={f.expression ?? ""} aria-describedby="fs-expr-hint"
              onInput={(e) => set({ expression: (e.target as HTMLTextAreaElement).value })} />
            <p class="hint" id="fs-expr-hint">{t("expressionHint")}</p>
          </>
        )}
        {has("format") && (
          <>
            <label for="fs-format">{t("calcFormat")}</label>
            <select id="fs-format" value={f.format ?? "NUMBER"} onChange={str("format")}>
              {["NUMBER", "NUMBER_DIGIT", "DATETIME", "DATE", "TIME", "HOUR_MINUTE", "DAY_HOUR_MINUTE"].map((x) => <option value={x}>{t(("fmt_" + x) as Key)}</option>)}
            </select>
          </>
        )}
        {has("digit") && <label class="check"><input type="checkbox" checked={!!f.digit} onChange={bool("digit")} /> {t("digit")}</label>}
        {has("unit") && (
          <div class="pair">
            <span><label for="fs-unit">{t("unit")}</label><input id="fs-unit" value={f.unit ?? ""} onInput={str("unit")} /></span>
            <span>
              <label for="fs-unitpos">{t("unitPosition")}</label>
              <select id="fs-unitpos" value={f.unitPosition ?? "BEFORE"} onChange={str("unitPosition")}>
                <option value="BEFORE">{t("unitBefore")}</option>
                <option value="AFTER">{t("unitAfter")}</option>
              </select>
            </span>
          </div>
        )}
        {f.type === "SUBTABLE" && <InnerFields list={inner} taken={new Set([...p.taken, f.code])} fields={p.fields} onChange={setInner} />}
        {err("inner")}
        {f.lookup && <LookupSettings lookup={f.lookup} own={own} onChange={(lookup) => set({ lookup })} />}
        {f.referenceTable && <ReferenceSettings reference={f.referenceTable} own={own} onChange={(referenceTable) => set({ referenceTable })} />}
        {err("link")}
        <label for="fs-code">{t("fieldCode")}</label>
        <input id="fs-code" required value={f.code} aria-invalid={!!problem.code || undefined} aria-describedby={"fs-code-hint" + (problem.code ? " fs-code-error" : "")}
          onInput={(e) => { setCodeFollows(false); set({ code: (e.target as HTMLInputElement).value }); }} />
        <p class="hint" id="fs-code-hint">{codeFollows ? t("codeFollowsName") : t("codeHint")}</p>
        {err("code")}
        <div class="actions">
          <button type="button" onClick={p.onClose}>{t("cancel")}</button>
          <button type="submit" class="primary">{t("ok")}</button>
        </div>
      </form>
    </Dialog>
  );
}

// A people field's default: the person filling in the form (or their
// department) and/or fixed people, kept as kintone's entries.
function PeopleDefault({ f, onChange }: { f: FieldProp; onChange: (v: { code: string; type: string }[]) => void }) {
  const list: { code: string; type: string }[] = Array.isArray(f.defaultValue) ? f.defaultValue : [];
  const fn = PEOPLE_FUNCTION[f.type];
  const kind = f.type === "USER_SELECT" ? "USER" : f.type === "ORGANIZATION_SELECT" ? "ORGANIZATION" : "GROUP";
  const fixed = list.filter((e) => e.type !== "FUNCTION");
  const withFn = !!fn && list.some((e) => e.type === "FUNCTION" && e.code === fn);
  const load = kind === "USER" ? undefined : () => loadEntities(kind === "ORGANIZATION" ? "organizations" : "groups");
  return (
    <fieldset>
      <legend>{t("defaultValue")}</legend>
      {fn && (
        <label class="check"><input type="checkbox" checked={withFn}
          onChange={(e) => onChange([...((e.target as HTMLInputElement).checked ? [{ code: fn, type: "FUNCTION" }] : []), ...fixed])} />
          {" "}{t(f.type === "USER_SELECT" ? "defaultLoginUser" : "defaultPrimaryOrg")}</label>
      )}
      <label for="fs-default-people">{t("defaultFixedPeople")}</label>
      <UserPicker id="fs-default-people" invalid={false} field={f} load={load}
        value={fixed.map((e) => ({ code: e.code, name: e.code }))}
        onChange={(v: { code: string }[]) => onChange([...(withFn ? [{ code: fn, type: "FUNCTION" }] : []), ...v.map((x) => ({ code: x.code, type: kind }))])} />
    </fieldset>
  );
}

const CHOICES = ["DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT"];

// A table's own fields: name, type and code in the list, every other setting
// (options, required, default, ...) in the same dialog as any field, opened
// over this one. Kept as a list while edited (codes may be half typed); the
// table's dialog checks them when it is saved.
function InnerFields({ list, taken, fields, onChange }: {
  list: FieldProp[]; taken: Set<string>; fields: FieldProp[]; onChange: (l: FieldProp[]) => void;
}) {
  const [editing, setEditing] = useState<number | null>(null);
  const patch = (i: number, p: Partial<FieldProp>) => onChange(list.map((f, j) => (j === i ? { ...f, ...p } : f)));
  const others = (i: number) => new Set([...taken, ...list.filter((_, j) => j !== i).map((f) => f.code)]);
  const add = () => {
    const code = newCode("SINGLE_LINE_TEXT", others(-1));
    onChange([...list, { type: "SINGLE_LINE_TEXT", code, label: t("ft_SINGLE_LINE_TEXT") }]);
  };
  // a new type starts from that type's defaults; a choice field asks for its options at once
  const retype = (i: number, type: string) => {
    const { options: _o, defaultValue: _d, expression: _e, ...rest } = list[i];
    const next: FieldProp = { ...rest, type };
    if (CHOICES.includes(type)) next.options = {};
    onChange(list.map((f, j) => (j === i ? next : f)));
    if (CHOICES.includes(type) || type === "CALC") setEditing(i);
  };
  const summary = (f: FieldProp) => [
    f.required ? t("required") : "",
    f.options ? optionList(f).join(", ") || `${t("options")}: —` : "",
  ].filter(Boolean).join(" · ");
  return (
    <fieldset class="inner-fields">
      <legend>{t("innerFields")}</legend>
      <ol>
        {list.map((f, i) => (
          <li>
            <input aria-label={`${t("fieldName")} ${i + 1}`} value={f.label} onInput={(e) => patch(i, { label: (e.target as HTMLInputElement).value })} />
            <select aria-label={`${t("fieldType")} ${i + 1}`} value={f.type} onChange={(e) => retype(i, (e.target as HTMLSelectElement).value)}>
              {INNER_TYPES.map((x) => <option value={x}>{t(("ft_" + x) as Key)}</option>)}
            </select>
            <input aria-label={`${t("fieldCode")} ${i + 1}`} value={f.code} onInput={(e) => patch(i, { code: (e.target as HTMLInputElement).value })} />
            <button type="button" onClick={() => setEditing(i)}>{t("fieldSettings")}<span class="visually-hidden"> {f.label}</span></button>
            <span class="hint">{summary(f)}</span>
            <button type="button" aria-label={`${t("moveUp")} ${f.label}`} disabled={i === 0} onClick={() => { const n = [...list]; [n[i - 1], n[i]] = [n[i], n[i - 1]]; onChange(n); }}>↑</button>
            <button type="button" aria-label={`${t("remove")} ${f.label}`} disabled={list.length === 1} onClick={() => onChange(list.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={add}>＋ {t("addInnerField")}</button>
      {editing !== null && list[editing] && (
        <FieldSettings item={{ type: list[editing].type }} prop={list[editing]} taken={others(editing)} fields={fields}
          onClose={() => setEditing(null)}
          onSave={(prop) => { if (prop) onChange(list.map((f, j) => (j === editing ? prop : f))); setEditing(null); }} />
      )}
    </fieldset>
  );
}
