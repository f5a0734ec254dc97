// CALC fields and text auto-calculation through the official client
// (KINTONE-API.md §9): results as the API returns them, formats, tables and
// SUM, recalculation on every save, the app's number precision, and formulas
// refused at deploy with GAIA_IL01.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp } from "./helpers/server.mjs";

let server, c, app;

const FIELDS = {
  price: { type: "NUMBER", code: "price", label: "単価" },
  qty: { type: "NUMBER", code: "qty", label: "数量" },
  total: { type: "CALC", code: "total", label: "金額", expression: "price * qty", format: "NUMBER_DIGIT" },
  with_tax: { type: "CALC", code: "with_tax", label: "税込", expression: "ROUNDDOWN(total * 1.1)" },
  yen: { type: "SINGLE_LINE_TEXT", code: "yen", label: "表示", expression: 'YEN(with_tax) & " (" & qty & "点)"' },
  start: { type: "DATETIME", code: "start", label: "開始" },
  end: { type: "DATETIME", code: "end", label: "終了" },
  hours: { type: "CALC", code: "hours", label: "時間", expression: "end - start", format: "HOUR_MINUTE" },
  opened: { type: "DATE", code: "opened", label: "受付日" },
  due: { type: "CALC", code: "due", label: "期限", expression: "opened + 14 * 86400", format: "DATE" },
  tags: { type: "CHECK_BOX", code: "tags", label: "タグ", options: { 至急: { label: "至急", index: 0 }, 通常: { label: "通常", index: 1 } } },
  urgent: { type: "CALC", code: "urgent", label: "至急?", expression: 'IF(CONTAINS(tags, "至急"), 1, 0)' },
  lines: {
    type: "SUBTABLE", code: "lines", label: "明細",
    fields: {
      item: { type: "SINGLE_LINE_TEXT", code: "item", label: "品目" },
      unit: { type: "NUMBER", code: "unit", label: "単価" },
      count: { type: "NUMBER", code: "count", label: "数" },
      subtotal: { type: "CALC", code: "subtotal", label: "小計", expression: "unit * count" },
    },
  },
  lines_total: { type: "CALC", code: "lines_total", label: "明細合計", expression: "SUM(subtotal)" },
  has_paper: { type: "CALC", code: "has_paper", label: "用紙あり", expression: 'IF(CONTAINS(item, "用紙"), 1, 0)' },
  third: { type: "CALC", code: "third", label: "三分の一", expression: "price / 3" },
};

before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "見積", FIELDS);
});
after(() => server.stop());

test("results as the API returns them, recalculated on every save; sent values are ignored", async () => {
  const { id } = await c.record.addRecord({ app, record: {
    price: { value: "1250" }, qty: { value: "3" }, total: { value: "999" }, yen: { value: "nope" },
    start: { value: "2026-11-24T09:00:00Z" }, end: { value: "2026-11-25T10:30:00Z" },
    opened: { value: "2026-11-20" }, tags: { value: ["至急"] },
    lines: { value: [
      { value: { item: { value: "用紙" }, unit: { value: "500" }, count: { value: "4" } } },
      { value: { item: { value: "トナー" }, unit: { value: "8000.5" }, count: { value: "2" } } },
    ] },
  } });
  let { record: r } = await c.record.getRecord({ app, id });
  assert.equal(r.total.type, "CALC");
  assert.equal(r.total.value, "3750");
  assert.equal(r.with_tax.value, "4125");
  assert.equal(r.yen.value, "¥4,125 (3点)");
  assert.equal(r.hours.value, "25:30");
  assert.equal(r.due.value, "2026-12-04");
  assert.equal(r.urgent.value, "1");
  assert.deepEqual(r.lines.value.map((x) => x.value.subtotal.value), ["2000", "16001"]);
  assert.equal(r.lines.value[0].value.subtotal.type, "CALC");
  assert.equal(r.lines_total.value, "18001");
  assert.equal(r.has_paper.value, "1");
  assert.equal(r.third.value, "416.6667");
  // a change anywhere recalculates: a row merged, the price changed
  await c.record.updateRecord({ app, id, record: {
    price: { value: "100" },
    lines: { value: [{ id: r.lines.value[1].id, value: { count: { value: "1" } } }] },
  } });
  r = (await c.record.getRecord({ app, id })).record;
  assert.equal(r.total.value, "300");
  assert.equal(r.yen.value, "¥330 (3点)");
  assert.deepEqual(r.lines.value.map((x) => [x.value.item.value, x.value.subtotal.value]), [["トナー", "8000.5"]]);
  assert.equal(r.lines_total.value, "8000.5");
  assert.equal(r.has_paper.value, "0");
  // empty inputs: numbers count as 0, an empty date leaves the result empty
  const { id: id2 } = await c.record.addRecord({ app, record: {} });
  const e = (await c.record.getRecord({ app, id: id2 })).record;
  assert.equal(e.total.value, "0");
  assert.equal(e.due.value, "");
  assert.equal(e.hours.value, "");
  assert.equal(e.lines_total.value, "0");
  // calculated values can be queried and sorted like numbers
  const found = await c.record.getRecords({ app, query: "total > 100 order by total desc" });
  assert.deepEqual(found.records.map((x) => x.$id.value), [String(id)]);
});

test("the app's number precision: decimal places and rounding mode", async () => {
  const p = await makeApp(c, "精度", { price: FIELDS.price, q: { type: "CALC", code: "q", label: "q", expression: "price / 3" } });
  await c.app.updateAppSettings({ app: p, numberPrecision: { digits: "16", decimalPlaces: "2", roundingMode: "UP" } });
  await c.app.deployApp({ apps: [{ app: p }] });
  const { id } = await c.record.addRecord({ app: p, record: { price: { value: "10" } } });
  assert.equal((await c.record.getRecord({ app: p, id })).record.q.value, "3.34");
});

test("deploy refuses unknown fields, bad syntax, type mismatches and circles (GAIA_IL01)", async () => {
  const cases = [
    [{ x: { type: "CALC", code: "x", label: "X", expression: "nope * 2" } }, /nope/],
    [{ x: { type: "CALC", code: "x", label: "X", expression: "1 +* 2" } }, /\*/],
    [{ x: { type: "CALC", code: "x", label: "X", expression: "SUM(1" } }, /X/],
    [{ t: { type: "SINGLE_LINE_TEXT", code: "t", label: "T" }, x: { type: "CALC", code: "x", label: "X", expression: "t * 2" } }, /\*/],
    [{ a: { type: "CALC", code: "a", label: "A", expression: "b + 1" }, b: { type: "CALC", code: "b", label: "B", expression: "a + 1" } }, /circle|循環/],
    [{ x: { type: "CALC", code: "x", label: "X", expression: "x + 1" } }, /circle|循環/],
    [{ x: { type: "CALC", code: "x", label: "X", expression: "１＋２" } }, /full-width|全角/],
    [{ t: { type: "SUBTABLE", code: "t", label: "T", fields: { n: { type: "NUMBER", code: "n", label: "n" } } }, x: { type: "CALC", code: "x", label: "X", expression: "n * 2" } }, /SUM/],
  ];
  for (const [properties, message] of cases) {
    const { app: a } = await c.app.addApp({ name: "bad formula" });
    await c.app.addFormFields({ app: a, properties });
    const e = await rejects(c.app.deployApp({ apps: [{ app: a }] }), "GAIA_IL01", 400);
    assert.match(e.message, message, JSON.stringify(properties));
    // the refusal is the deploy's status too, with the same words
    const { apps } = await c.app.getDeployStatus({ apps: [a] });
    assert.equal(apps[0].status, "FAIL");
    const st = await raw(server, "GET", "/k/v1/preview/app/deploy.json", { query: `apps[0]=${a}` });
    assert.ok(e.message.includes(st.json.apps[0].message), st.json.apps[0].message);
  }
});
