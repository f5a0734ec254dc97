// bench/public.mjs BASE PASSWORD APP - the public face of an app at scale:
// answers sent through a public form (each from its own address, through the
// trusted proxy the bench server names, as a city's reverse proxy would), and
// pages of a public view; the staff's own latency alone and while junk
// answers flood the form. Prints {submitPerSec, submitP50, viewPerSec, viewP50,
// searchP50, staffP50Quiet, staffP50Flood, junkPerSec}.
import { createHash } from "node:crypto";
const [base, pw, app] = process.argv.slice(2);
const N = Number(process.env.PUBLIC_ANSWERS ?? 300);
const admin = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${pw}`).toString("base64"), "Content-Type": "application/json" };
const call = async (method, path, body, headers = admin) => {
  let r;
  // the public face shares a few threads: busy (503) is asked again, as the page does
  for (let tries = 0; (r = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) })).status === 503 && tries < 20; tries++)
    await new Promise((ok) => setTimeout(ok, 20 * (tries + 1)));
  const j = await r.json();
  if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`);
  return j;
};
await call("PUT", "/k/v1/preview/app/publicForms.json", { app, forms: [{ name: "bench", fields: ["事業所名", "種別", "概要"], enabled: true }] });
await call("PUT", "/k/v1/preview/app/publicViews.json", { app, views: [{ name: "bench", fields: ["報告日", "事業所名", "種別", "概要"], filterCond: '種別 in ("転倒")', sort: "報告日 desc", enabled: true }] });
await call("POST", "/k/v1/preview/app/deploy.json", { apps: [{ app }] });
for (let i = 0; i < 600 && (await call("GET", `/k/v1/preview/app/deploy.json?apps[0]=${app}`)).apps[0].status === "PROCESSING"; i++) await new Promise((r) => setTimeout(r, 500));
const form = (await call("GET", `/k/v1/app/publicForms.json?app=${app}`)).forms[0].url;
const view = (await call("GET", `/k/v1/app/publicViews.json?app=${app}`)).views[0].url;
const from = (i) => ({ "X-Forwarded-For": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, "Content-Type": "application/json" });
const solve = (challenge, bits) => {
  for (let n = 0; ; n++) {
    const h = createHash("sha256").update(challenge + n).digest();
    let z = 0;
    while (z < bits && !(h[z >> 3] & (0x80 >> (z & 7)))) z++;
    if (z >= bits) return String(n);
  }
};
// tokens first, the fill time waited once, the work done: then only the sending is timed
const tokens = [];
for (let i = 0; i < N; i++) tokens.push(await call("GET", `${form}/token.json`, undefined, from(i)));
await new Promise((r) => setTimeout(r, 3200));
const nonces = tokens.map((t) => solve(t.challenge, t.difficulty));
const times = [];
let next = 0;
const t0 = Date.now();
await Promise.all(Array.from({ length: 8 }, async () => {
  for (let i; (i = next++) < N; ) {
    const s = Date.now();
    await call("POST", `${form}/submit.json`, { record: { 事業所名: { value: `ベンチ施設${i}` }, 種別: { value: "転倒" }, 概要: { value: "公開フォームからの報告" } }, token: tokens[i].token, nonce: nonces[i] }, from(i));
    times.push(Date.now() - s);
  }
}));
const submitSecs = (Date.now() - t0) / 1000;
const p50 = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// a public view's pages, two at a time (what one address may have running)
const pages = async (query, n) => {
  const ts = [];
  let k = 0;
  const s0 = Date.now();
  await Promise.all(Array.from({ length: 2 }, async () => {
    for (let i; (i = k++) < n; ) {
      const s = Date.now();
      await call("GET", `${view}/records.json?limit=20&offset=${(i % 50) * 20}&query=${encodeURIComponent(query)}`, undefined, from(1 << 20));
      ts.push(Date.now() - s);
    }
  }));
  return { perSec: Math.round(n / ((Date.now() - s0) / 1000)), p50: p50(ts) };
};
const list = await pages("", 400);
const search = await pages('概要 like "車椅子"', 40);
// the staff's own work (a page of the list, one record added) alone, then
// while junk answers flood the form from many addresses, 16 at a time
const staffP50 = async (n) => {
  const ts = [];
  for (let i = 0; i < n; i++) {
    const s = Date.now();
    if (i % 2) await call("GET", `/k/v1/records.json?app=${app}&query=${encodeURIComponent("order by $id desc limit 20")}`);
    else await call("POST", "/k/v1/record.json", { app, record: { 事業所名: { value: "職員の入力" }, 種別: { value: "転倒" } } });
    ts.push(Date.now() - s);
  }
  return p50(ts);
};
const quiet = await staffP50(100);
let flooding = true, junk = 0;
const f0 = Date.now();
const flood = Promise.all(Array.from({ length: 16 }, async (_, w) => {
  for (let i = w; flooding; i += 16) {
    await fetch(base + `${form}/submit.json`, { method: "POST", headers: from((1 << 21) + i), body: JSON.stringify({ record: {}, token: "1.00000000000000000000000000000000.AAAA", nonce: "1" }) });
    junk++;
  }
}));
const busy = await staffP50(100);
flooding = false;
await flood;
console.log(JSON.stringify({ answers: N, submitPerSec: Math.round(N / submitSecs), submitP50: p50(times), viewPerSec: list.perSec, viewP50: list.p50, searchP50: search.p50,
  staffP50Quiet: quiet, staffP50Flood: busy, junkPerSec: Math.round(junk / ((Date.now() - f0) / 1000)) }));
