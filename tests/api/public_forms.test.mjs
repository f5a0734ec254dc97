// Public forms (issue 15, our extension; README "Public forms"): the settings
// (publicForms.json, preview and live with each form's url), and answering
// from outside as nobody: the token with its challenge, the minimum fill time,
// the proof of work, one use per token, the hidden trap field, the period and
// the most answers, per-address limits; a submission sets only the form's
// fields and reads nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, deploy as deployApp } from "./helpers/server.mjs";
import { startSmtpSink } from "./helpers/smtp.mjs";
import { png } from "./helpers/png.mjs";
import { outsider, solve, uploadFile as upload } from "./helpers/public.mjs";

let server, admin, app;
const opts = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const deploy = (id = app) => deployApp(admin, id);
const publish = (forms, a = app) => raw(server, "PUT", "/k/v1/preview/app/publicForms.json", { body: { app: a, forms } });
const live = async (a = app) => (await raw(server, "GET", "/k/v1/app/publicForms.json", { query: `app=${a}` })).json.forms;

// As a page would: nobody's requests, the token, the wait, the nonce found.
let anon, answer;

before(async () => {
  server = await startServer();
  admin = client(server);
  anon = outsider(server);
  answer = anon.answer;
  app = await makeApp(admin, "施設定期報告", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設名", required: true },
    staff: { type: "NUMBER", code: "staff", label: "職員数" },
    kind: { type: "RADIO_BUTTON", code: "kind", label: "種別", options: opts("通所", "入所"), defaultValue: "通所" },
    note: { type: "MULTI_LINE_TEXT", code: "note", label: "備考" },
    secret: { type: "SINGLE_LINE_TEXT", code: "secret", label: "内部評価" },
    owner: { type: "USER_SELECT", code: "owner", label: "担当" },
  });
  await admin.record.addRecord({ app, record: { facility: { value: "既存の施設" }, secret: { value: "要指導" } } });
});
after(() => server.stop());

test("forms are app settings: checked, given ids, deployed, each with its url; only managers see them", async () => {
  const put = await publish([{ name: "定期報告", fields: ["facility", "staff", "kind", "note"], enabled: true, title: "定期報告", thanks: "受け付けました。" }]);
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.match(put.json.forms[0].id, /^\d+$/);
  assert.equal((await live()).length, 0, "not live before a deploy");
  await deploy();
  const [form] = await live();
  assert.match(form.url, /^\/public\/forms\/[A-Za-z0-9]{24}$/);
  assert.equal(form.token, undefined, "the token is the url, not a setting");
  // the id keeps the url across saves
  await publish([{ id: form.id, name: "定期報告（改）", fields: ["facility", "staff", "kind", "note"], enabled: true }]);
  await deploy();
  assert.equal((await live())[0].url, form.url);
  await publish([{ id: form.id, name: "定期報告", fields: ["facility", "staff", "kind", "note"], enabled: true, thanks: "受け付けました。" }]);
  await deploy();
  // what cannot be published is refused with its place
  for (const [fields, key] of [[["facility", "secret2"], "forms[0].fields[1]"], [["facility", "owner"], "forms[0].fields[1]"], [["staff"], "forms[0].fields"]]) {
    const r = await publish([{ name: "x", fields, enabled: true }]);
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.ok(r.json.errors[key], `${key}: ${JSON.stringify(r.json.errors)}`);
  }
  const bad = await publish([{ name: "x", fields: ["facility"], openFrom: "昨日", maxAnswers: 0 }]);
  assert.ok(bad.json.errors["forms[0].openFrom"] && bad.json.errors["forms[0].maxAnswers"]);
  // a colleague who does not manage the app sees no forms
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "clerk", name: "clerk", password: "public-pass-1" }] } });
  const clerk = await fetch(`${server.base}/k/v1/app/publicForms.json?app=${app}`, { headers: { "X-Cybozu-Authorization": Buffer.from("clerk:public-pass-1").toString("base64") } });
  assert.equal(clerk.status, 403);
});

test("an answer from outside: added as a record with the form's fields only; a receipt that says nothing about other records", async () => {
  const [{ url }] = await live();
  const r = await answer(url, { facility: { value: "さくら園" }, staff: { value: "12" }, note: { value: "特になし" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.match(r.json.receipt, /^[A-Za-z0-9_-]{12}$/);
  assert.equal(r.json.thanks, "受け付けました。");
  const { records } = await admin.record.getRecords({ app, query: 'facility = "さくら園"' });
  assert.equal(records.length, 1);
  assert.deepEqual([records[0].staff.value, records[0].kind.value, records[0].secret.value], ["12", "通所", ""], "defaults as for any record");
  // a field not on the form, a system field, or another record: refused by name, nothing added
  for (const record of [{ facility: { value: "x" }, secret: { value: "書き換え" } }, { facility: { value: "x" }, $id: { value: "1" } }, { facility: { value: "x" }, 作成者: { value: { code: "Administrator" } } }]) {
    const bad = await answer(url, record);
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    assert.equal(bad.json.code, "CB_VA01");
    assert.ok(Object.keys(bad.json.errors).every((k) => k.startsWith("record.")));
  }
  assert.equal(Number((await admin.record.getRecords({ app, totalCount: true })).totalCount), 2);
  // a bad value is explained as for any record, about the field it concerns
  const wrong = await answer(url, { facility: { value: "y" }, staff: { value: "多い" } });
  assert.equal(wrong.status, 400);
  assert.ok(wrong.json.errors["record[staff].value"], JSON.stringify(wrong.json));
});

test("the anti-abuse checks: too fast, no work, a token used twice, someone else's token, the hidden field", async () => {
  const [{ url }] = await live();
  const fast = await answer(url, { facility: { value: "速すぎ" } }, { wait: false });
  assert.deepEqual([fast.status, fast.json.code], [400, "TS_PF03"]);
  // a nonce that does not do the work
  const t = await anon("GET", `${url}/token.json`);
  await sleep(3100);
  const lazy = await anon("POST", `${url}/submit.json`, { record: { facility: { value: "怠け" } }, token: t.json.token, nonce: "0" });
  assert.equal(lazy.status, 400);
  // replayed
  const once = await answer(url, { facility: { value: "一度だけ" } });
  assert.equal(once.status, 200, JSON.stringify(once.json));
  const again = await anon("POST", `${url}/submit.json`, { record: { facility: { value: "二度目" } }, token: once.token.token, nonce: solve(once.token.challenge, once.token.difficulty) });
  assert.deepEqual([again.status, again.json.code], [400, "TS_PF03"]);
  // a token changed by hand
  const forged = await anon("POST", `${url}/submit.json`, { record: { facility: { value: "偽造" } }, token: once.token.token.replace(/^\d+/, (s) => String(Number(s) - 10)), nonce: "1" });
  assert.equal(forged.status, 400);
  // the trap field people never see
  const bot = await answer(url, { facility: { value: "ロボット" } }, { extra: { website: "http://spam.example" } });
  assert.deepEqual([bot.status, bot.json.code], [400, "TS_PF03"]);
  for (const name of ["速すぎ", "怠け", "二度目", "偽造", "ロボット"])
    assert.equal((await admin.record.getRecords({ app, query: `facility = "${name}"` })).records.length, 0, name);
});

test("nothing of the app is read through a form; an unknown, paused or closed form is not told apart", async () => {
  const [{ url }] = await live();
  const token = url.split("/").pop();
  // the page is the same for every form, and holds nothing of the app; what it asks is the form's questions only
  const html = await (await fetch(server.base + url)).text();
  assert.match(html, /<div id="root">/);
  assert.doesNotMatch(html, /施設定期報告|内部評価|secret/);
  const questions = await anon("GET", `${url}/form.json`);
  assert.deepEqual(questions.json.fields.map((f) => f.code), ["facility", "staff", "kind", "note"]);
  assert.doesNotMatch(JSON.stringify(questions.json), /secret|内部評価|owner|施設定期報告/);
  // and no other address answers
  for (const path of [`${url}/records.json`, `/public/forms/${token}/../../k/v1/records.json?app=${app}`, `${url}/form.json/x`])
    assert.notEqual((await anon("GET", path)).status, 200, path);
  // unknown
  const unknown = await anon("GET", `/public/forms/${"A".repeat(24)}/token.json`);
  assert.deepEqual([unknown.status, unknown.json.code], [404, "TS_PF01"]);
  // paused: at once, before any deploy, with the same answer; a token given before is no use
  const [form] = await live();
  const before = await anon("GET", `${url}/token.json`);
  await publish([{ id: form.id, name: "定期報告", fields: ["facility", "staff", "kind", "note"], enabled: false }]);
  const paused = await anon("GET", `${url}/token.json`);
  assert.deepEqual([paused.status, paused.json.code], [404, "TS_PF01"]);
  await sleep(3100);
  const late = await anon("POST", `${url}/submit.json`, { record: { facility: { value: "停止後" } }, token: before.json.token, nonce: solve(before.json.challenge, before.json.difficulty) });
  assert.equal(late.status, 404);
  await deploy();
  assert.equal((await anon("GET", `${url}/token.json`)).status, 404);
  // closed by its period, and by its most answers
  await publish([{ id: form.id, name: "定期報告", fields: ["facility"], enabled: true, openUntil: "2020-01-01T00:00:00Z" }]);
  await deploy();
  assert.equal((await anon("GET", `${url}/token.json`)).status, 404);
  await publish([{ id: form.id, name: "定期報告", fields: ["facility"], enabled: true, maxAnswers: 3 }]);
  await deploy();
  assert.equal((await answer(url, { facility: { value: "三件目" } })).status, 200);
  assert.equal((await anon("GET", `${url}/token.json`)).status, 404, "three answers taken: closed");
  // taken out of the settings: gone
  await publish([]);
  await deploy();
  assert.equal((await anon("GET", `${url}/token.json`)).status, 404);
});

test("an address sending too many answers to a form is told to wait, and others are not", async () => {
  const put = await publish([{ name: "アンケート", fields: ["facility"], enabled: true }]);
  assert.equal(put.status, 200);
  await deploy();
  const [{ url }] = await live();
  // 20 answers from one address in ten minutes: tokens asked for at once, each waited for once
  const tokens = await Promise.all(Array.from({ length: 21 }, () => anon("GET", `${url}/token.json`)));
  await sleep(3100);
  const results = [];
  for (const [i, t] of tokens.entries())
    results.push(await anon("POST", `${url}/submit.json`, { record: { facility: { value: `回答${i}` } }, token: t.json.token, nonce: solve(t.json.challenge, t.json.difficulty) }));
  assert.deepEqual(results.slice(0, 20).map((r) => r.status), Array(20).fill(200));
  assert.deepEqual([results[20].status, results[20].json.code], [429, "TS_PF02"]);
  // staff's own API keeps answering meanwhile
  assert.ok((await admin.record.getRecords({ app, query: "limit 1" })).records.length === 1);
});

test("junk (no work done) is refused having only read, and does not hold back the address's honest answer", async () => {
  const put = await publish([{ name: "別のアンケート", fields: ["facility"], enabled: true }]);
  assert.equal(put.status, 200);
  await deploy();
  const [{ url }] = await live();
  for (let i = 0; i < 20; i++) {
    const r = await anon("POST", `${url}/submit.json`, { record: { facility: { value: "x" } }, token: "1.00000000000000000000000000000000.AAAA", nonce: "1" });
    assert.deepEqual([r.status, r.json.code], [400, "TS_PF03"]);
  }
  const honest = await answer(url, { facility: { value: "遅れて来た回答" } });
  assert.equal(honest.status, 200, JSON.stringify(honest.json));
});

test("a unique field is never on a form: it would tell outsiders which values exist", async () => {
  const uniq = await makeApp(admin, "登録", { mail: { type: "SINGLE_LINE_TEXT", code: "mail", label: "メール", unique: true }, name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名前" } });
  const r = await publish([{ name: "登録", fields: ["name", "mail"], enabled: true }], uniq);
  assert.equal(r.status, 400);
  assert.ok(r.json.errors["forms[0].fields[1]"], JSON.stringify(r.json));
});

test("a question asked only after some answers; pages; the receipt mailed to the address given", async () => {
  const smtp = await startSmtpSink();
  try {
    const survey = await makeApp(admin, "利用者調査", {
      facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設名" },
      mail: { type: "SINGLE_LINE_TEXT", code: "mail", label: "メールアドレス" },
      kind: { type: "RADIO_BUTTON", code: "kind", label: "種別", options: opts("通所", "入所"), defaultValue: "通所" },
      beds: { type: "NUMBER", code: "beds", label: "病床数" },
    });
    const form = { name: "調査", title: "利用者調査", fields: ["facility", "mail", "kind", "beds"], enabled: true, thanks: "ありがとうございました。",
      help: { facility: "法人名ではなく施設名をご記入ください。" },
      receiptField: "mail", conditions: [{ field: "beds", when: "kind", values: ["入所"] }],
      steps: [{ title: "施設", fields: ["facility", "mail"] }, { title: "内容", fields: ["kind", "beds"] }] };
    // what does not fit is refused with its place
    for (const [patch, key] of [
      [{ conditions: [{ field: "beds", when: "facility", values: ["x"] }] }, "forms[0].conditions[0].when"],
      [{ conditions: [{ field: "beds", when: "kind", values: ["どれでもない"] }] }, "forms[0].conditions[0].values[0]"],
      [{ steps: [{ title: "a", fields: ["facility", "mail", "kind"] }] }, "forms[0].steps"],
      [{ steps: [{ title: "a", fields: ["facility", "mail"] }, { title: "b", fields: ["mail", "kind", "beds"] }] }, "forms[0].steps[1].fields[0]"],
      [{ receiptField: "beds" }, "forms[0].receiptField"],
      [{ help: { owner: "誰" } }, "forms[0].help.owner"],
    ]) {
      const r = await publish([{ ...form, ...patch }], survey);
      assert.equal(r.status, 400, key);
      assert.ok(r.json.errors[key], `${key}: ${JSON.stringify(r.json.errors)}`);
    }
    assert.equal((await publish([form], survey)).status, 200);
    await deploy(survey);
    const [{ url }] = await live(survey);
    const asked = await anon("GET", `${url}/form.json`);
    assert.deepEqual(asked.json.conditions, form.conditions);
    assert.deepEqual(asked.json.help, form.help);
    assert.deepEqual(asked.json.steps.map((x) => x.title), ["施設", "内容"]);
    // 通所: the number of beds is not asked, and what was sent for it is let go
    assert.equal((await answer(url, { facility: { value: "通所の施設" }, kind: { value: "通所" }, beds: { value: "30" } })).status, 200);
    assert.equal((await answer(url, { facility: { value: "入所の施設" }, kind: { value: "入所" }, beds: { value: "40" } })).status, 200);
    const got = Object.fromEntries((await admin.record.getRecords({ app: survey })).records.map((r) => [r.facility.value, r.beds.value]));
    assert.deepEqual(got, { 通所の施設: "", 入所の施設: "40" });
    // the receipt: mailed once mail is set up, with the receipt number and the answers
    await raw(server, "PUT", "/api/system/mail", { body: { enabled: true, url: smtp.url, from: "tsumiki@city.example.jp", baseUrl: "http://localhost:8080" } });
    const sent = await answer(url, { facility: { value: "さくら園" }, mail: { value: "sakura@care.example.jp" }, kind: { value: "入所" }, beds: { value: "12" } });
    assert.equal(sent.status, 200);
    const m = await smtp.waitFor((x) => x.to.includes("sakura@care.example.jp"));
    assert.match(m.subject, /利用者調査/);
    assert.ok(m.body.includes(sent.json.receipt));
    assert.match(m.body, /施設名: さくら園[\s\S]*病床数: 12/);
  } finally {
    await smtp.stop();
    await raw(server, "PUT", "/api/system/mail", { body: { enabled: false, url: "", from: "" } });
  }
});

test("the organisation's look: a logo and a colour, checked", async () => {
  const looks = await makeApp(admin, "見た目", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "名前" } });
  const logo = png(200, 60).toString("base64");
  assert.equal((await publish([{ name: "f", fields: ["name"], enabled: true, logo, color: "#1a7f37" }], looks)).status, 200);
  await deploy(looks);
  const [{ url }] = await live(looks);
  const q = (await anon("GET", `${url}/form.json`)).json;
  assert.deepEqual([q.logo, q.color], [logo, "#1a7f37"]);
  const bad = await publish([{ name: "f", fields: ["name"], logo: Buffer.from("GIF89a").toString("base64"), color: "green" }], looks);
  assert.ok(bad.json.errors["forms[0].logo"] && bad.json.errors["forms[0].color"], JSON.stringify(bad.json));
  const big = await publish([{ name: "f", fields: ["name"], logo: png(1200, 10).toString("base64") }], looks);
  assert.ok(big.json.errors["forms[0].logo"]);
});

test("a question takes a file within its size and kinds; only this form's answer may take it", async () => {
  const docs = await makeApp(admin, "申請書類", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設名" },
    doc: { type: "FILE", code: "doc", label: "添付書類" },
    inner: { type: "FILE", code: "inner", label: "内部資料" },
  });
  const bad = await publish([{ name: "x", fields: ["facility", "doc"], enabled: true, uploads: { doc: { maxMB: 11, types: ["p d f"] } } }], docs);
  assert.ok(bad.json.errors["forms[0].uploads.doc.maxMB"] && bad.json.errors["forms[0].uploads.doc.types[0]"], JSON.stringify(bad.json.errors));
  const put = await publish([{ name: "申請", fields: ["facility", "doc"], enabled: true, uploads: { doc: { maxMB: 1, types: ["pdf", "png"] } } }], docs);
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await deploy(docs);
  const [{ url }] = await live(docs);
  assert.deepEqual((await anon("GET", `${url}/form.json`)).json.uploads, { doc: { maxMB: 1, types: ["pdf", "png"] } });
  const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(2000, 0x20)]);
  // the page's token, old enough: it serves every file of the answer, and the answer
  const token = (await anon("GET", `${url}/token.json`)).json;
  await sleep(3100);
  const uploadFile = (srv, u, field, name, bytes, o = {}) => upload(srv, u, field, name, bytes, { token, ...o });
  const up = await uploadFile(server, url, "doc", "計画書.pdf", pdf);
  assert.equal(up.status, 200, JSON.stringify(up.json));
  // too big, another kind, a picture that is not one, no token, a question not on the form
  const refusals = [
    [await uploadFile(server, url, "doc", "big.pdf", Buffer.concat([pdf, Buffer.alloc(1 << 20)])), "file"],
    [await uploadFile(server, url, "doc", "run.exe", Buffer.from("MZ....")), "file"],
    [await uploadFile(server, url, "doc", "photo.png", Buffer.from("<html><script>alert(1)</script>")), "file"],
    [await uploadFile(server, url, "inner", "a.pdf", pdf), "field"],
  ];
  for (const [r, key] of refusals) {
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.ok(r.json.errors[key], JSON.stringify(r.json));
  }
  assert.match(refusals[1][0].json.errors.file.messages[0], /pdf, png/);
  const noToken = await uploadFile(server, url, "doc", "a.pdf", pdf, { token: null });
  assert.equal(noToken.status, 400);
  assert.equal(noToken.json.code, "TS_PF03");
  // staff cannot take an outsider's upload for a record of theirs
  const taken = await raw(server, "POST", "/k/v1/record.json", { body: { app: docs, record: { doc: { value: [{ fileKey: up.json.fileKey }] } } } });
  assert.equal(taken.status, 404, JSON.stringify(taken.json));
  // nor may the answer put it in an unpublished question
  const inner = await answer(url, { facility: { value: "x" }, inner: { value: [{ fileKey: up.json.fileKey }] } });
  assert.equal(inner.status, 400);
  const sent = await answer(url, { facility: { value: "さくら園" }, doc: { value: [{ fileKey: up.json.fileKey }] } });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  const [rec] = (await admin.record.getRecords({ app: docs, query: 'facility = "さくら園"' })).records;
  assert.equal(rec.doc.value[0].name, "計画書.pdf");
  const file = await admin.file.downloadFile({ fileKey: rec.doc.value[0].fileKey });
  assert.deepEqual(Buffer.from(file), pdf);
});

test("a lookup question fills in what its settings map from the key typed, and nothing else of the source app", async () => {
  const registry = await makeApp(admin, "事業所台帳", {
    no: { type: "SINGLE_LINE_TEXT", code: "no", label: "事業所番号", unique: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
    rating: { type: "SINGLE_LINE_TEXT", code: "rating", label: "指導区分" },
    phone: { type: "SINGLE_LINE_TEXT", code: "phone", label: "電話" },
  });
  await admin.record.addRecords({ app: registry, records: [{ no: { value: "2810001" }, name: { value: "さくら園" }, rating: { value: "要指導" }, phone: { value: "078-000-0000" } },
    { no: { value: "2810002" }, name: { value: "閉鎖済みの園" }, rating: { value: "廃止" } }] });
  const answers = await makeApp(admin, "事業所アンケート", {
    no: { type: "SINGLE_LINE_TEXT", code: "no", label: "事業所番号", lookup: { relatedApp: { app: String(registry) }, relatedKeyField: "no",
      fieldMappings: [{ field: "name", relatedField: "name" }, { field: "rating", relatedField: "rating" }], lookupPickerFields: ["no"], filterCond: 'rating not like "廃止"', sort: "" } },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
    rating: { type: "SINGLE_LINE_TEXT", code: "rating", label: "指導区分（市の記入欄）" },
    opinion: { type: "MULTI_LINE_TEXT", code: "opinion", label: "ご意見" },
  });
  assert.equal((await publish([{ name: "アンケート", fields: ["no", "name", "opinion"], enabled: true }], answers)).status, 200);
  await deploy(answers);
  const [{ url }] = await live(answers);
  const q = (await anon("GET", `${url}/form.json`)).json;
  assert.deepEqual(q.lookups, { no: ["name"] }, "the published question it fills");
  const found = await anon("GET", `${url}/lookup.json?field=no&value=2810001`);
  assert.equal(found.status, 200, JSON.stringify(found.json));
  assert.deepEqual(Object.keys(found.json.record), ["name"]);
  assert.equal(found.json.record.name.value, "さくら園");
  assert.doesNotMatch(JSON.stringify(found.json), /要指導|078/, "not what the form does not ask, not what the lookup does not copy");
  assert.deepEqual((await anon("GET", `${url}/lookup.json?field=no&value=9999999`)).json, { record: null });
  assert.deepEqual((await anon("GET", `${url}/lookup.json?field=no&value=2810002`)).json, { record: null }, "only what the lookup's own condition selects");
  // a lookup keyed by record number could be counted through: not on a public form
  const number = Object.values((await admin.app.getFormFields({ app: registry })).properties).find((f) => f.type === "RECORD_NUMBER").code;
  const counted = await makeApp(admin, "番号で引く", { n: { type: "NUMBER", code: "n", label: "番号", lookup: { relatedApp: { app: String(registry) }, relatedKeyField: number,
    fieldMappings: [{ field: "nm", relatedField: "name" }], lookupPickerFields: [], filterCond: "", sort: "" } }, nm: { type: "SINGLE_LINE_TEXT", code: "nm", label: "名前" } });
  const refused = await publish([{ name: "x", fields: ["n", "nm"], enabled: true }], counted);
  assert.ok(refused.json.errors?.["forms[0].fields[0]"], JSON.stringify(refused.json));
  assert.equal((await anon("GET", `${url}/lookup.json?field=opinion&value=x`)).status, 400, "only a lookup question");
  // the answer: the lookup copies as for any record, into the city's own field too
  const sent = await answer(url, { no: { value: "2810001" }, opinion: { value: "送迎について" }, rating: { value: "優良" } });
  assert.equal(sent.status, 400, "a field the form does not ask cannot be sent");
  const ok = await answer(url, { no: { value: "2810001" }, name: { value: "偽の名前" }, opinion: { value: "送迎について" } });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  const [rec] = (await admin.record.getRecords({ app: answers })).records;
  assert.deepEqual([rec.name.value, rec.rating.value, rec.opinion.value], ["さくら園", "要指導", "送迎について"], "copied over what was typed");
  const unknown = await answer(url, { no: { value: "0000000" }, opinion: { value: "x" } });
  assert.deepEqual([unknown.status, unknown.json.code], [400, "GAIA_LO04"]);
});
