// pages/ReportPage.tsx - one of an app's graphs (app/reports.json) drawn from
// its numbers (/api/report/data): a chart (Chart.js, loaded only here) with
// its table beside it for everyone who does not read charts, a cross table as
// a table; each bar, slice and cell opens the list filtered to its records;
// the numbers as CSV, the chart as PNG.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, qstr } from "../api";
import { appReports, formFields } from "../data";
import { t, useLang } from "../i18n";
import { go } from "../router";
import { ErrorBox, withProgress } from "../ui/feedback";
import { PinButtons } from "./Dashboard";

export interface ReportData {
  chartType: string; chartMode: string | null;
  groups: { code: string; label: string; type: string; per: string | null }[];
  aggregations: { type: string; code: string | null; label: string | null }[];
  rows: { keys: (string | null)[]; values: (string | null)[] }[];
  truncated: boolean;
}

const pad = (n: number) => String(n).padStart(2, "0");
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// The query condition that selects a group's records: the value, or a date's span.
export function groupCond(g: ReportData["groups"][number], key: string | null): string {
  if (key === null) return `${g.code} is empty`;
  const multi = ["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "DROP_DOWN", "RADIO_BUTTON", "STATUS_ASSIGNEE", "CREATOR", "MODIFIER", "STATUS"];
  if (!g.per) return multi.includes(g.type) ? `${g.code} in (${qstr(key)})` : `${g.code} = ${qstr(key)}`;
  if (g.type === "TIME") return g.per === "HOUR" ? `${g.code} >= "${key.slice(0, 2)}:00" and ${g.code} <= "${key.slice(0, 2)}:59"` : `${g.code} = ${qstr(key)}`;
  let from: string, to: string;
  const y = Number(key.slice(0, 4));
  if (g.per === "YEAR") { from = `${y}-01-01`; to = `${y}-12-31`; }
  else if (g.per === "QUARTER") { const q = Number(key.slice(6)); from = `${y}-${pad(q * 3 - 2)}-01`; to = `${y}-${pad(q * 3)}-${lastDay(y, q * 3)}`; }
  else if (g.per === "MONTH") { const m = Number(key.slice(5, 7)); from = `${key}-01`; to = `${key}-${lastDay(y, m)}`; }
  else if (g.per === "WEEK") { from = key; to = new Date(Date.parse(key + "T00:00:00Z") + 6 * 86400e3).toISOString().slice(0, 10); }
  else if (g.per === "DAY") { from = to = key.slice(0, 10); }
  else { // HOUR, MINUTE of a date-time: local times as the server grouped them
    const start = new Date(key.replace(" ", "T") + (g.per === "HOUR" ? "" : ":00"));
    const end = new Date(start.getTime() + (g.per === "HOUR" ? 3600e3 : 60e3) - 1);
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
    return `${g.code} >= ${qstr(iso(start))} and ${g.code} <= ${qstr(iso(end))}`;
  }
  if (g.type === "DATE") return `${g.code} >= "${from}" and ${g.code} <= "${to}"`;
  // a date-time (or the created / updated time): the local days' span
  const start = new Date(`${from}T00:00:00`), end = new Date(new Date(`${to}T00:00:00`).getTime() + 86400e3 - 1000);
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${g.code} >= ${qstr(iso(start))} and ${g.code} <= ${qstr(iso(end))}`;
}

const keyText = (k: string | null) => k ?? t("emptyValue");
const numberText = (v: string | null) => (v === null ? "" : Number.isFinite(Number(v)) ? Number(v).toLocaleString(undefined, { maximumFractionDigits: 2 }) : v);

export function ReportPage({ appId, reportId }: { appId: string; reportId: string }) {
  useLang();
  const [name, setName] = useState("");
  const [filter, setFilter] = useState("");
  const [data, setData] = useState<ReportData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const chart = useRef<Drawn | null>(null);

  useEffect(() => {
    (async () => {
      try {
        const [reports] = await Promise.all([appReports(appId), formFields(appId)]);
        const r = Object.values(reports).find((x) => x.id === reportId);
        setName(r?.name ?? "");
        setFilter(r?.filterCond ?? "");
        setData(await withProgress(call<ReportData>("GET", "/api/report/data", { app: appId, id: reportId })));
      } catch (e) {
        setError(e);
      }
    })();
  }, [appId, reportId]);

  const csv = () => {
    if (!data) return;
    const cell = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const head = [...data.groups.map((g) => g.label), ...data.aggregations.map((a) => aggLabel(a))].map(cell).join(",");
    const lines = data.rows.map((r) => [...r.keys.map((k) => keyText(k)), ...r.values.map((v) => v ?? "")].map(cell).join(","));
    download(new Blob(["\ufeff" + [head, ...lines].join("\r\n") + "\r\n"], { type: "text/csv" }), `${name}.csv`);
  };
  const png = () => chart.current && download(dataUrlBlob(chart.current.toBase64Image()), `${name}.png`);

  if (error) return <div class="page"><ErrorBox error={error} /></div>;
  if (!data) return <div class="page" aria-busy="true">{t("loading")}</div>;
  return (
    <div class="page report-page">
      <div class="page-head">
        <a href={`#/apps/${appId}`}>‹ {t("records")}</a>
        <h1>{name}</h1>
        <span class="spacer" />
        <PinButtons appId={appId} kind="report" refId={reportId} />
        <button type="button" onClick={csv}>{t("downloadCsv")}</button>
        {charted(data) && <button type="button" onClick={png}>{t("downloadPng")}</button>}
      </div>
      {data.truncated && <p class="hint" role="status">{t("reportTruncated")}</p>}
      <ReportFigure appId={appId} name={name} filter={filter} data={data} chart={chart} />
    </div>
  );
}

type Drawn = { destroy(): void; toBase64Image(): string };
const charted = (d: ReportData) => !["TABLE", "PIVOT_TABLE"].includes(d.chartType) && d.rows.length > 0;

// A graph's chart (Chart.js, loaded only when drawn) with its numbers as a
// table, or the table alone; a bar, slice or cell opens its records. On a
// dashboard tile (compact) the table of a chart is folded under the chart.
export function ReportFigure({ appId, name, filter, data, chart, compact }: {
  appId: string; name: string; filter: string; data: ReportData; chart?: { current: Drawn | null }; compact?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const own = useRef<Drawn | null>(null);
  const drawn = chart ?? own;
  // records of one group (and of a second one, in a cross table)
  const open = (row: ReportData["rows"][number]) => {
    const conds = data.groups.map((g, i) => `(${groupCond(g, row.keys[i])})`);
    if (filter) conds.unshift(`(${filter})`);
    go(`#/apps/${appId}?q=${encodeURIComponent(conds.join(" and "))}`);
  };
  useEffect(() => {
    if (!charted(data) || !canvas.current) return;
    let stop = false;
    import("./chart").then(({ draw }) => {
      if (stop || !canvas.current) return;
      drawn.current?.destroy();
      drawn.current = draw(canvas.current, data, (i) => open(data.rows[i]));
    });
    return () => { stop = true; drawn.current?.destroy(); drawn.current = null; };
  }, [data]);
  if (data.rows.length === 0) return <p class="empty">{t("noRecords")}</p>;
  const table = data.chartType === "PIVOT_TABLE" && data.groups.length >= 2 ? <CrossTable data={data} open={open} /> : <ReportTable data={data} open={open} />;
  return (
    <>
      {charted(data) && (
        <figure class="chart">
          <div class="canvas-box"><canvas ref={canvas} role="img" aria-label={t("chartOf", { name })} /></div>
          {!compact && <figcaption class="hint">{t("chartHint")}</figcaption>}
        </figure>
      )}
      {compact && charted(data) ? <details class="as-table"><summary>{t("showAsTable")}</summary>{table}</details> : table}
    </>
  );
}

const aggLabel = (a: ReportData["aggregations"][number]) => (a.type === "COUNT" ? t("aggCount") : `${a.label} (${t(("agg_" + a.type) as "agg_SUM")})`);

// The numbers as a table: a row a group, each opening its records.
function ReportTable({ data, open }: { data: ReportData; open: (r: ReportData["rows"][number]) => void }) {
  return (
    <table class="records report-table">
      <thead><tr>{data.groups.map((g) => <th scope="col">{g.label}</th>)}{data.aggregations.map((a) => <th scope="col" class="num">{aggLabel(a)}</th>)}</tr></thead>
      <tbody>
        {data.rows.map((r) => (
          <tr>
            {r.keys.map((k, i) => (i === 0 ? <th scope="row"><a href="#" onClick={(e) => { e.preventDefault(); open(r); }}>{keyText(k)}</a></th> : <td>{keyText(k)}</td>))}
            {r.values.map((v) => <td class="num">{numberText(v)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A cross table: the first group down, the second across, every cell a link to its records.
function CrossTable({ data, open }: { data: ReportData; open: (r: ReportData["rows"][number]) => void }) {
  const downs = [...new Set(data.rows.map((r) => r.keys[0]))];
  const acrosses = [...new Set(data.rows.map((r) => r.keys[1]))];
  const at = new Map(data.rows.map((r) => [`${r.keys[0]}\u0000${r.keys[1]}`, r]));
  return (
    <table class="records report-table cross">
      <thead><tr><th scope="col">{data.groups[0].label} \\ {data.groups[1].label}</th>{acrosses.map((c) => <th scope="col" class="num">{keyText(c)}</th>)}</tr></thead>
      <tbody>
        {downs.map((d) => (
          <tr>
            <th scope="row">{keyText(d)}</th>
            {acrosses.map((c) => {
              const r = at.get(`${d}\u0000${c}`);
              return <td class="num">{r ? <a href="#" onClick={(e) => { e.preventDefault(); open(r); }}>{numberText(r.values[0])}</a> : ""}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function download(blob: Blob, name: string) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function dataUrlBlob(url: string): Blob {
  const [head, body] = url.split(",");
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: head.slice(5, head.indexOf(";")) });
}
