// pages/ViewsEditor.tsx - the app's list views: name, columns (their order
// and widths set by dragging), filter, and one or more sort keys.
import Sortable from "sortablejs";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, k, type FieldProp, type View } from "../api";
import { fieldType } from "../fields/types";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { FieldChecks } from "../ui/FieldChecks";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

interface SortKey { field: string; desc: boolean }
interface Edit { id?: string; name: string; fields: string[]; widths: Record<string, number>; filter: Filter | null; rawFilter: string; sort: SortKey[] }

const UNSORTABLE = ["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "MULTI_LINE_TEXT", "RICH_TEXT", "FILE", "STATUS_ASSIGNEE", "SUBTABLE", "REFERENCE_TABLE"];
const NOT_COLUMNS = ["SUBTABLE", "REFERENCE_TABLE", "__ID__", "__REVISION__", "CATEGORY"];
const SYSTEM = ["RECORD_NUMBER", "CREATOR", "CREATED_TIME", "MODIFIER", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE"];
const DEFAULT_WIDTH = 160;
const MIN_WIDTH = 40, MAX_WIDTH = 1200;

const toEdit = (v: View): Edit => ({
  id: v.id, name: v.name, fields: v.fields ?? [], widths: v.columnWidths ?? {},
  filter: fromQuery(v.filterCond || ""), rawFilter: v.filterCond || "",
  sort: (v.sort || "").split(",").map((x) => x.trim().split(/\s+/)).filter(([f]) => f && f !== "$id")
    .map(([field, dir]) => ({ field, desc: (dir ?? "asc").toLowerCase() === "desc" })),
});

export function ViewsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [views, setViews] = useState<Edit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<{ views: Record<string, View> }>("GET", k("/preview/app/views.json"), { app: appId })
      .then((r) => setViews(Object.values(r.views).filter((v) => v.type === "LIST").sort((a, b) => Number(a.index) - Number(b.index)).map(toEdit)))
      .catch(setError);
  }, [appId]);
  if (!views) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  // columns: the form's fields and the system fields (作成日時, 作成者, ステータス, ...)
  const status = Object.values(fields).find((f) => f.type === "STATUS");
  const data = Object.values(fields).filter((f) => !fieldType(f.type)?.layoutOnly && !fieldType(f.type)?.noValue && !NOT_COLUMNS.includes(f.type) &&
    (!["STATUS", "STATUS_ASSIGNEE"].includes(f.type) || status?.enabled));
  const sortable = data.filter((f) => !UNSORTABLE.includes(f.type));
  // functional: a drag's handler, made at an earlier render, changes the views as they are now
  const set = (i: number, patch: Partial<Edit>) => setViews((vs) => vs!.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const save = async () => {
    setBusy(true);
    try {
      const body: Record<string, View> = {};
      views.forEach((v, i) => {
        body[v.name] = {
          type: "LIST", name: v.name, index: String(i), ...(v.id ? { id: v.id } : {}), fields: v.fields,
          columnWidths: Object.fromEntries(Object.entries(v.widths).filter(([c]) => v.fields.includes(c))),
          filterCond: v.filter ? toQuery(v.filter) : v.rawFilter,
          sort: v.sort.length ? v.sort.map((s) => `${s.field} ${s.desc ? "desc" : "asc"}`).join(", ") : "$id desc",
        };
      });
      await withProgress(call("PUT", k("/preview/app/views.json"), { app: appId, views: body }));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="views-editor">
      {error ? <ErrorBox error={error} /> : null}
      {views.map((v, i) => (
        <fieldset class="view-card">
          <legend>{v.name || t("viewName")}</legend>
          <label for={`vn-${i}`}>{t("viewName")}</label>
          <input id={`vn-${i}`} value={v.name} required onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          <FieldChecks legend={t("columns")} fields={data} value={v.fields} onChange={(codes) => set(i, { fields: codes })} />
          {v.fields.length > 0 && (
            <ColumnStrip fields={fields} view={v} idPrefix={`vc-${i}`} onChange={(patch) => set(i, patch)} />
          )}
          <fieldset>
            <legend>{t("filter")}</legend>
            {v.filter ? (
              <FilterBuilder idPrefix={`vf-${i}`} fields={fields} value={v.filter} onChange={(f) => set(i, { filter: f })} />
            ) : (
              <textarea aria-label={t("filter")} value={v.rawFilter} onInput={(e) => set(i, { rawFilter: (e.target as HTMLTextAreaElement).value })} />
            )}
          </fieldset>
          <fieldset>
            <legend>{t("sortKeys")}</legend>
            <ol class="sort-keys">
              {v.sort.map((s, n) => (
                <li>
                  <select aria-label={`${t("sort")} ${n + 1}`} value={s.field} onChange={(e) => set(i, { sort: v.sort.map((x, j) => (j === n ? { ...x, field: (e.target as HTMLSelectElement).value } : x)) })}>
                    {sortable.map((f) => <option value={f.code}>{f.label}</option>)}
                  </select>
                  <select aria-label={`${t("sortOrder")} ${n + 1}`} value={s.desc ? "desc" : "asc"} onChange={(e) => set(i, { sort: v.sort.map((x, j) => (j === n ? { ...x, desc: (e.target as HTMLSelectElement).value === "desc" } : x)) })}>
                    <option value="asc">{t("ascending")}</option>
                    <option value="desc">{t("descending")}</option>
                  </select>
                  <button type="button" aria-label={`${t("remove")} ${t("sort")} ${n + 1}`} onClick={() => set(i, { sort: v.sort.filter((_, j) => j !== n) })}>×</button>
                </li>
              ))}
            </ol>
            {v.sort.length === 0 && <p class="hint">{t("ft_RECORD_NUMBER")} ({t("descending")})</p>}
            {v.sort.length < 5 && sortable.length > 0 && (
              <button type="button" onClick={() => set(i, { sort: [...v.sort, { field: sortable.find((f) => !v.sort.some((s) => s.field === f.code))?.code ?? sortable[0].code, desc: false }] })}>＋ {t("addSortKey")}</button>
            )}
          </fieldset>
          <button type="button" onClick={() => setViews(views.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => setViews([...views, { name: `${t("viewName")} ${views.length + 1}`, fields: data.filter((f) => !SYSTEM.includes(f.type)).slice(0, 5).map((f) => f.code), widths: {}, filter: { join: "and", conds: [] }, rawFilter: "", sort: [] }])}>＋ {t("addView")}</button>
        <button type="button" class="primary" disabled={busy} onClick={save}>{t("save")}</button>
      </div>
    </div>
  );
}

// The chosen columns as the list will show them: drag one to move it, drag its
// right edge to change its width; with the keyboard, the buttons move it and
// the arrow keys on the edge change the width.
function ColumnStrip({ fields, view, idPrefix, onChange }: {
  fields: Record<string, FieldProp>; view: Edit; idPrefix: string; onChange: (patch: Partial<Edit>) => void;
}) {
  const strip = useRef<HTMLOListElement>(null);
  const latest = useRef(view);
  latest.current = view;
  useEffect(() => {
    const s = Sortable.create(strip.current!, {
      direction: "horizontal", animation: 120, handle: ".col-name", draggable: "li",
      onEnd: (e) => {
        const order = [...latest.current.fields];
        const [moved] = order.splice(e.oldIndex!, 1);
        order.splice(e.newIndex!, 0, moved);
        // put the DOM back: Preact draws the new order
        const el = e.item, parent = el.parentNode!;
        parent.removeChild(el);
        parent.insertBefore(el, parent.children[e.oldIndex!] ?? null);
        onChange({ fields: order });
      },
    });
    return () => s.destroy();
  }, []);
  const width = (c: string) => view.widths[c] ?? DEFAULT_WIDTH;
  const setWidth = (c: string, px: number) => onChange({ widths: { ...view.widths, [c]: Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, px))) } });
  const move = (n: number, by: number) => {
    const order = [...view.fields];
    [order[n], order[n + by]] = [order[n + by], order[n]];
    onChange({ fields: order });
  };
  // the edge being dragged holds the pointer until it is let go
  const dragging = useRef<{ code: string; x0: number; w0: number } | null>(null);
  const grab = (c: string) => (e: PointerEvent) => {
    e.preventDefault();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    dragging.current = { code: c, x0: e.clientX, w0: width(c) };
  };
  const drag = (e: PointerEvent) => {
    const d = dragging.current;
    if (d) setWidth(d.code, d.w0 + e.clientX - d.x0);
  };
  return (
    <>
      <p class="hint" id={`${idPrefix}-hint`}>{t("columnsHint")}</p>
      <ol class="column-strip" ref={strip} aria-describedby={`${idPrefix}-hint`}>
        {view.fields.map((c, n) => (
          <li key={c} style={{ width: `${width(c)}px` }}>
            <span class="col-name">{fields[c]?.label ?? c}</span>
            <span class="col-move">
              <button type="button" aria-label={`${t("moveLeft")}: ${fields[c]?.label ?? c}`} disabled={n === 0} onClick={() => move(n, -1)}>‹</button>
              <button type="button" aria-label={`${t("moveRight")}: ${fields[c]?.label ?? c}`} disabled={n === view.fields.length - 1} onClick={() => move(n, 1)}>›</button>
            </span>
            <span class="col-edge" role="slider" tabIndex={0} aria-label={`${t("columnWidth")}: ${fields[c]?.label ?? c}`}
              aria-valuemin={MIN_WIDTH} aria-valuemax={MAX_WIDTH} aria-valuenow={width(c)} aria-valuetext={`${width(c)}px`}
              onPointerDown={grab(c)} onPointerMove={drag} onPointerUp={() => (dragging.current = null)}
              onKeyDown={(e) => { if (e.key === "ArrowRight" || e.key === "ArrowLeft") { e.preventDefault(); setWidth(c, width(c) + (e.key === "ArrowRight" ? 10 : -10)); } }} />
          </li>
        ))}
      </ol>
    </>
  );
}
