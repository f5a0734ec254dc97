// Lookups and related records reach into another app under the rights there:
// a deploy cannot learn of an app (or its fields) the deployer may not view,
// and autoRefresh copies only what the target record's last saver could.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp } from "./helpers/server.mjs";

const PASSWORD = "lookup-rights-1";
let server, admin, secret, registry;

async function deploy(c, app) {
  await c.app.deployApp({ apps: [{ app }] });
  const st = await c.app.getDeployStatus({ apps: [app] });
  return st.apps[0].status;
}

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [
    { code: "builder", name: "builder", password: PASSWORD }, { code: "clerk", name: "clerk", password: PASSWORD }] } });
  secret = await makeApp(admin, "人事台帳", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true }, pay: { type: "NUMBER", code: "pay", label: "給与" } });
  await admin.app.updateAppAcl({ app: secret, rights: [{ entity: { type: "USER", code: "Administrator" }, recordViewable: true, appEditable: true }] });
  await deploy(admin, secret);
  registry = await makeApp(admin, "施設台帳", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名称" },
    note: { type: "SINGLE_LINE_TEXT", code: "note", label: "内部メモ" } });
  // clerk sees the registry but not its internal note
  await admin.app.updateFieldAcl({ app: registry, rights: [{ code: "note", entities: [
    { entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }] }] });
  await deploy(admin, registry);
  await admin.record.addRecord({ app: registry, record: { code: { value: "F1" }, name: { value: "ひまわり苑" }, note: { value: "内部の話" } } });
});
after(() => server.stop());

test("a deploy says the same of an app the deployer may not view as of one that does not exist", async () => {
  const builder = client(server, { username: "builder", password: PASSWORD });
  const messages = [];
  for (const [app, key] of [[secret, "code"], [secret, "no_such_field"], [99999, "code"]]) {
    const { app: mine } = await builder.app.addApp({ name: "mine" });
    await builder.app.addFormFields({ app: mine, properties: {
      k: { type: "SINGLE_LINE_TEXT", code: "k", label: "キー", lookup: { relatedApp: { app: String(app) }, relatedKeyField: key, fieldMappings: [], lookupPickerFields: [], filterCond: "", sort: "" } } } });
    assert.equal(await deploy(builder, mine), "FAIL");
    const st = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${mine}` });
    messages.push(st.json.apps[0].message.replace(String(app), "N"));
  }
  assert.equal(messages[0], messages[1], "whether the field exists is not told");
  assert.equal(messages[0], messages[2], "nor whether the app exists");
});

test("autoRefresh copies only what the target record's last saver could see", async () => {
  const reports = await makeApp(admin, "報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "番号", lookup: { relatedApp: { app: String(registry) }, relatedKeyField: "code",
      fieldMappings: [{ field: "fname", relatedField: "name" }, { field: "fnote", relatedField: "note" }], lookupPickerFields: [], filterCond: "", sort: "", autoRefresh: true } },
    fname: { type: "SINGLE_LINE_TEXT", code: "fname", label: "名称" },
    fnote: { type: "SINGLE_LINE_TEXT", code: "fnote", label: "メモ" } });
  const clerk = client(server, { username: "clerk", password: PASSWORD });
  const { id } = await clerk.record.addRecord({ app: reports, record: { facility: { value: "F1" } } });
  let r = (await admin.record.getRecord({ app: reports, id })).record;
  assert.deepEqual([r.fname.value, r.fnote.value], ["ひまわり苑", ""], "at save time clerk copies no note");
  // the administrator changes the source: the copy follows clerk's rights, not theirs
  await admin.record.updateRecord({ app: registry, updateKey: { field: "code", value: "F1" }, record: { name: { value: "ひまわり苑 本館" }, note: { value: "もっと内部の話" } } });
  r = (await admin.record.getRecord({ app: reports, id })).record;
  assert.deepEqual([r.fname.value, r.fnote.value], ["ひまわり苑 本館", ""]);
  assert.equal(r.Updated_by.value.code, "clerk", "the copy is still clerk's");
  // naming someone else as the modifier when adding changes nothing: the history says who saved it
  const forged = (await clerk.record.addRecord({ app: reports, record: { facility: { value: "F1" }, Updated_by: { value: { code: "Administrator" } } } })).id;
  await admin.record.updateRecord({ app: registry, updateKey: { field: "code", value: "F1" }, record: { note: { value: "さらに内部の話" } } });
  r = (await admin.record.getRecord({ app: reports, id: forged })).record;
  assert.equal(r.fnote.value, "");
});

test("a related-records list whose own filter tests a field the caller may not see cannot be queried (no oracle on it)", async () => {
  // clerk sees the registry but not its note; clerk builds an app whose related list filters on note
  const clerk = client(server, { username: "clerk", password: PASSWORD });
  const { app: mine } = await clerk.app.addApp({ name: "のぞき見" });
  await clerk.app.addFormFields({ app: mine, properties: {
    k: { type: "SINGLE_LINE_TEXT", code: "k", label: "k" },
    rel: { type: "REFERENCE_TABLE", code: "rel", label: "rel", referenceTable: { relatedApp: { app: String(registry) },
      condition: { field: "k", relatedField: "code" }, filterCond: 'note like "内部"', displayFields: ["name"], sort: "", size: 5 } } } });
  await clerk.app.deployApp({ apps: [{ app: mine }] });
  await clerk.record.addRecord({ app: mine, record: { k: { value: "F1" } } });
  for (const q of ['rel.name like "ひまわり"', 'rel.code = "F1"']) {
    const r = await raw(server, "GET", "/k/v1/records.json", { query: `app=${mine}&query=${encodeURIComponent(q)}`, headers: { ...(await import("./helpers/server.mjs")).basic("clerk", PASSWORD) } });
    assert.equal(r.status, 400, q);
    assert.equal(r.json.code, "GAIA_IQ11", q);
  }
});

test("a lookup that copies into rich text keeps only formatting", async () => {
  const src = await makeApp(admin, "コピー元", { code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true }, html: { type: "SINGLE_LINE_TEXT", code: "html", label: "html" } });
  await admin.record.addRecord({ app: src, record: { code: { value: "H1" }, html: { value: '<b>太字</b><img src=x onerror="alert(1)">' } } });
  const dst = await makeApp(admin, "コピー先", {
    k: { type: "SINGLE_LINE_TEXT", code: "k", label: "k", lookup: { relatedApp: { app: String(src) }, relatedKeyField: "code",
      fieldMappings: [{ field: "rich", relatedField: "html" }], lookupPickerFields: [], filterCond: "", sort: "" } },
    rich: { type: "RICH_TEXT", code: "rich", label: "rich" } });
  const { id } = await admin.record.addRecord({ app: dst, record: { k: { value: "H1" } } });
  assert.equal((await admin.record.getRecord({ app: dst, id })).record.rich.value, '<b>太字</b><img src="x">');
});
