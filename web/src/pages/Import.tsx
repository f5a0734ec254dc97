// pages/Import.tsx - bringing a CSV file into an app: the file's columns
// matched to fields (editable), a preview, add or update by a key, all or
// nothing or skip bad rows, progress while it runs, and the problems by row,
// column and reason with a downloadable report.
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, uploadFile, type FieldProp } from "../api";
import { fieldType } from "../fields/types";
import { t, useLang } from "../i18n";
import { ErrorBox, notify } from "../ui/feedback";
import { loadApp, type AppMeta } from "./RecordList";
import { DataFileChooser, csvLine } from "../ui/DataFile";

interface Result {
  encoding: string; columns: { name: string; field: string | null }[];
  rows: string; added: string; updated: string; skipped: string;
  problems: { row: string; column: string; reason: string }[]; sample: string[][];
}
interface Problem { row: string; column: string; reason: string }

const writable = (f: FieldProp) => { const ft = fieldType(f.type); return !!ft && !ft.system && !ft.layoutOnly && !ft.noValue; };

// The problems of a refused import, from CB_VA01's keys "rows[N].column".
function problemsOf(e: unknown): Problem[] {
  if (!(e instanceof ApiError) || !e.errors) return [];
  return Object.entries(e.errors).map(([key, v]) => {
    const m = /^rows\[(\d+)\](?:\.(.*))?$/.exec(key);
    return { row: m?.[1] ?? "", column: m?.[2] ?? "", reason: v.messages.join(" ") };
  });
}

function reportCsv(problems: Problem[]): Blob {
  const lines = [[t("row"), t("column"), t("reason")], ...problems.map((p) => [p.row, p.column, p.reason])];
  return new Blob(["\ufeff" + lines.map(csvLine).join("\r\n") + "\r\n"], { type: "text/csv" });
}

export function Import({ appId }: { appId: string }) {
  useLang();
  const [meta, setMeta] = useState<AppMeta | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState("auto");
  const [preview, setPreview] = useState<Result | null>(null);
  const [mapping, setMapping] = useState<string[]>([]);
  const [updateKey, setUpdateKey] = useState("");
  const [skipBad, setSkipBad] = useState(false);
  const [phase, setPhase] = useState<"" | "upload" | "process">("");
  const [pct, setPct] = useState(0);
  const [fileKey, setFileKey] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => void loadApp(appId).then(setMeta).catch(setError), [appId]);
  // the file crosses the network once: uploaded, then previewed and imported by its key
  useEffect(() => {
    if (!file) return;
    setResult(null);
    setProblems([]);
    setFileKey("");
    setPhase("upload");
    setPct(0);
    uploadFile(file, (sent, total) => setPct(total ? Math.round((sent / total) * 100) : 0))
      .then(setFileKey)
      .catch((e) => { setPreview(null); setError(e); })
      .finally(() => setPhase(""));
  }, [file]);
  useEffect(() => {
    if (!fileKey) return;
    call<Result>("POST", "/api/import", { app: appId, encoding, preview: "true", fileKey })
      .then((r) => { setPreview(r); setMapping(r.columns.map((c) => c.field ?? "")); setError(null); })
      .catch((e) => { setPreview(null); setProblems(problemsOf(e)); setError(e); });
  }, [fileKey, encoding]);

  if (!meta) return <div class="page">{error ? <ErrorBox error={error} /> : <p aria-busy="true">{t("loading")}</p>}</div>;
  const fields = Object.values(meta.fields).filter(writable);
  const keys = fields.filter((f) => f.unique);

  const run = async () => {
    if (!fileKey) return;
    setPhase("process");
    setResult(null);
    setProblems([]);
    setError(null);
    try {
      const r = await call<Result>("POST", "/api/import", { app: appId, encoding, columns: mapping, updateKey, skipBad: skipBad ? "true" : "false", fileKey });
      setResult(r);
      setProblems(r.problems);
      notify(t("importDone", { rows: r.rows, added: r.added, updated: r.updated, skipped: r.skipped }));
    } catch (e) {
      const ps = problemsOf(e);
      setProblems(ps);
      setError(ps.length ? new Error(t("importFailed")) : e);
    } finally {
      setPhase("");
    }
  };

  return (
    <div class="page import">
      <div class="page-head">
        <a href={`#/apps/${appId}`}>‹ {meta.name}</a>
        <h1>{t("importCsv")}</h1>
      </div>
      <p class="hint">{t("importHint")}</p>
      <DataFileChooser id="import" encoding={encoding} onEncoding={setEncoding} onFile={setFile} onError={setError} />
      {error ? <div role="alert"><ErrorBox error={error} /></div> : null}
      {preview && (
        <>
          <p class="meta">{t("detected", { enc: preview.encoding })}</p>
          <h2>{t("preview")}</h2>
          <div class="table-wrap">
            <table class="records">
              <thead>
                <tr>{preview.columns.map((c) => <th scope="col">{c.name}</th>)}</tr>
                <tr>
                  {preview.columns.map((c, i) => (
                    <td>
                      <select aria-label={`${t("columnTo")}: ${c.name}`} value={mapping[i]} onChange={(e) => setMapping(mapping.map((m, j) => (j === i ? (e.target as HTMLSelectElement).value : m)))}>
                        <option value="">{t("notImported")}</option>
                        {fields.map((f) => <option value={f.code}>{f.label}</option>)}
                      </select>
                    </td>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((r) => <tr>{r.map((v) => <td>{v}</td>)}</tr>)}
              </tbody>
            </table>
          </div>
          <label for="import-key">{t("updateBy")}</label>
          <select id="import-key" value={updateKey} onChange={(e) => setUpdateKey((e.target as HTMLSelectElement).value)}>
            <option value="">{t("noUpdate")}</option>
            {keys.map((f) => <option value={f.code}>{f.label}</option>)}
          </select>
          <label class="check"><input type="checkbox" checked={skipBad} onChange={(e) => setSkipBad((e.target as HTMLInputElement).checked)} /> {t("skipBad")}</label>
          <div class="actions">
            <button type="button" class="primary" disabled={!!phase} onClick={run}>{t("startImport")}</button>
          </div>
        </>
      )}
      {phase && (
        <div class="import-progress" role="status" aria-live="polite">
          <progress max={100} value={phase === "upload" ? pct : undefined} aria-label={t("startImport")} />
          <span>{phase === "upload" ? t("uploading", { pct }) : t("processing")}</span>
        </div>
      )}
      {result && <p class="done" role="status">{t("importDone", { rows: result.rows, added: result.added, updated: result.updated, skipped: result.skipped })}</p>}
      {problems.length > 0 && (
        <section aria-labelledby="problems-h">
          <h2 id="problems-h">{t("problems")} ({problems.length})</h2>
          <a class="button" href={URL.createObjectURL(reportCsv(problems))} download="import-problems.csv">{t("downloadReport")}</a>
          <div class="table-wrap">
            <table class="records problems">
              <thead><tr><th scope="col">{t("row")}</th><th scope="col">{t("column")}</th><th scope="col">{t("reason")}</th></tr></thead>
              <tbody>{problems.slice(0, 200).map((p) => <tr><td>{p.row}</td><td>{p.column}</td><td>{p.reason}</td></tr>)}</tbody>
            </table>
          </div>
        </section>
      )}
      {result && <p><a href={`#/apps/${appId}`}>{t("records")} ›</a></p>}
    </div>
  );
}

