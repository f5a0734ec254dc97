// Process management through the official client (KINTONE-API.md §7.5):
// statuses and actions, assignees resolved from users, groups, departments,
// the creator; ONE / ALL; revision +2 per action; GAIA_IL03, GAIA_NT01,
// GAIA_ST02; queries on the status and "assigned to me".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp, basic } from "./helpers/server.mjs";

let server, admin, app, S, A;
const PASSWORD = "flow-password-1";
const as = (code) => client(server, { username: code, password: PASSWORD });

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/organizations.json", { body: { organizations: [{ code: "bureau", name: "局" }, { code: "office", name: "局長室", parentCode: "bureau" }] } });
  await raw(server, "POST", "/v1/groups.json", { body: { groups: [{ code: "chiefs", name: "課長" }] } });
  await raw(server, "POST", "/v1/users.json", { body: { users: ["tanaka", "kato", "suzuki", "sato"].map((code) => ({ code, name: code, password: PASSWORD })) } });
  await raw(server, "PUT", "/v1/userGroups.json", { body: { userGroups: [{ code: "kato", groups: ["chiefs"] }] } });
  await raw(server, "PUT", "/v1/userOrganizations.json", { body: { userOrganizations: [{ code: "suzuki", organizations: ["office"] }] } });
  app = await makeApp(admin, "事故報告 (決裁)", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    reviewer: { type: "USER_SELECT", code: "reviewer", label: "確認者" },
  });
  const one = (entities) => ({ type: "ONE", entities });
  const put = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, enable: true,
    states: {
      未処理: { name: "未処理", index: "0", assignee: one([{ entity: { type: "CREATOR" } }]) },
      課長確認中: { name: "課長確認中", index: "1", assignee: one([{ entity: { type: "GROUP", code: "chiefs" } }]) },
      局長確認中: { name: "局長確認中", index: "2", assignee: { type: "ALL", entities: [
        { entity: { type: "ORGANIZATION", code: "bureau" }, includeSubs: true }, { entity: { type: "FIELD_ENTITY", code: "reviewer" } },
      ] } },
      完了: { name: "完了", index: "3", assignee: one([]) },
    },
    actions: [
      { name: "提出", from: "未処理", to: "課長確認中" },
      { name: "承認", from: "課長確認中", to: "局長確認中", filterCond: 'title != ""' },
      { name: "差戻し", from: "課長確認中", to: "未処理", type: "SECONDARY" },
      { name: "決裁", from: "局長確認中", to: "完了" },
    ],
  } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.app.deployApp({ apps: [{ app }] });
  const { properties } = await admin.app.getFormFields({ app });
  S = Object.values(properties).find((p) => p.type === "STATUS").code;
  A = Object.values(properties).find((p) => p.type === "STATUS_ASSIGNEE").code;
});
after(() => server.stop());

test("settings round-trip; bad ones are refused", async () => {
  const s = await admin.app.getProcessManagement({ app });
  assert.equal(s.enable, true);
  assert.deepEqual(Object.keys(s.states), ["未処理", "課長確認中", "局長確認中", "完了"]);
  assert.equal(s.actions[2].type, "SECONDARY");
  assert.equal(s.states.局長確認中.assignee.type, "ALL");
  const bad = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, actions: [{ name: "x", from: "未処理", to: "どこか" }] } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.errors["actions[0].to"]);
  const first = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, states: { a: { name: "a", index: 0, assignee: { type: "ALL", entities: [] } } } } });
  assert.equal(first.status, 400, "the first status has one assignee at most");
});

test("a report moves through two approval steps by its assignees", async () => {
  const { id } = await as("tanaka").record.addRecord({ app, record: { title: { value: "転倒事故" }, reviewer: { value: [{ code: "sato" }] } } });
  let r = (await admin.record.getRecord({ app, id })).record;
  assert.equal(r[S].value, "未処理");
  assert.deepEqual(r[A].value.map((u) => u.code), ["tanaka"]);
  const step = (who, action, extra = {}) => as(who).record.updateRecordStatus({ app, id, action, ...extra });
  assert.equal((await step("tanaka", "提出")).revision, "3");
  r = (await admin.record.getRecord({ app, id })).record;
  assert.deepEqual([r[S].value, r[A].value.map((u) => u.code)], ["課長確認中", ["kato"]]);
  // assigned to me
  const mine = await as("kato").record.getRecords({ app, query: `${A} in (LOGINUSER())` });
  assert.deepEqual(mine.records.map((x) => x.$id.value), [String(id)]);
  await rejects(step("tanaka", "承認"), "GAIA_NT01", 403);
  await rejects(step("kato", "提出"), "GAIA_IL03", 400);
  await rejects(step("kato", "承認", { revision: 1 }), "GAIA_CO02", 409);
  assert.equal((await step("kato", "承認")).revision, "5");
  r = (await admin.record.getRecord({ app, id })).record;
  assert.equal(r[S].value, "局長確認中");
  assert.deepEqual(r[A].value.map((u) => u.code).sort(), ["sato", "suzuki"], "a department below, and a user field");
  // ALL: each acts; the record waits for the last
  await step("suzuki", "決裁");
  r = (await admin.record.getRecord({ app, id })).record;
  assert.deepEqual([r[S].value, r[A].value.map((u) => u.code)], ["局長確認中", ["sato"]]);
  await step("sato", "決裁");
  r = (await admin.record.getRecord({ app, id })).record;
  assert.deepEqual([r[S].value, r[A].value], ["完了", []]);
  assert.equal(r.$revision.value, "8");
  const done = await admin.record.getRecords({ app, query: `${S} in ("完了")` });
  assert.equal(done.records.length, 1);
  const h = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${id}` });
  assert.deepEqual(h.json.history.map((x) => x.action).slice(0, 2), ["STATUS", "ASSIGNEE"]);
  assert.equal(h.json.history[0].changes.find((c) => c.type === "STATUS").new, "完了");
  assert.deepEqual(h.json.history[0].changes.find((c) => c.type === "STATUS_ASSIGNEE").old, [{ code: "sato", name: "sato" }]);
});

test("an action's filter, bulk actions all or nothing, assignees changed by hand, apps without process management", async () => {
  const { id: empty } = await as("tanaka").record.addRecord({ app, record: {} });
  await as("tanaka").record.updateRecordStatus({ app, id: empty, action: "提出" });
  await rejects(as("kato").record.updateRecordStatus({ app, id: empty, action: "承認" }), "GAIA_IL03", 400);
  await as("kato").record.updateRecordStatus({ app, id: empty, action: "差戻し" });
  const { id: a } = await as("tanaka").record.addRecord({ app, record: { title: { value: "a" } } });
  const { id: b } = await as("tanaka").record.addRecord({ app, record: { title: { value: "b" } } });
  await rejects(as("tanaka").record.updateRecordsStatus({ app, records: [{ id: a, action: "提出" }, { id: b, action: "決裁" }] }), "GAIA_IL03", 400);
  assert.equal((await admin.record.getRecord({ app, id: a })).record[S].value, "未処理", "nothing changed");
  const res = await as("tanaka").record.updateRecordsStatus({ app, records: [{ id: a, action: "提出" }, { id: b, action: "提出" }] });
  assert.equal(res.records.length, 2);
  // someone who may edit but neither manages the app nor works on the record
  // cannot hand it to themselves (and then approve their own report)
  await rejects(as("tanaka").record.updateRecordAssignees({ app, id: a, assignees: ["tanaka"] }), "CB_NO02", 403);
  await admin.record.updateRecordAssignees({ app, id: a, assignees: ["suzuki"] });
  assert.deepEqual((await admin.record.getRecord({ app, id: a })).record[A].value.map((u) => u.code), ["suzuki"]);
  // the one working on it may hand it on
  await as("suzuki").record.updateRecordAssignees({ app, id: a, assignees: ["kato"] });
  const plain = await makeApp(admin, "普通のアプリ", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const { id } = await admin.record.addRecord({ app: plain, record: {} });
  await rejects(admin.record.updateRecordStatus({ app: plain, id, action: "x" }), "GAIA_ST02", 400);
  assert.equal((await admin.record.getRecord({ app: plain, id })).record.Status, undefined);
});

test("switched on over existing records: each goes to the first status with its creator to act, as kintone", async () => {
  const late = await makeApp(admin, "後から決裁", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  const { id: t1 } = await as("tanaka").record.addRecord({ app: late, record: { title: { value: "前からある" } } });
  const { id: k1 } = await as("kato").record.addRecord({ app: late, record: {} });
  const flow = (first) => raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app: late, enable: true,
    states: {
      [first]: { name: first, index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] } },
      完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } },
    },
    actions: [{ name: "完了にする", from: first, to: "完了" }],
  } });
  assert.equal((await flow("受付")).status, 200);
  await admin.app.deployApp({ apps: [{ app: late }] });
  const { properties } = await admin.app.getFormFields({ app: late });
  const st = Object.values(properties).find((p) => p.type === "STATUS").code;
  const who = Object.values(properties).find((p) => p.type === "STATUS_ASSIGNEE").code;
  const seen = async (id) => { const r = (await admin.record.getRecord({ app: late, id })).record; return [r[st].value, r[who].value.map((u) => u.code)]; };
  assert.deepEqual(await seen(t1), ["受付", ["tanaka"]]);
  assert.deepEqual(await seen(k1), ["受付", ["kato"]]);
  const waiting = async (code) => (await admin.record.getRecords({ app: late, query: `${who} in ("${code}") order by $id asc` })).records.map((r) => r.$id.value);
  assert.deepEqual(await waiting("kato"), [k1], "the query on who must act sees records moved into the first status");
  // the existing record can be acted on by its creator at once
  await as("kato").record.updateRecordStatus({ app: late, id: k1, action: "完了にする" });
  assert.deepEqual(await seen(k1), ["完了", []]);
  assert.deepEqual(await waiting("kato"), []);
  // the first status renamed: records in a status the settings no longer have move to the new first one
  assert.equal((await flow("受付済み")).status, 200);
  await admin.app.deployApp({ apps: [{ app: late }] });
  assert.deepEqual(await seen(t1), ["受付済み", ["tanaka"]]);
  assert.deepEqual(await seen(k1), ["完了", []], "a status that still exists is kept");
  assert.deepEqual(await waiting("tanaka"), [t1]);
  assert.deepEqual((await admin.record.getRecords({ app: late, query: `${who} not in ("tanaka")` })).records.map((r) => r.$id.value), [k1]);
  await admin.record.deleteRecords({ app: late, ids: [t1] });
  assert.deepEqual(await waiting("tanaka"), [], "a deleted record waits on nobody");
});

test("GET /api/record/actions: only the actions this caller may run on this record now", async () => {
  const actions = async (id, headers) => {
    const res = await fetch(`${server.base}/api/record/actions?app=${app}&id=${id}`, { headers });
    return res.status === 200 ? (await res.json()).actions.map((a) => a.name) : res.status;
  };
  const { id } = await as("tanaka").record.addRecord({ app, record: { title: { value: "件名あり" } } });
  const { id: untitled } = await as("tanaka").record.addRecord({ app, record: {} });
  assert.deepEqual(await actions(id, basic("tanaka", PASSWORD)), ["提出"]);
  assert.deepEqual(await actions(id, basic("kato", PASSWORD)), [], "not the assignee");
  await as("tanaka").record.updateRecordStatus({ app, id, action: "提出" });
  await as("tanaka").record.updateRecordStatus({ app, id: untitled, action: "提出" });
  assert.deepEqual(await actions(id, basic("kato", PASSWORD)), ["承認", "差戻し"]);
  assert.deepEqual(await actions(untitled, basic("kato", PASSWORD)), ["差戻し"], "承認 needs a title (its filter)");
  assert.deepEqual(await actions(id, basic("tanaka", PASSWORD)), []);
  // nobody, a stranger to the app, a token of another app: nothing
  assert.equal(await actions(id, {}), 401);
  const other = await makeApp(admin, "別アプリ", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  const tok = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: other, permissions: ["view"] } });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  assert.equal(await actions(id, { "X-Cybozu-API-Token": tok.json.token }), 400, "GAIA_IA02, as kintone answers a token of another app");
  // an administrator may run any record's actions, as PUT record/status.json allows
  assert.deepEqual(await actions(id, basic()), ["承認", "差戻し"]);
});

test("exports carry the status and who must act: CSV in UTF-8 and Shift_JIS, and .xlsx", async () => {
  const { id } = await as("tanaka").record.addRecord({ app, record: { title: { value: "出力する" } } });
  const q = `app=${app}&query=${encodeURIComponent(`$id = ${id}`)}&fields[0]=title&fields[1]=${encodeURIComponent(S)}&fields[2]=${encodeURIComponent(A)}`;
  const get = async (path) => Buffer.from(await (await fetch(`${server.base}${path}?${q}`, { headers: basic() })).arrayBuffer());
  const header = `"title","${S}","${A}"`;
  assert.equal((await get("/api/export.csv")).toString(), `${header}\r\n"出力する","未処理","tanaka"\r\n`);
  const sjis = Buffer.from(await (await fetch(`${server.base}/api/export.csv?${q}&encoding=sjis`, { headers: basic() })).arrayBuffer());
  assert.equal(new TextDecoder("shift_jis").decode(sjis), `${header}\r\n"出力する","未処理","tanaka"\r\n`);
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await get("/api/export.xlsx"));
  assert.deepEqual(book.worksheets[0].getRow(2).values.slice(1), ["出力する", "未処理", "tanaka"]);
});

test("who must act follows a renamed login, for the query as for the record", async () => {
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "mori", name: "森", password: PASSWORD }] } });
  const { id } = await as("mori").record.addRecord({ app, record: { title: { value: "森さんの件" } } });
  const waiting = async (code) => (await admin.record.getRecords({ app, query: `${A} in ("${code}")` })).records.map((r) => r.$id.value);
  assert.deepEqual(await waiting("mori"), [id]);
  const r = await raw(server, "PUT", "/v1/users.json", { body: { users: [{ code: "mori", newCode: "morita" }] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(await waiting("morita"), [id]);
  assert.deepEqual(await waiting("mori"), []);
});
