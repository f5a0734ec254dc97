// tests/ui/helpers.mjs - what the browser tests share: a server with a few
// people, Debian's chromium driven by playwright-core, screenshots, axe-core,
// and set-up done through the API behind the browser's back.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { startServer, BIN, ADMIN_PASSWORD, dataArgs } from "../api/helpers/server.mjs";

export const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
mkdirSync(shots, { recursive: true });

export function addUser(server, code, name, password) {
  execFileSync(BIN, ["user", "add", code, "--name", name, ...dataArgs(server)], {
    env: { ...process.env, TSUMIKI_PASSWORD: password }, stdio: "pipe",
  });
}

// A server and a browser page (Japanese, a laptop's window).
export async function startUi() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => console.error("page error:", e));
  return { server, browser, page, stop: async () => { await browser.close(); await server.stop(); } };
}

const axeSource = createRequire(import.meta.url)("axe-core").source;
// WCAG 2.1 A/AA rules of axe-core on the page as it is: no serious or critical findings
export async function accessible(page, where) {
  await page.evaluate(axeSource); // through the DevTools protocol: the page's CSP forbids inline scripts
  const found = await page.evaluate(async () =>
    (await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`));
  assert.deepEqual(found, [], `${where}: ${found.join("\n")}`);
}

export { png } from "../api/helpers/png.mjs";

export const shot = (page, name) => page.screenshot({ path: join(shots, name + ".png"), fullPage: true });

// The API as the administrator (the API the official clients use).
export async function api(server, method, path, body) {
  const headers = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${ADMIN_PASSWORD}`).toString("base64"), "Content-Type": "application/json", "Accept-Language": "ja" };
  const r = await fetch(server.base + path, { method, headers, body: body && JSON.stringify(body) });
  const j = await r.json();
  assert.ok(r.ok, `${path}: ${JSON.stringify(j)}`);
  return j;
}

// Sign in as someone (signing out whoever is signed in).
export async function signIn(page, server, code, password) {
  await page.goto(server.base + "/#/");
  const out = page.getByRole("button", { name: "ログアウト" });
  if (await out.count()) await out.click();
  await page.getByLabel("ログイン名").fill(code);
  await page.getByLabel("パスワード").fill(password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.getByRole("heading", { name: "アプリ", exact: true }).waitFor();
}

// Do something and wait for the toast it ends with: one still shown from
// before (the same text is shown once) is let go first.
export async function untilToast(page, text, action) {
  await page.getByText(text).first().waitFor({ state: "detached", timeout: 15000 });
  await action();
  await page.getByText(text).first().waitFor();
}
