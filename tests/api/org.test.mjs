// The organisation: users, departments (a tree, one primary per user) and
// groups through the cybozu.com User API shapes; only administrators change
// them; every batch is all or nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, client, raw, basic, BIN, rejects, makeApp } from "./helpers/server.mjs";

let server;
const PASSWORD = "staff-password-1";
const as = (user) => ({ headers: basic(user, PASSWORD) });

before(async () => {
  server = await startServer();
});
after(() => server.stop());

const call = (method, path, body, opts = {}) => raw(server, method, path, { body, ...opts });

test("administrators build the organisation: departments, groups, users, memberships", async () => {
  let r = await call("POST", "/v1/organizations.json", { organizations: [
    { code: "city", name: "神戸市" },
    { code: "welfare", name: "福祉局", parentCode: "city" },
    { code: "audit", name: "監査指導課", parentCode: "welfare", description: "事業所の指導監査" },
    { code: "care", name: "介護保険課", parentCode: "welfare" },
  ] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  r = await call("POST", "/v1/groups.json", { groups: [{ code: "chiefs", name: "課長" }, { code: "staff", name: "職員" }] });
  assert.equal(r.status, 200);
  r = await call("POST", "/v1/users.json", { users: [
    { code: "tanaka", name: "田中 花子", password: PASSWORD, email: "tanaka@example.jp", locale: "ja", timezone: "Asia/Tokyo" },
    { code: "suzuki", name: "鈴木 一郎", password: PASSWORD },
    { code: "sato", name: "佐藤 次郎" },
  ] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  r = await call("PUT", "/v1/userOrganizations.json", { userOrganizations: [
    { code: "tanaka", organizations: ["welfare", "audit"], primaryOrganization: "audit" },
    { code: "suzuki", organizations: ["audit"] },
  ] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  r = await call("PUT", "/v1/userGroups.json", { userGroups: [{ code: "tanaka", groups: ["chiefs", "staff"] }, { code: "suzuki", groups: ["staff"] }] });
  assert.equal(r.status, 200);

  const orgs = (await call("GET", "/v1/organizations.json")).json.organizations;
  assert.deepEqual(orgs.map((o) => [o.code, o.parentCode]), [["city", null], ["welfare", "city"], ["audit", "welfare"], ["care", "welfare"]]);
  assert.equal(orgs[2].description, "事業所の指導監査");
  const some = (await call("GET", "/v1/organizations.json", undefined, { query: "codes[0]=care&codes[1]=city" })).json.organizations;
  assert.deepEqual(some.map((o) => o.code), ["city", "care"]);
  const page = (await call("GET", "/v1/organizations.json", undefined, { query: "offset=1&size=2" })).json.organizations;
  assert.deepEqual(page.map((o) => o.code), ["welfare", "audit"]);

  const users = (await call("GET", "/v1/users.json", undefined, { query: "codes[0]=tanaka&codes[1]=sato" })).json.users;
  const tanaka = users.find((u) => u.code === "tanaka");
  assert.equal(tanaka.name, "田中 花子");
  assert.equal(tanaka.email, "tanaka@example.jp");
  assert.equal(tanaka.primaryOrganization, String(orgs[2].id));
  assert.equal(users.find((u) => u.code === "sato").primaryOrganization, null);

  const mine = (await call("GET", "/v1/user/organizations.json", undefined, { query: "code=tanaka" })).json.organizationTitles;
  assert.deepEqual(mine.map((t) => [t.organization.code, t.primary]), [["welfare", false], ["audit", true]]);
  const members = (await call("GET", "/v1/organization/users.json", undefined, { query: "code=audit" })).json.userTitles;
  assert.deepEqual(members.map((t) => t.user.code).sort(), ["suzuki", "tanaka"]);
  const groups = (await call("GET", "/v1/user/groups.json", undefined, { query: "code=tanaka" })).json.groups;
  assert.deepEqual(groups.map((g) => g.code), ["chiefs", "staff"]);
  const staff = (await call("GET", "/v1/group/users.json", undefined, { query: "code=staff" })).json.users;
  assert.deepEqual(staff.map((u) => u.code).sort(), ["suzuki", "tanaka"]);

  // a new user signs in; one without a password cannot
  assert.equal((await raw(server, "GET", "/v1/users.json", as("tanaka"))).status, 200);
  assert.equal((await raw(server, "GET", "/v1/users.json", { headers: basic("sato", "") })).status, 401);
});

test("changes: renames, moves, no loops; deleting a department with departments below is refused", async () => {
  let r = await call("PUT", "/v1/organizations.json", { organizations: [{ code: "care", newCode: "kaigo", name: "介護保険課 (新)", parentCode: "city" }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const care = (await call("GET", "/v1/organizations.json", undefined, { query: "codes[0]=kaigo" })).json.organizations[0];
  assert.deepEqual([care.name, care.parentCode], ["介護保険課 (新)", "city"]);
  r = await call("PUT", "/v1/organizations.json", { organizations: [{ code: "city", parentCode: "audit" }] });
  assert.equal(r.status, 400);
  assert.ok(r.json.errors["organizations[0].parentCode"]);
  r = await call("DELETE", "/v1/organizations.json", { codes: ["welfare"] });
  assert.equal(r.status, 400);
  assert.match(r.json.errors["codes[0]"].messages[0], /welfare/);
  r = await call("DELETE", "/v1/organizations.json", { codes: ["kaigo"] });
  assert.equal(r.status, 200);
  r = await call("PUT", "/v1/users.json", { users: [{ code: "suzuki", newCode: "suzuki.i", name: "鈴木 一郎", timezone: "Europe/Paris" }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const s = (await call("GET", "/v1/users.json", undefined, { query: "codes[0]=suzuki.i" })).json.users[0];
  assert.equal(s.timezone, "Europe/Paris");
});

test("records name departments and groups; PRIMARY_ORGANIZATION() as a default and in queries", async () => {
  const admin = client(server);
  const app = await makeApp(admin, "担当", {
    org: { type: "ORGANIZATION_SELECT", code: "org", label: "部署", defaultValue: [{ code: "PRIMARY_ORGANIZATION()", type: "FUNCTION" }] },
    grp: { type: "GROUP_SELECT", code: "grp", label: "グループ" },
  });
  const tanaka = client(server, { username: "tanaka", password: PASSWORD });
  const { id } = await tanaka.record.addRecord({ app, record: { grp: { value: [{ code: "chiefs" }] } } });
  const { record } = await admin.record.getRecord({ app, id });
  assert.deepEqual(record.org.value, [{ code: "audit", name: "監査指導課" }]);
  assert.deepEqual(record.grp.value, [{ code: "chiefs", name: "課長" }]);
  await rejects(admin.record.addRecord({ app, record: { org: { value: [{ code: "nowhere" }] } } }), "GAIA_IL28", 400);
  await rejects(admin.record.addRecord({ app, record: { grp: { value: [{ code: "nobody" }] } } }), "GAIA_IL27", 400);
  await admin.record.addRecord({ app, record: { org: { value: [{ code: "city" }] } } });
  const mine = await tanaka.record.getRecords({ app, query: "org in (PRIMARY_ORGANIZATION())" });
  assert.deepEqual(mine.records.map((r) => r.$id.value), [String(id)]);
  const chiefs = await admin.record.getRecords({ app, query: 'grp in ("chiefs")' });
  assert.equal(chiefs.records.length, 1);
});

test("all or nothing, with every problem named; only administrators write", async () => {
  const before = (await call("GET", "/v1/users.json")).json.users.length;
  let r = await call("POST", "/v1/users.json", { users: [
    { code: "ok.user", name: "OK" },
    { code: "tanaka", name: "again" },
    { code: "bad code!", name: "x" },
    { code: "short", name: "p", password: "123" },
    { code: "tz", name: "t", timezone: "Mars/Base" },
  ] });
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json.errors).sort(), ["users[1].code", "users[2].code", "users[3].password", "users[4].timezone"]);
  assert.equal((await call("GET", "/v1/users.json")).json.users.length, before, "nothing added");
  for (const [method, path, body] of [
    ["POST", "/v1/users.json", { users: [{ code: "x", name: "x" }] }],
    ["PUT", "/v1/userGroups.json", { userGroups: [{ code: "tanaka", groups: [] }] }],
    ["DELETE", "/v1/groups.json", { codes: ["staff"] }],
  ]) {
    r = await raw(server, method, path, { body, ...as("tanaka") });
    assert.equal(r.status, 403, path);
    assert.equal(r.json.code, "CB_NO02");
  }
  // an account stopped cannot sign in any more
  r = await call("DELETE", "/v1/users.json", { codes: ["tanaka"] });
  assert.equal(r.status, 200);
  assert.equal((await raw(server, "GET", "/v1/users.json", as("tanaka"))).status, 401);
  const t = (await call("GET", "/v1/users.json", undefined, { query: "codes[0]=tanaka" })).json.users[0];
  assert.equal(t.valid, false);
});

test("departments and 1,700 users from CSV files (Japanese headings); problems by row", async () => {
  const post = async (kind, text, enc = "utf-8") => {
    const body = enc === "sjis" ? Buffer.from(new TextEncoder().encode(text)) : text;
    const res = await fetch(`${server.base}/api/people/import?kind=${kind}`, { method: "POST", body, headers: { ...basic(), "Content-Type": "text/csv" } });
    return { status: res.status, json: await res.json() };
  };
  // parents may come after their children
  let r = await post("organizations", "部署コード,部署名,親部署コード\r\nsec1,第1係,div\r\nsec2,第2係,div\r\ndiv,指導課,welfare\r\n");
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual([r.json.added, r.json.updated], ["3", "0"]);
  const orgs = (await call("GET", "/v1/organizations.json", undefined, { query: "codes[0]=sec1&codes[1]=div" })).json.organizations;
  assert.deepEqual(orgs.map((o) => [o.code, o.parentCode]), [["sec1", "div"], ["div", "welfare"]]);

  const lines = ["ログイン名,表示名,メールアドレス,所属部署,優先する部署,グループ,パスワード"];
  for (let i = 0; i < 1700; i++)
    lines.push(`staff${i},職員 ${i},staff${i}@city.example.jp,"sec${1 + (i % 2)}\ndiv",div,${i % 10 ? "staff" : "staff;chiefs"},${i < 3 ? "initial-pass-" + i : ""}`);
  const started = Date.now();
  r = await post("users", lines.join("\r\n") + "\r\n");
  assert.equal(r.status, 200, JSON.stringify(r.json).slice(0, 500));
  assert.equal(r.json.added, "1700");
  console.log(`1,700 users loaded in ${Date.now() - started} ms`);
  const members = (await call("GET", "/v1/organization/users.json", undefined, { query: "code=sec2" })).json.userTitles;
  assert.equal(members.length, 850);
  const u = (await call("GET", "/v1/users.json", undefined, { query: "codes[0]=staff10" })).json.users[0];
  assert.equal(u.primaryOrganization, String(orgs[1].id));
  assert.deepEqual((await call("GET", "/v1/user/groups.json", undefined, { query: "code=staff10" })).json.groups.map((g) => g.code), ["chiefs", "staff"]);
  assert.equal((await raw(server, "GET", "/v1/users.json", { headers: basic("staff1", "initial-pass-1") })).status, 200);

  // a second load updates; a bad row names its row and column, and nothing changes
  r = await post("users", "code,name,organizations\r\nstaff1,職員 一,div\r\nstaff2,,nowhere\r\n");
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json.errors).sort(), ["rows[3].organizations[0]"]);
  assert.equal((await call("GET", "/v1/users.json", undefined, { query: "codes[0]=staff1" })).json.users[0].name, "職員 1");
  r = await post("users", "code,name\r\nstaff1,職員 一\r\n");
  assert.deepEqual([r.json.added, r.json.updated], ["0", "1"]);
  assert.equal((await post("users", "名前だけ\r\nx\r\n")).status, 400);
});
