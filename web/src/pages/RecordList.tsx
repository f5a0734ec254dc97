// pages/RecordList.tsx - an app's records: its views as tabs, a filter that
// writes the query, a keyword box, sorting by one or more columns, the number
// of matching records, paging, a row edited in place and bulk delete. What the
// list shows (view, filter, keyword, sort, page, page size) lives in the URL,
// so a list can be bookmarked, shared, and gone back to.
import DOMPurify from "dompurify";
import { appInfo, appReports, appRights, appSettings, appViews, formFields, type ReportSettings } from "../data";
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp, type KRecord, type View, type AppRights, type FieldLevel } from "../api";
import { display, fieldType } from "../fields/types";
import { FieldInput } from "../fields/inputs";
import { t, useLang } from "../i18n";
import { go } from "../router";
import { confirmDialog, Dialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { describe, FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";
import { FieldChecks } from "../ui/FieldChecks";
import { rememberList } from "../ui/listNav";
import { Calendar } from "../views/Calendar";
import { Gallery } from "../views/Gallery";
import { Kanban } from "../views/Kanban";
import type { ViewProps } from "../views/cards";
import { PinButtons } from "./Dashboard";
import { ChartColumn } from "lucide-preact";
import { PrintDialog } from "../ui/PrintDialog";

// The views the list page draws: kintone's list and calendar, our kanban and gallery.
const DRAWN: Record<string, ((p: ViewProps) => any) | null> = { LIST: null, CALENDAR: Calendar, KANBAN: Kanban, GALLERY: Gallery };

const PAGE_SIZES = [20, 40, 100];
// the system fields a view may show as columns (kintone's 作成日時, 更新日時, ...)
const SYSTEM_COLUMNS = new Set(["RECORD_NUMBER", "CREATOR", "CREATED_TIME", "MODIFIER", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE"]);
const TEXTUAL = new Set(["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "RICH_TEXT", "LINK"]);
const UNSORTABLE = new Set(["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "MULTI_LINE_TEXT", "RICH_TEXT"]);
const INLINE = new Set(["SINGLE_LINE_TEXT", "NUMBER", "DATE", "TIME", "DROP_DOWN", "LINK"]);

export interface TitleField { selectionMode: "AUTO" | "MANUAL"; code: string }
export interface AppMeta { name: string; fields: Record<string, FieldProp>; views: View[]; rights: AppRights; titleField?: TitleField }
export type RecordRights = { record: { viewable: boolean; editable: boolean; deletable: boolean }; fields: Record<string, { viewable: boolean; editable: boolean }> };
export const level = (m: AppMeta, code: string): FieldLevel => m.rights.fields[code] ?? "WRITE";

export async function loadApp(appId: string): Promise<AppMeta> {
  const [app, properties, views, rights, settings] = await withProgress(Promise.all([
    appInfo(appId), formFields(appId), appViews(appId), appRights(appId), appSettings(appId),
  ]));
  // fields the person may not see are as if the form had none
  const fields = Object.fromEntries(Object.entries(properties).filter(([code]) => rights.fields[code] !== "NONE"));
  return { name: app.name, fields, rights, titleField: settings.titleField as TitleField | undefined, views: Object.values(views).filter((x) => x.type in DRAWN).sort((a, b) => Number(a.index) - Number(b.index)) };
}

interface Sort { code: string; desc: boolean }
// What the URL says the list shows (and where a calendar is: its date and span).
interface ListState { filter: string; kw: string; sort: Sort[]; page: number; size: number; at: string; span: string }

function readState(params: string): ListState {
  const q = new URLSearchParams(params);
  const size = Number(q.get("size"));
  return {
    filter: q.get("q") ?? "",
    kw: q.get("kw") ?? "",
    sort: (q.get("sort") ?? "").split(",").filter(Boolean).map((x) => { const [code, dir] = x.split(":"); return { code, desc: dir === "desc" }; }),
    page: Math.max(1, Number(q.get("page")) || 1),
    size: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0],
    at: q.get("at") ?? "",
    span: q.get("span") === "week" ? "week" : "month",
  };
}

function listHash(appId: string, viewId: string | undefined, s: ListState): string {
  const q = new URLSearchParams();
  if (viewId) q.set("view", viewId);
  if (s.filter) q.set("q", s.filter);
  if (s.kw) q.set("kw", s.kw);
  if (s.sort.length) q.set("sort", s.sort.map((x) => `${x.code}:${x.desc ? "desc" : "asc"}`).join(","));
  if (s.page > 1) q.set("page", String(s.page));
  if (s.size !== PAGE_SIZES[0]) q.set("size", String(s.size));
  if (s.at) q.set("at", s.at);
  if (s.span === "week") q.set("span", s.span);
  const qs = q.toString();
  return `#/apps/${appId}${qs ? "?" + qs : ""}`;
}

// How a column's cells wrap on a narrow screen: numbers and times on one line,
// people between names (style.css).
const CELL_KIND: Record<string, string> = {
  NUMBER: "num", CALC: "num", RECORD_NUMBER: "num",
  DATE: "when", TIME: "when", DATETIME: "when", CREATED_TIME: "when", UPDATED_TIME: "when",
  USER_SELECT: "people", ORGANIZATION_SELECT: "people", GROUP_SELECT: "people", CREATOR: "people", MODIFIER: "people", STATUS_ASSIGNEE: "people",
};

const quoteKw = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

// The record's title (kintone's レコードタイトル): the field the app's settings
// name, or by default its first one-line text field; null when it is empty.
export const TITLE_TYPES = ["SINGLE_LINE_TEXT", "NUMBER", "CALC", "DATE", "DATETIME", "LINK", "DROP_DOWN", "RADIO_BUTTON", "RECORD_NUMBER"];
export function recordTitle(meta: AppMeta, record: KRecord): string | null {
  const tf = meta.titleField;
  const f = tf?.selectionMode === "MANUAL" && tf.code ? meta.fields[tf.code]
    : Object.values(meta.fields).find((x) => x.type === "SINGLE_LINE_TEXT");
  const text = f ? display(f.type, record[f.code]?.value).trim() : "";
  return text || null;
}

export function RecordList({ appId, viewId, params }: { appId: string; viewId?: string; params: string }) {
  useLang();
  const [meta, setMeta] = useState<AppMeta | null>(null);
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [draft, setDraft] = useState<Filter>({ join: "and", conds: [] });
  const [showFilter, setShowFilter] = useState(false);
  const [reports, setReports] = useState<ReportSettings[]>([]);
  useEffect(() => void appReports(appId).then((r) => setReports(Object.values(r).sort((a, b) => Number(a.index) - Number(b.index)))).catch(() => setReports([])), [appId]);
  const [keyword, setKeyword] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<{ id: string; values: Record<string, any>; revision: string } | null>(null);
  const [pageRights, setPageRights] = useState<Record<string, RecordRights>>({});
  const [rowError, setRowError] = useState("");
  const [exporting, setExporting] = useState(false);
  const [printing, setPrinting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const state = readState(params);
  const nav = (patch: Partial<ListState>) => go(listHash(appId, viewId, { ...state, page: 1, ...patch }));

  useEffect(() => void loadApp(appId).then(setMeta).catch(setError), [appId]);
  // the filter panel and keyword box show what the URL applies
  useEffect(() => {
    setDraft(fromQuery(state.filter) ?? { join: "and", conds: [] });
    setKeyword(state.kw);
    setSelected(new Set());
    setEditing(null);
  }, [params, viewId]);
  const view = meta?.views.find((v) => v.id === viewId);

  const statusField = meta ? Object.values(meta.fields).find((f) => f.type === "STATUS" && f.enabled) : undefined;
  const assigneeField = meta ? Object.values(meta.fields).find((f) => f.type === "STATUS_ASSIGNEE") : undefined;
  // the records the page selects, and then their order
  const conds = (): string => {
    const parts: string[] = [];
    if (view?.filterCond) parts.push(`(${view.filterCond})`);
    if (viewId === "mine" && assigneeField) parts.push(`(${assigneeField.code} in (LOGINUSER()))`);
    if (state.filter) parts.push(`(${state.filter})`);
    if (state.kw && meta) {
      const text = Object.values(meta.fields).filter((f) => TEXTUAL.has(f.type)).map((f) => `${f.code} like "${quoteKw(state.kw)}"`);
      if (text.length) parts.push(`(${text.join(" or ")})`);
    }
    return parts.join(" and ");
  };
  const where = (): string => {
    let s = conds();
    const order = state.sort.length ? state.sort.map((x) => `${x.code} ${x.desc ? "desc" : "asc"}`).join(", ") : view?.sort;
    if (order) s += ` order by ${order}`;
    return s;
  };
  const Drawn = view ? DRAWN[view.type] : null;
  const load = () => {
    if (!meta || Drawn) return;
    // the total is remembered per data generation on the server: asking for it is cheap
    withProgress(call<{ records: KRecord[]; totalCount: string }>("GET", k("/records.json"),
      { app: appId, query: `${where()} limit ${state.size} offset ${(state.page - 1) * state.size}`, totalCount: true }))
      .then(async (r) => {
        // which of them, and which of their cells, the person may change (asked
        // only when some right depends on the record)
        const ids = r.records.map((x) => x.$id.value as string);
        const ev = meta.rights.app.edit && meta.rights.byRecord && ids.length
          ? await call<{ rights: ({ id: string } & RecordRights)[] }>("GET", k("/records/acl/evaluate.json"), { app: appId, ids })
          : null;
        const fixed: RecordRights = {
          record: { viewable: true, editable: meta.rights.app.edit, deletable: meta.rights.app.delete },
          fields: Object.fromEntries(Object.entries(meta.rights.fields).map(([c, l]) => [c, { viewable: l !== "NONE", editable: l === "WRITE" }])),
        };
        setPageRights(Object.fromEntries(ev ? ev.rights.map((x) => [x.id, x]) : ids.map((id) => [id, fixed])));
        setRecords(r.records); setTotal(Number(r.totalCount)); setError(null);
      })
      .catch(setError);
  };
  useEffect(load, [meta, viewId, params]);

  if (!meta) return <div class="page">{error ? <ErrorBox error={error} /> : <p aria-busy="true">{t("loading")}</p>}</div>;
  const data = Object.values(meta.fields).filter((f) => !fieldType(f.type)?.layoutOnly && !fieldType(f.type)?.noValue && f.type !== "__ID__" && f.type !== "__REVISION__" && f.type !== "CATEGORY" && (f.type !== "STATUS" || f.enabled) && (f.type !== "STATUS_ASSIGNEE" || statusField));
  const viewCols = view?.fields?.length ? view.fields.map((c) => meta.fields[c]).filter(Boolean) : null;
  const cols = [
    ...(viewCols ?? data.filter((f) => !SYSTEM_COLUMNS.has(f.type)).slice(0, 8)),
    ...(statusField && !viewCols?.includes(statusField) ? [statusField] : []),
  ];
  const widths = view?.columnWidths ?? {};
  const ids = (records ?? []).map((r) => r.$id.value as string);
  const pages = total === null ? 1 : Math.max(1, Math.ceil(total / state.size));
  const viewFilter = view?.filterCond ? fromQuery(view.filterCond) : null;

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
  // the cells of a row the person may change in place
  const editable = (id: string) => cols.filter((f) => INLINE.has(f.type) && pageRights[id]?.record.editable && pageRights[id]?.fields[f.code]?.editable);
  const saveRow = async () => {
    if (!editing) return;
    const r = records?.find((x) => x.$id.value === editing.id);
    const changed = Object.entries(editing.values).filter(([c, v]) => v !== (r?.[c]?.value ?? ""));
    if (!changed.length) return setEditing(null);
    try {
      await withProgress(call("PUT", k("/record.json"), { app: appId, id: editing.id, revision: editing.revision, record: Object.fromEntries(changed.map(([c, v]) => [c, { value: v }])) }));
      setEditing(null);
      setRowError("");
      notify(t("recordSaved"));
      load();
    } catch (e: any) {
      setRowError(e?.errors ? Object.values(e.errors as Record<string, { messages: string[] }>).flatMap((x) => x.messages).join(" ") : explain(e));
    }
  };
  const sortBy = (code: string, add: boolean) => {
    const cur = state.sort.find((x) => x.code === code);
    const next = cur ? { code, desc: !cur.desc } : { code, desc: false };
    nav({ sort: add ? [...state.sort.filter((x) => x.code !== code), next] : [next] });
  };
  // a tab starts from its view as saved: the filter and sort of another view do not come along
  const tab = (id: string | undefined, name: string) => (
    <a role="tab" aria-selected={viewId === id} href={listHash(appId, id, { filter: "", kw: "", sort: [], page: 1, size: state.size, at: "", span: "month" })}>{name}</a>
  );
  // a click anywhere on a row opens the record, except on what the row itself offers
  const remember = (n: number) => rememberList(appId, where(), (state.page - 1) * state.size + n);
  const openRow = (e: MouseEvent, id: string, n: number) => {
    if (editing?.id === id || (e.target as HTMLElement).closest("a, button, input, select, textarea, label")) return;
    remember(n);
    go(`#/apps/${appId}/records/${id}`);
  };

  return (
    <div class="page record-list">
      <div class="page-head">
        <h1>{meta.name} {total !== null && !Drawn && <span class="count">{t("recordCount", { n: total.toLocaleString() })}</span>}</h1>
        {meta.rights.app.manage && <a href={`#/apps/${appId}/settings`} class="gear" aria-label={t("builder")} title={t("builder")}>⚙</a>}
        <span class="spacer" />
        <form role="search" onSubmit={(e) => { e.preventDefault(); nav({ kw: keyword.trim() }); }}>
          <input type="search" aria-label={t("keyword")} placeholder={t("keyword")} value={keyword} onInput={(e) => setKeyword((e.target as HTMLInputElement).value)} />
          <button type="submit">{t("search")}</button>
        </form>
        {meta.rights.app.import && meta.rights.app.add && <a class="button" href={`#/apps/${appId}/import`}>{t("importCsv")}</a>}
        {meta.rights.app.export && <button type="button" onClick={() => setExporting(true)}>{t("exportCsv")}</button>}
        <button type="button" onClick={() => setPrinting(true)}>{t("pdf")}</button>
        {meta.rights.app.add && <button type="button" class="primary" onClick={() => go(`#/apps/${appId}/new`)}>＋ {t("addRecord")}</button>}
      </div>
      <div class="tab-row">
        <nav role="tablist" class="tabs" aria-label={t("views")}>
          {tab(undefined, t("allRecords"))}
          {meta.views.map((v) => tab(v.id, v.name))}
          {statusField && tab("mine", t("assignedToMe"))}
        </nav>
        {reports.length > 0 && ( // the app's graphs beside its views, each opening its page
          <nav class="tabs graph-tabs" aria-label={t("graphs")}>
            {reports.map((r) => <a href={`#/apps/${appId}/reports/${r.id}`}><ChartColumn size={16} aria-hidden="true" /> {r.name}</a>)}
          </nav>
        )}
      </div>
      {view?.filterCond && (
        <p class="view-filter"><span class="muted">{t("viewFilter")}:</span> {viewFilter ? describe(viewFilter, meta.fields) : view.filterCond}</p>
      )}
      <div class="list-tools">
        <button type="button" aria-expanded={showFilter} onClick={() => setShowFilter(!showFilter)}>{t("filterBuilder")}{state.filter ? ` (${(fromQuery(state.filter)?.conds.length ?? 1)})` : ""}</button>
        {state.filter && <span class="applied-filter">{describe(fromQuery(state.filter) ?? { join: "and", conds: [] }, meta.fields) || state.filter}</span>}
        {selected.size > 0 && <button type="button" class="danger" onClick={remove}>{t("deleteSelected")} ({selected.size})</button>}
        {view?.id && <PinButtons appId={appId} kind="view" refId={view.id} />}
        <span class="spacer" />
        {!Drawn && <>
        {records && records.length > 0 && <span class="range">{t("pageRange", { from: (state.page - 1) * state.size + 1, to: (state.page - 1) * state.size + records.length })}</span>}
        <label class="page-size">{t("pageSize")}{" "}
          <select value={state.size} onChange={(e) => nav({ size: Number((e.target as HTMLSelectElement).value) })}>
            {PAGE_SIZES.map((n) => <option value={n}>{n}</option>)}
          </select>
        </label>
        <button type="button" disabled={state.page <= 1} onClick={() => nav({ page: state.page - 1 })}>‹ {t("prevPage")}</button>
        <button type="button" disabled={state.page >= pages} onClick={() => nav({ page: state.page + 1 })}>{t("nextPage")} ›</button>
        </>}
      </div>
      {showFilter && (
        <div class="filter-panel">
          <FilterBuilder idPrefix="lf" fields={Object.fromEntries(data.map((f) => [f.code, f]))} value={draft} onChange={setDraft} />
          <div class="actions">
            <button type="button" onClick={() => { setDraft({ join: "and", conds: [] }); nav({ filter: "" }); }}>{t("clear")}</button>
            <button type="button" class="primary" onClick={() => nav({ filter: toQuery(draft) })}>{t("apply")}</button>
          </div>
        </div>
      )}
      {printing && <PrintDialog appId={appId} query={where()} fields={cols.map((f) => f.code)} title={view ? `${meta.name}（${view.name}）` : meta.name} onClose={() => setPrinting(false)} />}
      {exporting && <ExportDialog appId={appId} query={where()} fields={data} chosen={cols.map((f) => f.code)} onClose={() => setExporting(false)} />}
      {Drawn && view && (
        <Drawn appId={appId} meta={meta} view={view} cond={conds()} at={state.at} span={state.span} page={state.page}
          onMove={(patch) => go(listHash(appId, viewId, { ...state, ...patch }))} />
      )}
      {!Drawn && error ? <ErrorBox error={error} onRetry={load} /> : null}
      {!Drawn && records && records.length === 0 && <p class="empty">{t("noRecords")}</p>}
      {!Drawn && records && records.length > 0 && (
        <div class="table-wrap">
          <table class="records">
            {Object.keys(widths).length > 0 && (
              <colgroup><col /><col />{cols.map((f) => <col style={widths[f.code] ? { width: `${widths[f.code]}px` } : undefined} />)}</colgroup>
            )}
            <thead>
              <tr>
                <th scope="col">{meta.rights.app.delete && <input type="checkbox" aria-label={t("selectAll")} checked={ids.length > 0 && ids.every((i) => selected.has(i))}
                  onChange={(e) => setSelected((e.target as HTMLInputElement).checked ? new Set(ids) : new Set())} />}</th>
                <th scope="col"><span class="visually-hidden">{t("record")}</span></th>
                {cols.map((f) => {
                  const at = state.sort.findIndex((x) => x.code === f.code);
                  const active = at >= 0 ? state.sort[at] : null;
                  return (
                    <th scope="col" aria-sort={at === 0 ? (active!.desc ? "descending" : "ascending") : undefined}>
                      {UNSORTABLE.has(f.type) || f.type === "STATUS_ASSIGNEE" || level(meta, f.code) === "BY_RECORD" ? f.label : (
                        <button type="button" class="sort" title={t("sortAdd")} onClick={(e) => sortBy(f.code, e.shiftKey)}>
                          {f.label} <span aria-hidden="true">{active ? (active.desc ? "▼" : "▲") + (state.sort.length > 1 ? at + 1 : "") : "↕"}</span>
                        </button>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {records.map((r, n) => {
                const id = r.$id.value as string;
                const rowEditing = editing?.id === id;
                const mine = editable(id);
                return (
                  <tr class={rowEditing ? "editing" : "openable"} onClick={(e) => openRow(e, id, n)}
                    onKeyDown={(e) => rowEditing && e.key === "Escape" && (setEditing(null), setRowError(""))}>
                    <td>{meta.rights.app.delete && <input type="checkbox" aria-label={`${t("record")} ${id}`} checked={selected.has(id)} onChange={() => { const s = new Set(selected); s.has(id) ? s.delete(id) : s.add(id); setSelected(s); }} />}</td>
                    <td class="row-actions">
                      <a href={`#/apps/${appId}/records/${id}`} aria-label={`${t("record")} ${id}`} onClick={() => remember(n)}>#{id}</a>
                      {rowEditing ? (
                        <>
                          <button type="button" class="primary" onClick={saveRow}>{t("save")}</button>
                          <button type="button" onClick={() => { setEditing(null); setRowError(""); }}>{t("cancel")}</button>
                        </>
                      ) : mine.length > 0 && (
                        <button type="button" class="pencil" aria-label={`${t("editRow")} #${id}`} title={t("editRow")}
                          onClick={() => { setRowError(""); setEditing({ id, revision: r.$revision.value as string, values: Object.fromEntries(mine.map((f) => [f.code, r[f.code]?.value ?? ""])) }); }}>✎</button>
                      )}
                    </td>
                    {cols.map((f) => {
                      if (rowEditing && f.code in editing!.values) {
                        return (
                          <td class="editing">
                            <form onSubmit={(e) => { e.preventDefault(); saveRow(); }}>
                              <FieldInput id={`cell-${id}-${f.code}`} label={f.label} field={f} value={editing!.values[f.code]} invalid={!!rowError} describedBy={rowError ? "row-error" : undefined}
                                onChange={(v) => setEditing({ ...editing!, values: { ...editing!.values, [f.code]: v } })} />
                            </form>
                          </td>
                        );
                      }
                      if (f.type === "RICH_TEXT")
                        return <td><div class="cell-rich" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(String(r[f.code]?.value ?? "")) }} /></td>;
                      const v = r[f.code]?.value;
                      if (CELL_KIND[f.type] === "people" && Array.isArray(v)) // each name whole on its line
                        return <td class="people">{v.map((u: { name?: string; code: string }, i: number) => <>{i ? ", " : ""}<span class="name">{u.name || u.code}</span></>)}</td>;
                      return <td class={CELL_KIND[f.type] ?? ""}>{display(f.type, v)}</td>;
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rowError && <p id="row-error" class="field-error" role="alert">{rowError}</p>}
        </div>
      )}
    </div>
  );
}

// What to write out: the format, the headings (names, or codes as cli-kintone
// writes them), and which fields (the list's columns to begin with). The file
// is the records the list selects now, named after the app.
function ExportDialog({ appId, query, fields, chosen, onClose }: { appId: string; query: string; fields: FieldProp[]; chosen: string[]; onClose: () => void }) {
  const [kind, setKind] = useState<"utf-8" | "sjis" | "xlsx">("sjis");
  const [header, setHeader] = useState<"label" | "code">("label");
  const [codes, setCodes] = useState<string[]>(chosen);
  const picked = fields.filter((f) => codes.includes(f.code)); // in the form's order
  const href = `/api/export.${kind === "xlsx" ? "xlsx" : "csv"}?` + new URLSearchParams([["app", appId], ["query", query],
    ...(kind === "xlsx" ? [] : [["encoding", kind] as [string, string], ["header", header] as [string, string]]),
    ...picked.map((f, i): [string, string] => [`fields[${i}]`, f.code])]).toString();
  return (
    <Dialog title={t("exportCsv")} onClose={onClose} wide>
      <fieldset>
        <legend>{t("exportFormat")}</legend>
        <div class="choices">
          {([["sjis", "CSV (Shift_JIS)"], ["utf-8", "CSV (UTF-8)"], ["xlsx", "Excel (.xlsx)"]] as const).map(([v, label]) => (
            <label><input type="radio" name="export-kind" checked={kind === v} onChange={() => setKind(v)} /> {label}</label>
          ))}
        </div>
        <p class="hint">{t(kind === "sjis" ? "exportSjisHint" : kind === "xlsx" ? "exportXlsxHint" : "exportUtf8Hint")}</p>
      </fieldset>
      {kind !== "xlsx" && (
        <fieldset>
          <legend>{t("exportHeader")}</legend>
          <div class="choices">
            <label><input type="radio" name="export-header" checked={header === "label"} onChange={() => setHeader("label")} /> {t("fieldName")}</label>
            <label><input type="radio" name="export-header" checked={header === "code"} onChange={() => setHeader("code")} /> {t("fieldCode")}</label>
          </div>
        </fieldset>
      )}
      <FieldChecks legend={`${t("exportFields")} (${picked.length})`} fields={fields} value={codes} onChange={setCodes}>
        <div class="actions left">
          <button type="button" onClick={() => setCodes(fields.map((f) => f.code))}>{t("selectAll")}</button>
          <button type="button" onClick={() => setCodes([])}>{t("clear")}</button>
        </div>
      </FieldChecks>
      <div class="actions">
        <button type="button" onClick={onClose}>{t("cancel")}</button>
        {picked.length > 0
          ? <a class="button primary" href={href} download onClick={() => setTimeout(onClose, 0)}>{t("exportDo")}</a>
          : <button type="button" class="primary" disabled>{t("exportDo")}</button>}
      </div>
    </Dialog>
  );
}
