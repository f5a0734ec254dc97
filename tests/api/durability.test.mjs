// Nothing acknowledged is lost, even on kill -9, and concurrent writers all land
// (DESIGN §3, §6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, makeApp } from "./helpers/server.mjs";

test("every acknowledged write survives kill -9", async () => {
  const first = await startServer();
  const c = client(first);
  const app = await makeApp(c, "durable", { n: { type: "NUMBER", code: "n", label: "N" }, s: { type: "SINGLE_LINE_TEXT", code: "s", label: "S" } });
  const acked = [];
  const writers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; i < 25; i++) {
      const { id } = await c.record.addRecord({ app, record: { n: { value: w * 1000 + i }, s: { value: `w${w}` } } });
      acked.push(id);
    }
  });
  // bulk writes in flight at the same time
  const bulk = (async () => {
    for (let i = 0; i < 5; i++) {
      const { ids } = await c.record.addRecords({ app, records: Array.from({ length: 100 }, (_, k) => ({ n: { value: 100000 + i * 100 + k } })) });
      acked.push(...ids);
    }
  })();
  await Promise.all([...writers, bulk]);
  // an update acknowledged just before the crash
  const { revision } = await c.record.updateRecord({ app, id: acked[0], record: { s: { value: "last word" } } });
  await first.crash();

  const second = await startServer({ data: first.data });
  try {
    const c2 = client(second);
    const all = await c2.record.getAllRecordsWithId({ app, fields: ["$id"] });
    const have = new Set(all.map((r) => r.$id.value));
    assert.equal(acked.length, 700);
    for (const id of acked) assert.ok(have.has(id), `record ${id} was acknowledged and must exist`);
    const { record } = await c2.record.getRecord({ app, id: acked[0] });
    assert.equal(record.s.value, "last word");
    assert.equal(record.$revision.value, revision);
  } finally {
    await second.stop();
  }
});

test("concurrent updates of one record: each wins once, revisions stay exact", async () => {
  const server = await startServer();
  try {
    const c = client(server);
    const app = await makeApp(c, "race", { n: { type: "NUMBER", code: "n", label: "N" } });
    const { id } = await c.record.addRecord({ app, record: { n: { value: 0 } } });
    // 20 clients all try to move revision 1 -> 2: exactly one succeeds
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => c.record.updateRecord({ app, id, revision: 1, record: { n: { value: i } } })));
    const ok = results.filter((r) => r.status === "fulfilled");
    assert.equal(ok.length, 1);
    for (const r of results.filter((x) => x.status === "rejected")) assert.equal(r.reason.code, "GAIA_CO02");
    // unconditional updates all apply
    await Promise.all(Array.from({ length: 30 }, () => c.record.updateRecord({ app, id, record: { n: { value: 1 } } })));
    const { record } = await c.record.getRecord({ app, id });
    assert.equal(record.$revision.value, "32");
  } finally {
    await server.stop();
  }
});
