// pages/RecordPage.tsx - one record laid out as its form: view, add, edit,
// duplicate, delete; the server's validation errors next to their fields; a
// warning before unsaved changes are lost; comments and history beside it.
import { useEffect, useState } from "preact/hooks";
import DOMPurify from "dompurify";
import { ApiError, call, k, me, type FieldProp, type KRecord, type LayoutRow } from "../api";
import { formLayout } from "../data";
import { display } from "../fields/types";
import { FieldInput, newRow, startValue } from "../fields/inputs";
import { useRecordForm, writable, type Values } from "../record/form";
import { FileList, RelatedRecords, TableValue } from "../fields/values";
import { t, useLang } from "../i18n";
import { go, setLeaveGuard } from "../router";
import { confirmDialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { neighbours, stepList, type Neighbours } from "../ui/listNav";
import { level, loadApp, recordTitle, type AppMeta, type RecordRights } from "./RecordList";
import { Comments } from "./Comments";
import { History } from "./History";
import { Process } from "./Process";
import { bellRefresh, hasUnread, NOTICE_EVENT } from "./Notifications";
import { Circulars } from "./Circulars";
import { PrintDialog } from "../ui/PrintDialog";


// The values a new record starts with: each field's default.
function defaults(fields: Record<string, FieldProp>): Values {
  const v: Values = {};
  const now = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  for (const f of Object.values(fields)) {
    if (f.defaultNowValue && f.type === "DATE") v[f.code] = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
    else if (f.defaultNowValue && f.type === "TIME") v[f.code] = `${p(now.getHours())}:${p(now.getMinutes())}`;
    else if (f.defaultNowValue && f.type === "DATETIME") v[f.code] = now.toISOString().replace(/\.\d{3}Z$/, "Z");
    else if (f.defaultValue !== undefined) v[f.code] = startValue(f);
    else if (f.type === "SUBTABLE") v[f.code] = [newRow(f)];
  }
  return v;
}

// Fields whose value a link may give (one text value each).
const PRESETTABLE = new Set(["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "NUMBER", "DATE", "TIME", "DATETIME", "DROP_DOWN", "RADIO_BUTTON", "LINK"]);

// Fields a lookup fills in, and calculated ones: shown, not typed into.
const lookupTargets = (fields: Record<string, FieldProp>) =>
  new Set([
    ...Object.values(fields).flatMap((f) => (f.lookup?.fieldMappings ?? []).map((m: { field: string }) => m.field)),
    ...Object.values(fields).filter((f) => f.type === "CALC" || f.expression).map((f) => f.code),
  ]);

// Field codes of a server error: "record.<code>.value", "record[<code>].value".
export function errorsByField(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError) || !e.errors) return out;
  for (const [key, v] of Object.entries(e.errors)) {
    const m = /^record[.[]([^.\]]+)/.exec(key);
    const code = m ? m[1] : "";
    out[code] = (out[code] ? out[code] + " " : "") + v.messages.join(" ");
  }
  return out;
}


export function RecordPage({ appId, recordId, copyFrom, preset }: { appId: string; recordId?: string; copyFrom?: string; preset?: Record<string, string> }) {
  useLang();
  const [meta, setMeta] = useState<AppMeta | null>(null);
  const [layout, setLayout] = useState<LayoutRow[]>([]);
  const [record, setRecord] = useState<KRecord | null>(null);
  const form = useRecordForm(`${appId}/${recordId ?? ""}/${copyFrom ?? ""}`);
  const values = form.values, errors = form.errors;
  const [editing, setEditing] = useState(!recordId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);
  const [rights, setRights] = useState<RecordRights | null>(null);
  const [nav, setNav] = useState<Neighbours | null>(null);
  const [fresh, setFresh] = useState(0);
  const [printing, setPrinting] = useState(false);
  // Opening the record reads what the bell said of it (written only when there is something unread).
  useEffect(() => {
    if (recordId)
      hasUnread().then((some) => (some ? call("POST", "/api/notifications/read", { app: appId, record: recordId }).then(bellRefresh) : undefined)).catch(() => {});
  }, [appId, recordId]);
  useEffect(() => void (recordId ? neighbours(appId, recordId).then(setNav).catch(() => setNav(null)) : setNav(null)), [appId, recordId]);

  const loadRecord = async (m: AppMeta) => {
    const id = recordId ?? copyFrom;
    if (!id) { // a new record: the defaults, and the values the link gave for fields the person may write
      const given = Object.entries(preset ?? {}).filter(([code]) => PRESETTABLE.has(m.fields[code]?.type) && level(m, code) === "WRITE");
      form.reset({ ...defaults(m.fields), ...Object.fromEntries(given) });
      return;
    }
    const [r, ev] = await withProgress(Promise.all([
      call<{ record: KRecord }>("GET", k("/record.json"), { app: appId, id }),
      recordId ? call<{ rights: RecordRights[] }>("GET", k("/records/acl/evaluate.json"), { app: appId, ids: [recordId] }) : null,
    ]));
    if (recordId) setRecord(r.record);
    if (ev) setRights(ev.rights[0]);
    const v: Values = {};
    for (const [code, x] of Object.entries(r.record)) if (writable(m.fields[code])) v[code] = structuredClone(x.value);
    // a copy starts without the original's attachments, as kintone's reuse (each record owns its files)
    if (copyFrom && !recordId)
      for (const [code, x] of Object.entries(r.record)) {
        if (x.type === "FILE") v[code] = [];
        if (x.type === "SUBTABLE")
          for (const row of v[code] ?? []) {
            delete row.id;
            for (const cell of Object.values(row.value) as { type: string; value: unknown }[]) if (cell.type === "FILE") cell.value = [];
          }
      }
    form.reset(v);
  };
  useEffect(() => {
    (async () => {
      try {
        const m = await loadApp(appId);
        const l = await formLayout(appId);
        await loadRecord(m); // the form is shown with its values, never empty first
        setMeta(m);
        setLayout(l);
      } catch (e) {
        setError(e);
      }
    })();
  }, [appId, recordId, copyFrom]);
  useEffect(() => {
    setLeaveGuard(() => form.dirty);
    return () => setLeaveGuard(null);
  }, [form]);
  // The page stays current while others act on the record (a status moved on,
  // a comment, a circular confirmed): when the bell hears of a notice, and
  // every 30 seconds while the page is shown; never while it is being edited.
  useEffect(() => {
    if (!recordId || !meta || editing) return;
    const again = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const r = await call<{ record: KRecord }>("GET", k("/record.json"), { app: appId, id: recordId });
        if (r.record.$revision.value !== record?.$revision.value) {
          await loadRecord(meta);
          setHistoryKey((n) => n + 1);
        }
      } catch {
        return; // gone or out of reach: the next look will say so
      }
      setFresh((n) => n + 1);
    };
    addEventListener(NOTICE_EVENT, again);
    const timer = setInterval(again, 30000);
    return () => { removeEventListener(NOTICE_EVENT, again); clearInterval(timer); };
  }, [appId, recordId, meta, editing, record?.$revision.value]);

  if (!meta) return <div class="page">{error ? <ErrorBox error={error} /> : <p aria-busy="true">{t("loading")}</p>}</div>;

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    form.setErrors({});
    const body = form.body(meta.fields, mayWrite);
    try {
      if (recordId) {
        await withProgress(call("PUT", k("/record.json"), { app: appId, id: recordId, record: body, revision: record?.$revision.value }));
        form.settle();
        setEditing(false);
        await loadRecord(meta);
        setHistoryKey((n) => n + 1);
        notify(t("recordSaved"));
      } else {
        const r = await withProgress(call<{ id: string }>("POST", k("/record.json"), { app: appId, record: body }));
        form.settle();
        setLeaveGuard(null);
        notify(t("recordSaved"));
        go(`#/apps/${appId}/records/${r.id}`);
      }
      setError(null);
    } catch (err) {
      const fe = errorsByField(err);
      form.setErrors(fe);
      setError(Object.keys(fe).length ? new Error(t("errorsBelow")) : err);
    } finally {
      setBusy(false);
    }
  };
  // what the person may change here: for a record, as evaluate.json says; for a
  // new one, what the field rights give (a field its record decides is theirs
  // to fill, the server checks the people it names)
  const mayWrite = (code: string) =>
    recordId ? !!rights?.record.editable && rights.fields[code]?.editable !== false : level(meta, code) !== "READ";
  const maySee = (code: string) => (recordId && rights ? rights.fields[code]?.viewable !== false : true);

  const remove = async () => {
    if (!(await confirmDialog(t("deleteConfirm", { n: 1 })))) return;
    try {
      await withProgress(call("DELETE", k("/records.json"), { app: appId, ids: [recordId] }));
      notify(t("recordDeleted"));
      go(`#/apps/${appId}`);
    } catch (e) {
      notify(explain(e), "error");
    }
  };

  // Rows as the form lays them out (a table is a row of its own); fields the
  // layout leaves out go last.
  // A group is a block of rows under its heading.
  type Block = LayoutRow["fields"] | { group: string; rows: LayoutRow["fields"][] };
  const rowOf = (r: LayoutRow): LayoutRow["fields"] => (r.type === "SUBTABLE" ? [{ type: "SUBTABLE", code: r.code }] : r.fields ?? []);
  const placed = new Set(layout.flatMap((r) => [r.code, ...(r.fields ?? []).map((f) => f.code), ...(r.layout ?? []).flatMap((g) => (g.fields ?? []).map((f) => f.code))]));
  const rows: Block[] = layout.map((r) => (r.type === "GROUP" ? { group: r.code!, rows: (r.layout ?? []).map(rowOf) } : rowOf(r)));
  const copied = lookupTargets(meta.fields);
  for (const f of Object.values(meta.fields)) if (writable(f) && !placed.has(f.code)) rows.push([{ type: f.type, code: f.code }]);
  const block = (b: Block) => {
    if (Array.isArray(b)) return <div class="form-row">{b.map(cell)}</div>;
    const g = meta.fields[b.group];
    if (!g || !maySee(g.code)) return null;
    const failing = b.rows.some((r) => r.some((x) => x.code && errors[x.code]));
    return (
      <details class="form-group" open={g.openGroup || failing || undefined}>
        <summary>{g.label}</summary>
        {b.rows.map((r) => <div class="form-row">{r.map(cell)}</div>)}
      </details>
    );
  };

  const cell = (x: LayoutRow["fields"][number]) => {
    if (x.type === "LABEL") return <div class="form-label">{x.label?.replace(/<[^>]*>/g, "")}</div>;
    if (x.type === "SPACER") return <div class="form-spacer" />;
    if (x.type === "HR") return <hr />;
    const f = x.code ? meta.fields[x.code] : undefined;
    if (!f || !maySee(f.code) || form.hidden.has(f.code)) return null;
    const id = `f-${f.code}`;
    const err = errors[f.code];
    return (
      <div class={"form-field" + (err ? " has-error" : "") + (f.type === "SUBTABLE" || f.type === "REFERENCE_TABLE" ? " wide" : "")}
        style={x.size?.width && f.type !== "SUBTABLE" ? { width: `${x.size.width}px`, minWidth: 0 } : undefined}>
        {!f.noLabel && (editing && f.type !== "SUBTABLE" && f.type !== "REFERENCE_TABLE" ? <label for={id}>{f.label}{f.required && <span class="req" aria-hidden="true">*</span>}</label> : <div class="label">{f.label}</div>)}
        {f.type === "REFERENCE_TABLE" ? (
          <RelatedRecords field={f} value={record?.[f.referenceTable.condition.field]?.value ?? values[f.referenceTable.condition.field]} />
        ) : editing && !copied.has(f.code) && mayWrite(f.code) && !form.disabled.has(f.code) ? (
          <FieldInput id={id} field={f} value={values[f.code]} invalid={!!err} describedBy={err ? id + "-err" : undefined}
            onChange={(v) => form.set(f.code, v)} onPatch={(patch) => form.patch(patch)} />
        ) : (
          <>
            <Value field={f} value={editing ? values[f.code] : record?.[f.code]?.value} />
            {editing && (f.type === "CALC" || f.expression) && <small class="muted">{t("calculatedOnSave")}</small>}
          </>
        )}
        {err && <span id={id + "-err"} class="field-error" role="alert">{err}</span>}
      </div>
    );
  };

  const named = recordId && record ? recordTitle(meta, record) : null;
  const title = !recordId ? `${meta.name} — ${t("recordNew")}`
    : named ? `${meta.name} — ${named}（${t("record")} ${recordId}）` : `${meta.name} — ${t("record")} ${recordId}`;
  return (
    <div class="page record-page">
      {printing && recordId && <PrintDialog appId={appId} query={`$id = ${recordId}`} fields={[]} title={title} single onClose={() => setPrinting(false)} />}
      <div class="page-head">
        <a href={nav?.list ?? `#/apps/${appId}`}>‹ {meta.name}</a>
        <h1>{title}</h1>
        <span class="spacer" />
        {recordId && nav && (nav.prev || nav.next) && (
          <span class="record-steps">
            <button type="button" disabled={!nav.prev} onClick={() => { stepList(appId, -1); go(`#/apps/${appId}/records/${nav.prev}`); }}>‹ {t("prevRecord")}</button>
            <button type="button" disabled={!nav.next} onClick={() => { stepList(appId, 1); go(`#/apps/${appId}/records/${nav.next}`); }}>{t("nextRecord")} ›</button>
          </span>
        )}
        {recordId && !editing && (
          <>
            {rights?.record.editable && <button type="button" class="primary" onClick={() => setEditing(true)}>{t("edit")}</button>}
            {meta.rights.app.add && <button type="button" onClick={() => go(`#/apps/${appId}/new?from=${recordId}`)}>{t("duplicate")}</button>}
            {rights?.record.deletable && <button type="button" class="danger" onClick={remove}>{t("del")}</button>}
            <button type="button" onClick={() => { document.querySelectorAll("details.form-group").forEach((d) => ((d as HTMLDetailsElement).open = true)); window.print(); }}>{t("print")}</button>
            <button type="button" onClick={() => setPrinting(true)}>{t("pdf")}</button>
          </>
        )}
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {record && !editing && <Process appId={appId} record={record} onChanged={async () => { await loadRecord(meta); setHistoryKey((n) => n + 1); }} />}
      <p class="print-only print-stamp">{t("printedAt", { at: new Date().toLocaleString(), who: me?.name ?? "" })}</p>
      <div class="record-layout">
        <form class="record-form" onSubmit={save} noValidate>
          {rows.map(block)}
          {editing && (
            <div class="actions sticky">
              <button type="button" onClick={async () => {
                if (form.dirty && !(await confirmDialog(t("unsavedRecord")))) return;
                form.settle();
                if (recordId) { setEditing(false); await loadRecord(meta); } else go(`#/apps/${appId}`);
              }}>{t("cancel")}</button>
              <button type="submit" class="primary" disabled={busy}>{busy ? t("saving") : t("save")}</button>
            </div>
          )}
        </form>
        {recordId && record && (
          <aside class="side">
            <Circulars appId={appId} recordId={recordId} fresh={fresh} />
            <Comments appId={appId} recordId={recordId} me={me?.code} fresh={fresh} />
            <History key={historyKey} appId={appId} recordId={recordId} onRestored={async () => { await loadRecord(meta); setHistoryKey((n) => n + 1); }} />
          </aside>
        )}
      </div>
    </div>
  );
}

function Value({ field, value }: { field: FieldProp; value: any }) {
  if (field.type === "FILE") return <FileList field={field} files={value ?? []} />;
  if (field.type === "SUBTABLE") return <TableValue field={field} rows={value ?? []} />;
  // formatted as written; the server keeps only formatting, and DOMPurify checks again here
  if (field.type === "RICH_TEXT" && value) return <div class="value rich" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(String(value)) }} />;
  return <div class="value">{display(field.type, value) || "\u00a0"}</div>;
}
