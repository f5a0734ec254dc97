// What several servers must agree on lives in the database (docs/state.md):
// two servers on one data folder (SQLite here; PostgreSQL later) continue
// each other's cursors and share sign-in locks and records.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, basic, makeApp } from "./helpers/server.mjs";

let a, b, app;
before(async () => {
  a = await startServer();
  b = await startServer({ data: a.data });
  app = await makeApp(client(a), "共有", { n: { type: "NUMBER", code: "n", label: "n" } });
  await client(a).record.addRecords({ app, records: Array.from({ length: 5 }, (_, i) => ({ n: { value: String(i) } })) });
});
after(async () => {
  await b.crash(); /* keeps the shared folder for a, which removes it */
  await a.stop();
});

test("a cursor made on one server is continued on the other", async () => {
  const { id } = await client(a).record.createCursor({ app, query: "order by n asc", size: 2 });
  const first = await client(b).record.getRecordsByCursor({ id });
  assert.deepEqual(first.records.map((r) => r.n.value), ["0", "1"]);
  const second = await client(a).record.getRecordsByCursor({ id });
  assert.deepEqual(second.records.map((r) => r.n.value), ["2", "3"]);
  const last = await client(b).record.getRecordsByCursor({ id });
  assert.deepEqual([last.records.map((r) => r.n.value), last.next], [["4"], false]);
});

test("ten failed sign-ins through one server lock the name on the other", async () => {
  for (let i = 0; i < 10; i++)
    await fetch(a.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "nobody-x", password: "wrong" + i }) });
  const r = await fetch(b.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "nobody-x", password: "wrong" }) });
  assert.equal(r.status, 429);
});

test("a write through one server is read through the other at once", async () => {
  const { id } = await client(a).record.addRecord({ app, record: { n: { value: "42" } } });
  assert.equal((await client(b).record.getRecord({ app, id })).record.n.value, "42");
  const res = await fetch(`${b.base}/k/v1/records.json?app=${app}&query=${encodeURIComponent("n = 42")}`, { headers: basic() });
  assert.equal((await res.json()).records.length, 1);
});

test("a deploy through one server is seen by the other's next request", async () => {
  await client(b).app.getFormFields({ app }); // b has the app compiled and cached
  await client(b).record.getRecords({ app });
  await client(a).app.addFormFields({ app, properties: { memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "メモ" } } });
  await client(a).app.deployApp({ apps: [{ app }] });
  const { id } = await client(b).record.addRecord({ app, record: { memo: { value: "新しい欄" } } });
  assert.equal((await client(b).record.getRecord({ app, id })).record.memo.value, "新しい欄");
});

test("mail waiting in the outbox is sent once, however many servers send", async () => {
  const { startSmtpSink } = await import("./helpers/smtp.mjs");
  const { raw } = await import("./helpers/server.mjs");
  const smtp = await startSmtpSink();
  try {
    await raw(a, "PUT", "/api/system/mail", { body: { enabled: true, url: smtp.url, from: "tsumiki@city.example.jp", baseUrl: "http://localhost:8080" } });
    for (let i = 0; i < 10; i++)
      await raw(i % 2 ? a : b, "POST", "/api/system/mail/test", { body: { to: `once${i}@city.example.jp` } });
    for (let i = 0; i < 10; i++) await smtp.waitFor((x) => x.to.includes(`once${i}@city.example.jp`));
    await new Promise((r) => setTimeout(r, 2500)); // both senders have had their turns since
    for (let i = 0; i < 10; i++)
      assert.equal(smtp.messages.filter((x) => x.to.includes(`once${i}@city.example.jp`)).length, 1, `once${i}`);
  } finally {
    await raw(a, "PUT", "/api/system/mail", { body: { enabled: false, url: smtp.url, from: "tsumiki@city.example.jp", baseUrl: "http://localhost:8080" } });
    await smtp.stop();
  }
});
