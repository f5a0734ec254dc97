// The official CLI (@kintone/cli): record export of an app, import of that CSV
// into a second app with the same fields, and --update-key (KINTONE-API.md §10).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startServer, client, raw, makeApp, ADMIN_PASSWORD } from "./helpers/server.mjs";

const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".bin", "cli-kintone");
let server, c;

const FIELDS = {
  code: { type: "SINGLE_LINE_TEXT", code: "code", label: "Code", unique: true },
  name: { type: "SINGLE_LINE_TEXT", code: "name", label: "Name" },
  memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "Memo" },
  beds: { type: "NUMBER", code: "beds", label: "Beds" },
  kind: { type: "DROP_DOWN", code: "kind", label: "Kind", options: { 通所: { label: "通所", index: 0 }, 入所: { label: "入所", index: 1 } } },
  services: { type: "CHECK_BOX", code: "services", label: "Services", options: { 食事: { label: "食事", index: 0 }, 入浴: { label: "入浴", index: 1 }, "送迎, 夜間": { label: "送迎, 夜間", index: 2 } } },
  opened: { type: "DATE", code: "opened", label: "Opened" },
  at: { type: "DATETIME", code: "at", label: "At" },
  staff: { type: "USER_SELECT", code: "staff", label: "Staff" },
};

function cli(args) {
  return run(CLI, [...args, "--base-url", server.base, "--username", "Administrator", "--password", ADMIN_PASSWORD], {
    env: { ...process.env, HTTPS_PROXY: "", https_proxy: "", HTTP_PROXY: "", http_proxy: "" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

before(async () => {
  server = await startServer();
  c = client(server);
});
after(() => server.stop());

function simplify(records) {
  return records
    .map((r) => ({
      code: r.code.value, name: r.name.value, memo: r.memo.value, beds: r.beds.value, kind: r.kind.value,
      services: r.services.value, opened: r.opened.value, at: r.at.value, staff: r.staff.value.map((u) => u.code),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

test("export, then import into a twin app, gives the same records; --update-key updates", async () => {
  const src = await makeApp(c, "施設 (元)", FIELDS);
  const dst = await makeApp(c, "施設 (写し)", FIELDS);
  const records = Array.from({ length: 1234 }, (_, i) => ({
    code: { value: `F${String(i).padStart(5, "0")}` },
    name: { value: i % 7 ? `デイサービス "ひまわり" ${i}` : "" },
    memo: { value: i % 3 ? `一行目\n二行目, カンマ ${i}` : "" },
    beds: { value: i % 5 ? String(i * 1.5) : "" },
    kind: { value: i % 2 ? "通所" : "入所" },
    services: { value: i % 4 ? ["食事", "送迎, 夜間"] : [] },
    opened: { value: i % 6 ? `20${String(10 + (i % 15)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}` : "" },
    at: { value: i % 8 ? "2024-04-01T09:15:00Z" : "" },
    staff: { value: i % 9 ? [{ code: "Administrator" }] : [] },
  }));
  await c.record.addAllRecords({ app: src, records });

  const { stdout: csv } = await cli(["record", "export", "--app", String(src)]);
  const header = csv.split("\n")[0];
  assert.match(header, /"code"/);
  assert.ok(header.startsWith('"Record_number"'));
  const dir = mkdtempSync(join(tmpdir(), "tsumiki-cli-"));
  const file = join(dir, "export.csv");
  writeFileSync(file, csv);

  await cli(["record", "import", "--app", String(dst), "--file-path", file]);
  const a = simplify(await c.record.getAllRecords({ app: src }));
  const b = simplify(await c.record.getAllRecords({ app: dst }));
  assert.equal(b.length, 1234);
  assert.deepEqual(b, a);

  // the same file again with --update-key: updates, no duplicates
  const changed = csv.replace(/デイサービス/g, "デイケア");
  writeFileSync(file, changed);
  await cli(["record", "import", "--app", String(dst), "--file-path", file, "--update-key", "code"]);
  const after = await c.record.getAllRecords({ app: dst });
  assert.equal(after.length, 1234);
  assert.ok(after.every((r) => !r.name.value.includes("デイサービス")));
  assert.ok(after.some((r) => r.name.value.includes("デイケア")));

  // export with a condition and an order uses a cursor
  const { stdout: part } = await cli(["record", "export", "--app", String(dst), "--condition", 'kind in ("入所")', "--order-by", "code desc"]);
  const rows = part.split("\n").filter((l) => /^"\d+",/.test(l));
  assert.equal(rows.length, 617);
  assert.match(rows[0], /F01232/);
});

test("record delete through the CLI", async () => {
  const app = await makeApp(c, "delete me", { n: { type: "NUMBER", code: "n", label: "N" } });
  await c.record.addAllRecords({ app, records: Array.from({ length: 250 }, (_, i) => ({ n: { value: i } })) });
  // the CLI deletes only with an API token
  const tok = await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["view", "delete"] } });
  await run(CLI, ["record", "delete", "--app", String(app), "--yes", "--base-url", server.base, "--api-token", tok.json.token]);
  const { totalCount } = await c.record.getRecords({ app, totalCount: true });
  assert.equal(totalCount, "0");
});

test("tables and attachments round-trip through the CLI (--attachments-dir)", async () => {
  const TABLE_FIELDS = {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
    photo: { type: "FILE", code: "photo", label: "写真" },
    actions: {
      type: "SUBTABLE", code: "actions", label: "対応",
      fields: {
        day: { type: "DATE", code: "day", label: "日付" },
        what: { type: "SINGLE_LINE_TEXT", code: "what", label: "内容" },
        cost: { type: "NUMBER", code: "cost", label: "費用" },
        memo: { type: "FILE", code: "memo", label: "メモ" },
      },
    },
  };
  const src = await makeApp(c, "表と添付 (元)", TABLE_FIELDS);
  const dst = await makeApp(c, "表と添付 (写し)", TABLE_FIELDS);
  const up = async (name, data) => ({ fileKey: (await c.file.uploadFile({ file: { name, data } })).fileKey });
  await c.record.addRecord({ app: src, record: {
    title: { value: "一件目, \"引用\"" },
    photo: { value: [await up("現場写真.png", Buffer.from([137, 80, 78, 71, 1, 2, 3])), await up("図.txt", "図の説明")] },
    actions: { value: [
      { value: { day: { value: "2026-11-20" }, what: { value: "家族へ連絡\n二行目" }, cost: { value: "1200.5" }, memo: { value: [await up("連絡メモ.txt", "電話で報告")] } } },
      { value: { day: { value: "2026-11-21" }, what: { value: "手順を見直し" }, cost: { value: "" } } },
    ] },
  } });
  await c.record.addRecord({ app: src, record: { title: { value: "表なし" } } });

  const dir = mkdtempSync(join(tmpdir(), "tsumiki-cli-att-"));
  const { stdout: csv } = await cli(["record", "export", "--app", String(src), "--attachments-dir", dir]);
  const lines = csv.trim().split("\n");
  assert.ok(lines[0].startsWith('*,"Record_number"'), lines[0]);
  assert.equal(csv.split("\n").filter((l) => l.startsWith("*,")).length, 3, "the header and one * line per record");
  const file = join(dir, "export.csv");
  writeFileSync(file, csv);
  await cli(["record", "import", "--app", String(dst), "--file-path", file, "--attachments-dir", dir]);

  const shape = async (app) => {
    const recs = (await c.record.getAllRecords({ app })).sort((a, b) => a.title.value.localeCompare(b.title.value));
    const files = async (list) => Promise.all(list.map(async (f) => [f.name, Buffer.from(await c.file.downloadFile({ fileKey: f.fileKey })).toString("hex")]));
    return Promise.all(recs.map(async (r) => ({
      title: r.title.value,
      photo: await files(r.photo.value),
      rows: await Promise.all(r.actions.value.map(async (row) => ({
        day: row.value.day.value, what: row.value.what.value, cost: row.value.cost.value, memo: await files(row.value.memo.value),
      }))),
    })));
  };
  const a = await shape(src);
  assert.equal(a[0].rows.length, 2);
  assert.deepEqual(await shape(dst), a);
});
