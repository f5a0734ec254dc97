// views/Kanban.tsx - the kanban view (our views.json type KANBAN): a column
// per option of a drop-down or radio button, or per status of the process,
// each with its number of records (one grouped query for all columns) and its
// first cards (one page per column, more on demand). Dragging a card to
// another column - or choosing the column from the card's move menu, for the
// keyboard - changes the value with the record's revision; for a status it
// runs the action that leads there, and only one the person may run.
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, k, qstr, type KRecord } from "../api";
import { t } from "../i18n";
import { go } from "../router";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { level } from "../pages/RecordList";
import { and, CardFields, cardTitle, countBy, titleCodes, type ViewProps } from "./cards";

const PAGE = 20; // cards a column reads at a time
const NONE = "\u0000"; // the column of records without a value

interface Column { key: string; label: string; records: KRecord[]; more: boolean }
interface Action { name: string; to: string; type: string }

// The columns a field makes: its options in their order, or the process's statuses.
async function columnKeys(appId: string, type: string, options: Record<string, { label: string; index: string | number }> | undefined, required?: boolean): Promise<string[]> {
  if (type === "STATUS") {
    const s = await call<{ states: Record<string, { name: string; index: string }> }>("GET", k("/app/status.json"), { app: appId });
    return Object.values(s.states).sort((a, b) => Number(a.index) - Number(b.index)).map((x) => x.name);
  }
  const keys = Object.values(options ?? {}).sort((a, b) => Number(a.index) - Number(b.index)).map((o) => o.label);
  return type === "DROP_DOWN" && !required ? [...keys, NONE] : keys;
}

export function Kanban({ appId, meta, view, cond }: ViewProps) {
  const field = meta.fields[view.group ?? ""];
  const [columns, setColumns] = useState<Column[] | null>(null);
  const [counts, setCounts] = useState<Map<string | null, number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [over, setOver] = useState<string | null>(null);
  const order = view.sort || "$id desc";
  const fields = ["$id", "$revision", ...(field ? [field.code] : []), ...(view.fields ?? []), ...titleCodes(meta)];
  const inColumn = (key: string) => `${field.code} in (${qstr(key === NONE ? "" : key)})`;
  const page = (key: string, offset: number) =>
    call<{ records: KRecord[] }>("GET", k("/records.json"), { app: appId, fields, query: `${and(cond, inColumn(key))} order by ${order} limit ${PAGE + 1} offset ${offset}` })
      .then((r) => ({ records: r.records.slice(0, PAGE), more: r.records.length > PAGE }));

  const load = async () => {
    if (!field) return;
    try {
      const keys = await columnKeys(appId, field.type, field.options, field.required);
      const [n, pages] = await withProgress(Promise.all([countBy(appId, field.code, cond), Promise.all(keys.map((key) => page(key, 0)))]));
      setCounts(n);
      setColumns(keys.map((key, i) => ({ key, label: key === NONE ? t("emptyValue") : key, ...pages[i] })));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [appId, view.id, cond]);
  if (!field) return <ErrorBox error={new Error(t("viewFieldGone", { code: view.group ?? "" }))} />;
  if (!columns) return error ? <ErrorBox error={error} onRetry={load} /> : <p aria-busy="true">{t("loading")}</p>;

  const isStatus = field.type === "STATUS";
  const movable = meta.rights.app.edit && (isStatus || level(meta, field.code) === "WRITE");
  const showMore = async (key: string) => {
    const col = columns.find((c) => c.key === key)!;
    try {
      const next = await withProgress(page(key, col.records.length));
      setColumns((cs) => cs!.map((c) => (c.key === key ? { ...c, records: [...c.records, ...next.records], more: next.more } : c)));
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  const move = async (id: string, to: string) => {
    const from = columns.find((c) => c.records.some((r) => r.$id.value === id));
    const r = from?.records.find((x) => x.$id.value === id);
    if (!r || !from || from.key === to) return;
    const title = cardTitle(meta, r);
    const toLabel = to === NONE ? t("emptyValue") : to;
    try {
      if (isStatus) {
        // the action from this status to that one, among those the person may run on this record
        const { actions } = await call<{ actions: Action[] }>("GET", "/api/record/actions", { app: appId, id });
        const a = actions.filter((x) => x.to === to).sort((x, y) => (x.type === "PRIMARY" ? -1 : y.type === "PRIMARY" ? 1 : 0))[0];
        if (!a) return notify(t("kanbanNoAction", { from: from.label, to: toLabel }), "error");
        await withProgress(call("PUT", k("/record/status.json"), { app: appId, id, action: a.name, revision: r.$revision.value }));
      } else {
        await withProgress(call("PUT", k("/record.json"), { app: appId, id, revision: r.$revision.value, record: { [field.code]: { value: to === NONE ? "" : to } } }));
      }
      notify(t("kanbanMoved", { title, to: toLabel }));
    } catch (e) {
      // the action needs the next assignee chosen: that is the record page's dialog
      if (isStatus && e instanceof ApiError && e.errors && Object.keys(e.errors).some((x) => x.endsWith("assignee"))) {
        notify(t("kanbanChooseAssignee"), "error");
        return go(`#/apps/${appId}/records/${id}`);
      }
      notify(explain(e), "error");
    }
    load();
  };

  return (
    <section class="kanban" aria-label={view.name}>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {movable && <p class="hint">{t("kanbanDragHint")}</p>}
      <div class="kanban-board">
        {columns.map((c, i) => {
          const n = counts?.get(c.key === NONE ? null : c.key) ?? (c.more ? null : c.records.length);
          return (
            <section class={`kanban-col${over === c.key ? " drop" : ""}`} aria-labelledby={`kc-${i}`} data-column={c.label}
              onDragOver={(e) => { if (movable) { e.preventDefault(); setOver(c.key); } }}
              onDragLeave={() => setOver((o) => (o === c.key ? null : o))}
              onDrop={(e) => { e.preventDefault(); setOver(null); const id = e.dataTransfer?.getData("text/plain"); if (id) move(id, c.key); }}>
              <h2 id={`kc-${i}`}>{c.label} <span class="count">{n === null ? "" : n.toLocaleString()}</span></h2>
              <ul>
                {c.records.map((r) => (
                  <li class="card" draggable={movable}
                    onDragStart={(e) => { e.dataTransfer!.setData("text/plain", r.$id.value as string); e.dataTransfer!.effectAllowed = "move"; }}>
                    <a href={`#/apps/${appId}/records/${r.$id.value}`} class="card-title">{cardTitle(meta, r)}</a>
                    <CardFields meta={meta} record={r} codes={view.fields ?? []} />
                    {movable && (
                      <details class="menu card-move">
                        <summary aria-label={`${t("kanbanMove")}: ${cardTitle(meta, r)}`} title={t("kanbanMove")}>⇄</summary>
                        <div class="menu-items">
                          {columns.filter((o) => o.key !== c.key).map((o) => (
                            <button type="button" onClick={(e) => { (e.currentTarget as HTMLElement).closest("details")!.open = false; move(r.$id.value as string, o.key); }}>{t("kanbanMoveTo", { to: o.label })}</button>
                          ))}
                        </div>
                      </details>
                    )}
                  </li>
                ))}
              </ul>
              {c.more && <button type="button" class="link" onClick={() => showMore(c.key)}>{t("kanbanMore")}</button>}
            </section>
          );
        })}
      </div>
    </section>
  );
}
