// tools/ftypes.mjs - the browser's field-type table, written from the server's
// (src/model/ftypes.def, with the operator groups of src/model/schema.h), so
// the two never disagree. `node tools/ftypes.mjs` writes
// web/src/fields/ftypes.gen.ts; `--check` fails when that file is stale (the
// tests run it).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const def = readFileSync(join(root, "src/model/ftypes.def"), "utf8");
const schema = readFileSync(join(root, "src/model/schema.h"), "utf8");
const out = join(root, "web/src/fields/ftypes.gen.ts");

// #define OPS_X (...) across continued lines: the operators it names, groups expanded
const groups = {};
for (const m of schema.replace(/\\\n/g, " ").matchAll(/#define (OPS_\w+)\s+(.*)/g)) groups[m[1]] = m[2];
const OP_WORD = { EQ: "eq", NE: "ne", LT: "lt", GT: "gt", LE: "le", GE: "ge", IN: "in", NOT_IN: "notin", LIKE: "like", NOT_LIKE: "notlike", EMPTY: "empty", NOT_EMPTY: "notempty" };
const ORDER = Object.values(OP_WORD);
function ops(name) {
  if (name === "0") return [];
  const set = new Set();
  const walk = (n) => {
    for (const t of groups[n].matchAll(/TS_Q_(\w+)|(OPS_\w+)/g)) (t[1] ? set.add(OP_WORD[t[1]]) : walk(t[2]));
  };
  walk(name);
  return ORDER.filter((o) => set.has(o));
}

const types = {};
for (const m of def.matchAll(/^TS_FTYPE\((\w+),\s*(\w+),\s*([^,]+),\s*(\w+)\)/gm)) {
  const flags = m[3].trim() === "0" ? [] : m[3].split("|").map((f) => f.trim());
  types[m[1]] = { kind: m[2], flags, ops: ops(m[4]) };
}

const text = `// fields/ftypes.gen.ts - written by tools/ftypes.mjs from src/model/ftypes.def:
// every field type as the server knows it (the kind of value, the settings its
// flags allow, the query operators). Do not edit; change ftypes.def.
export type FKind = "NONE" | "SYS" | "TEXT" | "NUMBER" | "EPOCH" | "MULTI" | "FILES" | "TABLE";
export type FFlag = "ORDER" | "DEFAULT" | "LENGTH" | "UNIQUE" | "RANGE" | "OPTIONS" | "NOW" | "ENTITY" | "LAYOUT" | "HIDDEN";
export interface ServerFieldType { kind: FKind; flags: FFlag[]; ops: string[] }
export const SERVER_FIELD_TYPES: Record<string, ServerFieldType> = {
${Object.entries(types).map(([name, t]) => `  ${name}: ${JSON.stringify(t).replace(/"(\w+)":/g, "$1: ").replace(/,(?=[\w"\[])/g, ", ")},`).join("\n")}
};
`;

if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error("web/src/fields/ftypes.gen.ts is not what src/model/ftypes.def says: run node tools/ftypes.mjs");
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
}
