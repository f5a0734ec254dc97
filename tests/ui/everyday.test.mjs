// What a kintone-trained clerk meets every day (issue 13): one behaviour per
// test, each set up through the API on its own app, then done in the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { client, makeApp, ADMIN_PASSWORD } from "../api/helpers/server.mjs";
import * as ui from "./helpers.mjs";

const PASSWORD = "everyday-password-1";
let server, page, stop, admin;
const shot = (name) => ui.shot(page, name);
const api = (method, path, body) => ui.api(server, method, path, body);
const signIn = (code, password = PASSWORD) => ui.signIn(page, server, code, password);

before(async () => {
  ({ server, page, stop } = await ui.startUi());
  ui.addUser(server, "tanaka", "田中 花子", PASSWORD);
  ui.addUser(server, "suzuki", "鈴木 一郎", PASSWORD);
  admin = client(server);
});
after(async () => await stop?.());

async function deploy(app) {
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
}

test("process management switched on over existing records: each has a status, and only its assignee sees the actions", async () => {
  const app = await makeApp(admin, "苦情受付", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  const { id } = await client(server, { username: "tanaka", password: PASSWORD }).record.addRecord({ app, record: { title: { value: "前からある苦情" } } });
  await api("PUT", "/k/v1/preview/app/status.json", { app, enable: true,
    states: {
      未処理: { name: "未処理", index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] } },
      完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } },
    },
    actions: [{ name: "完了にする", from: "未処理", to: "完了" }],
  });
  await deploy(app);
  await signIn("suzuki");
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  const box = page.locator(".process-box");
  await box.getByText("未処理").waitFor();
  await box.getByText("田中 花子").waitFor();
  assert.equal(await box.getByRole("button").count(), 0, "not the assignee: no action offered");
  await shot("e01-process-not-assignee");
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  await box.getByRole("button", { name: "完了にする" }).click();
  await box.getByText("完了", { exact: true }).waitFor();
  assert.equal(await box.getByRole("button").count(), 0, "nothing left to do");
  await ui.accessible(page, "record with its process");
  await shot("e02-process-done");
});

test("a drop-down inside a table gets its options in the same dialog as any field", async () => {
  await signIn("Administrator", ADMIN_PASSWORD);
  const { app } = await api("POST", "/k/v1/preview/app.json", { name: "点検記録" });
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette-item", { hasText: "テーブル" }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("フィールド名", { exact: true }).fill("点検項目");
  await d.getByLabel("フィールド名 1").fill("結果");
  await d.getByLabel("フィールドの種類 1").selectOption("DROP_DOWN");
  // choosing a choice type opens the inner field's settings at once
  const inner = page.getByRole("dialog").last();
  await inner.getByLabel("選択肢 1").fill("良");
  await inner.getByRole("button", { name: /選択肢を追加/ }).click();
  await inner.getByLabel("選択肢 2").fill("要修理");
  await inner.getByLabel("必須項目にする").check();
  await shot("e03-inner-field-settings");
  await ui.accessible(page, "inner field settings");
  await inner.getByRole("button", { name: "OK" }).click();
  await page.getByRole("dialog").nth(1).waitFor({ state: "detached" });
  await d.getByText("良, 要修理").waitFor();
  await d.getByLabel("フィールドコード", { exact: true }).fill("checks");
  await d.getByRole("button", { name: "OK" }).click();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  const { properties } = await admin.app.getFormFields({ app });
  const result = Object.values(properties.checks.fields)[0];
  assert.deepEqual([result.type, Object.keys(result.options), result.required], ["DROP_DOWN", ["良", "要修理"], true]);
});

test("rich text: a toolbar, typing fast keeps its place, and the formatting shows on the record page and in the list", async () => {
  const app = await makeApp(admin, "お知らせ文", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    body: { type: "RICH_TEXT", code: "body", label: "本文" },
  });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/new`);
  await page.getByLabel("件名", { exact: true }).fill("周知");
  const box = page.getByRole("textbox", { name: "本文" });
  await box.click();
  await page.keyboard.type("重要なお知らせです", { delay: 0 });
  await page.keyboard.press("Enter");
  await page.keyboard.type("二段落目は速く打っても順番どおり", { delay: 0 });
  // the first paragraph's first word in bold
  assert.match(await box.textContent(), /^重要なお知らせです\s*二段落目は速く打っても順番どおり$/, "no letter out of place");
  await box.evaluate((el) => {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = walk.nextNode();
    while (text && !text.data.includes("重要")) text = walk.nextNode();
    const at = text.data.indexOf("重要");
    const r = document.createRange();
    r.setStart(text, at);
    r.setEnd(text, at + 2);
    getSelection().removeAllRanges();
    getSelection().addRange(r);
  });
  await page.getByRole("button", { name: "太字" }).click();
  assert.equal(await page.getByRole("button", { name: "太字" }).getAttribute("aria-pressed"), "true");
  await shot("e04-rich-text-toolbar");
  await ui.accessible(page, "rich text editor");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  const shown = page.locator(".value.rich");
  await shown.waitFor();
  assert.equal(await shown.locator("b, strong").first().textContent(), "重要");
  assert.match(await shown.textContent(), /重要なお知らせです\s*二段落目は速く打っても順番どおり/);
  assert.ok(await shown.locator("div, p, br").count() >= 1, "the paragraph break is kept");
  await shot("e05-rich-text-record");
  const stored = (await admin.record.getRecords({ app })).records[0].body.value;
  assert.match(stored, /<(b|strong)>重要<\/(b|strong)>/);
  await page.goto(`${server.base}/#/apps/${app}`);
  const cell = page.locator(".cell-rich").first();
  await cell.waitFor();
  assert.equal(await cell.locator("b, strong").first().textContent(), "重要");
  await shot("e06-rich-text-list");
});

test("the lookup key list says why a field is missing, and makes it a key with the deploy it needs", async () => {
  const registry = await makeApp(admin, "事業所一覧", {
    number: { type: "SINGLE_LINE_TEXT", code: "number", label: "事業所番号" },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
  });
  await admin.record.addRecords({ app: registry, records: [{ number: { value: "A1" }, name: { value: "ひかり" } }, { number: { value: "A2" }, name: { value: "ひかり" } }] });
  await signIn("Administrator", ADMIN_PASSWORD);
  const { app } = await api("POST", "/k/v1/preview/app.json", { name: "訪問記録" });
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette-item", { hasText: "ルックアップ" }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("参照するアプリ").selectOption({ label: `事業所一覧 (#${registry})` });
  await d.getByText(/「事業所番号」「事業所名」は重複が許されているため/).waitFor();
  // a field whose records repeat a value is refused, in words
  await d.getByLabel("重複を禁止するフィールド").selectOption("name");
  await d.getByRole("button", { name: /重複を禁止してキーにする/ }).click();
  await d.getByRole("alert").filter({ hasText: "事業所名" }).waitFor();
  await shot("e07-lookup-key-refused");
  await d.getByLabel("重複を禁止するフィールド").selectOption("number");
  await d.getByRole("button", { name: /重複を禁止してキーにする/ }).click();
  await page.waitForFunction(() => document.querySelector("#lk-key")?.value === "number");
  await ui.accessible(page, "lookup settings");
  await shot("e08-lookup-key-made-unique");
  const { properties } = await admin.app.getFormFields({ app: registry });
  assert.equal(properties.number.unique, true);
  assert.equal(properties.name.unique, false, "the refused change was undone");
  const preview = await admin.app.getFormFields({ app: registry, preview: true });
  assert.equal(preview.properties.name.unique, false);
  await d.getByRole("button", { name: "キャンセル" }).click();
});

test("an app from a CSV file with a column marked as its key (no repeats)", async () => {
  const csv = join(tmpdir(), `tsumiki-ui-key-${process.pid}.csv`);
  writeFileSync(csv, "施設番号,施設名\nK001,あおば\nK002,みどり\n");
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(server.base + "/#/new-from-csv");
  await page.getByLabel("ファイルを選ぶ").setInputFiles(csv);
  await page.getByLabel("キー（重複禁止）: 施設番号").check();
  await page.getByLabel("アプリ名").fill("施設キー");
  await shot("e09-csv-key-column");
  await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
  await page.locator("p.done").waitFor({ timeout: 30000 });
  const { apps } = await admin.app.getApps({ name: "施設キー" });
  const { properties } = await admin.app.getFormFields({ app: apps[0].appId });
  const key = Object.values(properties).find((p) => p.label === "施設番号");
  assert.equal(key.unique, true);
  assert.equal(Object.values(properties).find((p) => p.label === "施設名").unique, false);
});

test("an administrator sets the installation's default language, which answers API calls that name none", async () => {
  // (the test servers start with English as the default, as the API tests were written)
  const anonMessage = async () => (await (await fetch(server.base + "/k/v1/apps.json", { headers: { "Accept-Language": "" } })).json()).message;
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(server.base + "/#/admin");
  await page.getByRole("tab", { name: "全般" }).click();
  const select = page.getByLabel("既定の言語");
  assert.equal(await select.inputValue(), "en");
  assert.equal(await anonMessage(), "Please login.");
  await select.selectOption("ja");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.waitForFunction(async () => (await (await fetch("/api/system/settings", { headers: { "X-Requested-With": "XMLHttpRequest" } })).json()).defaultLanguage === "ja");
  assert.equal(await anonMessage(), "ログインしてください。");
  await ui.accessible(page, "general settings");
  await shot("e10-default-language");
  await select.selectOption("en");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.waitForFunction(async () => (await (await fetch("/api/system/settings", { headers: { "X-Requested-With": "XMLHttpRequest" } })).json()).defaultLanguage === "en");
});
