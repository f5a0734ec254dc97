// pages/RecordList.tsx - an app's records: its views as tabs, a filter that
// writes the query, a keyword box, sorting by a column, paging that never asks
// for a total it does not need, inline editing and bulk delete.
import DOMPurify from "dompurify";
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp, type KRecord, type View } from "../api";
import { display, fieldType } from "../fields/types";
import { FieldInput } from "../fields/inputs";
import { t, useLang } from "../i18n";
import { go } from "../router";
import { confirmDialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { FilterBuilder, toQuery, type Filter } from "../ui/FilterBuilder";

const PAGE = 20;
const TEXTUAL = new Set(["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "RICH_TEXT", "LINK"]);
const UNSORTABLE = new Set(["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "MULTI_LINE_TEXT", "RICH_TEXT"]);
const INLINE = new Set(["SINGLE_LINE_TEXT", "NUMBER", "DATE", "TIME", "DROP_DOWN", "LINK"]);

// What the signed-in person may do with the app and each field (the server
// checks every call; the UI only offers what will work). BY_RECORD: a field of
// the record decides, see records/acl/evaluate.json.
export type FieldLevel = "NONE" | "READ" | "WRITE" | "BY_RECORD";
export interface AppRights {
  app: { view: boolean; add: boolean; edit: boolean; delete: boolean; import: boolean; export: boolean; manage: boolean };
  fields: Record<string, FieldLevel>;
  byRecord: boolean;
}
export interface AppMeta { name: string; fields: Record<string, FieldProp>; views: View[]; rights: AppRights }
export type RecordRights = { record: { viewable: boolean; editable: boolean; deletable: boolean }; fields: Record<string, { viewable: boolean; editable: boolean }> };
export const level = (m: AppMeta, code: string): FieldLevel => m.rights.fields[code] ?? "WRITE";

export async function loadApp(appId: string): Promise<AppMeta> {
  const [app, f, v, rights] = await withProgress(Promise.all([
    call<{ name: string }>("GET", k("/app.json"), { id: appId }),
    call<{ properties: Record<string, FieldProp> }>("GET", k("/app/form/fields.json"), { app: appId }),
    call<{ views: Record<string, View> }>("GET", k("/app/views.json"), { app: appId }),
    call<AppRights>("GET", "/api/app/rights", { app: appId }),
  ]));
  // fields the person may not see are as if the form had none
  const fields = Object.fromEntries(Object.entries(f.properties).filter(([code]) => rights.fields[code] !== "NONE"));
  return { name: app.name, fields, rights, views: Object.values(v.views).filter((x) => x.type === "LIST").sort((a, b) => Number(a.index) - Number(b.index)) };
}

export function RecordList({ appId, viewId }: { appId: string; viewId?: string }) {
  useLang();
  const [meta, setMeta] = useState<AppMeta | null>(null);
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [more, setMore] = useState(false);
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ code: string; desc: boolean } | null>(null);
  const [filter, setFilter] = useState<Filter>({ join: "and", conds: [] });
  const [applied, setApplied] = useState<Filter>({ join: "and", conds: [] });
  const [showFilter, setShowFilter] = useState(false);
  const [keyword, setKeyword] = useState("");
  const [kwApplied, setKwApplied] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<{ id: string; code: string; value: any; revision: string } | null>(null);
  const [pageRights, setPageRights] = useState<Record<string, RecordRights>>({});
  const [cellError, setCellError] = useState("");
  const [error, setError] = useState<unknown>(null);

  useEffect(() => void loadApp(appId).then(setMeta).catch(setError), [appId]);
  const view = meta?.views.find((v) => v.id === viewId);

  const statusField = meta ? Object.values(meta.fields).find((f) => f.type === "STATUS" && f.enabled) : undefined;
  const assigneeField = meta ? Object.values(meta.fields).find((f) => f.type === "STATUS_ASSIGNEE") : undefined;
  const query = (paged = true): string => {
    const parts: string[] = [];
    if (view?.filterCond) parts.push(`(${view.filterCond})`);
    if (viewId === "mine" && assigneeField) parts.push(`(${assigneeField.code} in (LOGINUSER()))`);
    const q = toQuery(applied);
    if (q) parts.push(`(${q})`);
    if (kwApplied && meta) {
      const text = Object.values(meta.fields).filter((f) => TEXTUAL.has(f.type)).map((f) => `${f.code} like "${kwApplied.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
      if (text.length) parts.push(`(${text.join(" or ")})`);
    }
    let s = parts.join(" and ");
    const order = sort ? `${sort.code} ${sort.desc ? "desc" : "asc"}` : view?.sort;
    if (order) s += ` order by ${order}`;
    // one more than a page tells whether there is a next page, without a count
    return paged ? `${s} limit ${PAGE + 1} offset ${offset}` : s;
  };
  const load = () => {
    if (!meta) return;
    withProgress(call<{ records: KRecord[] }>("GET", k("/records.json"), { app: appId, query: query() }))
      .then(async (r) => {
        const page = r.records.slice(0, PAGE);
        // which of them, and which of their cells, the person may change (asked
        // only when some right depends on the record)
        const ids = page.map((x) => x.$id.value as string);
        const ev = meta.rights.app.edit && meta.rights.byRecord && ids.length
          ? await call<{ rights: ({ id: string } & RecordRights)[] }>("GET", k("/records/acl/evaluate.json"), { app: appId, ids })
          : null;
        const fixed: RecordRights = {
          record: { viewable: true, editable: meta.rights.app.edit, deletable: meta.rights.app.delete },
          fields: Object.fromEntries(Object.entries(meta.rights.fields).map(([c, l]) => [c, { viewable: l !== "NONE", editable: l === "WRITE" }])),
        };
        setPageRights(Object.fromEntries(ev ? ev.rights.map((x) => [x.id, x]) : ids.map((id) => [id, fixed])));
        setMore(r.records.length > PAGE); setRecords(page); setError(null);
      })
      .catch(setError);
  };
  useEffect(load, [meta, viewId, offset, sort, applied, kwApplied]);

  if (!meta) return <div class="page">{error ? <ErrorBox error={error} /> : <p aria-busy="true">{t("loading")}</p>}</div>;
  const data = Object.values(meta.fields).filter((f) => !fieldType(f.type)?.layoutOnly && f.type !== "__ID__" && f.type !== "__REVISION__" && f.type !== "STATUS" && f.type !== "STATUS_ASSIGNEE" && f.type !== "CATEGORY");
  const cols = [
    ...(view?.fields?.length ? view.fields.map((c) => meta.fields[c]).filter(Boolean) : data.filter((f) => !["RECORD_NUMBER", "CREATOR", "MODIFIER", "CREATED_TIME", "UPDATED_TIME"].includes(f.type)).slice(0, 8)),
    ...(statusField ? [statusField] : []),
  ];
  const ids = (records ?? []).map((r) => r.$id.value as string);

  const remove = async () => {
    if (!(await confirmDialog(t("deleteConfirm", { n: selected.size })))) return;
    try {
      await withProgress(call("DELETE", k("/records.json"), { app: appId, ids: [...selected] }));
      notify(t("deleted"));
      setSelected(new Set());
      load();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  const saveCell = async () => {
    if (!editing) return;
    try {
      await withProgress(call("PUT", k("/record.json"), { app: appId, id: editing.id, revision: editing.revision, record: { [editing.code]: { value: editing.value } } }));
      setEditing(null);
      setCellError("");
      notify(t("recordSaved"));
      load();
    } catch (e: any) {
      setCellError(e?.errors ? Object.values(e.errors as Record<string, { messages: string[] }>).flatMap((x) => x.messages).join(" ") : explain(e));
    }
  };
  const tab = (id: string | undefined, name: string) => (
    <a role="tab" aria-selected={viewId === id} href={`#/apps/${appId}${id ? `?view=${id}` : ""}`} onClick={() => { setOffset(0); setSort(null); }}>{name}</a>
  );

  return (
    <div class="page record-list">
      <div class="page-head">
        <h1>{meta.name}</h1>
        <a href={`#/apps/${appId}/settings`} class="gear" aria-label={t("builder")} title={t("builder")}>⚙</a>
        <span class="spacer" />
        <form role="search" onSubmit={(e) => { e.preventDefault(); setOffset(0); setKwApplied(keyword.trim()); }}>
          <input type="search" aria-label={t("keyword")} placeholder={t("keyword")} value={keyword} onInput={(e) => setKeyword((e.target as HTMLInputElement).value)} />
          <button type="submit">{t("search")}</button>
        </form>
        {meta.rights.app.import && meta.rights.app.add && <a class="button" href={`#/apps/${appId}/import`}>{t("importCsv")}</a>}
        {meta.rights.app.export && <details class="menu">
          <summary class="button">{t("exportCsv")}</summary>
          <div class="menu-items">
            {(["utf-8", "sjis", "xlsx"] as const).map((kind) => (
              <a href={`/api/export.${kind === "xlsx" ? "xlsx" : "csv"}?` + new URLSearchParams([["app", appId], ["query", query(false)],
                ...(kind === "xlsx" ? [] : [["encoding", kind] as [string, string]]),
                ...cols.map((f, i): [string, string] => [`fields[${i}]`, f.code])]).toString()} download>
                {kind === "sjis" ? "CSV (Shift_JIS)" : kind === "xlsx" ? "Excel (.xlsx)" : "CSV (UTF-8)"}
              </a>
            ))}
          </div>
        </details>}
        {meta.rights.app.add && <button type="button" class="primary" onClick={() => go(`#/apps/${appId}/new`)}>＋ {t("addRecord")}</button>}
      </div>
      <nav role="tablist" class="tabs" aria-label={t("views")}>
        {tab(undefined, t("allRecords"))}
        {meta.views.map((v) => tab(v.id, v.name))}
        {statusField && tab("mine", t("assignedToMe"))}
      </nav>
      <div class="list-tools">
        <button type="button" aria-expanded={showFilter} onClick={() => setShowFilter(!showFilter)}>{t("filterBuilder")}{applied.conds.length ? ` (${applied.conds.length})` : ""}</button>
        {selected.size > 0 && <button type="button" class="danger" onClick={remove}>{t("deleteSelected")} ({selected.size})</button>}
        <span class="spacer" />
        {records && records.length > 0 && <span class="range">{t("pageRange", { from: offset + 1, to: offset + records.length })}</span>}
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>‹ {t("prevPage")}</button>
        <button type="button" disabled={!more} onClick={() => setOffset(offset + PAGE)}>{t("nextPage")} ›</button>
      </div>
      {showFilter && (
        <div class="filter-panel">
          <FilterBuilder idPrefix="lf" fields={Object.fromEntries(data.map((f) => [f.code, f]))} value={filter} onChange={setFilter} />
          <div class="actions">
            <button type="button" onClick={() => { setFilter({ join: "and", conds: [] }); setApplied({ join: "and", conds: [] }); setOffset(0); }}>{t("clear")}</button>
            <button type="button" class="primary" onClick={() => { setApplied(filter); setOffset(0); }}>{t("apply")}</button>
          </div>
        </div>
      )}
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {records && records.length === 0 && <p class="empty">{t("noRecords")}</p>}
      {records && records.length > 0 && (
        <div class="table-wrap">
          <table class="records">
            <thead>
              <tr>
                <th scope="col">{meta.rights.app.delete && <input type="checkbox" aria-label={t("selectAll")} checked={ids.length > 0 && ids.every((i) => selected.has(i))}
                  onChange={(e) => setSelected((e.target as HTMLInputElement).checked ? new Set(ids) : new Set())} />}</th>
                <th scope="col"><span class="visually-hidden">{t("record")}</span></th>
                {cols.map((f) => {
                  const active = sort?.code === f.code;
                  return (
                    <th scope="col" aria-sort={active ? (sort!.desc ? "descending" : "ascending") : undefined}>
                      {UNSORTABLE.has(f.type) || level(meta, f.code) === "BY_RECORD" ? f.label : (
                        <button type="button" class="sort" onClick={() => { setOffset(0); setSort({ code: f.code, desc: active ? !sort!.desc : false }); }}>
                          {f.label} <span aria-hidden="true">{active ? (sort!.desc ? "▼" : "▲") : "↕"}</span>
                        </button>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {records.map((r) => {
                const id = r.$id.value as string;
                return (
                  <tr>
                    <td>{meta.rights.app.delete && <input type="checkbox" aria-label={`${t("record")} ${id}`} checked={selected.has(id)} onChange={() => { const s = new Set(selected); s.has(id) ? s.delete(id) : s.add(id); setSelected(s); }} />}</td>
                    <td><a href={`#/apps/${appId}/records/${id}`} aria-label={`${t("record")} ${id}`}>#{id}</a></td>
                    {cols.map((f) => {
                      const isEditing = editing?.id === id && editing.code === f.code;
                      if (isEditing) {
                        return (
                          <td class="editing">
                            <form onSubmit={(e) => { e.preventDefault(); saveCell(); }} onKeyDown={(e) => e.key === "Escape" && setEditing(null)}>
                              <FieldInput id={`cell-${id}-${f.code}`} field={f} value={editing.value} invalid={!!cellError} describedBy={cellError ? "cell-error" : undefined} onChange={(v) => setEditing({ ...editing, value: v })} />
                              <button type="submit" class="primary">{t("save")}</button>
                              <button type="button" onClick={() => { setEditing(null); setCellError(""); }}>{t("cancel")}</button>
                              {cellError && <span id="cell-error" class="field-error" role="alert">{cellError}</span>}
                            </form>
                          </td>
                        );
                      }
                      if (f.type === "RICH_TEXT")
                        return <td><div class="cell-rich" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(String(r[f.code]?.value ?? "")) }} /></td>;
                      const text = display(f.type, r[f.code]?.value);
                      return (
                        <td class={f.type === "NUMBER" ? "num" : ""}>
                          {INLINE.has(f.type) && pageRights[id]?.record.editable && pageRights[id]?.fields[f.code]?.editable ? (
                            <button type="button" class="cell" title={t("edit")} aria-label={`${t("edit")} ${f.label}: ${text}`}
                              onClick={() => { setCellError(""); setEditing({ id, code: f.code, value: r[f.code]?.value ?? "", revision: r.$revision.value }); }}>{text || "\u00a0"}</button>
                          ) : text}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
