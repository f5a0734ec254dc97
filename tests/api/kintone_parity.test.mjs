// Behaviours measured against real kintone (KINTONE-API.md §3) that a
// compatible server must give exactly: one test per behaviour.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, basic } from "./helpers/server.mjs";

let server, admin, app;
const ja = { "Accept-Language": "ja" };
const en = { "Accept-Language": "en" };

before(async () => {
  server = await startServer({ lang: "ja" }); // the installation's own default
  admin = client(server);
  app = await makeApp(admin, "parity", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名", minLength: "2", maxLength: "5" },
    day: { type: "DATE", code: "day", label: "日付" },
    at: { type: "TIME", code: "at", label: "時刻" },
    when: { type: "DATETIME", code: "when", label: "日時" },
  });
});
after(() => server.stop());

test("adding or updating no records answers 200 with nothing done", async () => {
  const add = await raw(server, "POST", "/k/v1/records.json", { body: { app, records: [] } });
  assert.deepEqual([add.status, add.json], [200, { ids: [], revisions: [] }]);
  const put = await raw(server, "PUT", "/k/v1/records.json", { body: { app, records: [] } });
  assert.deepEqual([put.status, put.json], [200, { records: [] }]);
  const viaClient = await admin.record.addRecords({ app, records: [] });
  assert.deepEqual([viaClient.ids, viaClient.revisions], [[], []]);
  const del = await raw(server, "DELETE", "/k/v1/records.json", { query: `app=${app}` });
  assert.equal(del.status, 400, "deleting still names its ids");
});

test("an empty string written to a field with a minimum length is checked against it", async () => {
  const res = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: { title: { value: "" } } }, headers: ja });
  assert.equal(res.json.code, "CB_VA01");
  assert.deepEqual(res.json.errors["record.title.value"].messages, ["1文字より長くなければなりません。"]);
  const eng = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: { title: { value: "" } } }, headers: en });
  assert.deepEqual(eng.json.errors["record.title.value"].messages, ["Enter more than 1 characters."]);
  const left = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: { day: { value: "2025-01-01" } } } });
  assert.equal(left.status, 200, "a field left out is not checked");
  const long = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: { title: { value: "123456" } } }, headers: ja });
  assert.deepEqual(long.json.errors["record.title.value"].messages, ["6文字より短くなければなりません。"]);
});

test("a date, time or date-time compared with \"\" means empty or not empty", async () => {
  const { id: full } = await admin.record.addRecord({ app, record: { title: { value: "ある" }, day: { value: "2025-04-01" }, at: { value: "09:30" }, when: { value: "2025-04-01T00:30:00Z" } } });
  const { id: none } = await admin.record.addRecord({ app, record: { title: { value: "ない" } } });
  for (const f of ["day", "at", "when"]) {
    const ids = async (q) => (await admin.record.getRecords({ app, query: `${q} and $id in (${full}, ${none})` })).records.map((r) => Number(r.$id.value));
    assert.deepEqual(await ids(`${f} = ""`), [Number(none)], `${f} = ""`);
    assert.deepEqual(await ids(`${f} != ""`), [Number(full)], `${f} != ""`);
  }
});

test("a lookup keyed on the record number copies it into a NUMBER field too", async () => {
  const src = await makeApp(admin, "採番元", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名" } });
  const { id } = await admin.record.addRecord({ app: src, record: { name: { value: "元" } } });
  const dst = await makeApp(admin, "採番先", {
    key: { type: "NUMBER", code: "key", label: "番号", lookup: {
      relatedApp: { app: String(src) }, relatedKeyField: "レコード番号",
      fieldMappings: [{ field: "copy", relatedField: "レコード番号" }, { field: "name", relatedField: "name" }],
      lookupPickerFields: [], filterCond: "", sort: "" } },
    copy: { type: "NUMBER", code: "copy", label: "写し" },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名" },
  });
  const { id: rid } = await admin.record.addRecord({ app: dst, record: { key: { value: String(id) } } });
  const r = (await admin.record.getRecord({ app: dst, id: rid })).record;
  assert.deepEqual([r.key.value, r.copy.value, r.name.value], [String(id), String(id), "元"]);
});

test("with no Accept-Language, a user whose language follows the browser gets the installation's default language", async () => {
  const plain = (headers = {}) => fetch(`${server.base}/k/v1/record.json?app=${app}&id=999999`, { headers: { ...basic(), ...headers } }).then((r) => r.json());
  assert.match((await plain()).message, /[ぁ-んァ-ン一-龠]/, "Japanese unless changed");
  assert.doesNotMatch((await plain(en)).message, /[ぁ-んァ-ン一-龠]/, "the header still decides");
  const nobody = await fetch(`${server.base}/k/v1/apps.json`).then((r) => r.json());
  assert.equal(nobody.message, "ログインしてください。");
  const set = await raw(server, "PUT", "/api/system/settings", { body: { defaultLanguage: "en" } });
  assert.deepEqual([set.status, set.json], [200, { defaultLanguage: "en" }]);
  assert.doesNotMatch((await plain()).message, /[ぁ-んァ-ン一-龠]/, "now English");
  assert.equal((await fetch(`${server.base}/k/v1/apps.json`).then((r) => r.json())).message, "Please login.");
  const bad = await raw(server, "PUT", "/api/system/settings", { body: { defaultLanguage: "fr" } });
  assert.equal(bad.status, 400);
  assert.equal((await raw(server, "GET", "/api/system/settings")).json.defaultLanguage, "en");
  await raw(server, "PUT", "/api/system/settings", { body: { defaultLanguage: "ja" } });
  assert.match((await plain()).message, /[ぁ-んァ-ン一-龠]/);
});

test("message texts as kintone words them", async () => {
  const missing = await raw(server, "GET", "/k/v1/record.json", { query: `app=${app}`, headers: ja });
  assert.deepEqual(missing.json.errors.id.messages, ["必須です。"]);
  const many = Array.from({ length: 101 }, () => ({ title: { value: "多い" } }));
  const add = await raw(server, "POST", "/k/v1/records.json", { body: { app, records: many }, headers: ja });
  assert.deepEqual(add.json.errors.records.messages, ["一度に100件までのレコードを追加できます。"]);
  const addEn = await raw(server, "POST", "/k/v1/records.json", { body: { app, records: many }, headers: en });
  assert.deepEqual(addEn.json.errors.records.messages, ["A maximum of 100 records can be added at one time."]);
  const upd = await raw(server, "PUT", "/k/v1/records.json", { body: { app, records: many.map((r, i) => ({ id: i + 1, record: r })) }, headers: ja });
  assert.deepEqual(upd.json.errors.records.messages, ["一度に100件までのレコードを更新できます。"]);
  const wrong = (headers) => fetch(`${server.base}/k/v1/apps.json`, { headers: { ...basic("Administrator", "not-the-password"), ...headers } }).then((r) => r.json());
  assert.equal((await wrong(ja)).message, "ユーザーのパスワード認証に失敗しました。「X-Cybozu-Authorization」ヘッダーの値が正しくありません。");
  assert.equal((await wrong(en)).message, "Password authentication failed. The value in http header of X-Cybozu-Authorization is not valid.");
  const { id } = await admin.record.addRecord({ app, record: { title: { value: "状態" } } });
  const off = await raw(server, "PUT", "/k/v1/record/status.json", { body: { app, id, action: "x" }, headers: ja });
  assert.equal(off.json.code, "GAIA_ST02");
  assert.match(off.json.message, /プロセス管理機能が無効化されています。/);
  await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, enable: true,
    states: { 未処理: { name: "未処理", index: "0", assignee: { type: "ONE", entities: [] } }, 完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } } },
    actions: [{ name: "完了にする", from: "未処理", to: "完了" }] } });
  await admin.app.deployApp({ apps: [{ app }] });
  const stale = await raw(server, "PUT", "/k/v1/record/status.json", { body: { app, id, action: "差戻し" }, headers: ja });
  assert.equal(stale.json.code, "GAIA_IL03");
  assert.match(stale.json.message, /ステータスの変更に失敗しました。/);
});
