// pages/ReportsEditor.tsx - the app's graphs in its settings (a builder tab):
// a list of them, and for each a form a non-programmer can fill — the kind of
// chart, what to group by (a date by month...), what to count or total, which
// records (the filter builder), the order — with the numbers shown as they
// will come out while it is edited. Saved to the preview; "Update app" deploys.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { t, type Key } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

interface Group { code: string; per?: string }
interface Agg { type: string; code?: string }
interface Report {
  id?: string; name: string; index: string; chartType: string; chartMode?: string;
  groups: Group[]; aggregations: Agg[]; filterCond: string; sorts: { by: string; order: string }[];
  periodicReport?: unknown;
}

const CHARTS = ["COLUMN", "BAR", "PIE", "LINE", "AREA", "SPLINE", "SPLINE_AREA", "TABLE", "PIVOT_TABLE"];
const MODED = ["BAR", "COLUMN", "AREA", "SPLINE_AREA"];
const GROUPABLE = ["SINGLE_LINE_TEXT", "NUMBER", "CALC", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT", "DROP_DOWN", "DATE", "TIME", "DATETIME", "LINK",
  "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "CREATOR", "MODIFIER", "CREATED_TIME", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE"];
const PERS: Record<string, string[]> = {
  DATE: ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY"], TIME: ["HOUR", "MINUTE"],
  DATETIME: ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE"],
};
PERS.CREATED_TIME = PERS.UPDATED_TIME = PERS.DATETIME;
const NUMERIC = ["NUMBER", "CALC"];
// a date's unit to start with: its month where it has one
const defaultPer = (type: string): { per?: string } => {
  const p = PERS[type];
  return p ? { per: p.includes("MONTH") ? "MONTH" : p[0] } : {};
};
const DATED = ["DATE", "TIME", "DATETIME", "CREATED_TIME", "UPDATED_TIME"];

export function ReportsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [reports, setReports] = useState<Report[] | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => call<{ reports: Record<string, Report> }>("GET", k("/preview/app/reports.json"), { app: appId })
    .then((r) => setReports(Object.values(r.reports).sort((a, b) => Number(a.index) - Number(b.index)))).catch(setError);
  useEffect(() => void load(), [appId]);
  if (!reports) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;

  const save = async (list: Report[]) => {
    const body = Object.fromEntries(list.map((r, i) => [r.id ? reports.find((x) => x.id === r.id)?.name ?? r.name : r.name, { ...r, index: String(i) }]));
    await withProgress(call("PUT", k("/preview/app/reports.json"), { app: appId, reports: body }));
    notify(t("saved"));
    await load();
  };
  const add = () => {
    const first = Object.values(fields).find((f) => GROUPABLE.includes(f.type));
    setReports([...reports, { name: `${t("graph")} ${reports.length + 1}`, index: String(reports.length), chartType: "COLUMN", chartMode: "NORMAL",
      groups: first ? [{ code: first.code, ...defaultPer(first.type) }] : [],
      aggregations: [{ type: "COUNT" }], filterCond: "", sorts: [] }]);
    setEditing(reports.length);
  };
  return (
    <section class="reports-editor">
      <p class="hint">{t("graphsHint")}</p>
      {error ? <ErrorBox error={error} /> : null}
      <ul class="plain">
        {reports.map((r, i) => (
          <li>
            <strong>{r.name}</strong> <span class="muted">{t(("chart_" + r.chartType) as Key)}</span>{" "}
            <button type="button" onClick={() => setEditing(i)}>{t("edit")}<span class="visually-hidden"> {r.name}</span></button>{" "}
            <button type="button" onClick={() => save(reports.filter((_, j) => j !== i)).catch(setError)}>{t("remove")}<span class="visually-hidden"> {r.name}</span></button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={add}>＋ {t("addGraph")}</button>
      {editing !== null && reports[editing] && (
        <ReportForm appId={appId} fields={fields} report={reports[editing]} onCancel={() => { setEditing(null); load(); }}
          onSave={async (r) => { await save(reports.map((x, j) => (j === editing ? r : x))); setEditing(null); }} />
      )}
    </section>
  );
}

function ReportForm({ appId, fields, report, onSave, onCancel }: {
  appId: string; fields: Record<string, FieldProp>; report: Report; onSave: (r: Report) => Promise<void>; onCancel: () => void;
}) {
  const [r, setR] = useState<Report>(structuredClone(report));
  const [filter, setFilter] = useState<Filter>(fromQuery(report.filterCond) ?? { join: "and", conds: [] });
  const [preview, setPreview] = useState<{ rows: { keys: (string | null)[]; values: (string | null)[] }[] } | null>(null);
  const [problem, setProblem] = useState("");
  const groupable = Object.values(fields).filter((f) => GROUPABLE.includes(f.type) && (f.type !== "STATUS" || f.enabled) && (f.type !== "STATUS_ASSIGNEE" || f.enabled));
  const current = { ...r, filterCond: toQuery(filter), chartMode: MODED.includes(r.chartType) ? r.chartMode ?? "NORMAL" : undefined };
  // the numbers as they will come out, while the graph is edited
  useEffect(() => {
    const timer = setTimeout(() => {
      call<{ rows: { keys: (string | null)[]; values: (string | null)[] }[] }>("GET", "/api/report/data", { app: appId, report: JSON.stringify({ ...current, id: undefined, periodicReport: undefined }) })
        .then((d) => { setPreview(d); setProblem(""); }).catch((e) => { setPreview(null); setProblem(explain(e)); });
    }, 300);
    return () => clearTimeout(timer);
  }, [JSON.stringify(current)]);
  const setGroup = (i: number, g: Group | null) => {
    const groups = [...r.groups];
    if (g) groups[i] = g; else groups.splice(i, 1);
    setR({ ...r, groups });
  };
  const setAgg = (i: number, a: Agg | null) => {
    const aggregations = [...r.aggregations];
    if (a) aggregations[i] = a; else aggregations.splice(i, 1);
    setR({ ...r, aggregations });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await onSave(current);
    } catch (err) {
      setProblem(explain(err));
    }
  };
  const label = (code: string) => fields[code]?.label ?? code;
  return (
    <form class="report-form" onSubmit={submit}>
      <h3>{r.name}</h3>
      <label for="rf-name">{t("graphName")}</label>
      <input id="rf-name" required maxLength={64} value={r.name} onInput={(e) => setR({ ...r, name: (e.target as HTMLInputElement).value })} />
      <fieldset class="chart-kinds">
        <legend>{t("chartKind")}</legend>
        {CHARTS.map((c) => <label class="check"><input type="radio" name="rf-chart" checked={r.chartType === c} onChange={() => setR({ ...r, chartType: c })} /> {t(("chart_" + c) as Key)}</label>)}
      </fieldset>
      {MODED.includes(r.chartType) && (
        <fieldset>
          <legend>{t("chartMode")}</legend>
          {["NORMAL", "STACKED", "PERCENTAGE"].map((m) => <label class="check"><input type="radio" name="rf-mode" checked={(r.chartMode ?? "NORMAL") === m} onChange={() => setR({ ...r, chartMode: m })} /> {t(("mode_" + m) as Key)}</label>)}
        </fieldset>
      )}
      <fieldset>
        <legend>{t("groupBy")}</legend>
        {r.groups.map((g, i) => {
          const f = fields[g.code];
          return (
            <div class="pair">
              <select aria-label={`${t("groupBy")} ${i + 1}`} value={g.code} onChange={(e) => {
                const code = (e.target as HTMLSelectElement).value;
                setGroup(i, { code, ...defaultPer(fields[code]?.type ?? "") });
              }}>
                {groupable.map((x) => <option value={x.code}>{x.label}</option>)}
              </select>
              {f && PERS[f.type] && (
                <select aria-label={`${t("groupUnit")} ${i + 1}`} value={g.per} onChange={(e) => setGroup(i, { ...g, per: (e.target as HTMLSelectElement).value })}>
                  {PERS[f.type].map((p) => <option value={p}>{t(("per_" + p) as Key)}</option>)}
                </select>
              )}
              <button type="button" aria-label={`${t("remove")} ${label(g.code)}`} onClick={() => setGroup(i, null)}>×</button>
            </div>
          );
        })}
        {r.groups.length < 3 && groupable.length > 0 && <button type="button" onClick={() => setGroup(r.groups.length, { code: groupable[0].code, ...defaultPer(groupable[0].type) })}>＋ {t("addGrouping")}</button>}
      </fieldset>
      <fieldset>
        <legend>{t("aggregate")}</legend>
        {r.aggregations.map((a, i) => {
          const usable = Object.values(fields).filter((f) => (a.type === "SUM" || a.type === "AVERAGE" ? NUMERIC.includes(f.type) : NUMERIC.includes(f.type) || DATED.includes(f.type)));
          return (
            <div class="pair">
              <select aria-label={`${t("aggregate")} ${i + 1}`} value={a.type} onChange={(e) => {
                const type = (e.target as HTMLSelectElement).value;
                const first = Object.values(fields).find((f) => NUMERIC.includes(f.type));
                setAgg(i, type === "COUNT" ? { type } : { type, code: a.code && fields[a.code] ? a.code : first?.code });
              }}>
                {["COUNT", "SUM", "AVERAGE", "MAX", "MIN"].map((x) => <option value={x}>{x === "COUNT" ? t("aggCount") : t(("agg_" + x) as Key)}</option>)}
              </select>
              {a.type !== "COUNT" && (
                <select aria-label={`${t("aggregateField")} ${i + 1}`} value={a.code} onChange={(e) => setAgg(i, { ...a, code: (e.target as HTMLSelectElement).value })}>
                  {usable.map((x) => <option value={x.code}>{x.label}</option>)}
                </select>
              )}
              {r.aggregations.length > 1 && <button type="button" aria-label={`${t("remove")} ${i + 1}`} onClick={() => setAgg(i, null)}>×</button>}
            </div>
          );
        })}
        {r.aggregations.length < 10 && r.chartType !== "PIVOT_TABLE" && <button type="button" onClick={() => setAgg(r.aggregations.length, { type: "COUNT" })}>＋ {t("addAggregate")}</button>}
      </fieldset>
      <fieldset>
        <legend>{t("whichRecords")}</legend>
        <FilterBuilder fields={fields} value={filter} onChange={setFilter} idPrefix="rf-filter" />
      </fieldset>
      <fieldset>
        <legend>{t("sortOrder")}</legend>
        <select aria-label={t("sortOrder")} value={r.sorts[0] ? `${r.sorts[0].by} ${r.sorts[0].order}` : ""}
          onChange={(e) => { const v = (e.target as HTMLSelectElement).value; setR({ ...r, sorts: v ? [{ by: v.split(" ")[0], order: v.split(" ")[1] }] : [] }); }}>
          <option value="">{t("sortByGroups")}</option>
          <option value="TOTAL DESC">{t("sortTotalDesc")}</option>
          <option value="TOTAL ASC">{t("sortTotalAsc")}</option>
          {r.groups.map((g, i) => <option value={`GROUP${i + 1} DESC`}>{t("sortGroupDesc", { name: label(g.code) })}</option>)}
        </select>
      </fieldset>
      <section class="report-preview" aria-live="polite">
        <h4>{t("graphPreview")}</h4>
        {problem && <p class="field-error" role="alert">{problem}</p>}
        {preview && preview.rows.length === 0 && <p class="empty">{t("noRecords")}</p>}
        {preview && preview.rows.length > 0 && (
          <table class="records">
            <thead><tr>{r.groups.map((g) => <th scope="col">{label(g.code)}</th>)}{r.aggregations.map((a) => <th scope="col" class="num">{a.type === "COUNT" ? t("aggCount") : `${label(a.code ?? "")} (${t(("agg_" + a.type) as Key)})`}</th>)}</tr></thead>
            <tbody>{preview.rows.slice(0, 12).map((row) => <tr>{row.keys.map((x) => <td>{x ?? t("emptyValue")}</td>)}{row.values.map((v) => <td class="num">{v}</td>)}</tr>)}</tbody>
          </table>
        )}
      </section>
      <div class="actions">
        <button type="button" onClick={onCancel}>{t("cancel")}</button>
        <button type="submit" class="primary">{t("save")}</button>
      </div>
    </form>
  );
}
