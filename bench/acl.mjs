// bench/acl.mjs - how long a change of record access rights takes to apply on
// an app that already holds the records, and what it costs the reads after it.
//   node acl.mjs BASE_URL PASSWORD APP   -> lines of figures
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "package.json"));
const { KintoneRestAPIClient } = require("@kintone/rest-api-client");
const [base, password, appArg] = process.argv.slice(2);
const app = Number(appArg);
const admin = new KintoneRestAPIClient({ baseUrl: base, auth: { username: "Administrator", password } });
const staff = new KintoneRestAPIClient({ baseUrl: base, auth: { username: "staff01", password: "staff-password-1" } });

async function deployed() {
  await admin.app.deployApp({ apps: [{ app }] });
  for (;;) {
    const { apps } = await admin.app.getDeployStatus({ apps: [app] });
    if (apps[0].status === "SUCCESS") return;
    if (apps[0].status === "FAIL") throw new Error("deploy failed");
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function timed(what, f) {
  const t = process.hrtime.bigint();
  const r = await f();
  console.log(`${what}: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
  return r;
}
async function median(what, f, n = 7) {
  const ms = [];
  let r;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    r = await f();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(`${what}: median ${ms[n >> 1].toFixed(1)} ms of ${n}`);
  return r;
}

const page = () => staff.record.getRecords({ app, query: "order by $id desc limit 100" });
const counted = () => staff.record.getRecords({ app, query: 'order by $id desc limit 100', totalCount: true });
await median("staff01 reads a page, no record rules", page);
// severe reports: only the person in charge; the rest for everyone
const rule1 = [
  { filterCond: '重症度 in ("重度")', entities: [{ entity: { type: "FIELD_ENTITY", code: "担当者" }, viewable: true, editable: true }] },
];
await timed("record rule set and deployed (PUT record/acl.json + deploy)", async () => {
  await admin.app.updateRecordAcl({ app, rights: rule1 });
  await deployed();
});
const r = await median("staff01 reads a page under the rule", page);
const c = await median("staff01 reads a page under the rule, with totalCount", counted, 5);
console.log(`staff01 sees ${c.totalCount} records; the page's newest id ${r.records[0]?.$id.value}`);
await timed("rule changed again (also the state 未対応: only staff01) and deployed", async () => {
  await admin.app.updateRecordAcl({ app, rights: [...rule1, { filterCond: '状態 in ("未対応")', entities: [{ entity: { type: "USER", code: "staff01" }, viewable: true }] }] });
  await deployed();
});
await median("staff01 reads a page under the two rules", page);
await timed("rules removed and deployed", async () => {
  await admin.app.updateRecordAcl({ app, rights: [] });
  await deployed();
});
process.exit(0);
