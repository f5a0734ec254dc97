// The audit log: sign-ins (and failures), settings and permission changes,
// deploys, exports, deletions and organisation changes, newest first, for
// administrators; each entry hashed with the one before, so a changed entry
// is found by /api/audit/verify.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startServer, client, raw, basic, makeApp, ADMIN_PASSWORD, dbQuery, dbRows } from "./helpers/server.mjs";

let server, c;
before(async () => {
  server = await startServer();
  c = client(server);
});
after(() => server.stop());

test("what was done is logged, newest first, with who, when, from where", async () => {
  assert.equal((await raw(server, "GET", "/k/v1/apps.json", { headers: basic("Administrator", "wrong") })).status, 401);
  const app = await makeApp(c, "監査対象", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const { ids } = await c.record.addRecords({ app, records: [{ t: { value: "a" } }, { t: { value: "b" } }] });
  await c.record.deleteRecords({ app, ids: [ids[0]] });
  await raw(server, "PUT", "/k/v1/preview/app/acl.json", { body: { app, rights: [{ entity: { type: "GROUP", code: "everyone" }, recordViewable: true }] } });
  assert.equal((await raw(server, "GET", "/api/export.csv", { query: `app=${app}` })).status, 200);
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "ono", name: "小野" }] } });
  const login = await fetch(`${server.base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "ono", password: "nope-nope" }) });
  assert.equal(login.status, 401);

  const ok = await fetch(`${server.base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "Administrator", password: ADMIN_PASSWORD }) });
  assert.equal(ok.status, 200);
  const { entries } = (await raw(server, "GET", "/api/audit")).json;
  const actions = entries.map((e) => e.action);
  assert.deepEqual(actions.slice(0, 5), ["login", "login.failed", "organisation", "records.export", "app.permissions"]);
  assert.equal(entries[0].user, "Administrator");
  for (const a of ["records.delete", "app.deploy", "app.settings", "app.create", "login.failed"]) assert.ok(actions.includes(a), a);
  assert.ok(!actions.includes("records.add"), "adding records is the records' own history, not the audit log");
  const failed = entries.filter((e) => e.action === "login.failed").map((e) => e.target);
  assert.deepEqual(failed, ["ono", "Administrator"]);
  const del = entries.find((e) => e.action === "records.delete");
  assert.equal(del.user, "Administrator");
  assert.match(del.target, new RegExp(`app=.*${app}`));
  assert.match(del.addr, /^(127\.0\.0\.1|::1)$/);
  assert.equal(entries.find((e) => e.action === "organisation").target, "users=ono", "whose user record changed");
  assert.match(entries[0].hash, /^[0-9a-f]{64}$/);
  const v = (await raw(server, "GET", "/api/audit/verify")).json;
  assert.deepEqual([v.ok, v.brokenAt], [true, null]);
  assert.equal(v.checked, String(entries.length));
  // only administrators read it
  await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "ono", name: "小野", password: "ono-password-1" }] } });
  assert.equal((await raw(server, "GET", "/api/audit", { headers: basic("ono", "ono-password-1") })).status, 403);
});

test("a deletion inside a bulk request is logged as one on its own", async () => {
  const app = await makeApp(c, "監査対象 (bulk)", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const { ids } = await c.record.addRecords({ app, records: [{ t: { value: "a" } }] });
  await c.bulkRequest({ requests: [
    { method: "POST", api: "/k/v1/record.json", payload: { app, record: { t: { value: "b" } } } },
    { method: "DELETE", api: "/k/v1/records.json", payload: { app, ids } },
  ] });
  const { entries } = (await raw(server, "GET", "/api/audit")).json;
  const del = entries.find((e) => e.action === "records.delete" && e.detail.startsWith("bulkRequest"));
  assert.ok(del, JSON.stringify(entries.slice(0, 3)));
  assert.equal(del.detail, "bulkRequest DELETE /records.json");
  assert.match(del.target, new RegExp(`app=.*${app}`));
});

test("entries cut from the end are found against an anchor noted earlier", async () => {
  const { last } = (await raw(server, "GET", "/api/audit/verify")).json;
  assert.ok(last && last.id && /^[0-9a-f]{64}$/.test(last.hash), JSON.stringify(last));
  const good = (await raw(server, "GET", "/api/audit/verify", { query: `anchor=${last.id}:${last.hash}` })).json;
  assert.equal(good.ok, true);
  assert.equal(good.anchorFound, true);
  dbQuery(server, `DELETE FROM audit WHERE id >= ${Number(last.id) - 1}`);
  const cut = (await raw(server, "GET", "/api/audit/verify", { query: `anchor=${last.id}:${last.hash}` })).json;
  assert.equal(cut.ok, false);
  assert.equal(cut.anchorFound, false);
});

test("an entry changed afterwards breaks the chain at that entry", async () => {
  dbQuery(server, `UPDATE audit SET "user"='someone-else' WHERE id=3`);
  const v = (await raw(server, "GET", "/api/audit/verify")).json;
  assert.equal(v.ok, false);
  assert.equal(v.brokenAt, "3");
});

test("the chain is keyed: rewriting an entry and recomputing every hash after it is still found", async () => {
  const { statSync } = await import("node:fs");
  const { createHash } = await import("node:crypto");
  assert.equal(statSync(join(server.data, "audit.key")).mode & 0o777, 0o600);
  const rows = dbRows(server, "SELECT * FROM audit ORDER BY id").map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
  // an attacker with the database but not the key: change entry 2 and re-hash the rest as plain SHA-256
  let prev = rows[0].hash;
  const sql = [];
  for (const r of rows.slice(1)) {
    if (r.id === 2) r.user = "nobody";
    const h = createHash("sha256").update(`${prev}\n${r.id}\n${r.at}\n${r.user}\n${r.addr}\n${r.action}\n${r.target}\n${r.detail}`).digest("hex");
    sql.push(`UPDATE audit SET "user"='${r.user.replace(/'/g, "''")}', hash='${h}' WHERE id=${r.id};`);
    prev = h;
  }
  dbQuery(server, sql.join(""));
  const v = (await raw(server, "GET", "/api/audit/verify")).json;
  assert.equal(v.ok, false);
  assert.equal(v.brokenAt, "2");
});
