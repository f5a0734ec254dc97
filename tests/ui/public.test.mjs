// Facing outside (issue 15) in the browser: a manager publishes a form, and
// someone without an account answers it on a phone, with the page to check
// the answers before sending. One behaviour per test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { client, makeApp, ADMIN_PASSWORD, deploy as deployApp } from "../api/helpers/server.mjs";
import * as ui from "./helpers.mjs";

let server, page, stop, admin, browser;
const shot = (p, name) => ui.shot(p, name);
const opts = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));

before(async () => {
  ({ server, page, stop, browser } = await ui.startUi());
  admin = client(server);
});
after(async () => await stop?.());

const deploy = (app) => deployApp(admin, app);

const survey = {
  facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設名", required: true },
  visits: { type: "NUMBER", code: "visits", label: "今月の利用者数", unit: "人", unitPosition: "AFTER" },
  kind: { type: "RADIO_BUTTON", code: "kind", label: "サービス種別", options: opts("通所", "入所", "訪問"), defaultValue: "通所" },
  note: { type: "MULTI_LINE_TEXT", code: "note", label: "ご意見" },
  internal: { type: "SINGLE_LINE_TEXT", code: "internal", label: "市の内部メモ" },
  photo: { type: "FILE", code: "photo", label: "施設の写真" },
};

test("a manager publishes a form from the app settings and gets its address", async () => {
  const app = await makeApp(admin, "利用状況調査", survey);
  await ui.signIn(page, server, "Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "公開フォーム" }).click();
  await page.getByRole("button", { name: "＋ 公開フォームを追加" }).click();
  const card = page.locator("fieldset.view-card").last();
  await card.getByLabel("フォームの見出し").fill("令和8年度 利用状況調査");
  const fields = card.getByRole("group", { name: "回答してもらうフィールド" });
  assert.equal(await fields.getByLabel("施設名").isChecked(), true, "a required field is asked from the start");
  await fields.getByLabel("今月の利用者数").check();
  await fields.getByLabel("サービス種別").check();
  await fields.getByLabel("ご意見").check();
  await fields.getByLabel("施設の写真").check();
  await card.getByLabel("「施設の写真」の最大サイズ（MB、10まで）").fill("3");
  // ご意見 only from those who chose 入所
  await card.locator(".condition-row", { hasText: "ご意見" }).getByRole("combobox").selectOption({ label: "「サービス種別」が次のとき" });
  await card.locator(".condition-row", { hasText: "ご意見" }).getByLabel("入所").check();
  await card.getByLabel("送信後のメッセージ").fill("ご回答ありがとうございました。");
  await ui.untilToast(page, "保存しました", () => page.locator(".public-forms-editor").first().getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  await page.getByRole("tab", { name: "フォーム", exact: true }).click();
  await page.getByRole("tab", { name: "公開フォーム" }).click();
  const link = page.locator(".public-url a");
  await link.waitFor();
  assert.match(await link.innerText(), /\/public\/forms\/[A-Za-z0-9]{24}$/);
  const { forms } = await ui.api(server, "GET", `/k/v1/app/publicForms.json?app=${app}`);
  assert.deepEqual(forms[0].conditions, [{ field: "note", when: "kind", values: ["入所"] }]);
  assert.equal(forms[0].uploads.photo.maxMB, 3);
  await ui.accessible(page, "public forms settings");
  await shot(page, "p01-public-form-settings");
});

test("someone outside answers on a phone: the questions, a page to check them, the thanks with a receipt; the record is added", async () => {
  const app = await makeApp(admin, "利用状況調査2", survey);
  const put = await ui.api(server, "PUT", "/k/v1/preview/app/publicForms.json", { app, forms: [{ name: "調査", title: "令和8年度 利用状況調査", description: "各施設1回ご回答ください。", fields: ["facility", "visits", "kind", "note", "photo"], enabled: true, thanks: "ご回答ありがとうございました。", uploads: { photo: { maxMB: 2, types: ["png", "jpg"] } },
    conditions: [{ field: "note", when: "kind", values: ["入所"] }], help: { facility: "法人名ではなく施設名をご記入ください。" }, color: "#8a2be2", logo: ui.png(240, 60, { warm: 120 }).toString("base64") }] });
  assert.ok(put.forms[0].id);
  await deploy(app);
  const { forms } = await ui.api(server, "GET", `/k/v1/app/publicForms.json?app=${app}`);
  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  p.setDefaultTimeout(15000);
  const outside = [];
  p.on("request", (r) => { if (!r.url().startsWith(server.base) && !r.url().startsWith("data:")) outside.push(r.url()); });
  await p.goto(server.base + forms[0].url);
  await p.getByRole("heading", { name: "令和8年度 利用状況調査" }).waitFor();
  assert.equal(await p.getByText("市の内部メモ").count(), 0, "an unpublished field is not on the page");
  // sent empty: said in words at the field
  await p.getByRole("button", { name: "確認へ進む" }).click();
  await p.getByText("入力してください。").waitFor();
  // the help under a question is read with it
  assert.equal(await p.getByLabel(/施設名/).getAttribute("aria-describedby"), "q-facility-err q-facility-hint");
  await p.getByText("法人名ではなく施設名をご記入ください。").waitFor();
  await p.getByLabel(/施設名/).fill("さくら園");
  await p.getByLabel(/今月の利用者数/).fill("128");
  assert.equal(await p.getByLabel(/ご意見/).count(), 0, "asked only of those who chose 入所");
  await p.getByRole("radio", { name: "入所" }).check();
  await p.getByLabel(/ご意見/).fill("送迎の時間を\n相談したいです。");
  // a file is sent when chosen; one of another kind is refused in words
  await p.getByLabel(/施設の写真/).setInputFiles({ name: "memo.txt", mimeType: "text/plain", buffer: Buffer.from("x") });
  await p.getByText("この種類のファイルは送れません。送れるもの: png, jpg").waitFor();
  await p.getByLabel(/施設の写真/).setInputFiles({ name: "外観.png", mimeType: "image/png", buffer: ui.png(320, 200, { warm: 30 }) });
  await p.locator(".files li", { hasText: "外観.png" }).waitFor();
  await ui.accessible(p, "a public form on a phone");
  await shot(p, "p02-public-form-phone");
  await p.getByRole("button", { name: "確認へ進む" }).click();
  await p.getByRole("heading", { name: "入力内容の確認" }).waitFor();
  await p.getByText("128人").waitFor();
  await p.getByText("外観.png").waitFor();
  await shot(p, "p03-public-form-check");
  await p.getByRole("button", { name: "送信する" }).click();
  await p.getByRole("heading", { name: "送信しました" }).waitFor();
  await p.getByText("ご回答ありがとうございました。").waitFor();
  assert.match(await p.locator(".receipt").innerText(), /^[A-Za-z0-9_-]{12}$/);
  await ui.accessible(p, "a public form sent");
  await shot(p, "p04-public-form-thanks");
  assert.deepEqual(outside, [], "no request to another site");
  const { records } = await admin.record.getRecords({ app });
  assert.equal(records.length, 1);
  assert.deepEqual([records[0].facility.value, records[0].visits.value, records[0].kind.value, records[0].note.value], ["さくら園", "128", "入所", "送迎の時間を\n相談したいです。"]);
  assert.deepEqual(records[0].photo.value.map((f) => f.name), ["外観.png"], "the record holds the upload");
  await phone.close();
});

test("the FAQ for facilities as a public view: found by a keyword, an answer opened, nothing unpublished on the page", async () => {
  const app = await makeApp(admin, "FAQ", {
    q: { type: "SINGLE_LINE_TEXT", code: "q", label: "質問" },
    a: { type: "MULTI_LINE_TEXT", code: "a", label: "回答" },
    open: { type: "DROP_DOWN", code: "open", label: "公開", options: opts("公開", "非公開") },
    memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "担当メモ" },
  });
  await admin.record.addRecords({ app, records: [
    ["補助金の申請期限はいつですか", "毎年3月末です。", "公開", "総務課"], ["指導監査の日程は", "通知でお知らせします。", "公開", "未定"],
    ["内部手順", "職員のみ", "非公開", "極秘"]].map(([q, a, open, memo]) => ({ q: { value: q }, a: { value: a }, open: { value: open }, memo: { value: memo } })) });
  await ui.api(server, "PUT", "/k/v1/preview/app/publicViews.json", { app, views: [{ name: "FAQ", title: "施設向けよくある質問", fields: ["q", "a"], filterCond: 'open in ("公開")', enabled: true }] });
  await deploy(app);
  const { views } = await ui.api(server, "GET", `/k/v1/app/publicViews.json?app=${app}`);
  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  p.setDefaultTimeout(15000);
  await p.goto(server.base + views[0].url);
  await p.getByRole("heading", { name: "施設向けよくある質問" }).waitFor();
  await p.getByText("2件").waitFor();
  await p.getByRole("searchbox", { name: "キーワード" }).fill("補助金");
  await p.getByRole("button", { name: "検索" }).click();
  await p.getByText("1件").waitFor();
  await ui.accessible(p, "a public view");
  await shot(p, "p05-public-view-faq");
  // each answer on a page of its own, whose address can be sent on
  await p.getByRole("link", { name: "補助金の申請期限はいつですか" }).click();
  await p.getByRole("heading", { name: "補助金の申請期限はいつですか" }).waitFor();
  await p.getByText("毎年3月末です。").waitFor();
  assert.match(p.url(), /#.*r=0/);
  assert.doesNotMatch(await p.content(), /内部手順|極秘|総務課|担当メモ/);
  await ui.accessible(p, "a public view's record");
  await shot(p, "p05b-public-view-record");
  await p.reload();
  await p.getByText("毎年3月末です。").waitFor();
  await p.getByRole("link", { name: "← 一覧へ戻る" }).click();
  await p.getByText("1件").waitFor();
  await phone.close();
});

test("a manager publishes a read-only view from the app settings and gets its address", async () => {
  const app = await makeApp(admin, "FAQ2", { q: { type: "SINGLE_LINE_TEXT", code: "q", label: "質問" }, a: { type: "MULTI_LINE_TEXT", code: "a", label: "回答" }, memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "担当メモ" } });
  await ui.signIn(page, server, "Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "公開フォーム・ビュー" }).click();
  await page.getByRole("button", { name: "＋ 公開ビューを追加" }).click();
  const card = page.locator(".public-forms-editor").last().locator("fieldset.view-card").last();
  await card.getByLabel("ページの見出し").fill("よくある質問");
  const shown = card.getByRole("group", { name: "表示するフィールド" });
  await shown.getByLabel("担当メモ").uncheck();
  await ui.untilToast(page, "保存しました", () => page.locator(".public-forms-editor").last().getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const { views } = await ui.api(server, "GET", `/k/v1/app/publicViews.json?app=${app}`);
  assert.deepEqual(views[0].fields, ["q", "a"]);
  await page.getByRole("tab", { name: "フォーム", exact: true }).click();
  await page.getByRole("tab", { name: "公開フォーム・ビュー" }).click();
  await page.locator(".public-url a").waitFor();
  await ui.accessible(page, "public views settings");
  await shot(page, "p06-public-view-settings");
});

test("a view behind a password asks for it, says so in words when it is wrong, then shows the records", async () => {
  const app = await makeApp(admin, "施設向け通知", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" }, body: { type: "MULTI_LINE_TEXT", code: "body", label: "本文" } });
  await admin.record.addRecords({ app, records: [{ title: { value: "監査の日程" }, body: { value: "2月に行います。" } }] });
  await ui.api(server, "PUT", "/k/v1/preview/app/publicViews.json", { app, views: [{ name: "通知", title: "施設への通知", fields: ["title", "body"], filterCond: "", enabled: true, password: "shisetsu-2026" }] });
  await deploy(app);
  const { views } = await ui.api(server, "GET", `/k/v1/app/publicViews.json?app=${app}`);
  const ctx = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(15000);
  await p.goto(server.base + views[0].url);
  await p.getByText("このページを見るにはパスワードが必要です。").first().waitFor();
  assert.equal(await p.getByText("監査の日程").count(), 0);
  await p.getByLabel("パスワード").fill("wrong-password");
  await p.getByRole("button", { name: "表示する" }).click();
  await p.getByRole("alert").getByText("パスワードが違います。").waitFor();
  await ui.accessible(p, "a view asking for its password");
  await shot(p, "p10-public-view-password");
  await p.getByLabel("パスワード").fill("shisetsu-2026");
  await p.getByRole("button", { name: "表示する" }).click();
  await p.getByRole("link", { name: "監査の日程" }).waitFor();
  await ctx.close();
});

test("a lookup question on a public form brings what it fills in when 取得 is pressed", async () => {
  const registry = await makeApp(admin, "事業所台帳UI", { no: { type: "SINGLE_LINE_TEXT", code: "no", label: "事業所番号", unique: true }, name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" } });
  await admin.record.addRecords({ app: registry, records: [{ no: { value: "2810001" }, name: { value: "さくら園" } }] });
  const app = await makeApp(admin, "事業所アンケートUI", {
    no: { type: "SINGLE_LINE_TEXT", code: "no", label: "事業所番号", lookup: { relatedApp: { app: String(registry) }, relatedKeyField: "no", fieldMappings: [{ field: "name", relatedField: "name" }], lookupPickerFields: ["no"], filterCond: "", sort: "" } },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
  });
  await ui.api(server, "PUT", "/k/v1/preview/app/publicForms.json", { app, forms: [{ name: "アンケート", title: "事業所アンケート", fields: ["no", "name"], enabled: true }] });
  await deploy(app);
  const { forms } = await ui.api(server, "GET", `/k/v1/app/publicForms.json?app=${app}`);
  const ctx = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(15000);
  await p.goto(server.base + forms[0].url);
  await p.getByLabel("事業所番号").fill("9999999");
  await p.getByRole("button", { name: "取得" }).click();
  await p.getByText("見つかりません。番号をお確かめください。").waitFor();
  await p.getByLabel("事業所番号").fill("2810001");
  await p.getByRole("button", { name: "取得" }).click();
  await p.waitForFunction(() => document.querySelector("#q-name")?.value === "さくら園");
  assert.equal(await p.getByLabel("事業所名").getAttribute("readonly"), "", "filled in, not typed");
  await ui.accessible(p, "a lookup on a public form");
  await shot(p, "p11-public-form-lookup");
  await ctx.close();
});
