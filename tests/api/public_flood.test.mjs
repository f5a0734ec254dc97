// A bounded flood at a public form (issue 15): junk answers (no work done)
// from many addresses are refused having only read, token asks are held to
// their per-address limit; nothing is added, the form stays open for an
// honest answer; the staff's own API keeps
// answering throughout (its latency is measured in bench/public.mjs, not
// asserted here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, deploy } from "./helpers/server.mjs";
import { outsider } from "./helpers/public.mjs";

let server, admin, app, url;

before(async () => {
  server = await startServer({ args: ["--trusted-proxy", "127.0.0.1"] }); // addresses as a proxy tells them
  admin = client(server);
  app = await makeApp(admin, "アンケート", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "お名前" } });
  const put = await raw(server, "PUT", "/k/v1/preview/app/publicForms.json", { body: { app, forms: [{ name: "アンケート", fields: ["name"], enabled: true }] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await deploy(admin, app);
  url = (await raw(server, "GET", "/k/v1/app/publicForms.json", { query: `app=${app}` })).json.forms[0].url;
});
after(() => server.stop());

// Run fns with at most n at once.
async function pool(fns, n) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < fns.length) {
      const i = next++;
      out[i] = await fns[i]();
    }
  }));
  return out;
}

test("a flood of junk from 60 addresses is refused, adds nothing, and leaves the form open and the staff served", async () => {
  const addrs = Array.from({ length: 60 }, (_, i) => `198.51.100.${i + 1}`);
  const junk = addrs.flatMap((a) => Array.from({ length: 25 }, () => () =>
    outsider(server, a)("POST", `${url}/submit.json`, { record: { name: { value: "spam" } }, token: "1.00000000000000000000000000000000.AAAA", nonce: "1" })));
  const asks = addrs.slice(0, 5).flatMap((a) => Array.from({ length: 130 }, () => () => outsider(server, a)("GET", `${url}/token.json`)));
  const staff = [];
  let flooding = true;
  const staffLoop = (async () => {
    for (let i = 0; flooding; i++) {
      const r = i % 2 ? await raw(server, "GET", "/k/v1/records.json", { query: `app=${app}` }) : await raw(server, "POST", "/k/v1/record.json", { body: { app, record: { name: { value: `職員${i}` } } } });
      staff.push(r.status);
    }
  })();
  const results = await pool([...junk, ...asks], 16);
  flooding = false;
  await staffLoop;
  const byAddr = {};
  for (const [i, r] of results.slice(0, junk.length).entries()) (byAddr[addrs[Math.floor(i / 25)]] ??= []).push(r.status);
  for (const [a, statuses] of Object.entries(byAddr))
    assert.ok(statuses.every((s) => s === 400), `${a}: refused as junk, having only read: ${statuses}`);
  const tokenStatuses = results.slice(junk.length).map((r) => r.status);
  assert.equal(tokenStatuses.filter((s) => s === 200).length, 5 * 120, "120 tokens an address");
  assert.equal(tokenStatuses.filter((s) => s === 429).length, 5 * 10);
  assert.ok(staff.length > 0 && staff.every((s) => s === 200), `staff answered: ${JSON.stringify(staff)}`);
  const { records } = await admin.record.getRecords({ app, query: 'name = "spam"' });
  assert.equal(records.length, 0);
  // junk does not count against the form: an honest answer still goes through
  const honest = await outsider(server, "203.0.113.200").answer(url, { name: { value: "正直な回答" } });
  assert.equal(honest.status, 200, JSON.stringify(honest.json));
});
