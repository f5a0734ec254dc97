// bench/incidents.mjs - the benchmark data, the same for Tsumiki and the peer:
// facilities from the real MHLW file and generated Japanese incident reports.
// Seeded, so every run (and every system) gets the same records.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

// A seeded generator, so every run loads the same data.
let seed = 20261124;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
export const pick = (a) => a[Math.floor(rnd() * a.length)];

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

// --- facility registry from the real file
const csvPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "data", "real",
  "mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv");
const rows = parseCsv(readFileSync(csvPath, "utf8").replace(/^\uFEFF/, ""));
const head = rows[0];
const col = (r, name) => r[head.indexOf(name)] ?? "";
const facilities = rows.slice(1, 3501);
export const prefs = [...new Set(facilities.map((r) => col(r, "都道府県名")))];
export function facilityRecords() {
  return facilities.map((r) => ({
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
}

const opts = (list) => Object.fromEntries(list.map((v, i) => [v, { label: v, index: String(i) }]));

export const KINDS = ["転倒", "転落", "誤薬", "誤嚥", "離設", "感染症", "虐待疑い", "その他"];
export const STATES = ["未対応", "対応中", "完了"];
export const ACTIONS = ["家族連絡", "受診", "救急搬送", "行政報告", "再発防止策"];
const SUBJ = ["利用者", "入所者", "職員", "夜勤者", "看護師", "ご家族"];
const PLACE = ["居室", "食堂", "浴室", "廊下", "トイレ", "車椅子", "送迎車", "機能訓練室"];
const EVENT = ["でふらつき転倒した", "で服薬の確認漏れがあった", "で食事中にむせ込んだ", "から一時的に所在不明になった",
  "で発熱が確認された", "でベッドから滑り落ちた", "で皮膚の内出血を発見した"];
const AFTER = ["。バイタルに異常なし。", "。家族へ連絡し経過観察とした。", "。協力医療機関を受診した。", "。再発防止策を検討中。"];
export const users = Array.from({ length: 20 }, (_, i) => `staff${String(i + 1).padStart(2, "0")}`);
export function incidentRecord(i, facRecords) {
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


// The incident-report app: 15 fields of every common type, four saved views and a graph.
export const INCIDENT_FIELDS = {
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
};
// One graph: every report by month and kind, how many and how many people.
export const INCIDENT_REPORTS = {
  月別の種別: { name: "月別の種別", index: "0", chartType: "COLUMN", chartMode: "STACKED", groups: [{ code: "報告日", per: "MONTH" }, { code: "種別" }],
    aggregations: [{ type: "COUNT" }, { type: "SUM", code: "関係者数" }] },
};
export const INCIDENT_VIEWS = {
  今年の転倒: { type: "LIST", index: "0", filterCond: '種別 in ("転倒") and 報告日 >= "2025-01-01" and 報告日 <= "2025-12-31"', sort: "報告日 desc" },
  担当分: { type: "LIST", index: "1", filterCond: "担当者 in (LOGINUSER())", sort: "発生日時 desc" },
  未対応: { type: "LIST", index: "2", filterCond: '状態 in ("未対応")', sort: "報告日 desc" },
  転倒の時系列: { type: "LIST", index: "3", filterCond: '種別 in ("転倒")', sort: "報告日 desc, 発生日時 asc" },
  報告カレンダー: { type: "CALENDAR", index: "4", date: "報告日", title: "事業所名" },
  対応ボード: { type: "KANBAN", index: "5", group: "状態", fields: ["事業所名", "種別"] },
};
