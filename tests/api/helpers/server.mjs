// tests/api/helpers/server.mjs - start a real tsumiki server on loopback with a
// fresh data folder, and talk to it with the official kintone client or raw HTTP.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const BIN = process.env.TSUMIKI_BIN
  ? join(root, process.env.TSUMIKI_BIN)
  : join(root, "build/default/tsumiki");
export const ADMIN_PASSWORD = "admin-password-1";

// TSUMIKI_TEST_PG: the URI of a PostgreSQL cluster's maintenance database
// (tools/pg-cluster.sh). Each data folder then gets a database of its own there,
// named in the folder's pg-test file, so that reopening the folder reopens it.
const PG = process.env.TSUMIKI_TEST_PG;

function pgDatabase(data) {
  const marker = join(data, "pg-test");
  if (existsSync(marker)) return readFileSync(marker, "utf8");
  if (!PG) return null;
  const name = "t_" + data.replace(/[^a-zA-Z0-9]/g, "").slice(-24).toLowerCase() + "_" + process.pid;
  execFileSync("psql", ["-X", "-q", PG, "-c", `CREATE DATABASE ${name}`]);
  mkdirSync(data, { recursive: true });
  const uri = PG.replace(/\/[^/]*$/, "/" + name);
  writeFileSync(marker, uri);
  return uri;
}

function pgDrop(uri) {
  if (!uri || !PG) return;
  const name = uri.slice(uri.lastIndexOf("/") + 1);
  try {
    execFileSync("psql", ["-X", "-q", PG, "-c", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  } catch {}
}

// The server's background work (jobs, expiry) may hold the write lock a moment.
const SQLITE_WAIT = ["-cmd", ".timeout 5000"];

// Run SQL on a server's database as an operator (or an attacker with it) would:
// the text sqlite3 or psql prints (one value per line, columns joined by |).
export function dbQuery(server, sql) {
  if (server.db) return execFileSync("psql", ["-X", "-q", "-A", "-t", server.db, "-c", sql]).toString();
  return execFileSync("sqlite3", [...SQLITE_WAIT, join(server.data, "tsumiki.db"), sql]).toString();
}

// The rows of a query as objects.
export function dbRows(server, sql) {
  if (server.db) return JSON.parse(dbQuery(server, `SELECT coalesce(json_agg(q), '[]') FROM (${sql}) q`));
  return JSON.parse(execFileSync("sqlite3", [...SQLITE_WAIT, "-json", join(server.data, "tsumiki.db"), sql]).toString() || "[]");
}

// The arguments that name a server's data (and database) to the command line.
export function dataArgs(server) {
  return ["--data", server.data, ...(server.db ? ["--db", server.db] : [])];
}

// Start a server on a new data folder, or on `data` to reopen an existing one;
// sqlite: on the folder's own SQLite database even when the suite runs on PostgreSQL.
// The installation answers in English what names no language (the official
// client sends no Accept-Language), as the tests were written; `lang: "ja"`
// keeps the installation's own default (Japanese).
export async function startServer({ data, args = [], sqlite = false, lang = "en" } = {}) {
  data ??= mkdtempSync(join(tmpdir(), "tsumiki-test-"));
  const db = sqlite ? null : pgDatabase(data);
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const dbArgs = db ? ["--db", db] : [];
    const proc = spawn(BIN, ["serve", "--data", data, ...dbArgs, "--port", String(port), "--threads", "4", ...args], {
      env: { ...process.env, TSUMIKI_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    proc.stderr.on("data", (d) => (log += d));
    const exited = new Promise((r) => proc.on("exit", r));
    const base = `http://localhost:${port}`;
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) break;
      try {
        const res = await fetch(base + "/");
        if (res.ok) {
          const server = {
            base, port, data, db, proc,
            log: () => log,
            // Kill the process without warning, keeping its data folder.
            async crash() {
              proc.kill("SIGKILL");
              await exited;
            },
            async stop() {
              // TSUMIKI_TEST_LOG=1: what the server logged as errors, for debugging
              if (process.env.TSUMIKI_TEST_LOG)
                console.error(log.split("\n").filter((l) => / (ERROR|WARN) /.test(l)).join("\n"));
              if ((proc.exitCode !== null || proc.signalCode !== null) && proc.signalCode !== "SIGKILL")
                console.error(`tsumiki exited early (${proc.exitCode ?? proc.signalCode}):\n${log}`);
              if (proc.exitCode === null && proc.signalCode === null) {
                proc.kill("SIGTERM");
                await exited;
              }
              rmSync(data, { recursive: true, force: true });
              pgDrop(db);
            },
          };
          if (lang === "en") {
            const set = await fetch(base + "/api/system/settings", { method: "PUT", headers: { ...basic(), "Content-Type": "application/json" }, body: JSON.stringify({ defaultLanguage: "en" }) });
            if (!set.ok) throw new Error("default language: " + (await set.text()));
          }
          return server;
        }
      } catch (e) {
        if (/default language/.test(e.message)) throw e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (proc.exitCode === null) proc.kill("SIGKILL");
    if (!/cannot listen/.test(log)) throw new Error("server did not start:\n" + log);
  }
  throw new Error("no free port");
}

export function client(server, auth = { username: "Administrator", password: ADMIN_PASSWORD }) {
  return new KintoneRestAPIClient({ baseUrl: server.base, auth });
}

export function basic(user = "Administrator", password = ADMIN_PASSWORD) {
  return { "X-Cybozu-Authorization": Buffer.from(`${user}:${password}`).toString("base64") };
}

// Raw HTTP for what the client cannot send (bad JSON, overrides, odd params).
// Every non-2xx answer must be kintone's error shape with the X-Cybozu-Error header.
export async function raw(server, method, path, { body, headers = {}, query } = {}) {
  let url = server.base + path;
  if (query) url += "?" + query;
  const init = { method, headers: { ...basic(), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status >= 400) {
    assert.ok(json, `error body must be JSON: ${text}`);
    if (!json.results) {
      assert.equal(typeof json.code, "string");
      assert.equal(typeof json.id, "string");
      assert.equal(typeof json.message, "string");
      assert.equal(res.headers.get("x-cybozu-error"), json.code);
    }
  }
  return { status: res.status, json, headers: res.headers };
}

// Assert that promise rejects with a KintoneRestAPIError of this code/status.
export async function rejects(promise, code, status) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (status) assert.equal(e.status, status);
    assert.ok(e.id, "error has an id");
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

// Every field type of the foundation, as fields.json properties.
export const ALL_FIELDS = {
  title: { type: "SINGLE_LINE_TEXT", code: "title", label: "Title", required: true, maxLength: "20" },
  key: { type: "SINGLE_LINE_TEXT", code: "key", label: "Key", unique: true },
  memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "Memo" },
  rich: { type: "RICH_TEXT", code: "rich", label: "Rich" },
  qty: { type: "NUMBER", code: "qty", label: "Qty", minValue: "0", maxValue: "1000" },
  radio: { type: "RADIO_BUTTON", code: "radio", label: "Radio", defaultValue: "r1",
    options: { r1: { label: "r1", index: "0" }, r2: { label: "r2", index: "1" } } },
  check: { type: "CHECK_BOX", code: "check", label: "Check",
    options: { c1: { label: "c1", index: "0" }, c2: { label: "c2", index: "1" }, c3: { label: "c3", index: "2" } } },
  multi: { type: "MULTI_SELECT", code: "multi", label: "Multi",
    options: { m1: { label: "m1", index: "0" }, m2: { label: "m2", index: "1" } } },
  drop: { type: "DROP_DOWN", code: "drop", label: "Drop",
    options: { 高: { label: "高", index: "0" }, 中: { label: "中", index: "1" }, 低: { label: "低", index: "2" } } },
  date: { type: "DATE", code: "date", label: "Date" },
  time: { type: "TIME", code: "time", label: "Time" },
  dt: { type: "DATETIME", code: "dt", label: "Datetime" },
  link: { type: "LINK", code: "link", label: "Link", protocol: "WEB" },
  user: { type: "USER_SELECT", code: "user", label: "User" },
  org: { type: "ORGANIZATION_SELECT", code: "org", label: "Org" },
  grp: { type: "GROUP_SELECT", code: "grp", label: "Group" },
  section: { type: "GROUP", code: "section", label: "Section" },
};

// Create and deploy an app with the given fields; returns its id.
// Deploy an app's settings and wait until the deploy is done.
export async function deploy(c, app) {
  await c.app.deployApp({ apps: [{ app }] });
  for (let i = 0; i < 50 && (await c.app.getDeployStatus({ apps: [app] })).apps[0].status !== "SUCCESS"; i++)
    await new Promise((r) => setTimeout(r, 100));
}

export async function makeApp(c, name = "Test app", properties = ALL_FIELDS) {
  const { app } = await c.app.addApp({ name });
  await c.app.addFormFields({ app, properties });
  await c.app.deployApp({ apps: [{ app }] });
  const { apps } = await c.app.getDeployStatus({ apps: [app] });
  assert.equal(apps[0].status, "SUCCESS");
  return app;
}
