// API tokens under the one policy (issue 11): only an app's managers make,
// list and revoke its tokens; a token's work is audited under the token; a
// token lapses with its creator's rights; a token reaches another app only
// with that app's token too (lookups, Rel. conditions), as kintone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, rejects, makeApp } from "./helpers/server.mjs";

const PASSWORD = "token-password-1";
let server, admin, registry, reports, secretApp;

async function deploy(app) {
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
}

async function mint(user, app, permissions = ["view", "add", "edit"]) {
  return raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions }, headers: basic(user, PASSWORD) });
}

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: ["mgr", "clerk", "leaver"].map((code) => ({ code, name: code, password: PASSWORD })) } });
  registry = await makeApp(admin, "施設台帳", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true, required: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名称" },
  });
  await admin.record.addRecords({ app: registry, records: [{ code: { value: "F001" }, name: { value: "ひまわり苑" } }] });
  reports = await makeApp(admin, "報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "番号", lookup: {
      relatedApp: { app: String(registry) }, relatedKeyField: "code",
      fieldMappings: [{ field: "facility_name", relatedField: "name" }], lookupPickerFields: ["code"], filterCond: "", sort: "code asc" } },
    facility_name: { type: "SINGLE_LINE_TEXT", code: "facility_name", label: "名称" },
  });
  secretApp = await makeApp(admin, "人事", { note: { type: "SINGLE_LINE_TEXT", code: "note", label: "メモ" } });
  // mgr and leaver manage the reports app, clerk may only use its records
  await admin.app.updateAppAcl({ app: reports, rights: [
    { entity: { type: "USER", code: "mgr" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true },
    { entity: { type: "USER", code: "leaver" }, appEditable: true, recordViewable: true },
    { entity: { type: "USER", code: "clerk" }, recordViewable: true, recordAddable: true },
  ] });
  await deploy(reports);
  await admin.app.updateAppAcl({ app: secretApp, rights: [{ entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true }] });
  await deploy(secretApp);
});
after(() => server.stop());

test("only the app's managers list, make and revoke its tokens", async () => {
  for (const [method, body] of [["GET", null], ["POST", { permissions: ["view", "manage"] }], ["DELETE", { id: 1 }]]) {
    const r = method === "GET"
      ? await raw(server, "GET", "/k/v1/app/apiTokens.json", { query: `app=${reports}`, headers: basic("clerk", PASSWORD) })
      : await raw(server, method, "/k/v1/app/apiTokens.json", { body: { app: reports, ...body }, headers: basic("clerk", PASSWORD) });
    assert.equal(r.status, 403, method);
    assert.equal(r.json.code, "CB_NO02");
  }
  const none = await mint("clerk", secretApp, ["view"]);
  assert.equal(none.status, 403, "nobody mints a token for an app they cannot even see");
  const made = await mint("mgr", reports);
  assert.equal(made.status, 200);
  const list = await raw(server, "GET", "/k/v1/app/apiTokens.json", { query: `app=${reports}`, headers: basic("mgr", PASSWORD) });
  assert.equal(list.json.tokens.at(-1).creator, "mgr");
  // a token cannot make tokens, even with manage
  const t = (await mint("mgr", reports, ["view", "manage"])).json.token;
  const byToken = await fetch(`${server.base}/k/v1/app/apiTokens.json`, { method: "POST",
    headers: { "X-Cybozu-API-Token": t, "Content-Type": "application/json" }, body: JSON.stringify({ app: reports, permissions: ["view"] }) });
  assert.equal(byToken.status, 403);
  assert.equal((await byToken.json()).code, "CB_NO02");
});

test("a token's work is in the audit log under the token and its maker, records still name Administrator", async () => {
  const made = (await mint("mgr", reports, ["view", "add", "delete"])).json;
  const t = client(server, { apiToken: made.token });
  const { id } = await t.record.addRecord({ app: reports, record: {} });
  const { record } = await t.record.getRecord({ app: reports, id });
  assert.equal(record.Created_by.value.code, "Administrator");
  await t.record.deleteRecords({ app: reports, ids: [id] });
  const log = await raw(server, "GET", "/api/audit", { query: "limit=20" });
  const entry = log.json.entries.find((e) => e.action === "records.delete");
  assert.ok(entry, JSON.stringify(log.json.entries.slice(0, 3)));
  assert.equal(entry.user, `API token ${made.id} of mgr`);
});

test("a token lapses when its maker is deactivated or no longer manages the app", async () => {
  const byLeaver = (await mint("leaver", reports, ["view"])).json.token;
  const byMgr = (await mint("mgr", reports, ["view"])).json.token;
  await client(server, { apiToken: byLeaver }).record.getRecords({ app: reports });
  await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "leaver", valid: false }] } });
  await rejects(client(server, { apiToken: byLeaver }).record.getRecords({ app: reports }), "CB_WA01", 401);
  await client(server, { apiToken: byMgr }).record.getRecords({ app: reports });
  // mgr keeps viewing but no longer manages: their token stops
  await admin.app.updateAppAcl({ app: reports, rights: [
    { entity: { type: "USER", code: "mgr" }, recordViewable: true },
    { entity: { type: "USER", code: "clerk" }, recordViewable: true, recordAddable: true },
  ] });
  await deploy(reports);
  await rejects(client(server, { apiToken: byMgr }).record.getRecords({ app: reports }), "CB_WA01", 401);
  // an administrator's tokens hold whatever the list says
  const byAdmin = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: reports, permissions: ["view"] } })).json.token;
  await client(server, { apiToken: byAdmin }).record.getRecords({ app: reports });
});

test("a token reaches another app only with that app's token: lookups and Rel. conditions", async () => {
  const mine = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: reports, permissions: ["view", "add"] } })).json.token;
  const theirs = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: registry, permissions: ["view"] } })).json.token;
  // without the source app's token its records are not there
  await rejects(client(server, { apiToken: mine }).record.addRecord({ app: reports, record: { facility: { value: "F001" } } }), "GAIA_LO04", 400);
  const both = client(server, { apiToken: [mine, theirs] });
  const { id } = await both.record.addRecord({ app: reports, record: { facility: { value: "F001" } } });
  const { record } = await both.record.getRecord({ app: reports, id });
  assert.equal(record.facility_name.value, "ひまわり苑");
  // Rel. conditions: the related app is as if it did not exist without its token
  await admin.app.addFormFields({ app: registry, properties: { reps: { type: "REFERENCE_TABLE", code: "reps", label: "報告", referenceTable: {
    relatedApp: { app: String(reports) }, condition: { field: "code", relatedField: "facility" }, filterCond: "", displayFields: ["facility"], sort: "$id desc", size: 5 } } } });
  await deploy(registry);
  const regOnly = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: registry, permissions: ["view"] } })).json.token;
  await rejects(client(server, { apiToken: regOnly }).record.getRecords({ app: registry, query: 'reps.facility = "F001"' }), "GAIA_IQ11", 400);
  const r = await client(server, { apiToken: [regOnly, mine] }).record.getRecords({ app: registry, query: 'reps.facility = "F001"' });
  assert.equal(r.records.length, 1);
});

test("evaluate.json tells nothing to someone without the view right", async () => {
  const r = await raw(server, "GET", "/k/v1/records/acl/evaluate.json", { query: `app=${secretApp}&ids[0]=1`, headers: basic("clerk", PASSWORD) });
  assert.equal(r.status, 403);
  assert.equal(r.json.code, "CB_NO02");
  assert.equal(JSON.stringify(r.json).includes("note"), false);
});

test("a token is not an administrator: it cannot delete a person's comment", async () => {
  const clerk = client(server, { username: "clerk", password: PASSWORD });
  const { id: rec } = await admin.record.addRecord({ app: reports, record: {} });
  const { id: cid } = await clerk.record.addRecordComment({ app: reports, record: rec, comment: { text: "clerk の意見" } });
  const token = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: reports, permissions: ["view"] } })).json.token;
  await rejects(client(server, { apiToken: token }).record.deleteRecordComment({ app: reports, record: rec, comment: cid }), "CB_NO02", 403);
  // an administrator (a person) may
  await admin.record.deleteRecordComment({ app: reports, record: rec, comment: cid });
});
