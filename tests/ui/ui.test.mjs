// The browser UI, driven in Debian's chromium by playwright-core against a
// freshly started server: a member of staff builds an incident-report app and
// works in it. Each step saves a screenshot under tests/ui/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { client, makeApp, ADMIN_PASSWORD } from "../api/helpers/server.mjs";
import { startSmtpSink } from "../api/helpers/smtp.mjs";
import * as ui from "./helpers.mjs";

let server, page, appUrl, stopUi;
const PASSWORD = "tanaka-password-1";

const addUser = (code, name) => ui.addUser(server, code, name, PASSWORD);
const accessible = (where) => ui.accessible(page, where);
const shot = (name) => ui.shot(page, name);
const api = (method, path, body) => ui.api(server, method, path, body);
const pad = (n) => String(n).padStart(2, "0");
const today = new Date();
const thisMonth = (d) => `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(d)}`;
const lastMonthDate = (() => { const d = new Date(today.getFullYear(), today.getMonth() - 1, 10); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-10`; })();

before(async () => {
  ({ server, page, stop: stopUi } = await ui.startUi());
  addUser("tanaka", "田中 花子");
  addUser("suzuki", "鈴木 一郎");
});
after(async () => {
  await stopUi?.();
});

// a field dialog: label, code, and the rest by the caller
async function fieldDialog(label, code, more = async () => {}) {
  const d = page.getByRole("dialog");
  await d.getByLabel("フィールド名", { exact: true }).fill(label);
  await more(d);
  await d.getByLabel("フィールドコード", { exact: true }).fill(code);
  await d.getByRole("button", { name: "OK" }).click();
  await assert.doesNotReject(d.waitFor({ state: "detached" }));
}

test("1. log in as a new user, build and deploy an incident-report app", async () => {
  await page.goto(server.base + "/");
  await page.getByLabel("ログイン名").fill("tanaka");
  await page.getByLabel("パスワード").fill(PASSWORD);
  await shot("01-login");
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "アプリ", exact: true }).waitFor();
  await page.getByRole("button", { name: /アプリを作成/ }).click();
  await page.getByLabel("アプリ名").fill("事故報告");
  await page.getByRole("dialog").getByRole("button", { name: "アプリを作成" }).click();
  await page.getByText("パーツをフォームへドラッグ").waitFor();

  // the first field by dragging it from the palette onto the form
  await page.locator(".palette-item", { hasText: "文字列(1行)" }).dragTo(page.locator(".row-items.new-row"));
  await fieldDialog("件名", "title", async (d) => d.getByLabel("必須項目にする").check());
  // the rest by clicking the palette (the keyboard's way)
  await page.locator(".palette-item", { hasText: "ドロップダウン" }).click();
  await fieldDialog("種別", "kind", async (d) => {
    await d.getByLabel("選択肢 1").fill("転倒");
    await d.getByLabel("選択肢 2").fill("誤薬");
    await d.getByRole("button", { name: /選択肢を追加/ }).click();
    await d.getByLabel("選択肢 3").fill("その他");
  });
  await page.locator(".palette-item", { hasText: "日付" }).first().click();
  await fieldDialog("発生日", "date");
  await page.locator(".palette-item", { hasText: "数値" }).click();
  await fieldDialog("関係者数", "people", async (d) => {
    await d.getByLabel("最大値").fill("10");
    await d.getByLabel("単位記号", { exact: true }).fill("人");
    await d.getByLabel("単位記号の位置").selectOption("AFTER");
  });
  await page.locator(".palette-item", { hasText: "ユーザー選択" }).click();
  await fieldDialog("担当者", "owner");
  await page.locator(".palette-item", { hasText: "文字列(複数行)" }).click();
  await fieldDialog("詳細", "detail");
  // two fields side by side: the date moves up, to the end of the row above
  await page.getByRole("button", { name: "上へ: 発生日" }).click();
  await shot("02-builder-form");
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  await shot("03-deployed");
  appUrl = page.url().replace(/\/settings$/, "");
  await page.goto(appUrl);
  await page.getByRole("heading", { name: "事故報告" }).waitFor();
});

test("2. five records through the form, one validation error shown and corrected", async () => {
  const reports = [
    ["居室で転倒", "転倒", thisMonth(3), "1"],
    ["誤薬の疑い", "誤薬", thisMonth(5), "2"],
    ["廊下で転倒", "転倒", thisMonth(8), "99"], // over the maximum of 10
    ["先月の転倒", "転倒", lastMonthDate, "1"],
    ["備品の破損", "その他", thisMonth(1), "3"],
  ];
  for (const [title, kind, date, people] of reports) {
    await page.goto(appUrl + "/new");
    await page.getByLabel("件名").waitFor();
    await page.getByLabel("件名").fill(title);
    await page.getByLabel("種別").selectOption(kind);
    await page.getByLabel("発生日").fill(date);
    await page.getByLabel("関係者数").fill(people);
    await page.getByLabel("詳細").fill(`${title}。経過を観察中。`);
    await page.locator("#f-owner").fill("suz");
    await page.getByRole("option", { name: /鈴木/ }).click();
    await page.getByRole("button", { name: "保存" }).click();
    if (people === "99") {
      const err = page.locator("#f-people-err");
      await err.waitFor();
      assert.match(await err.textContent(), /10以下/);
      await shot("04-validation-error");
      await page.getByLabel("関係者数").fill("4");
      await page.getByRole("button", { name: "保存" }).click();
    }
    await page.getByRole("heading", { name: /レコード \d+/ }).waitFor();
  }
  await shot("05-record-page");
  await page.goto(appUrl);
  await page.locator("table.records tbody tr").nth(4).waitFor();
  assert.equal(await page.locator("table.records tbody tr").count(), 5);
  await shot("06-list");
});

test("3. filter to one drop-down value and this month, sort by date", async () => {
  await page.getByRole("button", { name: /条件で絞り込む/ }).click();
  await page.getByRole("button", { name: /条件を追加/ }).click();
  const c1 = page.locator(".cond").nth(0);
  await c1.getByLabel("フィールド").selectOption("kind");
  await c1.getByLabel("転倒").check();
  await page.getByRole("button", { name: /条件を追加/ }).click();
  const c2 = page.locator(".cond").nth(1);
  await c2.getByLabel("フィールド").selectOption("date");
  await c2.getByLabel("条件").selectOption("eq");
  await c2.getByLabel("値").first().selectOption("THIS_MONTH()");
  await page.getByRole("button", { name: "適用" }).click();
  await page.getByRole("button", { name: /^発生日/ }).click(); // ascending
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 2);
  const titles = await page.locator("table.records tbody tr td:nth-child(3)").allTextContents();
  assert.deepEqual(titles, ["居室で転倒", "廊下で転倒"]);
  await shot("07-filtered-sorted");
});

test("4. edit a record, see the change in its history, restore the old version", async () => {
  await page.locator("table.records tbody tr").first().getByRole("link").click();
  await page.getByRole("button", { name: "編集", exact: true }).click();
  await page.getByLabel("件名").fill("居室で転倒(修正)");
  // leaving with unsaved changes asks first; staying keeps them
  page.once("dialog", (d) => d.dismiss());
  await page.getByRole("link", { name: "ポータル" }).click();
  assert.equal(await page.getByLabel("件名").inputValue(), "居室で転倒(修正)");
  await page.getByRole("button", { name: "保存" }).click();
  await page.locator(".history-list").getByText("件名: 「居室で転倒」→「居室で転倒(修正)」").waitFor();
  await shot("08-history");
  await page.locator(".history-list > li").nth(1).getByRole("button", { name: "このバージョンに戻す" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.locator(".form-field .value", { hasText: /^居室で転倒$/ }).waitFor();
  await shot("09-restored");
});

test("5. comment with a mention", async () => {
  // "@" and a few letters suggest people, departments and groups
  const box = page.getByLabel("コメントを書く");
  await box.click();
  await box.pressSequentially("@鈴木");
  await page.getByRole("option", { name: /鈴木 一郎/ }).click();
  await box.pressSequentially("ご家族への連絡をお願いします。");
  assert.equal(await box.inputValue(), "@鈴木 一郎 ご家族への連絡をお願いします。");
  await page.getByRole("button", { name: "投稿" }).click();
  await page.locator(".comment-list li", { hasText: "ご家族への連絡をお願いします。" }).waitFor();
  assert.match(await page.locator(".comment-list li").first().textContent(), /@鈴木 一郎/);
  await shot("10-comment");
});

test("6. switch the UI to English and back", async () => {
  await page.getByLabel("言語").selectOption("en");
  await page.getByRole("heading", { name: "Comments" }).waitFor();
  await page.getByRole("link", { name: "Portal" }).click();
  await page.getByRole("heading", { name: "Apps", exact: true }).waitFor();
  await shot("11-english");
  await page.reload(); // the choice survives a reload, as does the session
  await page.getByRole("heading", { name: "Apps", exact: true }).waitFor();
  await page.getByLabel("Language").selectOption("ja");
  await page.getByRole("heading", { name: "アプリ", exact: true }).waitFor();
  await shot("12-japanese");
});

test("7. a saved view with its own filter and columns becomes a tab", async () => {
  await page.goto(appUrl + "/settings");
  await page.getByRole("tab", { name: "一覧" }).click();
  await page.getByRole("button", { name: /一覧を追加/ }).click();
  const card = page.locator(".view-card").last();
  await card.getByLabel("一覧名").fill("転倒のみ");
  await card.getByRole("button", { name: /条件を追加/ }).click();
  await card.locator(".cond").getByLabel("フィールド").selectOption("kind");
  await card.locator(".cond").getByLabel("転倒").check();
  await card.getByRole("button", { name: /並び順を追加/ }).click();
  await card.getByLabel("ソート 1", { exact: true }).selectOption("date");
  await card.getByLabel("並び順 1", { exact: true }).selectOption("asc");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("保存しました").first().waitFor();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  await page.goto(appUrl);
  await page.getByRole("tab", { name: "転倒のみ" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 3);
  const dates = await page.locator("table.records tbody tr td:nth-child(5)").allTextContents();
  assert.deepEqual(dates, [...dates].sort());
  await shot("13-view-tab");
});

test("8. inline editing, keyword search and bulk delete on the list", async () => {
  await page.getByRole("tab", { name: "すべてのレコード" }).click();
  const row = page.locator("table.records tbody tr", { hasText: "誤薬の疑い" });
  await row.getByRole("button", { name: /行を編集/ }).click();
  await row.getByLabel("関係者数").fill("6");
  await row.getByRole("button", { name: "保存" }).click();
  await page.locator("table.records tbody tr", { hasText: "誤薬の疑い" }).locator("td.num", { hasText: /^6$/ }).waitFor();
  await page.getByLabel("キーワード").fill("誤薬");
  await page.getByRole("button", { name: "検索" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 1);
  await shot("14-keyword");
  await page.getByLabel("キーワード").fill("");
  await page.getByRole("button", { name: "検索" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 5);
  await page.locator("table.records tbody tr", { hasText: "備品の破損" }).getByRole("checkbox").check();
  await page.getByRole("button", { name: /選択したレコードを削除/ }).click();
  await page.getByRole("dialog").getByText("1 件のレコードを削除します").waitFor();
  await shot("15-bulk-delete-confirm");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 4);
});

test("9. a deploy the records cannot take is explained next to the field", async () => {
  // 関係者数 holds 1 twice: it cannot become unique
  await page.goto(appUrl + "/settings");
  await page.getByRole("button", { name: "編集: 関係者数" }).click();
  await page.getByRole("dialog").getByLabel("値の重複を禁止する").check();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  const err = page.locator(".item.has-error", { hasText: "関係者数" }).locator(".field-error");
  await err.waitFor();
  assert.match(await err.textContent(), /重複/);
  await shot("16-deploy-failed");
  // taking the rule back makes the app deployable again
  await page.getByRole("button", { name: "編集: 関係者数" }).click();
  await page.getByRole("dialog").getByLabel("値の重複を禁止する").uncheck();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  await page.locator(".dirty").waitFor({ state: "detached" }); // saved as well as deployed
});

test("10. a 10-inch tablet: one column, nothing cut off", async () => {
  await page.setViewportSize({ width: 800, height: 1280 });
  await page.goto(appUrl + "/records/1");
  await page.getByRole("heading", { name: /レコード 1/ }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 800, `page is ${width}px wide`);
  await shot("17-tablet-record");
  await page.goto(appUrl);
  await page.locator("table.records tbody tr").first().waitFor();
  await shot("18-tablet-list");
});

test("11. WCAG 2.1 AA checks (axe-core) on every page", async () => {
  await page.setViewportSize({ width: 1280, height: 860 });
  for (const [where, url, ready] of [
    ["portal", server.base + "/#/", () => page.getByRole("heading", { name: "アプリ", exact: true }).waitFor()],
    ["list", appUrl, () => page.locator("table.records tbody tr").first().waitFor()],
    ["record", appUrl + "/records/1", () => page.getByRole("heading", { name: /レコード 1/ }).waitFor()],
    ["new record", appUrl + "/new", () => page.getByLabel("件名").waitFor()],
    ["builder", appUrl + "/settings", () => page.getByText("パーツをフォームへドラッグ").waitFor()],
  ]) {
    await page.goto(url);
    await ready();
    await accessible(where);
  }
});

test("12. duplicate a record; rename the app and find it by name on the portal", async () => {
  await page.goto(appUrl + "/records/2");
  await page.getByRole("button", { name: "再利用" }).click();
  await page.getByLabel("件名").waitFor();
  assert.equal(await page.getByLabel("件名").inputValue(), "誤薬の疑い");
  await page.getByLabel("件名").fill("誤薬の疑い(2件目)");
  await page.getByRole("button", { name: "保存" }).click();
  await page.getByRole("heading", { name: /レコード \d+/ }).waitFor();
  assert.notEqual(page.url(), appUrl + "/records/2");

  await page.goto(appUrl + "/settings");
  await page.getByRole("tab", { name: "アプリ名とアイコン" }).click();
  await page.getByLabel("アプリ名").fill("事故報告書");
  await page.getByLabel("説明").fill("施設で起きた事故の報告");
  await page.locator(".icon-choice").nth(2).click();
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByRole("heading", { name: /事故報告書/ }).waitFor();
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
  await page.getByRole("link", { name: "ポータル" }).click();
  await page.getByLabel("アプリを名前で検索").fill("報告書");
  await page.locator(".app-card", { hasText: "事故報告書" }).waitFor();
  assert.equal(await page.locator(".app-card").count(), 1);
  await page.getByLabel("アプリを名前で検索").fill("存在しないアプリ");
  await page.getByText("一致するアプリはありません。").waitFor();
  await shot("19-portal-search");
});

test("13. a session that ends on the server sends the user back to the login page", async () => {
  await page.goto(appUrl);
  await page.locator("table.records tbody tr").first().waitFor();
  await page.context().clearCookies(); // as if the session had expired
  await page.getByLabel("キーワード").fill("転倒");
  await page.getByRole("button", { name: "検索" }).click();
  await page.getByText("ログインの有効期限が切れました").waitFor();
  await page.getByLabel("ログイン名").waitFor();
  await shot("20-session-expired");
});

const REAL = process.env.TS_REAL_DATA ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "data", "real");

test("14. import a CSV: columns matched to fields, progress, problems by row and column", async () => {
  // log in again (step 13 ended the session)
  await page.getByLabel("ログイン名").fill("tanaka");
  await page.getByLabel("パスワード").fill(PASSWORD);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("button", { name: "ログアウト" }).waitFor();
  const c = client(server);
  const registry = await makeApp(c, "介護事業所台帳", {
    No: { type: "SINGLE_LINE_TEXT", code: "No", label: "No", unique: true },
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "事業所名" },
    pref: { type: "SINGLE_LINE_TEXT", code: "pref", label: "都道府県名" },
    cap: { type: "NUMBER", code: "cap", label: "定員", maxValue: "100" },
  });
  const csv = join(tmpdir(), `tsumiki-ui-import-${process.pid}.csv`);
  writeFileSync(csv, "No,事業所名,都道府県名,定員,メモ\n1,あおば苑,兵庫県,30,x\n2,みどり園,兵庫県,300,y\n3,こうべ園,大阪府,20,z\n");
  await page.goto(`${server.base}/#/apps/${registry}`);
  await page.getByRole("link", { name: "CSVから読み込む" }).click();
  await page.getByLabel("ファイルを選ぶ").setInputFiles(csv);
  await page.getByText("プレビュー(先頭10行)").waitFor();
  assert.equal(await page.getByLabel("読み込み先: 事業所名").inputValue(), "name");
  assert.equal(await page.getByLabel("読み込み先: メモ").inputValue(), "");
  await shot("21-import-preview");
  await page.getByRole("button", { name: "読み込む" }).click();
  await page.getByText("問題のある行があるため、何も読み込みませんでした。").waitFor();
  const cells = await page.locator("table.problems tbody tr").first().locator("td").allTextContents();
  assert.deepEqual(cells.slice(0, 2), ["3", "定員"]);
  await shot("22-import-problems");
  await page.getByLabel("問題のある行を飛ばして、ほかの行を読み込む").check();
  await page.getByRole("button", { name: "読み込む" }).click();
  await page.locator("p.done").getByText("3 行を読み込みました: 追加 2 件、更新 0 件、スキップ 1 件").waitFor();
  assert.equal((await c.record.getRecords({ app: registry, totalCount: true })).totalCount, "2");
  if (existsSync(REAL)) {
    // the real facility list: 7,737 rows, UTF-8 with a BOM, by the key No (none of them there yet)
    await page.getByLabel("このフィールドの値が一致するレコードは更新する").selectOption("No");
    await page.getByLabel("問題のある行を飛ばして、ほかの行を読み込む").uncheck();
    await page.getByLabel("ファイルを選ぶ").setInputFiles(join(REAL, "mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv"));
    await page.getByRole("columnheader", { name: "都道府県コード又は市町村コード" }).waitFor();
    await page.getByLabel("読み込み先: 定員").selectOption(""); // real capacities exceed this app's maximum
    await page.getByRole("button", { name: "読み込む" }).click();
    await page.locator("p.done").getByText("7737 行を読み込みました: 追加 7737 件").waitFor({ timeout: 60000 });
    await shot("23-import-real-file");
    assert.equal((await c.record.getRecords({ app: registry, totalCount: true })).totalCount, "7739");
  }
});

test("15. create an app from a CSV file: types guessed from the data, editable, rows imported", async () => {
  const csv = join(tmpdir(), `tsumiki-ui-newapp-${process.pid}.csv`);
  const rows = ["施設名,種別,開設日,定員,コード,備考"];
  for (let i = 1; i <= 12; i++)
    rows.push(`施設${i},${i % 2 ? "通所" : "入所"},2020-04-${String(i).padStart(2, "0")},${i * 10},${String(i).padStart(6, "0")},"${i === 3 ? "二行の\n備考" : "なし"}"`);
  writeFileSync(csv, rows.join("\r\n") + "\r\n");
  await page.goto(server.base + "/#/");
  await page.getByRole("link", { name: "CSVからアプリを作成" }).click();
  await page.getByLabel("ファイルを選ぶ").setInputFiles(csv);
  await page.getByLabel("フィールドの種類: 定員").waitFor();
  const type = (col) => page.getByLabel(`フィールドの種類: ${col}`).inputValue();
  assert.equal(await type("施設名"), "SINGLE_LINE_TEXT");
  assert.equal(await type("種別"), "DROP_DOWN");
  assert.equal(await type("開設日"), "DATE");
  assert.equal(await type("定員"), "NUMBER");
  assert.equal(await type("コード"), "SINGLE_LINE_TEXT"); // leading zeros: a code, not a number
  assert.equal(await type("備考"), "MULTI_LINE_TEXT");
  await page.getByLabel("アプリ名").fill("施設一覧(CSV)");
  await shot("24-app-from-csv");
  await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
  // the new app opens when its records are in
  await page.getByText("12 行を読み込みました: 追加 12 件").first().waitFor();
  await page.waitForURL(/#\/apps\/\d+$/);
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 12);
  await shot("25-app-from-csv-records");
  if (existsSync(REAL)) {
    // a real Shift_JIS file: Japanese headings with full-width brackets
    await page.goto(server.base + "/#/new-from-csv");
    await page.getByLabel("ファイルを選ぶ").setInputFiles(join(REAL, "hokkaido_police_2018_jitensha_tou_cp932.csv"));
    await page.getByText("文字コード: Shift_JIS").waitFor();
    assert.equal(await page.getByLabel("フィールドコード: 管轄警察署（発生地）").inputValue(), "管轄警察署_発生地");
    await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
    await page.getByText("3977 行を読み込みました: 追加 3977 件").first().waitFor({ timeout: 60000 });
    await shot("26-app-from-real-sjis-csv");
  }
});

test("16. export the list as it is filtered and sorted, to CSV for Excel", async () => {
  await page.goto(appUrl);
  await page.getByRole("tab", { name: "転倒のみ" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 3);
  await page.getByRole("button", { name: "ファイルに書き出す" }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("CSV (Shift_JIS)").check();
  await shot("27-export-menu");
  const [download] = await Promise.all([page.waitForEvent("download"), d.getByRole("link", { name: "書き出す" }).click()]);
  assert.equal(download.suggestedFilename(), "事故報告書.csv", "named after the app");
  const { readFileSync } = await import("node:fs");
  const text = new TextDecoder("shift_jis").decode(readFileSync(await download.path()));
  const lines = text.trim().split("\r\n");
  assert.equal(lines[0], '"件名","種別","発生日","関係者数","担当者"', "headings by field name");
  assert.equal(lines.length, 4); // the header and the view's three records
  assert.ok(lines.slice(1).every((l) => l.includes('"転倒"')));
});

test("17. Excel in and out: an app from a workbook, the list back as a workbook", async () => {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("施設");
  sheet.addRow(["施設名", "定員", "開設日", "区分"]);
  for (let i = 1; i <= 8; i++) sheet.addRow([`ホーム${i}`, i * 5, new Date(Date.UTC(2021, 0, i)), i % 2 ? "A型" : "B型"]);
  const xlsx = join(tmpdir(), `tsumiki-ui-${process.pid}.xlsx`);
  await book.xlsx.writeFile(xlsx);
  await page.goto(server.base + "/#/new-from-csv");
  await page.getByLabel("ファイルを選ぶ").setInputFiles(xlsx);
  await page.getByLabel("フィールドの種類: 定員").waitFor();
  assert.equal(await page.getByLabel("フィールドの種類: 定員").inputValue(), "NUMBER");
  assert.equal(await page.getByLabel("フィールドの種類: 開設日").inputValue(), "DATE");
  assert.equal(await page.getByLabel("フィールドの種類: 区分").inputValue(), "DROP_DOWN");
  await page.getByLabel("アプリ名").fill("施設(Excel)");
  await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
  await page.getByText("8 行を読み込みました: 追加 8 件").first().waitFor();
  await page.waitForURL(/#\/apps\/\d+$/);
  await shot("28-app-from-excel");
  await page.waitForFunction(() => document.querySelectorAll("table.records tbody tr").length === 8);
  await page.getByRole("button", { name: "ファイルに書き出す" }).click();
  await page.getByRole("dialog").getByLabel("Excel (.xlsx)").check();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("dialog").getByRole("link", { name: "書き出す" }).click()]);
  const back = new ExcelJS.Workbook();
  await back.xlsx.readFile(await download.path());
  const rows = back.worksheets[0].getSheetValues().filter(Boolean).map((r) => r.slice(1));
  assert.deepEqual(rows[0], ["施設名", "定員", "開設日", "区分"]);
  assert.equal(rows.length, 9);
  assert.ok(rows.slice(1).some((r) => r[0] === "ホーム3" && r[1] === 15 && r[2] instanceof Date && r[2].toISOString().startsWith("2021-01-03") && r[3] === "A型"));
});

// A small PNG (a 24x16 picture) for the attachment, made here so the test needs no file.
// "Update app", and its own notice (not one left from an earlier update)
async function updateApp() {
  await page.getByText("アプリを更新しました。").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.getByText("アプリを更新しました。").waitFor();
}

test("18. a facility registry from the real CSV, incident reports that look a facility up, with a table and a photo, listed on the facility's page", async () => {
  // the registry: the city's facility list as it is (or, without it, a file of the same shape)
  let csv = join(REAL, "mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv");
  let rows = 7737, key = "0110118338", facility = "伏見啓明整形外科通所リハビリテーションセンター";
  if (!existsSync(csv)) {
    csv = join(tmpdir(), `tsumiki-ui-facilities-${process.pid}.csv`);
    rows = 40;
    const lines = ["事業所番号,事業所名,住所,定員"];
    for (let i = 0; i < rows; i++) lines.push(`${String(110118338 + i).padStart(10, "0")},${i ? `施設${i}` : facility},北海道札幌市中央区南${i}条,${10 + i}`);
    writeFileSync(csv, "\ufeff" + lines.join("\r\n") + "\r\n");
  }
  await page.goto(server.base + "/#/new-from-csv");
  await page.getByLabel("ファイルを選ぶ").setInputFiles(csv);
  await page.getByLabel("フィールドの種類: 事業所番号").waitFor();
  assert.equal(await page.getByLabel("フィールドの種類: 事業所番号").inputValue(), "SINGLE_LINE_TEXT");
  await page.getByLabel("アプリ名").fill("施設台帳");
  await page.getByRole("button", { name: "アプリを作成して読み込む" }).click();
  await page.getByText(`${rows} 行を読み込みました: 追加 ${rows} 件`).first().waitFor({ timeout: 60000 });
  await page.waitForURL(/#\/apps\/\d+$/);
  const registry = /#\/apps\/(\d+)/.exec(page.url())[1];
  // the facility number is the key others look up: no duplicates allowed
  const builderOf = async (app, name) => {
    await page.goto(`${server.base}/#/apps/${app}/settings`);
    await page.getByRole("heading", { name: new RegExp(name) }).waitFor();
  };
  await builderOf(registry, "施設台帳");
  await page.getByRole("button", { name: "編集: 事業所番号" }).click();
  await page.getByRole("dialog").getByLabel("値の重複を禁止する").check();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await updateApp();

  // the incident-report app: copies of the facility's name and address, a table, a photo
  await page.goto(server.base + "/#/");
  await page.getByRole("button", { name: /アプリを作成/ }).click();
  await page.getByLabel("アプリ名").fill("事故報告書");
  await page.getByRole("dialog").getByRole("button", { name: "アプリを作成" }).click();
  await page.getByText("パーツをフォームへドラッグ").waitFor();
  const reports = /#\/apps\/(\d+)/.exec(page.url())[1];
  await page.locator(".palette-item", { hasText: "文字列(1行)" }).click();
  await fieldDialog("件名", "title");
  await page.locator(".palette-item", { hasText: "文字列(1行)" }).click();
  await fieldDialog("事業所名", "facility_name");
  await page.locator(".palette-item", { hasText: "文字列(複数行)" }).click();
  await fieldDialog("所在地", "facility_address");
  await page.locator(".palette-item", { hasText: "ルックアップ" }).click();
  await fieldDialog("事業所番号", "facility", async (d) => {
    await d.getByLabel("参照するアプリ").selectOption({ label: `施設台帳 (#${registry})` });
    await d.getByLabel("キーにするフィールド").selectOption("事業所番号");
    await d.getByRole("button", { name: /コピーを追加/ }).click();
    await d.getByLabel("コピー元").selectOption("事業所名");
    await d.getByLabel("コピー先").selectOption("facility_name");
    await d.getByRole("button", { name: /コピーを追加/ }).click();
    await d.getByLabel("コピー元").nth(1).selectOption("住所");
    await d.getByLabel("コピー先").nth(1).selectOption("facility_address");
    await d.getByRole("group", { name: "選ぶときに表示するフィールド" }).getByLabel("事業所名", { exact: true }).check();
    await d.getByRole("group", { name: "選ぶときに表示するフィールド" }).getByLabel("住所", { exact: true }).check();
  });
  await page.locator(".palette-item", { hasText: "テーブル" }).click();
  await fieldDialog("対応の記録", "actions", async (d) => {
    await d.getByLabel("フィールド名 1").fill("対応日");
    await d.getByLabel("種類 1").selectOption("DATE");
    await d.getByLabel("フィールドコード 1").fill("action_date");
    await d.getByRole("button", { name: /フィールドを追加/ }).click();
    await d.getByLabel("フィールド名 2").fill("対応内容");
    await d.getByLabel("フィールドコード 2").fill("action");
    // an inner field's settings: the same dialog as any field's, over the table's
    await d.getByRole("button", { name: "フィールドの設定 対応内容" }).click();
    const inner = page.getByRole("dialog").last();
    await inner.getByLabel("必須項目にする").check();
    await inner.getByRole("button", { name: "OK" }).click();
    await page.getByRole("dialog").nth(1).waitFor({ state: "detached" });
  });
  await page.locator(".palette-item", { hasText: "添付ファイル" }).click();
  await fieldDialog("写真", "photo");
  await shot("29-incident-builder");
  await updateApp();

  // the registry lists each facility's reports
  await builderOf(registry, "施設台帳");
  await page.locator(".palette-item", { hasText: "関連レコード一覧" }).click();
  await fieldDialog("事故報告", "reports", async (d) => {
    await d.getByLabel("表示するレコードのアプリ").selectOption({ label: `事故報告書 (#${reports})` });
    await d.getByLabel("このアプリのフィールド").selectOption("事業所番号");
    await d.getByLabel("相手のアプリのフィールド").selectOption("facility");
    await d.getByRole("group", { name: "表示するフィールド", exact: true }).getByLabel("件名", { exact: true }).check();
    await d.getByRole("group", { name: "表示するフィールド", exact: true }).getByLabel("写真", { exact: true }).check();
    await d.getByLabel("並び順のフィールド").selectOption("レコード番号");
  });
  await shot("30-registry-related-settings");
  await updateApp();


  // a report: the facility chosen by searching its name, a table of two actions, a photo
  await page.goto(`${server.base}/#/apps/${reports}/new`);
  await page.getByLabel("件名").fill("送迎車内での転倒");
  await page.getByRole("button", { name: "選ぶ" }).click();
  const picker = page.getByRole("dialog");
  await picker.getByRole("searchbox").fill(facility.slice(0, 6));
  await picker.getByRole("button", { name: "検索" }).click();
  await picker.getByRole("row", { name: new RegExp(facility) }).getByRole("button", { name: "選ぶ" }).click();
  assert.equal(await page.getByLabel("事業所番号").inputValue(), key);
  await page.getByText(facility).first().waitFor();
  await page.getByLabel("1行目 対応日").fill("2026-11-20");
  await page.getByLabel("1行目 対応内容").fill("看護師が確認し、家族へ連絡");
  await page.getByRole("button", { name: /行を追加/ }).click();
  await page.getByLabel("2行目 対応内容").fill("送迎手順を見直し");
  await page.getByLabel("写真").setInputFiles({ name: "現場写真.png", mimeType: "image/png", buffer: ui.png() });
  await page.locator(".files img[alt='現場写真.png']").waitFor();
  await shot("31-report-form");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByRole("button", { name: "編集", exact: true }).waitFor();
  // saved: the copied name, both rows, the photo served back by its download key
  await page.getByText(facility).first().waitFor();
  await page.getByRole("cell", { name: "送迎手順を見直し" }).waitFor();
  const img = page.locator(".files img[alt='現場写真.png']");
  await img.waitFor();
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 24), "the thumbnail loads from the server");
  await shot("32-report-saved");

  // the facility's page shows the report
  const c = client(server);
  const found = await c.record.getRecords({ app: registry, query: `事業所番号 = "${key}"` });
  await page.goto(`${server.base}/#/apps/${registry}/records/${found.records[0].$id.value}`);
  await page.getByRole("link", { name: "送迎車内での転倒" }).waitFor();
  await shot("33-facility-related-reports");
  await accessible("facility page with related records");
  await page.getByRole("link", { name: "送迎車内での転倒" }).click();
  await page.getByRole("cell", { name: "看護師が確認し、家族へ連絡" }).waitFor();
});

test("19. calculated fields: a formula explained when it cannot work, results shown after saving", async () => {
  await page.goto(server.base + "/#/");
  await page.getByRole("button", { name: /アプリを作成/ }).click();
  await page.getByLabel("アプリ名").fill("見積");
  await page.getByRole("dialog").getByRole("button", { name: "アプリを作成" }).click();
  await page.getByText("パーツをフォームへドラッグ").waitFor();
  await page.locator(".palette-item", { hasText: "数値" }).click();
  await fieldDialog("単価", "price");
  await page.locator(".palette-item", { hasText: "数値" }).click();
  await fieldDialog("数量", "qty");
  await page.locator(".palette-item", { hasText: "計算" }).click();
  await fieldDialog("金額", "total", async (d) => {
    await d.getByLabel("計算式").fill("price × qty");
    await d.getByLabel("表示形式").selectOption("NUMBER_DIGIT");
  });
  await page.locator(".palette-item", { hasText: "文字列(1行)" }).click();
  await fieldDialog("表示", "label", async (d) => {
    await d.getByLabel("自動計算する").check();
    await d.getByLabel("計算式").fill('YEN(total) & "（" & qty & "点）"');
  });
  // a formula that cannot work: the reason, in words, where the user is
  await page.getByRole("button", { name: "アプリを更新" }).click();
  await page.locator(".error-box").getByText(/「金額」の計算式は使えません/).waitFor();
  await page.locator(".item.has-error", { hasText: "金額" }).waitFor(); // and the field is marked
  await shot("34-formula-explained");
  await page.getByRole("button", { name: "編集: 金額" }).click();
  await page.getByRole("dialog").getByLabel("計算式").fill("price * qty");
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await updateApp();
  const app = /#\/apps\/(\d+)/.exec(page.url())[1];
  await page.goto(`${server.base}/#/apps/${app}/new`);
  await page.getByLabel("単価").fill("1250");
  await page.getByLabel("数量").fill("3");
  await page.getByText("保存すると計算されます").first().waitFor();
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByRole("button", { name: "編集", exact: true }).waitFor();
  await page.getByText("3750").waitFor();
  await page.getByText("¥3,750（3点）", { exact: true }).waitFor();
  await shot("35-calculated-record");
});

// On the admin page's departments tab: a department, at the top or below another.
async function addDepartment(name, code, parent) {
  if (parent) await page.getByRole("button", { name: `下に部署を追加: ${parent}` }).click();
  else await page.getByRole("button", { name: /部署を追加/ }).first().click();
  const d = page.getByRole("dialog");
  await d.getByLabel("名前").fill(name);
  await d.getByLabel("コード").fill(code);
  await d.getByRole("button", { name: "保存" }).click();
  await d.waitFor({ state: "detached" });
}

test("20. an administrator builds the organisation: departments as a tree, a user in two of them", async () => {
  await page.getByRole("button", { name: "ログアウト" }).click();
  await page.getByLabel("ログイン名").fill("Administrator");
  await page.getByLabel("パスワード").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("link", { name: "組織とユーザー" }).click();
  await page.getByRole("tab", { name: "部署" }).click();
  await addDepartment("福祉局", "welfare");
  await addDepartment("監査指導課", "audit", "福祉局");
  await addDepartment("介護保険課", "care", "福祉局");
  await page.locator("ul.tree ul.tree li", { hasText: "監査指導課" }).waitFor();
  await shot("36-admin-departments");
  await page.getByRole("tab", { name: "ユーザー" }).click();
  await page.getByRole("button", { name: /ユーザーを追加/ }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("ログイン名").fill("yamada");
  await d.getByLabel("表示名").fill("山田 太郎");
  await d.getByLabel("パスワード").fill("yamada-password-1");
  await d.getByLabel("監査指導課").check();
  await d.getByLabel("福祉局").check();
  await d.locator("li", { hasText: "監査指導課" }).getByLabel("優先する部署").check();
  await shot("37-admin-user-dialog");
  await d.getByRole("button", { name: "保存" }).click();
  await d.waitFor({ state: "detached" });
  await page.getByRole("row", { name: /yamada.*山田 太郎.*監査指導課/ }).waitFor();
  await shot("38-admin-users");
  await accessible("organisation page");
  const c = client(server);
  const { users } = await (await fetch(`${server.base}/v1/users.json?codes[0]=yamada`, { headers: { "X-Cybozu-Authorization": Buffer.from(`Administrator:${ADMIN_PASSWORD}`).toString("base64") } })).json();
  assert.equal(users[0].name, "山田 太郎");
  void c;
});

test("21. permissions: only a department (and those below it) sees an app", async () => {
  // still the administrator: the estimate app is for the welfare bureau only
  await page.goto(server.base + "/#/");
  await page.getByRole("link", { name: "見積" }).click();
  const app = /#\/apps\/(\d+)/.exec(page.url())[1];
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("heading", { name: /見積/ }).waitFor();
  await page.getByRole("tab", { name: "アクセス権" }).click();
  await page.getByRole("button", { name: /行を追加/ }).click();
  await page.getByLabel("種類 1").selectOption("ORGANIZATION");
  await page.getByLabel("対象 1").selectOption("welfare");
  await page.getByLabel("下の部署も含む").check();
  await page.getByLabel("福祉局: 追加").check();
  // the old "everyone" row loses its rights
  for (const right of ["閲覧", "追加", "編集", "削除", "読み込み", "書き出し"]) await page.getByLabel(`全員: ${right}`).uncheck();
  await shot("39-permissions");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("アクセス権を保存しました").waitFor();
  await updateApp();
  // yamada (監査指導課, below 福祉局) sees it; suzuki does not
  for (const [user, password, sees] of [["yamada", "yamada-password-1", true], ["suzuki", PASSWORD, false]]) {
    await page.getByRole("button", { name: "ログアウト" }).click();
    await page.getByLabel("ログイン名").fill(user);
    await page.getByLabel("パスワード").fill(password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.getByRole("link", { name: "ポータル" }).click();
    await page.getByRole("heading", { name: "アプリ", exact: true }).waitFor();
    await page.getByRole("link", { name: "施設台帳" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "見積" }).count(), sees ? 1 : 0, user);
  }
  await shot("40-portal-without-the-app");
});

test("22. the audit log shows who changed what, and checks it has not been altered", async () => {
  await page.getByRole("button", { name: "ログアウト" }).click();
  await page.getByLabel("ログイン名").fill("Administrator");
  await page.getByLabel("パスワード").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("link", { name: "組織とユーザー" }).click();
  await page.getByRole("tab", { name: "監査ログ" }).click();
  await page.getByRole("cell", { name: "アクセス権の変更" }).first().waitFor();
  await page.getByRole("cell", { name: "ログイン" }).first().waitFor();
  await page.getByRole("button", { name: "改ざんがないか確かめる" }).click();
  await page.getByText(/件すべて、記録されたときのままです/).waitFor();
  await shot("41-audit-log");
  await accessible("audit log");
  // who may create apps: everyone until a department is named
  await page.getByRole("tab", { name: "アプリ作成の権限" }).click();
  await page.getByText("いまは全員がアプリを作成できます。").waitFor();
  await page.getByRole("button", { name: /行を追加/ }).click();
  await page.getByLabel("対象 1").selectOption("welfare");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("保存しました").first().waitFor();
  await shot("41b-app-creators");
  // and back to everyone, for the steps that follow
  await page.getByRole("button", { name: "削除 1" }).click();
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("いまは全員がアプリを作成できます。").waitFor();
});

test("23. process management: statuses and actions set up, a report moved on by its assignees", async () => {
  // the administrator (signed in) sets up a two-step flow on the incident reports
  await page.goto(server.base + "/#/");
  await page.getByRole("link", { name: "事故報告書", exact: true }).click();
  const app = /#\/apps\/(\d+)/.exec(page.url())[1];
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("heading", { name: /事故報告書/ }).waitFor();
  await page.getByRole("tab", { name: "プロセス管理" }).click();
  await page.getByLabel("プロセス管理を使う").check();
  // kintone's usual flow is offered at once (未処理 → 処理中 → 完了), to be changed as wanted
  assert.deepEqual([await page.getByLabel("ステータス名 1").inputValue(), await page.getByLabel("ステータス名 2").inputValue(),
    await page.getByLabel("ステータス名 3").inputValue()], ["未処理", "処理中", "完了"]);
  await page.getByLabel("ステータス名 2").fill("確認中");
  await page.getByLabel("作業者の種類 2").selectOption("USER");
  await page.getByLabel("作業者 2").selectOption("yamada");
  await page.getByRole("button", { name: "追加" }).nth(1).click();
  await page.getByLabel("アクション名 1").fill("提出");
  await page.getByLabel("アクション名 2").fill("確認完了");
  assert.equal(await page.getByLabel("実行前 2").inputValue(), "確認中", "the renamed status follows into the actions");
  // an action's condition, built with the filter builder
  await page.getByRole("button", { name: "条件を設定 確認完了" }).click();
  const cond = page.getByRole("dialog");
  await cond.getByRole("button", { name: /条件を追加/ }).click();
  await cond.locator(".cond").getByLabel("フィールド").selectOption("title");
  await cond.locator(".cond").getByLabel("条件", { exact: true }).selectOption("ne");
  await cond.getByRole("button", { name: "OK" }).click();
  await page.locator(".cond-words", { hasText: "件名 ≠ （空）" }).waitFor();
  await shot("42-process-editor");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByText("プロセス管理を保存しました").waitFor();
  await updateApp();
  // a new report starts with its creator, who hands it on
  await page.goto(`${server.base}/#/apps/${app}/new`);
  await page.getByLabel("件名").fill("誤薬の報告");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.locator(".process-box").getByText("未処理").waitFor();
  await page.locator(".process-box").getByRole("button", { name: "提出" }).click();
  await page.locator(".process-box").getByText("確認中").waitFor();
  await page.locator(".process-box").getByText("山田 太郎").waitFor();
  const recordUrl = page.url();
  // the assignee finds it under "assigned to me" and completes it
  await page.getByRole("button", { name: "ログアウト" }).click();
  await page.getByLabel("ログイン名").fill("yamada");
  await page.getByLabel("パスワード").fill("yamada-password-1");
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.goto(`${server.base}/#/apps/${app}?view=mine`);
  await page.getByRole("tab", { name: "自分が作業者" }).waitFor();
  await page.getByRole("cell", { name: "誤薬の報告" }).waitFor();
  await shot("43-assigned-to-me");
  await page.goto(recordUrl);
  await page.locator(".process-box").getByRole("button", { name: "確認完了" }).click();
  await page.locator(".process-box").getByText("完了").waitFor();
  await page.getByText("ステータス: 「確認中」→「完了」").waitFor();
  await shot("44-status-done");
});

const signIn = (code, password) => ui.signIn(page, server, code, password);

test("24. a report through two approvals, a circular to five with three confirming, the rest reminded; the bell and the e-mail tell them", async () => {
  const smtp = await startSmtpSink();
  try {
    // the organisation, by the administrator: a section under a department in the tree, then
    // eight accounts loaded from a CSV file (a team of five, a chief, a director, a clerk)
    const P = "team-password-1";
    await signIn("Administrator", ADMIN_PASSWORD);
    await page.getByRole("link", { name: "組織とユーザー" }).click();
    await page.getByRole("tab", { name: "部署" }).click();
    await addDepartment("福祉部", "welfare24");
    await addDepartment("指導係", "team24", "福祉部");
    const people = [["staff24", "職員 春子", ""], ["chief24", "加藤 課長", ""], ["director24", "佐々木 部長", ""],
      ["ito24", "伊藤", "team24"], ["mori24", "森", "team24"], ["abe24", "阿部", "team24"], ["ueda24", "上田", "team24"], ["kudo24", "工藤", "team24"]];
    const csv = "code,name,email,password,organizations\r\n" +
      people.map(([code, name, org]) => `${code},${name},${code}@city.example.jp,${P},${org}`).join("\r\n") + "\r\n";
    await page.getByRole("tab", { name: "CSVから読み込む" }).click();
    await page.getByLabel("ユーザー", { exact: true }).check();
    await page.getByLabel("ファイルを選ぶ").setInputFiles({ name: "accounts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "読み込む", exact: true }).click();
    await page.getByText("読み込みました: 追加 8 件、更新 0 件").waitFor();
    await shot("45a-accounts-from-csv");
    // e-mail goes through the test's SMTP server: the administrator's mail tab
    await page.getByRole("tab", { name: "メール" }).click();
    await page.getByLabel("通知をメールでも送る").check();
    await page.getByLabel("SMTPサーバー（smtp://ホスト:ポート）").fill(smtp.url);
    await page.getByLabel("送信元アドレス").fill("tsumiki@city.example.jp");
    await page.getByLabel("メール内のリンク先（このサーバーのアドレス）").fill(server.base);
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("保存しました").first().waitFor();
    await shot("45-mail-settings");
    // a request app with two approval steps (set up through the API; step 23 shows the editor)
    const { app } = await api("POST", "/k/v1/preview/app.json", { name: "購入伺い" });
    await api("POST", "/k/v1/preview/app/form/fields.json", { app, properties: { title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" } } });
    const one = (entities) => ({ type: "ONE", entities });
    await api("PUT", "/k/v1/preview/app/status.json", { app, enable: true,
      states: {
        作成中: { name: "作成中", index: "0", assignee: one([{ entity: { type: "CREATOR" } }]) },
        課長確認: { name: "課長確認", index: "1", assignee: one([{ entity: { type: "USER", code: "chief24" } }]) },
        部長確認: { name: "部長確認", index: "2", assignee: one([{ entity: { type: "USER", code: "director24" } }]) },
        決裁済み: { name: "決裁済み", index: "3", assignee: one([]) },
      },
      actions: [{ name: "申請", from: "作成中", to: "課長確認" }, { name: "課長承認", from: "課長確認", to: "部長確認" }, { name: "部長承認", from: "部長確認", to: "決裁済み" }] });
    // who hears of what: the notifications tab — the record's creator hears of every status change
    await page.goto(`${server.base}/#/apps/${app}/settings`);
    await page.getByRole("heading", { name: /購入伺い/ }).waitFor();
    await page.getByRole("tab", { name: "通知" }).click();
    await page.getByLabel("種類 アプリの条件通知").selectOption("CREATOR");
    await page.getByRole("button", { name: "追加", exact: true }).first().click();
    await page.getByLabel("レコードの作成者: ステータス変更").waitFor();
    await page.getByLabel("レコードの作成者: レコード編集").uncheck();
    await shot("46-notification-settings");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("通知の設定を保存しました").waitFor();
    await updateApp();

    // the member of staff files a request and sends it on
    await signIn("staff24", P);
    await page.goto(`${server.base}/#/apps/${app}/new`);
    await page.getByLabel("件名").fill("監査用ノートPCの購入");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.locator(".process-box").getByRole("button", { name: "申請" }).click();
    await page.locator(".process-box").getByText("課長確認").waitFor();
    const recordUrl = page.url();
    // each approver learns of it from the bell, opens it and approves
    for (const [who, action, next] of [["chief24", "課長承認", "部長確認"], ["director24", "部長承認", "決裁済み"]]) {
      await signIn(who, P);
      const bell = page.getByRole("button", { name: /^通知 \(未読 1 件\)/ });
      await bell.click();
      const panel = page.getByRole("dialog", { name: "通知" });
      await panel.getByText(/あなたが作業者になりました/).waitFor();
      if (who === "chief24") await shot("47-bell-assigned");
      await panel.getByRole("button", { name: /監査用ノートPCの購入/ }).first().click();
      await page.locator(".process-box").getByRole("button", { name: action }).click();
      await page.locator(".process-box").getByText(next).waitFor();
      const m = await smtp.waitFor((x) => x.to.includes(`${who}@city.example.jp`));
      assert.equal(m.subject, "[購入伺い] 監査用ノートPCの購入");
      assert.match(m.body, /あなたがレコードの作業者になりました/);
      assert.ok(m.body.includes(`${server.base}/#/apps/${app}/records/`), m.body);
    }
    await page.getByText("ステータス: 「部長確認」→「決裁済み」").waitFor();
    await shot("48-approved");

    // the director circulates the decision to the section's five
    await page.getByRole("button", { name: "回覧する" }).click();
    const d = page.getByRole("dialog", { name: "回覧する" });
    await d.getByLabel("種類 回覧先").selectOption("ORGANIZATION");
    await d.getByLabel("対象 回覧先").selectOption("team24");
    await d.getByRole("button", { name: "追加", exact: true }).click();
    await d.getByLabel("メッセージ").fill("ノートPCの購入が決まりました。各自確認してください。");
    await shot("49-circular-send");
    await d.getByRole("button", { name: "回覧を送る" }).click();
    await page.getByText("5 人に回覧しました。").waitFor();
    // three confirm: one here in the browser (from the bell), two through the API
    await signIn("ito24", P);
    await page.getByRole("button", { name: /^通知 \(未読/ }).click();
    const panel = page.getByRole("dialog", { name: "通知" });
    await panel.getByText("確認待ちの回覧 (1)").waitFor();
    await panel.getByRole("button", { name: /回覧が届きました/ }).click();
    await page.getByLabel("ひとこと（任意）").fill("確認しました。");
    await page.getByRole("button", { name: "確認しました", exact: true }).click();
    await page.getByText("確認を記録しました。").waitFor();
    await page.getByText("1 / 5 人が確認済み").waitFor();
    const circular = (await api("GET", `/api/circulars?app=${app}&record=${/records\/(\d+)/.exec(recordUrl)[1]}`)).circulars[0];
    for (const code of ["mori24", "abe24"]) {
      const r = await fetch(server.base + "/api/circular/confirm", { method: "POST", headers: { "Content-Type": "application/json", "X-Cybozu-Authorization": Buffer.from(`${code}:${P}`).toString("base64") }, body: JSON.stringify({ id: circular.id }) });
      assert.equal(r.status, 200);
    }
    // the director sees who has not confirmed and reminds them
    await signIn("director24", P);
    await page.goto(recordUrl);
    await page.getByText("3 / 5 人が確認済み").waitFor();
    const rows = page.locator(".circular tr.waiting th");
    assert.deepEqual((await rows.allTextContents()).sort(), ["上田", "工藤"]);
    await page.getByRole("button", { name: "未確認の人に催促する (2)" }).click();
    await page.getByText("2 人に催促しました。").waitFor();
    await page.locator(".circular").getByText(/催促/).first().waitFor();
    // the confirmations stand in the record's history, with what was said
    await page.locator(".history-list li", { hasText: "回覧を確認" }).filter({ hasText: "伊藤" }).getByText("確認しました。").waitFor();
    await shot("50-circular-reminded");
    await accessible("record page with a circular");
    const reminded = await smtp.waitFor((x) => x.to.includes("kudo24@city.example.jp") && /回覧の確認をお願いしています/.test(x.body));
    assert.match(reminded.body, /ノートPCの購入が決まりました/);
    assert.ok(!smtp.messages.some((x) => x.to.includes("ito24@city.example.jp") && /お願いしています/.test(x.body)), "who confirmed is not reminded");
    // the reminded see it in their bell; the creator heard of every step
    await signIn("kudo24", P);
    await page.getByRole("button", { name: /^通知 \(未読 2 件\)/ }).click();
    await page.getByRole("dialog", { name: "通知" }).getByText("佐々木 部長さんが回覧の確認をお願いしています").waitFor();
    await shot("51-bell-reminded");
    await signIn("staff24", P);
    await page.getByRole("button", { name: /^通知 \(未読 2 件\)/ }).click();
    await page.getByRole("dialog", { name: "通知" }).getByText("部長確認 → 決裁済み").waitFor();
    await shot("52-bell-creator");
  } finally {
    await smtp.stop();
  }
});

test("25. record and field permissions set in the builder: each sees only the cases in their charge, a memo only the person the case names", async () => {
  const P = "case-password-1";
  await api("POST", "/v1/users.json", { users: [["owner25", "担当 一郎"], ["other25", "別の 二郎"], ["boss25", "課長 三郎"]].map(([code, name]) => ({ code, name, password: P })) });
  const { app } = await api("POST", "/k/v1/preview/app.json", { name: "案件台帳" });
  await api("POST", "/k/v1/preview/app/form/fields.json", { app, properties: {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    owner: { type: "USER_SELECT", code: "owner", label: "担当者" },
    memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "内部メモ" },
  } });
  await api("POST", "/k/v1/preview/app/deploy.json", { apps: [{ app }] });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("heading", { name: /案件台帳/ }).waitFor();
  await page.getByRole("tab", { name: "アクセス権" }).click();
  // records: whoever the 担当者 field names may view and edit them
  await page.getByRole("button", { name: "＋ ルールを追加" }).click();
  const rule = page.locator("section.record-acl fieldset", { hasText: "ルール 1" });
  await rule.getByLabel("種類 ルール 1").selectOption("FIELD_ENTITY");
  await rule.getByLabel("対象 ルール 1").selectOption("owner");
  await rule.getByRole("button", { name: "追加", exact: true }).click();
  await rule.getByLabel("ルール 1 担当者: 編集").check();
  // and the section head may view every case
  await rule.getByLabel("種類 ルール 1").selectOption("USER");
  await rule.getByLabel("対象 ルール 1").selectOption("boss25");
  await rule.getByRole("button", { name: "追加", exact: true }).click();
  // the memo: only for the person the case's 担当者 field names, to read
  await page.getByRole("button", { name: "＋ フィールドを追加" }).click();
  const field = page.locator("section.record-acl fieldset").last();
  await field.getByLabel("フィールド").selectOption("memo");
  await field.getByLabel("種類 内部メモ").selectOption("FIELD_ENTITY");
  await field.getByLabel("対象 内部メモ").selectOption("owner");
  await field.getByRole("button", { name: "追加", exact: true }).click();
  await shot("53-record-field-permissions");
  await page.getByRole("button", { name: "レコードとフィールドのアクセス権を保存" }).click();
  await page.getByText("アクセス権を保存しました").first().waitFor();
  await updateApp();
  await api("POST", "/k/v1/records.json", { app, records: [
    { title: { value: "担当一郎の案件" }, owner: { value: [{ code: "owner25" }] }, memo: { value: "家族構成に注意" } },
    { title: { value: "別の二郎の案件" }, owner: { value: [{ code: "other25" }] }, memo: { value: "近隣の苦情あり" } },
  ] });
  await signIn("owner25", P);
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("cell", { name: "担当一郎の案件" }).waitFor();
  assert.equal(await page.getByRole("cell", { name: "別の二郎の案件" }).count(), 0);
  await page.getByRole("link", { name: "レコード 1" }).click();
  await page.getByText("家族構成に注意").waitFor();
  // his to edit, the memo his to read only
  await page.getByRole("button", { name: "編集", exact: true }).click();
  await page.getByLabel("件名").waitFor();
  assert.equal(await page.getByLabel("内部メモ").count(), 0, "the memo is shown, not offered for typing");
  await page.getByText("家族構成に注意").waitFor();
  await shot("54-own-case-with-memo");
  await page.getByRole("button", { name: "キャンセル" }).click();
  await signIn("other25", P);
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("cell", { name: "別の二郎の案件" }).waitFor();
  assert.equal(await page.getByRole("cell", { name: "担当一郎の案件" }).count(), 0);
  assert.equal(await page.getByText("家族構成に注意").count(), 0);
  await shot("55-other-own-case");
  // the section head sees both cases, and neither memo: they name someone else
  await signIn("boss25", P);
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("cell", { name: "担当一郎の案件" }).waitFor();
  await page.getByRole("cell", { name: "別の二郎の案件" }).waitFor();
  assert.equal(await page.getByText("家族構成に注意").count(), 0);
  assert.equal(await page.getByText("近隣の苦情あり").count(), 0);
  assert.equal(await page.locator("button.cell").count(), 0, "nothing in the list is his to change");
  await page.getByRole("link", { name: "レコード 1" }).click();
  await page.getByText("担当 一郎").first().waitFor();
  assert.equal(await page.getByText("家族構成に注意").count(), 0, "the memo is not his to see");
  assert.equal(await page.getByText("内部メモ").count(), 0, "nor is the field shown empty");
  assert.equal(await page.getByRole("button", { name: "編集", exact: true }).count(), 0, "the case is not his to edit");
  await shot("56-head-sees-a-case-not-its-memo");
});
