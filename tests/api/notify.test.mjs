// Notifications (KINTONE-API.md §5.3): the settings through the official
// client; who is told of added and edited records, comments, mentions,
// status changes, per-record conditions and reminders, in the notification
// centre and by e-mail through a real SMTP server on loopback; nobody is told
// of their own doing or of a record they may not view. Circulars (供覧):
// sent to a department, confirmed one by one, the rest reminded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, client, raw, rejects, makeApp, BIN, dataArgs } from "./helpers/server.mjs";
import { startSmtpSink } from "./helpers/smtp.mjs";

let server, smtp, admin, app;
const PASSWORD = "notice-password-1";
const as = (code) => client(server, { username: code, password: PASSWORD });
const auth = (code) => ({ "X-Cybozu-Authorization": Buffer.from(`${code}:${PASSWORD}`).toString("base64") });
const notes = async (code, query = "") => (await raw(server, "GET", "/api/notifications", { headers: auth(code), query })).json;

before(async () => {
  server = await startServer();
  smtp = await startSmtpSink();
  admin = client(server);
  await raw(server, "POST", "/v1/organizations.json", { body: { organizations: [{ code: "welfare", name: "福祉課" }, { code: "audit", name: "監査係", parentCode: "welfare" }] } });
  await raw(server, "POST", "/v1/groups.json", { body: { groups: [{ code: "leads", name: "係長" }] } });
  const people = ["yamada", "ito", "mori", "abe", "ueda", "kudo", "outsider"];
  const r = await raw(server, "POST", "/v1/users.json", { body: { users: people.map((code) => ({ code, name: code.toUpperCase(), password: PASSWORD, email: `${code}@city.example.jp`, locale: code === "ito" ? "en" : "ja" })) } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await raw(server, "PUT", "/v1/userOrganizations.json", { body: { userOrganizations: ["ito", "mori", "abe", "ueda", "kudo"].map((code) => ({ code, organizations: ["audit"] })) } });
  await raw(server, "PUT", "/v1/userGroups.json", { body: { userGroups: [{ code: "ito", groups: ["leads"] }] } });
  const mail = await raw(server, "PUT", "/api/system/mail", { body: { enabled: true, url: smtp.url, from: "tsumiki@city.example.jp", baseUrl: "http://localhost:8080" } });
  assert.equal(mail.status, 200, JSON.stringify(mail.json));
  app = await makeApp(admin, "苦情受付", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    level: { type: "DROP_DOWN", code: "level", label: "緊急度", options: { 高: { label: "高", index: "0" }, 低: { label: "低", index: "1" } } },
    owner: { type: "USER_SELECT", code: "owner", label: "担当" },
    due: { type: "DATETIME", code: "due", label: "期限" },
    visit: { type: "DATE", code: "visit", label: "訪問日" },
  });
  // the outsider may not see the app at all
  await admin.app.updateAppAcl({ app, rights: [
    { entity: { type: "ORGANIZATION", code: "welfare" }, includeSubs: true, recordViewable: true, recordAddable: true, recordEditable: true },
    { entity: { type: "USER", code: "yamada" }, recordViewable: true, recordAddable: true, recordEditable: true, appEditable: true },
  ] });
  await admin.app.deployApp({ apps: [{ app }] });
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
});

test("notification settings round-trip through the official client; bad ones are refused", async () => {
  await admin.app.updateGeneralNotifications({ app, notifyToCommenter: true, notifications: [
    { entity: { type: "GROUP", code: "leads" }, recordAdded: true, commentAdded: true, statusChanged: true },
    { entity: { type: "FIELD_ENTITY", code: "owner" }, recordEdited: true },
    { entity: { type: "USER", code: "outsider" }, recordAdded: true },
  ] });
  await admin.app.updatePerRecordNotifications({ app, notifications: [
    { filterCond: 'level in ("高")', title: "緊急度の高い苦情", targets: [{ entity: { type: "ORGANIZATION", code: "welfare" }, includeSubs: true }] },
  ] });
  await admin.app.updateReminderNotifications({ app, timezone: "Asia/Tokyo", notifications: [
    { timing: { code: "due", daysLater: 0, hoursLater: -1 }, filterCond: "", title: "期限の1時間前です", targets: [{ entity: { type: "FIELD_ENTITY", code: "owner" } }] },
    { timing: { code: "visit", daysLater: -1, time: "17:00" }, title: "明日は訪問日です", targets: [{ entity: { type: "USER", code: "abe" } }] },
  ] });
  const g = await admin.app.getGeneralNotifications({ app, preview: true });
  assert.equal(g.notifyToCommenter, true);
  assert.equal(g.notifications.length, 3);
  assert.deepEqual(g.notifications[0].entity, { type: "GROUP", code: "leads" });
  assert.equal(g.notifications[0].recordAdded, true);
  assert.equal(g.notifications[0].recordEdited, false);
  assert.equal(g.notifications[1].entity.type, "FIELD_ENTITY");
  const p = await admin.app.getPerRecordNotifications({ app, preview: true });
  assert.equal(p.notifications[0].title, "緊急度の高い苦情");
  assert.equal(p.notifications[0].targets[0].includeSubs, true);
  const rm = await admin.app.getReminderNotifications({ app, preview: true });
  assert.equal(rm.timezone, "Asia/Tokyo");
  assert.deepEqual(rm.notifications[0].timing, { code: "due", daysLater: "0", hoursLater: "-1" });
  assert.deepEqual(rm.notifications[1].timing, { code: "visit", daysLater: "-1", time: "17:00" });
  // live settings change only on deploy
  assert.equal((await admin.app.getGeneralNotifications({ app })).notifications.length, 0);
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal((await admin.app.getGeneralNotifications({ app })).notifications.length, 3);

  const e1 = await rejects(admin.app.updateGeneralNotifications({ app, notifications: [{ entity: { type: "USER", code: "nobody" }, recordAdded: true }] }), "CB_VA01", 400);
  assert.ok(e1.errors["notifications[0].entity.code"]);
  const e2 = await rejects(admin.app.updateGeneralNotifications({ app, notifications: [{ entity: { type: "FIELD_ENTITY", code: "title" } }] }), "CB_VA01", 400);
  assert.ok(e2.errors["notifications[0].entity.code"], "a text field names nobody");
  const e3 = await rejects(admin.app.updatePerRecordNotifications({ app, notifications: [{ filterCond: "level = ", title: "x", targets: [{ entity: { type: "USER", code: "ito" } }] }] }), "CB_VA01", 400);
  assert.ok(e3.errors["notifications[0].filterCond"]);
  const e4 = await rejects(admin.app.updateReminderNotifications({ app, notifications: [{ timing: { code: "title", daysLater: 0, hoursLater: 0 }, title: "x", targets: [{ entity: { type: "USER", code: "ito" } }] }] }), "CB_VA01", 400);
  assert.ok(e4.errors["notifications[0].timing.code"]);
  const e5 = await rejects(admin.app.updateReminderNotifications({ app, notifications: [{ timing: { code: "visit", daysLater: 0 }, title: "x", targets: [{ entity: { type: "USER", code: "ito" } }] }] }), "CB_VA01", 400);
  assert.ok(e5.errors["notifications[0].timing"], "a date field needs a time of day");
  await rejects(as("mori").app.getGeneralNotifications({ app }), "CB_NO02", 403);
  assert.equal((await admin.app.getPerRecordNotifications({ app, preview: true })).notifications.length, 1, "nothing changed");
});

test("an added record reaches the group and the e-mail; not the actor, not who may not view it", async () => {
  const { id } = await as("mori").record.addRecord({ app, record: { title: { value: "騒音の苦情" }, level: { value: "低" }, owner: { value: [{ code: "abe" }] } } });
  const ito = await notes("ito");
  const added = ito.notifications.find((n) => n.kind === "ADDED" && n.record === Number(id));
  assert.ok(added, JSON.stringify(ito));
  assert.equal(added.title, "騒音の苦情");
  assert.deepEqual(added.actor, { code: "mori", name: "MORI" });
  assert.equal(added.app.name, "苦情受付");
  assert.ok(ito.unread >= 1);
  assert.equal((await notes("mori")).notifications.length, 0, "not told of one's own doing");
  assert.equal((await notes("outsider")).notifications.length, 0, "the outsider may not view the app");
  // ito's language is English
  const m = await smtp.waitFor((x) => x.to.includes("ito@city.example.jp") && x.subject.includes("騒音の苦情"));
  assert.equal(m.subject, "[苦情受付] 騒音の苦情");
  assert.match(m.body, /MORI added a record\./);
  assert.match(m.body, new RegExp(`http://localhost:8080/#/apps/${app}/records/${id}`));
  assert.equal(m.from, "tsumiki@city.example.jp");
  assert.ok(!smtp.messages.some((x) => x.to.includes("outsider@city.example.jp")));
});

test("edits tell the owner; a condition met tells the department; comments and mentions", async () => {
  const { id } = await as("mori").record.addRecord({ app, record: { title: { value: "悪臭" }, owner: { value: [{ code: "ueda" }] } } });
  await as("mori").record.updateRecord({ app, id, record: { level: { value: "高" } } });
  const ueda = await notes("ueda");
  assert.ok(ueda.notifications.some((n) => n.kind === "EDITED" && n.record === Number(id)), "the owner field's person");
  const cond = ueda.notifications.find((n) => n.kind === "RECORD" && n.record === Number(id));
  assert.equal(cond?.title, "緊急度の高い苦情");
  assert.ok((await notes("kudo")).notifications.some((n) => n.kind === "RECORD" && n.record === Number(id)), "everyone under welfare");
  await smtp.waitFor((x) => x.to.includes("kudo@city.example.jp") && x.subject.includes("緊急度の高い苦情"));

  await as("kudo").record.addRecordComment({ app, record: id, comment: { text: "現地を見ます" } });
  await as("abe").record.addRecordComment({ app, record: id, comment: { text: "お願いします", mentions: [{ code: "yamada", type: "USER" }] } });
  const yamada = await notes("yamada");
  const mention = yamada.notifications.find((n) => n.kind === "MENTION");
  assert.equal(mention.body, "お願いします");
  const kudo = await notes("kudo");
  assert.ok(kudo.notifications.some((n) => n.kind === "COMMENT" && n.body === "お願いします"), "earlier commenters hear (notifyToCommenter)");
  assert.ok((await notes("ito")).notifications.some((n) => n.kind === "COMMENT" && n.body === "現地を見ます"), "commentAdded for the group");
  await rejects(as("abe").record.addRecordComment({ app, record: id, comment: { text: "x", mentions: [{ code: "nogroup", type: "GROUP" }] } }), "GAIA_IL27", 400);
});

test("the notification centre pages, counts unread and marks read", async () => {
  const first = await notes("ueda", "limit=1");
  assert.equal(first.notifications.length, 1);
  const older = await notes("ueda", `limit=50&before=${first.notifications[0].id}`);
  assert.ok(older.notifications.every((n) => n.id < first.notifications[0].id));
  const before = (await raw(server, "GET", "/api/notifications/unread", { headers: auth("ueda") })).json;
  assert.equal(before.unread, first.unread);
  const one = await raw(server, "POST", "/api/notifications/read", { headers: auth("ueda"), body: { ids: [first.notifications[0].id] } });
  assert.equal(one.json.unread, before.unread - 1);
  // another's notices are not touched
  await raw(server, "POST", "/api/notifications/read", { headers: auth("kudo"), body: { ids: [first.notifications[0].id] } });
  assert.equal((await notes("ueda", "unread=true")).notifications.length, before.unread - 1);
  const all = await raw(server, "POST", "/api/notifications/read", { headers: auth("ueda"), body: { all: true } });
  assert.equal(all.json.unread, 0);
  const bad = await raw(server, "POST", "/api/notifications/read", { headers: auth("ueda"), body: { ids: "x" } });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(server.base + "/api/notifications")).status, 401);
});

test("the bell's long poll answers as soon as a notice comes, and not for someone else's", async () => {
  const unread = async (code, query) => (await raw(server, "GET", "/api/notifications/unread", { headers: auth(code), query })).json;
  const { newest } = await unread("ito", "");
  // nothing new: the answer waits out its second and says so
  const t0 = Date.now();
  const quiet = await unread("ito", `after=${newest}&wait=1`);
  assert.equal(quiet.newest, newest);
  assert.ok(Date.now() - t0 >= 900, `held until its time was up: ${Date.now() - t0} ms, ${JSON.stringify(quiet)}, newest ${newest}`);
  // a notice for ito lets the poll go; one for someone else does not
  const poll = unread("ito", `after=${newest}&wait=20`);
  await as("ito").record.addRecordComment({ app, record: 1, comment: { text: "自分の書き込み" } }); // ito is not told of his own
  await as("mori").record.addRecord({ app, record: { title: { value: "長いポーリング" } } }); // the leads group hears
  const woke = await poll;
  assert.ok(woke.newest > newest && woke.unread >= 1, JSON.stringify(woke));
  // without wait, the answer is at once
  assert.equal((await unread("ito", `after=${woke.newest}`)).newest, woke.newest);
});

test("a status action tells the new assignee and the statusChanged group", async () => {
  const put = await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, enable: true,
    states: {
      受付: { name: "受付", index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] } },
      確認中: { name: "確認中", index: "1", assignee: { type: "ONE", entities: [{ entity: { type: "USER", code: "ueda" } }] } },
    },
    actions: [{ name: "回す", from: "受付", to: "確認中" }] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const { id } = await as("mori").record.addRecord({ app, record: { title: { value: "落書き" } } });
  await as("mori").record.updateRecordStatus({ app, id, action: "回す" });
  const a = (await notes("ueda")).notifications.find((n) => n.kind === "ASSIGNED" && n.record === Number(id));
  assert.equal(a?.body, "受付 → 確認中");
  assert.ok((await notes("ito")).notifications.some((n) => n.kind === "STATUS" && n.record === Number(id)));
  await smtp.waitFor((x) => x.to.includes("ueda@city.example.jp") && /作業者/.test(x.body));
  // assignees changed by hand: only the one added hears
  const assigned = async (code) => (await notes(code, "limit=100")).notifications.filter((n) => n.kind === "ASSIGNED" && n.record === Number(id)).length;
  const before = await assigned("ueda");
  await admin.record.updateRecordAssignees({ app, id, assignees: ["kudo"] });
  assert.equal(await assigned("kudo"), 1);
  await admin.record.updateRecordAssignees({ app, id, assignees: ["kudo"] });
  assert.equal(await assigned("kudo"), 1, "already an assignee: not told again");
  assert.equal(await assigned("ueda"), before);
});

test("reminders come once, when their moment comes", async () => {
  const { id } = await as("mori").record.addRecord({ app, record: { title: { value: "期限つき" }, owner: { value: [{ code: "kudo" }] }, due: { value: "2031-01-10T09:00:00Z" }, visit: { value: "2031-01-12" } } });
  const run = (at) => execFileSync(BIN, ["reminders", ...dataArgs(server), "--at", at]);
  const count = async (code, title) => (await notes(code, "limit=100")).notifications.filter((n) => n.kind === "REMINDER" && n.title === title && n.record === Number(id)).length;
  run("2031-01-10T07:00:00Z"); // the first run marks where reminders start
  assert.equal(await count("kudo", "期限の1時間前です"), 0);
  run("2031-01-10T07:59:00Z");
  assert.equal(await count("kudo", "期限の1時間前です"), 0, "not yet");
  run("2031-01-10T08:00:00Z");
  assert.equal(await count("kudo", "期限の1時間前です"), 1, "an hour before 09:00");
  run("2031-01-10T08:30:00Z");
  assert.equal(await count("kudo", "期限の1時間前です"), 1, "once");
  // the day before the visit (2031-01-12) at 17:00 in Tokyo is 08:00 UTC on the 11th
  run("2031-01-11T07:59:00Z");
  assert.equal(await count("abe", "明日は訪問日です"), 0);
  run("2031-01-11T08:01:00Z");
  assert.equal(await count("abe", "明日は訪問日です"), 1);
  await smtp.waitFor((x) => x.to.includes("abe@city.example.jp") && x.subject.includes("明日は訪問日です"));
});

test("a circular reaches a department at once; each confirms; the sender reminds the rest", async () => {
  const { id } = await as("yamada").record.addRecord({ app, record: { title: { value: "研修のお知らせ" } } });
  const send = await raw(server, "POST", "/api/circulars", { headers: auth("yamada"), body: { app, record: id, message: "全員確認してください", to: [{ entity: { type: "ORGANIZATION", code: "audit" } }] } });
  assert.equal(send.status, 200, JSON.stringify(send.json));
  assert.equal(send.json.recipients, 5);
  for (const code of ["ito", "mori", "abe", "ueda", "kudo"]) {
    const n = (await notes(code)).notifications.find((x) => x.kind === "CIRCULAR" && x.record === Number(id));
    assert.equal(n?.body, "全員確認してください", code);
  }
  assert.equal((await raw(server, "GET", "/api/circulars/pending", { headers: auth("abe") })).json.circulars[0].message, "全員確認してください");
  for (const code of ["ito", "mori", "abe"]) {
    const c = await raw(server, "POST", "/api/circular/confirm", { headers: auth(code), body: { id: send.json.id, comment: code === "mori" ? "了解です" : "" } });
    assert.equal(c.status, 200);
  }
  assert.equal((await raw(server, "GET", "/api/circulars/pending", { headers: auth("abe") })).json.circulars.length, 0);
  // confirming by any route makes the notice that asked for it read
  assert.equal((await notes("abe")).notifications.find((x) => x.kind === "CIRCULAR" && x.record === Number(id)).read, true);
  assert.equal((await notes("ueda")).notifications.find((x) => x.kind === "CIRCULAR" && x.record === Number(id)).read, false);
  const again = await raw(server, "POST", "/api/circular/confirm", { headers: auth("ito"), body: { id: send.json.id } });
  assert.equal(again.status, 200, "confirming twice keeps the first time");
  const list = (await raw(server, "GET", "/api/circulars", { headers: auth("yamada"), query: `app=${app}&record=${id}` })).json.circulars;
  assert.equal(list.length, 1);
  assert.equal(list[0].total, 5);
  assert.equal(list[0].confirmedCount, 3);
  const waiting = list[0].people.filter((p) => !p.confirmed).map((p) => p.user.code).sort();
  assert.deepEqual(waiting, ["kudo", "ueda"]);
  assert.equal(list[0].people.find((p) => p.user.code === "mori").comment, "了解です");
  // only the sender or a manager reminds
  assert.equal((await raw(server, "POST", "/api/circular/remind", { headers: auth("ito"), body: { id: send.json.id } })).status, 403);
  const remind = await raw(server, "POST", "/api/circular/remind", { headers: auth("yamada"), body: { id: send.json.id } });
  assert.equal(remind.json.reminded, 2);
  assert.ok((await notes("kudo")).notifications.some((n) => n.kind === "REMIND" && n.record === Number(id)));
  assert.ok(!(await notes("abe")).notifications.some((n) => n.kind === "REMIND" && n.record === Number(id)), "who confirmed is not reminded");
  await smtp.waitFor((x) => x.to.includes("ueda@city.example.jp") && /回覧の確認/.test(x.body));
  // a non-recipient cannot confirm; someone who may not view the record cannot be sent it
  assert.equal((await raw(server, "POST", "/api/circular/confirm", { headers: auth("yamada"), body: { id: send.json.id } })).status, 403);
  const bad = await raw(server, "POST", "/api/circulars", { headers: auth("yamada"), body: { app, record: id, to: [{ entity: { type: "USER", code: "outsider" } }] } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.errors.to.messages[0], /OUTSIDER/);
  assert.equal((await raw(server, "GET", "/api/circulars", { headers: auth("outsider"), query: `app=${app}&record=${id}` })).status, 403);
});

test("mail settings: administrators only, checked, the password never shown", async () => {
  assert.equal((await raw(server, "GET", "/api/system/mail", { headers: auth("yamada") })).status, 403);
  const bad = await raw(server, "PUT", "/api/system/mail", { body: { enabled: true, url: "http://x", from: "not an address" } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.errors.url && bad.json.errors.from);
  const ok = await raw(server, "PUT", "/api/system/mail", { body: { enabled: true, url: smtp.url, from: "tsumiki@city.example.jp", user: "relay", password: "secret" } });
  assert.equal(ok.json.hasPassword, true);
  assert.ok(!JSON.stringify(ok.json).includes("secret"));
  assert.ok(ok.json.outbox.sent > 0);
  const plain = await raw(server, "PUT", "/api/system/mail", { body: { enabled: true, url: smtp.url, from: "tsumiki@city.example.jp", user: "" } });
  assert.equal(plain.json.user, "");
  const t = await raw(server, "POST", "/api/system/mail/test", { body: { to: "admin@city.example.jp" } });
  assert.equal(t.status, 200);
  await smtp.waitFor((x) => x.to.includes("admin@city.example.jp"));
});

test("opening a record reads what its reader was told of it, and only that", async () => {
  const { id } = await as("yamada").record.addRecord({ app, record: { title: { value: "開けば既読" } } });
  const { id: other } = await as("yamada").record.addRecord({ app, record: { title: { value: "別の記録" } } });
  for (const rec of [id, other])
    await raw(server, "POST", "/k/v1/record/comment.json", { headers: auth("yamada"), body: { app, record: rec, comment: { text: "見てください", mentions: [{ code: "kudo", type: "USER" }] } } });
  const unread = async () => (await notes("kudo", "unread=true")).notifications.filter((n) => [Number(id), Number(other)].includes(n.record)).map((n) => n.record);
  assert.deepEqual((await unread()).sort(), [Number(id), Number(other)].sort());
  const r = await raw(server, "POST", "/api/notifications/read", { headers: auth("kudo"), body: { app, record: id } });
  assert.equal(r.status, 200);
  assert.deepEqual(await unread(), [Number(other)]);
  // someone else's notices are not theirs to read
  await raw(server, "POST", "/api/notifications/read", { headers: auth("ueda"), body: { app, record: other } });
  assert.deepEqual(await unread(), [Number(other)]);
  assert.equal((await raw(server, "POST", "/api/notifications/read", { headers: auth("kudo"), body: { app, record: "x" } })).status, 400);
});
