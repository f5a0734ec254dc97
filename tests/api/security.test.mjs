// What an unauthenticated or hostile client can cost and change (issue 11):
// bodies are refused from their headers before they are read, uploads store
// nothing, logins come only from this site, answers are never cached or
// sniffed, and behind a trusted proxy one person's bad logins lock only them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { startServer, basic, ADMIN_PASSWORD } from "./helpers/server.mjs";

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
  const r = await send("/k/v1/app/settings.json", 2 << 20, { ...basic(), "Content-Type": "application/json" });
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
