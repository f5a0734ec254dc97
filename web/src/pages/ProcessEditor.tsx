// pages/ProcessEditor.tsx - process management in the app builder: the
// statuses a record goes through, who must act in each, and the actions that
// move it on (app/status.json). Saved with the preview; "Update app" applies it.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { t, type Key } from "../i18n";
import { Dialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { AddEntity, useEntities, type Entity } from "../ui/entities";
import { describe, FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

interface State { name: string; index: string; assignee: { type: "ONE" | "ALL" | "ANY"; entities: Entity[] } }
interface Action { name: string; from: string; to: string; filterCond: string; type: "PRIMARY" | "SECONDARY" }

export function ProcessEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [on, setOn] = useState(false);
  const [states, setStates] = useState<State[]>([]);
  const [actions, setActions] = useState<Action[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [condOf, setCondOf] = useState<number | null>(null); // the action whose condition is being set
  useEffect(() => {
    call<{ enable: boolean; states: Record<string, State> | null; actions: Action[] | null }>("GET", k("/preview/app/status.json"), { app: appId })
      .then((r) => {
        setOn(r.enable);
        setStates(Object.values(r.states ?? {}).sort((a, b) => Number(a.index) - Number(b.index)));
        setActions(r.actions ?? []);
        setLoaded(true);
      })
      .catch(setError);
  }, [appId]);
  const { choices, label } = useEntities(Object.values(fields).filter((f) => f.type === "USER_SELECT").map((f) => ({ code: f.code, name: f.label })));
  if (!loaded) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const setState = (i: number, s: Partial<State>) => setStates(states.map((x, j) => (j === i ? { ...x, ...s } : x)));
  const setAction = (i: number, a: Partial<Action>) => setActions(actions.map((x, j) => (j === i ? { ...x, ...a } : x)));
  const save = async () => {
    const body = {
      app: appId, enable: on,
      states: Object.fromEntries(states.map((s, i) => [s.name, { ...s, index: String(i) }])),
      actions,
    };
    try {
      await withProgress(call("PUT", k("/preview/app/status.json"), body));
      notify(t("processSaved"));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="process">
      <p class="hint">{t("processHint")}</p>
      <label class="check"><input type="checkbox" checked={on} onChange={(e) => {
        const enable = (e.target as HTMLInputElement).checked;
        setOn(enable);
        // switched on with nothing set up: kintone's usual flow, to change as wanted
        if (enable && states.length === 0) {
          const [todo, doing, done] = [t("flowTodo"), t("flowDoing"), t("flowDone")];
          setStates([
            { name: todo, index: "0", assignee: { type: "ONE", entities: [{ entity: { type: "CREATOR", code: null }, includeSubs: false }] } },
            { name: doing, index: "1", assignee: { type: "ONE", entities: [] } },
            { name: done, index: "2", assignee: { type: "ONE", entities: [] } },
          ]);
          setActions([
            { name: t("flowStart"), from: todo, to: doing, filterCond: "", type: "PRIMARY" },
            { name: t("flowFinish"), from: doing, to: done, filterCond: "", type: "PRIMARY" },
          ]);
        }
      }} /> {t("processEnable")}</label>
      <h2>{t("processStates")}</h2>
      <ol class="states">
        {states.map((s, i) => (
          <li>
            <input aria-label={`${t("stateName")} ${i + 1}`} value={s.name} onInput={(e) => {
              const name = (e.target as HTMLInputElement).value;
              setActions(actions.map((a) => ({ ...a, from: a.from === s.name ? name : a.from, to: a.to === s.name ? name : a.to })));
              setState(i, { name });
            }} />
            <select aria-label={`${t("assigneeRule")} ${i + 1}`} value={s.assignee.type} disabled={i === 0}
              onChange={(e) => setState(i, { assignee: { ...s.assignee, type: (e.target as HTMLSelectElement).value as State["assignee"]["type"] } })}>
              {["ONE", "ANY", "ALL"].map((x) => <option value={x}>{t(("assignee_" + x) as Key)}</option>)}
            </select>
            <span class="chips">
              {s.assignee.entities.map((e, j) => (
                <span class="chip">{label(e)}
                  <button type="button" aria-label={`${t("remove")} ${label(e)}`} onClick={() => setState(i, { assignee: { ...s.assignee, entities: s.assignee.entities.filter((_, m) => m !== j) } })}>×</button>
                </span>
              ))}
            </span>
            <AddEntity kinds={i === 0 ? ["CREATOR"] : ["USER", "GROUP", "ORGANIZATION", "FIELD_ENTITY", "CREATOR"]} choices={choices} name={String(i + 1)}
              words={{ kind: t("assigneeKind"), who: t("assigneeWho") }}
              onAdd={(e) => setState(i, { assignee: { ...s.assignee, entities: i === 0 ? [e] : [...s.assignee.entities, e] } })} />
            <button type="button" aria-label={`${t("remove")} ${s.name}`} disabled={states.length === 1} onClick={() => setStates(states.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setStates([...states, { name: `${t("stateName")}${states.length + 1}`, index: String(states.length), assignee: { type: "ONE", entities: [] } }])}>＋ {t("addState")}</button>
      <h2>{t("processActions")}</h2>
      <table class="records">
        <thead><tr><th scope="col">{t("actionName")}</th><th scope="col">{t("actionFrom")}</th><th scope="col">{t("actionTo")}</th><th scope="col">{t("actionFilter")}</th><th><span class="visually-hidden">{t("remove")}</span></th></tr></thead>
        <tbody>
          {actions.map((a, i) => (
            <tr>
              <td><input aria-label={`${t("actionName")} ${i + 1}`} value={a.name} onInput={(e) => setAction(i, { name: (e.target as HTMLInputElement).value })} /></td>
              <td><select aria-label={`${t("actionFrom")} ${i + 1}`} value={a.from} onChange={(e) => setAction(i, { from: (e.target as HTMLSelectElement).value })}>{states.map((s) => <option value={s.name}>{s.name}</option>)}</select></td>
              <td><select aria-label={`${t("actionTo")} ${i + 1}`} value={a.to} onChange={(e) => setAction(i, { to: (e.target as HTMLSelectElement).value })}>{states.map((s) => <option value={s.name}>{s.name}</option>)}</select></td>
              <td>
                <span class="cond-words">{a.filterCond ? describe(fromQuery(a.filterCond) ?? { join: "and", conds: [] }, fields) || a.filterCond : t("noCondition")}</span>{" "}
                <button type="button" onClick={() => setCondOf(i)}>{t("setCondition")}<span class="visually-hidden"> {a.name}</span></button>
              </td>
              <td><button type="button" aria-label={`${t("remove")} ${a.name}`} onClick={() => setActions(actions.filter((_, j) => j !== i))}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions left">
        <button type="button" disabled={states.length < 2} onClick={() => setActions([...actions, { name: `${t("actionName")}${actions.length + 1}`, from: states[0].name, to: states[1].name, filterCond: "", type: "PRIMARY" }])}>＋ {t("addAction")}</button>
        <button type="button" class="primary" onClick={save}>{t("save")}</button>
      </div>
      {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
      {condOf !== null && actions[condOf] && (
        <ConditionDialog title={`${t("actionFilter")}: ${actions[condOf].name}`} fields={fields} query={actions[condOf].filterCond}
          onClose={() => setCondOf(null)} onSave={(q) => { setAction(condOf, { filterCond: q }); setCondOf(null); }} />
      )}
    </section>
  );
}

// An action's condition, built with the filter builder (a condition beyond it
// stays text to edit).
function ConditionDialog({ title, fields, query, onClose, onSave }: {
  title: string; fields: Record<string, FieldProp>; query: string; onClose: () => void; onSave: (q: string) => void;
}) {
  const parsed = fromQuery(query);
  const [filter, setFilter] = useState<Filter>(parsed ?? { join: "and", conds: [] });
  const [text, setText] = useState(query);
  return (
    <Dialog title={title} onClose={onClose} wide>
      {parsed ? <FilterBuilder idPrefix="ac" fields={fields} value={filter} onChange={setFilter} />
        : <textarea aria-label={t("actionFilter")} rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />}
      <div class="actions">
        <button type="button" onClick={onClose}>{t("cancel")}</button>
        <button type="button" class="primary" onClick={() => onSave(parsed ? toQuery(filter) : text)}>{t("ok")}</button>
      </div>
    </Dialog>
  );
}
