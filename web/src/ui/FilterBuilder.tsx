// ui/FilterBuilder.tsx - writes the kintone query for the user: field →
// condition → value, joined by "and" or "or", with the date functions ("this
// month", "today") and "the logged-in user". Used by the record list and by
// the view settings.
import type { FieldProp } from "../api";
import { fieldType, optionList } from "../fields/types";
import { t, type Key } from "../i18n";

export interface Cond { code: string; op: string; value: string[] }
export interface Filter { join: "and" | "or"; conds: Cond[] }

const OP_SQL: Record<string, string> = {
  eq: "=", ne: "!=", lt: "<", gt: ">", le: "<=", ge: ">=", in: "in", notin: "not in", like: "like", notlike: "not like",
  empty: "is empty", notempty: "is not empty",
};
export const DATE_FUNCS = ["TODAY()", "THIS_MONTH()", "LAST_MONTH()", "THIS_YEAR()"];
const FUNC_KEY: Record<string, Key> = { "TODAY()": "today", "THIS_MONTH()": "thisMonth", "LAST_MONTH()": "lastMonth", "THIS_YEAR()": "thisYear", "LOGINUSER()": "loginUser" };
const quote = (s: string) => (/^[A-Z_]+\(\)$/.test(s) ? s : '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"');

export function toQuery(f: Filter): string {
  const parts = f.conds.filter((c) => c.code && c.op).map((c) => {
    const op = OP_SQL[c.op];
    if (c.op === "empty" || c.op === "notempty") return `${c.code} ${op}`;
    if (c.op === "in" || c.op === "notin") return `${c.code} ${op} (${c.value.map(quote).join(", ")})`;
    return `${c.code} ${op} ${quote(c.value[0] ?? "")}`;
  });
  return parts.join(` ${f.join} `);
}

// Reads back what toQuery writes (and simple hand-written filters); null when
// the query is beyond it, so the caller can keep it as text.
export function fromQuery(q: string): Filter | null {
  const s = q.trim();
  if (!s) return { join: "and", conds: [] };
  const re = /\s*([^\s()=!<>"]+)\s+(not\s+in|in|not\s+like|like|is\s+not\s+empty|is\s+empty|!=|<=|>=|=|<|>)\s*(\((?:\s*(?:"(?:[^"\\]|\\.)*"|[A-Z_]+\(\))\s*,?)*\)|"(?:[^"\\]|\\.)*"|[A-Z_]+\(\))?\s*(and|or)?/iy;
  const conds: Cond[] = [];
  let join: "and" | "or" | null = null;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = (re.lastIndex = pos, re.exec(s)))) {
    const opText = m[2].toLowerCase().replace(/\s+/g, " ");
    const op = Object.entries(OP_SQL).find(([, v]) => v === opText)?.[0];
    if (!op) return null;
    const raw = m[3] ?? "";
    const vals = [...raw.matchAll(/"((?:[^"\\]|\\.)*)"|([A-Z_]+\(\))/g)].map((x) => (x[1] !== undefined ? x[1].replace(/\\(.)/g, "$1") : x[2]));
    conds.push({ code: m[1], op, value: vals });
    if (m[4]) {
      const j = m[4].toLowerCase() as "and" | "or";
      if (join && join !== j) return null;
      join = j;
    }
    pos = re.lastIndex;
    if (!m[0]) return null;
  }
  return pos >= s.length ? { join: join ?? "and", conds } : null;
}

// A filter in words, with the fields' names: "種別 次のいずれかを含む 転倒 かつ …".
export function describe(f: Filter, fields: Record<string, FieldProp>): string {
  return f.conds.map((c) => {
    const words = c.value.map((v) => (FUNC_KEY[v] ? t(FUNC_KEY[v]) : v === "" ? t("emptyValue") : v)).join(", ");
    return [fields[c.code]?.label ?? c.code, t(("op_" + c.op) as Key), words].filter(Boolean).join(" ");
  }).join(f.join === "or" ? ` ${t("orWord")} ` : ` ${t("andWord")} `);
}

export function FilterBuilder({ fields, value, onChange, idPrefix }: { fields: Record<string, FieldProp>; value: Filter; onChange: (f: Filter) => void; idPrefix: string }) {
  // a status or an assignee only while process management is on
  const list = Object.values(fields).filter((f) => fieldType(f.type)?.ops.length && f.enabled !== false);
  const setCond = (i: number, c: Partial<Cond>) => onChange({ ...value, conds: value.conds.map((x, j) => (j === i ? { ...x, ...c } : x)) });
  return (
    <div class="filter-builder">
      {value.conds.length > 1 && (
        <div class="join" role="radiogroup" aria-label={t("filter")}>
          <label><input type="radio" checked={value.join === "and"} onChange={() => onChange({ ...value, join: "and" })} /> {t("matchAll")}</label>
          <label><input type="radio" checked={value.join === "or"} onChange={() => onChange({ ...value, join: "or" })} /> {t("matchAny")}</label>
        </div>
      )}
      {value.conds.map((c, i) => {
        const f = fields[c.code];
        const ft = f ? fieldType(f.type) : undefined;
        const ops = ft?.ops ?? [];
        const id = `${idPrefix}-${i}`;
        return (
          <div class="cond">
            <select aria-label={t("field")} id={id + "-f"} value={c.code} onChange={(e) => {
              const code = (e.target as HTMLSelectElement).value;
              const nf = fieldType(fields[code].type)!;
              setCond(i, { code, op: nf.ops[0], value: [] });
            }}>
              {list.map((x) => <option value={x.code}>{x.label}</option>)}
            </select>
            <select aria-label={t("operator")} value={c.op} onChange={(e) => setCond(i, { op: (e.target as HTMLSelectElement).value })}>
              {ops.map((o) => <option value={o}>{t(("op_" + o) as Key)}</option>)}
            </select>
            {f && <CondValue field={f} cond={c} onChange={(v) => setCond(i, { value: v })} />}
            <button type="button" aria-label={`${t("remove")} ${i + 1}`} onClick={() => onChange({ ...value, conds: value.conds.filter((_, j) => j !== i) })}>×</button>
          </div>
        );
      })}
      <button type="button" onClick={() => {
        const first = list[0];
        if (first) onChange({ ...value, conds: [...value.conds, { code: first.code, op: fieldType(first.type)!.ops[0], value: [] }] });
      }}>＋ {t("addCondition")}</button>
    </div>
  );
}

function CondValue({ field, cond, onChange }: { field: FieldProp; cond: Cond; onChange: (v: string[]) => void }) {
  if (cond.op === "empty" || cond.op === "notempty") return null;
  const label = t("value");
  if (field.options && (cond.op === "in" || cond.op === "notin")) {
    return (
      <span class="choices" role="group" aria-label={label}>
        {optionList(field).map((o) => {
          const on = cond.value.includes(o);
          return <label><input type="checkbox" checked={on} onChange={() => onChange(on ? cond.value.filter((v) => v !== o) : [...cond.value, o])} /> {o}</label>;
        })}
      </span>
    );
  }
  if (["USER_SELECT", "CREATOR", "MODIFIER", "STATUS_ASSIGNEE"].includes(field.type)) {
    const v = cond.value[0] ?? "";
    return (
      <span class="value-or-func">
        <select aria-label={label} value={v === "LOGINUSER()" ? v : ""} onChange={(e) => onChange([(e.target as HTMLSelectElement).value])}>
          <option value="">…</option>
          <option value="LOGINUSER()">{t("loginUser")}</option>
        </select>
        {v !== "LOGINUSER()" && <input aria-label={label} value={v} onInput={(e) => onChange([(e.target as HTMLInputElement).value])} />}
      </span>
    );
  }
  const date = field.type === "DATE" || field.type === "DATETIME" || field.type === "CREATED_TIME" || field.type === "UPDATED_TIME";
  const v = cond.value[0] ?? "";
  if (date) {
    const isFunc = DATE_FUNCS.includes(v);
    return (
      <span class="value-or-func">
        <select aria-label={label} value={isFunc ? v : ""} onChange={(e) => onChange([(e.target as HTMLSelectElement).value])}>
          <option value="">{field.type === "DATE" ? "YYYY-MM-DD" : "…"}</option>
          {DATE_FUNCS.map((fn) => <option value={fn}>{t(FUNC_KEY[fn])}</option>)}
        </select>
        {!isFunc && <input type="date" aria-label={label} value={v.slice(0, 10)} onInput={(e) => onChange([(e.target as HTMLInputElement).value])} />}
      </span>
    );
  }
  return <input aria-label={label} value={v} onInput={(e) => onChange([(e.target as HTMLInputElement).value])} />;
}
