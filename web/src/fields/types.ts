// fields/types.ts - what the UI knows of each field type, built on the
// server's own table (ftypes.gen.ts, written from src/model/ftypes.def): the
// query operators, which are system fields, which settings its flags allow;
// here only what the form alone knows (the palette's order, required, how a
// value is drawn). Adding a field type is a line in ftypes.def and, if it
// needs one, an input in fields/inputs.tsx.
import type { FieldProp } from "../api";
import { SERVER_FIELD_TYPES, type FFlag } from "./ftypes.gen";

export type Setting = "required" | "unique" | "default" | "options" | "range" | "length" | "unit" | "digit" | "nowDefault" | "align" | "expression" | "format" | "entityDefault" | "openGroup";

export interface FieldType {
  type: string;
  settings: Setting[];
  // the query operators a filter offers for it (KINTONE-API.md §8)
  ops: string[];
  layoutOnly?: boolean; // LABEL, SPACER, HR: no value
  noValue?: boolean; // GROUP: a field (it has a code) that holds other fields, not a value
  system?: boolean; // not in the palette
  palette?: string; // a palette entry that makes a field of this type (LOOKUP)
}

// What a table may hold (kintone's rule: no tables, groups or related records).
export const INNER_TYPES = ["SINGLE_LINE_TEXT", "NUMBER", "CALC", "MULTI_LINE_TEXT", "DATE", "TIME", "DATETIME",
  "DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "LINK", "FILE"];

// The settings a type's server flags allow (ftypes.def), as the settings dialog names them.
const FROM_FLAGS: [FFlag, Setting][] = [["LENGTH", "length"], ["UNIQUE", "unique"], ["RANGE", "range"], ["OPTIONS", "options"], ["NOW", "nowDefault"]];
// What only the form knows of: who must fill a field in, how it is drawn, calculated.
const FORM_SETTINGS: Record<string, Setting[]> = {
  SINGLE_LINE_TEXT: ["required", "expression"], MULTI_LINE_TEXT: ["required"], RICH_TEXT: ["required"],
  NUMBER: ["required", "unit", "digit"], DATE: ["required"], TIME: ["required"], DATETIME: ["required"],
  DROP_DOWN: ["required"], RADIO_BUTTON: ["align"], CHECK_BOX: ["required", "align"], MULTI_SELECT: ["required"],
  USER_SELECT: ["required"], ORGANIZATION_SELECT: ["required"], GROUP_SELECT: ["required"], LINK: ["required"],
  CALC: ["expression", "format", "unit"], FILE: ["required"], GROUP: ["openGroup"],
};
// The builder's palette, in its order (LOOKUP: a text field that copies from another app).
const PALETTE = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "RICH_TEXT", "NUMBER", "DATE", "TIME", "DATETIME", "DROP_DOWN",
  "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "LINK", "CALC",
  "FILE", "SUBTABLE", "LOOKUP", "REFERENCE_TABLE", "GROUP", "LABEL", "SPACER", "HR"];

function fromServer(type: string, palette?: string): FieldType {
  const st = SERVER_FIELD_TYPES[palette ?? type];
  const has = (f: FFlag) => st.flags.includes(f);
  const settings: Setting[] = [...(FORM_SETTINGS[palette ? "SINGLE_LINE_TEXT" : type] ?? []), ...FROM_FLAGS.filter(([f]) => has(f)).map(([, s]) => s)];
  if (has("DEFAULT")) settings.push(has("ENTITY") ? "entityDefault" : "default");
  const ft: FieldType = { type, settings, ops: st.ops };
  if (has("LAYOUT")) ft.layoutOnly = true;
  if (st.kind === "SYS") ft.system = true;
  if (st.kind === "NONE" && !has("LAYOUT") && type === "GROUP") ft.noValue = true;
  if (palette) { ft.palette = palette; ft.settings = ["required"]; }
  return ft;
}

// Every type the UI shows: the palette's, then the system fields (never in the palette).
export const FIELD_TYPES: FieldType[] = [
  ...PALETTE.map((type) => (type === "LOOKUP" ? fromServer(type, "SINGLE_LINE_TEXT") : fromServer(type))),
  ...Object.keys(SERVER_FIELD_TYPES).filter((type) => SERVER_FIELD_TYPES[type].kind === "SYS").map((type) => fromServer(type)),
];
export const isSystem = (type: string) => SERVER_FIELD_TYPES[type]?.kind === "SYS";

export const fieldType = (type: string): FieldType | undefined => FIELD_TYPES.find((f) => f.type === type);

export const hasOptions = (f: FieldProp) => !!f.options;

// Options in their index order.
export const optionList = (f: FieldProp): string[] =>
  Object.values(f.options ?? {})
    .sort((a, b) => Number(a.index) - Number(b.index))
    .map((o) => o.label);

// A table row's values as text: "what: call, cost: 10" (history keeps them bare,
// records as {type, value}).
const rowText = (row: Record<string, any>) =>
  Object.entries(row)
    .map(([code, x]) => [code, x && typeof x === "object" && "value" in x && !Array.isArray(x) ? display(x.type, x.value) : display("", x)])
    .filter(([, v]) => v)
    .map(([c, v]) => `${c}: ${v}`)
    .join(", ");

// The value of a field as text, for lists and history.
export function display(type: string, value: any): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value) && value.length && value[0]?.value && typeof value[0].value === "object")
    return value.map((r) => `(${rowText(r.value)})`).join(" ");
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? v.name || v.code : v)).join(", ");
  if (typeof value === "object") return value.name || value.code || "";
  if (type === "DATETIME" || type === "CREATED_TIME" || type === "UPDATED_TIME") {
    if (!value) return "";
    const d = new Date(value);
    if (isNaN(d.getTime())) return value;
    const p = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }
  if (type === "RICH_TEXT") {
    // a DOMParser document runs nothing and loads nothing (a detached <div>'s
    // innerHTML would: <img onerror> fires)
    return new DOMParser().parseFromString(String(value), "text/html").body.textContent ?? "";
  }
  return String(value);
}

// A code for a new field: the type and a number that is not taken yet.
export function newCode(type: string, taken: Set<string>): string {
  const base = type.toLowerCase().replace(/_(.)/g, (_, c) => c.toUpperCase());
  for (let i = 1; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}
