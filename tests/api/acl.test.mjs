// App access rights (app/acl.json): the first matching entry decides — a
// user, a department with those below it, a group, everyone, the creator.
// Every endpoint that touches the app's records or settings enforces them,
// and what a caller may not see does not leave the server (lists, counts,
// exports, files, the app list).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, rejects, makeApp } from "./helpers/server.mjs";

let server, admin, app, fileKey;
const PASSWORD = "member-password-1";
const as = (code) => client(server, { username: code, password: PASSWORD });
const rawAs = (code, method, path, opts = {}) => raw(server, method, path, { ...opts, headers: { ...basic(code, PASSWORD), ...(opts.headers ?? {}) } });

before(async () => {
  server = await startServer();
  admin = client(server);
  const post = (path, body) => raw(server, "POST", path, { body });
  await post("/v1/organizations.json", { organizations: [
    { code: "welfare", name: "福祉局" }, { code: "audit", name: "監査指導課", parentCode: "welfare" }, { code: "other", name: "他局" },
  ] });
  await post("/v1/groups.json", { groups: [{ code: "chiefs", name: "課長" }] });
  await post("/v1/users.json", { users: ["tanaka", "suzuki", "sato", "kato"].map((code) => ({ code, name: code, password: PASSWORD })) });
  await raw(server, "PUT", "/v1/userOrganizations.json", { body: { userOrganizations: [
    { code: "tanaka", organizations: ["audit"] }, { code: "suzuki", organizations: ["audit"] }, { code: "sato", organizations: ["other"] },
  ] } });
  await raw(server, "PUT", "/v1/userGroups.json", { body: { userGroups: [{ code: "kato", groups: ["chiefs"] }] } });
  app = await makeApp(admin, "指導記録", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    doc: { type: "FILE", code: "doc", label: "資料" },
  });
  const up = await admin.file.uploadFile({ file: { name: "memo.txt", data: "secret" } });
  await admin.record.addRecord({ app, record: { title: { value: "一件目" }, doc: { value: [{ fileKey: up.fileKey }] } } });
  fileKey = (await admin.record.getRecords({ app })).records[0].doc.value[0].fileKey;
  const put = await raw(server, "PUT", "/k/v1/preview/app/acl.json", { body: { app, rights: [
    { entity: { type: "USER", code: "suzuki" }, recordViewable: true, recordAddable: true },
    { entity: { type: "ORGANIZATION", code: "welfare" }, includeSubs: true, recordViewable: true, recordExportable: true },
    { entity: { type: "GROUP", code: "chiefs" }, recordViewable: true, recordEditable: true, recordDeletable: true, appEditable: true },
    { entity: { type: "GROUP", code: "everyone" } },
  ] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.app.deployApp({ apps: [{ app }] });
});
after(() => server.stop());

test("the rights round-trip; unknown people and kinds are refused", async () => {
  const { rights } = await admin.app.getAppAcl({ app });
  assert.equal(rights.length, 4);
  assert.deepEqual(rights[1].entity, { type: "ORGANIZATION", code: "welfare" });
  assert.equal(rights[1].includeSubs, true);
  assert.equal(rights[0].recordEditable, false);
  const bad = await raw(server, "PUT", "/k/v1/preview/app/acl.json", { body: { app, rights: [
    { entity: { type: "USER", code: "nobody" } }, { entity: { type: "ROBOT", code: "x" } },
  ] } });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json.errors).sort(), ["rights[0].entity.code", "rights[1].entity.type"]);
});

test("the first matching entry decides, for every endpoint", async () => {
  // suzuki (named) may view and add, not edit or delete
  assert.equal((await as("suzuki").record.getRecords({ app })).records.length, 1);
  const { id } = await as("suzuki").record.addRecord({ app, record: { title: { value: "鈴木" } } });
  await rejects(as("suzuki").record.updateRecord({ app, id, record: { title: { value: "x" } } }), "CB_NO02", 403);
  await rejects(as("suzuki").record.deleteRecords({ app, ids: [id] }), "CB_NO02", 403);
  // tanaka is in a department below welfare: view and export only
  assert.equal((await as("tanaka").record.getRecords({ app })).records.length, 2);
  await rejects(as("tanaka").record.addRecord({ app, record: {} }), "CB_NO02", 403);
  assert.equal((await rawAs("tanaka", "GET", "/api/export.csv", { query: `app=${app}` })).status, 200);
  // suzuki matched first as a user: the department's export right is not theirs
  assert.equal((await rawAs("suzuki", "GET", "/api/export.csv", { query: `app=${app}` })).status, 403);
  // kato (chiefs) may edit, delete and change the app
  await as("kato").record.updateRecord({ app, id, record: { title: { value: "加藤が直した" } } });
  const fields = await rawAs("kato", "POST", "/k/v1/preview/app/form/fields.json", { body: { app, properties: { memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "メモ" } } } });
  assert.equal(fields.status, 200);
  await as("kato").record.deleteRecords({ app, ids: [id] });
});

test("someone with no rights sees nothing of the app: records, counts, files, exports, the app list", async () => {
  const sato = as("sato");
  await rejects(sato.record.getRecords({ app, totalCount: true }), "CB_NO02", 403);
  await rejects(sato.record.getRecord({ app, id: 1 }), "CB_NO02", 403);
  await rejects(sato.record.createCursor({ app }), "CB_NO02", 403);
  await rejects(sato.app.getFormFields({ app }), "CB_NO02", 403);
  await rejects(sato.record.getRecordComments({ app, record: 1 }), "CB_NO02", 403);
  for (const [path, query] of [["/k/v1/file.json", `fileKey=${fileKey}`], ["/api/export.csv", `app=${app}`], ["/api/thumbnail", `fileKey=${fileKey}`]])
    assert.equal((await rawAs("sato", "GET", path, { query })).status, 403, path);
  const { apps } = await sato.app.getApps({});
  assert.ok(!apps.some((a) => a.appId === String(app)), "the app is not listed");
  assert.ok((await admin.app.getApps({})).apps.some((a) => a.appId === String(app)), "administrators see every app");
  // settings need the app right: suzuki may view records but not change the app
  const r = await rawAs("suzuki", "POST", "/k/v1/preview/app/form/fields.json", { body: { app, properties: { x: { type: "NUMBER", code: "x", label: "x" } } } });
  assert.equal(r.status, 403);
});

test("a new app: its creator manages it, everyone works with its records; tokens keep their own rights", async () => {
  const tanaka = as("tanaka");
  const mine = await makeApp(tanaka, "田中のアプリ", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await as("sato").record.addRecord({ app: mine, record: { t: { value: "佐藤" } } });
  const r = await rawAs("sato", "PUT", "/k/v1/preview/app/settings.json", { body: { app: mine, name: "乗っ取り" } });
  assert.equal(r.status, 403);
  const tok = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } });
  const viaToken = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}`, headers: { "X-Cybozu-API-Token": tok.json.token, "X-Cybozu-Authorization": "" } });
  assert.equal(viaToken.status, 200);
});

test("record rights: the first rule whose filter a record meets decides; what may not be seen is never listed or counted", async () => {
  const app2 = await makeApp(admin, "相談記録", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    dept: { type: "DROP_DOWN", code: "dept", label: "担当", options: { audit: { label: "audit", index: 0 }, care: { label: "care", index: 1 } } },
  });
  const put = await raw(server, "PUT", "/k/v1/preview/record/acl.json", { body: { app: app2, rights: [
    { filterCond: 'dept in ("care")', entities: [
      { entity: { type: "ORGANIZATION", code: "welfare" }, includeSubs: true, viewable: true },
    ] },
    { filterCond: "", entities: [
      { entity: { type: "CREATOR" }, viewable: true, editable: true, deletable: true },
      { entity: { type: "ORGANIZATION", code: "audit" }, viewable: true },
    ] },
  ] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.app.deployApp({ apps: [{ app: app2 }] });
  const { ids: [a, b] } = await admin.record.addRecords({ app: app2, records: [
    { title: { value: "A 介護" }, dept: { value: "care" } }, { title: { value: "B 監査" }, dept: { value: "audit" } },
  ] });
  const { id: c } = await as("suzuki").record.addRecord({ app: app2, record: { title: { value: "C 鈴木" }, dept: { value: "audit" } } });
  const titles = async (who) => (await as(who).record.getRecords({ app: app2, query: "order by $id asc", totalCount: true }));
  let r = await titles("tanaka");
  assert.deepEqual(r.records.map((x) => x.title.value), ["A 介護", "B 監査", "C 鈴木"]);
  r = await titles("sato");
  assert.deepEqual(r.records, []);
  assert.equal(r.totalCount, "0", "counts leak nothing");
  await rejects(as("sato").record.getRecord({ app: app2, id: a }), "CB_NO02", 403);
  const cur = await as("sato").record.getAllRecordsWithCursor({ app: app2 });
  assert.equal(cur.length, 0);
  const exp = await rawAs("sato", "GET", "/api/export.csv", { query: `app=${app2}` });
  assert.equal(exp.status, 200);
  // editing: only the creator, under the second rule
  await rejects(as("tanaka").record.updateRecord({ app: app2, id: a, record: { title: { value: "x" } } }), "CB_NO02", 403);
  await rejects(as("suzuki").record.updateRecord({ app: app2, id: b, record: { title: { value: "x" } } }), "CB_NO02", 403);
  await as("suzuki").record.updateRecord({ app: app2, id: c, record: { title: { value: "C 鈴木 (直し)" } } });
  const ev = (await rawAs("tanaka", "GET", "/k/v1/records/acl/evaluate.json", { query: `app=${app2}&ids[0]=${a}&ids[1]=${c}` })).json;
  assert.deepEqual(ev.rights.map((x) => [x.id, x.record.viewable, x.record.editable]), [[String(a), true, false], [String(c), true, false]]);
  await rejects(as("tanaka").record.deleteRecords({ app: app2, ids: [c] }), "CB_NO02", 403);
  await as("suzuki").record.deleteRecords({ app: app2, ids: [c] });
  const rights = (await admin.app.getRecordAcl({ app: app2 })).rights;
  assert.equal(rights[0].filterCond, 'dept in ("care")');
  assert.equal(rights[1].entities[0].entity.type, "CREATOR");
  const bad = await raw(server, "PUT", "/k/v1/preview/record/acl.json", { body: { app: app2, rights: [{ filterCond: "nope = 1", entities: [] }] } });
  assert.equal(bad.status, 400);
});

test("record rights by a field of the record: the person in charge, the department in charge (and those below)", async () => {
  const app3 = await makeApp(admin, "案件", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    owner: { type: "USER_SELECT", code: "owner", label: "担当者" },
    section: { type: "ORGANIZATION_SELECT", code: "section", label: "担当部署" },
  });
  await admin.app.updateRecordAcl({ app: app3, rights: [{ filterCond: "", entities: [
    { entity: { type: "FIELD_ENTITY", code: "owner" }, viewable: true, editable: true },
    { entity: { type: "FIELD_ENTITY", code: "section" }, includeSubs: true, viewable: true },
  ] }] });
  await admin.app.deployApp({ apps: [{ app: app3 }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app3] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  await admin.record.addRecords({ app: app3, records: [
    { title: { value: "佐藤の案件" }, owner: { value: [{ code: "sato" }] } },
    { title: { value: "福祉局の案件" }, section: { value: [{ code: "welfare" }] } },
    { title: { value: "他局の案件" }, section: { value: [{ code: "other" }] } },
  ] });
  const seen = async (who) => (await as(who).record.getRecords({ app: app3, query: "order by $id asc", totalCount: true }));
  let r = await seen("sato");
  assert.deepEqual(r.records.map((x) => x.title.value), ["佐藤の案件", "他局の案件"], "his own, and his department's");
  r = await seen("tanaka"); // in 監査指導課, below 福祉局
  assert.deepEqual(r.records.map((x) => x.title.value), ["福祉局の案件"]);
  assert.equal(r.totalCount, "1");
  assert.deepEqual((await seen("kato")).records, []);
  const mine = r.records[0].$id.value;
  await rejects(as("tanaka").record.updateRecord({ app: app3, id: mine, record: { title: { value: "x" } } }), "CB_NO02", 403);
  const bad = await raw(server, "PUT", "/k/v1/preview/record/acl.json", { body: { app: app3, rights: [{ filterCond: "", entities: [{ entity: { type: "FIELD_ENTITY", code: "title" }, viewable: true }] }] } });
  assert.equal(bad.status, 400, "a text field names nobody");
});

test("field rights: a field one may not see is left out everywhere; one one may only read cannot be written", async () => {
  const app3 = await makeApp(admin, "指導記録 (所見)", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    finding: { type: "MULTI_LINE_TEXT", code: "finding", label: "所見" },
    score: { type: "NUMBER", code: "score", label: "評点" },
  });
  const put = await raw(server, "PUT", "/k/v1/preview/field/acl.json", { body: { app: app3, rights: [
    { code: "finding", entities: [{ entity: { type: "ORGANIZATION", code: "audit" }, accessibility: "WRITE" }] },
    { code: "score", entities: [{ entity: { type: "USER", code: "tanaka" }, accessibility: "WRITE" }, { entity: { type: "GROUP", code: "everyone" }, accessibility: "READ" }] },
  ] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.app.deployApp({ apps: [{ app: app3 }] });
  const { id } = await admin.record.addRecord({ app: app3, record: { title: { value: "訪問" }, finding: { value: "改善が必要" }, score: { value: "3" } } });
  // sato (another bureau): no finding, may read the score
  const { record } = await as("sato").record.getRecord({ app: app3, id });
  assert.equal(record.finding, undefined);
  assert.equal(record.score.value, "3");
  const list = await as("sato").record.getRecords({ app: app3 });
  assert.equal(list.records[0].finding, undefined);
  await rejects(as("sato").record.getRecords({ app: app3, query: 'finding like "改善"' }), "GAIA_IQ11", 400);
  await rejects(as("sato").record.updateRecord({ app: app3, id, record: { score: { value: "5" } } }), "GAIA_FU01", 403);
  const csv = await (await rawAs("sato", "GET", "/api/export.csv", { query: `app=${app3}&fields[0]=title&fields[1]=finding&fields[2]=score` })).status;
  assert.equal(csv, 200);
  const text = await (await fetch(`${server.base}/api/export.csv?app=${app3}`, { headers: basic("sato", PASSWORD) })).text();
  assert.ok(!text.includes("改善"), "the export leaves the field out");
  // tanaka (audit) sees and writes both
  await as("tanaka").record.updateRecord({ app: app3, id, record: { finding: { value: "改善済み" }, score: { value: "5" } } });
  const ev = (await rawAs("sato", "GET", "/k/v1/records/acl/evaluate.json", { query: `app=${app3}&ids[0]=${id}` })).json;
  assert.deepEqual(ev.rights[0].fields.finding, { viewable: false, editable: false });
  assert.deepEqual(ev.rights[0].fields.score, { viewable: true, editable: false });
  assert.deepEqual(ev.rights[0].fields.title, { viewable: true, editable: true });
  assert.equal((await admin.app.getFieldAcl({ app: app3 })).rights.length, 2);
});

test("who may create apps: everyone until the administrators name departments, groups or people", async () => {
  const create = (who) => rawAs(who, "POST", "/k/v1/preview/app.json", { body: { name: `${who}のアプリ` } });
  assert.equal((await create("sato")).status, 200);
  let r = await raw(server, "PUT", "/api/system/app-creators", { body: { entities: [
    { entity: { type: "ORGANIZATION", code: "welfare" }, includeSubs: true }, { entity: { type: "USER", code: "kato" } },
  ] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal((await create("sato")).status, 403);
  assert.equal((await create("tanaka")).status, 200, "a department below welfare");
  assert.equal((await create("kato")).status, 200);
  assert.equal((await raw(server, "POST", "/k/v1/preview/app.json", { body: { name: "admin" } })).status, 200);
  r = await raw(server, "GET", "/api/system/app-creators");
  assert.equal(r.json.entities.length, 2);
  assert.equal((await rawAs("kato", "PUT", "/api/system/app-creators", { body: { entities: [] } })).status, 403);
  assert.equal((await raw(server, "PUT", "/api/system/app-creators", { body: { entities: [{ entity: { type: "USER", code: "ghost" } }] } })).status, 400);
  await raw(server, "PUT", "/api/system/app-creators", { body: { entities: [] } });
  assert.equal((await create("sato")).status, 200, "an empty list: everyone again");
});
