// record.json and records.json through the official client (KINTONE-API.md §5.1, §6).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp } from "./helpers/server.mjs";

let server, c, app;
before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c);
});
after(() => server.stop());

const full = () => ({
  title: { value: "点検記録" },
  key: { value: "K-" + Math.random().toString(36).slice(2) },
  memo: { value: "一行目\n二行目" },
  rich: { value: "<p>本文</p>" },
  qty: { value: " 1.50e1 " },
  radio: { value: "r2" },
  check: { value: ["c1", "c3"] },
  multi: { value: ["m2"] },
  drop: { value: "中" },
  date: { value: "2024-7-5" },
  time: { value: "09:30" },
  dt: { value: "2024-07-05T09:30:45+09:00" },
  link: { value: "https://example.org/" },
  user: { value: [{ code: "Administrator" }] },
});

test("a record with every field type round-trips in kintone's shapes", async () => {
  const { id, revision } = await c.record.addRecord({ app, record: full() });
  assert.match(id, /^\d+$/);
  assert.equal(revision, "1");
  const { record: r } = await c.record.getRecord({ app, id });
  assert.equal(r.$id.value, id);
  assert.equal(r.$id.type, "__ID__");
  assert.equal(r.$revision.value, "1");
  assert.equal(r.Record_number.value, id);
  assert.equal(r.title.value, "点検記録");
  assert.equal(r.memo.value, "一行目\n二行目");
  assert.equal(r.qty.value, "15");
  assert.equal(r.qty.type, "NUMBER");
  assert.equal(r.radio.value, "r2");
  assert.deepEqual(r.check.value, ["c1", "c3"]);
  assert.deepEqual(r.multi.value, ["m2"]);
  assert.equal(r.drop.value, "中");
  assert.equal(r.date.value, "2024-07-05");
  assert.equal(r.time.value, "09:30");
  assert.equal(r.dt.value, "2024-07-05T00:30:00Z", "UTC, seconds dropped");
  assert.deepEqual(r.user.value, [{ code: "Administrator", name: "Administrator" }]);
  assert.deepEqual(r.org.value, []);
  assert.deepEqual(r.Created_by.value, { code: "Administrator", name: "Administrator" });
  assert.match(r.Created_datetime.value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  assert.equal(r.section, undefined, "GROUP is not record data");
});

test("defaults apply on add only, explicit empties are kept", async () => {
  const { id } = await c.record.addRecord({ app, record: { title: { value: "d" } } });
  const { record: r } = await c.record.getRecord({ app, id });
  assert.equal(r.radio.value, "r1", "default");
  assert.equal(r.drop.value, null);
  assert.equal(r.date.value, null);
  assert.equal(r.dt.value, "");
  assert.equal(r.qty.value, "");
  await c.record.updateRecord({ app, id, record: { radio: { value: "r2" } } });
  const { record: r2 } = await c.record.getRecord({ app, id });
  assert.equal(r2.radio.value, "r2");
  assert.equal(r2.title.value, "d", "fields not sent are kept");
  assert.equal(r2.$revision.value, "2");
});

test("validation reports every bad field with kintone's keys", async () => {
  const e = await rejects(
    c.record.addRecord({
      app,
      record: {
        title: { value: "" },
        qty: { value: "abc" },
        drop: { value: "特" },
        check: { value: ["c1", "zz"] },
        date: { value: "2024-13-01" },
      },
    }),
    "CB_VA01", 400);
  assert.deepEqual(e.errors["record.title.value"].messages, ["Required."]);
  assert.deepEqual(e.errors["record[qty].value"].messages, ["Only numbers are allowed."]);
  assert.ok(e.errors["record.drop.value"].messages[0].includes("特"));
  assert.ok(e.errors["record.check.values[1].value"]);
  assert.ok(e.errors["record.date.value"]);
});

test("length, range and unique rules", async () => {
  let e = await rejects(c.record.addRecord({ app, record: { title: { value: "x".repeat(21) } } }), "CB_VA01");
  assert.deepEqual(e.errors["record.title.value"].messages, ["Enter less than 21 characters."]);
  e = await rejects(c.record.addRecord({ app, record: { title: { value: "t" }, qty: { value: 1001 } } }), "CB_VA01");
  assert.deepEqual(e.errors["record.qty.value"].messages, ["The value must be 1000 or less."]);
  e = await rejects(c.record.addRecord({ app, record: { title: { value: "t" }, qty: { value: "-1" } } }), "CB_VA01");
  assert.deepEqual(e.errors["record.qty.value"].messages, ["The value must be 0 or more."]);
  await c.record.addRecord({ app, record: { title: { value: "u1" }, key: { value: "SAME" } } });
  e = await rejects(c.record.addRecord({ app, record: { title: { value: "u2" }, key: { value: "SAME" } } }), "CB_VA01");
  assert.deepEqual(e.errors["record.key.value"].messages, ["This value already exists in another record."]);
  // empty never collides; a record may keep its own value
  await c.record.addRecord({ app, record: { title: { value: "e1" }, key: { value: "" } } });
  await c.record.addRecord({ app, record: { title: { value: "e2" }, key: { value: "" } } });
  const { records } = await c.record.getRecords({ app, query: 'key in ("SAME")' });
  await c.record.updateRecord({ app, id: records[0].$id.value, record: { key: { value: "SAME" } } });
});

test("messages follow the user's language", async () => {
  const r = await raw(server, "POST", "/k/v1/record.json", {
    body: { app, record: { title: { value: "" } } },
    headers: { "Accept-Language": "ja" },
  });
  assert.equal(r.status, 400);
  assert.equal(r.json.message, "入力内容が正しくありません。");
  assert.deepEqual(r.json.errors["record.title.value"].messages, ["必須です。"]);
});

test("updates check the revision, and unknown records are GAIA_RE01", async () => {
  const { id } = await c.record.addRecord({ app, record: { title: { value: "rev" } } });
  const { revision } = await c.record.updateRecord({ app, id, record: { title: { value: "rev2" } }, revision: 1 });
  assert.equal(revision, "2");
  await rejects(c.record.updateRecord({ app, id, record: { title: { value: "x" } }, revision: 1 }), "GAIA_CO02", 409);
  await c.record.updateRecord({ app, id, record: { title: { value: "rev3" } }, revision: -1 });
  await rejects(c.record.getRecord({ app, id: 999999 }), "GAIA_RE01", 404);
  await rejects(c.record.updateRecord({ app, id: 999999, record: {} }), "GAIA_RE01", 404);
});

test("update by updateKey, and upsert through the client", async () => {
  await c.record.addRecord({ app, record: { title: { value: "k" }, key: { value: "UK-1" } } });
  await c.record.updateRecord({ app, updateKey: { field: "key", value: "UK-1" }, record: { title: { value: "k2" } } });
  const { records } = await c.record.getRecords({ app, query: 'key = "UK-1"' });
  assert.equal(records[0].title.value, "k2");
  await rejects(c.record.updateRecord({ app, updateKey: { field: "title", value: "k2" }, record: {} }), "CB_VA01");
  await rejects(c.record.updateRecord({ app, updateKey: { field: "key", value: "NOPE" }, record: {} }), "GAIA_RE01");
  const up1 = await c.record.upsertRecord({ app, updateKey: { field: "key", value: "UK-2" }, record: { title: { value: "new" } } });
  assert.equal(up1.revision, "1");
  const up2 = await c.record.upsertRecord({ app, updateKey: { field: "key", value: "UK-2" }, record: { title: { value: "upd" } } });
  assert.equal(up2.id, up1.id);
  assert.equal(up2.revision, "2");
});

test("bulk add, update with upsert, and delete are all or nothing", async () => {
  const add = await c.record.addRecords({ app, records: [{ title: { value: "b1" } }, { title: { value: "b2" } }] });
  assert.equal(add.ids.length, 2);
  assert.deepEqual(add.revisions, ["1", "1"]);
  const before = (await c.record.getRecords({ app, totalCount: true })).totalCount;
  const e = await rejects(c.record.addRecords({ app, records: [{ title: { value: "ok" } }, { title: { value: "" } }] }), "CB_VA01");
  assert.ok(e.errors["records[1].title.value"]);
  assert.equal((await c.record.getRecords({ app, totalCount: true })).totalCount, before, "nothing added");
  await rejects(c.record.addRecords({ app, records: Array.from({ length: 101 }, () => ({ title: { value: "x" } })) }), "CB_VA01");
  const put = await c.record.updateRecords({
    app,
    upsert: true,
    records: [
      { id: add.ids[0], record: { title: { value: "b1x" } } },
      { id: "9007199254740991", record: { title: { value: "fresh" } } },
      { updateKey: { field: "key", value: "BULK-K" }, record: { title: { value: "bykey" } } },
    ],
  });
  assert.deepEqual(put.records.map((r) => r.operation), ["UPDATE", "INSERT", "INSERT"]);
  assert.notEqual(put.records[1].id, "9007199254740991", "a missing id inserts with a new id");
  await rejects(
    c.record.updateRecords({ app, records: [{ id: add.ids[1], record: { title: { value: "z" } } }, { id: add.ids[0], revision: 1, record: {} }] }),
    "GAIA_CO02", 409);
  assert.equal((await c.record.getRecord({ app, id: add.ids[1] })).record.title.value, "b2", "rolled back");
  await rejects(c.record.deleteRecords({ app, ids: [add.ids[0], 999999] }), "GAIA_RE01");
  await c.record.getRecord({ app, id: add.ids[0] });
  await c.record.deleteRecords({ app, ids: [add.ids[0], add.ids[1]], revisions: [2, -1] });
  await rejects(c.record.getRecord({ app, id: add.ids[0] }), "GAIA_RE01");
});

test("system fields: CREATOR and times may be set on add, RECORD_NUMBER is ignored", async () => {
  const { id } = await c.record.addRecord({
    app,
    record: {
      title: { value: "imported" },
      Record_number: { value: "12345" },
      Created_by: { value: { code: "Administrator" } },
      Created_datetime: { value: "2020-01-02T03:04:00Z" },
    },
  });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.Record_number.value, id);
  assert.equal(record.Created_datetime.value, "2020-01-02T03:04:00Z");
});

test("user selects need users that exist; organizations come with the team layer", async () => {
  await rejects(c.record.addRecord({ app, record: { title: { value: "u" }, user: { value: [{ code: "ghost" }] } } }), "GAIA_IL26", 400);
  await rejects(c.record.addRecord({ app, record: { title: { value: "u" }, org: { value: [{ code: "x" }] } } }), "GAIA_IL28", 400);
});

test("getAllRecords and addAllRecords page through thousands of records", async () => {
  const a2 = await makeApp(c, "many", { n: { type: "NUMBER", code: "n", label: "N" } });
  const records = Array.from({ length: 2500 }, (_, i) => ({ n: { value: i } }));
  const res = await c.record.addAllRecords({ app: a2, records });
  assert.equal(res.records.length, 2500);
  const all = await c.record.getAllRecords({ app: a2, condition: "n >= 100", orderBy: "n asc" });
  assert.equal(all.length, 2400);
  assert.equal(all[0].n.value, "100");
  const byId = await c.record.getAllRecordsWithId({ app: a2, fields: ["n"] });
  assert.equal(byId.length, 2500);
});
