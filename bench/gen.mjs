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
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "package.json"));
const { KintoneRestAPIClient } = require("@kintone/rest-api-client");

const [base, password, total = "1000000"] = process.argv.slice(2);
const N = Number(total);
const auth = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${password}`).toString("base64") };
const c = new KintoneRestAPIClient({ baseUrl: base, auth: { username: "Administrator", password } });

// A seeded generator, so every run loads the same data.
let seed = 20261124;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];

function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function bulkAdd(app, records) {
  const requests = [];
  for (let i = 0; i < records.length; i += 100)
    requests.push({ method: "POST", api: "/k/v1/records.json", payload: { app, records: records.slice(i, i + 100) } });
  const res = await fetch(base + "/k/v1/bulkRequest.json", {
    method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ requests }),
  });
  if (!res.ok) throw new Error(`bulk failed: ${res.status} ${await res.text()}`);
}

async function makeApp(name, properties, views) {
  const { app } = await c.app.addApp({ name });
  await c.app.addFormFields({ app, properties });
  if (views) await c.app.updateViews({ app, views });
  await c.app.deployApp({ apps: [{ app }] });
  return app;
}

const opts = (list) => Object.fromEntries(list.map((v, i) => [v, { label: v, index: String(i) }]));

// --- facility registry from the real file
const csvPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "data", "real",
  "mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv");
const rows = parseCsv(readFileSync(csvPath, "utf8").replace(/^\uFEFF/, ""));
const head = rows[0];
const col = (r, name) => r[head.indexOf(name)] ?? "";
const facilities = rows.slice(1, 3501);
const prefs = [...new Set(facilities.map((r) => col(r, "都道府県名")))];
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
const facRecords = facilities.map((r) => ({
  事業所番号: { value: col(r, "事業所番号") + "-" + col(r, "No") },
  事業所名: { value: col(r, "事業所名") },
  事業所名カナ: { value: col(r, "事業所名カナ") },
  都道府県名: { value: col(r, "都道府県名") },
  市区町村名: { value: col(r, "市区町村名") },
  住所: { value: col(r, "住所") },
  電話番号: { value: col(r, "電話番号") },
  法人の名称: { value: col(r, "法人の名称") },
  定員: { value: col(r, "定員") },
  緯度: { value: col(r, "緯度") },
  経度: { value: col(r, "経度") },
  URL: { value: col(r, "URL") },
}));
for (let i = 0; i < facRecords.length; i += 2000) await bulkAdd(registry, facRecords.slice(i, i + 2000));
const registryMs = Date.now() - t0;

// --- incident reports
const KINDS = ["転倒", "転落", "誤薬", "誤嚥", "離設", "感染症", "虐待疑い", "その他"];
const STATES = ["未対応", "対応中", "完了"];
const ACTIONS = ["家族連絡", "受診", "救急搬送", "行政報告", "再発防止策"];
const SUBJ = ["利用者", "入所者", "職員", "夜勤者", "看護師", "ご家族"];
const PLACE = ["居室", "食堂", "浴室", "廊下", "トイレ", "車椅子", "送迎車", "機能訓練室"];
const EVENT = ["でふらつき転倒した", "で服薬の確認漏れがあった", "で食事中にむせ込んだ", "から一時的に所在不明になった",
  "で発熱が確認された", "でベッドから滑り落ちた", "で皮膚の内出血を発見した"];
const AFTER = ["。バイタルに異常なし。", "。家族へ連絡し経過観察とした。", "。協力医療機関を受診した。", "。再発防止策を検討中。"];
const users = Array.from({ length: 20 }, (_, i) => `staff${String(i + 1).padStart(2, "0")}`);
const incident = await makeApp("事故報告", {
  報告番号: { type: "SINGLE_LINE_TEXT", code: "報告番号", label: "報告番号", unique: true },
  事業所番号: { type: "SINGLE_LINE_TEXT", code: "事業所番号", label: "事業所番号" },
  事業所名: { type: "SINGLE_LINE_TEXT", code: "事業所名", label: "事業所名" },
  報告日: { type: "DATE", code: "報告日", label: "報告日" },
  発生日時: { type: "DATETIME", code: "発生日時", label: "発生日時" },
  発生時刻: { type: "TIME", code: "発生時刻", label: "発生時刻" },
  種別: { type: "DROP_DOWN", code: "種別", label: "種別", options: opts(KINDS) },
  重症度: { type: "RADIO_BUTTON", code: "重症度", label: "重症度", options: opts(["軽微", "中等度", "重度"]), defaultValue: "軽微" },
  対応: { type: "CHECK_BOX", code: "対応", label: "対応", options: opts(ACTIONS) },
  関係者数: { type: "NUMBER", code: "関係者数", label: "関係者数" },
  概要: { type: "MULTI_LINE_TEXT", code: "概要", label: "概要" },
  詳細: { type: "RICH_TEXT", code: "詳細", label: "詳細" },
  担当者: { type: "USER_SELECT", code: "担当者", label: "担当者" },
  状態: { type: "DROP_DOWN", code: "状態", label: "状態", options: opts(STATES) },
  参考URL: { type: "LINK", code: "参考URL", label: "参考URL" },
}, {
  今年の転倒: { type: "LIST", index: "0", filterCond: '種別 in ("転倒") and 報告日 >= "2025-01-01" and 報告日 <= "2025-12-31"', sort: "報告日 desc" },
  担当分: { type: "LIST", index: "1", filterCond: "担当者 in (LOGINUSER())", sort: "発生日時 desc" },
  未対応: { type: "LIST", index: "2", filterCond: '状態 in ("未対応")', sort: "報告日 desc" },
});

function incidentRecord(i) {
  const f = pick(facRecords);
  const day = Math.floor(rnd() * 3 * 365);                      // 2023-01-01 .. 2025-12-31
  const when = Date.UTC(2023, 0, 1) + day * 86400e3 + Math.floor(rnd() * 1440) * 60e3;
  const iso = new Date(when).toISOString();
  const acts = ACTIONS.filter(() => rnd() < 0.3);
  return {
    報告番号: { value: "INC-" + String(i + 1).padStart(7, "0") },
    事業所番号: { value: f.事業所番号.value },
    事業所名: { value: f.事業所名.value },
    報告日: { value: iso.slice(0, 10) },
    発生日時: { value: iso },
    発生時刻: { value: iso.slice(11, 16) },
    種別: { value: pick(KINDS) },
    重症度: { value: pick(["軽微", "軽微", "中等度", "重度"]) },
    対応: { value: acts },
    関係者数: { value: String(1 + Math.floor(rnd() * 9)) },
    概要: { value: pick(SUBJ) + "が" + pick(PLACE) + pick(EVENT) + pick(AFTER) },
    詳細: { value: "<p>" + pick(SUBJ) + "の状況を記録。</p>" },
    担当者: { value: [{ code: pick(users) }] },
    状態: { value: pick(STATES) },
    参考URL: { value: rnd() < 0.1 ? "https://example.jp/incident/" + i : "" },
  };
}

// Two calls in flight: while the server stores one batch, this process builds the next.
const t1 = Date.now();
let inflight = [];
for (let i = 0; i < N; i += 2000) {
  const batch = [];
  for (let k = i; k < Math.min(N, i + 2000); k++) batch.push(incidentRecord(k));
  inflight.push(bulkAdd(incident, batch));
  if (inflight.length === 2) await inflight.shift();
}
await Promise.all(inflight);
const loadMs = Date.now() - t1;
console.log(JSON.stringify({ registry, incident, facilities: facRecords.length, registryMs, records: N, loadMs,
  recordsPerSec: Math.round(N / (loadMs / 1000)) }));
process.exit(0);
