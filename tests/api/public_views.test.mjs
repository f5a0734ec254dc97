// Public views (issue 15, our extension; README "Public views"): a read-only
// view of an app for people outside, as nobody. Only published fields and the
// records the view's filter selects are ever served: not in the data, not
// through a search or an order on another field, not in the counts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, client, raw, makeApp, deploy as deployApp } from "./helpers/server.mjs";
import { outsider } from "./helpers/public.mjs";
import { png } from "./helpers/png.mjs";

let server, admin, app, url;
const anon = (path) => fetch(server.base + path).then(async (r) => ({ status: r.status, json: await r.json().catch(() => null) }));
const publish = (views) => raw(server, "PUT", "/k/v1/preview/app/publicViews.json", { body: { app, views } });

before(async () => {
  server = await startServer({ args: ["--trusted-proxy", "127.0.0.1"] }); // addresses as a proxy tells them
  admin = client(server);
  app = await makeApp(admin, "よくある質問", {
    q: { type: "SINGLE_LINE_TEXT", code: "q", label: "質問" },
    a: { type: "MULTI_LINE_TEXT", code: "a", label: "回答" },
    open: { type: "DROP_DOWN", code: "open", label: "公開", options: { 公開: { label: "公開", index: "0" }, 非公開: { label: "非公開", index: "1" } } },
    memo: { type: "SINGLE_LINE_TEXT", code: "memo", label: "担当メモ" },
    order: { type: "NUMBER", code: "order", label: "表示順" },
  });
  const rows = [["補助金の申請期限は", "毎年3月末です。", "公開", "総務課確認済", "2"], ["指導監査の日程は", "通知でお知らせします。", "公開", "未確定", "1"],
    ["内部の手順", "非公開の答え", "非公開", "極秘", "3"]];
  await admin.record.addRecords({ app, records: rows.map(([q, a, open, memo, order]) => ({ q: { value: q }, a: { value: a }, open: { value: open }, memo: { value: memo }, order: { value: order } })) });
  const put = await publish([{ name: "FAQ", title: "施設向けFAQ", fields: ["q", "a"], filterCond: 'open in ("公開")', sort: "q asc", enabled: true, pageSize: 20 }]);
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await deployApp(admin, app);
  const views = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${app}` })).json.views;
  url = views[0].url;
  assert.match(url, /^\/public\/views\/[A-Za-z0-9]{24}$/);
});
after(() => server.stop());

test("the view's records, its fields only, in its order, counted as it shows them", async () => {
  const r = await anon(`${url}/records.json`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.records.map((x) => x.q.value), ["指導監査の日程は", "補助金の申請期限は"]);
  assert.deepEqual(Object.keys(r.json.records[0]).sort(), ["a", "q"], "nothing unpublished, not even the record's id");
  assert.equal(r.json.totalCount, "2");
  assert.doesNotMatch(JSON.stringify(r.json), /非公開|極秘|総務課|担当メモ/);
  const about = await anon(`${url}/view.json`);
  assert.deepEqual(about.json.fields.map((f) => f.code), ["q", "a"]);
  assert.equal(about.json.title, "施設向けFAQ");
  assert.doesNotMatch(JSON.stringify(about.json), /memo|open|非公開/);
});

test("a search on the published fields works; on another field, or an order by one, is refused as if it did not exist", async () => {
  const found = await anon(`${url}/records.json?query=${encodeURIComponent('a like "3月"')}`);
  assert.deepEqual(found.json.records.map((x) => x.q.value), ["補助金の申請期限は"]);
  // a record the filter hides is not found by searching for it
  const hidden = await anon(`${url}/records.json?query=${encodeURIComponent('q like "内部"')}`);
  assert.deepEqual([hidden.status, hidden.json.records.length, hidden.json.totalCount], [200, 0, "0"]);
  for (const query of ['memo like "極秘"', 'open in ("非公開")', "order by memo asc", 'q like "x" or memo = "極秘"']) {
    const r = await anon(`${url}/records.json?query=${encodeURIComponent(query)}`);
    assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.json)}`);
    assert.doesNotMatch(JSON.stringify(r.json), /担当メモ|極秘/);
  }
  const page = await anon(`${url}/records.json?limit=1&offset=1`);
  assert.deepEqual([page.json.records.map((x) => x.q.value), page.json.totalCount], [["補助金の申請期限は"], "2"]);
  assert.equal((await anon(`${url}/records.json?limit=1000`)).status, 400);
});

test("an open view may be cached a minute; one behind a password opens only with the key its password gives", async () => {
  const open = await outsider(server)("GET", `${url}/records.json`);
  assert.equal(open.headers.get("cache-control"), "public, max-age=60");
  const views = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${app}` })).json.views;
  const short = await publish([{ ...views[0], url: undefined, password: "short" }]);
  assert.ok(short.json.errors["views[0].password"]);
  assert.equal((await publish([{ ...views[0], url: undefined, password: "faq-pass-2026" }])).status, 200);
  await deployApp(admin, app);
  const [set] = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${app}` })).json.views;
  assert.equal(set.hasPassword, true);
  assert.equal(set.passwordHash, undefined, "never shown");
  const them = outsider(server, "198.51.100.20");
  const locked = await them("GET", `${url}/view.json`);
  assert.deepEqual(locked.json, { title: "施設向けFAQ", name: "FAQ", locked: true }, "no fields before the password");
  const denied = await them("GET", `${url}/records.json`);
  assert.deepEqual([denied.status, denied.json.code], [401, "TS_PF04"]);
  assert.doesNotMatch(JSON.stringify(denied.json), /補助金/);
  const wrong = await them("POST", `${url}/unlock.json`, { password: "guess-1234" });
  assert.deepEqual([wrong.status, wrong.json.code], [401, "TS_PF05"]);
  const { key } = (await them("POST", `${url}/unlock.json`, { password: "faq-pass-2026" })).json;
  const withKey = (k) => fetch(`${server.base}${url}/records.json`, { headers: { "X-Public-Key": k, "X-Forwarded-For": "198.51.100.20" } });
  const read = await withKey(key);
  assert.equal(read.status, 200);
  assert.equal(read.headers.get("cache-control"), "private, no-store");
  assert.equal((await read.json()).totalCount, "2");
  for (const forged of [key.replace(/\.(.)/, (m, c) => "." + (c === "A" ? "B" : "A")), `${Number(key.split(".")[0]) + 100000}.${key.split(".")[1]}`, "1.x"])
    assert.equal((await withKey(forged)).status, 401, forged);
  // saved again without a password it keeps it; a new password ends the old keys; "" takes it away
  await publish([{ ...views[0], url: undefined }]);
  await deployApp(admin, app);
  assert.equal((await withKey(key)).status, 200);
  await publish([{ ...views[0], url: undefined, password: "another-pass-1" }]);
  await deployApp(admin, app);
  assert.equal((await withKey(key)).status, 401);
  await publish([{ ...views[0], url: undefined, password: "" }]);
  await deployApp(admin, app);
  assert.equal((await them("GET", `${url}/records.json`)).status, 200);
  // guessing is counted per address
  let last;
  for (let i = 0; i < 11; i++) last = await outsider(server, "198.51.100.99")("POST", `${url}/unlock.json`, { password: `guess-${i}-xxxx` });
  assert.equal(last.status, 429);
});

test("a view for some addresses only is not there for any other", async () => {
  const views = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${app}` })).json.views;
  const bad = await publish([{ ...views[0], url: undefined, allow: ["city.example.jp", "10.0.0.0/33"] }]);
  assert.ok(bad.json.errors["views[0].allow[0]"] && bad.json.errors["views[0].allow[1]"], JSON.stringify(bad.json));
  await publish([{ ...views[0], url: undefined, allow: ["198.51.100.0/24", "2001:db8::/32"] }]);
  await deployApp(admin, app);
  assert.equal((await outsider(server, "203.0.113.50")("GET", `${url}/records.json`)).status, 404);
  assert.equal((await outsider(server, "198.51.100.7")("GET", `${url}/records.json`)).status, 200);
  assert.equal((await outsider(server, "2001:db8:5::1")("GET", `${url}/view.json`)).status, 200);
  await publish([{ ...views[0], url: undefined, allow: [] }]);
  await deployApp(admin, app);
});

test("paused at once, unknown or removed: not told apart; settings are the managers'", async () => {
  const views = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${app}` })).json.views;
  await publish([{ ...views[0], url: undefined, enabled: false }]);
  assert.deepEqual([(await anon(`${url}/records.json`)).status], [404]);
  assert.equal((await anon(`/public/views/${"B".repeat(24)}/records.json`)).status, 404);
  await publish([{ ...views[0], url: undefined, enabled: true }]);
  await deployApp(admin, app);
  assert.equal((await anon(`${url}/records.json`)).status, 200);
  const bad = await publish([{ name: "x", fields: ["q", "nothing"], filterCond: "open in (", enabled: true }, { name: "y", fields: ["memo"], sort: "nothing asc" }]);
  assert.equal(bad.status, 400);
  const hiddenOrder = await publish([{ name: "z", fields: ["q"], sort: "order asc", enabled: true }]);
  assert.ok(hiddenOrder.json.errors["views[0].sort"], "an order by what the view does not show would tell how it ranks");
  for (const key of ["views[0].fields[1]", "views[0].filterCond", "views[1].sort"])
    assert.ok(bad.json.errors[key], `${key}: ${JSON.stringify(bad.json.errors)}`);
  await publish([]);
  await deployApp(admin, app);
  assert.equal((await anon(`${url}/records.json`)).status, 404);
});

test("attachments: only of records the view shows, in fields it publishes", async () => {
  const docs = await makeApp(admin, "施設向け資料", {
    title: { type: "SINGLE_LINE_TEXT", code: "title", label: "資料名" },
    open: { type: "DROP_DOWN", code: "open", label: "公開", options: { 公開: { label: "公開", index: "0" }, 非公開: { label: "非公開", index: "1" } } },
    file: { type: "FILE", code: "file", label: "資料" },
    draft: { type: "FILE", code: "draft", label: "下書き" },
  });
  const up = async (name, data) => (await admin.file.uploadFile({ file: { name, data } })).fileKey;
  const picture = png(64, 48);
  await admin.record.addRecords({ app: docs, records: [
    { title: { value: "手引き" }, open: { value: "公開" }, file: { value: [{ fileKey: await up("手引き.png", picture) }] }, draft: { value: [{ fileKey: await up("下書き.txt", "内部の下書き") }] } },
    { title: { value: "内部資料" }, open: { value: "非公開" }, file: { value: [{ fileKey: await up("内部.txt", "非公開の資料") }] } },
  ] });
  const put = await raw(server, "PUT", "/k/v1/preview/app/publicViews.json", { body: { app: docs, views: [{ name: "資料", fields: ["title", "file"], filterCond: 'open in ("公開")', enabled: true }] } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await deployApp(admin, docs);
  const [{ url: docsUrl }] = (await raw(server, "GET", "/k/v1/app/publicViews.json", { query: `app=${docs}` })).json.views;
  const them = outsider(server, "203.0.113.77");
  const { records } = (await them("GET", `${docsUrl}/records.json`)).json;
  assert.equal(records.length, 1);
  assert.equal(records[0].draft, undefined);
  const [shown] = records[0].file.value;
  assert.equal(shown.name, "手引き.png");
  const get = (key, extra = "") => fetch(`${server.base}${docsUrl}/file.json?fileKey=${key}${extra}`, { headers: { "X-Forwarded-For": "203.0.113.77" } });
  const file = await get(shown.fileKey);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), picture);
  const thumb = await get(shown.fileKey, "&size=150");
  assert.equal(thumb.status, 200);
  assert.match(thumb.headers.get("content-type"), /^image\//);
  // the keys staff see for what the view does not show
  const all = (await admin.record.getRecords({ app: docs, query: "order by $id asc" })).records;
  for (const key of [all[0].draft.value[0].fileKey, all[1].file.value[0].fileKey, "nosuchkey"]) {
    const r = await get(key);
    assert.ok(r.status === 404 || r.status === 403, `${key}: ${r.status}`);
    assert.doesNotMatch(await r.text(), /内部|下書き/);
  }
});
