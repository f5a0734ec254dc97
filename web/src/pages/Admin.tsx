// pages/Admin.tsx - the organisation, for system administrators: users,
// departments (a tree) and groups, through the cybozu.com User API; and
// loading users and departments from CSV files (the way a city brings in its
// accounts).
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, k, upload } from "../api";
import { MailSettings } from "./MailSettings";
import { t, useLang, type Key } from "../i18n";
import { confirmDialog, Dialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { DataFileChooser } from "../ui/DataFile";

interface User { id: string; code: string; name: string; email: string; valid: boolean; locale: string; timezone: string; primaryOrganization: string | null; administrator: boolean }
interface Entity { id: string; code: string; name: string; description: string; parentCode?: string | null }

const PAGE = 100;

// Every department or group (they are few: a city has some hundreds).
async function loadAll(kind: "organizations" | "groups"): Promise<Entity[]> {
  const out: Entity[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const r = await call<Record<string, Entity[]>>("GET", `/v1/${kind}.json`, { offset, size: PAGE });
    out.push(...r[kind]);
    if (r[kind].length < PAGE) return out;
  }
}

export function Admin() {
  useLang();
  const [tab, setTab] = useState<"users" | "orgs" | "groups" | "csv" | "creators" | "mail" | "general" | "audit">("users");
  const [orgs, setOrgs] = useState<Entity[]>([]);
  const [groups, setGroups] = useState<Entity[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = () => Promise.all([loadAll("organizations"), loadAll("groups")]).then(([o, g]) => { setOrgs(o); setGroups(g); }).catch(setError);
  useEffect(() => void reload(), []);
  return (
    <div class="page admin">
      <div class="page-head"><h1>{t("adminTitle")}</h1></div>
      {error ? <ErrorBox error={error} /> : null}
      <div role="tablist" class="tabs">
        {(["users", "orgs", "groups", "csv", "creators", "mail", "general", "audit"] as const).map((x) => (
          <button role="tab" type="button" aria-selected={tab === x} onClick={() => setTab(x)}>
            {t(({ users: "adminUsers", orgs: "adminOrgs", groups: "adminGroups", csv: "adminCsv", creators: "appCreators", mail: "mailTab", general: "generalTab", audit: "auditLog" } as const)[x])}
          </button>
        ))}
      </div>
      {tab === "users" && <Users orgs={orgs} groups={groups} />}
      {tab === "orgs" && <Entities kind="organizations" list={orgs} onChanged={reload} />}
      {tab === "groups" && <Entities kind="groups" list={groups} onChanged={reload} />}
      {tab === "csv" && <CsvLoad onDone={reload} />}
      {tab === "creators" && <AppCreators orgs={orgs} groups={groups} />}
      {tab === "mail" && <MailSettings />}
      {tab === "general" && <GeneralSettings />}
      {tab === "audit" && <AuditLog />}
    </div>
  );
}

function Users({ orgs, groups }: { orgs: Entity[]; groups: Entity[] }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => call<{ users: User[] }>("GET", "/v1/users.json", { offset, size: PAGE }).then((r) => { setUsers(r.users); setError(null); }).catch(setError);
  useEffect(() => void load(), [offset]);
  const orgName = (id: string | null) => orgs.find((o) => o.id === id)?.name ?? "";
  return (
    <section>
      <div class="actions left"><button type="button" class="primary" onClick={() => setEditing("new")}>＋ {t("addUser")}</button></div>
      {error ? <ErrorBox error={error} /> : null}
      <table class="records">
        <thead><tr><th scope="col">{t("loginName")}</th><th scope="col">{t("displayName")}</th><th scope="col">{t("email")}</th><th scope="col">{t("primaryOrg")}</th><th scope="col">{t("accountState")}</th><th><span class="visually-hidden">{t("edit")}</span></th></tr></thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr>
              <td>{u.code}{u.administrator && <span class="badge">{t("administrator")}</span>}</td>
              <td>{u.name}</td><td>{u.email}</td><td>{orgName(u.primaryOrganization)}</td>
              <td>{u.valid ? t("accountActive") : t("accountStopped")}</td>
              <td><button type="button" aria-label={`${t("edit")}: ${u.name}`} onClick={() => setEditing(u)}>{t("edit")}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t("prevPage")}</button>
        <button type="button" disabled={(users?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>{t("nextPage")}</button>
      </div>
      {editing && <UserDialog user={editing === "new" ? null : editing} orgs={orgs} groups={groups} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />}
    </section>
  );
}

function UserDialog({ user, orgs, groups, onClose, onSaved }: { user: User | null; orgs: Entity[]; groups: Entity[]; onClose: () => void; onSaved: () => void }) {
  const [u, setU] = useState({
    code: user?.code ?? "", name: user?.name ?? "", email: user?.email ?? "", password: "",
    locale: user?.locale ?? "auto", timezone: user?.timezone ?? "Asia/Tokyo", administrator: user?.administrator ?? false, valid: user?.valid ?? true,
  });
  const [mine, setMine] = useState<string[]>([]);
  const [primary, setPrimary] = useState("");
  const [myGroups, setMyGroups] = useState<string[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!user) return;
    call<{ organizationTitles: { organization: Entity; primary: boolean }[] }>("GET", "/v1/user/organizations.json", { code: user.code }).then((r) => {
      setMine(r.organizationTitles.map((x) => x.organization.code));
      setPrimary(r.organizationTitles.find((x) => x.primary)?.organization.code ?? "");
    });
    call<{ groups: Entity[] }>("GET", "/v1/user/groups.json", { code: user.code }).then((r) => setMyGroups(r.groups.map((g) => g.code)));
  }, []);
  const field = (key: keyof typeof u) => (e: Event) => setU({ ...u, [key]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    setProblems({});
    const body: Record<string, unknown> = { code: user?.code ?? u.code, name: u.name, email: u.email, locale: u.locale, timezone: u.timezone, administrator: u.administrator, valid: u.valid };
    if (u.password) body.password = u.password;
    if (user && u.code !== user.code) body.newCode = u.code;
    try {
      await withProgress(call(user ? "PUT" : "POST", "/v1/users.json", { users: [body] }));
      await withProgress(call("PUT", "/v1/userOrganizations.json", { userOrganizations: [{ code: u.code, organizations: mine, primaryOrganization: primary || mine[0] }] }));
      await withProgress(call("PUT", "/v1/userGroups.json", { userGroups: [{ code: u.code, groups: myGroups }] }));
      notify(t("saved"));
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.errors)
        setProblems(Object.fromEntries(Object.entries(err.errors).map(([k, v]) => [k.replace(/^users\[0\]\./, ""), v.messages.join(" ")])));
      setError(err);
    }
  };
  const toggle = (list: string[], code: string) => (list.includes(code) ? list.filter((c) => c !== code) : [...list, code]);
  const err = (k: string) => problems[k] && <span class="field-error" role="alert">{problems[k]}</span>;
  return (
    <Dialog title={user ? t("editUser") : t("addUser")} onClose={onClose} wide>
      <form onSubmit={save} class="field-settings">
        <label for="u-code">{t("loginName")}</label>
        <input id="u-code" required value={u.code} onInput={field("code")} autocomplete="off" />{err("code")}{err("newCode")}
        <label for="u-name">{t("displayName")}</label>
        <input id="u-name" required value={u.name} onInput={field("name")} />{err("name")}
        <label for="u-email">{t("email")}</label>
        <input id="u-email" type="email" value={u.email} onInput={field("email")} />
        <label for="u-pw">{user ? t("newPasswordOptional") : t("password")}</label>
        <input id="u-pw" type="password" autocomplete="new-password" minLength={8} value={u.password} onInput={field("password")} />{err("password")}
        <div class="pair">
          <span><label for="u-locale">{t("language")}</label>
            <select id="u-locale" value={u.locale} onChange={field("locale")}><option value="auto">{t("langAuto")}</option><option value="ja">日本語</option><option value="en">English</option></select></span>
          <span><label for="u-tz">{t("timezone")}</label><input id="u-tz" value={u.timezone} onInput={field("timezone")} />{err("timezone")}</span>
        </div>
        <label class="check"><input type="checkbox" checked={u.administrator} onChange={(e) => setU({ ...u, administrator: (e.target as HTMLInputElement).checked })} /> {t("administrator")}</label>
        <label class="check"><input type="checkbox" checked={u.valid} onChange={(e) => setU({ ...u, valid: (e.target as HTMLInputElement).checked })} /> {t("accountActive")}</label>
        <fieldset>
          <legend>{t("userOrgs")}</legend>
          <ul class="plain">
            {orgs.map((o) => (
              <li>
                <label class="check"><input type="checkbox" checked={mine.includes(o.code)} onChange={() => setMine(toggle(mine, o.code))} /> {o.name}</label>
                {mine.includes(o.code) && (
                  <label class="check"><input type="radio" name="primary" checked={(primary || mine[0]) === o.code} onChange={() => setPrimary(o.code)} /> {t("primaryOrg")}</label>
                )}
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset>
          <legend>{t("userGroups")}</legend>
          <div class="choices">
            {groups.map((g) => <label><input type="checkbox" checked={myGroups.includes(g.code)} onChange={() => setMyGroups(toggle(myGroups, g.code))} /> {g.name}</label>)}
          </div>
        </fieldset>
        {error && !Object.keys(problems).length ? <p class="field-error" role="alert">{explain(error)}</p> : null}
        <div class="actions"><button type="button" onClick={onClose}>{t("cancel")}</button><button type="submit" class="primary">{t("save")}</button></div>
      </form>
    </Dialog>
  );
}

// Departments as a tree (each under its parent) or groups as a list.
function Entities({ kind, list, onChanged }: { kind: "organizations" | "groups"; list: Entity[]; onChanged: () => void }) {
  const [editing, setEditing] = useState<Entity | { parentCode?: string } | null>(null);
  const tree = kind === "organizations";
  const children = (parent: string | null) => list.filter((o) => (o.parentCode ?? null) === parent);
  const remove = async (e: Entity) => {
    if (!(await confirmDialog(t("deleteEntityConfirm", { name: e.name })))) return;
    try {
      await withProgress(call("DELETE", `/v1/${kind}.json`, { codes: [e.code] }));
      notify(t("deleted"));
      onChanged();
    } catch (err) {
      notify(explain(err), "error");
    }
  };
  const item = (e: Entity) => (
    <li>
      <span class="entity"><strong>{e.name}</strong> <small>{e.code}</small></span>
      <span class="item-tools">
        {tree && <button type="button" aria-label={`${t("addChildOrg")}: ${e.name}`} onClick={() => setEditing({ parentCode: e.code })}>＋</button>}
        <button type="button" aria-label={`${t("edit")}: ${e.name}`} onClick={() => setEditing(e)}>{t("edit")}</button>
        <button type="button" aria-label={`${t("remove")}: ${e.name}`} onClick={() => remove(e)}>×</button>
      </span>
      {tree && children(e.code).length > 0 && <ul class="tree">{children(e.code).map(item)}</ul>}
    </li>
  );
  return (
    <section>
      <div class="actions left"><button type="button" class="primary" onClick={() => setEditing({})}>＋ {t(tree ? "addOrg" : "addGroup")}</button></div>
      {list.length === 0 && <p class="muted">{t(tree ? "noOrgs" : "noGroups")}</p>}
      <ul class="tree">{(tree ? children(null) : list).map(item)}</ul>
      {editing && <EntityDialog kind={kind} entity={"code" in editing ? (editing as Entity) : null} parentCode={(editing as { parentCode?: string }).parentCode} all={list}
        onClose={() => setEditing(null)} onSaved={() => { setEditing(null); onChanged(); }} />}
    </section>
  );
}

function EntityDialog({ kind, entity, parentCode, all, onClose, onSaved }: { kind: "organizations" | "groups"; entity: Entity | null; parentCode?: string; all: Entity[]; onClose: () => void; onSaved: () => void }) {
  const [x, setX] = useState({ code: entity?.code ?? "", name: entity?.name ?? "", description: entity?.description ?? "", parentCode: entity?.parentCode ?? parentCode ?? "" });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof x) => (e: Event) => setX({ ...x, [k]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { code: entity?.code ?? x.code, name: x.name, description: x.description };
    if (entity && x.code !== entity.code) body.newCode = x.code;
    if (kind === "organizations") body.parentCode = x.parentCode || null;
    try {
      await withProgress(call(entity ? "PUT" : "POST", `/v1/${kind}.json`, { [kind]: [body] }));
      notify(t("saved"));
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title={t(kind === "organizations" ? (entity ? "editOrg" : "addOrg") : entity ? "editGroup" : "addGroup")} onClose={onClose}>
      <form onSubmit={save} class="field-settings">
        <label for="e-name">{t("entityName")}</label>
        <input id="e-name" required value={x.name} onInput={set("name")} />
        <label for="e-code">{t("entityCode")}</label>
        <input id="e-code" required value={x.code} onInput={set("code")} />
        {kind === "organizations" && (
          <>
            <label for="e-parent">{t("parentOrg")}</label>
            <select id="e-parent" value={x.parentCode} onChange={set("parentCode")}>
              <option value="">{t("topLevel")}</option>
              {all.filter((o) => o.code !== entity?.code).map((o) => <option value={o.code}>{o.name}</option>)}
            </select>
          </>
        )}
        <label for="e-desc">{t("description")}</label>
        <textarea id="e-desc" rows={2} value={x.description} onInput={set("description")} />
        {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
        <div class="actions"><button type="button" onClick={onClose}>{t("cancel")}</button><button type="submit" class="primary">{t("save")}</button></div>
      </form>
    </Dialog>
  );
}

// Departments, then users, from CSV files.
function CsvLoad({ onDone }: { onDone: () => void }) {
  const [kind, setKind] = useState<"organizations" | "users">("organizations");
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState("auto");
  const [result, setResult] = useState<{ added: string; updated: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    if (!file) return;
    setResult(null);
    setError(null);
    try {
      setResult(await withProgress(upload("/api/people/import", { kind, encoding }, file)));
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="import">
      <p class="hint">{t("peopleCsvHint")}</p>
      <fieldset>
        <legend>{t("peopleCsvKind")}</legend>
        <label class="check"><input type="radio" name="kind" checked={kind === "organizations"} onChange={() => setKind("organizations")} /> {t("adminOrgs")}</label>
        <label class="check"><input type="radio" name="kind" checked={kind === "users"} onChange={() => setKind("users")} /> {t("adminUsers")}</label>
      </fieldset>
      <DataFileChooser id="people" encoding={encoding} onEncoding={setEncoding} onFile={setFile} onError={setError} />
      <div class="actions left"><button type="button" class="primary" disabled={!file} onClick={run}>{t("peopleCsvLoad")}</button></div>
      {result && <p class="done" role="status">{t("peopleCsvDone", { added: result.added, updated: result.updated })}</p>}
      {error ? <div role="alert"><ErrorBox error={error} /></div> : null}
    </section>
  );
}

interface Entry { id: string; at: string; user: string; addr: string; action: string; target: string; detail: string }

// Who did what and when, newest first; the chain of hashes checked on request.
function AuditLog() {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [check, setCheck] = useState<{ ok: boolean; checked: string; brokenAt: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [appNames, setAppNames] = useState<Record<string, string>>({});
  useEffect(() => void call<{ entries: Entry[] }>("GET", "/api/audit", { offset, limit: PAGE }).then((r) => {
    setEntries(r.entries);
    // the apps the page names, by name
    const ids = [...new Set(r.entries.flatMap((e) => [.../app="?(\d+)/.exec(e.target)?.slice(1) ?? []]))].slice(0, 100);
    if (ids.length) call<{ apps: { appId: string; name: string }[] }>("GET", k("/apps.json"), { ids })
      .then((a) => setAppNames(Object.fromEntries(a.apps.map((x) => [x.appId, x.name])))).catch(() => {});
  }).catch(setError), [offset]);
  // "app=3 ids=[1,2] users=ono" in words: the app's name, the records, whose user record
  const target = (text: string) => text.split(" ").filter(Boolean).map((part) => {
    const [key, raw = ""] = part.split(/=(.*)/s);
    const list = raw.replace(/^\[|\]$/g, "").replace(/"/g, "").split(",").filter(Boolean).join(", ");
    if (key === "app") return appNames[list] ? `${appNames[list]} (#${list})` : `${t("appWord")} #${list}`;
    const word = ({ id: "record", ids: "records", users: "aclKind_USER", organizations: "aclKind_ORGANIZATION", groups: "aclKind_GROUP", userOrganizations: "aclKind_USER", userGroups: "aclKind_USER" } as Record<string, Key>)[key];
    return word ? `${t(word)}: ${list}` : part;
  }).join(" · ");
  const minute = (iso: string) => new Date(iso).toLocaleString(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const verify = () => withProgress(call("GET", "/api/audit/verify")).then(setCheck).catch(setError);
  const csv = () => {
    const cells = (e: Entry) => [e.id, e.at, e.user, e.addr, e.action, e.target, e.detail].map((c) => `"${String(c).replace(/"/g, '""')}"`).join(",");
    const text = ["id,at,user,addr,action,target,detail", ...(entries ?? []).map(cells)].join("\r\n") + "\r\n";
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = `audit-${offset}.csv`;
    a.click();
  };
  return (
    <section>
      <div class="actions left">
        <button type="button" onClick={verify}>{t("auditVerify")}</button>
        <button type="button" onClick={csv} disabled={!entries?.length}>{t("exportCsv")}</button>
      </div>
      {check && <p class={check.ok ? "done" : "field-error"} role="status">{check.ok ? t("auditOk", { n: check.checked }) : t("auditBroken", { id: check.brokenAt ?? "" })}</p>}
      {error ? <ErrorBox error={error} /> : null}
      <table class="records">
        <thead><tr><th scope="col">{t("auditAt")}</th><th scope="col">{t("auditWho")}</th><th scope="col">{t("auditAction")}</th><th scope="col">{t("auditTarget")}</th><th scope="col">{t("auditFrom")}</th></tr></thead>
        <tbody>
          {(entries ?? []).map((e) => (
            <tr><td><time dateTime={e.at} title={new Date(e.at).toLocaleString()}>{minute(e.at)}</time></td><td>{e.user || "—"}</td><td>{t(("audit_" + e.action.replace(".", "_")) as Key)}</td><td>{target(e.target)}</td><td>{e.addr}</td></tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t("prevPage")}</button>
        <button type="button" disabled={(entries?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>{t("nextPage")}</button>
      </div>
    </section>
  );
}

interface Who { entity: { type: "USER" | "ORGANIZATION" | "GROUP"; code: string }; includeSubs: boolean }

// Who may create apps: everyone, or the people, departments and groups listed.
function AppCreators({ orgs, groups }: { orgs: Entity[]; groups: Entity[] }) {
  const [list, setList] = useState<Who[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call<{ entities: Who[] }>("GET", "/api/system/app-creators").then((r) => setList(r.entities)).catch(setError);
    call<{ users: User[] }>("GET", "/v1/users.json", { size: PAGE }).then((r) => setUsers(r.users)).catch(() => {});
  }, []);
  if (!list) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const options = (type: string): Entity[] => (type === "USER" ? (users as unknown as Entity[]) : type === "ORGANIZATION" ? orgs : groups);
  const patch = (i: number, w: Partial<Who>) => setList(list.map((x, j) => (j === i ? { ...x, ...w } : x)));
  const save = async () => {
    try {
      await withProgress(call("PUT", "/api/system/app-creators", { entities: list }));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <p class="hint">{t("appCreatorsHint")}</p>
      <p role="status">{list.length ? t("appCreatorsListed", { n: list.length }) : t("appCreatorsEveryone")}</p>
      <ul class="plain">
        {list.map((w, i) => (
          <li>
            <select aria-label={`${t("aclKind")} ${i + 1}`} value={w.entity.type} onChange={(e) => { const type = (e.target as HTMLSelectElement).value as Who["entity"]["type"]; patch(i, { entity: { type, code: options(type)[0]?.code ?? "" } }); }}>
              {(["USER", "ORGANIZATION", "GROUP"] as const).map((x) => <option value={x}>{t(`aclKind_${x}` as const)}</option>)}
            </select>
            <select aria-label={`${t("aclWho")} ${i + 1}`} value={w.entity.code} onChange={(e) => patch(i, { entity: { ...w.entity, code: (e.target as HTMLSelectElement).value } })}>
              {options(w.entity.type).map((o) => <option value={o.code}>{o.name}</option>)}
            </select>
            {w.entity.type === "ORGANIZATION" && <label class="check"><input type="checkbox" checked={w.includeSubs} onChange={(e) => patch(i, { includeSubs: (e.target as HTMLInputElement).checked })} /> {t("includeSubs")}</label>}
            <button type="button" aria-label={`${t("remove")} ${i + 1}`} onClick={() => setList(list.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ul>
      <div class="actions left">
        <button type="button" onClick={() => setList([...list, { entity: { type: "ORGANIZATION", code: orgs[0]?.code ?? "" }, includeSubs: true }])}>＋ {t("aclAdd")}</button>
        <button type="button" class="primary" onClick={save}>{t("save")}</button>
      </div>
      {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
    </section>
  );
}

// The installation's default language: what answers a request that names none
// (the official kintone clients send none) for people whose language follows
// their browser.
function GeneralSettings() {
  const [lang, setLang] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void call<{ defaultLanguage: string }>("GET", "/api/system/settings").then((r) => setLang(r.defaultLanguage)).catch(setError), []);
  if (lang === null) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const save = async () => {
    try {
      await withProgress(call("PUT", "/api/system/settings", { defaultLanguage: lang }));
      setError(null);
      notify(t("saved"));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form class="settings-form" onSubmit={(e) => { e.preventDefault(); save(); }}>
      {error ? <ErrorBox error={error} /> : null}
      <label for="sys-lang">{t("defaultLanguage")}</label>
      <select id="sys-lang" value={lang} aria-describedby="sys-lang-hint" onChange={(e) => setLang((e.target as HTMLSelectElement).value)}>
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
      <p class="hint" id="sys-lang-hint">{t("defaultLanguageHint")}</p>
      <div class="actions"><button type="submit" class="primary">{t("save")}</button></div>
    </form>
  );
}
