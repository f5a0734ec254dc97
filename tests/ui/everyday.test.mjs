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

// 未処理 → 完了 by 完了にする, the record's creator to act first; deployed.
async function switchOnProcess(app) {
  await api("PUT", "/k/v1/preview/app/status.json", { app, enable: true,
    states: {
      未処理: { name: "未処理", index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] } },
      完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } },
    },
    actions: [{ name: "完了にする", from: "未処理", to: "完了" }],
  });
  await deploy(app);
}

async function deploy(app) {
  await admin.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await admin.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
}

test("process management switched on over existing records: each has a status, and only its assignee sees the actions", async () => {
  const app = await makeApp(admin, "苦情受付", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  const { id } = await client(server, { username: "tanaka", password: PASSWORD }).record.addRecord({ app, record: { title: { value: "前からある苦情" } } });
  await switchOnProcess(app);
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
  // history says who must act no more, without empty quotes
  await page.locator(".history-list").getByText(/「田中 花子」を消去/).waitFor();
  assert.equal(await page.locator(".history-list").getByText("「」").count(), 0);
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
  await page.getByText("フォームにフィールドがありません").or(page.locator(".canvas .empty")).first().waitFor();
  assert.equal(await page.locator(".canvas .item").count(), 0, "a field whose first dialog is cancelled is not added");
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
  await page.waitForURL(/#\/apps\/\d+$/, { timeout: 30000 });
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

// --- the record list (issue 13: lists to kintone's depth)

let listApp = null;
// An app of 45 incident reports with a saved view, made once for the list tests.
async function incidents() {
  if (listApp) return listApp;
  const app = await makeApp(admin, "一覧の確認", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: { 転倒: { label: "転倒", index: "0" }, 誤薬: { label: "誤薬", index: "1" } } },
    day: { type: "DATE", code: "day", label: "発生日" },
    people: { type: "NUMBER", code: "people", label: "関係者数" },
  });
  await admin.record.addRecords({ app, records: Array.from({ length: 45 }, (_, i) => ({
    title: { value: `報告${String(i + 1).padStart(2, "0")}` }, kind: { value: i % 3 ? "誤薬" : "転倒" },
    day: { value: `2025-04-${String((i % 9) + 1).padStart(2, "0")}` }, people: { value: String(i % 5) },
  })) });
  await api("PUT", "/k/v1/preview/app/views.json", { app, views: {
    転倒のみ: { type: "LIST", name: "転倒のみ", index: "0", fields: ["title", "kind", "day"], filterCond: 'kind in ("転倒")', sort: "day desc" },
  } });
  await deploy(app);
  const { views } = await admin.app.getViews({ app });
  listApp = { app, view: views.転倒のみ.id };
  return listApp;
}
const rows = () => page.locator("table.records tbody tr");

test("the list always shows how many records match, with 20, 40 or 100 a page", async () => {
  const { app } = await incidents();
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("heading", { name: /一覧の確認.*（45件）/ }).waitFor();
  assert.equal(await rows().count(), 20);
  await page.getByLabel("1ページの件数").selectOption("40");
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 40);
  await page.getByRole("button", { name: /次へ/ }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 5);
  assert.match(page.url(), /size=40/);
  assert.match(page.url(), /page=2/);
  assert.equal(await page.getByRole("button", { name: /次へ/ }).isDisabled(), true);
  await ui.accessible(page, "list, second page");
  await shot("e11-list-count-page-size");
});

test("filter, sort, keyword and page live in the URL: the link opens the same list, and another view starts clean", async () => {
  const { app, view } = await incidents();
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("button", { name: "条件で絞り込む" }).click();
  await page.getByRole("button", { name: /条件を追加/ }).click();
  await page.locator(".filter-panel .cond").getByLabel("フィールド").selectOption("people");
  await page.locator(".filter-panel .cond").getByLabel("条件", { exact: true }).selectOption("eq");
  await page.locator(".filter-panel .cond").getByLabel("値").fill("2");
  await page.getByRole("button", { name: "適用" }).click();
  await page.getByRole("heading", { name: /（9件）/ }).waitFor();
  await page.getByRole("button", { name: /発生日/ }).click();
  await page.waitForFunction(() => /sort=day%3Aasc|sort=day:asc/.test(location.hash));
  const link = page.url();
  await page.goto(server.base + "/#/");
  await page.goto(link);
  await page.getByRole("heading", { name: /（9件）/ }).waitFor();
  const days = await page.locator("table.records tbody tr td:nth-child(5)").allTextContents();
  assert.deepEqual(days, [...days].sort(), "sorted by 発生日 as the link says");
  await shot("e12-list-from-link");
  // another view: its own filter, not the one applied here
  await page.getByRole("tab", { name: "転倒のみ" }).click();
  await page.getByRole("heading", { name: /（15件）/ }).waitFor();
  assert.doesNotMatch(page.url(), /[?&]q=/);
  assert.match(page.url(), new RegExp(`view=${view}`));
  // the view's own filter, in words
  await page.locator(".view-filter").getByText("種別 次のいずれかを含む 転倒").waitFor();
  await page.goBack();
  await page.getByRole("heading", { name: /（9件）/ }).waitFor();
});

test("several sort keys: a click sorts by a column, a shift-click adds the next key", async () => {
  const { app } = await incidents();
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?size=100`);
  await page.getByRole("button", { name: /種別/ }).click();
  await page.getByRole("button", { name: /関係者数/ }).click({ modifiers: ["Shift"] });
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes("sort=kind:asc,people:asc"));
  // the rows follow once the list has loaded again: within 5 s, sorted by both keys
  const pairs = () => page.locator("table.records tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.children[3].textContent, Number(tr.children[5].textContent)]));
  const inOrder = (p) => p.length === 45 && p.every((x, i) => i === 0 || p[i - 1][0] < x[0] || (p[i - 1][0] === x[0] && p[i - 1][1] <= x[1]));
  let seen = [];
  for (let i = 0; i < 50 && !inOrder(seen); i++) {
    seen = await pairs();
    if (!inOrder(seen)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(inOrder(seen), JSON.stringify(seen));
  assert.ok(new Set(seen.map((x) => x[0])).size === 2 && seen.some((x, i) => i && x[1] < seen[i - 1][1]), "two keys at work: the second restarts within the first");
  await shot("e13-list-two-sort-keys");
});

test("a click on a row opens the record; the pencil edits the row in place and Esc cancels", async () => {
  const { app } = await incidents();
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}`);
  const row = rows().filter({ hasText: "報告45" });
  const editingRow = page.locator("table.records tr.editing");
  await row.getByRole("button", { name: /行を編集/ }).click();
  await editingRow.getByLabel("件名").fill("書きかけ");
  await editingRow.getByLabel("件名").press("Escape");
  await row.getByText("報告45").waitFor();
  assert.equal(await editingRow.count(), 0, "Esc leaves the row as it was");
  await row.getByRole("button", { name: /行を編集/ }).click();
  await editingRow.getByLabel("関係者数").fill("7");
  await shot("e14-list-row-editing");
  await ui.accessible(page, "list with a row in editing");
  await editingRow.getByLabel("関係者数").press("Enter");
  await row.locator("td.num", { hasText: /^7$/ }).waitFor();
  await row.locator("td", { hasText: "報告45" }).click();
  await page.getByRole("heading", { name: /レコード 45/ }).waitFor();
});

test("view settings: system fields as columns, their order and widths set by dragging or the keyboard, several sort keys", async () => {
  const { app } = await incidents();
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "一覧" }).click();
  // (the app was made through the API in English: its system fields have English names)
  const { properties } = await admin.app.getFormFields({ app });
  const sys = (type) => Object.values(properties).find((p) => p.type === type);
  const card = page.locator(".view-card").first();
  await card.getByLabel(sys("CREATOR").label, { exact: true }).check();
  await card.getByLabel(sys("UPDATED_TIME").label, { exact: true }).check();
  // 件名 wider: its edge dragged 80 px, then 20 px more with the arrow keys
  const edge = card.getByRole("slider", { name: "列の幅: 件名" });
  const box = await edge.boundingBox();
  await page.mouse.move(box.x + 4, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 84, box.y + 10, { steps: 5 });
  await page.mouse.up();
  await edge.press("ArrowRight");
  await edge.press("ArrowRight");
  assert.equal(await edge.getAttribute("aria-valuenow"), "260");
  // the creator to the front: dragged past the three columns before it
  const strip = card.locator(".column-strip li");
  await strip.filter({ hasText: sys("CREATOR").label }).locator(".col-name").dragTo(strip.first().locator(".col-name"), { targetPosition: { x: 2, y: 5 } });
  await page.waitForFunction((label) => document.querySelector(".view-card .column-strip li .col-name")?.textContent === label, sys("CREATOR").label);
  await card.getByRole("button", { name: /並び順を追加/ }).click();
  await card.getByLabel("ソート 2", { exact: true }).selectOption("people");
  await ui.accessible(page, "view settings");
  await shot("e15-view-settings-columns");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("保存しました").first().waitFor();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  const { views } = await admin.app.getViews({ app });
  assert.deepEqual(views.転倒のみ.fields, [sys("CREATOR").code, "title", "kind", "day", sys("UPDATED_TIME").code]);
  assert.equal(views.転倒のみ.columnWidths.title, 260);
  assert.equal(views.転倒のみ.sort, "day desc, people asc");
  await page.goto(`${server.base}/#/apps/${app}?view=${views.転倒のみ.id}`);
  await page.getByRole("columnheader", { name: sys("CREATOR").label }).waitFor();
  const heads = await page.locator("table.records thead th").allTextContents();
  assert.match(heads[2], new RegExp(sys("CREATOR").label));
  await shot("e16-list-system-columns");
});

test("a record page: the title the app's settings choose, previous and next of the list it came from, the document titled", async () => {
  const { app } = await incidents();
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "アプリ名とアイコン" }).click();
  await page.getByLabel("レコードタイトル").selectOption("title");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("保存しました").first().waitFor();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  // the list sorted by 関係者数, then its second row opened
  await page.goto(`${server.base}/#/apps/${app}?sort=people:asc,title:asc`);
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 20);
  const second = await rows().nth(1).locator("td").nth(2).textContent();
  const third = await rows().nth(2).locator("td").nth(2).textContent();
  const first = await rows().nth(0).locator("td").nth(2).textContent();
  await rows().nth(1).locator("td").nth(2).click();
  await page.getByRole("heading", { name: new RegExp(`一覧の確認 — ${second}（レコード \\d+）`) }).waitFor();
  assert.match(await page.title(), new RegExp(`${second}.*\\| Tsumiki`));
  await page.getByRole("button", { name: /次のレコード/ }).click();
  await page.getByRole("heading", { name: new RegExp(third) }).waitFor();
  await page.getByRole("button", { name: /前のレコード/ }).click();
  await page.getByRole("button", { name: /前のレコード/ }).click();
  await page.getByRole("heading", { name: new RegExp(first) }).waitFor();
  assert.equal(await page.getByRole("button", { name: /前のレコード/ }).isDisabled(), true, "the first of the list");
  await ui.accessible(page, "record page with its neighbours");
  await shot("e17-record-title-and-steps");
  // back to the list as it was
  await page.getByRole("link", { name: "‹ 一覧の確認" }).click();
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes("sort=people:asc,title:asc"));
});

test("the skip link moves the focus to the page, without leaving it", async () => {
  await signIn("tanaka");
  const before = page.url();
  await page.keyboard.press("Tab");
  await page.getByRole("link", { name: "本文へ移動" }).press("Enter");
  assert.equal(page.url(), before);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
  await page.getByRole("heading", { name: "アプリ", exact: true }).waitFor();
  assert.equal(await page.title(), "ポータル | Tsumiki");
});

test("opening a record reads its notices, and the page stays current when others comment", async () => {
  const app = await makeApp(admin, "見守り記録", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  const suzuki = { "X-Cybozu-Authorization": Buffer.from(`suzuki:${PASSWORD}`).toString("base64"), "Content-Type": "application/json" };
  const { id } = await client(server, { username: "suzuki", password: PASSWORD }).record.addRecord({ app, record: { title: { value: "夜間の見守り" } } });
  const comment = (text) => fetch(`${server.base}/k/v1/record/comment.json`, { method: "POST", headers: suzuki,
    body: JSON.stringify({ app, record: id, comment: { text, mentions: [{ code: "tanaka", type: "USER" }] } }) });
  assert.equal((await comment("確認をお願いします")).status, 200);
  await signIn("tanaka");
  await page.getByRole("button", { name: /通知 \(未読 \d+ 件\)/ }).waitFor();
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  await page.locator(".comment-list").getByText("確認をお願いします").waitFor();
  await page.getByRole("button", { name: "通知", exact: true }).waitFor(); // read, by opening the record
  // another comment while the page is open: it appears without a reload
  assert.equal((await comment("追記しました")).status, 200);
  await page.locator(".comment-list").getByText("追記しました").waitFor({ timeout: 15000 });
  await shot("e18-record-live-comment");
});

test("comments: @ suggests people, departments and groups; 返信 names the author; いいね counts", async () => {
  await api("POST", "/v1/organizations.json", { organizations: [{ code: "kaigo", name: "介護保険課" }] });
  const app = await makeApp(admin, "相談記録", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  const { id } = await client(server, { username: "suzuki", password: PASSWORD }).record.addRecord({ app, record: { title: { value: "相談" } } });
  await client(server, { username: "suzuki", password: PASSWORD }).record.addRecordComment({ app, record: id, comment: { text: "資料を添付しました" } });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  const box = page.getByLabel("コメントを書く");
  await box.click();
  await box.pressSequentially("@介護");
  await page.getByRole("option", { name: /介護保険課 組織/ }).waitFor();
  await ui.accessible(page, "comment with suggestions open");
  await shot("e19-comment-mention-suggestions");
  await box.press("Enter"); // the first suggestion
  assert.equal(await box.inputValue(), "@介護保険課 ");
  await box.fill("");
  // 返信: the author is named; いいね
  const theirs = page.locator(".comment-list li", { hasText: "資料を添付しました" });
  await theirs.getByRole("button", { name: "返信" }).click();
  assert.equal(await box.inputValue(), "@鈴木 一郎 ");
  await box.pressSequentially("ありがとうございます");
  await page.getByRole("button", { name: "投稿" }).click();
  const mine = page.locator(".comment-list li", { hasText: "ありがとうございます" });
  await mine.locator(".chip", { hasText: "@鈴木 一郎" }).waitFor();
  await theirs.getByRole("button", { name: /いいね/ }).click();
  await theirs.getByRole("button", { name: "いいね 1", pressed: true }).waitFor();
  await shot("e20-comment-reply-like");
  await theirs.getByRole("button", { name: "いいね 1" }).click();
  await theirs.getByRole("button", { name: "いいね", exact: true, pressed: false }).waitFor();
});

test("the portal: an administrator writes the notice with formatting, and it greets everyone", async () => {
  await signIn("Administrator", ADMIN_PASSWORD);
  const board = page.locator(".notice-board");
  await board.getByRole("button", { name: "編集" }).click();
  const box = page.getByRole("textbox", { name: "お知らせ" });
  await box.click();
  await page.keyboard.type("12月の監査は");
  await page.getByRole("button", { name: "太字" }).click();
  await page.keyboard.type("15日まで");
  await page.getByRole("dialog").getByRole("button", { name: "保存" }).click();
  await board.locator("b", { hasText: "15日まで" }).waitFor();
  await signIn("suzuki");
  await board.locator("b", { hasText: "15日まで" }).waitFor();
  assert.equal(await board.getByRole("button", { name: "編集" }).count(), 0, "only administrators edit it");
  await board.getByText(/が .* に更新/).waitFor();
  await ui.accessible(page, "portal with a notice");
  await shot("e21-portal-notice");
});

test("the portal: 未処理 lists the records waiting on the person across apps, and opens them", async () => {
  const flow = async (name) => {
    const app = await makeApp(admin, name, { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
    await switchOnProcess(app);
    return app;
  };
  const audits = await flow("実地監査");
  const leave = await flow("出張申請");
  const tanaka = client(server, { username: "tanaka", password: PASSWORD });
  for (const title of ["さくら園", "ひまわり苑", "あおば荘"]) await tanaka.record.addRecord({ app: audits, record: { title: { value: title } } });
  const { id } = await tanaka.record.addRecord({ app: leave, record: { title: { value: "県庁へ出張" } } });
  await client(server, { username: "suzuki", password: PASSWORD }).record.addRecord({ app: leave, record: { title: { value: "鈴木の出張" } } });
  await signIn("tanaka");
  const waiting = page.locator(".waiting");
  await waiting.getByRole("link", { name: "実地監査" }).waitFor();
  await waiting.getByText("（3件）").waitFor();
  assert.equal(await waiting.getByText("鈴木の出張").count(), 0, "another's record is not listed");
  await ui.accessible(page, "portal with records waiting");
  await shot("e22-portal-waiting");
  await waiting.getByRole("link", { name: "県庁へ出張" }).click();
  await page.waitForURL(new RegExp(`#/apps/${leave}/records/${id}$`));
  await page.locator(".process-box").getByRole("button", { name: "完了にする" }).click();
  await page.locator(".process-box").getByText("完了", { exact: true }).waitFor();
  await page.goto(server.base + "/#/");
  await waiting.getByRole("link", { name: "実地監査" }).waitFor();
  assert.equal(await waiting.getByRole("link", { name: "出張申請" }).count(), 0, "done: nothing waits there any more");
  await waiting.getByRole("link", { name: "実地監査" }).click();
  await page.locator("table.records tbody tr").nth(2).waitFor();
  assert.equal(await page.locator("table.records tbody tr").count(), 3, "the list shows all that wait on her");
});

test("an app's icon and category chosen in its settings show on the portal, apps grouped by category", async () => {
  const app = await makeApp(admin, "施設台帳", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" } });
  await makeApp(admin, "備品管理", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "備品名" } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "アプリ名とアイコン" }).click();
  await page.getByLabel("分類").fill("福祉監査");
  await page.getByRole("radio", { name: "建物" }).check();
  await page.getByRole("radio", { name: "緑", exact: true }).check();
  await ui.accessible(page, "app settings with the icon picker");
  await shot("e23-app-icon-picker");
  await ui.untilToast(page, "保存しました", () => page.getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  await page.goto(server.base + "/#/");
  const group = page.locator(".app-group", { has: page.getByRole("heading", { name: "福祉監査" }) });
  const card = group.getByRole("link", { name: /施設台帳/ });
  await card.waitFor();
  assert.equal(await card.locator(".app-icon").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(26, 127, 55)");
  await page.getByRole("heading", { name: "その他のアプリ" }).waitFor();
  await shot("e24-portal-grouped");
});

test("the builder: a new field's name is selected for typing, and its code follows the name until the code is changed", async () => {
  const app = await makeApp(admin, "名簿", { memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "備考" } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette").getByRole("button", { name: "文字列(1行)" }).click();
  const name = page.getByRole("textbox", { name: "フィールド名" });
  await page.waitForFunction(() => document.activeElement?.id === "fs-label");
  await page.keyboard.type("施設 名"); // typed over the selected default name
  assert.equal(await name.inputValue(), "施設 名");
  const code = page.getByRole("textbox", { name: "フィールドコード" });
  assert.equal(await code.inputValue(), "施設_名", "a space cannot be in a code: it becomes _");
  await code.fill("facility");
  await name.fill("施設の名前");
  assert.equal(await code.inputValue(), "facility", "changed by hand: the code stays");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  // the form shows it as it will look: its label over an input's box
  const card = page.locator(".item", { hasText: "施設の名前" });
  await card.locator(".pv-box").waitFor();
  await page.locator(".item", { hasText: "備考" }).locator(".pv-area").waitFor();
  await shot("e25-builder-preview");
  await ui.untilToast(page, "保存しました", () => page.getByRole("button", { name: "フォームを保存" }).click());
  const { properties } = await admin.app.getFormFields({ app, preview: true });
  assert.equal(properties.facility?.label, "施設の名前");
});

test("the builder: an error names the setting, and its banner goes once the field is put right", async () => {
  const app = await makeApp(admin, "計算表", { price: { type: "NUMBER", code: "price", label: "単価" } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette").getByRole("button", { name: "計算" }).click();
  await page.getByLabel("計算式").fill("price * (");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  const card = page.locator(".item.has-error");
  await card.getByText(/「計算」の計算式は使えません/).waitFor();
  await page.locator(".error-box").first().waitFor();
  await shot("e26-builder-error-named");
  await card.getByRole("button", { name: /^編集/ }).click();
  await page.getByLabel("計算式").fill("price * 2");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.locator(".item.has-error").waitFor({ state: "detached" });
  assert.equal(await page.locator(".error-box").count(), 0, "the stale banner is gone");
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
});

test("a people field defaults to the person filling in the form", async () => {
  const app = await makeApp(admin, "日報", { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette").getByRole("button", { name: "ユーザー選択" }).click();
  await page.waitForFunction(() => document.activeElement?.id === "fs-label");
  await page.keyboard.type("報告者");
  await page.getByRole("checkbox", { name: /フォームを開いた人/ }).check();
  await ui.accessible(page, "a people field's settings");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await shot("e27-people-default-settings");
  await page.locator(".item", { hasText: "報告者" }).getByText("フォームを開いた人").waitFor();
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/new`);
  await page.locator(".chip", { hasText: "田中 花子" }).waitFor();
  await page.getByLabel("件名").fill("日報1");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.waitForURL(/records\/\d+$/);
  const { records } = await admin.record.getRecords({ app });
  assert.deepEqual(records[0]["報告者"].value.map((u) => u.code), ["tanaka"]);
  await shot("e28-people-default");
});

test("a record prints as its form: fields and status on white, without the screen's controls, comments or history", async () => {
  const app = await makeApp(admin, "指導監査記録", {
    facility: { type: "SINGLE_LINE_TEXT", code: "facility", label: "施設名" },
    result: { type: "MULTI_LINE_TEXT", code: "result", label: "指摘事項" },
  });
  const { id } = await admin.record.addRecord({ app, record: { facility: { value: "さくら園" }, result: { value: "避難訓練の記録が不足" } } });
  await admin.record.addRecordComment({ app, record: id, comment: { text: "確認済み" } });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  await page.getByRole("button", { name: "印刷" }).waitFor();
  await page.emulateMedia({ media: "print" });
  try {
    await page.getByText("避難訓練の記録が不足").waitFor();
    for (const hidden of ["header.top", ".record-page .side", "button"])
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
    await page.locator(".print-stamp").getByText(/田中 花子 が印刷/).waitFor();
    await shot("e29-record-print");
  } finally {
    await page.emulateMedia({ media: "screen" });
  }
});

test("field groups: made in the builder, fields dragged into them, shown on the record page as a section that opens and closes", async () => {
  const app = await makeApp(admin, "施設情報", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    tel: { type: "SINGLE_LINE_TEXT", code: "tel", label: "電話番号" },
  });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.locator(".palette").getByRole("button", { name: "グループ", exact: true }).click();
  await page.waitForFunction(() => document.activeElement?.id === "fs-label");
  await page.keyboard.type("連絡先");
  await page.getByRole("checkbox", { name: "最初から開いて表示する" }).uncheck();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  const group = page.locator(".item.group-item", { hasText: "連絡先" });
  await group.waitFor();
  // drag the phone number into the group's empty row
  const tel = page.locator(".item", { hasText: "電話番号" }).first();
  await tel.locator(".drag").dragTo(group.locator(".row-items.new-row"));
  await group.locator(".item", { hasText: "電話番号" }).waitFor();
  // a new field dragged from the palette into the group
  await page.locator(".palette-item", { hasText: "リンク" }).dragTo(group.locator(".row-items.new-row"));
  await page.waitForFunction(() => document.activeElement?.id === "fs-label");
  await page.keyboard.type("ホームページ");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await group.locator(".item", { hasText: "ホームページ" }).waitFor();
  // with the keyboard: ↑ from the group's first row leaves it, ↓ goes back in
  await group.getByRole("button", { name: "上へ: 電話番号" }).click();
  await page.locator(".canvas > .row-items > .item", { hasText: "電話番号" }).waitFor();
  await page.getByRole("button", { name: "下へ: 電話番号" }).click();
  await group.locator(".item", { hasText: "電話番号" }).waitFor();
  // a table may not go into a group
  await page.locator(".palette-item", { hasText: "テーブル" }).dragTo(group.locator(".row-items.new-row"));
  await page.getByText("グループの中には、テーブルやほかのグループは置けません。").waitFor();
  assert.equal(await group.locator(".item", { hasText: "テーブル" }).count(), 0);
  await shot("e30-builder-group");
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const { layout } = await admin.app.getFormLayout({ app });
  const g = layout.find((r) => r.type === "GROUP");
  assert.deepEqual(g.layout.flatMap((r) => r.fields.map((f) => f.label ?? f.code)).length, 2);
  assert.equal(g.layout[0].fields[0].code, "tel");
  const { id } = await admin.record.addRecord({ app, record: { name: { value: "さくら園" }, tel: { value: "078-000-0000" } } });
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  const section = page.locator("details.form-group");
  await section.getByText("連絡先").waitFor();
  assert.equal(await page.getByText("078-000-0000").isVisible(), false, "closed at first, as set");
  await section.getByText("連絡先").click();
  await page.getByText("078-000-0000").waitFor();
  await ui.accessible(page, "record with a group");
  await shot("e31-record-group");
});

test("reuse another app (他のアプリを再利用) with its records: the copy opens with the same form and records", async () => {
  const src = await makeApp(admin, "補助金申請", {
    applicant: { type: "SINGLE_LINE_TEXT", code: "applicant", label: "申請者" },
    amount: { type: "NUMBER", code: "amount", label: "金額" },
    double: { type: "CALC", code: "double", label: "倍額", expression: "amount * 2" },
  });
  await admin.record.addRecords({ app: src, records: ["北野", "三宮", "元町"].map((n, i) => ({ applicant: { value: n }, amount: { value: String((i + 1) * 1000) } })) });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.getByRole("button", { name: "アプリを作成" }).first().click();
  const d = page.getByRole("dialog");
  await d.getByRole("radio", { name: "ほかのアプリを再利用" }).check();
  await d.getByLabel("再利用するアプリ").selectOption({ label: "補助金申請" });
  assert.equal(await d.getByLabel("アプリ名").inputValue(), "補助金申請のコピー");
  await d.getByRole("checkbox", { name: /レコードもコピーする/ }).check();
  await ui.accessible(page, "create an app by reusing another");
  await shot("e32-reuse-app");
  await d.getByRole("button", { name: "アプリを作成" }).click();
  await page.locator("table.records tbody tr").nth(2).waitFor({ timeout: 20000 });
  const copy = page.url().match(/#\/apps\/(\d+)/)[1];
  assert.notEqual(copy, String(src));
  const { records } = await admin.record.getRecords({ app: copy, query: "order by $id asc" });
  assert.deepEqual(records.map((r) => [r.applicant.value, r.amount.value, r.double.value]), [["北野", "1000", "2000"], ["三宮", "2000", "4000"], ["元町", "3000", "6000"]]);
});

test("an app exported as a template file is made again from that file", async () => {
  const src = await makeApp(admin, "相談記録", { topic: { type: "SINGLE_LINE_TEXT", code: "topic", label: "相談内容" } });
  await admin.record.addRecord({ app: src, record: { topic: { value: "介護保険の手続き" } } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${src}/settings`);
  await page.getByRole("tab", { name: "アプリ名とアイコン" }).click();
  const box = page.locator(".template-export");
  await box.getByRole("checkbox", { name: /レコードもコピーする/ }).check();
  const [download] = await Promise.all([page.waitForEvent("download"), box.getByRole("button", { name: "ファイルをダウンロード" }).click()]);
  assert.equal(download.suggestedFilename(), "相談記録.tsumiki-app.json");
  const file = join(tmpdir(), `tsumiki-template-${process.pid}.json`);
  await download.saveAs(file);
  await page.goto(server.base + "/#/");
  await page.getByRole("button", { name: "アプリを作成" }).first().click();
  const d = page.getByRole("dialog");
  await d.getByRole("radio", { name: "テンプレートファイルから作成" }).check();
  await d.getByLabel("テンプレートファイル（.json）").setInputFiles(file);
  await d.getByText("フィールド 1 個・レコード 1 件").waitFor();
  assert.equal(await d.getByLabel("アプリ名").inputValue(), "相談記録");
  await d.getByLabel("アプリ名").fill("相談記録（西区）");
  await d.getByRole("button", { name: "アプリを作成" }).click();
  await page.getByRole("cell", { name: "介護保険の手続き" }).waitFor({ timeout: 20000 });
  await page.getByRole("heading", { name: /相談記録（西区）/ }).waitFor();
  // a file that is not a template is refused in words
  const bad = join(tmpdir(), `tsumiki-not-template-${process.pid}.json`);
  writeFileSync(bad, JSON.stringify({ hello: "world" }));
  await page.goto(server.base + "/#/");
  await page.getByRole("button", { name: "アプリを作成" }).first().click();
  await page.getByRole("dialog").getByRole("radio", { name: "テンプレートファイルから作成" }).check();
  await page.getByRole("dialog").getByLabel("テンプレートファイル（.json）").setInputFiles(bad);
  await page.getByRole("dialog").getByText("このファイルはTsumikiのアプリのテンプレートではありません。").waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "キャンセル" }).click();
});

test("an app from a CSV file: e-mail addresses become mail links, values joined by commas check boxes, and the app opens with its records", async () => {
  const csv = join(tmpdir(), `tsumiki-ui-kinds-${process.pid}.csv`);
  writeFileSync(csv, "施設名,連絡先メールアドレス,提供サービス\nさくら園,info@sakura.example.jp,\"訪問介護, 通所介護\"\nひまわり,desk@himawari.example.jp,訪問介護、短期入所\nあおば,aoba@example.jp,通所介護\n");
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(server.base + "/#/new-from-csv");
  await page.getByLabel("ファイルを選ぶ").setInputFiles(csv);
  const type = (col) => page.getByLabel(`フィールドの種類: ${col}`).inputValue();
  await page.getByLabel("フィールドの種類: 提供サービス").waitFor();
  assert.equal(await type("連絡先メールアドレス"), "MAIL");
  assert.equal(await type("提供サービス"), "CHECK_BOX");
  const width = await page.getByLabel("フィールド名: 連絡先メールアドレス").evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(width >= 150, `the name box is wide enough for a Japanese heading (${width}px)`);
  await page.getByLabel("アプリ名").fill("サービス一覧");
  await ui.accessible(page, "a new app's plan from a CSV file");
  await shot("e33-csv-kinds");
  await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
  await page.waitForURL(/#\/apps\/\d+$/, { timeout: 30000 });
  await page.locator("table.records tbody tr").nth(2).waitFor();
  const app = /#\/apps\/(\d+)/.exec(page.url())[1];
  const { properties } = await admin.app.getFormFields({ app });
  const byLabel = Object.fromEntries(Object.values(properties).map((p) => [p.label, p]));
  assert.deepEqual([byLabel["連絡先メールアドレス"].type, byLabel["連絡先メールアドレス"].protocol], ["LINK", "MAIL"]);
  assert.deepEqual(Object.keys(byLabel["提供サービス"].options).sort(), ["短期入所", "訪問介護", "通所介護"].sort());
  const { records } = await admin.record.getRecords({ app, query: "order by $id asc" });
  assert.deepEqual(records[1][byLabel["提供サービス"].code].value.sort(), ["短期入所", "訪問介護"].sort());
});

test("the audit log names the app and whose user record changed, with times to the minute", async () => {
  const app = await makeApp(admin, "福祉施設台帳", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await api("PUT", "/v1/users.json", { users: [{ code: "suzuki", name: "鈴木 一郎", email: "suzuki@example.jp" }] });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.getByRole("link", { name: "組織とユーザー" }).click();
  await page.getByRole("tab", { name: "監査ログ" }).click();
  await page.getByRole("cell", { name: `福祉施設台帳 (#${app})` }).first().waitFor();
  await page.getByRole("cell", { name: "ユーザー: suzuki" }).first().waitFor();
  const when = await page.locator("table.records tbody tr td time").first().innerText();
  assert.match(when, /\d{1,2}:\d{2}$/, `to the minute: ${when}`);
  await shot("e34-audit-log-words");
});

test("lookup 取得 with part of a key lists the records it matches, to choose from", async () => {
  const src = await makeApp(admin, "事業所マスタ", {
    number: { type: "SINGLE_LINE_TEXT", code: "number", label: "事業所番号", unique: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
  });
  await admin.record.addRecords({ app: src, records: [["K-101", "さくら"], ["K-102", "ひまわり"], ["M-201", "あおば"]].map(([n, m]) => ({ number: { value: n }, name: { value: m } })) });
  const app = await makeApp(admin, "実地指導", {
    office: { type: "SINGLE_LINE_TEXT", code: "office", label: "事業所", lookup: { relatedApp: { app: String(src) }, relatedKeyField: "number", fieldMappings: [{ field: "officeName", relatedField: "name" }], lookupPickerFields: ["number", "name"], filterCond: "", sort: "" } },
    officeName: { type: "SINGLE_LINE_TEXT", code: "officeName", label: "事業所名" },
  });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}/new`);
  await page.getByLabel("事業所", { exact: true }).fill("K-1");
  await page.getByRole("button", { name: "取得" }).click();
  const d = page.getByRole("dialog");
  await d.getByRole("cell", { name: "K-101" }).waitFor();
  await d.getByRole("cell", { name: "K-102" }).waitFor();
  assert.equal(await d.getByRole("cell", { name: "M-201" }).count(), 0, "only what the text matches");
  await ui.accessible(page, "lookup candidates");
  await shot("e35-lookup-candidates");
  await d.getByRole("row", { name: /K-102/ }).getByRole("button", { name: "選ぶ" }).click();
  assert.equal(await page.getByLabel("事業所", { exact: true }).inputValue(), "K-102");
  await page.locator(".form-field", { hasText: "事業所名" }).getByText("ひまわり").waitFor();
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.waitForURL(/records\/\d+$/);
});

test("the first load, signed out, shows the sign-in page without an error in the browser's console", async () => {
  const nobody = await fetch(server.base + "/api/session");
  assert.equal(nobody.status, 200);
  assert.deepEqual(await nobody.json(), { user: null });
  const context = await page.context().browser().newContext({ locale: "ja-JP" });
  try {
    const fresh = await context.newPage();
    const errors = [];
    fresh.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    fresh.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    await fresh.goto(server.base + "/");
    await fresh.getByLabel("ログイン名").waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a list at tablet width: dates and times stay on one line, names wrap only between people", async () => {
  const app = await makeApp(admin, "訪問予定", {
    place: { type: "SINGLE_LINE_TEXT", code: "place", label: "訪問先" },
    at: { type: "DATETIME", code: "at", label: "訪問日時" },
    day: { type: "DATE", code: "day", label: "報告期限" },
    who: { type: "USER_SELECT", code: "who", label: "担当者" },
    note: { type: "SINGLE_LINE_TEXT", code: "note", label: "メモ" },
  });
  await admin.record.addRecord({ app, record: {
    place: { value: "特別養護老人ホームさくら園（北区山田町下谷上字中一里山）" }, at: { value: "2026-12-08T01:30:00Z" }, day: { value: "2026-12-15" },
    who: { value: [{ code: "tanaka" }, { code: "suzuki" }, { code: "Administrator" }] },
    note: { value: "前回の指摘事項（避難訓練の記録、服薬管理の手順書）の改善状況を確認する" },
  } });
  await page.setViewportSize({ width: 820, height: 1180 });
  try {
    await signIn("tanaka");
    await page.goto(`${server.base}/#/apps/${app}`);
    await page.locator("table.records tbody tr").first().waitFor();
    const lines = (sel) => page.locator(sel).first().evaluate((e) => {
      const r = document.createRange();
      r.selectNodeContents(e);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
    });
    assert.equal(await lines("table.records td.when"), 1, "a date-time on one line");
    for (const name of await page.locator("table.records td.people .name").all())
      assert.equal(await name.evaluate((e) => new Set([...e.getClientRects()].map((x) => Math.round(x.top))).size), 1, "a name whole");
    await shot("e36-list-tablet");
  } finally {
    await page.setViewportSize({ width: 1280, height: 860 });
  }
});

test("field widths: set by dragging a field's edge in the builder (or with ←/→), kept in the layout, used on the record page", async () => {
  const app = await makeApp(admin, "幅の設定", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "備考" },
  });
  // a width set through the API survives the builder's save
  await admin.app.updateFormLayout({ app, layout: [{ type: "ROW", fields: [{ type: "SINGLE_LINE_TEXT", code: "name", size: { width: "300" } }, { type: "SINGLE_LINE_TEXT", code: "memo" }] }] });
  await deploy(app);
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  const memo = page.locator(".item", { hasText: "備考" });
  await memo.waitFor();
  const box = await memo.boundingBox();
  const handle = memo.locator(".width-handle");
  const h = await handle.boundingBox();
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 420, h.y + 5, { steps: 5 });
  await page.mouse.up();
  await handle.focus();
  await page.keyboard.press("ArrowRight");
  await shot("e37-builder-widths");
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const { layout } = await admin.app.getFormLayout({ app });
  const size = Object.fromEntries(layout[0].fields.map((f) => [f.code, Number(f.size?.width)]));
  assert.equal(size.name, 300, "kept as it was");
  assert.ok(Math.abs(size.memo - 440) <= 4, `dragged to about 420px, then 20 more: ${size.memo}`);
  const { id } = await admin.record.addRecord({ app, record: { name: { value: "さくら園" } } });
  await page.goto(`${server.base}/#/apps/${app}/records/${id}`);
  const field = page.locator(".form-field", { hasText: "施設名" });
  await field.waitFor();
  assert.equal(Math.round((await field.boundingBox()).width), 300);
});

test("graphs: drawn from the list's graph menu with their table of numbers; a bar's row and a cross table's cell open their records", async () => {
  const kinds = ["転倒", "誤薬", "その他"];
  const app = await makeApp(admin, "事故の集計", {
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: Object.fromEntries(kinds.map((k, i) => [k, { label: k, index: String(i) }])) },
    day: { type: "DATE", code: "day", label: "報告日" },
  });
  await admin.record.addRecords({ app, records: Array.from({ length: 30 }, (_, i) => ({ kind: { value: kinds[i % 3 === 2 ? 0 : i % 3] }, day: { value: `2025-0${1 + (i % 3)}-1${i % 9}` } })) });
  await admin.app.updateReports({ app, reports: {
    種別ごとの件数: { name: "種別ごとの件数", index: "0", chartType: "COLUMN", chartMode: "NORMAL", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }], sorts: [{ by: "TOTAL", order: "DESC" }] },
    月別の種別: { name: "月別の種別", index: "1", chartType: "PIVOT_TABLE", groups: [{ code: "day", per: "MONTH" }, { code: "kind" }], aggregations: [{ type: "COUNT" }] },
  } });
  await deploy(app);
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("navigation", { name: "グラフ" }).getByRole("link", { name: "月別の種別" }).waitFor();
  await shot("e49-graph-tabs"); // the graphs beside the views
  await page.getByRole("navigation", { name: "グラフ" }).getByRole("link", { name: "種別ごとの件数" }).click();
  await page.getByRole("heading", { name: "種別ごとの件数" }).waitFor();
  const table = page.locator("table.report-table");
  await table.getByRole("link", { name: "転倒" }).waitFor();
  assert.deepEqual(await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.innerText.split("\t").map((x) => x.trim()))), [["転倒", "20"], ["誤薬", "10"]]);
  await page.waitForFunction(() => (document.querySelector(".report-page canvas")?.width ?? 0) > 100);
  await ui.accessible(page, "a graph");
  await shot("e38-graph-columns");
  await table.getByRole("link", { name: "誤薬" }).click();
  await page.waitForURL(/#\/apps\/\d+\?q=/);
  await page.getByText("（10件）").waitFor();
  // a cross table: months down, kinds across, each cell a link
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("navigation", { name: "グラフ" }).getByRole("link", { name: "月別の種別" }).click();
  const cross = page.locator("table.report-table.cross");
  await cross.getByRole("row", { name: /2025-01/ }).waitFor();
  await shot("e39-graph-cross-table");
  await cross.getByRole("row", { name: /2025-01/ }).getByRole("link").first().click();
  await page.waitForURL(/#\/apps\/\d+\?q=/);
  const { totalCount } = await admin.record.getRecords({ app, query: 'day >= "2025-01-01" and day <= "2025-01-31" and kind in ("転倒")', totalCount: true });
  await page.getByText(`（${totalCount}件）`).waitFor();
});

test("the graph builder: kind, grouping by month and a total chosen in words, the numbers shown while it is edited", async () => {
  const app = await makeApp(admin, "相談件数", {
    kind: { type: "DROP_DOWN", code: "kind", label: "相談の種類", options: { 介護: { label: "介護", index: "0" }, 福祉: { label: "福祉", index: "1" } } },
    day: { type: "DATE", code: "day", label: "相談日" },
    mins: { type: "NUMBER", code: "mins", label: "時間（分）" },
  });
  await admin.record.addRecords({ app, records: Array.from({ length: 12 }, (_, i) => ({ kind: { value: i % 3 ? "介護" : "福祉" }, day: { value: `2025-0${1 + (i % 2)}-05` }, mins: { value: String(10 * (i + 1)) } })) });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "グラフ" }).click();
  await page.getByRole("button", { name: "グラフを追加" }).click();
  const form = page.locator("form.report-form");
  await form.getByLabel("グラフの名前").fill("月別の相談時間");
  await form.getByRole("radio", { name: "縦棒グラフ" }).check();
  await form.getByLabel("分類する項目 1").selectOption({ label: "相談日" });
  assert.equal(await form.getByLabel("単位 1").inputValue(), "MONTH");
  await form.getByLabel("集計方法 1").selectOption({ label: "合計" });
  await form.getByLabel("集計するフィールド 1").selectOption({ label: "時間（分）" });
  // the preview: January's minutes are 10+30+50+70+90+110
  await form.locator(".report-preview").getByRole("cell", { name: "360" }).waitFor();
  await ui.accessible(page, "the graph builder");
  await shot("e40-graph-builder");
  await ui.untilToast(page, "保存しました", () => form.getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const { reports } = await admin.app.getReports({ app });
  assert.deepEqual(reports.月別の相談時間.groups, [{ code: "day", per: "MONTH" }]);
  assert.deepEqual(reports.月別の相談時間.aggregations, [{ type: "SUM", code: "mins" }]);
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("navigation", { name: "グラフ" }).getByRole("link", { name: "月別の相談時間" }).click();
  await page.locator("table.report-table").getByRole("cell", { name: "360" }).waitFor();
});
