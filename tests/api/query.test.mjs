// The query language (KINTONE-API.md §8): every operator on every type it is
// allowed for, the functions, order/limit/offset, and the errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, rejects, makeApp } from "./helpers/server.mjs";

let server, c, app;
const ids = {};

const FIELDS = {
  name: { type: "SINGLE_LINE_TEXT", code: "name", label: "Name" },
  note: { type: "MULTI_LINE_TEXT", code: "note", label: "Note" },
  rich: { type: "RICH_TEXT", code: "rich", label: "Rich" },
  num: { type: "NUMBER", code: "num", label: "Num" },
  radio: { type: "RADIO_BUTTON", code: "radio", label: "Radio", options: { x: { label: "x", index: 0 }, y: { label: "y", index: 1 } } },
  check: { type: "CHECK_BOX", code: "check", label: "Check", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 }, c: { label: "c", index: 2 } } },
  multi: { type: "MULTI_SELECT", code: "multi", label: "Multi", options: { p: { label: "p", index: 0 }, q: { label: "q", index: 1 } } },
  drop: { type: "DROP_DOWN", code: "drop", label: "Drop", options: { 高: { label: "高", index: 0 }, 低: { label: "低", index: 1 } } },
  date: { type: "DATE", code: "date", label: "Date" },
  time: { type: "TIME", code: "time", label: "Time" },
  dt: { type: "DATETIME", code: "dt", label: "DT" },
  link: { type: "LINK", code: "link", label: "Link" },
  user: { type: "USER_SELECT", code: "user", label: "User" },
  org: { type: "ORGANIZATION_SELECT", code: "org", label: "Org" },
  grp: { type: "GROUP_SELECT", code: "grp", label: "Grp" },
};

// Local (Asia/Tokyo, the default user zone) dates relative to today.
function tokyoDay(offsetDays = 0) {
  const d = new Date(Date.now() + 9 * 3600e3 + offsetDays * 86400e3);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "query", FIELDS);
  const rows = {
    A: { name: "神戸市役所", note: "報告書を提出した", rich: "<b>重要</b>", num: "10", radio: "x", check: ["a", "b"], multi: ["p"], drop: "高", date: "2024-01-15", time: "09:00", dt: "2024-01-15T00:30:00Z", link: "https://a.example", user: [{ code: "Administrator" }] },
    B: { name: "三宮 事務所", note: "  \n ", rich: "", num: "2.5", radio: "y", check: ["c"], multi: [], drop: "低", date: "2024-02-01", time: "17:45", dt: "2024-03-01T12:00:00Z", link: "", user: [] },
    C: { name: "", note: "", rich: "note", num: "", radio: "x", check: [], multi: ["p", "q"], drop: "", date: tokyoDay(0), time: "", dt: new Date().toISOString(), link: "https://c.example", user: [] },
    D: { name: "100%_off\\x", note: "特売", rich: "", num: "-3", radio: "y", check: ["a"], multi: ["q"], drop: "高", date: tokyoDay(-1), time: "00:00", dt: "", link: "", user: [] },
  };
  for (const [k, v] of Object.entries(rows)) {
    const record = Object.fromEntries(Object.entries(v).map(([f, val]) => [f, { value: val }]));
    ids[k] = (await c.record.addRecord({ app, record })).id;
  }
});

after(() => server.stop());

async function match(query) {
  const { records } = await c.record.getRecords({ app, query, fields: ["$id"] });
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return records.map((r) => byId[r.$id.value]).sort().join("");
}

const CASES = [
  // text
  ['name = "神戸市役所"', "A"], ['name != "神戸市役所"', "BCD"], ['name = ""', "C"], ['name != ""', "ABD"],
  ['name in ("三宮 事務所", "神戸市役所")', "AB"], ['name not in ("三宮 事務所")', "ACD"],
  ['name like "市役"', "A"], ['name not like "市役"', "BCD"], ['name like "%_off"', "D"], ['name like "\\\\x"', "D"],
  ['link = "https://a.example"', "A"], ['link like "example"', "AC"],
  ['note like "報告"', "A"], ['note is empty', "BC"], ['note is not empty', "AD"], ['note not like "特売"', "ABC"],
  ['rich like "重要"', "A"],
  // numbers and ids
  ["num = 10", "A"], ['num = "2.5"', "B"], ["num > 2.5", "A"], ["num >= 2.5", "AB"], ["num < 0", "D"], ["num <= 10", "ABD"],
  ["num != 10", "BCD"], ["num in (10, -3)", "AD"], ["num not in (10)", "BCD"],
  // choices
  ['radio in ("x")', "AC"], ['radio not in ("x")', "BD"],
  ['check in ("a")', "AD"], ['check in ("b", "c")', "AB"], ['check not in ("a")', "BC"], ['check in ("")', "C"], ['check not in ("")', "ABD"],
  ['multi in ("q")', "CD"], ['multi not in ("p")', "BD"],
  ['drop in ("高")', "AD"], ['drop in ("")', "C"], ['drop not in ("高", "")', "B"], ['drop in ("低", "")', "BC"],
  // dates and times
  ['date = "2024-01-15"', "A"], ['date > "2024-01-15"', "BCD"], ['date <= "2024-02-01"', "AB"], ['date != "2024-01-15"', "BCD"],
  ["date = TODAY()", "C"], ["date = YESTERDAY()", "D"], ["date >= YESTERDAY()", "CD"], ["date < TODAY()", "ABD"],
  ["date = FROM_TODAY(-1, DAYS)", "D"], ["date = THIS_YEAR()", tokyoDay(0).slice(0, 4) === "2024" ? "ABCD" : "C" + (tokyoDay(-1).slice(0, 4) === tokyoDay(0).slice(0, 4) ? "D" : "")],
  ['time = "09:00"', "A"], ['time > "09:00"', "B"], ['time <= "09:00"', "AD"],
  ['dt = "2024-01-15T09:30:00+09:00"', "A"], ['dt > "2024-02-01T00:00:00Z"', "BC"], ['dt = "2024-01-15"', "A"],
  ['dt <= "2024-03-01T12:00:00Z"', "AB"], ["dt = TODAY()", "C"], ["dt <= NOW()", "ABC"], ["dt > NOW()", ""],
  ["Created_datetime = TODAY()", "ABCD"], ["Updated_datetime > NOW()", ""],
  // users
  ["user in (LOGINUSER())", "A"], ['user in ("Administrator")', "A"], ["user not in (LOGINUSER())", "BCD"],
  ["Created_by in (LOGINUSER())", "ABCD"], ['Updated_by not in ("Administrator")', ""],
  ["org in (PRIMARY_ORGANIZATION())", ""], ['grp in ("")', "ABCD"],
  // boolean structure
  ['num > 0 and check in ("a")', "A"], ['num < 0 or drop in ("低")', "BD"],
  ['(num < 0 or drop in ("低")) and radio in ("y")', "BD"], ['num < 0 or drop in ("低") and radio in ("x")', "D"],
  ["$id > 0", "ABCD"], [`Record_number = ${"X"}`, null],
];

test("every operator on every type gives the records it should", async () => {
  for (const [q, want] of CASES) {
    if (want === null) continue;
    assert.equal(await match(q), want, q);
  }
});

test("keywords are case-insensitive and full-width spaces separate tokens", async () => {
  assert.equal(await match('num > 0 AND check IN ("a") ORDER BY num DESC'), "A");
  assert.equal(await match('num\u3000>\u30000'), "AB");
});

test("order by several keys, limit and offset, totalCount", async () => {
  const { records, totalCount } = await c.record.getRecords({ app, query: "order by radio asc, num desc limit 2 offset 1", totalCount: true });
  assert.equal(totalCount, "4");
  assert.deepEqual(records.map((r) => r.$id.value), [ids.C, ids.B]);
  const def = await c.record.getRecords({ app });
  assert.deepEqual(def.records.map((r) => r.$id.value), [ids.D, ids.C, ids.B, ids.A], "$id desc by default");
  assert.equal(def.totalCount, null, "counted only when asked");
  const { records: page } = await c.record.getRecords({ app, query: "limit 1" });
  assert.equal(page.length, 1);
});

test("fields limits the answer", async () => {
  const { records } = await c.record.getRecords({ app, fields: ["name", "num"], query: "order by $id asc limit 1" });
  assert.deepEqual(Object.keys(records[0]).sort(), ["name", "num"]);
});

const ERRORS = [
  ['drop = "高"', "GAIA_IQ03"], ['date in ("2024-01-01")', "GAIA_IQ03"], ['note = "x"', "GAIA_IQ03"],
  ['check like "a"', "GAIA_IQ03"], ['num like "1"', "GAIA_IQ03"], ["order by check asc", "GAIA_IQ03"],
  ["time = TODAY()", "GAIA_IQ03"], ["date = NOW()", "GAIA_IQ03"], ["name in (LOGINUSER())", "GAIA_IQ03"],
  ['drop in ("中")', "GAIA_IQ10"], ['drop = "中"', "GAIA_IQ10"], ['nothing = "x"', "GAIA_IQ11"],
  ['Rel.name = "x"', "GAIA_IR02"],
  ["date = THIS_MONTH(32)", "GAIA_IQ23"], ["date = THIS_WEEK(FUNDAY)", "GAIA_IQ23"],
  ["date = FROM_TODAY(1, HOURS)", "GAIA_IQ25"], ["date = FROM_TODAY(1)", "GAIA_IL08"], ["date = TODAY(1)", "GAIA_IL08"],
  ["limit 501", "GAIA_QU01"], ["offset 10001", "GAIA_QU02"],
  ['name = "unterminated', "CB_VA01"], ['name = "tab\there"', "CB_VA01"], ["num > ", "CB_VA01"],
  ["(num > 1", "CB_VA01"], ["num > 1 limit -1", "CB_VA01"], ["name == 1", "CB_VA01"], ['date = "2024-99-01"', "CB_VA01"],
  ["num = abc", "CB_VA01"], ["date = SOMEDAY()", "CB_VA01"], ["limit 1 order by num", "CB_VA01"],
];

test("bad queries get kintone's error codes", async () => {
  for (const [q, code] of ERRORS) {
    const e = await rejects(c.record.getRecords({ app, query: q }), code);
    assert.equal(e.status, 400, q);
    if (code === "CB_VA01") assert.ok(e.errors.query, q);
  }
});

test("the date functions name the right ranges", async () => {
  const a2 = await makeApp(c, "dates", { d: { type: "DATE", code: "d", label: "D" } });
  const days = [-40, -8, -1, 0, 1, 8, 40, 400];
  const map = {};
  for (const off of days) map[(await c.record.addRecord({ app: a2, record: { d: { value: tokyoDay(off) } } })).id] = off;
  const q = async (query) => (await c.record.getRecords({ app: a2, query })).records.map((r) => map[r.$id.value]).sort((a, b) => a - b);
  assert.deepEqual(await q("d = TOMORROW()"), [1]);
  assert.deepEqual(await q("d > TODAY()"), [1, 8, 40, 400]);
  assert.deepEqual(await q("d = FROM_TODAY(8, DAYS)"), [8]);
  const today = new Date(tokyoDay(0) + "T00:00:00Z");
  const inMonth = days.filter((o) => {
    const d = new Date(today.getTime() + o * 86400e3);
    return d.getUTCMonth() === today.getUTCMonth() && d.getUTCFullYear() === today.getUTCFullYear();
  });
  assert.deepEqual(await q("d = THIS_MONTH()"), inMonth);
  const wd = today.getUTCDay();
  const inWeek = days.filter((o) => o >= -wd && o <= 6 - wd);
  assert.deepEqual(await q("d = THIS_WEEK()"), inWeek);
  const nextWeek = days.filter((o) => o >= 7 - wd && o <= 13 - wd);
  assert.deepEqual(await q("d = NEXT_WEEK()"), nextWeek);
  assert.deepEqual(await q("d != TODAY()"), days.filter((o) => o !== 0));
  assert.deepEqual(await q("d <= TODAY()"), days.filter((o) => o <= 0));
});

test("the same query through POST with X-HTTP-Method-Override (long URLs)", async () => {
  const long = 'name not in (' + Array.from({ length: 300 }, (_, i) => `"value number ${i}"`).join(",") + ")";
  const { records } = await c.record.getRecords({ app, query: long });
  assert.equal(records.length, 4);
});

test("like finds words in the middle of Japanese text, through edits and deletes, at once", async () => {
  const a2 = await makeApp(c, "search", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "T" },
    body: { type: "MULTI_LINE_TEXT", code: "body", label: "B" },
    n: { type: "NUMBER", code: "n", label: "N" },
  });
  const add = async (title, body) => (await c.record.addRecord({ app: a2, record: { title: { value: title }, body: { value: body } } })).id;
  const r1 = await add("介護施設の指導記録", "転倒事故が発生しました。");
  const r2 = await add("Kobe City Office", "誤薬の報告");
  const r3 = await add("", "利用者が転倒したが怪我はなかった");
  const q = async (query) => (await c.record.getRecords({ app: a2, query })).records.map((r) => r.$id.value).sort();
  // every search sees every write at once: what the indexer has not reached yet is read as it is
  const settled = async (query, want) => assert.deepEqual(await q(query), want);
  await settled('body like "怪我はな"', [r3]);
  assert.deepEqual(await q('body like "転倒事"'), [r1]);
  assert.deepEqual(await q('body like "転倒"'), [r1, r3].sort(), "2 characters: a scan finds it too");
  assert.deepEqual(await q('title like "施設の指"'), [r1]);
  assert.deepEqual(await q('title like "city off"'), [r2], "ASCII ignores case, as LIKE does");
  assert.deepEqual(await q('title not like "施設の指"'), [r2, r3].sort());
  assert.deepEqual(await q('body like "存在しない言葉"'), []);
  await c.record.updateRecord({ app: a2, id: r1, record: { body: { value: "特に問題なし" } } });
  await settled('body like "問題なし"', [r1]);
  assert.deepEqual(await q('body like "転倒事"'), []);
  await c.record.deleteRecords({ app: a2, ids: [r3] });
  await settled('body like "怪我はな"', []);
  // a text field removed and another added: the index follows the form
  await c.app.deleteFormFields({ app: a2, fields: ["title"] });
  await c.app.addFormFields({ app: a2, properties: { note: { type: "SINGLE_LINE_TEXT", code: "note", label: "N2" } } });
  await c.app.deployApp({ apps: [{ app: a2 }] });
  assert.deepEqual(await q('body like "問題なし"'), [r1]);
  await c.record.updateRecord({ app: a2, id: r2, record: { note: { value: "追記メモです" } } });
  await settled('note like "記メモ"', [r2]);
  // pages of a search, newest first and oldest first
  const many = [];
  for (let i = 0; i < 6; i++) many.push(await add2("共通の語句 " + i));
  async function add2(text) {
    return (await c.record.addRecord({ app: a2, record: { body: { value: text } } })).id;
  }
  await settled('body like "共通の語"', [...many].sort());
  const page = async (query) => (await c.record.getRecords({ app: a2, query })).records.map((r) => r.$id.value);
  assert.deepEqual(await page('body like "共通の語" limit 2 offset 1'), [many[4], many[3]]);
  assert.deepEqual(await page('body like "共通の語" order by $id asc limit 2 offset 4'), [many[4], many[5]]);
  assert.deepEqual(await page('body like "共通の語" order by $id desc limit 10'), [...many].reverse());
});

test("a bulk request finds what it wrote itself before the index catches up", async () => {
  const a4 = await makeApp(c, "same tx", { t: { type: "SINGLE_LINE_TEXT", code: "t", label: "T" } });
  const res = await c.bulkRequest({ requests: [
    { method: "POST", api: "/k/v1/record.json", payload: { app: a4, record: { t: { value: "一括で書いた文字" } } } },
    { method: "GET", api: "/k/v1/records.json", payload: { app: a4, query: 't like "書いた文"' } },
  ] });
  assert.equal(res.results[1].records.length, 1);
});

test("views get indexes at deploy and queries still answer the same", async () => {
  const a3 = await makeApp(c, "views", {
    kind: { type: "DROP_DOWN", code: "kind", label: "K", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
    d: { type: "DATE", code: "d", label: "D" },
    n: { type: "NUMBER", code: "n", label: "N" },
  });
  await c.record.addAllRecords({ app: a3, records: Array.from({ length: 300 }, (_, i) => ({ kind: { value: i % 3 ? "a" : "b" }, d: { value: `2024-01-${String(1 + (i % 28)).padStart(2, "0")}` }, n: { value: i } })) });
  await c.app.updateViews({ app: a3, views: {
    recent: { type: "LIST", index: 0, filterCond: 'kind in ("a") and d >= "2024-01-10"', sort: "d desc, n asc", fields: ["kind", "d", "n"] },
    bigN: { type: "LIST", index: 1, filterCond: "n > 100", sort: "n desc" },
  } });
  await c.app.deployApp({ apps: [{ app: a3 }] });
  const { records, totalCount } = await c.record.getRecords({ app: a3, query: 'kind in ("a") and d >= "2024-01-10" order by d desc, n asc limit 5', totalCount: true });
  assert.equal(records.length, 5);
  assert.equal(records[0].d.value, "2024-01-28");
  assert.ok(Number(records[0].n.value) < Number(records[1].n.value) || records[0].d.value !== records[1].d.value);
  const expect = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 && 1 + (i % 28) >= 10).length;
  assert.equal(totalCount, String(expect));
  // two keys, a page further on: the ties on the date ordered by the number, as a sort of all of them
  const all = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 && 1 + (i % 28) >= 10)
    .sort((x, y) => (y % 28) - (x % 28) || x - y);
  const page = await c.record.getRecords({ app: a3, query: 'kind in ("a") and d >= "2024-01-10" order by d desc, n asc limit 7 offset 9' });
  assert.deepEqual(page.records.map((r) => Number(r.n.value)), all.slice(9, 16));
  // a view removed: its indexes go; queries unaffected
  await c.app.updateViews({ app: a3, views: {} });
  await c.app.deployApp({ apps: [{ app: a3 }] });
  assert.equal((await c.record.getRecords({ app: a3, query: "n > 100", totalCount: true })).totalCount, "199");
});

test("multi-valued in: counts and pages along a view's sort index agree with the plain plan", async () => {
  const count = async (query) => (await c.record.getRecords({ app, query, totalCount: true })).totalCount;
  assert.equal(await count('check in ("a")'), "2");
  assert.equal(await count('check in ("b", "c")'), "2");
  assert.equal(await count('multi in ("p", "q")'), "3");
  assert.equal(await count('user in (LOGINUSER())'), "1");
  const a5 = await makeApp(c, "ordered multi", {
    tags: { type: "CHECK_BOX", code: "tags", label: "T", options: { x: { label: "x", index: 0 }, y: { label: "y", index: 1 } } },
    n: { type: "NUMBER", code: "n", label: "N" },
  });
  await c.record.addAllRecords({ app: a5, records: Array.from({ length: 400 }, (_, i) => ({ tags: { value: i % 3 === 0 ? ["x"] : i % 3 === 1 ? ["y"] : ["x", "y"] }, n: { value: i % 50 } })) });
  const q = 'tags in ("x") order by n desc limit 30 offset 10';
  const nq = 'tags not in ("y") order by n asc limit 30';
  const before = [(await c.record.getRecords({ app: a5, query: q })).records, (await c.record.getRecords({ app: a5, query: nq })).records];
  await c.app.updateViews({ app: a5, views: { byN: { type: "LIST", index: 0, filterCond: 'tags in ("x")', sort: "n desc" } } });
  await c.app.deployApp({ apps: [{ app: a5 }] });
  const after = [(await c.record.getRecords({ app: a5, query: q })).records, (await c.record.getRecords({ app: a5, query: nq })).records];
  for (let k = 0; k < 2; k++)
    assert.deepEqual(after[k].map((r) => r.$id.value), before[k].map((r) => r.$id.value));
  assert.equal(after[0].length, 30);
  assert.ok(after[1].every((r) => !r.tags.value.includes("y")));

  // The view's ordered value index follows edits of the value and of the key,
  // deletes and adds; totals remembered between reads follow them too.
  const expected = async (query, { desc, offset, limit, byId }) => {
    const all = await c.record.getAllRecordsWithId({ app: a5 });
    const rows = all.filter((r) => r.tags.value.includes("x"));
    // empty values sort first, as SQL's NULL
    const key = (r) => (byId ? 0 : r.n.value === "" ? -1e9 : Number(r.n.value));
    rows.sort((p, q) => (key(p) - key(q)) * (desc ? -1 : 1) || (Number(p.$id.value) - Number(q.$id.value)) * (desc ? -1 : 1));
    return { ids: rows.slice(offset, offset + limit).map((r) => r.$id.value), total: String(rows.length) };
  };
  const check = async () => {
    for (const [query, shape] of [
      [q, { desc: true, offset: 10, limit: 30 }],
      ['tags in ("x") order by n asc limit 20', { desc: false, offset: 0, limit: 20 }],
      ['tags in ("x") limit 25 offset 5', { desc: true, offset: 5, limit: 25, byId: true }],
      ['tags in ("x") order by $id asc limit 25', { desc: false, offset: 0, limit: 25, byId: true }],
    ]) {
      const got = await c.record.getRecords({ app: a5, query, totalCount: true });
      const want = await expected(query, shape);
      assert.deepEqual(got.records.map((r) => r.$id.value), want.ids, query);
      assert.equal(got.totalCount, want.total, query);
    }
  };
  await check();
  const first = after[0].slice(0, 6).map((r) => r.$id.value);
  await c.record.updateRecords({ app: a5, records: [
    { id: first[0], record: { n: { value: 999 } } },
    { id: first[1], record: { n: { value: -5 } } },
    { id: first[2], record: { tags: { value: ["y"] } } },
    { id: first[3], record: { tags: { value: [] } } },
  ] });
  await c.record.deleteRecords({ app: a5, ids: [first[4], first[5]] });
  await c.record.addRecords({ app: a5, records: [{ tags: { value: ["x"] }, n: { value: 1000 } }, { tags: { value: ["x", "y"] } }] });
  await check();
  // deploying without the key field drops the index with its column
  const { properties } = await c.app.getFormFields({ app: a5, preview: true });
  assert.ok(properties.n);
  await c.app.updateViews({ app: a5, views: {} });
  await c.app.deleteFormFields({ app: a5, fields: ["n"] });
  await c.app.deployApp({ apps: [{ app: a5 }] });
  const deadline = Date.now() + 10000;
  while ((await c.app.getDeployStatus({ apps: [a5] })).apps[0].status !== "SUCCESS" && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const tagged = await c.record.getRecords({ app: a5, query: 'tags in ("x")', totalCount: true });
  assert.equal(tagged.totalCount, (await expected("", { desc: true, offset: 0, limit: 500, byId: true })).total);
});
