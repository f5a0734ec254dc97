// pages/LinkSettings.tsx - the parts of the field settings dialog that point
// elsewhere: a table's own fields, a lookup's source app and copies, and which
// records of another app a related-records list shows.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { INNER_TYPES, newCode, optionList } from "../fields/types";
import { t, type Key } from "../i18n";

interface AppEntry { appId: string; name: string }
// asked each time a dialog opens: an app made a moment ago must be there
const loadApps = () => call<{ apps: AppEntry[] }>("GET", k("/apps.json"), { limit: 100 }).then((r) => r.apps).catch(() => []);

// The deployed fields of another app (none while no app is chosen).
function useAppFields(app: string): Record<string, FieldProp> {
  const [fields, setFields] = useState<Record<string, FieldProp>>({});
  useEffect(() => {
    if (!app) return setFields({});
    call<{ properties: Record<string, FieldProp> }>("GET", k("/app/form/fields.json"), { app }).then((r) => setFields(r.properties)).catch(() => setFields({}));
  }, [app]);
  return fields;
}

function AppSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const [apps, setApps] = useState<AppEntry[]>([]);
  useEffect(() => void loadApps().then(setApps), []);
  return (
    <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="">{t("chooseApp")}</option>
      {apps.map((a) => <option value={a.appId}>{a.name} (#{a.appId})</option>)}
    </select>
  );
}

function FieldSelect({ id, fields, value, onChange, label }: { id: string; fields: FieldProp[]; value: string; onChange: (v: string) => void; label?: string }) {
  return (
    <select id={id} aria-label={label} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="">{t("chooseField")}</option>
      {fields.map((f) => <option value={f.code}>{f.label} ({f.code})</option>)}
    </select>
  );
}

// Fields to tick, kept in the order they were ticked.
function FieldChecks({ legend, fields, value, onChange }: { legend: string; fields: FieldProp[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="choices">
        {fields.map((f) => {
          const on = value.includes(f.code);
          return <label><input type="checkbox" checked={on} onChange={() => onChange(on ? value.filter((c) => c !== f.code) : [...value, f.code])} /> {f.label}</label>;
        })}
      </div>
    </fieldset>
  );
}

const DATA = (f: FieldProp) => !["SUBTABLE", "REFERENCE_TABLE", "GROUP", "LABEL", "SPACER", "HR", "STATUS", "STATUS_ASSIGNEE", "CATEGORY", "__ID__", "__REVISION__"].includes(f.type);

export interface LookupProp {
  relatedApp: { app: string; code?: string };
  relatedKeyField: string;
  fieldMappings: { field: string; relatedField: string }[];
  lookupPickerFields: string[];
  filterCond: string;
  sort: string;
  autoRefresh?: boolean;
}

// A lookup: the source app, its key (a record number or a no-duplicates field),
// which of its fields are copied where, what the picker shows.
export function LookupSettings({ lookup: lk, own, onChange }: { lookup: LookupProp; own: FieldProp[]; onChange: (lk: LookupProp) => void }) {
  const src = useAppFields(lk.relatedApp.app);
  const srcFields = Object.values(src).filter(DATA);
  const keys = srcFields.filter((f) => f.type === "RECORD_NUMBER" || ((f.type === "SINGLE_LINE_TEXT" || f.type === "NUMBER") && f.unique));
  const set = (patch: Partial<LookupProp>) => onChange({ ...lk, ...patch });
  const maps = lk.fieldMappings;
  return (
    <fieldset class="link-settings">
      <legend>{t("ft_LOOKUP")}</legend>
      <label for="lk-app">{t("lookupSource")}</label>
      <AppSelect id="lk-app" value={lk.relatedApp.app} onChange={(app) => set({ relatedApp: { app }, relatedKeyField: "", fieldMappings: [], lookupPickerFields: [] })} />
      <label for="lk-key">{t("lookupKey")}</label>
      <FieldSelect id="lk-key" fields={keys} value={lk.relatedKeyField} onChange={(v) => set({ relatedKeyField: v })} />
      <p class="hint">{t("lookupCopies")}</p>
      <ol class="mappings">
        {maps.map((m, i) => (
          <li>
            <FieldSelect id={`lk-from-${i}`} label={t("lookupCopyFrom")} fields={srcFields} value={m.relatedField}
              onChange={(v) => set({ fieldMappings: maps.map((x, j) => (j === i ? { ...x, relatedField: v } : x)) })} />
            <span aria-hidden="true">→</span>
            <FieldSelect id={`lk-to-${i}`} label={t("lookupCopyTo")} fields={own} value={m.field}
              onChange={(v) => set({ fieldMappings: maps.map((x, j) => (j === i ? { ...x, field: v } : x)) })} />
            <button type="button" aria-label={t("remove")} onClick={() => set({ fieldMappings: maps.filter((_, j) => j !== i) })}>×</button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => set({ fieldMappings: [...maps, { field: "", relatedField: "" }] })}>＋ {t("addCopy")}</button>
      <FieldChecks legend={t("lookupPickerFields")} fields={srcFields} value={lk.lookupPickerFields} onChange={(v) => set({ lookupPickerFields: v })} />
      <label class="check"><input type="checkbox" checked={!!lk.autoRefresh} onChange={(e) => set({ autoRefresh: (e.target as HTMLInputElement).checked })} /> {t("lookupAutoRefresh")}</label>
    </fieldset>
  );
}

export interface ReferenceProp {
  relatedApp: { app: string; code?: string };
  condition: { field: string; relatedField: string };
  filterCond: string;
  displayFields: string[];
  sort: string;
  size: string;
}

// Related records: which app, matched how, showing which fields in what order.
export function ReferenceSettings({ reference: ref, own, onChange }: { reference: ReferenceProp; own: FieldProp[]; onChange: (r: ReferenceProp) => void }) {
  const src = useAppFields(ref.relatedApp.app);
  const srcFields = Object.values(src).filter(DATA);
  const set = (patch: Partial<ReferenceProp>) => onChange({ ...ref, ...patch });
  const [sortField, sortDir] = (ref.sort || "").split(/\s+/);
  return (
    <fieldset class="link-settings">
      <legend>{t("ft_REFERENCE_TABLE")}</legend>
      <label for="ref-app">{t("refApp")}</label>
      <AppSelect id="ref-app" value={ref.relatedApp.app} onChange={(app) => set({ relatedApp: { app }, condition: { ...ref.condition, relatedField: "" }, displayFields: [], sort: "" })} />
      <p class="hint">{t("refCondition")}</p>
      <div class="pair">
        <span><label for="ref-mine">{t("refThisField")}</label>
          <FieldSelect id="ref-mine" fields={own} value={ref.condition.field} onChange={(v) => set({ condition: { ...ref.condition, field: v } })} /></span>
        <span><label for="ref-theirs">{t("refOtherField")}</label>
          <FieldSelect id="ref-theirs" fields={srcFields} value={ref.condition.relatedField} onChange={(v) => set({ condition: { ...ref.condition, relatedField: v } })} /></span>
      </div>
      <FieldChecks legend={t("refDisplay")} fields={srcFields} value={ref.displayFields} onChange={(v) => set({ displayFields: v })} />
      <div class="pair">
        <span><label for="ref-sort">{t("refSortField")}</label>
          <FieldSelect id="ref-sort" fields={srcFields} value={sortField ?? ""} onChange={(v) => set({ sort: v ? `${v} ${sortDir || "desc"}` : "" })} /></span>
        <span><label for="ref-dir">{t("sortOrder")}</label>
          <select id="ref-dir" value={sortDir || "desc"} onChange={(e) => sortField && set({ sort: `${sortField} ${(e.target as HTMLSelectElement).value}` })}>
            <option value="asc">{t("ascending")}</option><option value="desc">{t("descending")}</option>
          </select></span>
      </div>
      <label for="ref-size">{t("refSize")}</label>
      <select id="ref-size" value={ref.size} onChange={(e) => set({ size: (e.target as HTMLSelectElement).value })}>
        {["5", "10", "20", "30"].map((n) => <option value={n}>{n}</option>)}
      </select>
      <label for="ref-filter">{t("refFilter")}</label>
      <input id="ref-filter" value={ref.filterCond} onInput={(e) => set({ filterCond: (e.target as HTMLInputElement).value })} />
    </fieldset>
  );
}

// A table's own fields: name, type, code, required, options for choices. Kept
// as a list while edited (codes may be half typed); the dialog checks them.
export function InnerFields({ list, taken, onChange }: { list: FieldProp[]; taken: Set<string>; onChange: (l: FieldProp[]) => void }) {
  const patch = (i: number, p: Partial<FieldProp>) => onChange(list.map((f, j) => (j === i ? { ...f, ...p } : f)));
  const add = () => {
    const code = newCode("SINGLE_LINE_TEXT", new Set([...taken, ...list.map((f) => f.code)]));
    onChange([...list, { type: "SINGLE_LINE_TEXT", code, label: t("ft_SINGLE_LINE_TEXT") }]);
  };
  const retype = (i: number, type: string) => {
    const { options: _o, defaultValue: _d, ...rest } = list[i];
    const p: FieldProp = { ...rest, type };
    if (["DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT"].includes(type)) p.options = { sample1: { label: "sample1", index: "0" } };
    if (type === "RADIO_BUTTON") p.defaultValue = "sample1";
    onChange(list.map((f, j) => (j === i ? p : f)));
  };
  const setOptions = (i: number, text: string) => {
    const names = text.split(/[,、]/).map((x) => x.trim()).filter((x, k, a) => x && a.indexOf(x) === k);
    const dv = list[i].defaultValue;
    patch(i, {
      options: Object.fromEntries(names.map((n, k) => [n, { label: n, index: String(k) }])),
      ...(list[i].type === "RADIO_BUTTON" && !names.includes(dv) ? { defaultValue: names[0] ?? "" } : {}),
    });
  };
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
            <label class="check"><input type="checkbox" checked={!!f.required} onChange={(e) => patch(i, { required: (e.target as HTMLInputElement).checked })} /> {t("required")}</label>
            {f.options && (
              <input aria-label={`${t("optionsComma")} ${i + 1}`} placeholder={t("optionsComma")} value={optionList(f).join(", ")}
                onChange={(e) => setOptions(i, (e.target as HTMLInputElement).value)} />
            )}
            <button type="button" aria-label={`${t("moveUp")} ${f.label}`} disabled={i === 0} onClick={() => { const n = [...list]; [n[i - 1], n[i]] = [n[i], n[i - 1]]; onChange(n); }}>↑</button>
            <button type="button" aria-label={`${t("remove")} ${f.label}`} disabled={list.length === 1} onClick={() => onChange(list.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={add}>＋ {t("addInnerField")}</button>
    </fieldset>
  );
}
