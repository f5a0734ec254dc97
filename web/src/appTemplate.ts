// appTemplate.ts - an app's design as one file, and a new app made from it:
// 他のアプリを再利用 (reuse another app) and app templates shared between
// installations. A template is what the settings API reads of an app; the
// server makes the new app of it in one transaction (POST
// /api/app/from-template). Records, when asked for, follow through the record
// API in pages of 100, so a long copy shows its progress. Attachments are not
// carried: a file belongs to the installation that holds it.
import { call, k, type FieldProp, type KRecord, type LayoutRow } from "./api";
import { deployApp } from "./data";
import { isSystem } from "./fields/types";

export const TEMPLATE_FORMAT = "tsumiki-app-template/1";
export interface AppTemplate {
  format: string;
  properties: Record<string, FieldProp>;
  layout: LayoutRow[];
  views: Record<string, unknown>;
  reports?: Record<string, unknown>; // graphs (app/reports.json); files made before graphs have none
  settings: Record<string, unknown>;
  status: { enable: boolean; states: unknown; actions: unknown };
  records?: KRecord[];
}
type Progress = (done: number, total: number) => void;

const PAGE = 500;
const BATCH = 100;

export async function readTemplate(app: string, withRecords: boolean, progress: Progress = () => {}): Promise<AppTemplate> {
  const get = <T>(path: string) => call<T>("GET", k(`/preview/app/${path}`), { app });
  const [fields, layout, views, reports, settings, status] = await Promise.all([
    get<{ properties: Record<string, FieldProp> }>("form/fields.json"),
    get<{ layout: LayoutRow[] }>("form/layout.json"),
    get<{ views: Record<string, unknown> }>("views.json"),
    get<{ reports: Record<string, unknown> }>("reports.json"),
    get<Record<string, unknown>>("settings.json"),
    get<AppTemplate["status"]>("status.json"),
  ]);
  delete settings.revision;
  const tpl: AppTemplate = { format: TEMPLATE_FORMAT, properties: fields.properties, layout: layout.layout, views: views.views, reports: reports.reports, settings, status };
  if (withRecords) tpl.records = await readRecords(app, progress);
  return tpl;
}

// Every record, oldest first, by id ranges (no offset scans).
async function readRecords(app: string, progress: Progress): Promise<KRecord[]> {
  const out: KRecord[] = [];
  let last = 0, total = 0;
  for (;;) {
    const r = await call<{ records: KRecord[]; totalCount: string | null }>("GET", k("/records.json"),
      { app, query: `$id > ${last} order by $id asc limit ${PAGE}`, totalCount: last === 0 });
    if (r.totalCount !== null) total = Number(r.totalCount);
    out.push(...r.records);
    progress(out.length, total);
    if (r.records.length < PAGE) return out;
    last = Number(r.records[r.records.length - 1].$id.value);
  }
}

// What a record keeps when it is added to another app: the values people
// wrote, not what the app sets itself (numbers, who and when, status,
// calculations) nor attachments.
const NOT_WRITTEN = new Set(["CALC", "FILE", "REFERENCE_TABLE", "GROUP"]);
function carried(r: KRecord): KRecord {
  const out: KRecord = {};
  for (const [code, f] of Object.entries(r)) {
    if (!f.type || isSystem(f.type) || NOT_WRITTEN.has(f.type)) continue;
    if (f.type === "SUBTABLE")
      out[code] = { value: (f.value as { value: KRecord }[]).map((row) => ({ value: carried(row.value) })) } as KRecord[string];
    else out[code] = { value: f.value } as KRecord[string];
  }
  return out;
}

// The new app: made, deployed, then filled. Returns its id, and the reason
// should the deploy or a batch of records fail (the app stays, as made so far).
export async function makeFromTemplate(tpl: AppTemplate, name: string, progress: Progress = () => {}): Promise<{ app: string; problem: string | null }> {
  const { records, ...design } = tpl;
  const { app } = await call<{ app: string }>("POST", "/api/app/from-template", { template: design, name });
  const why = await deployApp(app);
  if (why) return { app, problem: why };
  const list = records ?? [];
  for (let i = 0; i < list.length; i += BATCH) {
    await call("POST", k("/records.json"), { app, records: list.slice(i, i + BATCH).map(carried) });
    progress(Math.min(i + BATCH, list.length), list.length);
  }
  return { app, problem: null };
}

// The fields people made (not those every app has).
export const ownFields = (tpl: AppTemplate) => Object.values(tpl.properties).filter((p) => !isSystem(p.type)).length;

export function isTemplate(x: unknown): x is AppTemplate {
  return !!x && typeof x === "object" && (x as AppTemplate).format === TEMPLATE_FORMAT;
}
