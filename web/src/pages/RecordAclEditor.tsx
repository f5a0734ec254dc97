// pages/RecordAclEditor.tsx - record and field rights in the builder's
// permissions tab. Record rights: rules in order, each a condition and who may
// view, edit or delete the records it takes (the first rule a record meets
// decides; records no rule takes follow the app's rights). Field rights: per
// field, who may change it, only see it, or not see it at all.
// (record/acl.json, field/acl.json; saved with the preview.)
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { t, type Key } from "../i18n";
import { ErrorBox, explainAll, notify, withProgress } from "../ui/feedback";
import { AddEntity, useEntities, type Entity, type Kind } from "../ui/entities";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

const KINDS: Kind[] = ["USER", "ORGANIZATION", "GROUP", "FIELD_ENTITY", "CREATOR"];
const PEOPLE = ["USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "CREATOR", "MODIFIER"];
const RIGHTS = ["viewable", "editable", "deletable"] as const;
const ACCESS = ["WRITE", "READ", "NONE"] as const;
const NO_ACL = ["LABEL", "SPACER", "HR", "GROUP", "RECORD_NUMBER", "__ID__", "__REVISION__", "STATUS", "STATUS_ASSIGNEE", "CATEGORY", "CREATOR", "MODIFIER", "CREATED_TIME", "UPDATED_TIME", "REFERENCE_TABLE"];

type RecEntity = Entity & { viewable: boolean; editable: boolean; deletable: boolean };
interface RecRule { filter: Filter | null; raw: string; entities: RecEntity[] }
type FieldEntity = Entity & { accessibility: (typeof ACCESS)[number] };
interface FieldRule { code: string; entities: FieldEntity[] }

export function RecordAclEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [rules, setRules] = useState<RecRule[] | null>(null);
  const [fieldRules, setFieldRules] = useState<FieldRule[]>([]);
  const [error, setError] = useState<unknown>(null);
  const list = Object.values(fields);
  const { choices, label } = useEntities(list.filter((f) => PEOPLE.includes(f.type)).map((f) => ({ code: f.code, name: f.label })));
  const guarded = list.filter((f) => !NO_ACL.includes(f.type));
  useEffect(() => {
    Promise.all([
      call<{ rights: any[] }>("GET", k("/preview/record/acl.json"), { app: appId }),
      call<{ rights: FieldRule[] }>("GET", k("/preview/field/acl.json"), { app: appId }),
    ]).then(([r, f]) => {
      setRules(r.rights.map((x) => ({ filter: fromQuery(x.filterCond ?? ""), raw: x.filterCond ?? "", entities: x.entities })));
      setFieldRules(f.rights);
    }).catch(setError);
  }, [appId]);
  if (!rules) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const save = async () => {
    try {
      await withProgress((async () => {
        await call("PUT", k("/preview/record/acl.json"), { app: appId, rights: rules.map((r) => ({ filterCond: r.filter ? toQuery(r.filter) : r.raw, entities: r.entities })) });
        await call("PUT", k("/preview/field/acl.json"), { app: appId, rights: fieldRules });
      })());
      notify(t("aclSaved"));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  const setRule = (i: number, p: Partial<RecRule>) => setRules(rules.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const setEnt = (i: number, m: number, p: Partial<RecEntity>) => setRule(i, { entities: rules[i].entities.map((e, n) => (n === m ? { ...e, ...p } : e)) });
  const setField = (i: number, p: Partial<FieldRule>) => setFieldRules(fieldRules.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const fieldLabel = (code: string) => fields[code]?.label ?? code;
  return (
    <section class="record-acl">
      <h2>{t("recordRights")}</h2>
      <p class="hint">{t("recordRightsHint")}</p>
      {rules.map((r, i) => (
        <fieldset class="rule">
          <legend>{t("recordRule")} {i + 1}</legend>
          <p>{t("notifyWhen")}</p>
          {r.filter ? <FilterBuilder idPrefix={`ra-${i}`} fields={fields} value={r.filter} onChange={(f) => setRule(i, { filter: f })} />
            : <textarea aria-label={`${t("notifyWhen")} ${i + 1}`} value={r.raw} onInput={(e) => setRule(i, { raw: (e.target as HTMLTextAreaElement).value })} />}
          <table class="records">
            <thead><tr><th scope="col">{t("aclWho")}</th>{RIGHTS.map((x) => <th scope="col">{t(("rr_" + x) as Key)}</th>)}<th><span class="visually-hidden">{t("remove")}</span></th></tr></thead>
            <tbody>
              {r.entities.map((e, m) => (
                <tr>
                  <th scope="row">{label(e)}</th>
                  {RIGHTS.map((x) => <td><input type="checkbox" aria-label={`${t("recordRule")} ${i + 1} ${label(e)}: ${t(("rr_" + x) as Key)}`} checked={e[x]} onChange={(ev) => setEnt(i, m, { [x]: (ev.target as HTMLInputElement).checked })} /></td>)}
                  <td><button type="button" aria-label={`${t("remove")} ${label(e)}`} onClick={() => setRule(i, { entities: r.entities.filter((_, n) => n !== m) })}>×</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <AddEntity kinds={KINDS} choices={choices} name={`${t("recordRule")} ${i + 1}`} onAdd={(e) => setRule(i, { entities: [...r.entities, { ...e, viewable: true, editable: false, deletable: false }] })} />
          <div class="row-tools">
            <button type="button" disabled={i === 0} onClick={() => { const n = [...rules]; [n[i - 1], n[i]] = [n[i], n[i - 1]]; setRules(n); }}>↑ {t("moveUp")}</button>
            <button type="button" disabled={i === rules.length - 1} onClick={() => { const n = [...rules]; [n[i + 1], n[i]] = [n[i], n[i + 1]]; setRules(n); }}>↓ {t("moveDown")}</button>
            <button type="button" onClick={() => setRules(rules.filter((_, j) => j !== i))}>{t("remove")}</button>
          </div>
        </fieldset>
      ))}
      <button type="button" onClick={() => setRules([...rules, { filter: { join: "and", conds: [] }, raw: "", entities: [] }])}>＋ {t("addRule")}</button>

      <h2>{t("fieldRights")}</h2>
      <p class="hint">{t("fieldRightsHint")}</p>
      {fieldRules.map((r, i) => (
        <fieldset class="rule">
          <legend>{fieldLabel(r.code)}</legend>
          <label>{t("field")} <select value={r.code} onChange={(e) => setField(i, { code: (e.target as HTMLSelectElement).value })}>
            {guarded.map((f) => <option value={f.code}>{f.label}</option>)}
          </select></label>
          <ul class="plain">
            {r.entities.map((e, m) => (
              <li>{label(e)}{" "}
                <select aria-label={`${fieldLabel(r.code)} ${label(e)}`} value={e.accessibility} onChange={(ev) => setField(i, { entities: r.entities.map((x, n) => (n === m ? { ...x, accessibility: (ev.target as HTMLSelectElement).value as FieldEntity["accessibility"] } : x)) })}>
                  {ACCESS.map((a) => <option value={a}>{t(("fa_" + a) as Key)}</option>)}
                </select>
                <button type="button" aria-label={`${t("remove")} ${label(e)}`} onClick={() => setField(i, { entities: r.entities.filter((_, n) => n !== m) })}>×</button>
              </li>
            ))}
          </ul>
          <AddEntity kinds={KINDS.filter((x) => x !== "CREATOR")} choices={choices} name={fieldLabel(r.code)} onAdd={(e) => setField(i, { entities: [...r.entities, { ...e, accessibility: "READ" }] })} />
          <button type="button" onClick={() => setFieldRules(fieldRules.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <button type="button" disabled={!guarded.length} onClick={() => setFieldRules([...fieldRules, { code: guarded[0].code, entities: [] }])}>＋ {t("addFieldRule")}</button>
      <div class="actions left"><button type="button" class="primary" onClick={save}>{t("saveRecordRights")}</button></div>
      {error ? <p class="field-error" role="alert">{explainAll(error)}</p> : null}
    </section>
  );
}
