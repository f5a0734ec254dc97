// Authentication: password header, API tokens, browser sessions with CSRF,
// and the failed-login limit (KINTONE-API.md §1).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, client, raw, rejects, makeApp, basic, BIN, dataArgs } from "./helpers/server.mjs";

let server, c, app, app2;
before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "auth", { s: { type: "SINGLE_LINE_TEXT", code: "s", label: "S" } });
  app2 = await makeApp(c, "auth2", { s: { type: "SINGLE_LINE_TEXT", code: "s", label: "S" } });
});
after(() => server.stop());

test("no credentials is CB_AU01, a wrong password CB_WA01", async () => {
  const r = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}`, headers: { "X-Cybozu-Authorization": "" } });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, "CB_AU01");
  const bad = client(server, { username: "Administrator", password: "wrong" });
  await rejects(bad.record.getRecords({ app }), "CB_WA01", 401);
  const garbage = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}`, headers: { "X-Cybozu-Authorization": "%%%not base64" } });
  assert.equal(garbage.json.code, "CB_WA01");
});

test("the CLI manages users; a changed password takes effect at once", async () => {
  const env = { ...process.env, TSUMIKI_PASSWORD: "first-pass-1" };
  execFileSync(BIN, ["user", "add", "sato", "--name", "佐藤", "--lang", "ja", ...dataArgs(server)], { env });
  const list = execFileSync(BIN, ["user", "list", ...dataArgs(server)]).toString();
  assert.match(list, /sato\s+佐藤/);
  const sato = client(server, { username: "sato", password: "first-pass-1" });
  await sato.record.getRecords({ app });
  execFileSync(BIN, ["user", "passwd", "sato", ...dataArgs(server)], { env: { ...process.env, TSUMIKI_PASSWORD: "second-pass-2" } });
  await rejects(sato.record.getRecords({ app }), "CB_WA01");
  await client(server, { username: "sato", password: "second-pass-2" }).record.getRecords({ app });
  // Japanese user: messages in Japanese whatever the browser says
  const r = await raw(server, "GET", "/k/v1/record.json", { query: `app=${app}&id=99999`, headers: basic("sato", "second-pass-2") });
  assert.match(r.json.message, /見つかりません/);
});

test("API tokens carry rights for one app", async () => {
  const made = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view", "add"], note: "import job" } });
  assert.equal(made.status, 200);
  const token = made.json.token;
  assert.match(token, /^[A-Za-z0-9]{40}$/);
  const t = client(server, { apiToken: token });
  await t.record.addRecord({ app, record: { s: { value: "by token" } } });
  const { records } = await t.record.getRecords({ app, query: 's = "by token"' });
  assert.equal(records[0].Created_by.value.code, "Administrator", "token work is recorded as Administrator");
  await rejects(t.record.deleteRecords({ app, ids: [records[0].$id.value] }), "GAIA_NO01", 403);
  await rejects(t.record.getRecords({ app: app2 }), "GAIA_IA02", 400);
  await rejects(t.app.addApp({ name: "no" }), "CB_NO02", 403);
  await rejects(t.app.addFormFields({ app, properties: { x: { type: "NUMBER", code: "x", label: "x" } } }), "GAIA_NO01", 403);
  // several tokens: the one for the app is used
  const other = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: app2, permissions: ["view"] } })).json.token;
  const both = client(server, { apiToken: [other, token] });
  await both.record.getRecords({ app });
  await both.record.getRecords({ app: app2 });
  // listing shows no secret, revoking ends the token
  const list = await raw(server, "GET", "/k/v1/app/apiTokens.json", { query: `app=${app}` });
  assert.equal(list.json.tokens[0].permissions, "view,add");
  assert.equal(JSON.stringify(list.json).includes(token), false);
  await raw(server, "DELETE", "/k/v1/app/apiTokens.json", { body: { app, id: made.json.id } });
  await rejects(t.record.getRecords({ app }), "CB_WA01", 401);
  await rejects(client(server, { apiToken: "nonsense" }).record.getRecords({ app }), "CB_WA01");
});

test("the CLI creates and revokes tokens", async () => {
  const out = execFileSync(BIN, ["token", "add", "--app", String(app), "--perms", "view,edit", ...dataArgs(server)]).toString();
  const token = out.trim().split("\n").pop();
  await client(server, { apiToken: token }).record.getRecords({ app });
  const id = out.match(/token (\d+)/)[1];
  execFileSync(BIN, ["token", "revoke", "--app", String(app), "--id", id, ...dataArgs(server)]);
  await rejects(client(server, { apiToken: token }).record.getRecords({ app }), "CB_WA01");
});

test("browser sessions: HttpOnly cookie, and the request token on every write", async () => {
  const login = await fetch(server.base + "/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "Administrator", password: "admin-password-1" }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get("set-cookie");
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const session = cookie.split(";")[0];
  const { requestToken } = await login.json();
  const h = { Cookie: session, "X-Cybozu-Authorization": "" };
  const me = await raw(server, "GET", "/api/session", { headers: h });
  assert.equal(me.json.user.code, "Administrator");
  assert.equal(me.json.requestToken, requestToken);
  const read = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}`, headers: h });
  assert.equal(read.status, 200);
  const noToken = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: {} }, headers: h });
  assert.equal(noToken.json.code, "CB_NO02");
  const wrong = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: {}, __REQUEST_TOKEN__: "x" }, headers: h });
  assert.equal(wrong.json.code, "CB_NO02");
  const ok = await raw(server, "POST", "/k/v1/record.json", { body: { app, record: {}, __REQUEST_TOKEN__: requestToken }, headers: h });
  assert.equal(ok.status, 200);
  const del = await raw(server, "DELETE", "/k/v1/records.json", { query: `app=${app}&ids[0]=${ok.json.id}&__REQUEST_TOKEN__=${requestToken}`, headers: h });
  assert.equal(del.status, 200);
  await raw(server, "POST", "/api/logout", { headers: h, body: {} });
  const after = await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}`, headers: h });
  assert.equal(after.json.code, "CB_AU01");
});

test("failed logins are limited per account", async (t) => {
  // a server of its own: the failures lock this address too, for everyone
  const server = await startServer();
  t.after(() => server.stop());
  assert.equal((await fetch(server.base + "/k/v1/apps.json", { headers: basic() })).status, 200, "verified before the lock");
  const env = { ...process.env, TSUMIKI_PASSWORD: "victim-pass-1" };
  execFileSync(BIN, ["user", "add", "victim", ...dataArgs(server)], { env });
  let last;
  for (let i = 0; i < 12; i++) {
    last = await fetch(server.base + "/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "victim", password: "guess" + i }),
    });
  }
  assert.equal(last.status, 429);
  // even the right password waits now
  const right = await fetch(server.base + "/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept-Language": "ja" },
    body: JSON.stringify({ username: "victim", password: "victim-pass-1" }),
  });
  assert.equal(right.status, 429);
  assert.match((await right.json()).message, /一時的に/);
  // credentials verified before the lock are held by it too: otherwise, while
  // their owner works, every guess would be answered at once, the right one with 200
  const admin = await fetch(server.base + "/k/v1/apps.json", { headers: basic() });
  assert.equal(admin.status, 429, "the address is locked");
});

test("/v1/users.json lists people for pickers: codes[], offset and size, never to a token", async () => {
  const env = { ...process.env, TSUMIKI_PASSWORD: "pick-pass-1" };
  for (const [code, name] of [["u-aoki", "青木"], ["u-baba", "馬場"], ["u-chiba", "千葉"]])
    execFileSync(BIN, ["user", "add", code, "--name", name, ...dataArgs(server)], { env });
  const all = await raw(server, "GET", "/v1/users.json");
  assert.equal(all.status, 200);
  const codes = all.json.users.map((u) => u.code);
  assert.ok(["Administrator", "u-aoki", "u-baba", "u-chiba"].every((c) => codes.includes(c)));
  const aoki = all.json.users.find((u) => u.code === "u-aoki");
  assert.equal(aoki.name, "青木");
  assert.equal(aoki.valid, true);
  assert.equal(aoki.pwhash, undefined);
  const some = await raw(server, "GET", "/v1/users.json", { query: "codes[0]=u-baba&codes[1]=u-chiba" });
  assert.deepEqual(some.json.users.map((u) => u.name), ["馬場", "千葉"]);
  const page = await raw(server, "GET", "/v1/users.json", { query: "codes[0]=u-baba&codes[1]=u-chiba&offset=1&size=1" });
  assert.deepEqual(page.json.users.map((u) => u.code), ["u-chiba"]);
  assert.equal((await raw(server, "GET", "/v1/users.json", { query: "size=101" })).status, 400);
  const anon = await raw(server, "GET", "/v1/users.json", { headers: { "X-Cybozu-Authorization": "" } });
  assert.equal(anon.json.code, "CB_AU01");
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } })).json;
  const byToken = await raw(server, "GET", "/v1/users.json", { headers: { "X-Cybozu-Authorization": "", "X-Cybozu-API-Token": token } });
  assert.equal(byToken.status, 403);
});
