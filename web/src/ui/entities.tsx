// ui/entities.tsx - choosing people for settings: users, departments (with
// those below), groups, a user field of the record, or the record's creator.
// Process assignees, notification targets and circular recipients share it.
import { useEffect, useState } from "preact/hooks";
import { t, type Key } from "../i18n";
import { loadEntities, loadUsers, type UserEntry } from "../fields/inputs";

export interface Entity { entity: { type: string; code: string | null }; includeSubs: boolean }
export type Kind = "USER" | "GROUP" | "ORGANIZATION" | "FIELD_ENTITY" | "CREATOR";
export interface Named { code: string; name: string }

// The people, departments and groups there are now, and the app's people fields.
export function useEntities(peopleFields: Named[] = []) {
  const [users, setUsers] = useState<UserEntry[]>([]);
  const [orgs, setOrgs] = useState<Named[]>([]);
  const [groups, setGroups] = useState<Named[]>([]);
  useEffect(() => {
    loadUsers(true).then(setUsers); // settings name people: the list as it is now
    loadEntities("organizations").then(setOrgs);
    loadEntities("groups").then(setGroups);
  }, []);
  const choices = (type: string): Named[] =>
    type === "USER" ? users : type === "GROUP" ? groups : type === "ORGANIZATION" ? orgs : type === "FIELD_ENTITY" ? peopleFields : [];
  const label = (e: Entity) =>
    e.entity.type === "CREATOR" ? t("recordCreator") : choices(e.entity.type).find((c) => c.code === e.entity.code)?.name ?? e.entity.code ?? "";
  return { choices, label };
}

// The chosen entities as chips that can be removed, and a row to add one.
export function EntityList({ value, onChange, kinds, choices, label, name }: {
  value: Entity[]; onChange: (v: Entity[]) => void; kinds: Kind[];
  choices: (type: string) => Named[]; label: (e: Entity) => string; name: string;
}) {
  return (
    <span class="entity-list">
      <span class="chips">
        {value.map((e, j) => (
          <span class="chip">{label(e)}{e.includeSubs && e.entity.type === "ORGANIZATION" ? ` (${t("includeSubs")})` : ""}
            <button type="button" aria-label={`${t("remove")} ${label(e)}`} onClick={() => onChange(value.filter((_, m) => m !== j))}>×</button>
          </span>
        ))}
      </span>
      <AddEntity kinds={kinds} choices={choices} name={name} onAdd={(e) => onChange([...value, e])} />
    </span>
  );
}

// words: what its two selects are called (process management says "assignee")
export function AddEntity({ kinds, choices, onAdd, name, words = { kind: t("aclKind"), who: t("aclWho") } }: {
  kinds: Kind[]; choices: (type: string) => Named[]; onAdd: (e: Entity) => void; name: string; words?: { kind: string; who: string };
}) {
  const [type, setType] = useState<string>(kinds[0]);
  const [code, setCode] = useState("");
  const list = choices(type);
  return (
    <span class="add-entity">
      <select aria-label={`${words.kind} ${name}`} value={type} onChange={(e) => { setType((e.target as HTMLSelectElement).value); setCode(""); }}>
        {kinds.map((x) => <option value={x}>{t(("assigneeKind_" + x) as Key)}</option>)}
      </select>
      {type !== "CREATOR" && (
        <select aria-label={`${words.who} ${name}`} value={code} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
          <option value="">{t("choose")}</option>
          {list.map((c) => <option value={c.code}>{c.name}</option>)}
        </select>
      )}
      <button type="button" disabled={type !== "CREATOR" && !code}
        onClick={() => { onAdd({ entity: { type, code: type === "CREATOR" ? null : code }, includeSubs: type === "ORGANIZATION" }); setCode(""); }}>{t("addAssignee")}</button>
    </span>
  );
}
