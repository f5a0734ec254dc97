// tsumiki migrate: a whole installation (every field type, tables, files,
// history, comments, rights, process state, people, tokens, the audit log)
// moved to the other backend and back is equal, and its audit chain verifies.
// With TSUMIKI_TEST_PG the servers run on PostgreSQL and the copy goes to a
// SQLite data folder and back; with only TSUMIKI_PG_CLUSTER (a cluster at hand,
// servers on SQLite) to PostgreSQL and back; with neither, SQLite to SQLite.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, cpSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, client, raw, makeApp, ALL_FIELDS, BIN } from "./helpers/server.mjs";

const PG = process.env.TSUMIKI_TEST_PG ?? process.env.TSUMIKI_PG_CLUSTER;
let server, c, app, deleted;

before(async () => {
  server = await startServer();
  c = client(server);
  await raw(server, "POST", "/v1/organizations.json", { body: { organizations: [{ code: "welfare", name: "福祉課" }] } });
  await raw(server, "POST", "/v1/groups.json", { body: { groups: [{ code: "leads", name: "係長" }] } });
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "sato", name: "佐藤", password: "sato-password-1" }] } });
  await raw(server, "PUT", "/v1/userOrganizations.json", { body: { userOrganizations: [{ code: "sato", organizations: ["welfare"] }] } });
  app = await makeApp(c, "移行", {
    ...ALL_FIELDS,
    rows: { type: "SUBTABLE", code: "rows", label: "明細", fields: {
      what: { type: "SINGLE_LINE_TEXT", code: "what", label: "内容" },
      cost: { type: "NUMBER", code: "cost", label: "費用" },
      tags: { type: "CHECK_BOX", code: "tags", label: "区分", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
    } },
    report: { type: "FILE", code: "report", label: "報告書" },
  });
  await c.app.updateViews({ app, views: { 新しい順: { type: "LIST", index: 0, name: "新しい順", sort: "qty desc", filterCond: 'radio in ("r1")', fields: ["title", "qty"] } } });
  await raw(server, "PUT", "/k/v1/preview/app/status.json", { body: { app, enable: true,
    states: { 受付: { name: "受付", index: "0", assignee: { type: "ONE", entities: [] } }, 完了: { name: "完了", index: "1", assignee: { type: "ONE", entities: [] } } },
    actions: [{ name: "完了にする", from: "受付", to: "完了" }] } });
  await c.app.updateAppAcl({ app, rights: [
    { entity: { type: "USER", code: "Administrator" }, appEditable: true, recordViewable: true, recordAddable: true, recordEditable: true, recordDeletable: true, recordImportable: true, recordExportable: true },
    { entity: { type: "ORGANIZATION", code: "welfare" }, recordViewable: true, recordAddable: true },
  ] });
  await c.app.updateFieldAcl({ app, rights: [{ code: "memo", entities: [{ accessibility: "READ", entity: { type: "ORGANIZATION", code: "welfare" } }] }] });
  await c.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await c.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const { fileKey } = await c.file.uploadFile({ file: { name: "報告書.txt", data: "移行の確認" } });
  const records = Array.from({ length: 30 }, (_, i) => ({
    title: { value: `記録${i}` }, key: { value: `k${i}` }, memo: { value: "複数行\nのメモ" }, rich: { value: "<b>太字</b>" },
    qty: { value: String(i * 1.25) }, radio: { value: i % 2 ? "r2" : "r1" }, check: { value: ["c1", "c3"] }, multi: { value: ["m2"] },
    drop: { value: "中" }, date: { value: "2026-12-06" }, time: { value: "09:30" }, dt: { value: "2026-12-06T01:02:00Z" },
    link: { value: "https://www.city.kobe.lg.jp/" }, user: { value: [{ code: "sato" }] }, org: { value: [{ code: "welfare" }] },
    grp: { value: [{ code: "leads" }] },
    rows: { value: [{ value: { what: { value: "点検" }, cost: { value: "12345678901234567890.123" }, tags: { value: ["b"] } } }] },
  }));
  const { ids } = await c.record.addRecords({ app, records });
  await c.record.updateRecord({ app, id: ids[0], record: { title: { value: "直した" }, report: { value: [{ fileKey }] } } });
  await c.record.addRecordComment({ app, record: ids[0], comment: { text: "確認しました" } });
  await c.record.updateRecordStatus({ app, id: ids[1], action: "完了にする" });
  await c.record.deleteRecords({ app, ids: [ids[29]] });
  deleted = Number(ids[29]);
  const token = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view"] } });
  assert.equal(token.status, 200, JSON.stringify(token.json));
});
after(() => server?.stop());

// Everything a person or the official client can read of the installation.
async function snapshot(s) {
  const k = client(s);
  const records = await k.record.getAllRecords({ app, orderBy: "$id asc" });
  for (const r of records)
    for (const f of r.report.value) delete f.fileKey; // download keys are made per read
  const ids = records.map((r) => r.$id.value);
  const history = [], comments = [];
  for (const id of ids.slice(0, 3)) {
    history.push((await raw(s, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${id}` })).json);
    comments.push(await k.record.getRecordComments({ app, record: id }));
  }
  const file = records[0].report.value.length
    ? await (await fetch(`${s.base}/k/v1/file.json?fileKey=${(await k.record.getRecord({ app, id: ids[0] })).record.report.value[0].fileKey}`,
      { headers: { "X-Cybozu-Authorization": Buffer.from("Administrator:admin-password-1").toString("base64") } })).text()
    : null;
  return {
    records, history, comments, file,
    fields: (await k.app.getFormFields({ app })).properties,
    views: (await k.app.getViews({ app })).views,
    acl: (await k.app.getAppAcl({ app })).rights,
    fieldAcl: (await k.app.getFieldAcl({ app })).rights,
    status: await k.app.getProcessManagement({ app }),
    users: (await raw(s, "GET", "/v1/users.json")).json.users.map((u) => [u.code, u.name]),
    orgs: (await raw(s, "GET", "/v1/organizations.json")).json.organizations.map((o) => [o.code, o.name]),
    tokens: (await raw(s, "GET", "/k/v1/app/apiTokens.json", { query: `app=${app}` })).json,
    query: (await k.record.getRecords({ app, query: 'title like "記録1" and qty >= 10 order by qty desc', totalCount: true })).records.map((r) => r.$id.value),
  };
}

function migrate(from, to) {
  const r = spawnSync(BIN, ["migrate", "--from", from, "--to", to], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

// A new empty database of the other kind (or another SQLite folder) for the copy.
function emptyTarget(pg) {
  if (!pg) return { name: mkdtempSync(join(tmpdir(), "tsumiki-migrate-")) };
  const db = "m_" + process.pid + "_" + Math.floor(Math.random() * 1e6);
  execFileSync("psql", ["-X", "-q", PG, "-c", `CREATE DATABASE ${db}`]);
  return { name: PG.replace(/\/[^/]*$/, "/" + db), db };
}

function dropTarget(t) {
  if (t.db) execFileSync("psql", ["-X", "-q", PG, "-c", `DROP DATABASE IF EXISTS ${t.db} WITH (FORCE)`]);
  else rmSync(t.name, { recursive: true, force: true });
}

test("an installation moved to the other backend and back is equal, and its audit chain verifies", async () => {
  const before = await snapshot(server);
  assert.equal(before.records.length, 29);
  const source = server.db ?? server.data;
  // there: to SQLite when the source is PostgreSQL, to PostgreSQL when one is at hand
  const there = emptyTarget(!server.db && !!PG);
  const back = emptyTarget(!!server.db);
  const folders = [];
  try {
    migrate(source, there.name);
    migrate(there.name, back.name);
    for (const t of [there, back]) {
      // a server on the copy: the data folder keeps the files and the audit key
      const data = mkdtempSync(join(tmpdir(), "tsumiki-migrated-"));
      folders.push(data);
      cpSync(join(server.data, "files"), join(data, "files"), { recursive: true });
      cpSync(join(server.data, "audit.key"), join(data, "audit.key"));
      if (t.db) writeFileSync(join(data, "pg-test"), t.name);
      else cpSync(join(t.name, "tsumiki.db"), join(data, "tsumiki.db"));
      const s = await startServer({ data, sqlite: !t.db });
      try {
        assert.deepEqual(await snapshot(s), before);
        const v = (await raw(s, "GET", "/api/audit/verify")).json;
        assert.equal(v.ok, true, JSON.stringify(v));
        // ids go on after every id given out, a deleted record's too: it must
        // not come back with the deleted record's comments and history
        const { id } = await client(s).record.addRecord({ app, record: { title: { value: "移行後" }, key: { value: "new" } } });
        assert.ok(Number(id) > deleted, `${id} after ${deleted}`);
      } finally {
        await s.crash();
      }
    }
  } finally {
    dropTarget(there);
    dropTarget(back);
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  }
});

test("migrate refuses a target that already holds an installation, and changes nothing", async () => {
  const target = emptyTarget(false);
  try {
    migrate(server.db ?? server.data, target.name);
    const again = spawnSync(BIN, ["migrate", "--from", server.db ?? server.data, "--to", target.name], { encoding: "utf8" });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /must be empty/);
  } finally {
    dropTarget(target);
  }
});
