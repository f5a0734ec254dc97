// pages/ViewsEditor.tsx - the app's views: each a table (columns in an order
// and widths set by dragging), a calendar (a date field and a title), a kanban
// board (columns from a choice or the status) or a gallery (a picture field),
// with its filter and sort keys. Custom (HTML) views are kept as they are.
import Sortable from "sortablejs";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, k, type FieldProp, type View } from "../api";
import { fieldType } from "../fields/types";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { FieldChecks } from "../ui/FieldChecks";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";

interface SortKey { field: string; desc: boolean }
interface Edit {
  id?: string; type: string; name: string; fields: string[]; widths: Record<string, number>; filter: Filter | null; rawFilter: string; sort: SortKey[];
  date: string; title: string; group: string; image: string;
}

const TYPES = ["LIST", "CALENDAR", "KANBAN", "GALLERY"] as const;
const CALENDAR_DATES = ["DATE", "DATETIME", "CREATED_TIME", "UPDATED_TIME"];
const TITLES = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "NUMBER", "CALC", "RECORD_NUMBER", "DROP_DOWN", "RADIO_BUTTON", "LINK", "DATE", "TIME", "DATETIME", "STATUS"];
const MAX_CARD_FIELDS = 6;

const UNSORTABLE = ["CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "MULTI_LINE_TEXT", "RICH_TEXT", "FILE", "STATUS_ASSIGNEE", "SUBTABLE", "REFERENCE_TABLE"];
const NOT_COLUMNS = ["SUBTABLE", "REFERENCE_TABLE", "__ID__", "__REVISION__", "CATEGORY"];
const SYSTEM = ["RECORD_NUMBER", "CREATOR", "CREATED_TIME", "MODIFIER", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE"];
const DEFAULT_WIDTH = 160;
const MIN_WIDTH = 40, MAX_WIDTH = 1200;

const toEdit = (v: View): Edit => ({
  id: v.id, type: v.type, name: v.name, fields: v.fields ?? [], widths: v.columnWidths ?? {},
  date: v.date ?? "", title: v.title ?? "", group: v.group ?? "", image: v.image ?? "",
  filter: fromQuery(v.filterCond || ""), rawFilter: v.filterCond || "",
  sort: (v.sort || "").split(",").map((x) => x.trim().split(/\s+/)).filter(([f]) => f && f !== "$id")
    .map(([field, dir]) => ({ field, desc: (dir ?? "asc").toLowerCase() === "desc" })),
});

export function ViewsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [views, setViews] = useState<Edit[] | null>(null);
  const [kept, setKept] = useState<View[]>([]); // custom views: not edited here, saved back as they are
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<{ views: Record<string, View> }>("GET", k("/preview/app/views.json"), { app: appId })
      .then((r) => {
        const all = Object.values(r.views).sort((a, b) => Number(a.index) - Number(b.index));
        setViews(all.filter((v) => (TYPES as readonly string[]).includes(v.type)).map(toEdit));
        setKept(all.filter((v) => !(TYPES as readonly string[]).includes(v.type)));
      })
      .catch(setError);
  }, [appId]);
  if (!views) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  // columns: the form's fields and the system fields (作成日時, 作成者, ステータス, ...)
  const status = Object.values(fields).find((f) => f.type === "STATUS");
  const data = Object.values(fields).filter((f) => !fieldType(f.type)?.layoutOnly && !fieldType(f.type)?.noValue && !NOT_COLUMNS.includes(f.type) &&
    (!["STATUS", "STATUS_ASSIGNEE"].includes(f.type) || status?.enabled));
  const sortable = data.filter((f) => !UNSORTABLE.includes(f.type));
  const ofTypes = (types: string[]) => data.filter((f) => types.includes(f.type));
  const cardable = data.filter((f) => f.type !== "FILE");
  // functional: a drag's handler, made at an earlier render, changes the views as they are now
  const set = (i: number, patch: Partial<Edit>) => setViews((vs) => vs!.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  // a view changed to another type starts from that type's first fitting fields
  const startOf = (type: string, v: Edit): Partial<Edit> => ({
    date: v.date || ofTypes(CALENDAR_DATES)[0]?.code || "",
    title: v.title || ofTypes(TITLES)[0]?.code || "",
    group: v.group || ofTypes(["DROP_DOWN", "RADIO_BUTTON", "STATUS"])[0]?.code || "",
    image: v.image || ofTypes(["FILE"])[0]?.code || "",
    fields: type === "LIST" ? v.fields : v.fields.filter((c) => fields[c]?.type !== "FILE").slice(0, MAX_CARD_FIELDS),
  });
  const save = async () => {
    setBusy(true);
    try {
      const body: Record<string, View> = {};
      views.forEach((v, i) => {
        const common = {
          type: v.type, name: v.name, index: String(i), ...(v.id ? { id: v.id } : {}),
          filterCond: v.filter ? toQuery(v.filter) : v.rawFilter,
          sort: v.sort.length ? v.sort.map((s) => `${s.field} ${s.desc ? "desc" : "asc"}`).join(", ") : "$id desc",
        };
        body[v.name] = v.type === "LIST" ? { ...common, fields: v.fields, columnWidths: Object.fromEntries(Object.entries(v.widths).filter(([c]) => v.fields.includes(c))) }
          : v.type === "CALENDAR" ? { ...common, date: v.date, title: v.title }
          : v.type === "KANBAN" ? { ...common, group: v.group, fields: v.fields }
          : { ...common, image: v.image, fields: v.fields };
      });
      kept.forEach((v, i) => (body[v.name] = { ...v, index: String(views.length + i) }));
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
          <fieldset class="choices-row">
            <legend>{t("viewType")}</legend>
            {TYPES.map((type) => (
              <label><input type="radio" name={`vt-${i}`} checked={v.type === type} onChange={() => set(i, { type, ...startOf(type, v) })} /> {t(`vt_${type}`)}</label>
            ))}
          </fieldset>
          {v.type === "LIST" && <>
            <FieldChecks legend={t("columns")} fields={data} value={v.fields} onChange={(codes) => set(i, { fields: codes })} />
            {v.fields.length > 0 && (
              <ColumnStrip fields={fields} view={v} idPrefix={`vc-${i}`} onChange={(patch) => set(i, patch)} />
            )}
          </>}
          {v.type === "CALENDAR" && <>
            <FieldSelect id={`vd-${i}`} label={t("calDateField")} fields={ofTypes(CALENDAR_DATES)} value={v.date} onChange={(date) => set(i, { date })} />
            <FieldSelect id={`vtt-${i}`} label={t("calTitleField")} fields={ofTypes(TITLES)} value={v.title} onChange={(title) => set(i, { title })} />
          </>}
          {v.type === "KANBAN" && (
            <FieldSelect id={`vg-${i}`} label={t("kanbanGroup")} fields={ofTypes(["DROP_DOWN", "RADIO_BUTTON", "STATUS"])} value={v.group} onChange={(group) => set(i, { group })} />
          )}
          {v.type === "GALLERY" && (
            <FieldSelect id={`vi-${i}`} label={t("galleryImage")} fields={ofTypes(["FILE"])} value={v.image} onChange={(image) => set(i, { image })} />
          )}
          {(v.type === "KANBAN" || v.type === "GALLERY") && (
            <FieldChecks legend={t("cardFields")} fields={cardable} value={v.fields} onChange={(codes) => set(i, { fields: codes.slice(0, MAX_CARD_FIELDS) })} />
          )}
          <fieldset>
            <legend>{t("filter")}</legend>
            {v.filter ? (
              <FilterBuilder idPrefix={`vf-${i}`} fields={fields} value={v.filter} onChange={(f) => set(i, { filter: f })} />
            ) : (
              <textarea aria-label={t("filter")} value={v.rawFilter} onInput={(e) => set(i, { rawFilter: (e.target as HTMLTextAreaElement).value })} />
            )}
          </fieldset>
          {v.type !== "CALENDAR" && <fieldset>
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
          </fieldset>}
          <button type="button" onClick={() => setViews(views.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      {kept.map((v) => <p class="hint">{t("customViewKept", { name: v.name })}</p>)}
      <div class="actions">
        <button type="button" onClick={() => setViews([...views, { type: "LIST", name: `${t("viewName")} ${views.length + 1}`, fields: data.filter((f) => !SYSTEM.includes(f.type)).slice(0, 5).map((f) => f.code), widths: {}, filter: { join: "and", conds: [] }, rawFilter: "", sort: [], date: "", title: "", group: "", image: "" }])}>＋ {t("addView")}</button>
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

// One field chosen among those that fit a setting.
function FieldSelect({ id, label, fields, value, onChange }: { id: string; label: string; fields: FieldProp[]; value: string; onChange: (code: string) => void }) {
  return (
    <div class="field-select">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {!fields.some((f) => f.code === value) && <option value={value}>{value || "—"}</option>}
        {fields.map((f) => <option value={f.code}>{f.label}</option>)}
      </select>
    </div>
  );
}
