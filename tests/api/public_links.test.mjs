// Personal links (issue 15, our extension; README "Personal links"): a public
// form sent to recipients taken from another app (the facility registry),
// each by a link of their own that fills and locks their key, shows their own
// earlier answers and lets them correct one until a deadline; staff see who
// has not answered, remind them, revoke a link. A public view sent the same
// way shows each facility its own records only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, basic, makeApp, deploy as deployApp } from "./helpers/server.mjs";
import { startSmtpSink } from "./helpers/smtp.mjs";
import { outsider } from "./helpers/public.mjs";

let server, admin, registry, reports, smtp, form, anon;
const future = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 19) + "Z";
const past = new Date(Date.now() - 86400e3).toISOString().slice(0, 19) + "Z";
const links = {}; // facility number -> path of their link, from the mail they got

const publish = async (forms) => {
  const r = await raw(server, "PUT", "/k/v1/preview/app/publicForms.json", { body: { app: reports, forms } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await deployApp(admin, reports);
  return (await raw(server, "GET", "/k/v1/app/publicForms.json", { query: `app=${reports}` })).json.forms;
};
const personal = (extra = {}) => ({ app: String(registry), keyField: "no", nameField: "name", emailField: "mail", field: "facility",
  filterCond: 'state in ("運営中")', subject: "令和8年度 定期報告のお願い", message: "12月20日までにご回答ください。", editUntil: future, linksUntil: future, ...extra });
const reportForm = (extra = {}) => ({ name: "定期報告", title: "定期報告", fields: ["facility", "staff", "note"], enabled: true, personal: personal(), ...extra });
const staff = (method, path, body, query) => raw(server, method, path, { body, query });

before(async () => {
  server = await startServer();
  admin = client(server);
  anon = outsider(server);
  registry = await makeApp(admin, "施設台帳", {
    no: { type: "SINGLE_LINE_TEXT", code: "no", label: "施設番号" },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    mail: { type: "SINGLE_LINE_TEXT", code: "mail", label: "メール" },
    state: { type: "DROP_DOWN", code: "state", label: "状態", options: { 運営中: { label: "運営中", index: "0" }, 廃止: { label: "廃止", index: "1" } } },
  });
  const facilities = [["K-001", "さくら園", "sakura@care.example.jp", "運営中"], ["K-002", "もみじ苑", "momiji@care.example.jp", "運営中"],
    ["K-003", "ひまわり荘", "himawari@care.example.jp", "運営中"], ["K-004", "あおば館", "", "運営中"], ["K-005", "閉鎖した施設", "closed@care.example.jp", "廃止"]];
  await admin.record.addRecords({ app: registry, records: facilities.map(([no, name, mail, state]) => ({ no: { value: no }, name: { value: name }, mail: { value: mail }, state: { value: state } })) });
  reports = await makeApp(admin, "定期報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設番号", required: true },
    staff: { type: "NUMBER", code: "staff", label: "職員数" },
    note: { type: "MULTI_LINE_TEXT", code: "note", label: "備考" },
    grade: { type: "SINGLE_LINE_TEXT", code: "grade", label: "内部評価" },
  });
  await admin.record.addRecord({ app: reports, record: { facility: { value: "K-002" }, staff: { value: "9" }, grade: { value: "要指導" } } });
  smtp = await startSmtpSink();
  await staff("PUT", "/api/system/mail", { enabled: true, url: smtp.url, from: "kansa@city.example.jp", baseUrl: "http://localhost:8080" });
});
after(async () => {
  await smtp.stop();
  server.stop();
});

test("recipients are a setting of the form: another app's records, checked", async () => {
  for (const [p, key] of [[{ keyField: "nosuch" }, "forms[0].personal.keyField"], [{ field: "grade" }, "forms[0].personal.field"],
    [{ app: "9999" }, "forms[0].personal.app"], [{ app: "" }, "forms[0].personal.app"], [{ field: "staff" }, "forms[0].personal.field"], [{ keyField: "" }, "forms[0].personal.keyField"], [{ filterCond: "state in (" }, "forms[0].personal.filterCond"], [{ editUntil: "来月" }, "forms[0].personal.editUntil"]]) {
    const r = await raw(server, "PUT", "/k/v1/preview/app/publicForms.json", { body: { app: reports, forms: [reportForm({ personal: personal(p) })] } });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.ok(r.json.errors[key], `${key}: ${JSON.stringify(r.json.errors)}`);
  }
  [form] = await publish([reportForm()]);
  assert.equal(form.personal.keyField, "no");
  // a form sent to recipients is answered through their links only
  assert.equal((await anon("GET", `${form.url}/token.json`)).status, 404);
  assert.equal((await anon("GET", `${form.url}/form.json`)).status, 404);
});

test("sending gives each recipient the registry selects a link of their own, by mail through the outbox", async () => {
  const r = await staff("POST", "/api/public/links", { app: reports, id: form.id });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json, { recipients: 4, skipped: 0, duplicates: 0, mailed: 3, notMailed: 1 }, "the closed facility is not asked; K-004 has no address");
  for (const [no, to] of [["K-001", "sakura@care.example.jp"], ["K-002", "momiji@care.example.jp"], ["K-003", "himawari@care.example.jp"]]) {
    const m = await smtp.waitFor((x) => x.to.includes(to));
    assert.equal(m.subject, "令和8年度 定期報告のお願い");
    assert.match(m.body, /12月20日までにご回答ください。/);
    const link = m.body.match(/http:\/\/localhost:8080(\/public\/forms\/[A-Za-z0-9]{32})/);
    assert.ok(link, m.body);
    links[no] = link[1];
  }
  assert.equal(new Set(Object.values(links)).size, 3, "each link differs");
  // sending again mails no one twice
  const again = await staff("POST", "/api/public/links", { app: reports, id: form.id });
  assert.equal(again.json.mailed, 0);
  const list = (await staff("GET", "/api/public/links", undefined, `app=${reports}&id=${form.id}`)).json;
  assert.equal(list.active, 4);
  assert.equal(list.answered, 0);
  const k4 = list.links.find((l) => l.recipient === "K-004");
  assert.equal(k4.sent, "", "not mailed");
  assert.match(k4.url, /^\/public\/forms\/[A-Za-z0-9]{32}$/, "staff may hand it over another way");
  links["K-004"] = k4.url;
});

test("a link prefills and locks its recipient's key, and shows them only their own answers", async () => {
  const a = links["K-001"];
  const q = (await anon("GET", `${a}/form.json`)).json;
  assert.deepEqual({ name: q.personal.name, key: q.personal.key, field: q.personal.field, mayCorrect: q.personal.mayCorrect },
    { name: "さくら園", key: "K-001", field: "facility", mayCorrect: true });
  const someoneElse = await anon.answer(a, { facility: { value: "K-002" }, staff: { value: "1" } });
  assert.equal(someoneElse.status, 400, "another facility's number is refused");
  assert.ok(someoneElse.json.errors["record.facility.value"]);
  const sent = await anon.answer(a, { staff: { value: "14" }, note: { value: "新任2名" } });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  const rec = (await admin.record.getRecords({ app: reports, query: 'facility = "K-001"' })).records;
  assert.equal(rec.length, 1);
  assert.equal(rec[0].facility.value, "K-001", "the key filled in");
  const mine = (await anon("GET", `${a}/answers.json`)).json.answers;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].receipt, sent.json.receipt);
  assert.deepEqual(Object.keys(mine[0].record).sort(), ["facility", "note", "staff"], "the form's fields only");
  assert.equal(mine[0].record.staff.value, "14");
  // K-002 has a record made by staff and no answer: their link shows nothing, and nothing of K-001's
  const theirs = (await anon("GET", `${links["K-002"]}/answers.json`)).json.answers;
  assert.deepEqual(theirs, []);
  // the form's own address has no answers to show
  assert.equal((await anon("GET", `${form.url}/answers.json`)).status, 404);
});

test("a recipient corrects their answer until the deadline, and only theirs", async () => {
  const a = links["K-001"];
  const [mine] = (await anon("GET", `${a}/answers.json`)).json.answers;
  const fixed = await anon.answer(a, { staff: { value: "15" } }, { extra: { receipt: mine.receipt, revision: mine.revision } });
  assert.equal(fixed.status, 200, JSON.stringify(fixed.json));
  assert.equal(fixed.json.receipt, mine.receipt);
  const recs = (await admin.record.getRecords({ app: reports, query: 'facility = "K-001"' })).records;
  assert.equal(recs.length, 1, "corrected, not added");
  assert.equal(recs[0].staff.value, "15");
  assert.equal(recs[0].note.value, "新任2名", "what was not sent is kept");
  // a stale revision is refused; another's receipt is not theirs to correct
  const stale = await anon.answer(a, { staff: { value: "16" } }, { extra: { receipt: mine.receipt, revision: mine.revision } });
  assert.equal(stale.status, 409, JSON.stringify(stale.json));
  const other = await anon.answer(links["K-003"], { staff: { value: "0" } }, { extra: { receipt: mine.receipt } });
  assert.equal(other.status, 400);
  assert.equal((await admin.record.getRecords({ app: reports, query: 'facility = "K-001"' })).records[0].staff.value, "15");
  // after the deadline: answers still come, corrections do not
  const fid = form.id;
  await publish([reportForm({ id: fid, personal: personal({ editUntil: past }) })]);
  assert.equal((await anon("GET", `${a}/form.json`)).json.personal.mayCorrect, false);
  const late = await anon.answer(a, { staff: { value: "17" } }, { extra: { receipt: mine.receipt } });
  assert.equal(late.status, 400);
  await publish([reportForm({ id: fid })]);
});

test("staff see who has not answered and remind them; a revoked link stops at once and a new one can be sent", async () => {
  const list = (await staff("GET", "/api/public/links", undefined, `app=${reports}&id=${form.id}`)).json;
  assert.equal(list.answered, 1);
  assert.deepEqual(list.links.filter((l) => !l.answers).map((l) => l.recipient), ["K-002", "K-003", "K-004"]);
  const before = smtp.messages.length;
  const r = await staff("POST", "/api/public/links/remind", { app: reports, id: form.id });
  assert.deepEqual(r.json, { reminded: 2, notMailed: 1 });
  const m = await smtp.waitFor((x, i) => smtp.messages.indexOf(x) >= before && x.to.includes("momiji@care.example.jp"));
  assert.match(m.subject, /^【再送】/);
  assert.ok(m.body.includes(links["K-002"]), "the same link again");
  assert.ok(!smtp.messages.slice(before).some((x) => x.to.includes("sakura@care.example.jp")), "who answered is not reminded");
  assert.notEqual((await staff("GET", "/api/public/links", undefined, `app=${reports}&id=${form.id}`)).json.links.find((l) => l.recipient === "K-002").reminded, "");

  const revoked = await staff("POST", "/api/public/links/revoke", { app: reports, id: form.id, recipients: ["K-002"] });
  assert.equal(revoked.json.revoked, 1);
  assert.equal((await anon("GET", `${links["K-002"]}/form.json`)).status, 404);
  assert.equal((await anon("GET", `${links["K-002"]}/answers.json`)).status, 404);
  const resend = await staff("POST", "/api/public/links", { app: reports, id: form.id });
  assert.equal(resend.json.mailed, 1);
  const fresh = await smtp.waitFor((x) => x.to.includes("momiji@care.example.jp") && !x.body.includes(links["K-002"]) && !/再送/.test(x.subject));
  const url = fresh.body.match(/(\/public\/forms\/[A-Za-z0-9]{32})/)[1];
  assert.equal((await anon("GET", `${url}/form.json`)).status, 200);
  assert.equal((await anon("GET", `${links["K-002"]}/form.json`)).status, 404, "the old one stays dead");
  links["K-002"] = url;
  // links end with their period
  await publish([reportForm({ id: form.id, personal: personal({ linksUntil: past }) })]);
  assert.equal((await anon("GET", `${links["K-003"]}/form.json`)).status, 404);
  await publish([reportForm({ id: form.id })]);
  assert.equal((await anon("GET", `${links["K-003"]}/form.json`)).status, 200);
});

test("records of the registry sharing a number get no link: whose would it be?", async () => {
  await admin.record.addRecords({ app: registry, records: [{ no: { value: "K-009" }, name: { value: "二重登録A" }, mail: { value: "a@dup.example.jp" }, state: { value: "運営中" } },
    { no: { value: "K-009" }, name: { value: "二重登録B" }, mail: { value: "b@dup.example.jp" }, state: { value: "運営中" } }] });
  const r = await staff("POST", "/api/public/links", { app: reports, id: form.id });
  assert.equal(r.json.duplicates, 2);
  assert.equal(r.json.mailed, 0);
  const list = (await staff("GET", "/api/public/links", undefined, `app=${reports}&id=${form.id}`)).json.links;
  assert.ok(!list.some((l) => l.recipient === "K-009"));
});

test("a manager of the form who may not view the registry cannot send or list its people", async () => {
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "comanager", name: "comanager", password: "links-pass-2" }] } });
  await admin.app.updateAppAcl({ app: reports, rights: [{ entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true, recordImportable: true, recordExportable: true },
    { entity: { type: "USER", code: "comanager" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true } ] });
  await admin.app.updateAppAcl({ app: registry, rights: [{ entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true, recordImportable: true, recordExportable: true }] });
  await deployApp(admin, reports);
  await deployApp(admin, registry);
  const h = { "X-Cybozu-Authorization": Buffer.from("comanager:links-pass-2").toString("base64") };
  const list = await raw(server, "GET", "/api/public/links", { query: `app=${reports}&id=${form.id}`, headers: h });
  assert.equal(list.status, 403, JSON.stringify(list.json));
  const send = await raw(server, "POST", "/api/public/links", { body: { app: reports, id: form.id, send: false }, headers: h });
  assert.equal(send.status, 403);
  await admin.app.updateAppAcl({ app: registry, rights: [{ entity: { type: "GROUP", code: "everyone" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true, recordImportable: true, recordExportable: true }] });
  await deployApp(admin, registry);
  assert.equal((await raw(server, "GET", "/api/public/links", { query: `app=${reports}&id=${form.id}`, headers: h })).status, 200, "once they may view it");
});

test("only the app's managers, as themselves, send, list, remind and revoke", async () => {
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "clerk", name: "clerk", password: "links-pass-1" }] } });
  const clerk = { Authorization: basic("clerk", "links-pass-1"), "X-Cybozu-Authorization": Buffer.from("clerk:links-pass-1").toString("base64") };
  const other = await makeApp(admin, "別アプリ", { x: { type: "SINGLE_LINE_TEXT", code: "x", label: "x" } });
  const made = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: other, permissions: ["view", "add", "edit", "delete", "manage"] } });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  const own = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app: reports, permissions: ["view", "add", "edit", "delete", "manage"] } });
  for (const [method, path, body, query] of [["GET", "/api/public/links", undefined, `app=${reports}&id=${form.id}`], ["POST", "/api/public/links", { app: reports, id: form.id }],
    ["POST", "/api/public/links/remind", { app: reports, id: form.id }], ["POST", "/api/public/links/revoke", { app: reports, id: form.id, recipients: ["K-001"] }]]) {
    const nobody = await fetch(`${server.base}${path}${query ? `?${query}` : ""}`, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
    assert.equal(nobody.status, 401, path);
    const colleague = await raw(server, method, path, { body, query, headers: { "X-Cybozu-Authorization": clerk["X-Cybozu-Authorization"] } });
    assert.equal(colleague.status, 403, `${path} ${JSON.stringify(colleague.json)}`);
    // a token, even one of this very app with every right: sending mail to outsiders is a person's act
    for (const t of [made.json.token, own.json.token]) {
      const r = await fetch(`${server.base}${path}${query ? `?${query}` : ""}`, { method, headers: { "Content-Type": "application/json", "X-Cybozu-API-Token": t }, body: body && JSON.stringify(body) });
      assert.equal(r.status, 403, path);
    }
  }
  assert.equal((await anon("GET", `${links["K-001"]}/form.json`)).status, 200, "nothing was revoked");
});

test("a public view sent the same way shows each facility its own records, and nothing else", async () => {
  await admin.record.addRecords({ app: reports, records: [{ facility: { value: "K-003" }, staff: { value: "7" }, grade: { value: "良好" } }, { facility: { value: "K-003" }, staff: { value: "8" } }] });
  const put = await raw(server, "PUT", "/k/v1/preview/app/publicViews.json", { body: { app: reports, views: [{ name: "提出状況", fields: ["facility", "staff"], filterCond: "", enabled: true,
    personal: { app: String(registry), keyField: "no", nameField: "name", emailField: "mail", field: "facility", filterCond: 'state in ("運営中")' } }] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await deployApp(admin, reports);
  const [view] = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${reports}` })).json.views;
  assert.equal((await anon("GET", `${view.url}/records.json`)).status, 404, "no one's view without a link");
  const sent = await staff("POST", "/api/public/links", { app: reports, kind: "view", id: view.id, send: false });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  const list = (await staff("GET", "/api/public/links", undefined, `app=${reports}&kind=view&id=${view.id}`)).json.links;
  const k3 = list.find((l) => l.recipient === "K-003").url;
  assert.match(k3, /^\/public\/views\//);
  const r = (await anon("GET", `${k3}/records.json`)).json;
  assert.equal(r.totalCount, "2");
  assert.deepEqual(r.records.map((x) => x.facility.value), ["K-003", "K-003"]);
  assert.ok(r.records.every((x) => !x.grade), "unpublished fields are not served");
  for (const query of ['facility = "K-001"', 'facility like "K"', 'staff > 0 or facility = "K-001"']) {
    const q = (await anon("GET", `${k3}/records.json?query=${encodeURIComponent(query)}`)).json;
    assert.ok(q.records.every((x) => x.facility.value === "K-003"), query);
  }
  const k1 = list.find((l) => l.recipient === "K-001").url;
  assert.deepEqual((await anon("GET", `${k1}/records.json`)).json.records.map((x) => x.staff.value), ["15"]);
});
