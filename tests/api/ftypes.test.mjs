// The browser's field-type table is the server's: web/src/fields/ftypes.gen.ts
// is what tools/ftypes.mjs writes from src/model/ftypes.def, so the UI offers
// exactly the operators and settings the server takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("web/src/fields/ftypes.gen.ts is current with src/model/ftypes.def", () => {
  const r = spawnSync("node", [join(root, "tools/ftypes.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});
