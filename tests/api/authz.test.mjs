// The authorization matrix: for every group of endpoints that touch an app,
// a user who holds exactly the right it needs succeeds, and one who lacks it
// gets 403 CB_NO02 and nothing of the records (no values, no counts) in the
// answer. Each user below has the app's view right plus one other (or, for
// "none", nothing at all); administrators hold every right.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, makeApp } from "./helpers/server.mjs";

const PASSWORD = "matrix-password-1";
const SECRET = "極秘の監査メモ";
let server, admin, app, rec, fileKey;
const USERS = {
  none: [], view: ["recordViewable"], add: ["recordViewable", "recordAddable"], edit: ["recordViewable", "recordEditable"],
  del: ["recordViewable", "recordDeletable"], imp: ["recordViewable", "recordAddable", "recordImportable"],
  exp: ["recordViewable", "recordExportable"], manage: ["recordViewable", "appEditable"],
};

async function call(user, method, path, { body, query, type } = {}) {
  const headers = { ...basic(user, user === "Administrator" ? undefined : PASSWORD) };
  let payload;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    headers["Content-Type"] = type ?? "application/json";
  }
  const res = await fetch(`${server.base}${path}${query ? "?" + query : ""}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

// endpoint group → the users that may call it, and the call
const MATRIX = [
  ["get a record", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/record.json", { query: `app=${app}&id=${rec}` })],
  ["list and count records", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/records.json", { query: `app=${app}&totalCount=true&query=${encodeURIComponent('title like "監査"')}` })],
  ["open a cursor", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "POST", "/k/v1/records/cursor.json", { body: { app } })],
  ["read comments", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/record/comments.json", { query: `app=${app}&record=${rec}` })],
  ["read history", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${rec}` })],
  ["download an attachment", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/file.json", { query: `fileKey=${fileKey}` })],
  ["read the form", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/k/v1/app/form/fields.json", { query: `app=${app}` })],
  ["read the record's circulars", ["view", "add", "edit", "del", "imp", "exp", "manage"], (u) => call(u, "GET", "/api/circulars", { query: `app=${app}&record=${rec}` })],
  ["add a record", ["add", "imp"], (u) => call(u, "POST", "/k/v1/record.json", { body: { app, record: { title: { value: `by ${u}` } } } })],
  ["edit a record", ["edit"], (u) => call(u, "PUT", "/k/v1/record.json", { body: { app, id: rec, record: { memo: { value: `edited by ${u}` } } } })],
  ["delete a record", ["del"], async (u) => {
    const { id } = await admin.record.addRecord({ app, record: { title: { value: "消してよい" } } });
    return call(u, "DELETE", "/k/v1/records.json", { body: { app, ids: [id] } });
  }],
  ["import a file", ["imp"], (u) => call(u, "POST", "/api/import", { query: `app=${app}`, body: `件名\n${u} の読み込み\n`, type: "text/csv" })],
  ["export the records", ["exp"], (u) => call(u, "GET", "/api/export.csv", { query: `app=${app}` })],
  ["read the access rights", ["manage"], (u) => call(u, "GET", "/k/v1/app/acl.json", { query: `app=${app}` })],
  ["change the settings", ["manage"], (u) => call(u, "PUT", "/k/v1/preview/app/settings.json", { body: { app, description: `by ${u}` } })],
  ["change the notifications", ["manage"], (u) => call(u, "PUT", "/k/v1/preview/app/notifications/general.json", { body: { app, notifications: [] } })],
  ["read the notification settings", ["manage"], (u) => call(u, "GET", "/k/v1/preview/app/notifications/perRecord.json", { query: `app=${app}` })],
  ["deploy the app", ["manage"], (u) => call(u, "POST", "/k/v1/preview/app/deploy.json", { body: { apps: [{ app }] } })],
];

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: Object.keys(USERS).map((code) => ({ code, name: code, password: PASSWORD })) } });
  app = await makeApp(admin, "監査メモ", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "メモ" },
    doc: { type: "FILE", code: "doc", label: "資料" },
  });
  const up = await admin.file.uploadFile({ file: { name: "memo.txt", data: SECRET } });
  rec = (await admin.record.addRecord({ app, record: { title: { value: `監査 ${SECRET}` }, doc: { value: [{ fileKey: up.fileKey }] } } })).id;
  await admin.record.addRecordComment({ app, record: rec, comment: { text: SECRET } });
  fileKey = (await admin.record.getRecord({ app, id: rec })).record.doc.value[0].fileKey;
  await raw(server, "POST", "/api/circulars", { body: { app, record: rec, message: SECRET, to: [{ entity: { type: "USER", code: "view" } }] } });
  await admin.app.updateAppAcl({ app, rights: Object.entries(USERS).map(([code, flags]) => ({
    entity: { type: "USER", code }, ...Object.fromEntries(flags.map((f) => [f, true])),
  })) });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
});
after(() => server.stop());

for (const [group, allowed, run] of MATRIX) {
  test(`${group}: allowed for ${allowed.join(", ")}; refused, leaking nothing, for the rest`, async () => {
    for (const user of Object.keys(USERS)) {
      const r = await run(user);
      if (allowed.includes(user)) {
        assert.equal(r.status, 200, `${user}: ${r.text.slice(0, 300)}`);
      } else {
        assert.equal(r.status, 403, `${user} must be refused: ${r.text.slice(0, 300)}`);
        assert.equal(r.json?.code, "CB_NO02", user);
        assert.ok(!r.text.includes(SECRET) && !r.text.includes("totalCount") && !r.text.includes("records"), `${user} sees nothing: ${r.text}`);
      }
    }
  });
}

test("administrators hold every right", async () => {
  for (const [group, , run] of MATRIX) {
    const r = await run("Administrator");
    assert.equal(r.status, 200, `${group}: ${r.text.slice(0, 200)}`);
  }
});

test("the app list and notifications never name an app or a record to someone who may not view it", async () => {
  const apps = await call("none", "GET", "/k/v1/apps.json");
  assert.equal(apps.status, 200);
  assert.ok(!apps.json.apps.some((a) => String(a.appId) === String(app)));
  const notes = await call("none", "GET", "/api/notifications");
  assert.ok(!notes.text.includes(SECRET));
  // the circular's recipient sees it; the others do not hear of it
  assert.ok((await call("view", "GET", "/api/circulars/pending")).text.includes(SECRET));
  assert.ok(!(await call("none", "GET", "/api/circulars/pending")).text.includes(SECRET));
});

test("a lookup copies nothing the caller may not see: records they may not view are not found, fields they may not see stay empty", async () => {
  const deploy = async (a) => {
    await admin.app.deployApp({ apps: [{ app: a }] });
    for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [a] })).apps[0].status !== "SUCCESS"; i++)
      await new Promise((r) => setTimeout(r, 100));
  };
  const registry = await makeApp(admin, "事業所台帳", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名称" },
    note: { type: "SINGLE_LINE_TEXT", code: "note", label: "内部メモ" },
  });
  await admin.record.addRecords({ app: registry, records: [
    { code: { value: "A1" }, name: { value: "公開の事業所" }, note: { value: SECRET } },
    { code: { value: "B2" }, name: { value: `非公開 ${SECRET}` }, note: { value: SECRET } },
  ] });
  // "view" may not see B2, nor anyone's internal note
  await admin.app.updateRecordAcl({ app: registry, rights: [{ filterCond: 'code = "B2"', entities: [{ entity: { type: "USER", code: "view" }, viewable: false }] }] });
  await admin.app.updateFieldAcl({ app: registry, rights: [{ code: "note", entities: [{ entity: { type: "USER", code: "view" }, accessibility: "NONE" }] }] });
  await deploy(registry);
  const reports = await makeApp(admin, "報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "事業所番号", lookup: {
      relatedApp: { app: String(registry) }, relatedKeyField: "code",
      fieldMappings: [{ field: "fname", relatedField: "name" }, { field: "fnote", relatedField: "note" }], lookupPickerFields: ["code"],
    } },
    fname: { type: "SINGLE_LINE_TEXT", code: "fname", label: "名称" },
    fnote: { type: "SINGLE_LINE_TEXT", code: "fnote", label: "メモ" },
  });
  const hidden = await call("view", "POST", "/k/v1/record.json", { body: { app: reports, record: { facility: { value: "B2" } } } });
  assert.equal(hidden.status, 400);
  assert.equal(hidden.json.code, "GAIA_LO04");
  assert.ok(!hidden.text.includes(SECRET));
  const shown = await call("view", "POST", "/k/v1/record.json", { body: { app: reports, record: { facility: { value: "A1" } } } });
  assert.equal(shown.status, 200, shown.text);
  const r = (await admin.record.getRecord({ app: reports, id: shown.json.id })).record;
  assert.equal(r.fname.value, "公開の事業所");
  assert.equal(r.fnote.value, "", "a field the caller may not see is not copied");
  // the administrator sees everything, and copies it
  const { id } = await admin.record.addRecord({ app: reports, record: { facility: { value: "B2" } } });
  assert.equal((await admin.record.getRecord({ app: reports, id })).record.fnote.value, SECRET);
});

test("the app list pages by the apps the caller may see: a page is never short for what is hidden", async () => {
  const made = [];
  for (const [name, open] of [["非公開1", false], ["公開A", true], ["非公開2", false], ["公開B", true]]) {
    const { app: a } = await admin.app.addApp({ name: `一覧 ${name}` });
    if (!open) await admin.app.updateAppAcl({ app: a, rights: [{ entity: { type: "USER", code: "manage" }, recordViewable: true, appEditable: true }] });
    await admin.app.deployApp({ apps: [{ app: a }] });
    made.push(a);
  }
  for (const a of made)
    for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [a] })).apps[0].status !== "SUCCESS"; i++)
      await new Promise((r) => setTimeout(r, 50));
  const names = async (query) => (await call("none", "GET", "/k/v1/apps.json", { query })).json.apps.map((x) => x.name);
  assert.deepEqual(await names("name=一覧&limit=1"), ["一覧 公開A"]);
  assert.deepEqual(await names("name=一覧&limit=1&offset=1"), ["一覧 公開B"]);
  assert.deepEqual(await names("name=一覧"), ["一覧 公開A", "一覧 公開B"]);
  assert.deepEqual((await (await call("manage", "GET", "/k/v1/apps.json", { query: "name=一覧&limit=2&offset=1" })).json.apps.map((x) => x.name)), ["一覧 公開A", "一覧 非公開2"]);
});

test("Rel.Field conditions look into the related app under the caller's rights there", async () => {
  const deploy = async (a) => {
    await admin.app.deployApp({ apps: [{ app: a }] });
    for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [a] })).apps[0].status !== "SUCCESS"; i++)
      await new Promise((r) => setTimeout(r, 50));
  };
  const cases = await makeApp(admin, "相談 (関連)", {
    fac: { type: "SINGLE_LINE_TEXT", code: "fac", label: "施設" },
    kind: { type: "SINGLE_LINE_TEXT", code: "kind", label: "種類" },
  });
  await admin.record.addRecords({ app: cases, records: [
    { fac: { value: "F1" }, kind: { value: "公開の相談" } },
    { fac: { value: "F2" }, kind: { value: `虐待の疑い ${SECRET}` } },
  ] });
  const facilities = await makeApp(admin, "施設 (関連)", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号" },
    consults: { type: "REFERENCE_TABLE", code: "consults", label: "相談", referenceTable: {
      relatedApp: { app: String(cases) }, condition: { field: "code", relatedField: "fac" }, displayFields: ["kind"], sort: "$id asc", size: "5",
    } },
  });
  await admin.record.addRecords({ app: facilities, records: [{ code: { value: "F1" } }, { code: { value: "F2" } }] });
  const codes = async (user, query) => {
    const r = await call(user, "GET", "/k/v1/records.json", { query: `app=${facilities}&query=${encodeURIComponent(query)}` });
    return r.status === 200 ? r.json.records.map((x) => x.code.value).join(",") : r.json.code;
  };
  assert.equal(await codes("view", 'consults.kind like "虐待"'), "F2", "everyone may view both apps yet");
  // the consultations of F2 are not view's to see: the related records' query cannot find them
  await admin.app.updateRecordAcl({ app: cases, rights: [{ filterCond: 'fac = "F2"', entities: [{ entity: { type: "USER", code: "view" }, viewable: false }, { entity: { type: "GROUP", code: "everyone" }, viewable: true }] }] });
  await deploy(cases);
  assert.equal(await codes("view", 'consults.kind like "虐待"'), "", "a record one may not view meets nothing");
  assert.equal(await codes("view", 'consults.kind like "公開"'), "F1");
  assert.equal(await codes("Administrator", 'consults.kind like "虐待"'), "F2");
  // a field of it one may not see, or the app itself, is as if it did not exist
  await admin.app.updateFieldAcl({ app: cases, rights: [{ code: "kind", entities: [{ entity: { type: "USER", code: "edit" }, accessibility: "NONE" }, { entity: { type: "GROUP", code: "everyone" }, accessibility: "READ" }] }] });
  await deploy(cases);
  assert.equal(await codes("edit", 'consults.kind like "虐待"'), "GAIA_IQ11");
  await admin.app.updateAppAcl({ app: cases, rights: [{ entity: { type: "USER", code: "view" }, recordViewable: true }] });
  await deploy(cases);
  assert.equal(await codes("del", 'consults.kind like "公開"'), "GAIA_IQ11");
  assert.equal(await codes("view", 'consults.kind like "公開"'), "F1");
});

test("what a field right hides stays hidden in history, restore, attachments, notices and imports", async () => {
  const GRADE = "評価S-機密";
  const a = await makeApp(admin, "人事評価", {
    grade: { type: "SINGLE_LINE_TEXT", code: "grade", label: "評価" },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "氏名" },
    empno: { type: "SINGLE_LINE_TEXT", code: "empno", label: "職員番号", unique: true },
    doc: { type: "FILE", code: "doc", label: "評価資料" },
    pub: { type: "FILE", code: "pub", label: "公開資料" },
  });
  const upload = async (name) => (await admin.file.uploadFile({ file: { name, data: SECRET } })).fileKey;
  const mine = (await admin.record.addRecord({ app: a, record: {
    grade: { value: GRADE }, name: { value: "山田" }, empno: { value: "E1" },
    doc: { value: [{ fileKey: await upload("評価.txt") }] }, pub: { value: [{ fileKey: await upload("公開.txt") }] },
  } })).id;
  const other = (await admin.record.addRecord({ app: a, record: { name: { value: "他の人" }, empno: { value: "E2" }, pub: { value: [{ fileKey: await upload("他.txt") }] } } })).id;
  // view: no grade, no evaluation papers, not the other person's record; edit: may read the grade, not change it
  await admin.app.updateFieldAcl({ app: a, rights: [
    { code: "grade", entities: [{ entity: { type: "USER", code: "view" }, accessibility: "NONE" }, { entity: { type: "USER", code: "edit" }, accessibility: "READ" }, { entity: { type: "GROUP", code: "everyone" }, accessibility: "WRITE" }] },
    { code: "doc", entities: [{ entity: { type: "USER", code: "view" }, accessibility: "NONE" }, { entity: { type: "GROUP", code: "everyone" }, accessibility: "WRITE" }] },
  ] });
  await admin.app.updateRecordAcl({ app: a, rights: [{ filterCond: `name = "他の人"`, entities: [{ entity: { type: "USER", code: "view" }, viewable: false }, { entity: { type: "GROUP", code: "everyone" }, viewable: true }] }] });
  await admin.app.updateGeneralNotifications({ app: a, notifications: [{ entity: { type: "USER", code: "view" }, recordEdited: true }] });
  await admin.app.deployApp({ apps: [{ app: a }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [a] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 50));
  await admin.record.updateRecord({ app: a, id: mine, record: { grade: { value: `${GRADE}+` }, name: { value: "山田 太郎" } } });

  // history: the grade's and the papers' changes are left out for view, kept for the administrator
  const seen = await call("view", "GET", "/k/v1/record/history.json", { query: `app=${a}&id=${mine}` });
  assert.equal(seen.status, 200, seen.text);
  assert.ok(!seen.text.includes(GRADE) && !seen.text.includes("評価.txt"), seen.text);
  assert.ok(seen.text.includes("山田 太郎"));
  assert.ok((await call("Administrator", "GET", "/k/v1/record/history.json", { query: `app=${a}&id=${mine}` })).text.includes(GRADE));

  // the notice of the edit is titled by a field view may see, not the grade
  const notes = await call("view", "GET", "/api/notifications");
  assert.ok(notes.text.includes("山田 太郎"), notes.text);
  assert.ok(!notes.text.includes(GRADE), notes.text);

  // restoring the first revision brings back what edit may write, not the grade it may only read
  const restored = await call("edit", "POST", "/k/v1/record/history/restore.json", { body: { app: a, id: mine, revision: 1 } });
  assert.equal(restored.status, 200, restored.text);
  const now = (await admin.record.getRecord({ app: a, id: mine })).record;
  assert.equal(now.name.value, "山田");
  assert.equal(now.grade.value, `${GRADE}+`);

  // attachments follow the record's and the field's rights, not only the app's
  const keys = (await admin.record.getRecord({ app: a, id: mine })).record;
  const otherKey = (await admin.record.getRecord({ app: a, id: other })).record.pub.value[0].fileKey;
  const download = (u, key) => call(u, "GET", "/k/v1/file.json", { query: `fileKey=${key}` });
  assert.equal((await download("view", keys.pub.value[0].fileKey)).status, 200);
  for (const key of [keys.doc.value[0].fileKey, otherKey]) {
    const r = await download("view", key);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.code, "CB_NO02");
    assert.ok(!r.text.includes(SECRET));
    assert.equal((await download("edit", key)).status, 200);
  }

  // a file import changes only what the importer may change: a column of a field they may only
  // read is left out, a record they may not edit is a problem of its row, updating needs the edit right
  const importing = (u, csv) => call(u, "POST", "/api/import", { query: `app=${a}&updateKey=empno`, body: csv, type: "text/csv" });
  const readOnly = await importing("edit", "empno,grade,name\nE1,書き換え,山田 花子\n");
  assert.equal(readOnly.status, 200, readOnly.text);
  assert.equal(readOnly.json.columns.find((c) => c.name === "grade").field, null);
  const after = (await admin.record.getRecord({ app: a, id: mine })).record;
  assert.equal(after.grade.value, `${GRADE}+`);
  assert.equal(after.name.value, "山田 花子");
  const notTheirs = await importing("view", "empno,name\nE2,上書き\n");
  assert.equal(notTheirs.status, 400, notTheirs.text);
  assert.equal((await admin.record.getRecord({ app: a, id: other })).record.name.value, "他の人");
  const noEdit = await call("imp", "POST", "/api/import", { query: `app=${app}&updateKey=title`, body: "title\nx\n", type: "text/csv" });
  assert.equal(noEdit.status, 403, noEdit.text);
  assert.equal(noEdit.json.code, "CB_NO02");
});

test("a field right may name a field of the record (FIELD_ENTITY): each sees the field in the records that name them", async () => {
  const NOTE = "本人限りの面談記録";
  const a = await makeApp(admin, "面談記録", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    owner: { type: "USER_SELECT", code: "owner", label: "担当者" },
    note: { type: "SINGLE_LINE_TEXT", code: "note", label: "記録" },
    paper: { type: "FILE", code: "paper", label: "資料" },
  });
  const paper = (await admin.file.uploadFile({ file: { name: "記録.txt", data: NOTE } })).fileKey;
  const { ids } = await admin.record.addRecords({ app: a, records: [
    { title: { value: "viewの案件" }, owner: { value: [{ code: "view" }] }, note: { value: "view向けの記録" } },
    { title: { value: "editの案件" }, owner: { value: [{ code: "edit" }] }, note: { value: NOTE }, paper: { value: [{ fileKey: paper }] } },
  ] });
  const [viewsOwn, editsOwn] = ids;
  // the note: whoever 担当者 names may change it; manage may read it everywhere; the rest see nothing
  await admin.app.updateFieldAcl({ app: a, rights: [
    { code: "note", entities: [{ entity: { type: "FIELD_ENTITY", code: "owner" }, accessibility: "WRITE" }, { entity: { type: "USER", code: "manage" }, accessibility: "READ" }] },
    { code: "paper", entities: [{ entity: { type: "FIELD_ENTITY", code: "owner" }, accessibility: "WRITE" }] },
  ] });
  const acl = await admin.app.getFieldAcl({ app: a, preview: true });
  assert.deepEqual(acl.rights[0].entities[0].entity, { type: "FIELD_ENTITY", code: "owner" });
  await admin.app.deployApp({ apps: [{ app: a }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [a] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 50));

  // what the UI is told to offer
  const rights = await call("view", "GET", "/api/app/rights", { query: `app=${a}` });
  assert.deepEqual([rights.json.fields.note, rights.json.fields.title, rights.json.app.edit, rights.json.byRecord], ["BY_RECORD", "WRITE", true, true]);
  const plain = (await call("view", "GET", "/api/app/rights", { query: `app=${app}` })).json;
  assert.deepEqual([plain.app.view, plain.app.edit, plain.byRecord], [true, false, false]);
  assert.equal((await call("none", "GET", "/api/app/rights", { query: `app=${app}` })).status, 403);

  // lists, single records and cursors: the note only where the record names the caller
  const list = await call("view", "GET", "/k/v1/records.json", { query: `app=${a}&query=${encodeURIComponent("order by $id asc")}` });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.records[0].note.value, "view向けの記録");
  assert.equal(list.json.records[1].note, undefined);
  assert.ok(!list.text.includes(NOTE) && !list.text.includes("記録.txt"));
  const asked = await call("view", "GET", "/k/v1/records.json", { query: `app=${a}&fields[0]=note&fields[1]=$id` });
  assert.ok(asked.text.includes("view向けの記録") && !asked.text.includes(NOTE), asked.text);
  assert.ok(!(await call("view", "GET", "/k/v1/record.json", { query: `app=${a}&id=${editsOwn}` })).text.includes(NOTE));
  assert.ok((await call("edit", "GET", "/k/v1/record.json", { query: `app=${a}&id=${editsOwn}` })).text.includes(NOTE));
  assert.ok((await call("manage", "GET", "/k/v1/record.json", { query: `app=${a}&id=${editsOwn}` })).text.includes(NOTE));
  const cursor = await call("view", "POST", "/k/v1/records/cursor.json", { body: { app: a } });
  assert.ok(!(await call("view", "GET", "/k/v1/records/cursor.json", { query: `id=${cursor.json.id}` })).text.includes(NOTE));

  // a condition on the note holds only where the caller may see it; it cannot order records
  const count = async (u, q) => (await call(u, "GET", "/k/v1/records.json", { query: `app=${a}&totalCount=true&query=${encodeURIComponent(q)}` })).json;
  assert.equal((await count("view", `note like "本人限り"`)).totalCount, "0");
  assert.equal((await count("view", `note != "x"`)).totalCount, "1");
  assert.equal((await count("edit", `note like "本人限り"`)).totalCount, "1");
  assert.equal((await count("view", "order by note asc")).code, "GAIA_IQ11");

  // exports, history, evaluate.json and attachments follow the record too
  const csv = await call("view", "GET", "/api/export.csv", { query: `app=${a}` });
  assert.equal(csv.status, 200, csv.text);
  assert.ok(csv.text.includes("view向けの記録") && !csv.text.includes(NOTE));
  assert.ok(!(await call("view", "GET", "/k/v1/record/history.json", { query: `app=${a}&id=${editsOwn}` })).text.includes(NOTE));
  const ev = await call("view", "GET", "/k/v1/records/acl/evaluate.json", { query: `app=${a}&ids[0]=${viewsOwn}&ids[1]=${editsOwn}` });
  assert.deepEqual(ev.json.rights.map((r) => r.fields.note), [{ viewable: true, editable: true }, { viewable: false, editable: false }]);
  const key = (await admin.record.getRecord({ app: a, id: editsOwn })).record.paper.value[0].fileKey;
  assert.equal((await call("view", "GET", "/k/v1/file.json", { query: `fileKey=${key}` })).status, 403);
  assert.equal((await call("edit", "GET", "/k/v1/file.json", { query: `fileKey=${key}` })).status, 200);

  // writing: the named person may change the note, others may not; a new record naming the caller may set it
  const put = (u, id, value) => call(u, "PUT", "/k/v1/record.json", { body: { app: a, id, record: { note: { value } } } });
  assert.equal((await put("view", viewsOwn, "書き直し")).status, 200);
  const refused = await put("view", editsOwn, "書き換え");
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json.code, "GAIA_FU01");
  assert.equal((await put("manage", editsOwn, "書き換え")).json.code, "GAIA_FU01", "READ is not WRITE");
  const add = (owner) => call("view", "POST", "/k/v1/record.json", { body: { app: a, record: { owner: { value: [{ code: owner }] }, note: { value: "新規" } } } });
  const total = async () => (await admin.record.getRecords({ app: a, totalCount: true })).totalCount;
  const first = await total();
  assert.equal((await add("view")).status, 200);
  assert.equal((await add("edit")).json.code, "GAIA_FU01");
  const before = await total();
  assert.equal(before, String(Number(first) + 1), "the refused record is not kept");
  assert.equal((await admin.record.getRecord({ app: a, id: editsOwn })).record.note.value, NOTE);
  // a file import likewise, row by row
  const importing = (csv) => call("view", "POST", "/api/import", { query: `app=${a}`, body: csv, type: "text/csv" });
  const own = await importing("title,owner,note\n読み込み,view,自分の記録\n");
  assert.equal(own.status, 200, own.text);
  assert.equal(Number(own.json.added), 1);
  const others = await importing("title,owner,note\n読み込み2,view,自分の記録\n読み込み3,edit,他人の記録\n");
  assert.equal(others.status, 400, others.text);
  assert.ok(others.json.errors["rows[3]"] || Object.keys(others.json.errors).some((k) => k.startsWith("rows[3]")), others.text);
  assert.equal(await total(), String(Number(before) + 1), "all or nothing: the good row went back too");
});
