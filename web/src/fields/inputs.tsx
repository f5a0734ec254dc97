// fields/inputs.tsx - the input of each field type on the record form.
import DOMPurify from "dompurify";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, type FieldProp } from "../api";
import { optionList } from "./types";
import { t } from "../i18n";

export interface InputProps {
  field: FieldProp;
  value: any;
  onChange: (v: any) => void;
  id: string;
  invalid: boolean;
  describedBy?: string;
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
  const { field: f, value, onChange, id, invalid, describedBy } = p;
  const common = { id, "aria-invalid": invalid || undefined, "aria-describedby": describedBy, "aria-required": f.required || undefined };
  const text = (type: string) => (
    <input {...common} type={type} value={value ?? ""} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
  );
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
    default:
      return <span>{String(value ?? "")}</span>;
  }
}

// Rich text: the browser's own editing, sanitised on the way in and out.
function RichText({ value, onChange, id, invalid, describedBy }: InputProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.innerHTML !== (value ?? "")) ref.current.innerHTML = DOMPurify.sanitize(value ?? "");
  }, [value]);
  return (
    <div
      ref={ref} id={id} class="rich" contentEditable role="textbox" aria-multiline="true"
      aria-invalid={invalid || undefined} aria-describedby={describedBy}
      onInput={() => onChange(DOMPurify.sanitize(ref.current!.innerHTML))}
    />
  );
}

export interface UserEntry { code: string; name: string }
let usersCache: Promise<UserEntry[]> | null = null;
export function loadUsers(): Promise<UserEntry[]> {
  usersCache ??= call<{ users: UserEntry[] }>("GET", "/v1/users.json", { size: 100 }).then((r) => r.users).catch(() => []);
  return usersCache;
}

// Users: chosen ones as removable chips, a search box with suggestions.
export function UserPicker({ value, onChange, id, invalid, describedBy }: InputProps) {
  const [all, setAll] = useState<UserEntry[]>([]);
  const [q, setQ] = useState("");
  useEffect(() => void loadUsers().then(setAll), []);
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
