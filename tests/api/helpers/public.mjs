// Someone outside, as a public form's page acts (README "Public forms"): no
// account, requests from one address, the anti-abuse token with its wait and
// its proof of work.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A nonce such that SHA-256(challenge + nonce) begins with difficulty zero bits.
export function solve(challenge, difficulty) {
  for (let n = 0; ; n++) {
    const h = createHash("sha256").update(challenge + n).digest();
    let zero = 0;
    while (zero < difficulty && !(h[zero >> 3] & (0x80 >> (zero & 7)))) zero++;
    if (zero >= difficulty) return String(n);
  }
}

// Requests from outside, from addr (the server trusts the test's proxy header).
export function outsider(server, addr = "203.0.113.9") {
  const call = (method, path, body) =>
    fetch(server.base + path, { method, headers: { "Content-Type": "application/json", "X-Forwarded-For": addr }, body: body && JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, headers: r.headers, json: await r.json().catch(() => null) }));
  // Answer the form at url: the token, the wait, the work, the submission.
  call.answer = async (url, record, { wait = true, extra = {} } = {}) => {
    const t = await call("GET", `${url}/token.json`);
    assert.equal(t.status, 200, JSON.stringify(t.json));
    assert.ok(t.json.notBefore <= 3 && t.json.difficulty <= 20);
    if (wait) await sleep(t.json.notBefore * 1000 + 50);
    return { ...(await call("POST", `${url}/submit.json`, { record, token: t.json.token, nonce: solve(t.json.challenge, t.json.difficulty), ...extra })), token: t.json };
  };
  return call;
}

// Send a file for the form at url's question `field`, as its page does: with
// a token and its work. Answers {status, json}.
export async function uploadFile(server, url, field, name, bytes, { addr = "203.0.113.9", token } = {}) {
  const call = outsider(server, addr);
  const t = token === undefined ? (await call("GET", `${url}/token.json`)).json : token; // null: none
  const body = new FormData();
  body.set("field", field);
  if (t) {
    body.set("token", t.token);
    body.set("nonce", solve(t.challenge, t.difficulty));
  }
  body.set("file", new Blob([bytes]), name);
  const r = await fetch(server.base + `${url}/file.json`, { method: "POST", headers: { "X-Forwarded-For": addr }, body });
  return { status: r.status, json: await r.json().catch(() => null), token: t };
}
