// fields/ftypes.gen.ts - written by tools/ftypes.mjs from src/model/ftypes.def:
// every field type as the server knows it (the kind of value, the settings its
// flags allow, the query operators). Do not edit; change ftypes.def.
export type FKind = "NONE" | "SYS" | "TEXT" | "NUMBER" | "EPOCH" | "MULTI" | "FILES" | "TABLE";
export type FFlag = "ORDER" | "DEFAULT" | "LENGTH" | "UNIQUE" | "RANGE" | "OPTIONS" | "NOW" | "ENTITY" | "LAYOUT" | "HIDDEN";
export interface ServerFieldType { kind: FKind; flags: FFlag[]; ops: string[] }
export const SERVER_FIELD_TYPES: Record<string, ServerFieldType> = {
  RECORD_NUMBER: {kind: "SYS", flags: ["ORDER"], ops: ["eq", "ne", "lt", "gt", "le", "ge", "in", "notin"]},
  __ID__: {kind: "SYS", flags: ["ORDER", "HIDDEN"], ops: ["eq", "ne", "lt", "gt", "le", "ge", "in", "notin"]},
  __REVISION__: {kind: "SYS", flags: ["HIDDEN"], ops: ["eq", "ne", "lt", "gt", "le", "ge", "in", "notin"]},
  CREATOR: {kind: "SYS", flags: ["ORDER"], ops: ["in", "notin"]},
  CREATED_TIME: {kind: "SYS", flags: ["ORDER"], ops: ["eq", "ne", "lt", "gt", "le", "ge"]},
  MODIFIER: {kind: "SYS", flags: ["ORDER"], ops: ["in", "notin"]},
  UPDATED_TIME: {kind: "SYS", flags: ["ORDER"], ops: ["eq", "ne", "lt", "gt", "le", "ge"]},
  SINGLE_LINE_TEXT: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "LENGTH", "UNIQUE"], ops: ["eq", "ne", "in", "notin", "like", "notlike"]},
  MULTI_LINE_TEXT: {kind: "TEXT", flags: ["DEFAULT"], ops: ["like", "notlike", "empty", "notempty"]},
  RICH_TEXT: {kind: "TEXT", flags: ["DEFAULT"], ops: ["like", "notlike"]},
  NUMBER: {kind: "NUMBER", flags: ["ORDER", "DEFAULT", "RANGE", "UNIQUE"], ops: ["eq", "ne", "lt", "gt", "le", "ge", "in", "notin"]},
  RADIO_BUTTON: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "OPTIONS"], ops: ["in", "notin"]},
  CHECK_BOX: {kind: "MULTI", flags: ["DEFAULT", "OPTIONS"], ops: ["in", "notin"]},
  MULTI_SELECT: {kind: "MULTI", flags: ["DEFAULT", "OPTIONS"], ops: ["in", "notin"]},
  DROP_DOWN: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "OPTIONS"], ops: ["in", "notin"]},
  DATE: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "UNIQUE", "NOW"], ops: ["eq", "ne", "lt", "gt", "le", "ge"]},
  TIME: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "NOW"], ops: ["eq", "ne", "lt", "gt", "le", "ge"]},
  DATETIME: {kind: "EPOCH", flags: ["ORDER", "DEFAULT", "UNIQUE", "NOW"], ops: ["eq", "ne", "lt", "gt", "le", "ge"]},
  LINK: {kind: "TEXT", flags: ["ORDER", "DEFAULT", "LENGTH", "UNIQUE"], ops: ["eq", "ne", "in", "notin", "like", "notlike"]},
  USER_SELECT: {kind: "MULTI", flags: ["DEFAULT", "ENTITY"], ops: ["in", "notin"]},
  ORGANIZATION_SELECT: {kind: "MULTI", flags: ["DEFAULT", "ENTITY"], ops: ["in", "notin"]},
  GROUP_SELECT: {kind: "MULTI", flags: ["DEFAULT", "ENTITY"], ops: ["in", "notin"]},
  CALC: {kind: "NUMBER", flags: ["ORDER"], ops: ["eq", "ne", "lt", "gt", "le", "ge", "in", "notin"]},
  FILE: {kind: "FILES", flags: [], ops: ["like", "notlike", "empty", "notempty"]},
  SUBTABLE: {kind: "TABLE", flags: [], ops: []},
  REFERENCE_TABLE: {kind: "NONE", flags: [], ops: []},
  STATUS: {kind: "SYS", flags: ["HIDDEN"], ops: ["eq", "ne", "in", "notin"]},
  STATUS_ASSIGNEE: {kind: "SYS", flags: ["HIDDEN"], ops: ["in", "notin"]},
  CATEGORY: {kind: "SYS", flags: ["HIDDEN"], ops: ["in", "notin"]},
  LABEL: {kind: "NONE", flags: ["LAYOUT"], ops: []},
  SPACER: {kind: "NONE", flags: ["LAYOUT"], ops: []},
  HR: {kind: "NONE", flags: ["LAYOUT"], ops: []},
  GROUP: {kind: "NONE", flags: [], ops: []},
};
