// What an unauthenticated or hostile client can cost and change (issue 11):
// bodies are refused from their headers before they are read, uploads store
// nothing, logins come only from this site, answers are never cached or
// sniffed, and behind a trusted proxy one person's bad logins lock only them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { startServer, basic, ADMIN_PASSWORD, dataArgs, dbQuery } from "./helpers/server.mjs";

let server;
before(async () => { server = await startServer(); });
after(() => server.stop());

const peakRss = () => Number(readFileSync(`/proc/${server.proc.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)[1]) * 1024;

// Send a body of `size` bytes (streamed, never in memory at once) and resolve
// with the answer's status, or "closed" when the server hung up mid-body.
function send(path, size, headers) {
  return new Promise((resolve) => {
    const req = request(server.base + path, { method: "POST", headers: { "Content-Length": String(size), ...headers } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve("closed"));
    const chunk = Buffer.alloc(1 << 20, 0x61);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

test("three unauthenticated 16 MB bodies are refused unread: the server's peak memory barely moves", async () => {
  const before = peakRss();
  const answers = await Promise.all([1, 2, 3].map(() => send("/k/v1/records.json", 16 << 20, { "Content-Type": "application/json" })));
  for (const a of answers) assert.ok(a === 401 || a === "closed", String(a));
  const grew = peakRss() - before;
  assert.ok(grew < 8 << 20, `peak RSS grew by ${grew} bytes`);
  const ok = await fetch(server.base + "/k/v1/apps.json", { headers: basic() });
  assert.equal(ok.status, 200, "still serving");
});

test("an unauthenticated 200 MB upload stores nothing", async () => {
  const answer = await send("/k/v1/file.json", 200 << 20, { "Content-Type": "multipart/form-data; boundary=x" });
  assert.ok(answer === 401 || answer === "closed", String(answer));
  assert.deepEqual(readdirSync(join(server.data, "files", "tmp")), []);
});

test("a body larger than the route takes is refused (413) even when signed in", async () => {
  const r = await send("/k/v1/record/comment.json", 2 << 20, { ...basic(), "Content-Type": "application/json" });
  assert.ok(r === 413 || r === "closed", String(r));
});

test("login needs JSON from this site: no form posts, no cross-site requests", async () => {
  const body = JSON.stringify({ username: "Administrator", password: ADMIN_PASSWORD });
  const form = await fetch(server.base + "/api/login", { method: "POST", headers: { "Content-Type": "text/plain" }, body });
  assert.equal(form.status, 400);
  assert.equal(form.headers.get("set-cookie"), null);
  const cross = await fetch(server.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" }, body });
  assert.equal(cross.status, 403);
  assert.equal(cross.headers.get("set-cookie"), null);
  const same = await fetch(server.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" }, body });
  assert.equal(same.status, 200);
});

test("API answers are neither sniffed nor cached; pages send no referrer elsewhere", async () => {
  for (const r of [await fetch(server.base + "/k/v1/apps.json", { headers: basic() }), await fetch(server.base + "/k/v1/apps.json")]) {
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("cache-control"), "no-store");
  }
  const page = await fetch(server.base + "/");
  assert.equal(page.headers.get("referrer-policy"), "same-origin");
});

test("behind a trusted proxy, bad logins lock the address they came from, not everyone's", async () => {
  const proxied = await startServer({ args: ["--trusted-proxy", "127.0.0.1"] });
  try {
    const login = (addr, password) => fetch(proxied.base + "/k/v1/apps.json", {
      headers: { ...basic("Administrator", password), "X-Forwarded-For": `203.0.113.9, ${addr}` } });
    for (let i = 0; i < 10; i++) await login("198.51.100.1", "wrong-" + i);
    // 198.51.100.1 is locked even with the right password ...
    assert.equal((await login("198.51.100.1", ADMIN_PASSWORD)).status, 429);
    // ... but the name is locked too (ten failures for it): another name from
    // another address still gets in, and so does anyone once the name's lock ends
    const other = await fetch(proxied.base + "/k/v1/apps.json", {
      headers: { ...basic("nobody-here", "x"), "X-Forwarded-For": "198.51.100.2" } });
    assert.equal(other.status, 401, "another address is not locked");
    // a client that is not the proxy cannot choose its address
    const direct = await fetch(server.base + "/k/v1/apps.json", { headers: { ...basic(), "X-Forwarded-For": "198.51.100.1" } });
    assert.equal(direct.status, 200);
  } finally {
    await proxied.stop();
  }
});

test("the database, its WAL and stored files are the owner's alone", async () => {
  const { statSync } = await import("node:fs");
  await fetch(server.base + "/k/v1/apps.json", { headers: basic() });
  for (const p of [...(server.db ? [] : ["tsumiki.db", "tsumiki.db-wal"]), "files", "files/tmp"]) {
    const mode = statSync(join(server.data, p)).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${p} is ${mode.toString(8)}`);
  }
});

test("the command line keeps the API's rules and writes the same audit entries", async () => {
  const { spawnSync } = await import("node:child_process");
  const { BIN } = await import("./helpers/server.mjs");
  const run = (args, password) => spawnSync(BIN, [...args, ...dataArgs(server)], { env: { ...process.env, TSUMIKI_PASSWORD: password } });
  // a password counted in characters: seven kana are 21 bytes, still too short
  assert.notEqual(run(["user", "add", "kana"], "あいうえおかき").status, 0);
  assert.notEqual(run(["user", "add", "bad code!"], "long-enough-1").status, 0, "the API's login-code rule");
  assert.equal(run(["user", "add", "cli_user", "--name", "窓口"], "long-enough-1").status, 0);
  assert.equal(run(["user", "passwd", "cli_user"], "another-one-2").status, 0);
  const log = await (await fetch(server.base + "/api/audit?limit=10", { headers: basic() })).json();
  const cli = log.entries.filter((e) => e.addr === "cli").map((e) => `${e.action} ${e.target} ${e.detail}`);
  assert.ok(cli.includes("organisation cli_user tsumiki user add"), JSON.stringify(cli));
  assert.ok(cli.includes("organisation cli_user tsumiki user passwd"), JSON.stringify(cli));
  const me = await fetch(server.base + "/k/v1/apps.json", { headers: basic("cli_user", "another-one-2") });
  assert.equal(me.status, 200);
});

test("a first start refuses an administrator password shorter than every other", async () => {
  const { spawnSync } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { BIN } = await import("./helpers/server.mjs");
  const data = mkdtempSync(join(tmpdir(), "tsumiki-short-"));
  const r = spawnSync(BIN, ["serve", "--port", "1", "--data", data], { env: { ...process.env, TSUMIKI_ADMIN_PASSWORD: "short" }, timeout: 10000 });
  rmSync(data, { recursive: true, force: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr.toString(), /TSUMIKI_ADMIN_PASSWORD/);
});

test("rich text is stored as formatting only: no scripts, handlers or javascript: links", async () => {
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const c = mk(server);
  const app = await make(c, "リッチ", { body: { type: "RICH_TEXT", code: "body", label: "本文", defaultValue: "<b onclick=\"x()\">既定</b>" } });
  const { id } = await c.record.addRecord({ app, record: { body: { value:
    '<div>報告<img src=x onerror="fetch(\'/k/v1/records.json\')"><script>alert(1)</script>' +
    '<a href="javascript:alert(1)">link</a><iframe src="//evil"></iframe></div>' } } });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.body.value, '<div>報告<img src="x"><a>link</a></div>');
  const d = await c.record.addRecord({ app, record: {} });
  assert.equal((await c.record.getRecord({ app, id: d.id })).record.body.value, "<b>既定</b>");
});

test("HTTPS with --tls-cert and --tls-key: HSTS on pages and answers, the session cookie Secure", async () => {
  const { execFileSync, spawn } = await import("node:child_process");
  const { mkdtempSync, readFileSync: read, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const https = await import("node:https");
  const { BIN } = await import("./helpers/server.mjs");
  const dir = mkdtempSync(join(tmpdir(), "tsumiki-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
    "-days", "1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  const port = 20000 + Math.floor(Math.random() * 30000);
  const proc = spawn(BIN, ["serve", "--data", join(dir, "data"), "--port", String(port), "--listen", "127.0.0.1",
    "--tls-cert", join(dir, "cert.pem"), "--tls-key", join(dir, "key.pem")], { env: { ...process.env, TSUMIKI_ADMIN_PASSWORD: ADMIN_PASSWORD }, stdio: "ignore" });
  const ca = read(join(dir, "cert.pem"));
  const get = (path, opts = {}) => new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", servername: "localhost", port, path, ca, ...opts }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
  try {
    let page;
    for (let i = 0; i < 100 && !page; i++) page = await get("/").catch(() => new Promise((r) => setTimeout(r, 50)));
    assert.equal(page.status, 200);
    assert.equal(page.headers["strict-transport-security"], "max-age=31536000");
    const login = await get("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "Administrator", password: ADMIN_PASSWORD }) });
    assert.equal(login.status, 200);
    assert.match(login.headers["set-cookie"][0], /; Secure/);
    assert.equal(login.headers["strict-transport-security"], "max-age=31536000");
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.on("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test("plain HTTP sets no Secure cookie, unless the trusted proxy says the client used HTTPS", async () => {
  const body = JSON.stringify({ username: "Administrator", password: ADMIN_PASSWORD });
  const plain = await fetch(server.base + "/api/login", { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-Proto": "https" }, body });
  assert.doesNotMatch(plain.headers.get("set-cookie"), /Secure/, "only the trusted proxy is believed");
  const proxied = await startServer({ args: ["--trusted-proxy", "127.0.0.1"] });
  try {
    // from 127.0.0.1 itself: "localhost" may go over ::1, which is not the trusted proxy
    const r = await fetch(proxied.base.replace("localhost", "127.0.0.1") + "/api/login", { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7" }, body });
    assert.match(r.headers.get("set-cookie"), /; Secure/);
  } finally {
    await proxied.stop();
  }
});

test("a full disk answers 507 TS_SF01, keeps what was acknowledged, and serves reads", async (t) => {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync, writeFileSync, rmSync, openSync, writeSync, closeSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const mnt = mkdtempSync(join(tmpdir(), "tsumiki-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt], { stdio: "ignore" });
  } catch {
    rmSync(mnt, { recursive: true, force: true });
    return t.skip("no tmpfs can be mounted here (needs root)");
  }
  let s;
  try {
    s = await startServer({ data: join(mnt, "data") });
    const c = mk(s);
    const app = await make(c, "満杯", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
    const { id } = await c.record.addRecord({ app, record: { t: { value: "before" } } });
    // an upload larger than the space left
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(30 << 20, 1)]), "big.bin");
    const up = await fetch(s.base + "/k/v1/file.json", { method: "POST", headers: basic(), body: form });
    assert.equal(up.status, 507, "the upload");
    assert.equal((await up.json()).code, "TS_SF01");
    // on PostgreSQL the database lives on the cluster's disk, not this one
    if (s.db) return;
    // fill what is left, then a write
    const fd = openSync(join(mnt, "filler"), "w");
    try { for (;;) writeSync(fd, Buffer.alloc(1 << 16)); } catch {}
    closeSync(fd);
    let answer;
    for (let i = 0; i < 200 && answer?.status !== 507; i++)
      answer = await fetch(s.base + "/k/v1/record.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
        body: JSON.stringify({ app, record: { t: { value: "x".repeat(60000) } } }) });  // past whatever the WAL already holds
    const said = await answer.json();
    assert.equal(answer.status, 507, `a write: ${JSON.stringify(said)}\n${s.log().split("\n").filter((l) => /ERROR|WARN/.test(l)).slice(-5).join("\n")}`);
    assert.equal(said.code, "TS_SF01");
    assert.equal((await c.record.getRecord({ app, id })).record.t.value, "before", "reads go on");
    assert.match(s.log(), /disk is full/);
  } finally {
    await s?.crash();
    execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});

test("a deleted record stays out of reach of those whom record rights kept out: history and files", async () => {
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const admin = mk(server);
  await fetch(server.base + "/v1/users.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
    body: JSON.stringify({ users: ["alice_d", "bob_d"].map((code) => ({ code, name: code, password: "deleted-pass-1" })) }) });
  const app = await make(admin, "自分の記録", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" }, f: { type: "FILE", code: "f", label: "f" } });
  await admin.app.updateRecordAcl({ app, rights: [{ filterCond: "", entities: [{ entity: { type: "CREATOR" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const alice = mk(server, { username: "alice_d", password: "deleted-pass-1" });
  const { fileKey: up } = await alice.file.uploadFile({ file: { name: "private.txt", data: "alice only" } });
  const { id } = await alice.record.addRecord({ app, record: { t: { value: "alice の秘密" }, f: { value: [{ fileKey: up }] } } });
  const fileKey = (await alice.record.getRecord({ app, id })).record.f.value[0].fileKey;
  const asBob = (path, query) => fetch(`${server.base}${path}?${query}`, { headers: basic("bob_d", "deleted-pass-1") });
  assert.equal((await asBob("/k/v1/record/history.json", `app=${app}&id=${id}`)).status, 403);
  await alice.record.deleteRecords({ app, ids: [id] });
  const history = await asBob("/k/v1/record/history.json", `app=${app}&id=${id}`);
  assert.equal(history.status, 404);
  assert.equal((await history.json()).code, "GAIA_RE01");
  const file = await asBob("/k/v1/file.json", `fileKey=${fileKey}`);
  assert.equal(file.status, 404);
  assert.doesNotMatch(await file.text(), /alice only/);
  // the administrator, whom no record right restricts, still reads the history
  assert.equal((await fetch(`${server.base}/k/v1/record/history.json?app=${app}&id=${id}`, { headers: basic() })).status, 200);
});

test("credentials refused without a password check count against the address: no endless audit entries", async () => {
  const s = await startServer();
  try {
    const statuses = [];
    for (let i = 0; i < 30; i++) {
      const h = i % 2 ? { "X-Cybozu-Authorization": "bm8tY29sb24=" } : { "X-Cybozu-API-Token": "nonsense" + i };
      statuses.push((await fetch(s.base + "/k/v1/apps.json", { headers: h })).status);
    }
    assert.ok(statuses.slice(0, 10).every((x) => x === 401), statuses.join());
    assert.ok(statuses.slice(10).every((x) => x === 429), statuses.join());
    // the address is locked for every sign-in now, so the log is read from the database
    const failed = dbQuery(s, "SELECT count(*) FROM audit WHERE action='login.failed'");
    assert.equal(Number(failed.toString()), 10);
  } finally {
    await s.stop();
  }
});

test("the upload quota holds whether the size is declared or the body comes in chunks", async () => {
  const { execFileSync } = await import("node:child_process");
  const s = await startServer();
  try {
    // Administrator (user 1) already has 2 GiB less 1,000 bytes waiting for a record
    dbQuery(s, `INSERT INTO files(key,hash,name,type,size,created,attached,owner) VALUES('waiting','x','w','text/plain',${2 ** 31 - 1000},${Math.floor(Date.now() / 1000)},0,'u1')`);
    const body = Buffer.concat([Buffer.from('--boundary42\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
      Buffer.alloc(5000, 7), Buffer.from("\r\n--boundary42--\r\n")]);
    const declared = await fetch(s.base + "/k/v1/file.json", { method: "POST", headers: { ...basic(), "Content-Type": "multipart/form-data; boundary=boundary42" }, body });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).code, "TS_UQ01");
    const chunked = await new Promise((resolve) => {
      const req = request(s.base + "/k/v1/file.json", { method: "POST", headers: { ...basic(), "Content-Type": "multipart/form-data; boundary=boundary42" } }, (res) => {
        let t = "";
        res.on("data", (d) => (t += d));
        res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(t) }));
      });
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
      req.end();
    });
    assert.equal(chunked.status, 413, JSON.stringify(chunked.json));
    assert.equal(chunked.json.code, "TS_UQ01");
    // a small upload still fits
    const small = new FormData();
    small.append("file", new Blob(["tiny"]), "t.txt");
    assert.equal((await fetch(s.base + "/k/v1/file.json", { method: "POST", headers: basic(), body: small })).status, 200);
  } finally {
    await s.stop();
  }
});

test("a route the caller may not call refuses them from the headers, before their body is read", async () => {
  await fetch(server.base + "/v1/users.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
    body: JSON.stringify({ users: [{ code: "plain_colleague", name: "同僚", password: "colleague-pass-1" }] }) });
  const before = peakRss();
  const answers = await Promise.all([1, 2, 3].map(() => send("/v1/users.json", 900 << 10,
    { ...basic("plain_colleague", "colleague-pass-1"), "Content-Type": "application/json" })));
  for (const a of answers) assert.ok(a === 403 || a === "closed", String(a));
  assert.ok(peakRss() - before < 2 << 20, "nothing of the bodies was kept");
});

test("history keeps what a deleted field held from those whom field rights restricted", async () => {
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const admin = mk(server);
  await fetch(server.base + "/v1/users.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
    body: JSON.stringify({ users: [{ code: "eve_h", name: "eve", password: "history-pass-1" }] }) });
  const app = await make(admin, "番号", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" }, secret: { type: "SINGLE_LINE_TEXT", code: "secret", label: "番号" } });
  await admin.app.updateFieldAcl({ app, rights: [{ code: "secret", entities: [{ entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  const { id } = await admin.record.addRecord({ app, record: { t: { value: "a" }, secret: { value: "MyNumber-1234-5678" } } });
  await admin.record.updateRecord({ app, id, record: { secret: { value: "MyNumber-8765-4321" } } });
  await admin.app.deleteFormFields({ app, fields: ["secret"] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  const eve = await fetch(`${server.base}/k/v1/record/history.json?app=${app}&id=${id}`, { headers: basic("eve_h", "history-pass-1") });
  assert.equal(eve.status, 200);
  assert.doesNotMatch(await eve.text(), /MyNumber/);
});

test("a body of very many tiny JSON values is refused before it is parsed", async () => {
  const before = peakRss();
  const body = '{"app":1,"records":[' + "{},".repeat(3_000_000) + "{}]}";
  const r = await fetch(server.base + "/k/v1/records.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" }, body });
  assert.equal(r.status, 413);
  assert.equal((await r.json()).code, "TS_TL01");
  const grew = peakRss() - before;
  assert.ok(grew < 64 << 20, `peak RSS grew by ${grew} bytes`);
});

test("updateKey tells nothing of a field or a record the caller may not see", async () => {
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const admin = mk(server);
  await fetch(server.base + "/v1/users.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
    body: JSON.stringify({ users: [{ code: "eve_k", name: "eve", password: "key-pass-1" }] }) });
  const app = await make(admin, "鍵", {
    code: { type: "SINGLE_LINE_TEXT", code: "code", label: "番号", unique: true },
    secret: { type: "SINGLE_LINE_TEXT", code: "secret", label: "秘密", unique: true },
    owner: { type: "USER_SELECT", code: "owner", label: "担当" } });
  await admin.app.updateFieldAcl({ app, rights: [{ code: "secret", entities: [{ entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }] }] });
  await admin.app.updateRecordAcl({ app, rights: [{ filterCond: 'owner in ("eve_k")', entities: [{ entity: { type: "GROUP", code: "everyone" }, viewable: true, editable: true, deletable: false }] },
    { filterCond: "", entities: [{ entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  await admin.record.addRecord({ app, record: { code: { value: "C1" }, secret: { value: "S-HIT" } } });
  const put = async (field, value) => {
    const r = await fetch(server.base + "/k/v1/record.json", { method: "PUT", headers: { ...basic("eve_k", "key-pass-1"), "Content-Type": "application/json" },
      body: JSON.stringify({ app, updateKey: { field, value }, record: {} }) });
    return `${r.status} ${(await r.json()).code}`;
  };
  assert.equal(await put("secret", "S-HIT"), await put("secret", "S-MISS"), "a hidden key field");
  assert.equal(await put("code", "C1"), await put("code", "C-MISS"), "a record eve may not view");
});

test("a cursor's pages follow the caller's record rights as they are now", async () => {
  const { client: mk, makeApp: make } = await import("./helpers/server.mjs");
  const admin = mk(server);
  await fetch(server.base + "/v1/users.json", { method: "POST", headers: { ...basic(), "Content-Type": "application/json" },
    body: JSON.stringify({ users: [{ code: "bob_c", name: "bob", password: "cursor-rights-1" }] }) });
  const app = await make(admin, "開いた案件", { st: { type: "SINGLE_LINE_TEXT", code: "st", label: "st" }, t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await admin.app.updateRecordAcl({ app, rights: [{ filterCond: 'st = "open"', entities: [{ entity: { type: "GROUP", code: "everyone" }, viewable: true, editable: false, deletable: false }] },
    { filterCond: "", entities: [{ entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++) await new Promise((r) => setTimeout(r, 100));
  const { ids } = await admin.record.addRecords({ app, records: ["a", "b", "c"].map((t) => ({ st: { value: "open" }, t: { value: t } })) });
  const bob = mk(server, { username: "bob_c", password: "cursor-rights-1" });
  const { id } = await bob.record.createCursor({ app, query: "order by $id asc", size: 1 });
  assert.deepEqual((await bob.record.getRecordsByCursor({ id })).records.map((r) => r.t.value), ["a"]);
  await admin.record.updateRecords({ app, records: ids.slice(1).map((x) => ({ id: x, record: { st: { value: "closed" } } })) });
  const rest = [...(await bob.record.getRecordsByCursor({ id })).records, ...(await bob.record.getRecordsByCursor({ id })).records];
  assert.deepEqual(rest, [], "records closed since are not shown");
});
