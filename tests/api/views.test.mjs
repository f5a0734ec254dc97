// Views beyond the list: kintone's CALENDAR view (views.json `date`, `title`
// and their defaults) and our KANBAN and GALLERY views (README "Views"),
// through the official client's updateViews / getViews; the settings that do
// not fit are refused with the view's key; and the reads the browser's views
// make (a month of a date-time field, a column of an empty choice, the counts
// per column) answer the same as records.json, under a restricted user too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, deploy as deployApp } from "./helpers/server.mjs";

const PASSWORD = "views-pass-1";
let server, admin, app, created;

const opts = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));
before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "clerk", name: "Clerk", password: PASSWORD }] } });
  app = await makeApp(admin, "点検", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    stage: { type: "DROP_DOWN", code: "stage", label: "段階", options: opts("受付", "点検中", "完了") },
    kind: { type: "RADIO_BUTTON", code: "kind", label: "種別", options: opts("定期", "臨時"), defaultValue: "定期" },
    day: { type: "DATE", code: "day", label: "点検日" },
    at: { type: "DATETIME", code: "at", label: "開始" },
    photo: { type: "FILE", code: "photo", label: "写真" },
    owner: { type: "SINGLE_LINE_TEXT", code: "owner", label: "担当" },
    items: { type: "SUBTABLE", code: "items", label: "項目表", fields: { item: { type: "SINGLE_LINE_TEXT", code: "item", label: "項目" } } },
  });
  const { properties } = await admin.app.getFormFields({ app });
  created = Object.values(properties).find((p) => p.type === "CREATED_TIME").code;
});
after(() => server.stop());

const deploy = (id = app) => deployApp(admin, id);
const putViews = (views, a = app) => raw(server, "PUT", "/k/v1/preview/app/views.json", { body: { app: a, views } });

test("calendar, kanban and gallery views are kept as sent, with kintone's defaults, and deployed", async () => {
  const views = {
    点検予定: { type: "CALENDAR", name: "点検予定", index: "0", date: "at", title: "name", filterCond: 'stage in ("受付", "点検中")' },
    既定: { type: "CALENDAR", name: "既定", index: "1" },
    進み具合: { type: "KANBAN", name: "進み具合", index: "2", group: "stage", fields: ["owner", "day"], sort: "day asc" },
    写真: { type: "GALLERY", name: "写真", index: "3", fields: ["owner"] },
    一覧: { type: "LIST", name: "一覧", index: "4", fields: ["name", "stage"] },
  };
  const put = await admin.app.updateViews({ app, views });
  assert.ok(Object.values(put.views).every((v) => /^\d+$/.test(v.id)));
  await deploy();
  const got = (await admin.app.getViews({ app })).views;
  assert.deepEqual([got.点検予定.date, got.点検予定.title, got.点検予定.filterCond], ["at", "name", 'stage in ("受付", "点検中")']);
  // kintone's defaults: the created time, under the record number
  const { properties } = await admin.app.getFormFields({ app });
  const number = Object.values(properties).find((p) => p.type === "RECORD_NUMBER").code;
  assert.deepEqual([got.既定.date, got.既定.title], [created, number]);
  assert.deepEqual([got.進み具合.group, got.進み具合.fields, got.進み具合.sort], ["stage", ["owner", "day"], "day asc"]);
  // the gallery's picture: the first attachment field when none is named
  assert.deepEqual([got.写真.image, got.写真.fields], ["photo", ["owner"]]);
  assert.deepEqual(got.一覧.fields, ["name", "stage"]);
  assert.equal(got.一覧.date, undefined, "a list has no calendar settings");
});

test("settings that do not fit are refused, naming the view's setting, and change nothing", async () => {
  const before = await admin.app.getViews({ app, preview: true });
  const cases = [
    [{ c: { type: "CALENDAR", name: "c", index: "0", date: "name" } }, "views.c.date"],
    [{ c: { type: "CALENDAR", name: "c", index: "0", title: "photo" } }, "views.c.title"],
    [{ c: { type: "CALENDAR", name: "c", index: "0", date: "nothing" } }, "views.c.date"],
    [{ k: { type: "KANBAN", name: "k", index: "0" } }, "views.k.group"],
    [{ k: { type: "KANBAN", name: "k", index: "0", group: "owner" } }, "views.k.group"],
    [{ k: { type: "KANBAN", name: "k", index: "0", group: "day" } }, "views.k.group"],
    [{ k: { type: "KANBAN", name: "k", index: "0", group: "stage", fields: ["name", "owner", "day", "at", "kind", "photo", "stage"] } }, "views.k.fields"],
    [{ k: { type: "KANBAN", name: "k", index: "0", group: "stage", fields: ["item"] } }, "views.k.fields[0]"],
    [{ g: { type: "GALLERY", name: "g", index: "0", image: "name" } }, "views.g.image"],
    [{ x: { type: "BOARD", name: "x", index: "0" } }, "views.x.type"],
  ];
  for (const [views, key] of cases) {
    const r = await putViews(views);
    assert.equal(r.status, 400, `${key}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.code, "CB_VA01");
    assert.ok(r.json.errors[key], `${key} in ${JSON.stringify(r.json.errors)}`);
  }
  // the status makes columns only while the process is on
  const { properties } = await admin.app.getFormFields({ app });
  const status = Object.values(properties).find((p) => p.type === "STATUS").code;
  const off = await putViews({ k: { type: "KANBAN", name: "k", index: "0", group: status } });
  assert.equal(off.status, 400);
  assert.ok(off.json.errors["views.k.group"]);
  // an app without attachments has no picture for a gallery
  const plain = await makeApp(admin, "no files", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const g = await putViews({ g: { type: "GALLERY", name: "g", index: "0" } }, plain);
  assert.equal(g.status, 400);
  assert.ok(g.json.errors["views.g.image"]);
  assert.deepEqual(await admin.app.getViews({ app, preview: true }), before);
});

test("a kanban by status is accepted once the process is on", async () => {
  const proc = await makeApp(admin, "申請", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const one = { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] };
  const on = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app: proc, enable: true,
    states: { 未処理: { name: "未処理", index: "0", assignee: one }, 完了: { name: "完了", index: "1", assignee: one } },
    actions: [{ name: "完了する", from: "未処理", to: "完了" }] } });
  assert.equal(on.status, 200, JSON.stringify(on.json));
  const { properties } = await admin.app.getFormFields({ app: proc, preview: true });
  const status = Object.values(properties).find((p) => p.type === "STATUS").code;
  const r = await putViews({ 状況: { type: "KANBAN", name: "状況", index: "0", group: status, fields: ["t"] } }, proc);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await deploy(proc);
  assert.equal((await admin.app.getViews({ app: proc })).views.状況.group, status);
});

test("what the views read: a month of a date-time, a column of empty choices, the counts per column", async () => {
  const recs = [];
  for (let i = 0; i < 60; i++)
    recs.push({
      name: { value: `施設${i}` }, owner: { value: i % 3 ? "clerk" : "boss" },
      stage: { value: i % 4 === 3 ? "" : ["受付", "点検中", "完了"][i % 4] },
      day: { value: `2026-12-${String(1 + (i % 28)).padStart(2, "0")}` },
      // 15:30Z is past midnight in Tokyo: the calendar's local day is the next one
      at: { value: `2026-${i % 2 ? "11-30T15:30:00Z" : "12-15T01:00:00Z"}` },
    });
  await admin.record.addAllRecords({ app, records: recs });
  const count = async (query, c = admin) => Number((await c.record.getRecords({ app, query, totalCount: true })).totalCount);
  // a month of local days, as the calendar asks for it (the Tokyo day begins at 15:00Z)
  assert.equal(await count('at >= "2026-11-30T15:00:00Z" and at < "2027-01-03T15:00:00Z"'), 60);
  assert.equal(await count('at >= "2026-11-01T15:00:00Z" and at < "2026-11-30T15:00:00Z"'), 0);
  // a kanban column: each option, and the records without one
  const report = (filterCond, headers) => raw(server, "GET", "/api/report/data", { headers,
    query: `app=${app}&report=${encodeURIComponent(JSON.stringify({ chartType: "TABLE", groups: [{ code: "stage" }], aggregations: [{ type: "COUNT" }], filterCond }))}` });
  const counts = Object.fromEntries((await report("")).json.rows.map((r) => [r.keys[0], Number(r.values[0])]));
  for (const s of ["受付", "点検中", "完了"]) assert.equal(counts[s], await count(`stage in ("${s}")`), s);
  assert.equal(counts.null, await count('stage in ("")'));
  assert.equal(counts.null, 15);
  // the days a calendar counts: per local day of the date-time
  const days = await raw(server, "GET", "/api/report/data", {
    query: `app=${app}&report=${encodeURIComponent(JSON.stringify({ chartType: "TABLE", groups: [{ code: "at", per: "DAY" }], aggregations: [{ type: "COUNT" }] }))}` });
  assert.deepEqual(Object.fromEntries(days.json.rows.map((r) => [r.keys[0].slice(0, 10), Number(r.values[0])])), { "2026-12-01": 30, "2026-12-15": 30 });
  // someone who sees only their records counts only those
  await admin.app.updateAppAcl({ app, rights: [
    { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true },
    { entity: { type: "USER", code: "clerk" }, recordViewable: true, recordEditable: true }] });
  const all = { entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true, includeSubs: false };
  await admin.app.updateRecordAcl({ app, rights: [
    { filterCond: 'owner = "clerk"', entities: [all, { entity: { type: "USER", code: "clerk" }, viewable: true, editable: true, deletable: false, includeSubs: false }] },
    { filterCond: "", entities: [all] }] });
  await deploy();
  const clerk = client(server, { username: "clerk", password: PASSWORD });
  const h = { "X-Cybozu-Authorization": Buffer.from(`clerk:${PASSWORD}`).toString("base64") };
  const theirs = Object.fromEntries((await report("", h)).json.rows.map((r) => [r.keys[0], Number(r.values[0])]));
  for (const s of ["受付", "点検中", "完了"]) assert.equal(theirs[s] ?? 0, await count(`stage in ("${s}")`, clerk), s);
  assert.equal(Object.values(theirs).reduce((a, b) => a + b, 0), 40);
});

test("nobody and a token of another app neither read nor change views", async () => {
  const nobody = await fetch(`${server.base}/k/v1/app/views.json?app=${app}`);
  assert.equal(nobody.status, 401);
  const other = await makeApp(admin, "other", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: other, permissions: ["view", "manage"] } })).json;
  const r = await fetch(`${server.base}/k/v1/app/views.json?app=${app}`, { headers: { "X-Cybozu-API-Token": token } });
  assert.deepEqual([r.status, (await r.json()).code], [400, "GAIA_IA02"]);
  const w = await fetch(`${server.base}/k/v1/preview/app/views.json`, { method: "PUT", headers: { "X-Cybozu-API-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify({ app, views: { k: { type: "KANBAN", name: "k", index: "0", group: "stage" } } }) });
  assert.deepEqual([w.status, (await w.json()).code], [400, "GAIA_IA02"]);
  // a colleague with no right to manage the app changes no view
  const clerk = await raw(server, "PUT", "/k/v1/preview/app/views.json", { headers: { "X-Cybozu-Authorization": Buffer.from(`clerk:${PASSWORD}`).toString("base64") },
    body: { app, views: {} } });
  assert.equal(clerk.status, 403);
  assert.ok(Object.keys((await admin.app.getViews({ app, preview: true })).views).length > 0);
});
