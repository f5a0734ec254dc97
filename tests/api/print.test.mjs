// PDFs of records (our extension, README "Print and PDF"): made in the
// background, one page (at least) a record laid out by the form or a print
// template, or a table; checked with poppler's pdfinfo and pdftotext. Under
// the asker's record and field rights; only the asker gets the file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startServer, client, raw, makeApp, basic, deploy as deployApp } from "./helpers/server.mjs";
import { png } from "./helpers/png.mjs";

const PASSWORD = "print-pass-1";
let server, admin, app;
const dir = mkdtempSync(join(tmpdir(), "tsumiki-pdf-"));
const as = (user) => (user ? { headers: basic(user, PASSWORD) } : {});

const deploy = (id = app) => deployApp(admin, id);

// Ask for a PDF, wait for it, and read it: {pages, text}, or the job's end.
async function pdf(body, user) {
  const start = await raw(server, "POST", "/api/print", { ...as(user), body: { app, ...body } });
  assert.equal(start.status, 200, JSON.stringify(start.json));
  let job;
  for (let i = 0; i < 300; i++) {
    job = (await raw(server, "GET", "/api/print", { ...as(user), query: `id=${start.json.id}` })).json;
    if (job.status === "DONE" || job.status === "FAILED") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.status, "DONE", JSON.stringify(job));
  const res = await fetch(`${server.base}/api/print/file?id=${start.json.id}`, { headers: user ? basic(user, PASSWORD) : basic() });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/pdf");
  const file = join(dir, `${start.json.id}.pdf`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const info = execFileSync("pdfinfo", [file]).toString();
  return { id: start.json.id, job, pages: Number(/Pages:\s+(\d+)/.exec(info)[1]), text: execFileSync("pdftotext", ["-layout", file, "-"]).toString() };
}

const FACILITIES = ["さくら園", "ひまわり苑", "若葉の家", "みなと荘", "六甲ホーム", "須磨の里"];
before(async () => {
  server = await startServer();
  admin = client(server);
  await raw(server, "POST", "/v1/users.json", { body: { users: ["clerk", "other"].map((code) => ({ code, name: code === "clerk" ? "窓口 太郎" : "他課 花子", password: PASSWORD })) } });
  app = await makeApp(admin, "施設通知", {
    name: { type: "SINGLE_LINE_TEXT", code: "name", label: "施設名" },
    ward: { type: "DROP_DOWN", code: "ward", label: "区", options: { 中央区: { label: "中央区", index: "0" }, 灘区: { label: "灘区", index: "1" } } },
    secret: { type: "SINGLE_LINE_TEXT", code: "secret", label: "内部メモ" },
    items: { type: "SUBTABLE", code: "items", label: "指摘事項", fields: { item: { type: "SINGLE_LINE_TEXT", code: "item", label: "項目" } } },
  });
  await admin.app.updateAppAcl({ app, rights: [
    { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true },
    { entity: { type: "USER", code: "clerk" }, recordViewable: true },
    { entity: { type: "USER", code: "other" }, recordViewable: true }] });
  // clerk sees 中央区's records only, and not the internal memo
  const all = { entity: { type: "USER", code: "Administrator" }, viewable: true, editable: true, deletable: true, includeSubs: false };
  await admin.app.updateRecordAcl({ app, rights: [
    { filterCond: 'ward in ("中央区")', entities: [all, { entity: { type: "USER", code: "clerk" }, viewable: true, editable: false, deletable: false, includeSubs: false }, { entity: { type: "USER", code: "other" }, viewable: true, editable: false, deletable: false, includeSubs: false }] },
    { filterCond: "", entities: [all, { entity: { type: "USER", code: "other" }, viewable: true, editable: false, deletable: false, includeSubs: false }] }] });
  await admin.app.updateFieldAcl({ app, rights: [{ code: "secret", entities: [{ accessibility: "WRITE", entity: { type: "USER", code: "Administrator" } }, { accessibility: "READ", entity: { type: "USER", code: "other" } }] }] });
  await deploy();
  await admin.record.addRecords({ app, records: FACILITIES.map((name, i) => ({
    name: { value: name }, ward: { value: i % 2 ? "灘区" : "中央区" }, secret: { value: `内緒${i}` },
    items: { value: [{ value: { item: { value: `避難訓練${i}` } } }, { value: { item: { value: `防火設備${i}` } } }] },
  })) });
});
after(() => server.stop());

test("a page a record, laid out by the form, in the list's order, with Japanese text whole", async () => {
  const { pages, text } = await pdf({ query: "order by $id asc" });
  assert.equal(pages, FACILITIES.length);
  const pageTexts = text.split("\f");
  FACILITIES.forEach((name, i) => {
    assert.match(pageTexts[i], new RegExp(name), `page ${i + 1}`);
    assert.match(pageTexts[i], new RegExp(`避難訓練${i}`), "the table's rows");
    assert.match(pageTexts[i], /施設名/, "the fields' names");
  });
  // one record: one page
  const one = await pdf({ query: `name = "若葉の家"` });
  assert.equal(one.pages, 1);
  assert.match(one.text, /若葉の家/);
  assert.doesNotMatch(one.text, /さくら園/);
});

test("a table: the chosen columns, a row a record, its heading on every page", async () => {
  const { pages, text } = await pdf({ layout: "TABLE", query: 'ward in ("灘区") order by name asc', fields: ["name", "ward"], title: "灘区の施設" });
  assert.equal(pages, 1);
  assert.match(text, /灘区の施設/);
  for (const [i, name] of FACILITIES.entries()) (i % 2 ? assert.match : assert.doesNotMatch)(text, new RegExp(name));
  assert.doesNotMatch(text, /内部メモ/, "a column not chosen");
});

test("every record the query selects, past records.json's first 100, unless the query gives a limit", async () => {
  const many = await makeApp(admin, "多い", { n: { type: "NUMBER", code: "n", label: "番号" } });
  await admin.record.addAllRecords({ app: many, records: Array.from({ length: 130 }, (_, i) => ({ n: { value: String(i + 1) } })) });
  const saved = app;
  app = many;
  try {
    const all = await pdf({ layout: "TABLE", query: "order by n asc", fields: ["n"] });
    assert.match(all.text, /\b130\b/);
    assert.ok(all.pages >= 3, `${all.pages} pages`);
    assert.equal(all.job.total, "130");
    const some = await pdf({ layout: "TABLE", query: "order by n asc limit 10 offset 5", fields: ["n"] });
    assert.equal(some.job.total, "10");
  } finally {
    app = saved;
  }
});

test("under the asker's rights: only records and fields they may see", async () => {
  const { pages, text } = await pdf({ query: "order by $id asc" }, "clerk");
  assert.equal(pages, 3, "中央区's three records");
  assert.doesNotMatch(text, /ひまわり苑|みなと荘|須磨の里/);
  assert.doesNotMatch(text, /内緒|内部メモ/, "a field they may not see");
  // a column they may not see is as if it did not exist; without columns, the ones they may see
  const hidden = await raw(server, "POST", "/api/print", { ...as("clerk"), body: { app, layout: "TABLE", fields: ["name", "secret"] } });
  assert.equal(hidden.status, 400);
  assert.match(hidden.json.errors["fields[1]"].messages[0], /secret/);
  const table = await pdf({ layout: "TABLE", query: "" }, "clerk");
  assert.match(table.text, /さくら園/);
  assert.doesNotMatch(table.text, /内緒/);
  const theirs = await pdf({ query: "" }, "other");
  assert.equal(theirs.pages, 6);
  assert.match(theirs.text, /内緒0/);
});

test("print templates: text, fields and a picture placed on the page; deployed; refused when they do not fit", async () => {
  const logo = png(120, 40).toString("base64");
  const put = await raw(server, "PUT", "/k/v1/preview/app/printTemplates.json", { body: { app, printTemplates: {
    通知書: { name: "通知書", index: "0", orientation: "PORTRAIT", items: [
      { type: "IMAGE", data: logo, x: 15, y: 10, width: 40 },
      { type: "TEXT", text: "令和8年度 指導監査の実施について（通知）", x: 15, y: 30, width: 180, fontSize: 14, bold: true, align: "CENTER" },
      { type: "FIELD", code: "name", x: 15, y: 50, width: 120, fontSize: 12, label: true },
      { type: "TEXT", text: "様", x: 140, y: 53, width: 20 },
      { type: "FIELD", code: "items", x: 15, y: 80, width: 180, label: true },
    ] } } } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  const id = put.json.printTemplates.通知書.id;
  await deploy();
  const live = await raw(server, "GET", "/k/v1/app/printTemplates.json", { query: `app=${app}` });
  assert.deepEqual(live.json.printTemplates.通知書.items.map((x) => x.type), ["IMAGE", "TEXT", "FIELD", "TEXT", "FIELD"]);
  const { pages, text } = await pdf({ query: "order by $id asc limit 2", template: id });
  assert.equal(pages, 2, "the records the query selects, its limit too");
  const first = text.split("\f")[0];
  assert.match(first, /指導監査の実施について/);
  assert.match(first, /施設名[\s\S]*様[\s\S]*さくら園/, "the field with its name, the fixed text beside it");
  assert.match(first, /防火設備0/);
  assert.doesNotMatch(first, /区/, "fields not placed are not printed");
  // what does not fit is refused with its place, and nothing changes
  const bad = await raw(server, "PUT", "/k/v1/preview/app/printTemplates.json", { body: { app, printTemplates: {
    t: { name: "t", items: [
      { type: "TEXT", text: "x", x: 300, y: 0 },
      { type: "FIELD", code: "nothing", x: 0, y: 0 },
      { type: "IMAGE", data: Buffer.from("GIF89a").toString("base64"), x: 0, y: 0 },
      { type: "TEXT", text: "x", x: 0, y: 0, fontSize: 200 },
      { type: "FIELD", code: "item", x: 0, y: 0 },
      { type: "IMAGE", data: png(2001, 10).toString("base64"), x: 0, y: 0 },
    ] } } } });
  assert.equal(bad.status, 400);
  for (const k of ["items[0].x", "items[1].code", "items[2].data", "items[3].fontSize", "items[4].code", "items[5].data"])
    assert.ok(bad.json.errors[`printTemplates.t.${k}`], `${k}: ${JSON.stringify(bad.json.errors)}`);
  // pictures are kept decoded while a PDF is made: eight a layout at most
  const nine = await raw(server, "PUT", "/k/v1/preview/app/printTemplates.json", { body: { app, printTemplates: {
    t: { name: "t", items: Array.from({ length: 9 }, () => ({ type: "IMAGE", data: logo, x: 0, y: 0, width: 10 })) } } } });
  assert.equal(nine.status, 400);
  assert.ok(nine.json.errors["printTemplates.t.items[8]"], JSON.stringify(nine.json.errors));
  assert.deepEqual(Object.keys((await raw(server, "GET", "/k/v1/preview/app/printTemplates.json", { query: `app=${app}` })).json.printTemplates), ["通知書"]);
  // a layout being made, tried on one record before it is deployed; checked as the settings are
  const tried = await pdf({ query: 'name = "みなと荘"', draft: { orientation: "LANDSCAPE", items: [
    { type: "TEXT", text: "試し刷り", x: 20, y: 20, width: 100, fontSize: 20 }, { type: "FIELD", code: "name", x: 20, y: 40, width: 100 }] } });
  assert.equal(tried.pages, 1);
  assert.match(tried.text, /試し刷り[\s\S]*みなと荘/);
  const badDraft = await raw(server, "POST", "/api/print", { body: { app, draft: { items: [{ type: "TEXT", text: "x", x: 400, y: 0 }] } } });
  assert.equal(badDraft.status, 400);
  assert.ok(badDraft.json.errors["draft.items[0].x"], JSON.stringify(badDraft.json));
  // a template that is not the app's
  const unknown = await raw(server, "POST", "/api/print", { body: { app, template: "99999" } });
  assert.equal(unknown.status, 400);
  assert.ok(unknown.json.errors.template);
});

test("nobody, a token, another person and someone without the app get nothing", async () => {
  const start = await raw(server, "POST", "/api/print", { body: { app, query: "limit 1" } });
  const id = start.json.id;
  for (let i = 0; i < 100 && (await raw(server, "GET", "/api/print", { query: `id=${id}` })).json.status !== "DONE"; i++)
    await new Promise((r) => setTimeout(r, 100));
  // someone else's job does not exist for them
  const theirs = await raw(server, "GET", "/api/print", { ...as("clerk"), query: `id=${id}` });
  assert.equal(theirs.status, 400);
  const file = await fetch(`${server.base}/api/print/file?id=${id}`, { headers: basic("clerk", PASSWORD) });
  assert.equal(file.status, 400);
  assert.equal((await fetch(`${server.base}/api/print/file?id=${id}`)).status, 401);
  assert.equal((await fetch(`${server.base}/api/print?id=${id}`)).status, 401);
  const nobody = await fetch(`${server.base}/api/print`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ app }) });
  assert.equal(nobody.status, 401);
  // a token makes no PDFs: a person asks, and gets the file
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } })).json;
  const tok = await fetch(`${server.base}/api/print`, { method: "POST", headers: { "X-Cybozu-API-Token": token, "Content-Type": "application/json" }, body: JSON.stringify({ app }) });
  assert.equal(tok.status, 403);
  const other = await makeApp(admin, "別のアプリ", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "t" } });
  await admin.app.updateAppAcl({ app: other, rights: [{ entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true }] });
  await deploy(other);
  const denied = await raw(server, "POST", "/api/print", { ...as("clerk"), body: { app: other } });
  assert.equal(denied.status, 403);
  // nothing to print, or an unknown column, is said so before any work
  const none = await raw(server, "POST", "/api/print", { body: { app, query: 'name = "どこにもない"' } });
  assert.equal(none.status, 400);
  assert.ok(none.json.errors.query);
  const col = await raw(server, "POST", "/api/print", { body: { app, layout: "TABLE", fields: ["nothing"] } });
  assert.equal(col.status, 400);
  assert.ok(col.json.errors["fields[0]"]);
  // asking is written to the audit log
  const audit = await raw(server, "GET", "/api/audit", { query: "limit=100" });
  assert.ok(audit.json.entries.some((e) => e.action === "records.print"));
});
