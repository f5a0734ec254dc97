// The portal (our extension, README "The portal"): GET /api/portal answers the
// administrators' notice, the apps the caller may open with icon and
// category, and the records waiting on them across every app with process
// management — counted and listed only as far as they may see.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, makeApp } from "./helpers/server.mjs";

const PASSWORD = "portal-pass-1";
let server, admin, reports, leave, hidden;
const portal = (who) => raw(server, "GET", "/api/portal", { headers: basic(who, PASSWORD) });
const as = (code) => client(server, { username: code, password: PASSWORD });

async function withProcess(app) {
  const creator = { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] };
  const put = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, enable: true,
    states: {
      未処理: { name: "未処理", index: "0", assignee: creator },
      完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } },
    },
    actions: [{ name: "完了する", from: "未処理", to: "完了" }],
  } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
}

before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: ["aoki", "baba"].map((code) => ({ code, name: code, password: PASSWORD })) } });
  reports = await makeApp(admin, "事故報告", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" }, secret: { type: "SINGLE_LINE_TEXT", code: "secret", label: "秘" } });
  leave = await makeApp(admin, "休暇申請", { reason: { type: "SINGLE_LINE_TEXT", code: "reason", label: "理由" } });
  hidden = await makeApp(admin, "人事", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await withProcess(reports);
  await withProcess(leave);
  // reports are named by the secret field, which aoki may not see
  await admin.app.updateAppSettings({ app: reports, icon: { type: "PRESET", key: "clipboard.red" }, category: "監査", titleField: { selectionMode: "MANUAL", code: "secret" } });
  await admin.app.updateFieldAcl({ app: reports, rights: [{ code: "secret", entities: [
    { entity: { type: "USER", code: "Administrator" }, accessibility: "WRITE" }, { entity: { type: "USER", code: "aoki" }, accessibility: "NONE" }] }] });
  // aoki sees only the leave records he created
  await admin.app.updateRecordAcl({ app: leave, rights: [{ filterCond: "", entities: [
    { entity: { type: "CREATOR" }, viewable: true, editable: true, deletable: true },
    { entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true }] }] });
  await admin.app.updateAppAcl({ app: hidden, rights: [{ entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true }] });
  await admin.app.deployApp({ apps: [{ app: reports }, { app: leave }, { app: hidden }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [reports, leave, hidden] })).apps.some((a) => a.status !== "SUCCESS"); i++)
    await new Promise((r) => setTimeout(r, 100));
});
after(() => server.stop());

test("the records waiting on each person, per app, counted and listed as they may see them", async () => {
  const ids = [];
  for (let i = 1; i <= 7; i++) ids.push((await as("aoki").record.addRecord({ app: reports, record: { title: { value: `報告${i}` } } })).id);
  await admin.record.updateRecord({ app: reports, id: ids[6], record: { secret: { value: "秘密の件名" } } });
  const { id: mine } = await as("aoki").record.addRecord({ app: leave, record: { reason: { value: "通院" } } });
  await as("baba").record.addRecord({ app: leave, record: { reason: { value: "旅行" } } });
  // one of aoki's leave records handed to baba; baba cannot see it (created by aoki)
  await admin.record.updateRecordAssignees({ app: leave, id: mine, assignees: ["baba"] });
  const a = await portal("aoki");
  assert.equal(a.status, 200, JSON.stringify(a.json));
  assert.deepEqual(a.json.waiting.map((w) => [w.name, w.total]), [["事故報告", "7"]]);
  const rep = a.json.waiting[0];
  assert.equal(rep.records.length, 5, "the newest five are listed, the rest counted");
  assert.equal(rep.records[0].status, "未処理");
  assert.equal(rep.records[0].title, null, "the title field is one aoki may not see");
  const b = await portal("baba");
  assert.deepEqual(b.json.waiting.map((w) => [w.name, w.total, w.records.map((r) => r.title)]), [["休暇申請", "1", ["旅行"]]],
    "the record handed to baba that she may not view is neither counted nor listed");
  const done = rep.records[0].id;
  await as("aoki").record.updateRecordStatus({ app: reports, id: done, action: "完了する" });
  assert.equal((await portal("aoki")).json.waiting[0].total, "6", "an action taken leaves the list at once");
});

test("the apps each person may open, with icon and category", async () => {
  const a = await portal("aoki");
  const names = a.json.apps.map((x) => x.name);
  assert.ok(names.includes("事故報告") && names.includes("休暇申請"));
  assert.ok(!names.includes("人事"), "an app without rights is not offered");
  const rep = a.json.apps.find((x) => x.name === "事故報告");
  assert.deepEqual([rep.icon, rep.category], [{ type: "PRESET", key: "clipboard.red" }, "監査"]);
  assert.equal((await fetch(server.base + "/api/portal")).status, 401, "nobody signed in gets nothing");
  const long = await raw(server, "PUT", "/k/v1/preview/app/settings.json", { body: { app: reports, category: "あ".repeat(65) } });
  assert.equal(long.status, 400);
});

test("the notice board: administrators write it (cleaned of scripts), everyone reads it", async () => {
  assert.equal((await portal("aoki")).json.notice, null);
  const html = '<p><b>12月の監査</b>は<a href="https://example.org/">こちら</a></p><script>alert(1)</script><img src=x onerror=alert(2)>';
  const put = await raw(server, "PUT", "/api/portal/notice", { body: { html } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  const { notice } = (await portal("baba")).json;
  assert.match(notice.html, /<b>12月の監査<\/b>/);
  assert.doesNotMatch(notice.html, /script|onerror/);
  assert.equal(notice.updatedBy.code, "Administrator");
  const denied = await raw(server, "PUT", "/api/portal/notice", { body: { html: "乗っ取り" }, headers: basic("aoki", PASSWORD) });
  assert.equal(denied.status, 403);
  const nobody = await fetch(server.base + "/api/portal/notice", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ html: "乗っ取り" }) });
  assert.equal(nobody.status, 401);
  const tooLong = await raw(server, "PUT", "/api/portal/notice", { body: { html: "x".repeat(70000) } });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.json.code, "CB_VA01");
  assert.match((await portal("aoki")).json.notice.html, /12月の監査/, "refused writes changed nothing");
  const audit = await raw(server, "GET", "/api/audit", { query: "limit=5" });
  assert.ok(audit.json.entries.some((e) => e.action === "portal.notice"));
});
