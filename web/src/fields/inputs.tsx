// fields/inputs.tsx - the input of each field type on the record form.
import DOMPurify from "dompurify";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, k, me, qstr, uploadFile, type FieldProp, type KRecord } from "../api";
import { appInfo, formFields } from "../data";
import { display, optionList } from "./types";
import { t } from "../i18n";
import { Dialog, explain, withProgress } from "../ui/feedback";
import { FileList, type FileEntry } from "./values";

export interface InputProps {
  field: FieldProp;
  value: any;
  onChange: (v: any) => void;
  id: string;
  invalid: boolean;
  describedBy?: string;
  label?: string; // the accessible name, where no <label> names the input (a list's row)
  // a lookup also sets the fields it copies to (in the same record or row)
  onPatch?: (patch: Record<string, any>) => void;
}

// "2025-01-01T01:00:00Z" <-> the local "2025-01-01T10:00" of <input type=datetime-local>
const toLocal = (iso: string) => {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};
const fromLocal = (s: string) => (s ? new Date(s).toISOString().replace(/\.\d{3}Z$/, "Z") : "");

export function FieldInput(p: InputProps) {
  const { field: f, value, onChange, id, invalid, describedBy, label } = p;
  const common = { id, "aria-label": label, "aria-invalid": invalid || undefined, "aria-describedby": describedBy, "aria-required": f.required || undefined };
  const text = (type: string) => (
    <input {...common} type={type} value={value ?? ""} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
  );
  if (f.lookup) return <LookupInput {...p} />;
  switch (f.type) {
    case "SINGLE_LINE_TEXT":
      return text("text");
    case "LINK":
      return text(f.protocol === "MAIL" ? "email" : f.protocol === "CALL" ? "tel" : "url");
    case "NUMBER":
      return (
        <span class="with-unit">
          {f.unit && f.unitPosition === "BEFORE" && <span class="unit">{f.unit}</span>}
          <input {...common} type="text" inputMode="decimal" value={value ?? ""} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
          {f.unit && f.unitPosition !== "BEFORE" && <span class="unit">{f.unit}</span>}
        </span>
      );
    case "MULTI_LINE_TEXT":
      return <textarea {...common} rows={4} value={value ?? ""} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />;
    case "RICH_TEXT":
      return <RichText {...p} />;
    case "DATE":
      return text("date");
    case "TIME":
      return text("time");
    case "DATETIME":
      return <input {...common} type="datetime-local" value={toLocal(value)} onInput={(e) => onChange(fromLocal((e.target as HTMLInputElement).value))} />;
    case "DROP_DOWN":
      return (
        <select {...common} value={value ?? ""} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
          <option value="">-----</option>
          {optionList(f).map((o) => <option value={o}>{o}</option>)}
        </select>
      );
    case "RADIO_BUTTON":
      return (
        <div role="radiogroup" class={"choices " + (f.align === "VERTICAL" ? "vertical" : "")} {...common}>
          {optionList(f).map((o) => (
            <label><input type="radio" name={id} checked={value === o} onChange={() => onChange(o)} /> {o}</label>
          ))}
        </div>
      );
    case "CHECK_BOX":
      return (
        <div role="group" class={"choices " + (f.align === "VERTICAL" ? "vertical" : "")} {...common}>
          {optionList(f).map((o) => {
            const on = (value ?? []).includes(o);
            return (
              <label><input type="checkbox" checked={on} onChange={() => onChange(on ? value.filter((v: string) => v !== o) : [...(value ?? []), o])} /> {o}</label>
            );
          })}
        </div>
      );
    case "MULTI_SELECT":
      return (
        <select {...common} multiple size={Math.min(6, optionList(f).length)} onChange={(e) => onChange([...(e.target as HTMLSelectElement).selectedOptions].map((o) => o.value))}>
          {optionList(f).map((o) => <option value={o} selected={(value ?? []).includes(o)}>{o}</option>)}
        </select>
      );
    case "USER_SELECT":
      return <UserPicker {...p} />;
    case "ORGANIZATION_SELECT":
      return <UserPicker {...p} load={() => loadEntities("organizations")} />;
    case "GROUP_SELECT":
      return <UserPicker {...p} load={() => loadEntities("groups")} />;
    case "FILE":
      return <FileInput {...p} />;
    case "SUBTABLE":
      return <TableInput {...p} />;
    default:
      return <span>{String(value ?? "")}</span>;
  }
}

// Rich text: the browser's own editing with a toolbar, sanitised on the way
// out. The box is written only when the value changes from outside (a
// restore): rewriting it while the person types moves the caret. A render can
// lag behind fast typing and bring back a value this box sent a moment ago,
// so every value it sent counts as its own, not only the last.
const RICH_COMMANDS: { cmd: string; label: "bold" | "italic" | "underline" | "strike" | "bulletList" | "numberList" | "clearFormat"; glyph: string; state?: boolean }[] = [
  { cmd: "bold", label: "bold", glyph: "B", state: true },
  { cmd: "italic", label: "italic", glyph: "I", state: true },
  { cmd: "underline", label: "underline", glyph: "U", state: true },
  { cmd: "strikeThrough", label: "strike", glyph: "S", state: true },
  { cmd: "insertUnorderedList", label: "bulletList", glyph: "•", state: true },
  { cmd: "insertOrderedList", label: "numberList", glyph: "1.", state: true },
  { cmd: "removeFormat", label: "clearFormat", glyph: "⌫" },
];

function RichText({ field, value, onChange, id, invalid, describedBy }: InputProps) {
  const ref = useRef<HTMLDivElement>(null);
  const sent = useRef(new Set<string>());
  const [active, setActive] = useState<Record<string, boolean>>({});
  useEffect(() => {
    const box = ref.current;
    if (box && !sent.current.has(value ?? "")) {
      box.innerHTML = DOMPurify.sanitize(value ?? "");
      sent.current = new Set([value ?? ""]);
    }
  }, [value]);
  const changed = () => {
    const html = DOMPurify.sanitize(ref.current!.innerHTML);
    if (sent.current.size > 500) sent.current.clear();
    sent.current.add(html);
    onChange(html);
  };
  const refresh = () => setActive(Object.fromEntries(RICH_COMMANDS.filter((c) => c.state).map((c) => [c.cmd, document.queryCommandState(c.cmd)])));
  const run = (cmd: string) => {
    ref.current!.focus();
    document.execCommand(cmd);
    changed();
    refresh();
  };
  const link = () => {
    const url = window.prompt(t("linkUrl"), "https://");
    if (!url || !/^(https?:|mailto:)/i.test(url)) return;
    ref.current!.focus();
    document.execCommand("createLink", false, url);
    changed();
  };
  return (
    <div class="rich-editor">
      <div class="rich-toolbar" role="toolbar" aria-label={t("formatting")} aria-controls={id}>
        {RICH_COMMANDS.map((c) => (
          <button type="button" title={t(c.label)} aria-pressed={c.state ? !!active[c.cmd] : undefined}
            onMouseDown={(e) => e.preventDefault()} onClick={() => run(c.cmd)}>
            <span aria-hidden="true">{c.glyph}</span><span class="visually-hidden">{t(c.label)}</span>
          </button>
        ))}
        <button type="button" title={t("insertLink")} onMouseDown={(e) => e.preventDefault()} onClick={link}>
          <span aria-hidden="true">🔗</span><span class="visually-hidden">{t("insertLink")}</span>
        </button>
      </div>
      <div
        ref={ref} id={id} class="rich" contentEditable role="textbox" aria-multiline="true" aria-label={field.label}
        aria-invalid={invalid || undefined} aria-describedby={describedBy}
        onInput={changed} onKeyUp={refresh} onMouseUp={refresh}
      />
    </div>
  );
}

export interface UserEntry { code: string; name: string }
// Kept a short while: pickers on one page share one request, and people
// added meanwhile show up soon after.
let usersCache: { at: number; list: Promise<UserEntry[]> } | null = null;
export function loadUsers(fresh = false): Promise<UserEntry[]> {
  if (fresh || !usersCache || Date.now() - usersCache.at > 15000)
    usersCache = { at: Date.now(), list: call<{ users: UserEntry[] }>("GET", "/v1/users.json", { size: 100 }).then((r) => r.users).catch(() => []) };
  return usersCache.list;
}

// Departments or groups to choose from (a city has some hundreds).
export async function loadEntities(kind: "organizations" | "groups"): Promise<UserEntry[]> {
  const out: UserEntry[] = [];
  for (let offset = 0; ; offset += 100) {
    const r = await call<Record<string, UserEntry[]>>("GET", `/v1/${kind}.json`, { offset, size: 100 }).catch(() => ({ [kind]: [] as UserEntry[] }));
    out.push(...r[kind]);
    if (r[kind].length < 100) return out;
  }
}

// Users (or departments, groups): chosen ones as removable chips, a search box with suggestions.
export function UserPicker({ value, onChange, id, invalid, describedBy, load }: InputProps & { load?: () => Promise<UserEntry[]> }) {
  const [all, setAll] = useState<UserEntry[]>([]);
  const [q, setQ] = useState("");
  useEffect(() => void (load ?? loadUsers)().then(setAll), []);
  const chosen: UserEntry[] = value ?? [];
  const matches = q ? all.filter((u) => !chosen.some((c) => c.code === u.code) && (u.code + " " + u.name).toLowerCase().includes(q.toLowerCase())).slice(0, 8) : [];
  return (
    <div class="picker">
      {chosen.map((u) => (
        <span class="chip">{u.name || u.code}
          <button type="button" aria-label={`${t("remove")} ${u.name || u.code}`} onClick={() => onChange(chosen.filter((c) => c.code !== u.code))}>×</button>
        </span>
      ))}
      <input id={id} type="search" value={q} placeholder={t("search")} aria-invalid={invalid || undefined} aria-describedby={describedBy}
        autocomplete="off" onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => { if (e.key === "Enter" && matches[0]) { e.preventDefault(); onChange([...chosen, matches[0]]); setQ(""); } }} />
      {matches.length > 0 && (
        <ul class="suggest" role="listbox">
          {matches.map((u) => (
            <li role="option"><button type="button" onClick={() => { onChange([...chosen, u]); setQ(""); }}>{u.name} <small>{u.code}</small></button></li>
          ))}
        </ul>
      )}
    </div>
  );
}

// Attachments: the files kept, each removable, and new ones uploaded at once
// with a progress bar; the record takes them when it is saved.
function FileInput({ field, value, onChange, id, invalid, describedBy }: InputProps) {
  const files: FileEntry[] = value ?? [];
  const [pct, setPct] = useState<number | null>(null);
  const [problem, setProblem] = useState("");
  const pick = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = "";
    let next = files;
    setProblem("");
    for (const file of chosen) {
      try {
        setPct(0);
        const fileKey = await uploadFile(file, (sent, total) => setPct(Math.round((100 * sent) / Math.max(total, 1))));
        const preview = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
        next = [...next, { fileKey, name: file.name, size: String(file.size), contentType: file.type || "application/octet-stream", fresh: true, preview }];
        onChange(next);
      } catch (err) {
        setProblem(`${file.name}: ${explain(err)}`);
      } finally {
        setPct(null);
      }
    }
  };
  return (
    <div class="file-input">
      <FileList field={field} files={files} onRemove={(i) => onChange(files.filter((_, j) => j !== i))} />
      <label class="button">
        {t("attach")}
        <input id={id} type="file" multiple class="visually-hidden" onChange={pick} aria-invalid={invalid || undefined} aria-describedby={describedBy} />
      </label>
      {pct !== null && (
        <span role="status" class="upload-progress">
          <progress max={100} value={pct} /> {t("uploading", { pct })}
        </span>
      )}
      {problem && <span class="field-error" role="alert">{problem}</span>}
    </div>
  );
}

type Row = { id?: string; value: Record<string, { type?: string; value: any }> };

// The inner fields of a table, in their definition order.
// A field's default as a new record starts with it: people fields' functions
// (LOGINUSER(), PRIMARY_ORGANIZATION()) resolved for the person signed in.
export function startValue(f: FieldProp): any {
  const d = f.defaultValue;
  if (!Array.isArray(d) || !["USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT"].includes(f.type)) return structuredClone(d);
  const out: UserEntry[] = [];
  for (const e of d as { code: string; type?: string }[]) {
    const v = e.type !== "FUNCTION" ? { code: e.code, name: e.code }
      : e.code === "LOGINUSER()" ? (me && { code: me.code, name: me.name })
      : e.code === "PRIMARY_ORGANIZATION()" ? me?.primaryOrganization : null;
    if (v && !out.some((x) => x.code === v.code)) out.push(v);
  }
  return out;
}

export const innerFields = (f: FieldProp): FieldProp[] => Object.values(f.fields ?? {}) as FieldProp[];

export function newRow(f: FieldProp): Row {
  const value: Row["value"] = {};
  for (const g of innerFields(f))
    value[g.code] = { type: g.type, value: g.defaultValue !== undefined ? startValue(g) : ["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "FILE"].includes(g.type) ? [] : "" };
  return { value };
}

// A table: a row of inputs per row, rows added and removed; rows keep their
// ids, so the server merges them (KINTONE-API.md §6).
function TableInput({ field, value, onChange, id, describedBy }: InputProps) {
  const rows: Row[] = value ?? [];
  const cols = innerFields(field);
  const setCell = (ri: number, patch: Record<string, any>) =>
    onChange(rows.map((r, i) => (i === ri ? { ...r, value: { ...r.value, ...Object.fromEntries(Object.entries(patch).map(([c, v]) => [c, { ...r.value[c], value: v }])) } } : r)));
  return (
    <div class="table-input" id={id} aria-describedby={describedBy}>
      <table class="subtable">
        <thead>
          <tr>{cols.map((g) => <th scope="col">{g.label}{g.required && <span class="req" aria-hidden="true">*</span>}</th>)}<th><span class="visually-hidden">{t("removeRow")}</span></th></tr>
        </thead>
        <tbody>
          {rows.map((r, ri) => (
            <tr>
              {cols.map((g) => (
                <td>
                  <label class="visually-hidden" for={`${id}-${ri}-${g.code}`}>{`${t("rowN", { n: ri + 1 })} ${g.label}`}</label>
                  <FieldInput id={`${id}-${ri}-${g.code}`} field={g} invalid={false} value={r.value[g.code]?.value}
                    onChange={(v) => setCell(ri, { [g.code]: v })} onPatch={(patch) => setCell(ri, patch)} />
                </td>
              ))}
              <td><button type="button" aria-label={`${t("removeRow")} (${t("rowN", { n: ri + 1 })})`} onClick={() => onChange(rows.filter((_, i) => i !== ri))}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => onChange([...rows, newRow(field)])}>＋ {t("addRow")}</button>
    </div>
  );
}

interface Lookup {
  relatedApp: { app: string; code?: string };
  relatedKeyField: string;
  fieldMappings: { field: string; relatedField: string }[];
  lookupPickerFields: string[];
  filterCond?: string;
  sort?: string;
}

const TEXTUAL = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "LINK", "RICH_TEXT"];

// A lookup: type the key and "Get", or "Choose" from the source app's records;
// the key and the fields it maps are filled in (the server copies them again
// when the record is saved).
function LookupInput(p: InputProps) {
  const { field: f, value, onChange, id, invalid, describedBy } = p;
  const lk = f.lookup as Lookup;
  const [msg, setMsg] = useState("");
  const [picking, setPicking] = useState(false);
  const take = (rec: KRecord) => {
    const patch: Record<string, any> = { [f.code]: rec[lk.relatedKeyField]?.value ?? "" };
    for (const m of lk.fieldMappings) patch[m.field] = rec[m.relatedField]?.value ?? "";
    if (p.onPatch) p.onPatch(patch);
    else onChange(patch[f.code]);
    setMsg("");
  };
  const get = async () => {
    if (!value) return setPicking(true);
    try {
      const where = [lk.filterCond, `${lk.relatedKeyField} = ${qstr(value)}`].filter(Boolean).map((c) => `(${c})`).join(" and ");
      const r = await withProgress(call<{ records: KRecord[] }>("GET", k("/records.json"), { app: lk.relatedApp.app, query: `${where} limit 1` }));
      if (r.records.length) take(r.records[0]);
      else setPicking(true); // no exact match: the records the text partly matches, to choose from (as kintone)
    } catch (e) {
      setMsg(explain(e));
    }
  };
  const clear = () => {
    const patch: Record<string, any> = { [f.code]: "" };
    for (const m of lk.fieldMappings) patch[m.field] = "";
    p.onPatch ? p.onPatch(patch) : onChange("");
  };
  return (
    <div class="lookup">
      <input id={id} type="text" inputMode={f.type === "NUMBER" ? "decimal" : undefined} value={value ?? ""} aria-invalid={invalid || undefined}
        aria-describedby={describedBy} onInput={(e) => onChange((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); get(); } }} />
      <button type="button" onClick={get}>{t("lookupGet")}</button>
      <button type="button" onClick={() => setPicking(true)}>{t("lookupPick")}</button>
      <button type="button" onClick={clear}>{t("lookupClear")}</button>
      {msg && <span class="field-error" role="alert">{msg}</span>}
      {picking && <LookupPicker lookup={lk} initial={value ?? ""} onPick={(r) => { take(r); setPicking(false); }} onClose={() => setPicking(false)} />}
    </div>
  );
}

// Records of the source app to choose from, searched by the picker's text fields.
function LookupPicker({ lookup: lk, initial, onPick, onClose }: { lookup: Lookup; initial: string; onPick: (r: KRecord) => void; onClose: () => void }) {
  const [src, setSrc] = useState<{ name: string; fields: Record<string, FieldProp> } | null>(null);
  const [q, setQ] = useState(initial);
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [error, setError] = useState("");
  const shown = lk.lookupPickerFields.length ? lk.lookupPickerFields : [lk.relatedKeyField];
  const search = async (text: string) => {
    if (!src) return;
    const texts = [lk.relatedKeyField, ...shown].filter((c, i, a) => a.indexOf(c) === i && TEXTUAL.includes(src.fields[c]?.type));
    const cond = text ? (texts.length ? texts.map((c) => `${c} like ${qstr(text)}`).join(" or ") : `${lk.relatedKeyField} = ${qstr(text)}`) : "";
    const where = [lk.filterCond, cond].filter(Boolean).map((c) => `(${c})`).join(" and ");
    try {
      const r = await withProgress(call<{ records: KRecord[] }>("GET", k("/records.json"), { app: lk.relatedApp.app, query: `${where} ${lk.sort ? "order by " + lk.sort : ""} limit 20` }));
      setRecords(r.records);
      setError("");
    } catch (e) {
      setError(explain(e));
    }
  };
  useEffect(() => {
    Promise.all([appInfo(lk.relatedApp.app), formFields(lk.relatedApp.app)])
      .then(([a, fields]) => setSrc({ name: a.name, fields })).catch((e) => setError(explain(e)));
  }, []);
  useEffect(() => void search(q), [src]);
  return (
    <Dialog title={t("lookupTitle", { app: src?.name ?? "" })} onClose={onClose} wide>
      <form class="lookup-search" onSubmit={(e) => { e.preventDefault(); search(q); }}>
        <input type="search" aria-label={t("search")} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button type="submit">{t("search")}</button>
      </form>
      {error && <p class="field-error" role="alert">{error}</p>}
      {records && records.length === 0 && <p role="status">{q ? t("lookupNotFound", { v: q }) : t("noRecords")}</p>}
      {records && records.length > 0 && (
        <table class="records picker-table">
          <thead><tr><th><span class="visually-hidden">{t("lookupPick")}</span></th>{shown.map((c) => <th scope="col">{src?.fields[c]?.label ?? c}</th>)}</tr></thead>
          <tbody>
            {records.map((r) => (
              <tr>
                <td><button type="button" onClick={() => onPick(r)}>{t("lookupPick")}</button></td>
                {shown.map((c) => <td>{display(r[c]?.type ?? "", r[c]?.value)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
