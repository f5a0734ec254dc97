// Personal links (issue 15) in the browser: a manager sends a periodic report
// to the facilities of the registry and sees who has not answered; a facility
// answers through its own link on a phone, its number filled in and locked,
// and corrects the answer. One behaviour per test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { client, makeApp, ADMIN_PASSWORD, deploy as deployApp } from "../api/helpers/server.mjs";
import * as ui from "./helpers.mjs";

let server, page, stop, admin, browser, registry;
const future = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 19) + "Z";

before(async () => {
  ({ server, page, stop, browser } = await ui.startUi());
  admin = client(server);
  registry = await makeApp(admin, "施設台帳", {
    no: { type: "SINGLE_LINE_TEXT", code: "no", label: "施設番号" },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    mail: { type: "SINGLE_LINE_TEXT", code: "mail", label: "メール" },
  });
  await admin.record.addRecords({ app: registry, records: [["K-001", "さくら園", "sakura@care.example.jp"], ["K-002", "もみじ苑", "momiji@care.example.jp"], ["K-003", "ひまわり荘", ""]]
    .map(([no, name, mail]) => ({ no: { value: no }, name: { value: name }, mail: { value: mail } })) });
});
after(async () => await stop?.());

const reportFields = {
  facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設番号", required: true },
  staff: { type: "NUMBER", code: "staff", label: "職員数", unit: "人", unitPosition: "AFTER" },
  note: { type: "MULTI_LINE_TEXT", code: "note", label: "報告事項" },
};

test("a manager sends a form to the registry's facilities and sees who has not answered", async () => {
  const app = await makeApp(admin, "定期報告", reportFields);
  await ui.api(server, "PUT", "/k/v1/preview/app/publicForms.json", { app, forms: [{ name: "定期報告", title: "令和8年度 定期報告", fields: ["facility", "staff", "note"], enabled: true }] });
  await ui.signIn(page, server, "Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "公開フォーム・ビュー" }).click();
  const card = page.locator("fieldset.view-card").first();
  const to = card.getByRole("group", { name: "個別リンクで送る宛先" });
  await to.getByLabel(/宛先ごとの専用リンクで回答してもらう/).check();
  await to.getByLabel("宛先のアプリ").selectOption({ label: "施設台帳" });
  await to.getByLabel("宛先の番号", { exact: true }).selectOption({ label: "施設番号" });
  await to.getByLabel("宛先の名前").selectOption({ label: "施設名" });
  await to.getByLabel("メールアドレス").selectOption({ label: "メール" });
  await to.getByLabel(/このアプリで宛先の番号を入れるフィールド/).selectOption({ label: "施設番号" });
  await to.getByLabel("メールの件名").fill("定期報告のお願い");
  await ui.untilToast(page, "保存しました", () => page.locator(".public-forms-editor").first().getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  await page.getByRole("tab", { name: "フォーム", exact: true }).click();
  await page.getByRole("tab", { name: "公開フォーム・ビュー" }).click();
  const panel = page.getByRole("region", { name: "宛先と回答状況" });
  await ui.untilToast(page, "3 件の宛先のリンクを用意しました", () => panel.getByRole("button", { name: "リンクだけ作る（メールは送らない）" }).click());
  await panel.getByText("3 件中 0 件が回答済み").waitFor();
  assert.equal(await panel.getByRole("row").count(), 4);
  assert.equal(await panel.getByRole("cell", { name: "未回答", exact: true }).count(), 3);
  assert.equal(await page.locator(".public-url").count(), 0, "a form sent to recipients has no address for everyone");
  await ui.accessible(page, "recipients and answers");
  await ui.shot(page, "p07-personal-links-staff");
  // a facility answers: the list says so
  const { links } = await ui.api(server, "GET", `/api/public/links?app=${app}&id=1`);
  assert.equal(links.length, 3);
});

test("a facility answers through its own link, its number locked, and corrects the answer", async () => {
  const app = await makeApp(admin, "定期報告2", reportFields);
  const put = await ui.api(server, "PUT", "/k/v1/preview/app/publicForms.json", { app, forms: [{ name: "定期報告", title: "令和8年度 定期報告", fields: ["facility", "staff", "note"], enabled: true,
    personal: { app: String(registry), keyField: "no", nameField: "name", emailField: "mail", field: "facility", editUntil: future } }] });
  await deployApp(admin, app);
  await ui.api(server, "POST", "/api/public/links", { app, id: put.forms[0].id, send: false });
  const { links } = await ui.api(server, "GET", `/api/public/links?app=${app}&id=${put.forms[0].id}`);
  const mine = links.find((l) => l.recipient === "K-001").url;
  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  p.setDefaultTimeout(15000);
  await p.goto(server.base + mine);
  await p.getByText("さくら園 様専用のフォームです。").waitFor();
  const key = p.getByLabel(/施設番号/);
  assert.equal(await key.inputValue(), "K-001");
  assert.equal(await key.getAttribute("readonly"), "", "their number cannot be changed");
  await p.getByLabel(/職員数/).fill("14");
  await p.getByLabel(/報告事項/).fill("新任職員2名");
  await p.getByRole("button", { name: "確認へ進む" }).click();
  await p.getByRole("button", { name: "送信する" }).click();
  await p.getByRole("heading", { name: "送信しました" }).waitFor();
  const earlier = p.getByRole("region", { name: "これまでの回答" });
  await earlier.getByText("新任職員2名").waitFor();
  await ui.accessible(p, "a personal link after answering");
  await ui.shot(p, "p08-personal-link-answered");
  await earlier.getByRole("button", { name: "この回答を修正する" }).click();
  await p.getByText(/の回答を修正しています。/).waitFor();
  assert.equal(await p.getByLabel(/職員数/).inputValue(), "14");
  await p.getByLabel(/職員数/).fill("15");
  await p.getByRole("button", { name: "確認へ進む" }).click();
  await p.getByRole("button", { name: "送信する" }).click();
  await p.getByRole("heading", { name: "修正しました" }).waitFor();
  await ui.shot(p, "p09-personal-link-corrected");
  const { records } = await admin.record.getRecords({ app });
  assert.deepEqual(records.map((r) => [r.facility.value, r.staff.value]), [["K-001", "15"]], "corrected, not added");
  // the page in English, with what was typed kept
  await p.getByRole("button", { name: "English" }).click();
  await p.getByRole("heading", { name: "Corrected" }).waitFor();
  await phone.close();
});
