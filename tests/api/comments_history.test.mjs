// Record comments (KINTONE-API.md §5.1) and record history with restore (ours).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, rejects, makeApp, BIN, dataArgs } from "./helpers/server.mjs";
import { execFileSync } from "node:child_process";

let server, c, app, rec;
before(async () => {
  server = await startServer();
  c = client(server);
  execFileSync(BIN, ["user", "add", "tanaka", "--name", "田中 花子", ...dataArgs(server)], { env: { ...process.env, TSUMIKI_PASSWORD: "tanaka-pass-1" } });
  app = await makeApp(c, "comments", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "Title" },
    n: { type: "NUMBER", code: "n", label: "N" },
    tags: { type: "CHECK_BOX", code: "tags", label: "Tags", options: { a: { label: "a", index: 0 }, b: { label: "b", index: 1 } } },
  });
  rec = (await c.record.addRecord({ app, record: { title: { value: "v1" }, n: { value: 1 } } })).id;
});
after(() => server.stop());

test("comments: add with mentions, list newest first in pages, delete", async () => {
  const { id } = await c.record.addRecordComment({ app, record: rec, comment: { text: "確認お願いします", mentions: [{ code: "tanaka", type: "USER" }] } });
  assert.equal(id, "1");
  for (let i = 2; i <= 12; i++) await c.record.addRecordComment({ app, record: rec, comment: { text: "c" + i } });
  const first = await c.record.getRecordComments({ app, record: rec });
  assert.equal(first.comments.length, 10);
  assert.equal(first.comments[0].id, "12");
  assert.equal(first.older, true);
  assert.equal(first.newer, false);
  const last = await c.record.getRecordComments({ app, record: rec, offset: 10 });
  assert.deepEqual(last.comments.map((x) => x.id), ["2", "1"]);
  assert.equal(last.comments[1].text, "確認お願いします");
  assert.deepEqual(last.comments[1].mentions, [{ code: "tanaka", type: "USER" }]);
  assert.deepEqual(last.comments[1].creator, { code: "Administrator", name: "Administrator" });
  assert.equal(last.newer, true);
  const asc = await c.record.getRecordComments({ app, record: rec, order: "asc", limit: 2 });
  assert.deepEqual(asc.comments.map((x) => x.id), ["1", "2"]);
  await c.record.deleteRecordComment({ app, record: rec, comment: "1" });
  await rejects(c.record.deleteRecordComment({ app, record: rec, comment: "1" }), "GAIA_RE02", 400);
  const again = await c.record.addRecordComment({ app, record: rec, comment: { text: "next" } });
  assert.equal(again.id, "13", "ids are never reused");
});

test("comment errors", async () => {
  await rejects(c.record.addRecordComment({ app, record: rec, comment: { text: "" } }), "CB_VA01");
  await rejects(c.record.addRecordComment({ app, record: rec, comment: { text: "x", mentions: [{ code: "ghost", type: "USER" }] } }), "GAIA_IL26");
  await rejects(c.record.addRecordComment({ app, record: 999999, comment: { text: "x" } }), "GAIA_RE01");
  await rejects(c.record.getRecordComments({ app, record: rec, limit: 11 }), "CB_VA01");
  const other = client(server, { username: "tanaka", password: "tanaka-pass-1" });
  const { id } = await c.record.addRecordComment({ app, record: rec, comment: { text: "admin's" } });
  await rejects(other.record.deleteRecordComment({ app, record: rec, comment: id }), "CB_NO02", 403);
});

test("history records who changed which field from what to what, and restores", async () => {
  const other = client(server, { username: "tanaka", password: "tanaka-pass-1" });
  await c.record.updateRecord({ app, id: rec, record: { title: { value: "v2" }, tags: { value: ["a"] } } });
  await other.record.updateRecord({ app, id: rec, record: { n: { value: "5" }, tags: { value: ["a", "b"] } } });
  const h = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${rec}` });
  assert.equal(h.status, 200);
  const [e3, e2, e1] = h.json.history;
  assert.equal(e1.action, "ADD");
  assert.equal(e3.revision, "3");
  assert.deepEqual(e3.user, { code: "tanaka", name: "田中 花子" });
  const n3 = e3.changes.find((x) => x.code === "n");
  assert.deepEqual([n3.old, n3.new], ["1", "5"]);
  assert.equal(n3.label, "N");
  const t2 = e2.changes.find((x) => x.code === "title");
  assert.deepEqual([t2.old, t2.new], ["v1", "v2"]);
  const tags3 = e3.changes.find((x) => x.code === "tags");
  assert.deepEqual([tags3.old, tags3.new], [["a"], ["a", "b"]]);
  assert.equal(e3.changes.length, 2, "only changed fields");
  // restore revision 1 as revision 4
  const r = await raw(server, "POST", "/k/v1/record/history/restore.json", { body: { app, id: rec, revision: 1 } });
  assert.equal(r.json.revision, "4");
  const { record } = await c.record.getRecord({ app, id: rec });
  assert.equal(record.title.value, "v1");
  assert.equal(record.n.value, "1");
  assert.deepEqual(record.tags.value, []);
  assert.equal(record.$revision.value, "4");
  const h2 = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${rec}` });
  assert.equal(h2.json.history[0].action, "RESTORE");
  const bad = await raw(server, "POST", "/k/v1/record/history/restore.json", { body: { app, id: rec, revision: 99 } });
  assert.equal(bad.status, 400);
});

test("deleting a record keeps its history", async () => {
  const { id } = await c.record.addRecord({ app, record: { title: { value: "gone" } } });
  await c.record.deleteRecords({ app, ids: [id] });
  const h = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=${id}` });
  assert.deepEqual(h.json.history.map((e) => e.action), ["DELETE", "ADD"]);
  assert.deepEqual(h.json.history[0].changes.find((x) => x.code === "title"), { code: "title", label: "Title", type: "SINGLE_LINE_TEXT", old: "gone", new: null });
  const none = await raw(server, "GET", "/k/v1/record/history.json", { query: `app=${app}&id=999999` });
  assert.equal(none.json.code, "GAIA_RE01");
});

test("いいね: people like a comment and take it back; a deleted comment's likes go with it", async () => {
  const pw = "likes-password-1";
  execFileSync(BIN, ["user", "add", "liker", "--name", "いいね係", ...dataArgs(server)], { env: { ...process.env, TSUMIKI_PASSWORD: pw }, stdio: "pipe" });
  const liker = { "X-Cybozu-Authorization": Buffer.from(`liker:${pw}`).toString("base64") };
  const { id } = await c.record.addRecordComment({ app, record: rec, comment: { text: "いいねしてください" } });
  const like = (headers, comment, on = true) => raw(server, "POST", "/api/comment/like", { headers, body: { app, record: rec, comment, like: on } });
  const likes = async () => (await raw(server, "GET", "/api/comment/likes", { query: `app=${app}&record=${rec}` })).json.likes.find((l) => l.comment === String(id));
  assert.equal((await like({}, id)).status, 200);
  assert.equal((await like(liker, id)).status, 200);
  assert.equal((await like(liker, id)).status, 200, "liking twice is liking once");
  assert.deepEqual((await likes()).users.map((u) => [u.code, u.name]), [["Administrator", "Administrator"], ["liker", "いいね係"]]);
  await like(liker, id, false);
  assert.deepEqual((await likes()).users.map((u) => u.code), ["Administrator"]);
  assert.equal((await like({}, 99999)).json.code, "GAIA_RE02");
  assert.equal((await like({}, id, "yes")).status, 400);
  await c.record.deleteRecordComment({ app, record: rec, comment: id });
  assert.equal(await likes(), undefined, "gone with the comment");
});
