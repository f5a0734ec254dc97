// Lookups and related records through the official client: copies on save,
// GAIA_LO04, an empty key clearing the copies, deploy checks, our autoRefresh
// option, and Rel.Field queries (KINTONE-API.md §6, §7.1, §8).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp } from "./helpers/server.mjs";

let server, c, registry, incidents;

const REGISTRY = {
  code: { type: "SINGLE_LINE_TEXT", code: "code", label: "事業所番号", unique: true, required: true },
  name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
  address: { type: "MULTI_LINE_TEXT", code: "address", label: "所在地" },
  beds: { type: "NUMBER", code: "beds", label: "定員" },
  plain: { type: "SINGLE_LINE_TEXT", code: "plain", label: "Not unique" },
};

const lookupOf = (app, extra = {}) => ({
  relatedApp: { app: String(app) },
  relatedKeyField: "code",
  fieldMappings: [
    { field: "facility_name", relatedField: "name" },
    { field: "facility_address", relatedField: "address" },
    { field: "beds", relatedField: "beds" },
  ],
  lookupPickerFields: ["code", "name"],
  filterCond: "",
  sort: "code asc",
  ...extra,
});

before(async () => {
  server = await startServer();
  c = client(server);
  registry = await makeApp(c, "施設台帳", REGISTRY);
  incidents = await makeApp(c, "事故報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "事業所番号", lookup: lookupOf(registry) },
    facility_name: { type: "SINGLE_LINE_TEXT", code: "facility_name", label: "事業所名" },
    facility_address: { type: "MULTI_LINE_TEXT", code: "facility_address", label: "所在地" },
    beds: { type: "NUMBER", code: "beds", label: "定員" },
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    severity: { type: "DROP_DOWN", code: "severity", label: "重さ", options: { 高: { label: "高", index: 0 }, 低: { label: "低", index: 1 } } },
  });
  await c.record.addRecords({
    app: registry,
    records: [
      { code: { value: "F001" }, name: { value: "ひまわり苑" }, address: { value: "神戸市中央区1-1\n2階" }, beds: { value: "30" } },
      { code: { value: "F002" }, name: { value: "さくら園" }, address: { value: "神戸市灘区2-2" }, beds: { value: "12" } },
      { code: { value: "F003" }, name: { value: "つばき荘" }, beds: { value: "8" } },
    ],
  });
});
after(() => server.stop());

test("a lookup copies the mapped fields and ignores values sent for them", async () => {
  const { properties } = await c.app.getFormFields({ app: incidents });
  assert.equal(properties.facility.lookup.relatedApp.app, String(registry));
  assert.equal(properties.facility.lookup.relatedKeyField, "code");
  assert.equal(properties.facility.lookup.autoRefresh, false);
  const { id } = await c.record.addRecord({
    app: incidents,
    record: { facility: { value: "F001" }, facility_name: { value: "嘘の名前" }, title: { value: "転倒" }, severity: { value: "高" } },
  });
  const { record } = await c.record.getRecord({ app: incidents, id });
  assert.equal(record.facility.type, "SINGLE_LINE_TEXT");
  assert.equal(record.facility_name.value, "ひまわり苑");
  assert.equal(record.facility_address.value, "神戸市中央区1-1\n2階");
  assert.equal(record.beds.value, "30");
  // changing the key re-copies; an empty key clears the copies
  await c.record.updateRecord({ app: incidents, id, record: { facility: { value: "F002" } } });
  let r = (await c.record.getRecord({ app: incidents, id })).record;
  assert.equal(r.facility_name.value, "さくら園");
  await c.record.updateRecord({ app: incidents, id, record: { facility: { value: "" } } });
  r = (await c.record.getRecord({ app: incidents, id })).record;
  assert.equal(r.facility_name.value, "");
  assert.equal(r.beds.value, "");
  assert.equal(r.title.value, "転倒");
});

test("an unknown key is GAIA_LO04 and nothing is written, also inside a bulk call", async () => {
  const before = (await c.record.getRecords({ app: incidents, totalCount: true })).totalCount;
  await rejects(c.record.addRecord({ app: incidents, record: { facility: { value: "F999" } } }), "GAIA_LO04", 400);
  await rejects(
    c.record.addRecords({ app: incidents, records: [{ facility: { value: "F001" } }, { facility: { value: "nope" } }] }),
    "GAIA_LO04",
    400,
  );
  const after = (await c.record.getRecords({ app: incidents, totalCount: true })).totalCount;
  assert.equal(after, before);
});

test("deploy refuses a lookup whose key may repeat, or whose app is missing", async () => {
  const { app } = await c.app.addApp({ name: "bad lookups" });
  await c.app.addFormFields({ app, properties: {
    k: { type: "SINGLE_LINE_TEXT", code: "k", label: "Key", lookup: { ...lookupOf(registry), relatedKeyField: "plain", fieldMappings: [] } },
  } });
  await c.app.deployApp({ apps: [{ app }] });
  let s = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${app}` });
  assert.equal(s.json.apps[0].status, "FAIL");
  const detail = await raw(server, "GET", "/k/v1/app/form/fields.json", { query: `app=${app}` });
  assert.equal(detail.status, 404, "never deployed");
  await c.app.updateFormFields({ app, properties: { k: { lookup: { ...lookupOf(9999), fieldMappings: [] } } } });
  await c.app.deployApp({ apps: [{ app }] });
  s = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${app}` });
  assert.equal(s.json.apps[0].status, "FAIL");
  await rejects(c.app.addFormFields({ app, properties: { k2: { type: "NUMBER", code: "k2", label: "k2", lookup: { relatedKeyField: "code" } } } }), "CB_VA01", 400);
});

test("autoRefresh keeps copies up to date when the source record changes; off, they stay", async () => {
  const kept = await makeApp(c, "報告 (自動更新)", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "番号", lookup: lookupOf(registry, { autoRefresh: true }) },
    facility_name: { type: "SINGLE_LINE_TEXT", code: "facility_name", label: "名前" },
    facility_address: { type: "MULTI_LINE_TEXT", code: "facility_address", label: "所在地" },
    beds: { type: "NUMBER", code: "beds", label: "定員" },
  });
  const a = await c.record.addRecord({ app: kept, record: { facility: { value: "F003" } } });
  const b = await c.record.addRecord({ app: incidents, record: { facility: { value: "F003" } } });
  const src = (await c.record.getRecords({ app: registry, query: 'code = "F003"' })).records[0];
  await c.record.updateRecord({ app: registry, id: src.$id.value, record: { name: { value: "つばき荘 (新館)" }, beds: { value: "10" } } });
  const ra = (await c.record.getRecord({ app: kept, id: a.id })).record;
  assert.equal(ra.facility_name.value, "つばき荘 (新館)");
  assert.equal(ra.beds.value, "10");
  assert.equal(ra.$revision.value, "2");
  const rb = (await c.record.getRecord({ app: incidents, id: b.id })).record;
  assert.equal(rb.facility_name.value, "つばき荘", "kintone's behaviour without the option");
  const h = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${kept}&id=${a.id}` });
  assert.equal(h.json.history[0].action, "LOOKUP");
  // a changed key follows too
  await c.record.updateRecord({ app: registry, id: src.$id.value, record: { code: { value: "F003-2" } } });
  const ra2 = (await c.record.getRecord({ app: kept, id: a.id })).record;
  assert.equal(ra2.facility.value, "F003-2");
});

test("related records: settings round trip, Rel.Field queries, GAIA_IR02", async () => {
  await c.app.addFormFields({ app: registry, properties: {
    reports: { type: "REFERENCE_TABLE", code: "reports", label: "事故報告", noLabel: false, referenceTable: {
      relatedApp: { app: String(incidents) }, condition: { field: "code", relatedField: "facility" },
      filterCond: 'severity in ("高", "低")', displayFields: ["title", "severity"], sort: "$id desc", size: 5,
    } },
  } });
  await c.app.deployApp({ apps: [{ app: registry }] });
  const s = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${registry}` });
  assert.equal(s.json.apps[0].status, "SUCCESS", JSON.stringify(s.json));
  const { properties } = await c.app.getFormFields({ app: registry });
  assert.equal(properties.reports.referenceTable.size, "5");
  assert.equal(properties.reports.referenceTable.relatedApp.app, String(incidents));
  const { record } = await c.record.getRecord({ app: registry, id: 1 });
  assert.equal(record.reports, undefined, "related records hold no data");

  await c.record.addRecords({ app: incidents, records: [
    { facility: { value: "F001" }, title: { value: "誤薬" }, severity: { value: "高" } },
    { facility: { value: "F002" }, title: { value: "転倒" }, severity: { value: "低" } },
    { facility: { value: "F002" }, title: { value: "無断外出" } },
  ] });
  const codes = async (query) =>
    (await c.record.getRecords({ app: registry, query: query + " order by code asc" })).records.map((r) => r.code.value).join(",");
  assert.equal(await codes('reports.severity in ("高")'), "F001");
  assert.equal(await codes('reports.title like "転倒"'), "F002");
  assert.equal(await codes('reports.title like "無断"'), "", "the related list's own filter applies");
  assert.equal(await codes('reports.title like "誤薬" or code = "F003-2"'), "F001,F003-2");
  await rejects(c.record.getRecords({ app: registry, query: 'name.x = "a"' }), "GAIA_IR02", 400);
  await rejects(c.record.getRecords({ app: registry, query: 'reports.nothing = "a"' }), "GAIA_IQ11", 400);
});
