// Request conventions (KINTONE-API.md §2, §11): bracket parameters, method
// override, DELETE bodies, numbers as strings, and bad input of every kind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp } from "./helpers/server.mjs";

let server, c, app;
before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "params", { s: { type: "SINGLE_LINE_TEXT", code: "s", label: "S" }, n: { type: "NUMBER", code: "n", label: "N" } });
  await c.record.addRecords({ app, records: [{ s: { value: "a" }, n: { value: 1 } }, { s: { value: "b" }, n: { value: 2 } }] });
});
after(() => server.stop());

test("bracket syntax in the query string, with sparse indices", async () => {
  const r = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}&fields%5B0%5D=s&fields%5B2%5D=n&query=order%20by%20n%20asc` });
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json.records[0]).sort(), ["n", "s"]);
  const u = await raw(server, "PUT", "/k/v1/record.json", { body: { app: String(app), updateKey: { field: "$id", value: "1" }, record: {} } });
  assert.equal(u.json.code, "CB_VA01", "$id is not an update key");
});

test("POST with X-HTTP-Method-Override: GET reads, with JSON numbers", async () => {
  const r = await raw(server, "POST", "/k/v1/records.json", { body: { app, query: "n = 2" }, headers: { "X-HTTP-Method-Override": "GET" } });
  assert.equal(r.status, 200);
  assert.equal(r.json.records[0].s.value, "b");
});

test("DELETE takes parameters from the query string or a JSON body", async () => {
  const { ids } = await c.record.addRecords({ app, records: [{ s: { value: "d1" } }, { s: { value: "d2" } }] });
  const q = await raw(server, "DELETE", "/k/v1/records.json", { query: `app=${app}&ids[0]=${ids[0]}&revisions[0]=1` });
  assert.equal(q.status, 200);
  const b = await raw(server, "DELETE", "/k/v1/records.json", { body: { app: String(app), ids: [Number(ids[1])], revisions: [null] } });
  assert.equal(b.status, 200);
});

test("ids, revisions and counts come back as strings; numbers accepted either way", async () => {
  const a = await raw(server, "POST", "/k/v1/record.json", { body: { app: String(app), record: { n: { value: 7 } } } });
  assert.equal(typeof a.json.id, "string");
  assert.equal(a.json.revision, "1");
  const g = await raw(server, "GET", "/k/v1/record.json", { query: `app=${app}&id=${a.json.id}` });
  assert.equal(g.json.record.n.value, "7");
});

test("bad input gets a clear error and changes nothing", async () => {
  const count = async () => (await c.record.getRecords({ app, totalCount: true })).totalCount;
  const before = await count();
  const cases = [
    ["POST", "/k/v1/record.json", { body: "{not json" }, 400, "CB_IJ01"],
    ["POST", "/k/v1/record.json", { body: "[1,2]" }, 400, "CB_IJ01"],
    ["POST", "/k/v1/record.json", { body: '{"app":1,"app":2}' }, 400, "CB_IJ01"],
    ["POST", "/k/v1/record.json", { body: {} }, 400, "CB_VA01"],
    ["POST", "/k/v1/record.json", { body: { app: "abc" } }, 400, "CB_VA01"],
    ["POST", "/k/v1/record.json", { body: { app: 0 } }, 400, "CB_VA01"],
    ["POST", "/k/v1/record.json", { body: { app, record: "x" } }, 400, "CB_VA01"],
    ["POST", "/k/v1/record.json", { body: { app, record: { s: "not an object" } } }, 400, "CB_VA01"],
    ["POST", "/k/v1/record.json", { body: { app, record: { s: { value: { deep: 1 } } } } }, 400, "CB_VA01"],
    ["POST", "/k/v1/records.json", { body: { app, records: "x" } }, 400, "CB_VA01"],
    ["GET", "/k/v1/records.json", { query: `app=${app}&fields[x][0]=1&fields[0]=2` }, 400, "CB_VA01"],
    ["GET", "/k/v1/records.json", { query: `app=${app}&fields[999999]=s` }, 400, "CB_VA01"],
    ["GET", "/k/v1/nothing.json", {}, 404, "TS_NF01"],
    ["PATCH", "/k/v1/record.json", {}, 405, "TS_MA01"],
    ["PUT", "/k/v1/app/form/fields.json", { body: { app, properties: {} } }, 404, "TS_NF01"],
    ["GET", "/k/v1/record.json", { query: `app=${app}&id=1'%20OR%201=1` }, 400, "CB_VA01"],
    ["GET", "/k/v1/records.json", { query: `app=${app}&query=s%20%3D%20%22x%22%3B%20DROP%20TABLE%20r1` }, 400, "CB_VA01"],
  ];
  for (const [method, path, opts, status, code] of cases) {
    const r = await raw(server, method, path, opts);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(opts)}`);
    assert.equal(r.json.code, code, `${method} ${path} ${JSON.stringify(opts)}`);
  }
  assert.equal(await count(), before);
});

test("guest-space paths reach the same API", async () => {
  const r = await raw(server, "GET", "/k/guest/1/v1/records.json", { query: `app=${app}` });
  assert.equal(r.status, 200);
});

test("answers carry kintone's headers", async () => {
  const r = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}` });
  assert.equal(r.headers.get("x-concurrencylimit-limit"), "100");
  assert.match(r.headers.get("content-type"), /application\/json; charset=utf-8/);
});

test("the server listens on IPv4 and IPv6 loopback", async () => {
  for (const host of ["127.0.0.1", "[::1]"]) {
    const res = await fetch(`http://${host}:${server.port}/`);
    assert.equal(res.status, 200, host);
  }
});

test("inputs past their limits get a kintone error, not a crash", async () => {
  // refused from its Content-Length, before the body is read: the answer may
  // reach the client, or the connection closes while it is still sending
  const big = await raw(server, "POST", "/k/v1/record.json", { body: '{"app":1,"pad":"' + "x".repeat(65 * 1024 * 1024) + '"}' })
    .catch((e) => ({ status: 413, json: { code: "TS_TL01" }, closed: e }));
  assert.equal(big.status, 413);
  assert.equal(big.json.code, "TS_TL01");
  const long = await raw(server, "POST", "/k/v1/records.json", {
    body: { app, query: "s = " + JSON.stringify("x".repeat(70000)) }, headers: { "X-HTTP-Method-Override": "GET" } });
  assert.equal(long.json.code, "CB_VA01");
  const deep = await raw(server, "POST", "/k/v1/records.json", {
    body: { app, query: "(".repeat(100) + "n = 1" + ")".repeat(100) }, headers: { "X-HTTP-Method-Override": "GET" } });
  assert.equal(deep.json.code, "CB_VA01");
  const nested = await raw(server, "POST", "/k/v1/record.json", { body: '{"app":1,"x":' + "[".repeat(5000) + "]".repeat(5000) + "}" });
  assert.ok([400].includes(nested.status));
  assert.equal((await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}` })).status, 200, "still serving");
});
