// pages/NotifyEditor.tsx - notifications in the app builder: who hears of
// added and edited records, comments, status changes and imports (general);
// who hears when a record meets a condition (per record); and reminders a
// number of days or hours from a date (app/notifications/*.json). Saved with
// the preview; "Update app" applies them.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { t, type Key } from "../i18n";
import { ErrorBox, explainAll, notify, withProgress } from "../ui/feedback";
import { AddEntity, EntityList, useEntities, type Entity, type Kind } from "../ui/entities";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

const EVENTS = ["recordAdded", "recordEdited", "commentAdded", "statusChanged", "fileImported"];
const KINDS: Kind[] = ["USER", "ORGANIZATION", "GROUP", "FIELD_ENTITY", "CREATOR"];
const PEOPLE = ["USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "CREATOR", "MODIFIER"];
const MOMENTS = ["DATE", "DATETIME", "CREATED_TIME", "UPDATED_TIME"];

type General = Entity & Record<string, any>;
interface Rule { filter: Filter | null; raw: string; title: string; targets: Entity[] }
interface Reminder extends Rule { code: string; daysLater: string; byTime: boolean; hoursLater: string; time: string }

const toRule = (r: any): Rule => ({ filter: fromQuery(r.filterCond ?? ""), raw: r.filterCond ?? "", title: r.title ?? "", targets: r.targets ?? [] });
const cond = (r: Rule) => (r.filter ? toQuery(r.filter) : r.raw);

export function NotifyEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [general, setGeneral] = useState<General[] | null>(null);
  const [toCommenter, setToCommenter] = useState(false);
  const [perRecord, setPerRecord] = useState<Rule[]>([]);
  const [reminders, setReminders] = useState<Reminder[]>([]);
  const [tz, setTz] = useState("Asia/Tokyo");
  const [error, setError] = useState<unknown>(null);
  const list = Object.values(fields);
  const { choices, label } = useEntities(list.filter((f) => PEOPLE.includes(f.type)).map((f) => ({ code: f.code, name: f.label })));
  const moments = list.filter((f) => MOMENTS.includes(f.type));
  useEffect(() => {
    const get = (p: string) => call<any>("GET", k(`/preview/app/notifications/${p}.json`), { app: appId });
    Promise.all([get("general"), get("perRecord"), get("reminder")])
      .then(([g, p, r]) => {
        setGeneral(g.notifications);
        setToCommenter(g.notifyToCommenter);
        setPerRecord(p.notifications.map(toRule));
        setReminders(r.notifications.map((x: any) => ({
          ...toRule(x), code: x.timing.code, daysLater: x.timing.daysLater ?? "0",
          byTime: !!x.timing.time, hoursLater: x.timing.hoursLater ?? "0", time: x.timing.time ?? "09:00",
        })));
        setTz(r.timezone);
      })
      .catch(setError);
  }, [appId]);
  if (!general) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const save = async () => {
    const put = (p: string, body: object) => call("PUT", k(`/preview/app/notifications/${p}.json`), { app: appId, ...body });
    try {
      await withProgress((async () => {
        await put("general", { notifications: general, notifyToCommenter: toCommenter });
        await put("perRecord", { notifications: perRecord.map((r) => ({ filterCond: cond(r), title: r.title, targets: r.targets })) });
        await put("reminder", {
          timezone: tz,
          notifications: reminders.map((r) => ({
            filterCond: cond(r), title: r.title, targets: r.targets,
            timing: { code: r.code, daysLater: r.daysLater, ...(r.byTime ? { time: r.time } : { hoursLater: r.hoursLater }) },
          })),
        });
      })());
      notify(t("notifySaved"));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  const setG = (i: number, p: Partial<General>) => setGeneral(general.map((g, j) => (j === i ? { ...g, ...p } : g)));
  const setP = (i: number, p: Partial<Rule>) => setPerRecord(perRecord.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const setR = (i: number, p: Partial<Reminder>) => setReminders(reminders.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const condEditor = (r: Rule, id: string, set: (p: Partial<Rule>) => void) =>
    r.filter ? <FilterBuilder idPrefix={id} fields={fields} value={r.filter} onChange={(f) => set({ filter: f })} />
      : <textarea aria-label={t("notifyWhen")} value={r.raw} onInput={(e) => set({ raw: (e.target as HTMLTextAreaElement).value })} />;
  return (
    <section class="notify-editor">
      <p class="hint">{t("notifyHint")}</p>

      <h2>{t("notifyGeneral")}</h2>
      <div class="table-wrap">
        <table class="records">
          <thead><tr><th scope="col">{t("notifyWho")}</th>{EVENTS.map((e) => <th scope="col">{t(("ev_" + e) as Key)}</th>)}<th><span class="visually-hidden">{t("remove")}</span></th></tr></thead>
          <tbody>
            {general.map((g, i) => (
              <tr>
                <th scope="row">{label(g)}</th>
                {EVENTS.map((e) => <td><input type="checkbox" aria-label={`${label(g)}: ${t(("ev_" + e) as Key)}`} checked={!!g[e]} onChange={(ev) => setG(i, { [e]: (ev.target as HTMLInputElement).checked })} /></td>)}
                <td><button type="button" aria-label={`${t("remove")} ${label(g)}`} onClick={() => setGeneral(general.filter((_, j) => j !== i))}>×</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddEntity kinds={KINDS} choices={choices} name={t("notifyGeneral")}
        onAdd={(e) => setGeneral([...general, { ...e, recordAdded: true, recordEdited: true, commentAdded: true, statusChanged: true, fileImported: false }])} />
      <label class="check"><input type="checkbox" checked={toCommenter} onChange={(e) => setToCommenter((e.target as HTMLInputElement).checked)} /> {t("notifyToCommenter")}</label>

      <h2>{t("notifyPerRecord")}</h2>
      {perRecord.map((r, i) => (
        <fieldset class="rule">
          <legend>{t("notifyPerRecord")} {i + 1}</legend>
          <p>{t("notifyWhen")}</p>
          {condEditor(r, `pr-${i}`, (p) => setP(i, p))}
          <label>{t("notifyTitle")} <input value={r.title} onInput={(e) => setP(i, { title: (e.target as HTMLInputElement).value })} /></label>
          <p>{t("notifyWho")}</p>
          <EntityList value={r.targets} onChange={(v) => setP(i, { targets: v })} kinds={KINDS} choices={choices} label={label} name={`${t("notifyPerRecord")} ${i + 1}`} />
          <button type="button" onClick={() => setPerRecord(perRecord.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setPerRecord([...perRecord, { filter: { join: "and", conds: [] }, raw: "", title: "", targets: [] }])}>＋ {t("addRule")}</button>

      <h2>{t("notifyReminder")}</h2>
      {reminders.map((r, i) => (
        <fieldset class="rule">
          <legend>{t("notifyReminder")} {i + 1}</legend>
          <div class="timing">
            <label>{t("timingField")}
              <select value={r.code} onChange={(e) => setR(i, { code: (e.target as HTMLSelectElement).value, byTime: r.byTime || moments.find((f) => f.code === (e.target as HTMLSelectElement).value)?.type === "DATE" })}>
                {moments.map((f) => <option value={f.code}>{f.label}</option>)}
              </select>
            </label>
            <label>{t("daysLater")} <input type="number" min={-10000} max={10000} value={r.daysLater} onInput={(e) => setR(i, { daysLater: (e.target as HTMLInputElement).value })} /></label>
            {moments.find((f) => f.code === r.code)?.type !== "DATE" && (
              <label class="check"><input type="checkbox" checked={!r.byTime} onChange={(e) => setR(i, { byTime: !(e.target as HTMLInputElement).checked })} /> {t("hoursLater")}</label>
            )}
            {r.byTime ? <label>{t("atTime")} <input type="time" value={r.time} onInput={(e) => setR(i, { time: (e.target as HTMLInputElement).value })} /></label>
              : <label>{t("hoursLater")} <input type="number" min={-23} max={23} value={r.hoursLater} onInput={(e) => setR(i, { hoursLater: (e.target as HTMLInputElement).value })} /></label>}
          </div>
          <p>{t("notifyWhen")}</p>
          {condEditor(r, `rm-${i}`, (p) => setR(i, p))}
          <label>{t("notifyTitle")} <input value={r.title} onInput={(e) => setR(i, { title: (e.target as HTMLInputElement).value })} /></label>
          <p>{t("notifyWho")}</p>
          <EntityList value={r.targets} onChange={(v) => setR(i, { targets: v })} kinds={KINDS} choices={choices} label={label} name={`${t("notifyReminder")} ${i + 1}`} />
          <button type="button" onClick={() => setReminders(reminders.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <button type="button" disabled={!moments.length} onClick={() => setReminders([...reminders, {
        filter: { join: "and", conds: [] }, raw: "", title: "", targets: [], code: moments[0].code, daysLater: "0",
        byTime: moments[0].type === "DATE", hoursLater: "0", time: "09:00",
      }])}>＋ {t("addRule")}</button>

      <div class="actions left"><button type="button" class="primary" onClick={save}>{t("save")}</button></div>
      {error ? <p class="field-error" role="alert">{explainAll(error)}</p> : null}
    </section>
  );
}
