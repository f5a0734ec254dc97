// pages/LinkSettings.tsx - the parts of the field settings dialog that point
// elsewhere: a lookup's source app and copies, and which records of another
// app a related-records list shows.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { deployApp, formFields } from "../data";
import { SERVER_FIELD_TYPES } from "../fields/ftypes.gen";
import { t } from "../i18n";
import { explain, withProgress } from "../ui/feedback";
import { FieldChecks } from "../ui/FieldChecks";
import { FilterBuilder, fromQuery, toQuery } from "../ui/FilterBuilder";

export interface AppEntry { appId: string; name: string }
// asked each time a dialog opens: an app made a moment ago must be there
export const loadApps = () => call<{ apps: AppEntry[] }>("GET", k("/apps.json"), { limit: 100 }).then((r) => r.apps).catch(() => []);

// The deployed fields of another app (none while no app is chosen); asked
// again when `again` changes.
export function useAppFields(app: string, again = 0): Record<string, FieldProp> {
  const [fields, setFields] = useState<Record<string, FieldProp>>({});
  useEffect(() => {
    if (!app) return setFields({});
    formFields(app).then(setFields).catch(() => setFields({}));
  }, [app, again]);
  return fields;
}

// Why a field is missing from the key list, and the way to make it a key: its
// values may not repeat (the source app's setting, deployed at once; refused
// in words when its records already repeat a value).
function MakeUnique({ app, fields, onDone }: { app: string; fields: FieldProp[]; onDone: (code: string) => void }) {
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const make = async () => {
    const f = fields.find((x) => x.code === code);
    if (!f) return;
    setBusy(true);
    setProblem("");
    try {
      await call("PUT", k("/preview/app/form/fields.json"), { app, properties: { [f.code]: { type: f.type, code: f.code, unique: true } } });
      const why = await withProgress(deployApp(app));
      if (why === null) {
        setCode("");
        onDone(f.code);
      }
      else {
        setProblem(why);
        // undo only this change in the source app's settings
        await call("PUT", k("/preview/app/form/fields.json"), { app, properties: { [f.code]: { type: f.type, code: f.code, unique: false } } }).catch(() => {});
      }
    } catch (e) {
      setProblem(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="hint-box">
      <p class="hint" id="lk-unique-why">{t("lookupKeyWhy", { fields: fields.map((f) => `「${f.label}」`).join("") })}</p>
      <div class="row">
        <FieldSelect id="lk-unique" label={t("lookupMakeUniqueField")} fields={fields} value={code} onChange={setCode} />
        <button type="button" disabled={!code || busy} aria-describedby="lk-unique-why" onClick={make}>{t("lookupMakeUnique")}</button>
      </div>
      {problem && <p class="field-error" role="alert">{problem}</p>}
    </div>
  );
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

// a field holding a value (not a table, a layout element, nor a hidden system field such as the status)
const DATA = (f: FieldProp) => {
  const st = SERVER_FIELD_TYPES[f.type];
  return !!st && ["TEXT", "NUMBER", "EPOCH", "MULTI", "FILES", "SYS"].includes(st.kind) && !st.flags.includes("HIDDEN");
};

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
  const [reloaded, setReloaded] = useState(0);
  const src = useAppFields(lk.relatedApp.app, reloaded);
  const srcFields = Object.values(src).filter(DATA);
  const keyType = (f: FieldProp) => f.type === "SINGLE_LINE_TEXT" || f.type === "NUMBER";
  const keys = srcFields.filter((f) => f.type === "RECORD_NUMBER" || (keyType(f) && f.unique));
  // text and number fields that could be keys once their values may not repeat
  const notUnique = srcFields.filter((f) => keyType(f) && !f.unique && !f.lookup);
  const set = (patch: Partial<LookupProp>) => onChange({ ...lk, ...patch });
  const maps = lk.fieldMappings;
  return (
    <fieldset class="link-settings">
      <legend>{t("ft_LOOKUP")}</legend>
      <label for="lk-app">{t("lookupSource")}</label>
      <AppSelect id="lk-app" value={lk.relatedApp.app} onChange={(app) => set({ relatedApp: { app }, relatedKeyField: "", fieldMappings: [], lookupPickerFields: [] })} />
      <label for="lk-key">{t("lookupKey")}</label>
      <FieldSelect id="lk-key" fields={keys} value={lk.relatedKeyField} onChange={(v) => set({ relatedKeyField: v })} />
      {notUnique.length > 0 && (
        <MakeUnique app={lk.relatedApp.app} fields={notUnique}
          onDone={(code) => { setReloaded((n) => n + 1); set({ relatedKeyField: code }); }} />
      )}
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
  // built with the filter builder; a condition beyond it stays text
  const refFilter = fromQuery(ref.filterCond || "");
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
      <fieldset>
        <legend>{t("refFilter")}</legend>
        {refFilter ? (
          <FilterBuilder idPrefix="rf" fields={Object.fromEntries(srcFields.map((f) => [f.code, f]))} value={refFilter} onChange={(f) => set({ filterCond: toQuery(f) })} />
        ) : (
          <input aria-label={t("refFilter")} value={ref.filterCond} onInput={(e) => set({ filterCond: (e.target as HTMLInputElement).value })} />
        )}
      </fieldset>
    </fieldset>
  );
}
