// Apps and app settings through the official client (KINTONE-API.md §5.3, §7).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp, ALL_FIELDS } from "./helpers/server.mjs";

let server, c;
before(async () => {
  server = await startServer();
  c = client(server);
});
after(() => server.stop());

test("an app created through preview is invisible until deployed", async () => {
  const { app, revision } = await c.app.addApp({ name: "施設台帳" });
  assert.match(app, /^\d+$/);
  assert.equal(typeof revision, "string");
  await rejects(c.app.getApp({ id: app }), "GAIA_AP01", 404);
  const pre = await c.app.getFormFields({ app, preview: true });
  assert.equal(pre.properties.Record_number.type, "RECORD_NUMBER");
  await c.app.deployApp({ apps: [{ app }] });
  const got = await c.app.getApp({ id: app });
  assert.equal(got.appId, app);
  assert.equal(got.name, "施設台帳");
  assert.equal(got.creator.code, "Administrator");
  assert.equal(got.spaceId, null);
});

test("every field type is added, normalised and deployed", async () => {
  const app = await makeApp(c);
  const { properties, revision } = await c.app.getFormFields({ app });
  for (const [code, p] of Object.entries(ALL_FIELDS)) {
    assert.equal(properties[code].type, p.type, code);
    assert.equal(properties[code].label, p.label, code);
  }
  assert.equal(properties.title.maxLength, "20");
  assert.equal(properties.title.minLength, "");
  assert.equal(properties.title.required, true);
  assert.equal(properties.key.unique, true);
  assert.equal(properties.qty.unitPosition, "BEFORE");
  assert.deepEqual(Object.keys(properties.drop.options), ["高", "中", "低"]);
  assert.equal(properties.drop.options["中"].index, "1");
  assert.deepEqual(properties.check.defaultValue, []);
  assert.equal(properties.memo.unique, undefined, "MULTI_LINE_TEXT has no unique");
  assert.equal(properties._fid, undefined);
  for (const p of Object.values(properties)) assert.equal(p._fid, undefined);
  assert.match(revision, /^\d+$/);
  const { layout } = await c.app.getFormLayout({ app });
  const codes = layout.flatMap((row) =>
    row.type === "GROUP" ? [row.code] : row.fields.map((f) => f.code));
  for (const code of Object.keys(ALL_FIELDS)) assert.ok(codes.includes(code), code);
});

test("field settings are validated, all errors at once", async () => {
  const { app } = await c.app.addApp({ name: "bad fields" });
  const e = await rejects(
    c.app.addFormFields({
      app,
      properties: {
        "1bad": { type: "SINGLE_LINE_TEXT", code: "1bad", label: "x" },
        odd: { type: "NO_SUCH_TYPE", code: "odd", label: "x" },
        dd: { type: "DROP_DOWN", code: "dd", label: "x", defaultValue: "z", options: { a: { label: "a", index: 0 } } },
      },
    }),
    "CB_VA01", 400);
  assert.ok(e.errors["properties.1bad.code"]);
  assert.ok(e.errors["properties.odd.type"]);
  assert.ok(e.errors["properties.dd.defaultValue"]);
  await c.app.addFormFields({ app, properties: { a: { type: "NUMBER", code: "a", label: "A" } } });
  const dup = await rejects(c.app.addFormFields({ app, properties: { a: { type: "NUMBER", code: "a", label: "A" } } }), "CB_VA01");
  assert.ok(dup.errors["properties.a.code"]);
});

test("a field code is renamed without touching its data", async () => {
  const app = await makeApp(c, "rename", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "Name" } });
  const { id } = await c.record.addRecord({ app, record: { name: { value: "神戸" } } });
  await c.app.updateFormFields({ app, properties: { name: { code: "facility_name", label: "Facility" } } });
  await c.app.deployApp({ apps: [{ app }] });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.facility_name.value, "神戸");
  assert.equal(record.name, undefined);
  const { layout } = await c.app.getFormLayout({ app });
  assert.equal(layout[0].fields[0].code, "facility_name");
});

test("deleting a field removes it from the form and the records", async () => {
  const app = await makeApp(c, "delete", {
    a: { type: "SINGLE_LINE_TEXT", code: "a", label: "A" },
    b: { type: "NUMBER", code: "b", label: "B" },
  });
  await c.record.addRecord({ app, record: { a: { value: "x" }, b: { value: 3 } } });
  await c.app.deleteFormFields({ app, fields: ["b"] });
  await rejects(c.app.deleteFormFields({ app, fields: ["nope"] }), "GAIA_FC01", 400);
  await c.app.deployApp({ apps: [{ app }] });
  const { records } = await c.record.getRecords({ app });
  assert.equal(records[0].b, undefined);
  assert.equal(records[0].a.value, "x");
  await rejects(c.record.getRecords({ app, query: "b = 3" }), "GAIA_IQ11", 400);
});

test("a stale settings revision is GAIA_CO03", async () => {
  const { app } = await c.app.addApp({ name: "rev" });
  const { revision } = await c.app.addFormFields({ app, properties: { a: { type: "NUMBER", code: "a", label: "A" } } });
  await c.app.updateFormFields({ app, properties: { a: { label: "A2" } }, revision });
  await rejects(c.app.updateFormFields({ app, properties: { a: { label: "A3" } }, revision }), "GAIA_CO03", 409);
});

test("a deploy that existing data breaks fails and changes nothing", async () => {
  const app = await makeApp(c, "unique later", { code: { type: "SINGLE_LINE_TEXT", code: "code", label: "Code" } });
  await c.record.addRecords({ app, records: [{ code: { value: "A" } }, { code: { value: "A" } }] });
  await c.app.updateFormFields({ app, properties: { code: { unique: true } } });
  await c.app.deployApp({ apps: [{ app }] });
  const { apps } = await c.app.getDeployStatus({ apps: [app] });
  assert.equal(apps[0].status, "FAIL");
  const st = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${app}` });
  assert.match(st.json.apps[0].message, /duplicate/);
  const live = await c.app.getFormFields({ app });
  assert.equal(live.properties.code.unique, false, "live settings unchanged");
  await c.record.addRecord({ app, record: { code: { value: "A" } } }); // still allowed
  // the length rule too
  await c.app.updateFormFields({ app, properties: { code: { unique: false, maxLength: "0" } } });
  await c.app.deployApp({ apps: [{ app }] });
  assert.equal((await c.app.getDeployStatus({ apps: [app] })).apps[0].status, "FAIL");
  // fixed settings deploy again
  await c.app.updateFormFields({ app, properties: { code: { maxLength: "" } } });
  await c.app.deployApp({ apps: [{ app }] });
  assert.equal((await c.app.getDeployStatus({ apps: [app] })).apps[0].status, "SUCCESS");
});

test("revert discards the preview", async () => {
  const app = await makeApp(c, "revert", { a: { type: "NUMBER", code: "a", label: "A" } });
  await c.app.addFormFields({ app, properties: { b: { type: "NUMBER", code: "b", label: "B" } } });
  await c.app.deployApp({ apps: [{ app }], revert: true });
  const pre = await c.app.getFormFields({ app, preview: true });
  assert.equal(pre.properties.b, undefined);
});

test("layout, views and general settings round-trip", async () => {
  const app = await makeApp(c, "settings", {
    a: { type: "SINGLE_LINE_TEXT", code: "a", label: "A" },
    n: { type: "NUMBER", code: "n", label: "N" },
  });
  await c.app.updateFormLayout({
    app,
    layout: [
      { type: "ROW", fields: [{ type: "LABEL", label: "<b>見出し</b>", size: { width: 200 } }] },
      { type: "ROW", fields: [{ type: "NUMBER", code: "n", size: { width: "100" } }, { type: "SINGLE_LINE_TEXT", code: "a", size: {} }] },
    ],
  });
  const views = await c.app.updateViews({
    app,
    views: {
      "大きい順": { type: "LIST", index: 0, fields: ["Record_number", "a", "n"], filterCond: 'n > 10', sort: "n desc" },
    },
  });
  assert.match(views.views["大きい順"].id, /^\d+$/);
  await rejects(c.app.updateViews({ app, views: { bad: { type: "LIST", index: 0, filterCond: "nope = 1" } } }), "CB_VA01");
  await c.app.updateAppSettings({ app, name: "新しい名前", description: "説明", theme: "RED", numberPrecision: { digits: 20, decimalPlaces: 2, roundingMode: "UP" } });
  await rejects(c.app.updateAppSettings({ app, theme: "PURPLE" }), "CB_VA01");
  await c.app.deployApp({ apps: [{ app }] });
  const s = await c.app.getAppSettings({ app });
  assert.equal(s.name, "新しい名前");
  assert.equal(s.theme, "RED");
  assert.equal(s.numberPrecision.digits, "20");
  assert.equal(s.numberPrecision.roundingMode, "UP");
  const { layout } = await c.app.getFormLayout({ app });
  assert.equal(layout[0].fields[0].type, "LABEL");
  assert.equal(layout[1].fields[0].size.width, "100");
  const v = await c.app.getViews({ app });
  assert.equal(v.views["大きい順"].filterCond, "n > 10");
  assert.deepEqual(v.views["大きい順"].fields, ["Record_number", "a", "n"]);
  assert.equal((await c.app.getApp({ id: app })).name, "新しい名前");
});

test("apps.json filters by ids, codes and name, with limit and offset", async () => {
  const a = await makeApp(c, "Alpha list", { x: { type: "NUMBER", code: "x", label: "X" } });
  const b = await makeApp(c, "beta LIST", { x: { type: "NUMBER", code: "x", label: "X" } });
  const byName = await c.app.getApps({ name: "list" });
  const ids = byName.apps.map((x) => x.appId);
  assert.ok(ids.includes(a) && ids.includes(b));
  const byIds = await c.app.getApps({ ids: [b] });
  assert.deepEqual(byIds.apps.map((x) => x.appId), [b]);
  const page = await c.app.getApps({ limit: 1, offset: 1 });
  assert.equal(page.apps.length, 1);
  await rejects(c.app.getApps({ limit: 101 }), "CB_VA01");
  await rejects(c.app.getApps({ ids: Array.from({ length: 101 }, (_, i) => i + 1) }), "CB_VA01");
});

test("unknown apps are GAIA_AP01", async () => {
  await rejects(c.app.getFormFields({ app: 99999 }), "GAIA_AP01", 404);
  await rejects(c.record.getRecords({ app: 99999 }), "GAIA_AP01", 404);
  await rejects(c.app.deployApp({ apps: [{ app: 99999 }] }), "GAIA_AP01", 404);
});
