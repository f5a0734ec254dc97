// kill -9 in the middle of concurrent bulk writes, again and again: every batch
// the server acknowledged is there after a restart, and every batch it did not
// acknowledge is wholly absent -- never half applied (issue 3). CRASH_ROUNDS sets
// the number of rounds (3 here; bench/run.sh runs 20).
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, makeApp, basic } from "./helpers/server.mjs";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);

test(`acknowledged batches survive kill -9, unacknowledged ones leave no trace (${ROUNDS} rounds)`, async () => {
  let server = await startServer();
  const app = await makeApp(client(server), "crash", {
    round: { type: "NUMBER", code: "round", label: "round" },
    batch: { type: "SINGLE_LINE_TEXT", code: "batch", label: "batch" },
    text: { type: "MULTI_LINE_TEXT", code: "text", label: "text" },
  });
  const summary = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const base = server.base;
      const acked = new Set(), tried = new Set();
      let stop = false;
      const writer = async (w) => {
        for (let k = 0; !stop; k++) {
          const batch = `r${round}-w${w}-b${k}`;
          tried.add(batch);
          const records = Array.from({ length: 100 }, (_, i) => ({
            round: { value: round }, batch: { value: batch }, text: { value: `行 ${i} の本文。途中で止められても半分だけ残ってはならない。` },
          }));
          try {
            const res = await fetch(base + "/k/v1/records.json", {
              method: "POST", headers: { ...basic(), "Content-Type": "application/json" }, body: JSON.stringify({ app, records }),
            });
            if (res.ok) {
              const body = await res.json();
              if (body.ids.length === 100) acked.add(batch);
            }
          } catch {
            return; // the server is gone
          }
        }
      };
      const reader = async () => {
        while (!stop) {
          try {
            await fetch(base + `/k/v1/records.json?app=${app}&query=round%20%3D%20${round}%20limit%2010`, { headers: basic() });
          } catch {
            return;
          }
        }
      };
      const load = [0, 1, 2, 3].map(writer).concat([reader(), reader()]);
      // kill at a random moment once writes are flowing
      for (let i = 0; i < 200 && acked.size === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, Math.random() * 700));
      await server.crash();
      stop = true;
      await Promise.all(load);

      server = await startServer({ data: server.data });
      const rows = await client(server).record.getAllRecords({ app, condition: `round = ${round}`, fields: ["batch"] });
      const counts = new Map();
      for (const r of rows) counts.set(r.batch.value, (counts.get(r.batch.value) ?? 0) + 1);
      for (const b of acked) assert.equal(counts.get(b), 100, `acknowledged batch ${b} must be whole`);
      for (const [b, n] of counts) {
        assert.ok(tried.has(b), `unknown batch ${b}`);
        assert.equal(n, 100, `batch ${b} half applied: ${n} of 100`);
      }
      summary.push({ round, acked: acked.size, present: counts.size });
    }
  } finally {
    await server.stop();
  }
  console.log("crash rounds:", JSON.stringify(summary));
  assert.ok(summary.every((s) => s.acked > 0), "writes were flowing in every round");
});
