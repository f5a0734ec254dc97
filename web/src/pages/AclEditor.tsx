// pages/AclEditor.tsx - who may do what with the app: a list of people,
// departments and groups with their rights, the first that fits a person
// deciding (app/acl.json). Saved with the preview; "Update app" applies it.
import { useEffect, useState } from "preact/hooks";
import { call, k } from "../api";
import { t, type Key } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { loadUsers, type UserEntry } from "../fields/inputs";

interface Right {
  entity: { type: "USER" | "ORGANIZATION" | "GROUP" | "CREATOR"; code: string | null };
  includeSubs: boolean;
  [flag: string]: any;
}
const FLAGS = ["recordViewable", "recordAddable", "recordEditable", "recordDeletable", "recordImportable", "recordExportable", "appEditable"];
interface Entity { code: string; name: string }

export function AclEditor({ appId, onChanged }: { appId: string; onChanged: () => void }) {
  const [rights, setRights] = useState<Right[] | null>(null);
  const [users, setUsers] = useState<UserEntry[]>([]);
  const [orgs, setOrgs] = useState<Entity[]>([]);
  const [groups, setGroups] = useState<Entity[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call<{ rights: Right[] }>("GET", k("/preview/app/acl.json"), { app: appId }).then((r) => setRights(r.rights)).catch(setError);
    loadUsers(true).then(setUsers); // settings name people: the list as it is now
    call<{ organizations: Entity[] }>("GET", "/v1/organizations.json", { size: 100 }).then((r) => setOrgs(r.organizations)).catch(() => {});
    call<{ groups: Entity[] }>("GET", "/v1/groups.json", { size: 100 }).then((r) => setGroups(r.groups)).catch(() => {});
  }, [appId]);
  if (!rights) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const put = (list: Right[]) => setRights(list);
  const patch = (i: number, p: Partial<Right>) => put(rights.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const choices = (type: string): Entity[] =>
    type === "USER" ? users.map((u) => ({ code: u.code, name: u.name })) : type === "ORGANIZATION" ? orgs : [{ code: "everyone", name: t("everyone") }, ...groups];
  const save = async () => {
    try {
      await withProgress(call("PUT", k("/preview/app/acl.json"), { app: appId, rights }));
      notify(t("aclSaved"));
      setError(null);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const who = (r: Right) => (r.entity.type === "CREATOR" ? t("appCreator") : choices(r.entity.type).find((c) => c.code === r.entity.code)?.name ?? r.entity.code);
  return (
    <section class="acl">
      <p class="hint">{t("aclHint")}</p>
      <div class="table-wrap">
        <table class="records acl-table">
          <thead>
            <tr>
              <th scope="col">{t("aclWho")}</th>
              {FLAGS.map((f) => <th scope="col">{t(("acl_" + f) as Key)}</th>)}
              <th><span class="visually-hidden">{t("sortOrder")}</span></th>
            </tr>
          </thead>
          <tbody>
            {rights.map((r, i) => (
              <tr>
                <th scope="row">
                  <select aria-label={`${t("aclKind")} ${i + 1}`} value={r.entity.type}
                    onChange={(e) => { const type = (e.target as HTMLSelectElement).value as Right["entity"]["type"]; patch(i, { entity: { type, code: type === "CREATOR" ? null : choices(type)[0]?.code ?? "" } }); }}>
                    {["USER", "ORGANIZATION", "GROUP", "CREATOR"].map((x) => <option value={x}>{t(("aclKind_" + x) as Key)}</option>)}
                  </select>
                  {r.entity.type !== "CREATOR" && (
                    <select aria-label={`${t("aclWho")} ${i + 1}`} value={r.entity.code ?? ""} onChange={(e) => patch(i, { entity: { ...r.entity, code: (e.target as HTMLSelectElement).value } })}>
                      {choices(r.entity.type).map((c) => <option value={c.code}>{c.name}</option>)}
                    </select>
                  )}
                  {r.entity.type === "ORGANIZATION" && (
                    <label class="check"><input type="checkbox" checked={r.includeSubs} onChange={(e) => patch(i, { includeSubs: (e.target as HTMLInputElement).checked })} /> {t("includeSubs")}</label>
                  )}
                </th>
                {FLAGS.map((f) => (
                  <td><input type="checkbox" aria-label={`${who(r)}: ${t(("acl_" + f) as Key)}`} checked={!!r[f]} onChange={(e) => patch(i, { [f]: (e.target as HTMLInputElement).checked })} /></td>
                ))}
                <td class="row-tools">
                  <button type="button" aria-label={`${t("moveUp")}: ${who(r)}`} disabled={i === 0} onClick={() => { const n = [...rights]; [n[i - 1], n[i]] = [n[i], n[i - 1]]; put(n); }}>↑</button>
                  <button type="button" aria-label={`${t("moveDown")}: ${who(r)}`} disabled={i === rights.length - 1} onClick={() => { const n = [...rights]; [n[i + 1], n[i]] = [n[i], n[i + 1]]; put(n); }}>↓</button>
                  <button type="button" aria-label={`${t("remove")}: ${who(r)}`} onClick={() => put(rights.filter((_, j) => j !== i))}>×</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions left">
        <button type="button" onClick={() => put([{ entity: { type: "USER", code: users[0]?.code ?? "" }, includeSubs: false, recordViewable: true }, ...rights])}>＋ {t("aclAdd")}</button>
        <button type="button" class="primary" onClick={save}>{t("save")}</button>
      </div>
      {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
    </section>
  );
}
