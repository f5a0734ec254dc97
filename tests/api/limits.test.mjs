// kintone's caps on what a value holds, whatever the field's own settings:
// single-line text and links 64,000 characters, multi-line and rich text
// 65,535; a text auto-calculation past the cap is a formula error (empty),
// however its & are chained.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, rejects, makeApp, dbQuery } from "./helpers/server.mjs";

let server, c, app;
before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "上限", {
    one: { type: "SINGLE_LINE_TEXT", code: "one", label: "一行" },
    many: { type: "MULTI_LINE_TEXT", code: "many", label: "複数行" },
    rich: { type: "RICH_TEXT", code: "rich", label: "リッチ" },
    twice: { type: "SINGLE_LINE_TEXT", code: "twice", label: "二倍", expression: "one & one" },
    again: { type: "SINGLE_LINE_TEXT", code: "again", label: "四倍", expression: "twice & twice" },
  });
});
after(() => server.stop());

test("text values stop at kintone's caps, counted in characters", async () => {
  await c.record.addRecord({ app, record: { one: { value: "あ".repeat(64000) } } });
  await rejects(c.record.addRecord({ app, record: { one: { value: "あ".repeat(64001) } } }), "CB_VA01", 400);
  await c.record.addRecord({ app, record: { many: { value: "x".repeat(65535) } } });
  await rejects(c.record.addRecord({ app, record: { many: { value: "x".repeat(65536) } } }), "CB_VA01", 400);
  await rejects(c.record.addRecord({ app, record: { rich: { value: "<b>" + "x".repeat(65536) + "</b>" } } }), "CB_VA01", 400);
});

test("a text auto-calculation past the cap is an error, not a huge value", async () => {
  const { id } = await c.record.addRecord({ app, record: { one: { value: "y".repeat(40000) } } });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.twice.value, "", "80,000 characters: past the cap");
  assert.equal(record.again.value, "");
  const small = await c.record.addRecord({ app, record: { one: { value: "ab" } } });
  const r2 = (await c.record.getRecord({ app, id: small.id })).record;
  assert.equal(r2.twice.value, "abab");
  assert.equal(r2.again.value, "abababab");
});

test("an app has at most 500 fields: refused with a clear error as they are added", async () => {
  const { app: a } = await c.app.addApp({ name: "多すぎる" });
  const props = (from, n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${from + i}`, { type: "NUMBER", code: `f${from + i}`, label: `f${from + i}` }]));
  await c.app.addFormFields({ app: a, properties: props(0, 499) });
  const e = await rejects(c.app.addFormFields({ app: a, properties: props(499, 2) }), "CB_VA01", 400);
  assert.match(JSON.stringify(e.errors), /500/);
  await c.app.addFormFields({ app: a, properties: props(499, 1) });
  await c.app.deployApp({ apps: [{ app: a }] });
  const { apps } = await c.app.getDeployStatus({ apps: [a] });
  assert.equal(apps[0].status, "SUCCESS");
});

test("a deploy the server stopped in the middle of is FAIL after the restart, never SUCCESS", async () => {
  const { startServer: start } = await import("./helpers/server.mjs");
  const s = await start();
  try {
    const cc = client(s);
    const a = await makeApp(cc, "途中", { n: { type: "NUMBER", code: "n", label: "n" } });
    await cc.app.addFormFields({ app: a, properties: { m: { type: "NUMBER", code: "m", label: "m" } } });
    await s.crash();
    // as a kill -9 after the deploy said PROCESSING and before it committed
    dbQuery(s, `UPDATE apps SET deploy_status='PROCESSING' WHERE id=${a}`);
    const again = await start({ data: s.data });
    const { apps } = await client(again).app.getDeployStatus({ apps: [a] });
    assert.equal(apps[0].status, "FAIL");
    const { properties } = await client(again).app.getFormFields({ app: a });
    assert.equal(properties.m, undefined, "nothing of it is live");
    await again.stop();
  } finally {
    await s.stop();
  }
});
