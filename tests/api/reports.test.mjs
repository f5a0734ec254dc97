// Graphs and cross tables as kintone keeps them (app/reports.json,
// KINTONE-EXTENSIONS.md §6), through the official client's getReports and
// updateReports: every chart type and mode, groups by every unit, every
// aggregation, sorts, filters, periodic reports kept as set; the limits and
// the errors; deployed like the other settings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, rejects } from "./helpers/server.mjs";

const PASSWORD = "reports-pass-1";
let server, admin, app;

const opts = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));
before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "viewer", name: "Viewer", password: PASSWORD }] } });
  app = await makeApp(admin, "事故報告", {
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: opts("転倒", "誤薬", "その他") },
    day: { type: "DATE", code: "day", label: "報告日" },
    at: { type: "DATETIME", code: "at", label: "発生日時" },
    time: { type: "TIME", code: "time", label: "時刻" },
    cost: { type: "NUMBER", code: "cost", label: "費用" },
    memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "メモ" },
    who: { type: "USER_SELECT", code: "who", label: "担当" },
  });
});
after(() => server.stop());

async function deploy() {
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
}

const ALL = {
  種別ごとの件数: { name: "種別ごとの件数", index: "0", chartType: "BAR", chartMode: "STACKED", groups: [{ code: "kind" }, { code: "day", per: "MONTH" }], aggregations: [{ type: "COUNT" }], filterCond: 'kind in ("転倒", "誤薬")', sorts: [{ by: "TOTAL", order: "DESC" }] },
  月別の費用: { name: "月別の費用", index: "1", chartType: "COLUMN", chartMode: "PERCENTAGE", groups: [{ code: "at", per: "QUARTER" }], aggregations: [{ type: "SUM", code: "cost" }, { type: "AVERAGE", code: "cost" }, { type: "MAX", code: "day" }, { type: "MIN", code: "at" }], sorts: [{ by: "GROUP1", order: "ASC" }] },
  円: { name: "円", index: "2", chartType: "PIE", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] },
  折れ線: { name: "折れ線", index: "3", chartType: "LINE", groups: [{ code: "at", per: "WEEK" }], aggregations: [{ type: "COUNT" }] },
  クロス集計: { name: "クロス集計", index: "4", chartType: "PIVOT_TABLE", groups: [{ code: "kind" }, { code: "who" }, { code: "at", per: "YEAR" }], aggregations: [{ type: "SUM", code: "cost" }] },
  表: { name: "表", index: "5", chartType: "TABLE", groups: [{ code: "time", per: "HOUR" }], aggregations: [{ type: "COUNT" }] },
  面: { name: "面", index: "6", chartType: "AREA", chartMode: "NORMAL", groups: [{ code: "at", per: "DAY" }], aggregations: [{ type: "COUNT" }] },
  曲線: { name: "曲線", index: "7", chartType: "SPLINE", groups: [{ code: "at", per: "HOUR" }], aggregations: [{ type: "COUNT" }] },
  曲線の面: { name: "曲線の面", index: "8", chartType: "SPLINE_AREA", chartMode: "STACKED", groups: [{ code: "at", per: "MINUTE" }, { code: "day" }], aggregations: [{ type: "COUNT" }],
    periodicReport: { active: true, period: { every: "MONTH", dayOfMonth: "END_OF_MONTH", time: "09:00" } } },
};

test("every chart type and mode, groups by every unit, every aggregation: kept, deployed, answered as the client sent them", async () => {
  const put = await admin.app.updateReports({ app, reports: ALL });
  assert.deepEqual(Object.keys(put.reports).sort(), Object.keys(ALL).sort());
  assert.ok(Object.values(put.reports).every((r) => /^\d+$/.test(r.id)));
  const preview = await admin.app.getReports({ app, preview: true });
  assert.equal(preview.revision, put.revision);
  await deploy();
  const { reports } = await admin.app.getReports({ app });
  for (const [name, sent] of Object.entries(ALL)) {
    const got = reports[name];
    assert.equal(got.id, put.reports[name].id);
    for (const k of ["name", "index", "chartType", "aggregations", "sorts"])
      if (sent[k]) assert.deepEqual(got[k], sent[k], `${name}.${k}`);
    assert.equal(got.chartMode, sent.chartMode, `${name}: chartMode only for BAR, COLUMN, AREA, SPLINE_AREA`);
    assert.equal(got.filterCond, sent.filterCond ?? "");
    assert.deepEqual(got.periodicReport, sent.periodicReport ?? null);
  }
  // a date's unit left out is its finest: a day; a date-time's a minute
  assert.deepEqual(reports.種別ごとの件数.groups, [{ code: "kind" }, { code: "day", per: "MONTH" }]);
  assert.deepEqual(reports.曲線の面.groups, [{ code: "at", per: "MINUTE" }, { code: "day", per: "DAY" }]);
  assert.deepEqual(reports.円.sorts, []);
  // someone who may view the records reads the graphs; the preview is the managers'
  await admin.app.updateAppAcl({ app, rights: [
    { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true },
    { entity: { type: "USER", code: "viewer" }, recordViewable: true }] });
  await deploy();
  const viewer = client(server, { username: "viewer", password: PASSWORD });
  assert.equal(Object.keys((await viewer.app.getReports({ app })).reports).length, Object.keys(ALL).length);
  await rejects(viewer.app.getReports({ app, preview: true }), "CB_NO02", 403);
  await rejects(viewer.app.updateReports({ app, reports: {} }), "CB_NO02", 403);
});

test("a name left out deletes its graph; a graph renamed keeps its id; the revision is checked", async () => {
  const before = (await admin.app.getReports({ app, preview: true }));
  const { 円: pie, ...rest } = before.reports;
  rest.月別の費用 = { ...rest.月別の費用, name: "四半期の費用" };
  const { 曲線の面: _periodic, ...kept } = rest;
  const put = await admin.app.updateReports({ app, reports: { ...kept, 曲線の面: { name: "曲線の面", index: "8" } }, revision: before.revision });
  assert.ok(!put.reports.円, "deleted");
  assert.equal(put.reports.四半期の費用.id, before.reports.月別の費用.id);
  const after = (await admin.app.getReports({ app, preview: true })).reports;
  assert.equal(after.四半期の費用.chartType, "COLUMN");
  assert.ok(!after.月別の費用 && !after.円);
  assert.deepEqual(after.曲線の面.groups, before.reports.曲線の面.groups, "what a PUT leaves out stays");
  await rejects(admin.app.updateReports({ app, reports: {}, revision: before.revision }), "GAIA_CO03", 409);
  void pie;
});

test("the limits and the mistakes are answered with the setting they concern, and change nothing", async () => {
  const base = { name: "x", index: "20", chartType: "BAR", chartMode: "NORMAL", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] };
  const cases = [
    [{ ...base, chartMode: undefined }, "reports.x.chartMode"],
    [{ ...base, chartType: "RADAR" }, "reports.x.chartType"],
    [{ ...base, name: "y" }, "reports.x.name"],
    [{ ...base, groups: [{ code: "kind" }, { code: "day" }, { code: "at" }, { code: "who" }] }, "reports.x.groups"],
    [{ ...base, groups: [{ code: "memo" }] }, "reports.x.groups[0].code"],
    [{ ...base, groups: [{ code: "nothing" }] }, "reports.x.groups[0].code"],
    [{ ...base, groups: [{ code: "day", per: "HOUR" }] }, "reports.x.groups[0].per"],
    [{ ...base, groups: [{ code: "time", per: "MONTH" }] }, "reports.x.groups[0].per"],
    [{ ...base, aggregations: Array.from({ length: 11 }, () => ({ type: "COUNT" })) }, "reports.x.aggregations"],
    [{ ...base, aggregations: [{ type: "SUM", code: "kind" }] }, "reports.x.aggregations[0].code"],
    [{ ...base, aggregations: [{ type: "AVERAGE", code: "day" }] }, "reports.x.aggregations[0].code"],
    [{ ...base, aggregations: [{ type: "SUM" }] }, "reports.x.aggregations[0].code"],
    [{ ...base, chartType: "PIVOT_TABLE", chartMode: undefined, groups: [] }, "reports.x.groups"],
    [{ ...base, chartType: "PIVOT_TABLE", chartMode: undefined, aggregations: [{ type: "COUNT" }, { type: "SUM", code: "cost" }] }, "reports.x.aggregations"],
    [{ ...base, sorts: [{ by: "GROUP2", order: "ASC" }] }, "reports.x.sorts[0].by"],
    [{ ...base, sorts: [{ by: "TOTAL", order: "UP" }] }, "reports.x.sorts[0].order"],
    [{ ...base, sorts: Array.from({ length: 4 }, () => ({ by: "TOTAL", order: "ASC" })) }, "reports.x.sorts"],
    [{ ...base, filterCond: 'kind in ("転倒"' }, "reports.x.filterCond"],
    [{ ...base, index: "0" }, "reports.x.index"], // the index of 種別ごとの件数
    [{ ...base, periodicReport: { period: { every: "WEEK", time: "09:00" } } }, "reports.x.periodicReport.period.dayOfWeek"],
    [{ ...base, periodicReport: { period: { every: "DAY", time: "25:00" } } }, "reports.x.periodicReport.period.time"],
    [{ ...base, periodicReport: { period: { every: "HOUR", minute: "15" } } }, "reports.x.periodicReport.period.minute"],
  ];
  const before = await admin.app.getReports({ app, preview: true });
  for (const [x, key] of cases) {
    const r = await raw(server, "PUT", "/k/v1/preview/app/reports.json", { body: { app, reports: { ...before.reports, x } } });
    assert.equal(r.status, 400, `${key}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.code, "CB_VA01");
    assert.ok(r.json.errors[key], `${key} named: ${JSON.stringify(r.json.errors)}`);
  }
  // while its periodic report is active, a graph changes only its name, index and active
  const locked = await raw(server, "PUT", "/k/v1/preview/app/reports.json", { body: { app, reports: { ...before.reports, 曲線の面: { ...before.reports.曲線の面, chartType: "LINE" } } } });
  assert.equal(locked.status, 400);
  assert.ok(locked.json.errors["reports.曲線の面.chartType"]);
  const period = await raw(server, "PUT", "/k/v1/preview/app/reports.json", { body: { app, reports: { ...before.reports, 曲線の面: { periodicReport: { period: { every: "DAY", time: "10:00" } } } } } });
  assert.ok(period.json.errors["reports.曲線の面.periodicReport.period"], JSON.stringify(period.json));
  const off = await admin.app.updateReports({ app, reports: { ...before.reports, 曲線の面: { periodicReport: { active: false } } } });
  assert.ok(off.revision);
  assert.equal((await admin.app.getReports({ app, preview: true })).reports.曲線の面.periodicReport.active, false);
  const after = await admin.app.getReports({ app, preview: true });
  assert.deepEqual(Object.keys(after.reports).sort(), Object.keys(before.reports).sort(), "the refused PUTs changed nothing");
  // not an object; too many
  assert.equal((await raw(server, "PUT", "/k/v1/preview/app/reports.json", { body: { app, reports: [] } })).status, 400);
  assert.equal((await raw(server, "PUT", "/k/v1/preview/app/reports.json", { body: { app } })).json.errors.reports.messages[0], "Required field.");
});

test("nobody and another app's token get nothing", async () => {
  const nobody = await fetch(`${server.base}/k/v1/app/reports.json?app=${app}`);
  assert.equal(nobody.status, 401);
  const other = await makeApp(admin, "別のアプリ", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: other, permissions: ["view", "manage"] } })).json;
  // kintone's answer to a token of another app: GAIA_IA02
  const r = await fetch(`${server.base}/k/v1/app/reports.json?app=${app}`, { headers: { "X-Cybozu-API-Token": token } });
  assert.deepEqual([r.status, (await r.json()).code], [400, "GAIA_IA02"]);
  const w = await fetch(`${server.base}/k/v1/preview/app/reports.json`, { method: "PUT", headers: { "X-Cybozu-API-Token": token, "Content-Type": "application/json" }, body: JSON.stringify({ app, reports: {} }) });
  assert.deepEqual([w.status, (await w.json()).code], [400, "GAIA_IA02"]);
  assert.ok(Object.keys((await admin.app.getReports({ app, preview: true })).reports).length > 0);
});

// ---- the numbers (GET /api/report/data, our extension)

let data, recs;
const KINDS = ["転倒", "誤薬", "その他"];
async function dataApp() {
  if (data) return data;
  data = await makeApp(admin, "集計", {
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: opts(...KINDS) },
    day: { type: "DATE", code: "day", label: "報告日" },
    at: { type: "DATETIME", code: "at", label: "発生日時" },
    cost: { type: "NUMBER", code: "cost", label: "費用" },
    tags: { type: "CHECK_BOX", code: "tags", label: "区分", options: opts("夜間", "屋外") },
    secret: { type: "NUMBER", code: "secret", label: "秘" },
  });
  recs = Array.from({ length: 120 }, (_, i) => ({
    kind: KINDS[i % 3], day: `2025-${String(1 + (i % 4)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`,
    // 16:00Z is 01:00 the next day in Tokyo
    at: `2025-03-${String(1 + (i % 5)).padStart(2, "0")}T${i % 2 ? "16" : "02"}:00:00Z`,
    cost: String((i * 37) % 1000), tags: i % 4 === 0 ? [] : i % 4 === 1 ? ["夜間"] : i % 4 === 2 ? ["屋外"] : ["夜間", "屋外"], secret: "1",
  }));
  await admin.record.addAllRecords({ app: data, records: recs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { value: v }]))) });
  return data;
}
const graph = async (app, report, headers) => {
  const r = await raw(server, "GET", "/api/report/data", { query: `app=${app}&report=${encodeURIComponent(JSON.stringify(report))}`, headers });
  return r;
};
const rowsOf = (j) => Object.fromEntries(j.rows.map((r) => [r.keys.join("|"), r.values]));

test("a graph's numbers are the counts and sums of records.json on the same data", async () => {
  const app = await dataApp();
  const r = await graph(app, { chartType: "BAR", chartMode: "NORMAL", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }, { type: "SUM", code: "cost" }, { type: "MAX", code: "day" }], sorts: [{ by: "TOTAL", order: "DESC" }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.groups.map((g) => [g.code, g.label]), [["kind", "種別"]]);
  for (const k of KINDS) {
    const { totalCount } = await admin.record.getRecords({ app, query: `kind in ("${k}")`, totalCount: true });
    const mine = recs.filter((x) => x.kind === k);
    assert.deepEqual(rowsOf(r.json)[k], [totalCount, String(mine.reduce((s, x) => s + Number(x.cost), 0)), mine.map((x) => x.day).sort().at(-1)], k);
  }
  assert.equal(r.json.truncated, false);
  // by month and kind, filtered
  const m = await graph(app, { chartType: "PIVOT_TABLE", groups: [{ code: "day", per: "MONTH" }, { code: "kind" }], aggregations: [{ type: "COUNT" }], filterCond: 'kind not in ("その他")' });
  assert.equal(m.status, 200, JSON.stringify(m.json));
  const { totalCount } = await admin.record.getRecords({ app, query: 'day >= "2025-02-01" and day <= "2025-02-28" and kind in ("転倒")', totalCount: true });
  assert.equal(rowsOf(m.json)["2025-02|転倒"][0], totalCount);
  assert.ok(!Object.keys(rowsOf(m.json)).some((k) => k.endsWith("その他")));
  // date-times by day in the caller's zone (Tokyo): 16:00Z counts on the next day
  const d = await graph(app, { chartType: "LINE", groups: [{ code: "at", per: "DAY" }], aggregations: [{ type: "COUNT" }] });
  const tokyoDay = (iso) => new Date(new Date(iso).getTime() + 9 * 3600e3).toISOString().slice(0, 10);
  const want = {};
  for (const x of recs) want[tokyoDay(x.at)] = (want[tokyoDay(x.at)] ?? 0) + 1;
  assert.deepEqual(Object.fromEntries(d.json.rows.map((x) => [x.keys[0], Number(x.values[0])])), want);
  // quarters of a date, weeks (from Sunday) of a date-time in the caller's zone
  const q = await graph(app, { chartType: "TABLE", groups: [{ code: "day", per: "QUARTER" }, { code: "at", per: "WEEK" }], aggregations: [{ type: "COUNT" }] });
  const sunday = (day) => { const t = new Date(day + "T00:00:00Z"); return new Date(t.getTime() - t.getUTCDay() * 86400e3).toISOString().slice(0, 10); };
  const wantQ = {};
  for (const x of recs) {
    const k = `2025-Q${Math.floor((Number(x.day.slice(5, 7)) + 2) / 3)}|${sunday(tokyoDay(x.at))}`;
    wantQ[k] = String(Number(wantQ[k] ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(q.json.rows.map((x) => [x.keys.join("|"), x.values[0]])), wantQ);
  // a check box: each record under each of its values, and those with none under null
  const t = await graph(app, { chartType: "PIE", groups: [{ code: "tags" }], aggregations: [{ type: "COUNT" }] });
  assert.deepEqual(rowsOf(t.json), { "": ["30"], 夜間: ["60"], 屋外: ["60"] });
  // asked again: the same numbers (remembered); after a change, the new ones
  assert.deepEqual(rowsOf((await graph(app, { chartType: "PIE", groups: [{ code: "tags" }], aggregations: [{ type: "COUNT" }] })).json), rowsOf(t.json));
  const { id } = await admin.record.addRecord({ app, record: { tags: { value: ["夜間"] } } });
  assert.deepEqual(rowsOf((await graph(app, { chartType: "PIE", groups: [{ code: "tags" }], aggregations: [{ type: "COUNT" }] })).json), { "": ["30"], 夜間: ["61"], 屋外: ["60"] });
  await admin.record.deleteRecords({ app, ids: [id] });
});

test("a deployed graph by id; under a restricted person only what they may see is counted, and a hidden field is refused", async () => {
  const app = await dataApp();
  await admin.app.updateReports({ app, reports: { 種別: { name: "種別", index: "0", chartType: "COLUMN", chartMode: "STACKED", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] } } });
  await admin.app.updateRecordAcl({ app, rights: [{ filterCond: 'kind in ("転倒")', entities: [{ entity: { type: "USER", code: "viewer" }, viewable: true, editable: false, deletable: false }] },
    { filterCond: "", entities: [{ entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.updateFieldAcl({ app, rights: [{ code: "secret", entities: [{ entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  const { reports } = await admin.app.getReports({ app });
  const h = { "X-Cybozu-Authorization": Buffer.from(`viewer:${PASSWORD}`).toString("base64") };
  const mine = await raw(server, "GET", "/api/report/data", { query: `app=${app}&id=${reports.種別.id}`, headers: h });
  assert.equal(mine.status, 200, JSON.stringify(mine.json));
  assert.deepEqual(rowsOf(mine.json), { 転倒: ["40"] }, "only the records the viewer may see");
  const all = await raw(server, "GET", "/api/report/data", { query: `app=${app}&id=${reports.種別.id}` });
  assert.equal(Object.keys(rowsOf(all.json)).length, 3);
  const hidden = await graph(app, { chartType: "TABLE", groups: [{ code: "kind" }], aggregations: [{ type: "SUM", code: "secret" }] }, h);
  assert.deepEqual([hidden.status, hidden.json.code], [400, "GAIA_IQ11"]);
  const unknown = await raw(server, "GET", "/api/report/data", { query: `app=${app}&id=99999` });
  assert.equal(unknown.status, 400);
  const bad = await graph(app, { chartType: "BAR", groups: [{ code: "kind" }] });
  assert.ok(bad.json.errors["report.chartMode"], JSON.stringify(bad.json));
  const nobody = await fetch(`${server.base}/api/report/data?app=${app}&id=${reports.種別.id}`);
  assert.equal(nobody.status, 401);
});
