// What several servers must agree on lives in the database (docs/state.md):
// two servers on one database (one SQLite data folder, or one PostgreSQL
// database when the suite runs there) continue each other's cursors and
// sessions, share sign-in locks, records and deploys, wake each other's long
// polls, send each reminder and each mail once, and a server killed during
// concurrent writes leaves every batch whole.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { startServer, client, basic, makeApp, raw, BIN, dataArgs } from "./helpers/server.mjs";

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

test("a session made on one server works on the other", async () => {
  const login = await fetch(a.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "Administrator", password: "admin-password-1" }) });
  assert.equal(login.status, 200);
  const { requestToken } = await login.json();
  const h = { Cookie: login.headers.get("set-cookie").split(";")[0], "X-Cybozu-Authorization": "" };
  assert.equal((await raw(b, "GET", "/api/session", { headers: h })).json.user.code, "Administrator");
  const add = await raw(b, "POST", "/k/v1/record.json", { headers: h, body: { app, record: { n: { value: "7" } }, __REQUEST_TOKEN__: requestToken } });
  assert.equal(add.status, 200, JSON.stringify(add.json));
});

test("a notice written through one server wakes a long poll held by the other", async () => {
  const r = await raw(a, "POST", "/v1/users.json", { body: { users: [{ code: "kato", name: "加藤", password: "kato-password-1" }] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const kato = { "X-Cybozu-Authorization": Buffer.from("kato:kato-password-1").toString("base64") };
  const { newest } = (await raw(b, "GET", "/api/notifications/unread", { headers: kato })).json;
  const t0 = Date.now();
  const poll = raw(b, "GET", "/api/notifications/unread", { headers: kato, query: `after=${newest}&wait=20` });
  await new Promise((r) => setTimeout(r, 300)); // the poll is held by now
  const sent = await raw(a, "POST", "/api/circulars", { body: { app, record: 1, message: "回覧です", to: [{ entity: { type: "USER", code: "kato" } }] } });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  const woke = (await poll).json;
  assert.ok(woke.newest > newest && woke.unread >= 1, JSON.stringify(woke));
  assert.ok(Date.now() - t0 < 10000, "woken by the notice, not by the wait running out");
});

test("a due reminder is sent once when two servers' reminder jobs run at the same moment", async () => {
  const rapp = await makeApp(client(a), "期限", { due: { type: "DATETIME", code: "due", label: "期限" } });
  await client(a).app.updateReminderNotifications({ app: rapp, timezone: "Asia/Tokyo", notifications: [
    { timing: { code: "due", daysLater: 0, hoursLater: -1 }, title: "一度だけ", targets: [{ entity: { type: "USER", code: "Administrator" } }] },
  ] });
  await client(a).app.deployApp({ apps: [{ app: rapp }] });
  for (let i = 0; i < 50 && (await client(a).app.getDeployStatus({ apps: [rapp] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const { id } = await client(b).record.addRecord({ app: rapp, record: { due: { value: "2032-03-01T09:00:00Z" } } });
  const run = (at) => new Promise((resolve, reject) => {
    const p = spawn(BIN, ["reminders", ...dataArgs(a), "--at", at], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(err))));
  });
  await run("2032-03-01T07:00:00Z"); // the first run marks where reminders start
  await Promise.all([run("2032-03-01T08:30:00Z"), run("2032-03-01T08:30:00Z"), run("2032-03-01T08:31:00Z")]);
  const notes = (await raw(b, "GET", "/api/notifications", { query: "limit=100" })).json.notifications;
  assert.equal(notes.filter((n) => n.kind === "REMINDER" && n.record === Number(id)).length, 1);
});

test("a server killed during concurrent 100-record writes through both leaves every batch whole", async () => {
  const wapp = await makeApp(client(a), "同時書き込み", { batch: { type: "SINGLE_LINE_TEXT", code: "batch", label: "batch" } });
  const acked = new Set(), tried = new Set();
  let stop = false;
  const writer = async (w) => {
    for (let k = 0; !stop; k++) {
      const server = (w + k) % 2 ? a : b;
      const batch = `w${w}-b${k}`;
      tried.add(batch);
      try {
        const res = await fetch(server.base + "/k/v1/records.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
          body: JSON.stringify({ app: wapp, records: Array.from({ length: 100 }, () => ({ batch: { value: batch } })) }) });
        if (res.ok && (await res.json()).ids.length === 100) acked.add(batch);
      } catch {} // b is gone: go on through a
    }
  };
  const load = [0, 1, 2, 3].map(writer);
  for (let i = 0; i < 200 && acked.size < 4; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
  await b.crash();
  await new Promise((r) => setTimeout(r, 300)); // writes go on through a
  stop = true;
  await Promise.all(load);
  const rows = await client(a).record.getAllRecords({ app: wapp, fields: ["batch"] });
  const counts = new Map();
  for (const r of rows) counts.set(r.batch.value, (counts.get(r.batch.value) ?? 0) + 1);
  for (const x of acked) assert.equal(counts.get(x), 100, `acknowledged batch ${x} must be whole`);
  for (const [x, n] of counts) {
    assert.ok(tried.has(x), `unknown batch ${x}`);
    assert.equal(n, 100, `batch ${x} half applied: ${n} of 100`);
  }
  assert.ok(acked.size > 4, `writes were flowing: ${acked.size}`);
  b = await startServer({ data: a.data }); // for after()
});

// last: it locks this address for every sign-in
test("ten failed sign-ins through one server lock the name on the other", async () => {
  for (let i = 0; i < 10; i++)
    await fetch(a.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "nobody-x", password: "wrong" + i }) });
  const r = await fetch(b.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "nobody-x", password: "wrong" }) });
  assert.equal(r.status, 429);
});
