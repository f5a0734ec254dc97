// App templates (our extension, README "App templates"): a template is what
// the settings API reads of an app; POST /api/app/from-template makes a new
// app of it in one transaction — whole, or not at all — each part checked as
// the settings API checks it. Reusing an app is the same with the template
// read from it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, makeApp } from "./helpers/server.mjs";

const PASSWORD = "template-pass-1";
let server, admin, source, template;

// What the browser reads to make a template (web/src/appTemplate.ts does the same).
async function readTemplate(app) {
  const get = async (path) => (await raw(server, "GET", `/k/v1/preview/app/${path}`, { query: `app=${app}` })).json;
  const [fields, layout, views, reports, settings, status] = await Promise.all(["form/fields.json", "form/layout.json", "views.json", "reports.json", "settings.json", "status.json"].map(get));
  return { format: "tsumiki-app-template/1", properties: fields.properties, layout: layout.layout, views: views.views, reports: reports.reports, settings, status };
}

before(async () => {
  server = await startServer({ lang: "ja" });
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "clerk", name: "Clerk", password: PASSWORD }] } });
  source = await makeApp(admin, "苦情受付", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名", required: true },
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: { 苦情: { label: "苦情", index: "0" }, 要望: { label: "要望", index: "1" } } },
    contact: { type: "GROUP", code: "contact", label: "連絡先", openGroup: false },
    tel: { type: "SINGLE_LINE_TEXT", code: "tel", label: "電話" },
    items: { type: "SUBTABLE", code: "items", label: "明細", fields: { item: { type: "SINGLE_LINE_TEXT", code: "item", label: "品目" } } },
  });
  await admin.app.updateFormLayout({ app: source, layout: [
    { type: "ROW", fields: [{ type: "SINGLE_LINE_TEXT", code: "title" }, { type: "DROP_DOWN", code: "kind" }] },
    { type: "GROUP", code: "contact", layout: [{ type: "ROW", fields: [{ type: "SINGLE_LINE_TEXT", code: "tel" }] }] },
    { type: "SUBTABLE", code: "items", fields: [{ type: "SINGLE_LINE_TEXT", code: "item" }] },
  ] });
  await admin.app.updateViews({ app: source, views: { 苦情だけ: { type: "LIST", name: "苦情だけ", index: "0", fields: ["レコード番号", "title", "kind"], filterCond: 'kind in ("苦情")', sort: "レコード番号 desc" } } });
  await admin.app.updateAppSettings({ app: source, icon: { type: "PRESET", key: "mail.red" }, category: "市民対応", titleField: { selectionMode: "MANUAL", code: "title" } });
  await admin.app.updateReports({ app: source, reports: { 種別ごと: { name: "種別ごと", index: "0", chartType: "PIE", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] } } });
  await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app: source, enable: true,
    states: { 受付: { name: "受付", index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] } }, 完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } } },
    actions: [{ name: "完了する", from: "受付", to: "完了" }] } });
  await admin.app.deployApp({ apps: [{ app: source }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [source] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  template = await readTemplate(source);
});
after(() => server.stop());

const strip = (views) => Object.fromEntries(Object.entries(views).map(([k, v]) => { const { id: _i, ...rest } = v; return [k, rest]; }));

test("a new app from a template has the same fields, layout, views, settings and process, under its own name", async () => {
  const r = await raw(server, "POST", "/api/app/from-template", { body: { template, name: "苦情受付（北区）" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const app = r.json.app;
  assert.notEqual(app, source);
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  const made = await readTemplate(app);
  assert.deepEqual(made.properties, template.properties);
  assert.deepEqual(made.layout, template.layout);
  assert.deepEqual(strip(made.views), strip(template.views));
  assert.deepEqual(strip(made.reports), strip(template.reports), "its graphs too");
  assert.deepEqual([made.status.enable, made.status.states, made.status.actions], [template.status.enable, template.status.states, template.status.actions]);
  assert.equal(made.settings.name, "苦情受付（北区）");
  assert.deepEqual([made.settings.icon, made.settings.category, made.settings.titleField], [template.settings.icon, template.settings.category, template.settings.titleField]);
  // and it works: a record goes into the first status
  const { id } = await admin.record.addRecord({ app, record: { title: { value: "騒音" }, kind: { value: "苦情" } } });
  assert.equal((await admin.record.getRecord({ app, id })).record.ステータス.value, "受付");
});

test("a template made in English names its system fields as it did; views that show them still work", async () => {
  const en = JSON.parse(JSON.stringify(template));
  for (const [code, p] of Object.entries(en.properties)) if (p.type === "RECORD_NUMBER") { delete en.properties[code]; en.properties.Record_number = { ...p, code: "Record_number", label: "Record number" }; }
  for (const v of Object.values(en.views)) { v.fields = v.fields.map((f) => (f === "レコード番号" ? "Record_number" : f)); v.sort = "Record_number desc"; }
  const r = await raw(server, "POST", "/api/app/from-template", { body: { template: en, name: "Complaints" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const fields = (await raw(server, "GET", "/k/v1/preview/app/form/fields.json", { query: `app=${r.json.app}` })).json.properties;
  assert.equal(fields.Record_number?.type, "RECORD_NUMBER");
});

test("a template with a part the settings API refuses makes no app at all, and says what is wrong", async () => {
  const before = (await admin.app.getApps({})).apps.length;
  const bad = JSON.parse(JSON.stringify(template));
  bad.views.苦情だけ.fields.push("no_such_field");
  const r = await raw(server, "POST", "/api/app/from-template", { body: { template: bad, name: "壊れた" } });
  assert.equal(r.status, 400, JSON.stringify(r.json));
  assert.equal((await admin.app.getApps({})).apps.length, before, "nothing was made");
  const made = await raw(server, "GET", "/k/v1/apps.json", { query: "name=壊れた" });
  assert.equal(made.json.apps.length, 0);
  for (const [body, key] of [[{ name: "x" }, "template"], [{ template: { format: "something-else" }, name: "x" }, "template.format"], [{ template: "text" }, "template"]]) {
    const e = await raw(server, "POST", "/api/app/from-template", { body });
    assert.equal(e.status, 400);
    assert.ok(e.json.errors[key], JSON.stringify(e.json));
  }
});

test("only people who may create apps may make one from a template; nobody signed in gets nothing", async () => {
  await raw(server, "PUT", "/api/system/app-creators", { body: { entities: [{ entity: { type: "USER", code: "Administrator" } }] } });
  try {
    const r = await raw(server, "POST", "/api/app/from-template", { body: { template, name: "無断" }, headers: basic("clerk", PASSWORD) });
    assert.equal(r.status, 403);
  } finally {
    await raw(server, "PUT", "/api/system/app-creators", { body: { entities: [] } });
  }
  const nobody = await fetch(server.base + "/api/app/from-template", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ template, name: "x" }) });
  assert.equal(nobody.status, 401);
});
