// SUBTABLE and FILE fields through the official client: rows with ids unique
// across the app, kintone's merge-on-update rules and query semantics
// (KINTONE-API.md §6, §8); file.json upload/download, download keys, Japanese
// file names, and the cleanup of uploads no record took (§5.2).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { readdirSync, utimesSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startServer, client, raw, basic, rejects, makeApp, BIN, dataArgs } from "./helpers/server.mjs";
import { png } from "./helpers/png.mjs";

let server, c, app;

const FIELDS = {
  title: { type: "SINGLE_LINE_TEXT", code: "title", label: "Title" },
  actions: {
    type: "SUBTABLE", code: "actions", label: "Actions taken",
    fields: {
      what: { type: "SINGLE_LINE_TEXT", code: "what", label: "What", required: true },
      cost: { type: "NUMBER", code: "cost", label: "Cost" },
      day: { type: "DATE", code: "day", label: "Day" },
      tags: { type: "CHECK_BOX", code: "tags", label: "Tags", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
      photo: { type: "FILE", code: "photo", label: "Photo" },
    },
  },
  report: { type: "FILE", code: "report", label: "Report" },
};

before(async () => {
  server = await startServer();
  c = client(server);
  app = await makeApp(c, "Incidents", FIELDS);
});
after(() => server.stop());

const row = (what, cost = "", extra = {}) => ({ value: { what: { value: what }, cost: { value: cost }, ...extra } });

test("fields.json shows a table with its inner fields; codes are unique across the app", async () => {
  const { properties } = await c.app.getFormFields({ app });
  assert.equal(properties.actions.type, "SUBTABLE");
  assert.deepEqual(Object.keys(properties.actions.fields).sort(), ["cost", "day", "photo", "tags", "what"]);
  assert.equal(properties.actions.fields.what.required, true);
  assert.equal(properties.actions.fields.what._fid, undefined);
  assert.equal(properties.report.thumbnailSize, "150");
  const { layout } = await c.app.getFormLayout({ app });
  const t = layout.find((r) => r.type === "SUBTABLE");
  assert.equal(t.code, "actions");
  assert.deepEqual(t.fields.map((f) => f.code), ["what", "cost", "day", "tags", "photo"]);
  const e = await rejects(c.app.addFormFields({ app, properties: { what: { type: "NUMBER", code: "what", label: "x" } } }), "CB_VA01", 400);
  assert.ok(e.errors["properties.what.code"]);
  await rejects(c.app.addFormFields({ app, properties: { t2: { type: "SUBTABLE", code: "t2", label: "T2", fields: { x: { type: "SUBTABLE", code: "x", label: "x" } } } } }), "CB_VA01", 400);
});

test("rows get ids unique across the app; PUT merges, adds, deletes and keeps (§6)", async () => {
  const { id } = await c.record.addRecord({ app, record: { title: { value: "one" }, actions: { value: [row("call", "10"), row("visit", "2.5", { tags: { value: ["a", "b"] } })] } } });
  const { id: id2 } = await c.record.addRecord({ app, record: { title: { value: "two" }, actions: { value: [row("call", "1")] } } });
  let { record } = await c.record.getRecord({ app, id });
  const rows = record.actions.value;
  assert.equal(record.actions.type, "SUBTABLE");
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => r.value.what.value), ["call", "visit"]);
  assert.equal(rows[1].value.cost.type, "NUMBER");
  assert.equal(rows[1].value.cost.value, "2.5");
  assert.deepEqual(rows[1].value.tags.value, ["a", "b"]);
  assert.equal(rows[0].value.day.value, null);
  assert.deepEqual(rows[0].value.photo.value, []);
  const other = (await c.record.getRecord({ app, id: id2 })).record.actions.value[0].id;
  const ids = new Set([rows[0].id, rows[1].id, other]);
  assert.equal(ids.size, 3, "row ids are unique across the app");

  // merge the first row (cost left out keeps 10), drop the second, add one
  await c.record.updateRecord({ app, id, record: { actions: { value: [{ id: rows[0].id, value: { what: { value: "call back" } } }, row("write")] } } });
  record = (await c.record.getRecord({ app, id })).record;
  assert.equal(record.actions.value.length, 2);
  assert.equal(record.actions.value[0].id, rows[0].id);
  assert.equal(record.actions.value[0].value.what.value, "call back");
  assert.equal(record.actions.value[0].value.cost.value, "10");
  assert.ok(!ids.has(record.actions.value[1].id), "a new row gets a new id");
  // the table not sent at all is kept
  await c.record.updateRecord({ app, id, record: { title: { value: "renamed" } } });
  record = (await c.record.getRecord({ app, id })).record;
  assert.equal(record.actions.value.length, 2);
  // an unknown id is a new row, with a new id
  await c.record.updateRecord({ app, id, record: { actions: { value: [{ id: "999999", value: { what: { value: "x" } } }] } } });
  record = (await c.record.getRecord({ app, id })).record;
  assert.notEqual(record.actions.value[0].id, "999999");
  assert.equal(record.actions.value[0].value.cost.value, "");
  // value [] deletes every row
  await c.record.updateRecord({ app, id, record: { actions: { value: [] } } });
  record = (await c.record.getRecord({ app, id })).record;
  assert.deepEqual(record.actions.value, []);
  assert.equal(record.$revision.value, "5");
});

test("inner fields are checked per row; a non-number inside a table is stored empty", async () => {
  const e = await rejects(c.record.addRecord({ app, record: { actions: { value: [row("ok"), { value: { cost: { value: "3" } } }] } } }), "CB_VA01", 400);
  assert.ok(e.errors["record.actions.value[1].value.what.value"], JSON.stringify(e.errors));
  const bad = await rejects(c.record.addRecord({ app, record: { actions: { value: [row("ok", "", { tags: { value: ["zzz"] } })] } } }), "CB_VA01", 400);
  assert.ok(Object.keys(bad.errors).some((k) => k.startsWith("record.actions.value[0].value.tags")), JSON.stringify(bad.errors));
  const { id } = await c.record.addRecord({ app, record: { actions: { value: [row("n", "abc")] } } });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.actions.value[0].value.cost.value, "");
  await c.record.deleteRecords({ app, ids: [id] });
  await rejects(c.record.addRecord({ app, record: { actions: { value: "no" } } }), "CB_VA01", 400);
});

test("queries: any row, every row, the same row; = is refused; no order by a table field (§8)", async () => {
  const q = await makeApp(c, "Query tables", FIELDS);
  const add = (title, rows) => c.record.addRecord({ app: q, record: { title: { value: title }, actions: { value: rows } } });
  await add("A", [row("call", "5"), row("visit", "50")]);
  await add("B", [row("call", "50")]);
  await add("C", [row("visit", "1"), row("visit", "2")]);
  await add("D", []);
  const titles = async (query) =>
    (await c.record.getRecords({ app: q, query: query + " order by $id asc" })).records.map((r) => r.title.value).join("");
  assert.equal(await titles('what in ("call")'), "AB");
  assert.equal(await titles('what not in ("call")'), "C", "every row, and an empty table never matches");
  assert.equal(await titles('what in ("call") and cost >= 10'), "B", "positive conditions on the same row");
  assert.equal(await titles('what in ("call") or cost >= 10'), "AB");
  assert.equal(await titles("cost > 40"), "AB");
  assert.equal(await titles('what like "isi"'), "AC");
  assert.equal(await titles('what not like "isi"'), "B");
  assert.equal(await titles('title in ("A","C") and what in ("visit")'), "AC");
  await rejects(c.record.getRecords({ app: q, query: 'what = "call"' }), "GAIA_IQ07", 400);
  await rejects(c.record.getRecords({ app: q, query: "order by cost asc" }), "GAIA_IQ03", 400);
  const { totalCount } = await c.record.getRecords({ app: q, query: 'what in ("visit")', totalCount: true });
  assert.equal(totalCount, "2");
  const only = await c.record.getRecords({ app: q, query: 'title in ("A")', fields: ["what"] });
  assert.deepEqual(Object.keys(only.records[0]), ["actions"], "an inner code in fields[] brings its table");
});

test("history shows table changes, and restoring brings the rows back", async () => {
  const { id } = await c.record.addRecord({ app, record: { title: { value: "h" }, actions: { value: [row("first", "1")] } } });
  await c.record.updateRecord({ app, id, record: { actions: { value: [row("second", "2")] } } });
  const h = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${id}` });
  assert.equal(h.status, 200);
  const change = h.json.history[0].changes.find((x) => x.code === "actions");
  assert.equal(change.old[0].value.what, "first");
  assert.equal(change.new[0].value.what, "second");
  const r = await raw(server, "POST", "/k/v1/record/history/restore.json", { body: { app, id, revision: 1 } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const { record } = await c.record.getRecord({ app, id });
  assert.deepEqual(record.actions.value.map((x) => [x.value.what.value, x.value.cost.value]), [["first", "1"]]);
});

const sha = (b) => createHash("sha256").update(b).digest("hex");

test("file.json: upload key to download key, Japanese names, keys kept on update (§5.2)", async () => {
  const text = "事故報告\n" + "x".repeat(1000);
  const { fileKey: up } = await c.file.uploadFile({ file: { name: "事故報告書 (1).txt", data: text } });
  assert.match(up, /^[a-z0-9]{32}$/);
  const png = randomBytes(5000);
  const { fileKey: up2 } = await c.file.uploadFile({ file: { name: "photo.png", data: png } });
  const { id } = await c.record.addRecord({
    app,
    record: { title: { value: "with files" }, report: { value: [{ fileKey: up }] }, actions: { value: [row("photo", "", { photo: { value: [{ fileKey: up2 }] } })] } },
  });
  let { record } = await c.record.getRecord({ app, id });
  const f = record.report.value[0];
  assert.equal(f.name, "事故報告書 (1).txt");
  assert.equal(f.size, String(Buffer.byteLength(text)));
  assert.match(f.contentType, /^text\/plain/);
  assert.notEqual(f.fileKey, up, "attaching turns the upload key into a download key");
  const got = await c.file.downloadFile({ fileKey: f.fileKey });
  assert.equal(Buffer.from(got).toString(), text);
  const inner = record.actions.value[0].value.photo.value[0];
  assert.equal(sha(Buffer.from(await c.file.downloadFile({ fileKey: inner.fileKey }))), sha(png));

  const res = await fetch(`${server.base}/k/v1/file.json?fileKey=${f.fileKey}`, { headers: basic() });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-disposition"), /^attachment; filename="[^"]*"; filename\*=UTF-8''%E4%BA%8B%E6%95%85/);
  assert.match(res.headers.get("content-type"), /^text\/plain/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");

  // the upload key was used up; an unknown key is GAIA_BL01
  await rejects(c.record.addRecord({ app, record: { report: { value: [{ fileKey: up }] } } }), "GAIA_BL01", 404);
  for (const fileKey of [up, "nope"]) {
    // the client reads a download's error as bytes, so the code is checked raw
    await assert.rejects(c.file.downloadFile({ fileKey }), (e) => e.status === 404);
    const r = await raw(server, "GET", "/k/v1/file.json", { query: `fileKey=${fileKey}` });
    assert.equal(r.json.code, "GAIA_BL01");
  }
  // re-sending the download key keeps the file; adding a new upload appends
  const { fileKey: up3 } = await c.file.uploadFile({ file: { name: "追記.csv", data: "a,b\n" } });
  await c.record.updateRecord({ app, id, record: { report: { value: [{ fileKey: f.fileKey }, { fileKey: up3 }] } } });
  record = (await c.record.getRecord({ app, id })).record;
  assert.equal(record.report.value[0].fileKey, f.fileKey);
  assert.equal(record.report.value[1].name, "追記.csv");
  // a download key is kept only by the record and field holding it: another
  // record (new or not), or another field, cannot take it, and learns nothing of it
  for (const attempt of [
    () => c.record.addRecord({ app, record: { report: { value: [{ fileKey: f.fileKey }] } } }),
    async () => c.record.updateRecord({ app, id: (await c.record.addRecord({ app, record: {} })).id, record: { report: { value: [{ fileKey: f.fileKey }] } } }),
    () => c.record.updateRecord({ app, id, record: { actions: { value: [row("photo", "", { photo: { value: [{ fileKey: f.fileKey }] } })] } } }),
  ]) {
    const err = await attempt().then(() => null, (e) => e);
    assert.equal(err?.code, "GAIA_BL01");
    assert.equal(JSON.stringify({ ...err, stack: undefined }).includes("事故報告書"), false);
  }
  // queries on files: names, emptiness
  const found = await c.record.getRecords({ app, query: 'report like "事故"' });
  assert.deepEqual(found.records.map((r) => r.$id.value), [String(id)]);
  const empty = await c.record.getRecords({ app, query: "report is empty", fields: ["$id"] });
  assert.ok(!empty.records.some((r) => r.$id.value === String(id)));
  // no file part, two file parts: CB_VA01
  const form = new FormData();
  form.append("other", "x");
  const none = await fetch(`${server.base}/k/v1/file.json`, { method: "POST", headers: basic(), body: form });
  assert.equal(none.status, 400);
  assert.equal((await none.json()).code, "CB_VA01");
});

test("a large file streams to disk and back unchanged", async () => {
  const big = randomBytes(40 * 1024 * 1024);
  const { fileKey } = await c.file.uploadFile({ file: { name: "video.bin", data: big } });
  const { id } = await c.record.addRecord({ app, record: { report: { value: [{ fileKey }] } } });
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(record.report.value[0].size, String(big.length));
  const back = Buffer.from(await c.file.downloadFile({ fileKey: record.report.value[0].fileKey }));
  assert.equal(sha(back), sha(big));
  const stored = join(server.data, "files", sha(big).slice(0, 2), sha(big));
  assert.equal(statSync(stored).size, big.length, "stored under files/ by its hash");
});

test("uploads no record took are removed by the cleanup; attached files stay", async () => {
  const kept = randomBytes(1000), dropped = randomBytes(1000);
  const { fileKey: k1 } = await c.file.uploadFile({ file: { name: "kept.bin", data: kept } });
  const { fileKey: k2 } = await c.file.uploadFile({ file: { name: "dropped.bin", data: dropped } });
  const { id } = await c.record.addRecord({ app, record: { report: { value: [{ fileKey: k1 }] } } });
  // as if the upload were days old: bytes untouched for more than an hour
  const old = new Date(Date.now() - 4 * 24 * 3600 * 1000);
  for (const b of [kept, dropped]) utimesSync(join(server.data, "files", sha(b).slice(0, 2), sha(b)), old, old);
  const { stdout } = await promisify(execFile)(BIN, ["files", "cleanup", ...dataArgs(server), "--max-age", "0"]);
  assert.match(stdout, /1 stored file\(s\) removed/);
  assert.ok(!readdirSync(join(server.data, "files", sha(dropped).slice(0, 2))).includes(sha(dropped)));
  await rejects(c.record.addRecord({ app, record: { report: { value: [{ fileKey: k2 }] } } }), "GAIA_BL01", 404);
  const { record } = await c.record.getRecord({ app, id });
  assert.equal(sha(Buffer.from(await c.file.downloadFile({ fileKey: record.report.value[0].fileKey }))), sha(kept));
});

test("thumbnails: pictures made small once and kept; other files and false headers refused", async () => {
  const attach = async (name, data) => {
    const { fileKey } = await c.file.uploadFile({ file: { name, data } });
    const { id } = await c.record.addRecord({ app, record: { report: { value: [{ fileKey }] } } });
    return (await c.record.getRecord({ app, id })).record.report.value[0].fileKey;
  };
  const key = await attach("wide.png", png(600, 400));
  const thumb = async (k, size = 150) => fetch(`${server.base}/api/thumbnail?fileKey=${k}&size=${size}`, { headers: basic() });
  const res = await thumb(key);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  const body = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([body.readUInt32BE(16), body.readUInt32BE(20)], [150, 100], "fits 150x150, same shape");
  const big = Buffer.from(await (await thumb(key, 500)).arrayBuffer());
  assert.deepEqual([big.readUInt32BE(16), big.readUInt32BE(20)], [500, 333]);
  assert.ok(readdirSync(join(server.data, "files", "thumbs")).length >= 2, "kept under files/thumbs");
  const again = await thumb(key);
  assert.equal(Buffer.compare(Buffer.from(await again.arrayBuffer()), body), 0);
  // a text file, a header claiming 100000x100000 pixels, a size not offered, an unknown key
  assert.equal((await thumb(await attach("a.txt", "hello"))).status, 404);
  assert.equal((await thumb(await attach("bomb.png", png(100000, 100000, { claim: true })))).status, 404);
  // a real 7000 x 7000 picture (a small file: 196 MB once decoded) is past the pixel cap
  assert.equal((await thumb(await attach("huge.png", png(7000, 7000)))).status, 404);
  assert.equal((await thumb(key, 151)).status, 400);
  assert.equal((await thumb("nope")).status, 404);
});

test("an upload key is its uploader's (or their tokens') to attach: another person gets GAIA_BL01", async () => {
  await raw(server, "POST", "/v1/users.json", { body: { users: [{ code: "other_uploader", name: "他", password: "other-pass-1" }] } });
  const { fileKey } = await c.file.uploadFile({ file: { name: "mine.txt", data: "mine" } });
  const other = client(server, { username: "other_uploader", password: "other-pass-1" });
  await rejects(other.record.addRecord({ app, record: { report: { value: [{ fileKey }] } } }), "GAIA_BL01", 404);
  // a token counts as the person who made it
  const { token } = (await raw(server, "POST", "/k/v1/app/apiTokens.json", { body: { app, permissions: ["add", "view"] } })).json;
  const { id } = await client(server, { apiToken: token }).record.addRecord({ app, record: { report: { value: [{ fileKey }] } } });
  assert.equal((await c.record.getRecord({ app, id })).record.report.value[0].name, "mine.txt");
});
