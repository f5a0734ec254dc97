// views/cards.tsx - what the calendar, kanban and gallery views share: the
// props a view gets from the list page, a record as a card, and counting a
// view's records by one field in one grouped query (/api/report/data) instead
// of reading them.
import { call, type KRecord, type View } from "../api";
import { display } from "../fields/types";
import { recordTitle, type AppMeta } from "../pages/RecordList";

export interface ViewProps {
  appId: string;
  meta: AppMeta;
  view: View;
  cond: string; // the records the page selects: the view's filter, the person's filter and keyword
  at: string; // where the view is (a calendar's date), from the URL
  span: string; // a calendar's month or week
  page: number;
  onMove: (patch: { at?: string; span?: string; page?: number }) => void;
}

export const and = (...conds: string[]) => conds.filter(Boolean).map((c) => `(${c})`).join(" and ");

// The number of records per value of one field (per day, for a date), or null
// when the person may not count by it (a field some records hide from them).
export async function countBy(appId: string, code: string, cond: string, per?: string): Promise<Map<string | null, number> | null> {
  const report = { chartType: "TABLE", groups: [{ code, ...(per ? { per } : {}) }], aggregations: [{ type: "COUNT" }], filterCond: cond };
  try {
    const r = await call<{ rows: { keys: (string | null)[]; values: (string | null)[] }[] }>("GET", "/api/report/data", { app: appId, report: JSON.stringify(report) });
    return new Map(r.rows.map((x) => [x.keys[0], Number(x.values[0])]));
  } catch {
    return null;
  }
}

// A record's title for a card: the calendar's title field, or the app's record title.
export function cardTitle(meta: AppMeta, record: KRecord, code?: string): string {
  const f = code ? meta.fields[code] : undefined;
  const text = f ? display(f.type, record[code!]?.value).trim() : recordTitle(meta, record);
  return text || `#${record.$id.value}`;
}

// The fields a card's title needs to be read (the app's record title).
export const titleCodes = (meta: AppMeta): string[] =>
  meta.titleField?.selectionMode === "MANUAL" && meta.titleField.code ? [meta.titleField.code]
    : Object.values(meta.fields).filter((f) => f.type === "SINGLE_LINE_TEXT").slice(0, 1).map((f) => f.code);

// The fields a card shows under its title, as "label: value" lines.
export function CardFields({ meta, record, codes }: { meta: AppMeta; record: KRecord; codes: string[] }) {
  const shown = codes.map((c) => meta.fields[c]).filter(Boolean);
  if (!shown.length) return null;
  return (
    <dl class="card-fields">
      {shown.map((f) => (
        <div><dt>{f.label}</dt><dd>{display(f.type, record[f.code]?.value) || "—"}</dd></div>
      ))}
    </dl>
  );
}
