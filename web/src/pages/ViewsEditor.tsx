// pages/ViewsEditor.tsx - the app's list views: name, columns, filter, sort.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp, type View } from "../api";
import { fieldType } from "../fields/types";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

interface Edit { name: string; fields: string[]; filter: Filter | null; rawFilter: string; sortField: string; sortDesc: boolean }

const toEdit = (v: View): Edit => {
  const [sf, dir] = (v.sort || "").split(/\s+/);
  return { name: v.name, fields: v.fields ?? [], filter: fromQuery(v.filterCond || ""), rawFilter: v.filterCond || "", sortField: sf === "$id" ? "" : sf ?? "", sortDesc: (dir ?? "desc").toLowerCase() !== "asc" };
};

export function ViewsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [views, setViews] = useState<Edit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<{ views: Record<string, View> }>("GET", k("/preview/app/views.json"), { app: appId })
      .then((r) => setViews(Object.values(r.views).filter((v) => v.type === "LIST").sort((a, b) => Number(a.index) - Number(b.index)).map(toEdit)))
      .catch(setError);
  }, [appId]);
  if (!views) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const data = Object.values(fields).filter((f) => !fieldType(f.type)?.layoutOnly);
  const set = (i: number, patch: Partial<Edit>) => setViews(views.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const save = async () => {
    setBusy(true);
    try {
      const body: Record<string, View> = {};
      views.forEach((v, i) => {
        body[v.name] = { type: "LIST", name: v.name, index: String(i), fields: v.fields, filterCond: v.filter ? toQuery(v.filter) : v.rawFilter, sort: v.sortField ? `${v.sortField} ${v.sortDesc ? "desc" : "asc"}` : "$id desc" };
      });
      await withProgress(call("PUT", k("/preview/app/views.json"), { app: appId, views: body }));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="views-editor">
      {error ? <ErrorBox error={error} /> : null}
      {views.map((v, i) => (
        <fieldset class="view-card">
          <legend>{v.name || t("viewName")}</legend>
          <label for={`vn-${i}`}>{t("viewName")}</label>
          <input id={`vn-${i}`} value={v.name} required onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          <fieldset>
            <legend>{t("columns")}</legend>
            <div class="choices">
              {data.map((f) => {
                const on = v.fields.includes(f.code);
                return <label><input type="checkbox" checked={on} onChange={() => set(i, { fields: on ? v.fields.filter((c) => c !== f.code) : [...v.fields, f.code] })} /> {f.label}</label>;
              })}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("filter")}</legend>
            {v.filter ? (
              <FilterBuilder idPrefix={`vf-${i}`} fields={fields} value={v.filter} onChange={(f) => set(i, { filter: f })} />
            ) : (
              <textarea aria-label={t("filter")} value={v.rawFilter} onInput={(e) => set(i, { rawFilter: (e.target as HTMLTextAreaElement).value })} />
            )}
          </fieldset>
          <div class="pair">
            <span>
              <label for={`vs-${i}`}>{t("sort")}</label>
              <select id={`vs-${i}`} value={v.sortField} onChange={(e) => set(i, { sortField: (e.target as HTMLSelectElement).value })}>
                <option value="">{t("ft_RECORD_NUMBER")}</option>
                {data.filter((f) => !["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "MULTI_LINE_TEXT", "RICH_TEXT"].includes(f.type)).map((f) => <option value={f.code}>{f.label}</option>)}
              </select>
            </span>
            <span>
              <label for={`vd-${i}`}>{t("sortOrder")}</label>
              <select id={`vd-${i}`} value={v.sortDesc ? "desc" : "asc"} onChange={(e) => set(i, { sortDesc: (e.target as HTMLSelectElement).value === "desc" })}>
                <option value="asc">{t("ascending")}</option>
                <option value="desc">{t("descending")}</option>
              </select>
            </span>
          </div>
          <button type="button" onClick={() => setViews(views.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => setViews([...views, { name: `${t("viewName")} ${views.length + 1}`, fields: data.slice(0, 5).map((f) => f.code), filter: { join: "and", conds: [] }, rawFilter: "", sortField: "", sortDesc: true }])}>＋ {t("addView")}</button>
        <button type="button" class="primary" disabled={busy} onClick={save}>{t("save")}</button>
      </div>
    </div>
  );
}
