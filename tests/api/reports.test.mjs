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
