// bench/gen.mjs - make the benchmark apps through Tsumiki's own API and load them.
//
//   node gen.mjs BASE_URL PASSWORD RECORDS
//
// 1. A facility registry: the first 3,500 rows of the real MHLW facility list
//    (../shared/data/real/mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv).
// 2. An incident-report app with 15 fields of every common type and RECORDS
//    generated reports in Japanese, with three saved views.
// Records go in as bulkRequest.json calls of 20 x 100 records, as the official
// client's addAllRecords sends them. Prints one JSON line with the figures.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { facilityRecords, prefs, incidentRecord, INCIDENT_FIELDS, INCIDENT_REPORTS, INCIDENT_VIEWS } from "./incidents.mjs";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "package.json"));
const { KintoneRestAPIClient } = require("@kintone/rest-api-client");

const [base, password, total = "1000000"] = process.argv.slice(2);
const N = Number(total);
const auth = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${password}`).toString("base64") };
const c = new KintoneRestAPIClient({ baseUrl: base, auth: { username: "Administrator", password } });

async function bulkAdd(app, records) {
  const requests = [];
  for (let i = 0; i < records.length; i += 100)
    requests.push({ method: "POST", api: "/k/v1/records.json", payload: { app, records: records.slice(i, i + 100) } });
  const res = await fetch(base + "/k/v1/bulkRequest.json", {
    method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ requests }),
  });
  if (!res.ok) throw new Error(`bulk failed: ${res.status} ${await res.text()}`);
}

async function makeApp(name, properties, views, reports) {
  const { app } = await c.app.addApp({ name });
  await c.app.addFormFields({ app, properties });
  if (views) await c.app.updateViews({ app, views });
  if (reports) await c.app.updateReports({ app, reports });
  await c.app.deployApp({ apps: [{ app }] });
  return app;
}

const opts = (list) => Object.fromEntries(list.map((v, i) => [v, { label: v, index: String(i) }]));

const t0 = Date.now();
const registry = await makeApp("介護事業所台帳", {
  事業所番号: { type: "SINGLE_LINE_TEXT", code: "事業所番号", label: "事業所番号", unique: true, required: true },
  事業所名: { type: "SINGLE_LINE_TEXT", code: "事業所名", label: "事業所名" },
  事業所名カナ: { type: "SINGLE_LINE_TEXT", code: "事業所名カナ", label: "事業所名カナ" },
  都道府県名: { type: "DROP_DOWN", code: "都道府県名", label: "都道府県名", options: opts(prefs) },
  市区町村名: { type: "SINGLE_LINE_TEXT", code: "市区町村名", label: "市区町村名" },
  住所: { type: "SINGLE_LINE_TEXT", code: "住所", label: "住所" },
  電話番号: { type: "SINGLE_LINE_TEXT", code: "電話番号", label: "電話番号" },
  法人の名称: { type: "SINGLE_LINE_TEXT", code: "法人の名称", label: "法人の名称" },
  定員: { type: "NUMBER", code: "定員", label: "定員" },
  緯度: { type: "NUMBER", code: "緯度", label: "緯度" },
  経度: { type: "NUMBER", code: "経度", label: "経度" },
  URL: { type: "LINK", code: "URL", label: "URL" },
}, { 都道府県別: { type: "LIST", index: "0", filterCond: "", sort: "都道府県名 asc" } });
const facRecords = facilityRecords();
for (let i = 0; i < facRecords.length; i += 2000) await bulkAdd(registry, facRecords.slice(i, i + 2000));
const registryMs = Date.now() - t0;

// --- incident reports
const incident = await makeApp("事故報告", INCIDENT_FIELDS, INCIDENT_VIEWS, INCIDENT_REPORTS);

// Two calls in flight: while the server stores one batch, this process builds the next.
const t1 = Date.now();
let inflight = [];
for (let i = 0; i < N; i += 2000) {
  const batch = [];
  for (let k = i; k < Math.min(N, i + 2000); k++) batch.push(incidentRecord(k, facRecords));
  inflight.push(bulkAdd(incident, batch));
  if (inflight.length === 2) await inflight.shift();
}
await Promise.all(inflight);
const loadMs = Date.now() - t1;
console.log(JSON.stringify({ registry, incident, facilities: facRecords.length, registryMs, records: N, loadMs,
  recordsPerSec: Math.round(N / (loadMs / 1000)) }));
process.exit(0);
