// The route matrix: every route of src/api/routes.def, read from the file
// itself, is called by no one, by people holding exactly one right on the app
// (or none), by an administrator, and by an API token of another app. What
// each may do follows from the route's declared need; a route with no sample
// call below fails the test, so a new route cannot skip the matrix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer, client, raw, basic, makeApp } from "./helpers/server.mjs";

const PASSWORD = "matrix-password-2";
const RIGHTS = {
  view: "recordViewable", add: "recordAddable", edit: "recordEditable", delete: "recordDeletable",
  import: "recordImportable", export: "recordExportable", manage: "appEditable",
};
const PEOPLE = ["none", ...Object.keys(RIGHTS)];
const NEED_RIGHTS = { VIEW: "view", ADD: "add", EDIT: "edit", DELETE: "delete", IMPORT: "import", EXPORT: "export", MANAGE: "manage" };

const ROUTES = [...readFileSync(new URL("../../src/api/routes.def", import.meta.url), "utf8")
  .matchAll(/^ROUTE\((\w+),\s*"([^"]+)",\s*(\w+),\s*([A-Z_]+)(?:\(([A-Z|]+)\))?,/gm)]
  .map(([, method, path, handler, need, perm]) => ({ method, path, handler, need, rights: perm ? perm.split("|").map((p) => NEED_RIGHTS[p]) : [] }));

let server, app, other, otherToken;
// harmless parameters for each route: enough to pass its need, never enough to change much
const SAMPLES = () => ({
  "GET /record.json": { app, id: 1 },
  "POST /record.json": { app, record: { title: { value: "matrix" } } },
  "PUT /record.json": { app, id: 1, record: {} },
  "GET /records.json": { app },
  "POST /records.json": { app, records: [] },
  "PUT /records.json": { app, records: [] },
  "DELETE /records.json": { app },
  "GET /records/acl/evaluate.json": { app, ids: [1] },
  "PUT /record/status.json": { app, id: 1 },
  "PUT /records/status.json": { app, records: [] },
  "PUT /record/assignees.json": { app, id: 1 },
  "POST /records/cursor.json": { app, size: 1 },
  "GET /records/cursor.json": { id: "none" },
  "DELETE /records/cursor.json": { id: "none" },
  "GET /record/comments.json": { app, record: 1 },
  "POST /record/comment.json": { app, record: 1 },
  "DELETE /record/comment.json": { app, record: 1 },
  "GET /record/history.json": { app, id: 1 },
  "POST /record/history/restore.json": { app, id: 1 },
  "POST /file.json": {},
  "GET /file.json": { fileKey: "none" },
  "POST /bulkRequest.json": {},
  "GET /app.json": { id: app },
  "GET /apps.json": { ids: [app] },
  "POST /preview/app.json": {},
  "POST /preview/app/deploy.json": { apps: [{ app, revision: 999999 }] },
  "GET /preview/app/deploy.json": { "apps[0]": app },
  "GET /app/settings.json": { app },
  "PUT /app/settings.json": { app, revision: 999999 },
  "GET /app/form/fields.json": { app },
  "POST /app/form/fields.json": { app, revision: 999999 },
  "PUT /app/form/fields.json": { app, revision: 999999 },
  "DELETE /app/form/fields.json": { app, revision: 999999 },
  "GET /app/form/layout.json": { app },
  "PUT /app/form/layout.json": { app, revision: 999999 },
  "GET /app/views.json": { app },
  "PUT /app/views.json": { app, revision: 999999 },
  "GET /app/reports.json": { app },
  "PUT /app/reports.json": { app, revision: 999999 },
  "GET /app/publicViews.json": { app },
  "PUT /app/publicViews.json": { app, revision: 999999 },
  "GET /public/view/view.json": {},
  "GET /public/view/records.json": {},
  "GET /app/publicForms.json": { app },
  "PUT /app/publicForms.json": { app, revision: 999999 },
  "GET /public/form/form.json": {},
  "GET /public/form/token.json": {},
  "POST /public/form/submit.json": {},
  "GET /public/form/answers.json": {},
  "GET /public/form/lookup.json": { field: "x", value: "1" },
  "POST /public/form/file.json": {},
  "POST /public/view/unlock.json": { password: "x" },
  "GET /public/view/file.json": { fileKey: "none" },
  "GET /api/public/links": { app, id: "1" },
  "POST /api/public/links": { app, id: "1" },
  "POST /api/public/links/remind": { app, id: "1" },
  "POST /api/public/links/revoke": { app, id: "1", recipients: ["x"] },
  "GET /app/printTemplates.json": { app },
  "PUT /app/printTemplates.json": { app, revision: 999999 },
  "GET /app/acl.json": { app },
  "PUT /app/acl.json": { app, revision: 999999 },
  "GET /app/status.json": { app },
  "PUT /app/status.json": { app, revision: 999999 },
  "GET /record/acl.json": { app },
  "PUT /record/acl.json": { app, revision: 999999 },
  "GET /field/acl.json": { app },
  "PUT /field/acl.json": { app, revision: 999999 },
  "GET /app/notifications/general.json": { app },
  "PUT /app/notifications/general.json": { app, revision: 999999 },
  "GET /app/notifications/perRecord.json": { app },
  "PUT /app/notifications/perRecord.json": { app, revision: 999999 },
  "GET /app/notifications/reminder.json": { app },
  "PUT /app/notifications/reminder.json": { app, revision: 999999 },
  "GET /app/apiTokens.json": { app },
  "POST /app/apiTokens.json": { app },
  "DELETE /app/apiTokens.json": { app },
  "POST /api/login": {},
  "POST /api/logout": {},
  "GET /api/session": {},
  "GET /v1/users.json": { size: 1 },
  "POST /v1/users.json": {},
  "PUT /v1/users.json": {},
  "DELETE /v1/users.json": {},
  "GET /v1/organizations.json": { size: 1 },
  "POST /v1/organizations.json": {},
  "PUT /v1/organizations.json": {},
  "DELETE /v1/organizations.json": {},
  "GET /v1/groups.json": { size: 1 },
  "POST /v1/groups.json": {},
  "PUT /v1/groups.json": {},
  "DELETE /v1/groups.json": {},
  "GET /v1/user/organizations.json": { code: "none" },
  "GET /v1/user/groups.json": { code: "none" },
  "GET /v1/organization/users.json": { code: "nothing" },
  "GET /v1/group/users.json": { code: "nothing" },
  "PUT /v1/userOrganizations.json": {},
  "PUT /v1/userGroups.json": {},
  "POST /api/import": { app },
  "POST /api/import/profile": {},
  "GET /api/export.csv": { app, query: "limit 1" },
  "GET /api/export.xlsx": { app, query: "limit 1" },
  "GET /api/thumbnail": { fileKey: "none", size: 50 },
  "GET /api/app/rights": { app },
  "GET /api/report/data": { app, report: JSON.stringify({ chartType: "TABLE", aggregations: [{ type: "COUNT" }] }) },
  "GET /api/record/actions": { app, id: 1 },
  "GET /api/comment/likes": { app, record: 1 },
  "POST /api/comment/like": { app, record: 1, comment: 999 },
  "POST /api/people/import": {},
  "GET /api/system/app-creators": {},
  "PUT /api/system/app-creators": {},
  "GET /api/notifications": {},
  "GET /api/notifications/unread": {},
  "POST /api/notifications/read": { ids: [] },
  "POST /api/circulars": { app },
  "GET /api/circulars": { app, record: 1 },
  "GET /api/circulars/pending": {},
  "POST /api/circular/confirm": {},
  "POST /api/circular/remind": {},
  "GET /api/system/settings": {},
  "PUT /api/system/settings": {},
  "GET /api/system/mail": {},
  "PUT /api/system/mail": {},
  "POST /api/system/mail/test": {},
  "POST /api/app/from-template": { template: { format: "tsumiki-app-template/1", properties: {} }, name: "matrix" },
  "GET /api/portal": {},
  "PUT /api/portal/notice": { html: "<p>matrix</p>" },
  "POST /api/print": { app, query: 'limit 0' },
  "GET /api/print": { id: 999999 },
  "GET /api/print/file": { id: 999999 },
  "GET /api/dashboard": {},
  "POST /api/dashboard/tile": { app, kind: "view", ref: "none" },
  "DELETE /api/dashboard/tile": { id: "none" },
  "POST /api/dashboard/shared-tile": { app, kind: "view", ref: "none" },
  "DELETE /api/dashboard/shared-tile": { id: "none" },
  "GET /api/audit": { limit: 1 },
  "GET /api/audit/verify": {},
});

async function call(route, params, headers) {
  // a public form's routes are reached through its address: /public/forms/<token>/...
  const path = route.path.replace(/^\/public\/(form|view)\//, "/public/$1s/nosuchone/");
  const url = new URL(server.base + (path.startsWith("/api/") || path.startsWith("/v1/") || path.startsWith("/public/") ? "" : "/k/v1") + path);
  const init = { method: route.method, headers: { ...headers } };
  if (route.method === "GET" || route.method === "DELETE") {
    for (const [k, v] of Object.entries(params))
      if (Array.isArray(v)) v.forEach((x, i) => url.searchParams.set(`${k}[${i}]`, x));
      else url.searchParams.set(k, v);
  } else {
    init.body = JSON.stringify(params);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, code: json?.code };
}

const REFUSALS = ["CB_AU01", "CB_NO02", "GAIA_IA02", "GAIA_NO01"];

before(async () => {
  server = await startServer();
  const admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: [
    ...PEOPLE.map((code) => ({ code, name: code, password: PASSWORD })),
    { code: "boss", name: "boss", password: PASSWORD, administrator: true }] } });
  app = await makeApp(admin, "権限表", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  other = await makeApp(admin, "別のアプリ", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  await admin.record.addRecord({ app, record: { title: { value: "one" } } });
  await admin.app.updateAppAcl({ app, rights: Object.entries(RIGHTS).map(([code, flag]) => ({ entity: { type: "USER", code }, [flag]: true })) });
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  otherToken = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: other, permissions: ["view", "add", "edit", "delete", "manage"] } })).json.token;
  assert.ok(otherToken);
});
after(() => server.stop());

test("every route of routes.def has a sample call in the matrix", () => {
  assert.ok(ROUTES.length > 90, `read ${ROUTES.length} routes`);
  const samples = SAMPLES();
  const missing = ROUTES.filter((r) => !(`${r.method} ${r.path}` in samples)).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(missing, []);
});

for (const route of ROUTES) {
  const name = `${route.method} ${route.path} (${route.need}${route.rights.length ? " " + route.rights.join("+") : ""})`;
  test(`${name}: no one, each single right, an administrator, another app's token`, async () => {
    const params = SAMPLES()[`${route.method} ${route.path}`] ?? assert.fail("no sample");
    const label = (who, r) => `${who} → ${r.status} ${r.code ?? ""}`;

    const nobody = await call(route, params, {});
    if (["PUBLIC", "ANYONE"].includes(route.need)) assert.notEqual(nobody.code, "CB_AU01", label("nobody", nobody));
    else assert.equal(nobody.status, 401, label("nobody", nobody));

    for (const who of PEOPLE) {
      const r = await call(route, params, basic(who, PASSWORD));
      const appNeed = route.need.startsWith("APP");
      const allowed = route.need === "ADMIN" ? false
        : appNeed ? route.rights.every((x) => x === who)
        : true;
      if (allowed) assert.ok(!REFUSALS.includes(r.code), label(who, r));
      else {
        assert.equal(r.status, 403, label(who, r));
        assert.equal(r.code, "CB_NO02", label(who, r));
      }
    }

    const boss = await call(route, params, basic("boss", PASSWORD));
    assert.ok(!REFUSALS.includes(boss.code), label("administrator", boss));

    const token = await call(route, params, { "X-Cybozu-API-Token": otherToken });
    if (["PERSON", "ADMIN", "CREATOR", "APP_PERSON"].includes(route.need)) {
      assert.equal(token.status, 403, label("token", token));
      assert.equal(token.code, "CB_NO02", label("token", token));
    } else if (route.need.startsWith("APP")) {
      assert.equal(token.status, 400, label("token", token));
      assert.equal(token.code, "GAIA_IA02", label("token", token));
    } else {
      assert.ok(!["CB_AU01", "CB_NO02"].includes(token.code), label("token", token));
    }
  });
}

test("settings not yet deployed (GET under /preview/) are the managers'", async () => {
  for (const path of ["/app/form/fields.json", "/app/form/layout.json", "/app/views.json", "/app/status.json"]) {
    const route = { method: "GET", path: "/preview" + path };
    const viewer = await call(route, { app }, basic("view", PASSWORD));
    assert.equal(viewer.status, 403, `${path} viewer → ${viewer.status} ${viewer.code}`);
    const manager = await call(route, { app }, basic("manage", PASSWORD));
    assert.ok(!REFUSALS.includes(manager.code), `${path} manager → ${manager.status} ${manager.code}`);
    const live = await call({ method: "GET", path }, { app }, basic("view", PASSWORD));
    assert.ok(!REFUSALS.includes(live.code), `${path} live, viewer → ${live.code}`);
  }
});
