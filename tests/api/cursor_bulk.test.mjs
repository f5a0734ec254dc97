// records/cursor.json and bulkRequest.json (KINTONE-API.md §4, §5.1).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp } from "./helpers/server.mjs";

let server, c, app;
before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "cursor", { n: { type: "NUMBER", code: "n", label: "N" }, s: { type: "SINGLE_LINE_TEXT", code: "s", label: "S" } });
  await c.record.addAllRecords({ app, records: Array.from({ length: 1203 }, (_, i) => ({ n: { value: i }, s: { value: "v" + i } })) });
});
after(() => server.stop());

test("a cursor reads every match in query order, then is gone", async () => {
  const { id, totalCount } = await c.record.createCursor({ app, fields: ["n"], query: "n >= 3 order by n desc", size: 500 });
  assert.equal(totalCount, "1200");
  const seen = [];
  let page;
  do {
    page = await c.record.getRecordsByCursor({ id });
    seen.push(...page.records.map((r) => Number(r.n.value)));
    assert.deepEqual(Object.keys(page.records[0] ?? { n: 1 }), ["n"]);
  } while (page.next);
  assert.equal(seen.length, 1200);
  assert.equal(seen[0], 1202);
  assert.equal(seen.at(-1), 3);
  await rejects(c.record.getRecordsByCursor({ id }), "GAIA_CN01", 404);
});

test("getAllRecordsWithCursor and deleteCursor", async () => {
  const all = await c.record.getAllRecordsWithCursor({ app, query: "n < 10" });
  assert.equal(all.length, 10);
  const { id } = await c.record.createCursor({ app });
  await c.record.deleteCursor({ id });
  await rejects(c.record.deleteCursor({ id }), "GAIA_CN01", 404);
});

test("at most 10 cursors at once per person, their tokens included (GAIA_TM12); one person's do not block another's", async () => {
  const made = [];
  for (let i = 0; i < 10; i++) made.push((await c.record.createCursor({ app, size: 1 })).id);
  await rejects(c.record.createCursor({ app }), "GAIA_TM12", 429);
  // a token counts as its maker; another person has cursors of their own
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } })).json;
  await rejects(client(server, { apiToken: token }).record.createCursor({ app }), "GAIA_TM12", 429);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "cursor_other", name: "other", password: "cursor-pass-1" }] } });
  const other = client(server, { username: "cursor_other", password: "cursor-pass-1" });
  const theirs = await other.record.createCursor({ app, size: 1 });
  await rejects(c.record.getRecordsByCursor({ id: theirs.id }), "GAIA_CN01", 404);
  await other.record.deleteCursor({ id: theirs.id });
  for (const id of made) await c.record.deleteCursor({ id });
  await c.record.deleteCursor({ id: (await c.record.createCursor({ app })).id });
});

test("cursor size is bounded", async () => {
  await rejects(c.record.createCursor({ app, size: 501 }), "CB_VA01");
});

test("bulkRequest runs requests in order and answers each", async () => {
  const res = await c.bulkRequest({
    requests: [
      { method: "POST", api: "/k/v1/record.json", payload: { app, record: { s: { value: "bulk-1" } } } },
      { method: "POST", api: "/k/v1/records.json", payload: { app, records: [{ s: { value: "bulk-2" } }] } },
      { method: "PUT", api: "/k/v1/record.json", payload: { app, updateKey: undefined, id: 1, record: { s: { value: "bulk-edit" } } } },
      { method: "DELETE", api: "/k/v1/records.json", payload: { app, ids: [2] } },
    ],
  });
  assert.equal(res.results.length, 4);
  assert.match(res.results[0].id, /^\d+$/);
  assert.equal(res.results[1].ids.length, 1);
  assert.equal(res.results[2].revision, "2");
  assert.deepEqual(res.results[3], {});
});

test("a failing bulkRequest changes nothing and says which request failed", async () => {
  const before = (await c.record.getRecords({ app, totalCount: true })).totalCount;
  const r = await raw(server, "POST", "/k/v1/bulkRequest.json", {
    body: {
      requests: [
        { method: "POST", api: "/k/v1/record.json", payload: { app, record: { s: { value: "kept?" } } } },
        { method: "PUT", api: "/k/v1/record.json", payload: { app, id: 3, revision: 99, record: {} } },
      ],
    },
  });
  assert.equal(r.status, 409);
  assert.deepEqual(r.json.results[0], {});
  assert.equal(r.json.results[1].code, "GAIA_CO02");
  assert.equal((await c.record.getRecords({ app, totalCount: true })).totalCount, before);
  try {
    await c.bulkRequest({ requests: [{ method: "GET", api: "/k/v1/record.json", payload: { app, id: 999999 } }] });
    assert.fail("should fail");
  } catch (e) {
    assert.equal(e.code, "GAIA_RE01");
    assert.equal(e.bulkRequestIndex, 0);
  }
});

test("bulkRequest refuses more than 20 requests and unknown APIs", async () => {
  const reqs = Array.from({ length: 21 }, () => ({ method: "POST", api: "/k/v1/record.json", payload: { app, record: {} } }));
  const r = await raw(server, "POST", "/k/v1/bulkRequest.json", { body: { requests: reqs } });
  assert.equal(r.json.code, "CB_VA01");
  const u = await raw(server, "POST", "/k/v1/bulkRequest.json", { body: { requests: [{ method: "GET", api: "/k/v1/nope.json", payload: {} }] } });
  assert.equal(u.json.results[0].code, "TS_NF01");
  const n = await raw(server, "POST", "/k/v1/bulkRequest.json", { body: { requests: [{ method: "POST", api: "/k/v1/bulkRequest.json", payload: { requests: [] } }] } });
  assert.equal(n.json.results[0].code, "CB_IL02");
});

test("bulkRequest refuses what answers with a file or runs on its own (exports, downloads, deploys), and stays up", async () => {
  for (const [method, api, payload] of [
    ["GET", "/k/v1/api/export.csv", { app }], ["GET", "/k/v1/file.json", { fileKey: "x" }],
    ["GET", "/k/v1/api/thumbnail", { fileKey: "x", size: 50 }], ["POST", "/k/v1/preview/app/deploy.json", { apps: [{ app }] }]]) {
    const r = await raw(server, "POST", "/k/v1/bulkRequest.json", { body: { requests: [
      { method: "POST", api: "/k/v1/record.json", payload: { app, record: {} } }, { method, api, payload }] } });
    assert.equal(r.status, 400, api);
    assert.equal(r.json.results[1].code, "CB_IL02", api);
  }
  assert.equal((await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}&limit=1` })).status, 200, "still serving");
});
