// fields/types.ts - what the UI knows of each field type: how it is offered in
// the builder's palette, which settings it has, and how its value is shown and
// entered. Adding a field type is adding an entry here and, if it needs one,
// an input in fields/inputs.tsx.
import type { FieldProp } from "../api";

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

const TEXT_OPS = ["eq", "ne", "in", "notin", "like", "notlike"];
const CMP = ["eq", "ne", "lt", "gt", "le", "ge"];
const CHOICE = ["in", "notin"];

export const FIELD_TYPES: FieldType[] = [
  { type: "SINGLE_LINE_TEXT", settings: ["required", "unique", "default", "length", "expression"], ops: TEXT_OPS },
  { type: "MULTI_LINE_TEXT", settings: ["required", "default"], ops: ["like", "notlike", "empty", "notempty"] },
  { type: "RICH_TEXT", settings: ["required", "default"], ops: ["like", "notlike"] },
  { type: "NUMBER", settings: ["required", "unique", "default", "range", "unit", "digit"], ops: [...CMP, "in", "notin"] },
  { type: "DATE", settings: ["required", "unique", "default", "nowDefault"], ops: CMP },
  { type: "TIME", settings: ["required", "default", "nowDefault"], ops: CMP },
  { type: "DATETIME", settings: ["required", "unique", "default", "nowDefault"], ops: CMP },
  { type: "DROP_DOWN", settings: ["required", "default", "options"], ops: CHOICE },
  { type: "RADIO_BUTTON", settings: ["default", "options", "align"], ops: CHOICE },
  { type: "CHECK_BOX", settings: ["required", "default", "options", "align"], ops: CHOICE },
  { type: "MULTI_SELECT", settings: ["required", "default", "options"], ops: CHOICE },
  { type: "USER_SELECT", settings: ["required", "entityDefault"], ops: CHOICE },
  { type: "ORGANIZATION_SELECT", settings: ["required", "entityDefault"], ops: CHOICE },
  { type: "GROUP_SELECT", settings: ["required", "entityDefault"], ops: CHOICE },
  { type: "LINK", settings: ["required", "unique", "default", "length"], ops: TEXT_OPS },
  { type: "CALC", settings: ["expression", "format", "unit"], ops: [...CMP, "in", "notin"] },
  { type: "FILE", settings: ["required"], ops: ["like", "notlike", "empty", "notempty"] },
  { type: "SUBTABLE", settings: [], ops: [] },
  // a text field that copies from another app: a SINGLE_LINE_TEXT with `lookup`
  { type: "LOOKUP", settings: ["required"], ops: TEXT_OPS, palette: "SINGLE_LINE_TEXT" },
  { type: "REFERENCE_TABLE", settings: [], ops: [] },
  { type: "GROUP", settings: ["openGroup"], ops: [], noValue: true },
  { type: "LABEL", settings: [], ops: [], layoutOnly: true },
  { type: "SPACER", settings: [], ops: [], layoutOnly: true },
  { type: "HR", settings: [], ops: [], layoutOnly: true },
  { type: "RECORD_NUMBER", settings: [], ops: CMP, system: true },
  { type: "CREATOR", settings: [], ops: CHOICE, system: true },
  { type: "CREATED_TIME", settings: [], ops: CMP, system: true },
  { type: "MODIFIER", settings: [], ops: CHOICE, system: true },
  { type: "UPDATED_TIME", settings: [], ops: CMP, system: true },
];

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
