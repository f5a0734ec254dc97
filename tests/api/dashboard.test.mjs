// The dashboard (our extension, README "Dashboard"): graphs and views pinned
// to the portal by each person for themselves, and by administrators for
// everyone; each reader sees only the tiles of apps they may view, and only
// while the graph or view exists.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, basic, deploy as deployApp } from "./helpers/server.mjs";

const PASSWORD = "dashboard-pass-1";
let server, admin, app, secret, report, view;
const as = (user) => ({ headers: basic(user, PASSWORD) });

const deploy = (id) => deployApp(admin, id);
const tiles = async (user) => {
  const r = await raw(server, "GET", "/api/dashboard", user ? as(user) : {});
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.tiles;
};

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: ["sato", "ito", "kudo"].map((code) => ({ code, name: code, password: PASSWORD })) } });
  const viewers = (...codes) => [
    { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true },
    ...codes.map((code) => ({ entity: { type: "USER", code }, recordViewable: true }))];
  app = await makeApp(admin, "事故報告", { kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: { 転倒: { label: "転倒", index: "0" } } } });
  await admin.app.updateReports({ app, reports: { 種別: { name: "種別", index: "0", chartType: "PIE", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] } } });
  await admin.app.updateViews({ app, views: { 転倒だけ: { type: "LIST", name: "転倒だけ", index: "0", fields: ["kind"], filterCond: 'kind in ("転倒")' } } });
  await admin.app.updateAppAcl({ app, rights: viewers("sato", "ito") });
  await deploy(app);
  report = (await admin.app.getReports({ app })).reports.種別.id;
  view = (await admin.app.getViews({ app })).views.転倒だけ.id;
  secret = await makeApp(admin, "人事", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await admin.app.updateReports({ app: secret, reports: { 件数: { name: "件数", index: "0", chartType: "TABLE", aggregations: [{ type: "COUNT" }] } } });
  await admin.app.updateAppAcl({ app: secret, rights: viewers("sato") });
  await deploy(secret);
});
after(() => server.stop());

test("a person pins a graph and a view for themselves; pinned again it stays one tile; others do not see it", async () => {
  const a = await raw(server, "POST", "/api/dashboard/tile", { ...as("sato"), body: { app, kind: "report", ref: report } });
  assert.equal(a.status, 200, JSON.stringify(a.json));
  const b = await raw(server, "POST", "/api/dashboard/tile", { ...as("sato"), body: { app, kind: "view", ref: view } });
  const again = await raw(server, "POST", "/api/dashboard/tile", { ...as("sato"), body: { app, kind: "report", ref: report } });
  assert.equal(again.json.id, a.json.id);
  const mine = await tiles("sato");
  assert.deepEqual(mine.map((t) => [t.scope, t.kind, t.app, t.appName, t.name, t.type]),
    [["mine", "report", String(app), "事故報告", "種別", "PIE"], ["mine", "view", String(app), "事故報告", "転倒だけ", "LIST"]]);
  assert.deepEqual(await tiles("ito"), []);
  // unpinned by its owner only
  const theirs = await raw(server, "DELETE", "/api/dashboard/tile", { ...as("ito"), query: `id=${b.json.id}` });
  assert.equal(theirs.status, 400);
  assert.equal((await tiles("sato")).length, 2);
  const off = await raw(server, "DELETE", "/api/dashboard/tile", { ...as("sato"), query: `id=${b.json.id}` });
  assert.equal(off.status, 200, JSON.stringify(off.json));
  assert.deepEqual((await tiles("sato")).map((t) => t.kind), ["report"]);
});

test("what cannot be pinned is refused and changes nothing", async () => {
  const before = await tiles("ito");
  for (const [body, key] of [
    [{ app, kind: "report", ref: "99999" }, "ref"],
    [{ app, kind: "chart", ref: report }, "kind"],
    [{ app, kind: "view" }, "ref"],
  ]) {
    const r = await raw(server, "POST", "/api/dashboard/tile", { ...as("ito"), body });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.ok(r.json.errors[key], JSON.stringify(r.json));
  }
  // an app they may not view: refused as any of its APIs are
  const other = await raw(server, "POST", "/api/dashboard/tile", { ...as("ito"), body: { app: secret, kind: "report", ref: "1" } });
  assert.equal(other.status, 403);
  assert.deepEqual(await tiles("ito"), before);
});

test("administrators pin for everyone; each reader sees the tiles of apps they may view", async () => {
  const secretReport = (await admin.app.getReports({ app: secret })).reports.件数.id;
  const s1 = await raw(server, "POST", "/api/dashboard/shared-tile", { body: { app, kind: "report", ref: report } });
  const s2 = await raw(server, "POST", "/api/dashboard/shared-tile", { body: { app: secret, kind: "report", ref: secretReport } });
  assert.equal(s1.status, 200, JSON.stringify(s1.json));
  assert.equal(s2.status, 200);
  const shared = (t) => t.filter((x) => x.scope === "everyone").map((x) => x.appName);
  assert.deepEqual(shared(await tiles("sato")), ["事故報告", "人事"]);
  assert.deepEqual(shared(await tiles("ito")), ["事故報告"], "not the app ito may not view");
  assert.deepEqual(shared(await tiles("kudo")), [], "kudo may view neither");
  // only administrators share, and take off
  const denied = await raw(server, "POST", "/api/dashboard/shared-tile", { ...as("sato"), body: { app, kind: "view", ref: view } });
  assert.equal(denied.status, 403);
  const notTheirs = await raw(server, "DELETE", "/api/dashboard/shared-tile", { ...as("sato"), query: `id=${s1.json.id}` });
  assert.equal(notTheirs.status, 403);
  const nobody = await fetch(`${server.base}/api/dashboard`);
  assert.equal(nobody.status, 401);
  // the audit log says who changed everyone's dashboard
  const audit = await raw(server, "GET", "/api/audit", { query: "limit=50" });
  assert.ok(audit.json.entries.some((e) => e.action === "dashboard.share"));
  const off = await raw(server, "DELETE", "/api/dashboard/shared-tile", { query: `id=${s2.json.id}` });
  assert.equal(off.status, 200);
  assert.deepEqual(shared(await tiles("sato")), ["事故報告"]);
});

test("a graph deleted from its app leaves the dashboards; an API token has no dashboard", async () => {
  await raw(server, "POST", "/api/dashboard/tile", { ...as("ito"), body: { app, kind: "report", ref: report } });
  assert.ok((await tiles("ito")).some((t) => t.kind === "report"));
  await admin.app.updateReports({ app, reports: {} });
  await deploy(app);
  assert.deepEqual((await tiles("ito")).filter((t) => t.kind === "report"), []);
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } })).json;
  const r = await fetch(`${server.base}/api/dashboard`, { headers: { "X-Cybozu-API-Token": token } });
  assert.equal(r.status, 403);
});

test("at most 24 tiles a person", async () => {
  const many = await makeApp(admin, "多い", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const views = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`v${i}`, { type: "LIST", name: `v${i}`, index: String(i), fields: ["t"] }]));
  await admin.app.updateViews({ app: many, views });
  await deploy(many);
  const got = Object.values((await admin.app.getViews({ app: many })).views);
  for (const v of got.slice(0, 24)) assert.equal((await raw(server, "POST", "/api/dashboard/tile", { body: { app: many, kind: "view", ref: v.id } })).status, 200);
  const over = await raw(server, "POST", "/api/dashboard/tile", { body: { app: many, kind: "view", ref: got[24].id } });
  assert.equal(over.status, 400);
  assert.ok(over.json.errors.app);
});
