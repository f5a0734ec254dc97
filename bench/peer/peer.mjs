// bench/peer/peer.mjs - the incident-report app in NocoDB, the peer, on the same
// generated records as Tsumiki's, so bench/run.sh can measure both side by side.
//
//   node peer.mjs setup BASE_URL DBFILE RECORDS   -> one JSON line: table, token, timings
//   node peer.mjs bulk BASE_URL TABLE TOKEN CALLS -> one JSON line: records/s, p50/p99 a call
//
// setup signs the first user up, makes an API token, a base and the table
// through NocoDB's own API, adds the first 20,000 reports through its bulk API
// (timed), and writes the rest straight into its SQLite file: through the API a
// million records take NocoDB about 17 minutes. Rows written directly copy the
// exact formats NocoDB itself stored for the API-added ones.
import { createRequire } from "node:module";
import { facilityRecords, incidentRecord, KINDS, STATES, ACTIONS } from "../incidents.mjs";

const require = createRequire(import.meta.url);
const [cmd, base, ...args] = process.argv.slice(2);

async function call(method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method, headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const select = (list) => ({ options: list.map((title, i) => ({ title, order: i + 1 })) });

// The fields of bench/gen.mjs's incident app. NocoDB has no user field of
// kintone's kind; the person in charge is a text holding the user code.
const COLUMNS = [
  ["報告番号", "SingleLineText"], ["事業所番号", "SingleLineText"], ["事業所名", "SingleLineText"],
  ["報告日", "Date"], ["発生日時", "DateTime"], ["発生時刻", "Time"],
  ["種別", "SingleSelect", select(KINDS)], ["重症度", "SingleSelect", select(["軽微", "中等度", "重度"])],
  ["対応", "MultiSelect", select(ACTIONS)], ["関係者数", "Number"], ["概要", "LongText"],
  ["詳細", "LongText"], ["担当者", "SingleLineText"], ["状態", "SingleSelect", select(STATES)], ["参考URL", "URL"],
];

function row(r) {
  return {
    報告番号: r.報告番号.value, 事業所番号: r.事業所番号.value, 事業所名: r.事業所名.value,
    報告日: r.報告日.value, 発生日時: r.発生日時.value.replace("T", " ").replace(".000Z", "+00:00"),
    発生時刻: r.発生時刻.value + ":00", 種別: r.種別.value, 重症度: r.重症度.value,
    対応: r.対応.value.join(","), 関係者数: Number(r.関係者数.value), 概要: r.概要.value,
    詳細: r.詳細.value, 担当者: r.担当者.value[0].code, 状態: r.状態.value, 参考URL: r.参考URL.value || null,
  };
}

async function setup(dbFile, total) {
  const email = "bench@example.com", password = "Bench-password-1";
  let jwt;
  try {
    jwt = (await call("POST", "/api/v1/auth/user/signup", { email, password })).token;
  } catch {
    jwt = (await call("POST", "/api/v1/auth/user/signin", { email, password })).token;
  }
  const token = (await call("POST", "/api/v1/tokens", { description: "bench" }, { "xc-auth": jwt })).token;
  const h = { "xc-token": token };
  const project = await call("POST", "/api/v2/meta/bases", { title: "bench" }, h);
  const table = await call("POST", `/api/v2/meta/bases/${project.id}/tables`, {
    table_name: "incidents", title: "事故報告",
    columns: COLUMNS.map(([title, uidt, colOptions]) => ({ column_name: title, title, uidt, ...(colOptions ? { colOptions } : {}) })),
  }, h);
  const facs = facilityRecords();
  const API_ROWS = Math.min(20000, total);
  let first;
  const t0 = Date.now();
  for (let i = 0; i < API_ROWS; i += 100) {
    const batch = [];
    for (let k = i; k < Math.min(API_ROWS, i + 100); k++) batch.push(row(incidentRecord(k, facs)));
    first ??= batch[0];
    await call("POST", `/api/v2/tables/${table.id}/records`, batch, h);
  }
  const apiMs = Date.now() - t0;

  // The rest straight into the file, in NocoDB's own formats for every column.
  const sqlite3 = require("sqlite3");
  const db = new sqlite3.Database(dbFile);
  const all = (sql, p = []) => new Promise((ok, no) => db.all(sql, p, (e, r) => (e ? no(e) : ok(r))));
  const run = (sql, p = []) => new Promise((ok, no) => db.run(sql, p, (e) => (e ? no(e) : ok())));
  const meta = await call("GET", `/api/v2/meta/tables/${table.id}`, undefined, h);
  const stored = (await all(`SELECT * FROM "${meta.table_name}" ORDER BY id LIMIT 1`))[0];
  for (const k of Object.keys(first))
    if (String(stored[k] ?? "") !== String(first[k] ?? ""))
      throw new Error(`NocoDB stored ${k} as ${JSON.stringify(stored[k])}, not ${JSON.stringify(first[k])}`);
  const extra = Object.keys(stored).filter((k) => !(k in first) && k !== "id");
  const cols = [...Object.keys(first), ...extra];
  await run("PRAGMA busy_timeout=10000");
  const t1 = Date.now();
  await run("BEGIN");
  const st = db.prepare(`INSERT INTO "${meta.table_name}"(${cols.map((c) => `"${c}"`).join(",")}) VALUES(${cols.map(() => "?").join(",")})`);
  for (let i = API_ROWS; i < total; i++) {
    const r = row(incidentRecord(i, facs));
    st.run(cols.map((c) => (c in r ? r[c] : c === "nc_order" ? i + 1 : stored[c])));
  }
  await new Promise((ok, no) => st.finalize((e) => (e ? no(e) : ok())));
  await run("COMMIT");
  const sqlMs = Date.now() - t1;
  db.close();
  console.log(JSON.stringify({ table: table.id, token, apiRows: API_ROWS, apiMs,
    apiRecordsPerSec: Math.round(API_ROWS / (apiMs / 1000)), sqlRows: total - API_ROWS, sqlMs }));
}

async function bulk(table, token, calls) {
  const h = { "xc-token": token };
  const times = [];
  const t0 = Date.now();
  for (let c = 0; c < calls; c++) {
    const records = Array.from({ length: 100 }, (_, i) => ({
      事業所名: "一括施設" + c, 報告日: "2025-07-01", 種別: "誤嚥", 関係者数: i % 9 + 1,
      概要: "食事中にむせ込みがあり吸引を行った。", 状態: "未対応",
    }));
    const t = performance.now();
    await call("POST", `/api/v2/tables/${table}/records`, records, h);
    times.push(performance.now() - t);
  }
  const secs = (Date.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ calls, recordsPerSec: Math.round((calls * 100) / secs),
    p50: +times[Math.floor(times.length * 0.5)].toFixed(1), p99: +times[Math.floor(times.length * 0.99)].toFixed(1) }));
}

if (cmd === "setup") await setup(args[0], Number(args[1]));
else if (cmd === "bulk") await bulk(args[0], args[1], Number(args[2] || 100));
else throw new Error("usage: peer.mjs setup|bulk ...");
process.exit(0);
