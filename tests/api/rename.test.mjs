// Renaming a login keeps the person: their rights, their records, the people
// fields and comments that name them move with them, and someone given the
// old login afterwards inherits none of it (issue 11).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, makeApp } from "./helpers/server.mjs";

const PASSWORD = "rename-pass-1";
let server, admin, app, rec;

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "dave", name: "Dave", password: PASSWORD }] } });
  app = await makeApp(admin, "担当表", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    who: { type: "USER_SELECT", code: "who", label: "担当" },
    memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "メモ" },
  });
  // dave alone may view and edit; his records are his; only he sees memo
  await admin.app.updateAppAcl({ app, rights: [
    { entity: { type: "USER", code: "dave" }, recordViewable: true, recordEditable: true, recordAddable: true },
    { entity: { type: "USER", code: "Administrator" }, recordViewable: true, appEditable: true, recordAddable: true, recordEditable: true }] });
  await admin.app.updateRecordAcl({ app, rights: [{ filterCond: "", entities: [
    { entity: { type: "CREATOR" }, viewable: true, editable: true, deletable: false },
    { entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.updateFieldAcl({ app, rights: [{ code: "memo", entities: [
    { entity: { type: "USER", code: "dave" }, accessibility: "WRITE" }, { entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const dave = client(server, { username: "dave", password: PASSWORD });
  rec = (await dave.record.addRecord({ app, record: { title: { value: "daveの件" }, who: { value: [{ code: "dave" }] }, memo: { value: "秘密" } } })).id;
  await dave.record.addRecordComment({ app, record: rec, comment: { text: "daveのコメント" } });
});
after(() => server.stop());

test("dave renamed to david keeps every right and every record; a new dave inherits nothing", async () => {
  const r = await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "dave", newCode: "david" }] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const david = client(server, { username: "david", password: PASSWORD });
  const { record } = await david.record.getRecord({ app, id: rec });
  assert.equal(record.Created_by.value.code, "david");
  assert.deepEqual(record.who.value.map((u) => u.code), ["david"]);
  assert.equal(record.memo.value, "秘密", "field rights followed him");
  await david.record.updateRecord({ app, id: rec, record: { title: { value: "davidの件" } } });
  const found = await admin.record.getRecords({ app, query: 'who in ("david") and Created_by in ("david")' });
  assert.equal(found.records.length, 1);
  const { comments } = await david.record.getRecordComments({ app, record: rec });
  assert.equal(comments[0].creator.code, "david");
  const acl = await admin.app.getAppAcl({ app });
  assert.ok(acl.rights.some((e) => e.entity.code === "david"));
  assert.ok(!acl.rights.some((e) => e.entity.code === "dave"));

  // a new person given the old login: no right, no record, no field
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "dave", name: "New Dave", password: PASSWORD }] } });
  const newDave = await raw(server, "GET", "/k/v1/record.json", { query: `app=${app}&id=${rec}`, headers: basic("dave", PASSWORD) });
  assert.equal(newDave.status, 403);
  assert.equal((await admin.record.getRecords({ app, query: 'Created_by in ("dave") or who in ("dave")' })).records.length, 0);
});

test("a rename is refused while the login is written in a condition, saying where", async () => {
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "boss", name: "Boss", password: PASSWORD }] } });
  const guarded = await makeApp(admin, "評価", { owner: { type: "USER_SELECT", code: "owner", label: "対象" }, note: { type: "SINGLE_LINE_TEXT", code: "note", label: "評価" } });
  await admin.app.updateRecordAcl({ app: guarded, rights: [{ filterCond: 'owner in ("boss")', entities: [
    { entity: { type: "USER", code: "boss" }, viewable: true, editable: true, deletable: false }] }] });
  await admin.app.deployApp({ apps: [{ app: guarded }] });
  const r = await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "boss", newCode: "boss2" }] } });
  assert.equal(r.status, 400);
  assert.match(JSON.stringify(r.json.errors), new RegExp(`app ${guarded}`));
  assert.equal((await raw(server, "GET", "/v1/users.json", { query: "codes[0]=boss" })).json.users.length, 1, "nothing renamed");
});

test("tokens write as the first administrator by id: renaming it keeps them working, a new 'Administrator' is not them", async () => {
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view", "add"] } })).json;
  const r = await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "Administrator", newCode: "root" }] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const { ADMIN_PASSWORD } = await import("./helpers/server.mjs");
  await raw(server, "POST", "/v1/users.json", { headers: basic("root", ADMIN_PASSWORD), body: { users: [{ code: "Administrator", name: "impostor", password: PASSWORD }] } });
  const t = client(server, { apiToken: token });
  const { id } = await t.record.addRecord({ app, record: { title: { value: "by token" } } });
  const { record } = await t.record.getRecord({ app, id });
  assert.equal(record.Created_by.value.code, "root");
});
