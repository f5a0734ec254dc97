// ui/PrintDialog.tsx - a PDF of records, made on the server (POST /api/print):
// each record from a new page, laid out by the form or a print template, or
// the records as a table. The PDF is made in the background; the dialog shows
// how far it got and hands over the file when it is done.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api";
import { appPrintTemplates, type PrintTemplate } from "../data";
import { t } from "../i18n";
import { Dialog, explain } from "./feedback";

interface Job { id: string; status: "QUEUED" | "RUNNING" | "DONE" | "FAILED"; done: string; total: string; error: string | null }

// draft: a print layout being made, tried on the query's records before the app is updated.
export function PrintDialog({ appId, query, fields, title, single, draft, onClose }: {
  appId: string; query: string; fields: string[]; title: string; single?: boolean; draft?: PrintTemplate; onClose: () => void;
}) {
  const [layout, setLayout] = useState<"RECORDS" | "TABLE">("RECORDS");
  const [templates, setTemplates] = useState<PrintTemplate[]>([]);
  const [template, setTemplate] = useState("");
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState("");
  useEffect(() => void appPrintTemplates(appId).then((x) => setTemplates(Object.values(x).sort((a, b) => Number(a.index) - Number(b.index)))).catch(() => setTemplates([])), [appId]);
  // how far it got, every half second until it ends
  useEffect(() => {
    if (!job || job.status === "DONE" || job.status === "FAILED") return;
    const timer = setTimeout(() => call<Job>("GET", "/api/print", { id: job.id }).then(setJob).catch((e) => setError(explain(e))), 500);
    return () => clearTimeout(timer);
  }, [job]);
  const start = async () => {
    setError("");
    try {
      const { id } = await call<{ id: string }>("POST", "/api/print", draft
        ? { app: appId, query, layout: "RECORDS", draft: { orientation: draft.orientation, items: draft.items } }
        : { app: appId, query, layout, template: layout === "RECORDS" ? template : "", fields, title });
      setJob({ id, status: "QUEUED", done: "0", total: "0", error: null });
    } catch (e) {
      setError(explain(e));
    }
  };
  const done = Number(job?.done ?? 0), total = Number(job?.total ?? 0);
  return (
    <Dialog title={t("pdfTitle")} onClose={onClose}>
      {!job && (
        <>
          {draft && <p>{t("pdfTryHint")}</p>}
          {!single && !draft && (
            <fieldset>
              <legend>{t("pdfLayout")}</legend>
              <div class="choices vertical">
                <label><input type="radio" name="pdf-layout" checked={layout === "RECORDS"} onChange={() => setLayout("RECORDS")} /> {t("pdfRecords")}</label>
                <label><input type="radio" name="pdf-layout" checked={layout === "TABLE"} onChange={() => setLayout("TABLE")} /> {t("pdfTable")}</label>
              </div>
            </fieldset>
          )}
          {layout === "RECORDS" && !draft && (
            <>
              <label for="pdf-template">{t("pdfTemplate")}</label>
              <select id="pdf-template" value={template} onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}>
                <option value="">{t("pdfFormLayout")}</option>
                {templates.map((x) => <option value={x.id}>{x.name}</option>)}
              </select>
            </>
          )}
          {error && <p class="field-error" role="alert">{error}</p>}
          <div class="actions">
            <button type="button" onClick={onClose}>{t("cancel")}</button>
            <button type="button" class="primary" onClick={start}>{t("pdfMake")}</button>
          </div>
        </>
      )}
      {job && job.status !== "DONE" && job.status !== "FAILED" && (
        <div role="status" aria-live="polite">
          <p>{job.status === "QUEUED" ? t("pdfQueued") : t("pdfProgress", { done: done.toLocaleString(), total: total.toLocaleString() })}</p>
          <progress max={total || 1} value={done} aria-label={t("pdfTitle")} />
        </div>
      )}
      {job?.status === "DONE" && (
        <div role="status">
          <p>{t("pdfDone", { n: total.toLocaleString() })}</p>
          <div class="actions">
            <button type="button" onClick={onClose}>{t("close")}</button>
            <a class="button primary" href={`/api/print/file?id=${job.id}`} download>{t("pdfDownload")}</a>
          </div>
        </div>
      )}
      {job?.status === "FAILED" && <p class="field-error" role="alert">{job.error ?? t("pdfFailed")}</p>}
      {job && error && <p class="field-error" role="alert">{error}</p>}
    </Dialog>
  );
}
