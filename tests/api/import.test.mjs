// CSV import (`tsumiki import`): the real files of ../shared/data/real into
// apps, read back with the official client; bad rows all-or-nothing or skipped
// with their row, column and reason; updates by a unique key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, client, makeApp, basic, BIN, dataArgs } from "./helpers/server.mjs";

const REAL = process.env.TS_REAL_DATA ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "data", "real");
let server, c;
before(async () => {
  server = await startServer();
  c = client(server);
});
after(() => server.stop());

function importCsv(app, file, ...args) {
  const r = spawnSync(BIN, ["import", "--app", String(app), file, ...dataArgs(server), ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const count = async (app, query = "") => Number((await c.record.getRecords({ app, query, totalCount: true })).totalCount);
const text = (code, label = code) => ({ type: "SINGLE_LINE_TEXT", code, label });

test("the MHLW facility list (UTF-8 with BOM): every row, fields matched by code or label", { skip: !existsSync(REAL) && "no ../shared/data/real" }, async () => {
  const app = await makeApp(c, "介護事業所", {
    No: { ...text("No"), unique: true },
    name: text("name", "事業所名"), // matched by its label
    都道府県名: text("都道府県名"),
    住所: text("住所"),
    緯度: { type: "NUMBER", code: "緯度", label: "緯度" },
    定員: { type: "NUMBER", code: "定員", label: "定員" },
  });
  const r = importCsv(app, join(REAL, "mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv"));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /imported 7737 rows \(UTF-8\): 7737 added, 0 updated, 0 skipped/);
  assert.match(r.err, /column "備考" names no field/);
  assert.equal(await count(app), 7737);
  assert.equal(await count(app, '都道府県名 = "大阪府"'), 518);
  const [first] = (await c.record.getRecords({ app, query: 'No = "0110118338"' })).records;
  assert.equal(first.name.value, "伏見啓明整形外科通所リハビリテーションセンター");
  assert.equal(first.緯度.value, "43.0397227");
  assert.equal(first.住所.value, "北海道札幌市中央区南１４条西１９丁目１−１");
});

test("a Shift_JIS (CP932) file is detected and read", { skip: !existsSync(REAL) && "no ../shared/data/real" }, async () => {
  const app = await makeApp(c, "自転車盗", {
    罪名: text("罪名"), 手口: text("手口"), 市区町村: text("市区町村", "市区町村（発生地）"), 施錠関係: text("施錠関係"),
  });
  const r = importCsv(app, join(REAL, "hokkaido_police_2018_jitensha_tou_cp932.csv"));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /imported 3977 rows \(Shift_JIS \(CP932\)\)/);
  assert.equal(await count(app), 3977);
  assert.equal(await count(app, '市区町村 = "札幌市中央区" and 施錠関係 = "施錠した"') > 0, true);
});

test("bad rows: all or nothing by default, skipped on request, each with row, column and reason", async () => {
  const app = await makeApp(c, "import rules", {
    key: { ...text("key"), unique: true },
    qty: { type: "NUMBER", code: "qty", label: "数量", maxValue: "100" },
    tags: { type: "CHECK_BOX", code: "tags", label: "タグ", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
  });
  const dir = mkdtempSync(join(tmpdir(), "tsumiki-import-"));
  const file = join(dir, "in.csv");
  writeFileSync(file, 'key,数量,タグ\r\nk1,5,"a\nb"\r\nk2,500,a\r\nk3,x,b\r\nk4,7,\r\n');
  const all = importCsv(app, file);
  assert.equal(all.code, 1);
  assert.match(all.err, /row 3, column 数量: .*100/);
  assert.match(all.err, /row 4, column 数量: /);
  assert.equal(await count(app), 0); // nothing kept
  const some = importCsv(app, file, "--skip-bad");
  assert.equal(some.code, 0, some.err);
  assert.match(some.out, /imported 4 rows \(UTF-8\): 2 added, 0 updated, 2 skipped/);
  const k1 = (await c.record.getRecords({ app, query: 'key = "k1"' })).records[0];
  assert.deepEqual(k1.tags.value, ["a", "b"]);
  // the same key again updates instead of adding
  writeFileSync(file, "key,数量\nk1,9\nk9,1\n");
  const upd = importCsv(app, file, "--update-key", "key");
  assert.equal(upd.code, 0, upd.err);
  assert.match(upd.out, /2 rows \(UTF-8\): 1 added, 1 updated/);
  assert.equal((await c.record.getRecords({ app, query: 'key = "k1"' })).records[0].qty.value, "9");
  assert.equal(await count(app), 3);
  // an empty file, a key not among the columns, and a file that is not text
  writeFileSync(join(dir, "empty.csv"), "");
  const empty = importCsv(app, join(dir, "empty.csv"));
  assert.equal(empty.code, 1);
  assert.match(empty.err, /no header row/);
  assert.equal(importCsv(app, file, "--update-key", "qty").code, 1);
  writeFileSync(file, Buffer.from([0x6b, 0x65, 0x79, 0x0a, 0x85, 0xff, 0x0a]));
  const bin = importCsv(app, file, "--encoding", "sjis");
  assert.equal(bin.code, 1);
  assert.match(bin.err, /row 2: This row cannot be read as Shift_JIS text/);
});

test("POST /api/import: preview, a column mapping, and kintone-shaped errors", async () => {
  const app = await makeApp(c, "import api", {
    title: text("title", "件名"),
    n: { type: "NUMBER", code: "n", label: "数" },
  });
  const post = async (query, body, type = "text/csv") => {
    const res = await fetch(`${server.base}/api/import?${query}`, {
      method: "POST", body,
      headers: { ...basic(), "Content-Type": type },
    });
    return { status: res.status, json: await res.json() };
  };
  const csv = "件名,数,その他\n一,1,a\n二,2,b\n";
  const pre = await post(`app=${app}&preview=true`, csv);
  assert.equal(pre.status, 200);
  assert.deepEqual(pre.json.columns.map((c) => c.field), ["title", "n", null]);
  assert.deepEqual(pre.json.sample, [["一", "1", "a"], ["二", "2", "b"]]);
  assert.equal(await count(app), 0); // a preview writes nothing
  // the third column mapped to the title instead, the first left out
  const ok = await post(`app=${app}&columns[0]=&columns[1]=n&columns[2]=title`, csv);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.added, "2");
  assert.deepEqual((await c.record.getRecords({ app, query: "order by n asc" })).records.map((r) => r.title.value), ["a", "b"]);
  const bad = await post(`app=${app}`, "件名,数\nx,not a number\n");
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, "CB_VA01");
  assert.ok(bad.json.errors["rows[2].数"]);
  assert.equal(await count(app), 2);
  assert.equal((await post(`app=${app}`, undefined)).json.code, "CB_VA01"); // no file
  assert.equal((await post(`app=${app}&encoding=latin1`, csv)).json.code, "CB_VA01");
  assert.equal((await post(`app=99999`, csv)).json.code, "GAIA_AP01");
  // a JSON body is not a file
  assert.equal((await post(`app=${app}`, JSON.stringify({ x: 1 }), "application/json")).json.code, "CB_VA01");
});

test("POST /api/import/profile: what each column holds, over the whole file", async () => {
  const rows = ["名前,数,日付,区分,コード,URL,メモ"];
  for (let i = 0; i < 30; i++)
    rows.push(`n${i},${i}.5,2024/1/${(i % 28) + 1},${["A", "B", "C"][i % 3]},0${i},https://example.jp/${i},"${i === 29 ? "x\ny" : ""}"`);
  const res = await fetch(`${server.base}/api/import/profile`, {
    method: "POST", body: rows.join("\n") + "\n", headers: { ...basic(), "Content-Type": "text/csv" },
  });
  const p = await res.json();
  assert.equal(res.status, 200, JSON.stringify(p));
  assert.equal(p.rows, "30");
  const col = Object.fromEntries(p.columns.map((c) => [c.name, c]));
  assert.equal(col["数"].numbers, true);
  assert.equal(col["日付"].dates, true);
  assert.deepEqual(col["区分"].values, ["A", "B", "C"]);
  assert.equal(col["名前"].values, null); // 30 different: many
  assert.equal(col["コード"].numbers, false); // leading zeros
  assert.equal(col["URL"].links, true);
  assert.equal(col["メモ"].multiline, true);
  assert.equal(col["メモ"].filled, "1");
  const bad = await fetch(`${server.base}/api/import/profile?encoding=utf-8`, {
    method: "POST", body: Buffer.from([0x61, 0x0a, 0xff, 0x0a]), headers: { ...basic(), "Content-Type": "text/csv" },
  });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).errors.file.messages[0], /^Row 2: This row cannot be read as UTF-8 text/);
  // in the user's language
  const ja = await fetch(`${server.base}/api/import/profile?encoding=utf-8`, {
    method: "POST", body: Buffer.from([0x61, 0x0a, 0xff, 0x0a]), headers: { ...basic(), "Content-Type": "text/csv", "Accept-Language": "ja" },
  });
  assert.match((await ja.json()).errors.file.messages[0], /^2行目: この行はUTF-8の文字として読めません/);
});

test("a file uploaded once (file.json) is profiled and imported by its fileKey: e-mail columns, values joined by commas as check boxes", async () => {
  const csv = "施設,連絡先,サービス\nさくら園,info@sakura.example.jp,\"訪問介護, 通所介護\"\nひまわり,desk@himawari.example.jp,訪問介護、短期入所\nあおば,aoba@example.jp,通所介護\n";
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "facilities.csv");
  const up = await fetch(`${server.base}/k/v1/file.json`, { method: "POST", body: form, headers: basic() });
  const { fileKey } = await up.json();
  const profile = await fetch(`${server.base}/api/import/profile`, { method: "POST", body: JSON.stringify({ fileKey }), headers: { ...basic(), "Content-Type": "application/json" } });
  const p = await profile.json();
  assert.equal(profile.status, 200, JSON.stringify(p));
  const col = Object.fromEntries(p.columns.map((x) => [x.name, x]));
  assert.equal(col["連絡先"].emails, true);
  assert.equal(col["施設"].emails, false);
  assert.equal(col["サービス"].joined, true);
  assert.deepEqual(col["サービス"].choices, ["訪問介護", "通所介護", "短期入所"]);
  assert.equal(col["施設"].joined, false);
  const app = await makeApp(c, "事業所サービス", {
    name: text("name", "施設"),
    mail: { type: "LINK", code: "mail", label: "連絡先", protocol: "MAIL" },
    svc: { type: "CHECK_BOX", code: "svc", label: "サービス", options: Object.fromEntries(["訪問介護", "通所介護", "短期入所"].map((o, i) => [o, { label: o, index: String(i) }])) },
  });
  const imp = await fetch(`${server.base}/api/import`, { method: "POST", body: JSON.stringify({ app, fileKey, columns: ["name", "mail", "svc"] }), headers: { ...basic(), "Content-Type": "application/json" } });
  assert.equal(imp.status, 200, JSON.stringify(await imp.clone().json()));
  const { records } = await c.record.getRecords({ app, query: "order by $id asc" });
  assert.deepEqual(records.map((r) => r.svc.value), [["訪問介護", "通所介護"], ["訪問介護", "短期入所"], ["通所介護"]]);
  // another person's upload is as if it did not exist
  await fetch(`${server.base}/v1/users.json`, { method: "POST", body: JSON.stringify({ users: [{ code: "other", name: "other", password: "other-pass-12" }] }), headers: { ...basic(), "Content-Type": "application/json" } });
  const theirs = await fetch(`${server.base}/api/import/profile`, { method: "POST", body: JSON.stringify({ fileKey }), headers: { ...basic("other", "other-pass-12"), "Content-Type": "application/json" } });
  assert.equal(theirs.status, 404);
  assert.equal((await theirs.json()).code, "GAIA_BL01");
});

test("GET /api/export.csv: a query's records as cli-kintone writes them, read back by the importer", async () => {
  const props = {
    title: text("title", "件名"),
    n: { type: "NUMBER", code: "n", label: "数" },
    tags: { type: "CHECK_BOX", code: "tags", label: "タグ", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
    d: { type: "DATE", code: "d", label: "日付" },
  };
  const app = await makeApp(c, "export", props);
  await c.record.addRecords({ app, records: [
    { title: { value: '引用"と,カンマ' }, n: { value: "1" }, tags: { value: ["a", "b"] }, d: { value: "2024-04-01" } },
    { title: { value: "二行\nの件名 🙂" }, n: { value: "2" }, tags: { value: [] } },
    { title: { value: "対象外" }, n: { value: "3" } },
  ] });
  const get = async (q) => {
    const res = await fetch(`${server.base}/api/export.csv?${q}`, { headers: basic() });
    return { status: res.status, type: res.headers.get("content-type"), body: Buffer.from(await res.arrayBuffer()) };
  };
  const q = `app=${app}&query=${encodeURIComponent("n <= 2 order by n asc")}&fields[0]=title&fields[1]=n&fields[2]=tags&fields[3]=d`;
  const utf8 = await get(q);
  assert.equal(utf8.status, 200);
  assert.match(utf8.type, /text\/csv; charset=utf-8/);
  assert.equal(utf8.body.toString(), '"title","n","tags","d"\r\n"引用""と,カンマ","1","a\nb","2024-04-01"\r\n"二行\nの件名 🙂","2","",""\r\n');
  // Shift_JIS for Excel: what it lacks (the emoji) becomes "?"
  const sjis = await get(q + "&encoding=sjis");
  assert.equal(new TextDecoder("shift_jis").decode(sjis.body).split("\r\n")[2], '"二行\nの件名 ?","2","",""');
  // the export imports into a twin app unchanged
  const twin = await makeApp(c, "export twin", props);
  const res = await fetch(`${server.base}/api/import?app=${twin}`, { method: "POST", body: utf8.body, headers: { ...basic(), "Content-Type": "text/csv" } });
  assert.equal(res.status, 200, await res.clone().text());
  const strip = (rs) => rs.map((r) => [r.title.value, r.n.value, r.tags.value, r.d.value]);
  assert.deepEqual(strip((await c.record.getRecords({ app: twin, query: "order by n asc" })).records),
    strip((await c.record.getRecords({ app, query: "n <= 2 order by n asc" })).records));
  // the same as an Excel workbook: labels in bold on top, numbers as numbers
  const xres = await fetch(`${server.base}/api/export.xlsx?${q}`, { headers: basic() });
  assert.equal(xres.status, 200);
  assert.match(xres.headers.get("content-type"), /spreadsheetml/);
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await xres.arrayBuffer()));
  const sheet = book.worksheets[0];
  assert.deepEqual(sheet.getRow(1).values.slice(1), ["件名", "数", "タグ", "日付"]);
  assert.equal(sheet.getRow(1).getCell(1).font?.bold, true);
  assert.deepEqual(sheet.getRow(2).values.slice(1, 4), ['引用"と,カンマ', 1, "a\nb"]);
  assert.equal(sheet.getRow(2).getCell(4).value.toISOString().slice(0, 10), "2024-04-01", "a real date");
  assert.equal(sheet.getRow(3).getCell(1).value, "二行\nの件名 🙂");
  assert.equal(sheet.rowCount, 3);
  // every record, not records.json's default page of 100
  await c.record.addAllRecords({ app, records: Array.from({ length: 150 }, (_, i) => ({ title: { value: `行${i}` }, n: { value: String(100 + i) } })) });
  const all = await get(`app=${app}&fields[0]=n`);
  assert.equal(all.body.toString().trim().split("\r\n").length, 1 + 153);
  const some = await get(`app=${app}&fields[0]=n&query=${encodeURIComponent("order by n asc limit 5 offset 1")}`);
  assert.equal(some.body.toString(), '"n"\r\n"2"\r\n"3"\r\n"100"\r\n"101"\r\n"102"\r\n');
  assert.equal((await get(`app=${app}&encoding=latin1`)).status, 400);
  assert.equal((await get(`app=${app}&query=${encodeURIComponent("nope = 1")}`)).status, 400);
});

test("exports for people: named after the app, headings by name on request, a workbook with real dates, people by name and rich text as words", async () => {
  const app = await makeApp(c, "訪問記録 2025", {
    title: text("title", "件名"),
    day: { type: "DATE", code: "day", label: "訪問日" },
    at: { type: "DATETIME", code: "at", label: "日時" },
    who: { type: "USER_SELECT", code: "who", label: "担当" },
    memo: { type: "RICH_TEXT", code: "memo", label: "メモ" },
  });
  await c.record.addRecord({ app, record: { title: { value: "初回" }, day: { value: "2025-04-01" }, at: { value: "2025-04-01T01:30:00Z" },
    who: { value: [{ code: "Administrator" }] }, memo: { value: "<p><b>要</b>確認</p><p>次回&amp;その後</p>" } } });
  const q = `app=${app}&fields[0]=title&fields[1]=day&fields[2]=at&fields[3]=who&fields[4]=memo`;
  const csv = await fetch(`${server.base}/api/export.csv?${q}&header=label`, { headers: basic() });
  assert.match(csv.headers.get("content-disposition"), /filename="app\d+\.csv"; filename\*=UTF-8''%E8%A8%AA%E5%95%8F%E8%A8%98%E9%8C%B2%202025\.csv/);
  const body = await csv.text();
  assert.equal(body.split("\r\n")[0], '"件名","訪問日","日時","担当","メモ"');
  // the headings by name read back in: the importer takes names as well as codes
  const twin = await makeApp(c, "訪問記録 写し", { title: text("title", "件名"), day: { type: "DATE", code: "day", label: "訪問日" } });
  const imp = await fetch(`${server.base}/api/import?app=${twin}`, { method: "POST", body: `"件名","訪問日"\r\n"二回目","2025-05-01"\r\n`, headers: { ...basic(), "Content-Type": "text/csv" } });
  assert.equal(imp.status, 200, await imp.clone().text());
  assert.equal((await c.record.getRecords({ app: twin })).records[0].day.value, "2025-05-01");
  const x = await fetch(`${server.base}/api/export.xlsx?${q}`, { headers: basic() });
  assert.match(x.headers.get("content-disposition"), /\.xlsx$/);
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await x.arrayBuffer()));
  const row = book.worksheets[0].getRow(2);
  assert.ok(row.getCell(2).value instanceof Date, "a date cell");
  assert.equal(row.getCell(2).value.toISOString().slice(0, 10), "2025-04-01");
  assert.equal(row.getCell(2).numFmt, "yyyy-mm-dd");
  assert.ok(row.getCell(3).value instanceof Date, "a date-time cell, in the caller's time zone (Asia/Tokyo)");
  assert.equal(row.getCell(3).value.toISOString().slice(0, 16), "2025-04-01T10:30");
  assert.equal(row.getCell(4).value, "Administrator", "the name (the administrator's is their login)");
  assert.equal(row.getCell(5).value, "要確認\n次回&その後");
});

test("tables in CSV: export writes a * line per record and a line per row; import reads them back", async () => {
  const props = {
    title: text("title", "件名"),
    acts: { type: "SUBTABLE", code: "acts", label: "対応", fields: {
      what: text("what", "内容"),
      cost: { type: "NUMBER", code: "cost", label: "費用" },
    } },
    memo: text("memo", "メモ"),
  };
  const app = await makeApp(c, "tables csv", props);
  const { ids } = await c.record.addRecords({ app, records: [
    { title: { value: "二行" }, acts: { value: [{ value: { what: { value: "連絡" }, cost: { value: "10" } } }, { value: { what: { value: "報告,\"済\"" } } }] }, memo: { value: "m1" } },
    { title: { value: "なし" }, memo: { value: "m2" } },
  ] });
  const rec = (await c.record.getRecord({ app, id: ids[0] })).record;
  const [r1, r2] = rec.acts.value.map((r) => r.id);
  const res = await fetch(`${server.base}/api/export.csv?app=${app}&query=${encodeURIComponent("order by $id asc")}&fields[0]=title&fields[1]=acts&fields[2]=what&fields[3]=cost&fields[4]=memo`, { headers: basic() });
  const csv = await res.text();
  assert.equal(csv,
    '*,"title","acts","what","cost","memo"\r\n' +
    `*,"二行","${r1}","連絡","10","m1"\r\n` +
    `,"二行","${r2}","報告,""済""","","m1"\r\n` +
    '*,"なし","","","","m2"\r\n');
  const twin = await makeApp(c, "tables csv twin", props);
  const imp = await fetch(`${server.base}/api/import?app=${twin}`, { method: "POST", body: csv, headers: { ...basic(), "Content-Type": "text/csv" } });
  const body = await imp.json();
  assert.equal(imp.status, 200, JSON.stringify(body));
  assert.equal(body.added, "2");
  const shape = async (a) => (await c.record.getRecords({ app: a, query: "order by $id asc" })).records
    .map((r) => [r.title.value, r.memo.value, r.acts.value.map((x) => [x.value.what.value, x.value.cost.value])]);
  assert.deepEqual(await shape(twin), await shape(app));
  // lines without * add rows to the record above; a problem is reported on the record's first line
  const more = '*,"title","what","cost"\r\n*,"ok","a","1"\r\n*,"three","b","2"\r\n,"three","c",""\r\n,"three","d","4"\r\n*,"","e","1",""\r\n';
  const r3 = await fetch(`${server.base}/api/import?app=${twin}&skipBad=true`, { method: "POST", body: more, headers: { ...basic(), "Content-Type": "text/csv" } });
  const j3 = await r3.json();
  assert.deepEqual(await shape(twin).then((x) => x.slice(2, 4)), [["ok", "", [["a", "1"]]], ["three", "", [["b", "2"], ["c", ""], ["d", "4"]]]]);
  assert.equal(j3.skipped, "1");
  assert.deepEqual(j3.problems, [{ row: "6", column: "", reason: "This row has 5 cells; the header has 4." }]);
  assert.equal(j3.added, "2");
});

test("CSV export neutralises cells a spreadsheet would run, numbers stay numbers, the importer reads them back", async () => {
  const props = { title: text("title", "件名"), n: { type: "NUMBER", code: "n", label: "数" } };
  const app = await makeApp(c, "csv injection", props);
  const hostile = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "'=already quoted", "'plain", "ok"];
  await c.record.addRecords({ app, records: hostile.map((t, i) => ({ title: { value: t }, n: { value: String(-i) } })) });
  const res = await fetch(`${server.base}/api/export.csv?app=${app}&query=${encodeURIComponent("order by $id asc")}&fields[0]=title&fields[1]=n`, { headers: basic() });
  const lines = (await res.text()).split("\r\n");
  assert.equal(lines[1], '"\'=HYPERLINK(""http://x"")","0"');
  assert.equal(lines[2], '"\'+1+1","-1"', "a negative number stays a number");
  assert.equal(lines[3], '"\'-2","-2"');
  assert.equal(lines[4], '"\'@SUM(A1)","-3"');
  assert.equal(lines[5], '"\'\tTab","-4"');
  assert.equal(lines[6], '"\'\'=already quoted","-5"');
  assert.equal(lines[7], '"\'plain","-6"');
  const twin = await makeApp(c, "csv injection twin", props);
  const imp = await fetch(`${server.base}/api/import?app=${twin}`, { method: "POST", body: lines.join("\r\n"), headers: { ...basic(), "Content-Type": "text/csv" } });
  assert.equal(imp.status, 200);
  const back = (await c.record.getRecords({ app: twin, query: "order by $id asc" })).records.map((r) => r.title.value);
  assert.deepEqual(back, hostile);
});
