// Seeing the data (issue 14) in the browser: the calendar, kanban and gallery
// views. One behaviour per test, each set up through the API on its own app.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { client, makeApp, ADMIN_PASSWORD, deploy as deployApp } from "../api/helpers/server.mjs";
import * as ui from "./helpers.mjs";

const PASSWORD = "seeing-password-1";
let server, page, stop, admin;
const shot = (name) => ui.shot(page, name);
const api = (method, path, body) => ui.api(server, method, path, body);
const signIn = (code, password = PASSWORD) => ui.signIn(page, server, code, password);
const opts = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));

before(async () => {
  ({ server, page, stop } = await ui.startUi());
  ui.addUser(server, "tanaka", "田中 花子", PASSWORD);
  admin = client(server);
});
after(async () => await stop?.());

const deploy = (app) => deployApp(admin, app);

// 田中 may view, add and edit the app's records (not manage it).
const allowTanaka = (app) => admin.app.updateAppAcl({ app, rights: [
  { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true },
  { entity: { type: "USER", code: "tanaka" }, recordViewable: true, recordAddable: true, recordEditable: true }] });

// An app with views that 田中 works in; the views' ids by name.
async function appWithViews(name, properties, views) {
  const app = await makeApp(admin, name, properties);
  await admin.app.updateViews({ app, views });
  await allowTanaka(app);
  await deploy(app);
  const got = (await admin.app.getViews({ app })).views;
  return { app, ids: Object.fromEntries(Object.entries(got).map(([n, v]) => [n, v.id])) };
}

const inspection = {
  name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
  day: { type: "DATE", code: "day", label: "点検日" },
};

test("calendar: records on their days; one dragged to another day gets that date", async () => {
  const { app, ids } = await appWithViews("点検予定", inspection, { 予定: { type: "CALENDAR", name: "予定", index: "0", date: "day", title: "name" } });
  await admin.record.addRecords({ app, records: [
    { name: { value: "さくら園" }, day: { value: "2026-12-03" } },
    { name: { value: "ひまわり苑" }, day: { value: "2026-12-03" } },
    { name: { value: "若葉の家" }, day: { value: "2026-12-17" } },
    { name: { value: "翌月の施設" }, day: { value: "2027-01-12" } },
  ] });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.予定}&at=2026-12-01`);
  await page.getByRole("heading", { name: "2026年12月" }).waitFor();
  const day = (d) => page.locator(`td[data-day="${d}"]`);
  await day("2026-12-03").getByRole("link", { name: "さくら園" }).waitFor();
  await day("2026-12-03").getByRole("link", { name: "ひまわり苑" }).waitFor();
  await day("2026-12-17").getByRole("link", { name: "若葉の家" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "翌月の施設" }).count(), 0, "January is not on December's page");
  await ui.accessible(page, "a calendar");
  await ui.untilToast(page, "「さくら園」を", () => day("2026-12-03").getByRole("link", { name: "さくら園" }).dragTo(day("2026-12-10")));
  await day("2026-12-10").getByRole("link", { name: "さくら園" }).waitFor();
  await shot("e41-calendar-month");
  const { records } = await admin.record.getRecords({ app, query: 'name = "さくら園"' });
  assert.equal(records[0].day.value, "2026-12-10");
  assert.equal(records[0].$revision.value, "2", "one change, made with the revision it was read at");
  // with the keyboard: Alt+↓ a week later
  await day("2026-12-10").getByRole("link", { name: "さくら園" }).focus();
  await ui.untilToast(page, "「さくら園」を12月17日", () => page.keyboard.press("Alt+ArrowDown"));
  await day("2026-12-17").getByRole("link", { name: "さくら園" }).waitFor();
  // the week of the 1st, then two weeks on: the week of the 17th
  await page.getByRole("button", { name: "週", exact: true }).click();
  await page.getByRole("heading", { name: /2026年11月29日/ }).waitFor();
  await page.getByRole("button", { name: "次へ" }).click();
  await page.getByRole("button", { name: "次へ" }).click();
  await page.getByRole("heading", { name: /2026年12月13日/ }).waitFor();
  await page.locator('td[data-day="2026-12-17"]').getByRole("link", { name: "若葉の家" }).waitFor();
  assert.equal(await page.locator("td.cal-day").count(), 7);
});

test("calendar: a day's ＋ opens a new record on that day", async () => {
  const { app, ids } = await appWithViews("点検予定2", inspection, { 予定: { type: "CALENDAR", name: "予定", index: "0", date: "day", title: "name" } });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.予定}&at=2026-12-01`);
  await page.getByRole("link", { name: /12月24日.*にレコードを追加/ }).click();
  assert.equal(await page.getByLabel("点検日").inputValue(), "2026-12-24");
  await page.getByLabel("施設名").fill("クリスマス点検");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await page.getByRole("button", { name: "編集", exact: true }).waitFor();
  const { records } = await admin.record.getRecords({ app, query: 'day = "2026-12-24"' });
  assert.deepEqual(records.map((r) => r.name.value), ["クリスマス点検"]);
});

test("kanban: a card dragged to another column takes that column's value", async () => {
  const { app, ids } = await appWithViews("改善案件", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "件名" },
    stage: { type: "DROP_DOWN", code: "stage", label: "段階", options: opts("受付", "対応中", "完了") },
    owner: { type: "SINGLE_LINE_TEXT", code: "owner", label: "担当" },
  }, { ボード: { type: "KANBAN", name: "ボード", index: "0", group: "stage", fields: ["owner"] } });
  await admin.record.addRecords({ app, records: [
    { name: { value: "手すりの設置" }, stage: { value: "受付" }, owner: { value: "田中" } },
    { name: { value: "照明の交換" }, stage: { value: "対応中" }, owner: { value: "鈴木" } },
    { name: { value: "段差の解消" }, stage: { value: "" }, owner: { value: "佐藤" } },
  ] });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.ボード}`);
  const col = (name) => page.locator(`.kanban-col[data-column="${name}"]`);
  await col("受付").getByRole("link", { name: "手すりの設置" }).waitFor();
  await col("（空）").getByRole("link", { name: "段差の解消" }).waitFor();
  await col("対応中").getByText("鈴木").waitFor();
  await ui.accessible(page, "a kanban board");
  await ui.untilToast(page, "「手すりの設置」を「完了」へ移動しました。", () => col("受付").locator(".card", { hasText: "手すりの設置" }).dragTo(col("完了")));
  await col("完了").getByRole("link", { name: "手すりの設置" }).waitFor();
  assert.match(await col("完了").locator("h2").innerText(), /完了\s*1/);
  await shot("e42-kanban");
  const { records } = await admin.record.getRecords({ app, query: 'name = "手すりの設置"' });
  assert.equal(records[0].stage.value, "完了");
});

test("kanban by status: moving a card runs the action that leads there, and says so when none does", async () => {
  const app = await makeApp(admin, "申請", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "件名" } });
  const creator = { type: "ONE", entities: [{ entity: { type: "CREATOR" } }] };
  await api("PUT", "/k/v1/preview/app/status.json", { app, enable: true,
    states: { 未処理: { name: "未処理", index: "0", assignee: creator }, 確認中: { name: "確認中", index: "1", assignee: creator }, 完了: { name: "完了", index: "2", assignee: { type: "ONE", entities: [] } } },
    actions: [{ name: "確認へ", from: "未処理", to: "確認中" }, { name: "完了にする", from: "確認中", to: "完了" }] });
  const { properties } = await admin.app.getFormFields({ app, preview: true });
  const status = Object.values(properties).find((p) => p.type === "STATUS").code;
  await admin.app.updateViews({ app, views: { 状況: { type: "KANBAN", name: "状況", index: "0", group: status } } });
  await allowTanaka(app);
  await deploy(app);
  const view = (await admin.app.getViews({ app })).views.状況.id;
  // 田中 files it: the creator acts first
  await client(server, { username: "tanaka", password: PASSWORD }).record.addRecord({ app, record: { name: { value: "出張申請" } } });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${view}`);
  const col = (name) => page.locator(`.kanban-col[data-column="${name}"]`);
  const card = () => page.locator(".card", { hasText: "出張申請" });
  await col("未処理").getByRole("link", { name: "出張申請" }).waitFor();
  // no action goes from 未処理 straight to 完了
  await card().locator("summary").click();
  await ui.untilToast(page, "「未処理」から「完了」へ進めるアクションのうち", () => card().getByRole("button", { name: "「完了」へ" }).click());
  await col("未処理").getByRole("link", { name: "出張申請" }).waitFor();
  // 確認へ leads to 確認中
  await card().locator("summary").click();
  await ui.untilToast(page, "「出張申請」を「確認中」へ移動しました。", () => card().getByRole("button", { name: "「確認中」へ" }).click());
  await col("確認中").getByRole("link", { name: "出張申請" }).waitFor();
  await shot("e43-kanban-status");
  const { records } = await admin.record.getRecords({ app });
  assert.equal(records[0][status].value, "確認中");
});

test("gallery: cards with each record's first picture as a thumbnail", async () => {
  const { app, ids } = await appWithViews("施設写真", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    area: { type: "SINGLE_LINE_TEXT", code: "area", label: "区" },
    photo: { type: "FILE", code: "photo", label: "外観" },
  }, { 写真: { type: "GALLERY", name: "写真", index: "0", fields: ["area"] } });
  const names = ["さくら園", "ひまわり苑", "若葉の家", "写真なしの家"];
  for (const [i, name] of names.entries()) {
    const photo = i < 3 ? [{ fileKey: (await admin.file.uploadFile({ file: { name: `${name}.png`, data: ui.png(320, 200, { warm: i * 60 }) } })).fileKey }] : [];
    await admin.record.addRecord({ app, record: { name: { value: name }, area: { value: ["中央区", "東灘区", "北区", "西区"][i] }, photo: { value: photo } } });
  }
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.写真}`);
  const card = (name) => page.locator(".gallery-grid .card", { hasText: name });
  for (const name of names.slice(0, 3)) {
    const img = card(name).getByRole("img", { name: `${name}.png` });
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  }
  await card("写真なしの家").getByText("画像なし").waitFor();
  await card("東灘区").getByText("ひまわり苑").waitFor();
  await ui.accessible(page, "a gallery");
  await shot("e44-gallery");
  await card("若葉の家").getByRole("link").click();
  await page.waitForURL(/#\/apps\/\d+\/records\/\d+/);
});

test("view settings: a kanban view chosen and set up in words", async () => {
  const app = await makeApp(admin, "相談", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    stage: { type: "RADIO_BUTTON", code: "stage", label: "対応", options: opts("未対応", "対応済"), defaultValue: "未対応" },
  });
  await admin.record.addRecord({ app, record: { title: { value: "転居の相談" } } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "一覧" }).click();
  await page.getByRole("button", { name: "一覧を追加" }).click();
  const card = page.locator("fieldset.view-card").last();
  await card.getByLabel("一覧名").fill("対応ボード");
  await card.getByRole("radio", { name: "カンバン形式" }).check();
  assert.equal(await card.getByLabel("列に分けるフィールド").inputValue(), "stage");
  await card.getByRole("group", { name: /カードに表示するフィールド/ }).getByLabel("件名").check();
  await ui.accessible(page, "view settings with a kanban view");
  await shot("e45-view-settings-kanban");
  await ui.untilToast(page, "保存しました", () => page.getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const { views } = await admin.app.getViews({ app });
  assert.deepEqual([views.対応ボード.type, views.対応ボード.group], ["KANBAN", "stage"]);
  await page.goto(`${server.base}/#/apps/${app}`);
  await page.getByRole("tab", { name: "対応ボード" }).click();
  await page.locator('.kanban-col[data-column="未対応"]').getByRole("link", { name: "転居の相談" }).waitFor();
});

test("dashboard: a graph pinned for everyone and a view a clerk pinned greet the clerk on the portal, live", async () => {
  const kinds = ["転倒", "誤薬", "その他"];
  const { app, ids } = await appWithViews("ヒヤリハット", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    kind: { type: "DROP_DOWN", code: "kind", label: "種別", options: opts(...kinds) },
  }, { 転倒だけ: { type: "LIST", name: "転倒だけ", index: "0", fields: ["title", "kind"], filterCond: 'kind in ("転倒")' } });
  await admin.app.updateReports({ app, reports: { 種別ごと: { name: "種別ごと", index: "0", chartType: "PIE", groups: [{ code: "kind" }], aggregations: [{ type: "COUNT" }] } } });
  await deploy(app);
  await admin.record.addRecords({ app, records: Array.from({ length: 9 }, (_, i) => ({ title: { value: `事例${i + 1}` }, kind: { value: kinds[i % 3 ? 0 : 1 + (i % 2)] } })) });
  const report = (await admin.app.getReports({ app })).reports.種別ごと.id;
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/reports/${report}`);
  await ui.untilToast(page, "全員のポータルに表示しました。", () => page.getByRole("button", { name: "全員のポータルに表示" }).click());
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.転倒だけ}`);
  await ui.untilToast(page, "ポータルに表示しました。", () => page.getByRole("button", { name: "ポータルに表示", exact: true }).click());
  await page.goto(`${server.base}/#/`);
  const dash = page.locator("section.dashboard");
  const graph = dash.locator(".tile", { hasText: "種別ごと" });
  await page.waitForFunction(() => (document.querySelector(".dashboard .tile canvas")?.width ?? 0) > 100);
  assert.equal(await graph.getByText("全員に表示").count(), 1);
  assert.equal(await graph.getByRole("button", { name: /ポータルから外す/ }).count(), 0, "a clerk cannot take off everyone's tile");
  const view = dash.locator(".tile", { hasText: "転倒だけ" });
  await view.locator(".big-number").getByText("6").waitFor();
  await view.getByRole("link", { name: "事例9" }).waitFor();
  await ui.accessible(page, "the portal with a dashboard");
  await shot("e46-dashboard");
  // live: a new record shows at once
  await admin.record.addRecord({ app, record: { title: { value: "事例10" }, kind: { value: "転倒" } } });
  await page.reload();
  await view.locator(".big-number").getByText("7").waitFor();
  // the table of the chart's numbers, for whoever does not read charts
  await graph.getByText("表で見る").click();
  await graph.getByRole("row", { name: /転倒\s+7/ }).waitFor();
  await ui.untilToast(page, "「転倒だけ」をポータルから外しました。", () => view.getByRole("button", { name: /ポータルから外す/ }).click());
  assert.equal(await dash.locator(".tile").count(), 1);
});

test("print layout: text and a field placed on the A4 page by dragging, saved and deployed", async () => {
  const app = await makeApp(admin, "監査通知", { name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" } });
  await signIn("Administrator", ADMIN_PASSWORD);
  await page.goto(`${server.base}/#/apps/${app}/settings`);
  await page.getByRole("tab", { name: "印刷" }).click();
  await page.getByRole("button", { name: "＋ 印刷レイアウトを追加" }).click();
  await page.getByLabel("レイアウト名").fill("監査通知書");
  await page.getByRole("button", { name: "＋ 文字" }).click();
  await page.getByLabel("文字", { exact: true }).fill("指導監査の実施について");
  await page.getByLabel("文字の大きさ(pt)").fill("16");
  await page.getByRole("button", { name: "＋ フィールド" }).click();
  // the field dragged 40 mm right and 30 mm down (3 pixels a millimetre), then 1 mm more with the keyboard
  const item = page.locator(".print-item.field");
  const box = await item.boundingBox();
  await page.mouse.move(box.x + 10, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(box.x + 130, box.y + 95, { steps: 5 });
  await page.mouse.up();
  await item.focus();
  await page.keyboard.press("ArrowRight");
  await ui.accessible(page, "print layout editor");
  await shot("e47-print-layout");
  // tried as a PDF before it is saved: the newest record laid out this way
  await admin.record.addRecord({ app, record: { name: { value: "さくら園" } } });
  await page.getByRole("button", { name: "試しにPDFを作る" }).click();
  const d = page.getByRole("dialog");
  await d.getByRole("button", { name: "PDFを作成" }).click();
  await d.getByText("1件のPDFができました。").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), d.getByRole("link", { name: "ダウンロード" }).click()]);
  const file = join(tmpdir(), `try-${Date.now()}.pdf`);
  await download.saveAs(file);
  assert.match(execFileSync("pdftotext", ["-layout", file, "-"]).toString(), /指導監査の実施について[\s\S]*さくら園/);
  await d.getByRole("button", { name: "閉じる", exact: true }).last().click();
  await ui.untilToast(page, "保存しました", () => page.getByRole("button", { name: "保存", exact: true }).click());
  await ui.untilToast(page, "アプリを更新しました", () => page.getByRole("button", { name: "アプリを更新" }).click());
  const live = await api("GET", `/k/v1/app/printTemplates.json?app=${app}`);
  const tpl = live.printTemplates.監査通知書;
  assert.deepEqual(tpl.items.map((x) => [x.type, x.text ?? x.code]), [["TEXT", "指導監査の実施について"], ["FIELD", "name"]]);
  assert.equal(tpl.items[0].fontSize, 16);
  assert.deepEqual([tpl.items[1].x, tpl.items[1].y], [61, 70], "dragged from (20, 40)");
});

test("PDF of a view: a page a facility by the print layout, made in the background with progress, downloaded", async () => {
  const { app, ids } = await appWithViews("施設一覧", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    ward: { type: "DROP_DOWN", code: "ward", label: "区", options: opts("中央区", "灘区") },
  }, { 中央区: { type: "LIST", name: "中央区", index: "0", fields: ["name", "ward"], filterCond: 'ward in ("中央区")', sort: "name asc" } });
  await api("PUT", "/k/v1/preview/app/printTemplates.json", { app, printTemplates: { 通知: { name: "通知", items: [
    { type: "TEXT", text: "施設指導監査のお知らせ", x: 20, y: 20, width: 170, fontSize: 16, bold: true },
    { type: "FIELD", code: "name", x: 20, y: 40, width: 120, fontSize: 12 },
    { type: "TEXT", text: "御中", x: 140, y: 40, width: 30, fontSize: 12 },
  ] } } });
  await deploy(app);
  const names = Array.from({ length: 40 }, (_, i) => `施設${String(i + 1).padStart(2, "0")}`);
  await admin.record.addRecords({ app, records: names.map((name, i) => ({ name: { value: name }, ward: { value: i % 4 ? "中央区" : "灘区" } })) });
  await signIn("tanaka");
  await page.goto(`${server.base}/#/apps/${app}?view=${ids.中央区}`);
  await page.getByRole("button", { name: "PDF", exact: true }).click();
  const d = page.getByRole("dialog");
  await d.getByLabel("印刷レイアウト").selectOption({ label: "通知" });
  await d.getByRole("button", { name: "PDFを作成" }).click();
  await d.getByText("30件のPDFができました。").waitFor({ timeout: 30000 });
  await ui.accessible(page, "a PDF made");
  await shot("e48-pdf-ready");
  const [download] = await Promise.all([page.waitForEvent("download"), d.getByRole("link", { name: "ダウンロード" }).click()]);
  const file = join(tmpdir(), `view-${Date.now()}.pdf`);
  await download.saveAs(file);
  assert.equal(download.suggestedFilename(), "施設一覧.pdf");
  const info = execFileSync("pdfinfo", [file]).toString();
  assert.equal(Number(/Pages:\s+(\d+)/.exec(info)[1]), 30);
  const pages = execFileSync("pdftotext", ["-layout", file, "-"]).toString().split("\f");
  const central = names.filter((_, i) => i % 4);
  central.forEach((name, i) => {
    assert.match(pages[i], new RegExp(`${name}\\s+御中`), `page ${i + 1}: the view's order`);
    assert.match(pages[i], /施設指導監査のお知らせ/);
  });
});
