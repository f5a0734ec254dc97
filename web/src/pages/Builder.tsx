// pages/Builder.tsx - building an app without code: fields dragged from a
// palette onto the form and arranged in rows, a settings dialog per field, list
// views, the app's name and icon. "Save" keeps a preview; "Update app" deploys.
import Sortable from "sortablejs";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, call, k, type FieldProp, type LayoutRow } from "../api";
import { deployApp } from "../data";
import { readTemplate } from "../appTemplate";
import { FIELD_TYPES, fieldType, isSystem, newCode } from "../fields/types";
import { FieldPreview } from "../fields/preview";
import { t, useLang, type Key } from "../i18n";
import { setLeaveGuard } from "../router";
import { AppIcon, IconPicker, type AppIconSetting } from "../ui/AppIcon";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { FieldSettings } from "./FieldSettings";
import { ViewsEditor } from "./ViewsEditor";
import { ReportsEditor } from "./ReportsEditor";
import { PrintEditor } from "./PrintEditor";
import { PublicFormsEditor } from "./PublicFormsEditor";
import { PublicViewsEditor } from "./PublicViewsEditor";
import { AclEditor } from "./AclEditor";
import { ProcessEditor } from "./ProcessEditor";
import { NotifyEditor } from "./NotifyEditor";
import { TITLE_TYPES, type TitleField } from "./RecordList";
import { RecordAclEditor } from "./RecordAclEditor";

// One thing on the form: a field (by code) or a layout element.
export interface Item {
  key: string; // unique on the form, stable while editing
  type: string;
  code?: string; // fields
  label?: string; // LABEL's text
  elementId?: string;
  rows?: Row[]; // GROUP: the rows it holds
  size?: { width?: string; height?: string; innerHeight?: string }; // as the layout keeps it (pixels)
}
interface Row { id: number; items: Item[] }

// A row's address on the form: "3" is the fourth row, "3/1" the second row of
// the group that row 3 holds (groups hold rows of fields; not tables or groups).
type Addr = string;
const cloneRows = (rs: Row[]): Row[] => rs.map((r) => ({ ...r, items: r.items.map((i) => (i.rows ? { ...i, rows: cloneRows(i.rows) } : i)) }));
const prune = (rs: Row[]): Row[] => rs.filter((r) => r.items.length > 0).map((r) => ({ ...r, items: r.items.map((i) => (i.rows ? { ...i, rows: prune(i.rows) } : i)) }));
export const allItems = (rs: Row[]): Item[] => rs.flatMap((r) => r.items.flatMap((i) => [i, ...allItems(i.rows ?? [])]));
const mapItems = (rs: Row[], fn: (i: Item) => Item): Row[] => rs.map((r) => ({ ...r, items: r.items.map((i) => fn(i.rows ? { ...i, rows: mapItems(i.rows, fn) } : i)) }));
// the list of rows an address is in, and its index there
function place(rs: Row[], addr: Addr): [Row[], number] {
  const [top, inner] = addr.split("/").map(Number);
  return inner === undefined || Number.isNaN(inner) ? [rs, top] : [rs[top].items[0].rows!, inner];
}
const NOT_IN_GROUP = new Set(["GROUP", "SUBTABLE"]);
const MIN_WIDTH = 120;
// a card's width: the field's, where the layout gives one (tables and groups take the row)
const widthOf = (it: Item) => (it.size?.width && !it.rows && it.type !== "SUBTABLE" ? `${it.size.width}px` : undefined);

let seq = 1;

// Every field code in use, tables' inner fields included (codes are unique
// across the app), leaving out one field and its own inner fields.
function allCodes(fields: Record<string, FieldProp>, except?: string): Set<string> {
  const out = new Set<string>();
  for (const [code, f] of Object.entries(fields)) {
    if (code === except) continue;
    out.add(code);
    for (const inner of Object.keys(f.fields ?? {})) out.add(inner);
  }
  return out;
}

// The settings a server error may name (properties.<code>.<setting>), in words.
const SETTING_NAMES: Record<string, Key> = {
  label: "fieldName", code: "fieldCode", options: "options", defaultValue: "defaultValue", expression: "expression",
  minValue: "minValue", maxValue: "maxValue", minLength: "minLength", maxLength: "maxLength", unit: "unit",
  lookup: "lookupSource", referenceTable: "refApp", fields: "innerFields",
};

export function Builder({ appId }: { appId: string }) {
  useLang();
  const [tab, setTab] = useState<"form" | "views" | "reports" | "print" | "public" | "process" | "notify" | "acl" | "settings">("form");
  // fields: the form's own; all: with the system fields (a view may show them as columns)
  const [loaded, setLoaded] = useState<{ fields: Record<string, FieldProp>; all: Record<string, FieldProp>; rows: Row[] } | null>(null);
  const [fields, setFields] = useState<Record<string, FieldProp>>({});
  const [rows, setRows] = useState<Row[]>([]);
  const [dirty, setDirtyState] = useState(false);
  // read by handlers made at an earlier render (a click right after an edit)
  const dirtyNow = useRef(false);
  const setDirty = (v: boolean) => { dirtyNow.current = v; setDirtyState(v); };
  const [editing, setEditing] = useState<string | null>(null); // item key
  // the form as it was before a field was dropped: its dialog cancelled puts it back
  const beforeAdd = useRef<{ key: string; rows: Row[]; fields: Record<string, FieldProp>; dirty: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [deployError, setDeployError] = useState("");
  const [busy, setBusy] = useState("");
  const [appName, setAppName] = useState("");
  // original code of each field as saved, by item key (codes may be renamed)
  const savedCodes = useRef<Map<string, string>>(new Map());

  const load = async () => {
    try {
      const [f, l, s] = await withProgress(Promise.all([
        call<{ properties: Record<string, FieldProp> }>("GET", k("/preview/app/form/fields.json"), { app: appId }),
        call<{ layout: LayoutRow[] }>("GET", k("/preview/app/form/layout.json"), { app: appId }),
        call<{ name: string }>("GET", k("/preview/app/settings.json"), { app: appId }),
      ]));
      const props: Record<string, FieldProp> = {};
      for (const [code, p] of Object.entries(f.properties)) if (!isSystem(p.type)) props[code] = p;
      const placed = new Set<string>();
      const fromLayout = (layout: LayoutRow[]): Row[] => layout.filter((r) => ["ROW", "SUBTABLE", "GROUP"].includes(r.type)).map((r) => {
        if (r.type !== "ROW") {
          placed.add(r.code!);
          return { id: seq++, items: [{ key: "f:" + r.code, type: r.type, code: r.code, rows: r.type === "GROUP" ? fromLayout(r.layout ?? []) : undefined }] };
        }
        return {
          id: seq++,
          items: r.fields.map((x) => {
            if (x.code) placed.add(x.code);
            return { key: x.code ? "f:" + x.code : "e:" + seq++, type: x.type, code: x.code, label: x.label, elementId: x.elementId, size: x.size };
          }),
        };
      });
      const rs = fromLayout(l.layout);
      for (const code of Object.keys(props))
        if (!placed.has(code)) rs.push({ id: seq++, items: [{ key: "f:" + code, type: props[code].type, code, rows: props[code].type === "GROUP" ? [] : undefined }] });
      savedCodes.current = new Map(Object.keys(props).map((c) => ["f:" + c, c]));
      setFields(props);
      setRows(rs);
      setLoaded({ fields: props, all: f.properties, rows: rs });
      setAppName(s.name);
      setDirty(false);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [appId]);
  useEffect(() => {
    setLeaveGuard(() => dirtyNow.current);
    return () => setLeaveGuard(null);
  }, [dirty]);

  const change = (rs: Row[], fs = fields) => {
    setRows(prune(rs));
    setFields(fs);
    setDirty(true);
  };

  // A new item of a type: fields get a label and a code not yet taken.
  const make = (kind: string): [Item, Record<string, FieldProp>] => {
    const ft = fieldType(kind)!;
    if (ft.layoutOnly) return [{ key: "e:" + seq++, type: kind, label: kind === "LABEL" ? t("ft_LABEL") : undefined }, fields];
    const type = ft.palette ?? kind;
    const taken = allCodes(fields);
    const code = newCode(kind, taken);
    const prop: FieldProp = { type, code, label: t(("ft_" + kind) as Key) };
    if (type === "GROUP") prop.openGroup = true;
    if (["DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT"].includes(type)) {
      prop.options = { "sample1": { label: "sample1", index: "0" }, "sample2": { label: "sample2", index: "1" } };
      if (type === "RADIO_BUTTON") prop.defaultValue = "sample1";
    }
    if (type === "SUBTABLE") {
      const inner = newCode("SINGLE_LINE_TEXT", new Set([...taken, code]));
      prop.fields = { [inner]: { type: "SINGLE_LINE_TEXT", code: inner, label: t("ft_SINGLE_LINE_TEXT") } };
    }
    if (kind === "LOOKUP")
      prop.lookup = { relatedApp: { app: "" }, relatedKeyField: "", fieldMappings: [], lookupPickerFields: [], filterCond: "", sort: "" };
    if (type === "REFERENCE_TABLE")
      prop.referenceTable = { relatedApp: { app: "" }, condition: { field: "", relatedField: "" }, filterCond: "", displayFields: [], sort: "", size: "5" };
    // a key of its own: the code may be renamed, and a later field may get the old code
    return [{ key: "n:" + seq++, type, code, rows: type === "GROUP" ? [] : undefined }, { ...fields, [code]: prop }];
  };
  const insert = (type: string, addr: Addr, index: number, newRow: boolean): Item | null => {
    const rs = cloneRows(rows);
    const [list, ri] = place(rs, addr);
    if (list !== rs && NOT_IN_GROUP.has(fieldType(type)?.palette ?? type)) {
      notify(t("notInGroup"), "error");
      return null;
    }
    const [item, fs] = make(type);
    beforeAdd.current = item.code ? { key: item.key, rows, fields, dirty: dirtyNow.current } : null;
    if (newRow || ri >= list.length || item.type === "GROUP") list.splice(Math.min(ri, list.length), 0, { id: seq++, items: [item] });
    else list[ri].items.splice(index, 0, item);
    change(rs, fs);
    return item;
  };
  const move = (from: Addr, fromIdx: number, to: Addr, toIdx: number, newRow: boolean) => {
    const rs = cloneRows(rows);
    const [fl, fi] = place(rs, from);
    const [tl, ti] = place(rs, to);
    const item = fl[fi]?.items[fromIdx];
    if (!item) return;
    if (tl !== rs && NOT_IN_GROUP.has(item.type)) {
      notify(t("notInGroup"), "error");
      return;
    }
    fl[fi].items.splice(fromIdx, 1);
    if (newRow || item.type === "GROUP" || ti >= tl.length) tl.splice(Math.min(ti, tl.length), 0, { id: seq++, items: [item] });
    else tl[ti].items.splice(toIdx, 0, item);
    change(rs);
  };
  // a field's width on the form, set by dragging its card's right edge (or ←/→ on it)
  const resize = (key: string, width: number) =>
    change(mapItems(rows, (i) => (i.key === key ? { ...i, size: { ...i.size, width: String(Math.round(Math.min(1200, Math.max(MIN_WIDTH, width)))) } } : i)));
  // a group removed: the fields it held stay, in its place
  const removeItem = (key: string) => {
    const fs = { ...fields };
    const it = allItems(rows).find((i) => i.key === key);
    if (it?.code) delete fs[it.code];
    const without = (rs: Row[]): Row[] => rs.flatMap((r) => {
      const g = r.items.find((i) => i.key === key && i.rows);
      if (g) return g.rows!;
      return [{ ...r, items: r.items.filter((i) => i.key !== key).map((i) => (i.rows ? { ...i, rows: without(i.rows) } : i)) }];
    });
    change(without(rows), fs);
  };

  // --- saving: fields removed, added, changed, then the layout
  const save = async (): Promise<boolean> => {
    setBusy(t("saving"));
    setFieldErrors({});
    try {
      const before = loaded!.fields;
      const items = allItems(rows).filter((i) => i.code);
      const keptOriginal = new Set(items.map((i) => savedCodes.current.get(i.key)).filter(Boolean) as string[]);
      const removed = Object.keys(before).filter((c) => !keptOriginal.has(c));
      const added: Record<string, FieldProp> = {};
      const changed: Record<string, FieldProp> = {};
      for (const it of items) {
        const prop = fields[it.code!];
        const orig = savedCodes.current.get(it.key);
        if (!orig) added[it.code!] = prop;
        else if (JSON.stringify(before[orig]) !== JSON.stringify(prop)) changed[orig] = prop;
      }
      if (removed.length) await withProgress(call("DELETE", k("/preview/app/form/fields.json"), { app: appId, fields: removed }));
      if (Object.keys(added).length) await withProgress(call("POST", k("/preview/app/form/fields.json"), { app: appId, properties: added }));
      if (Object.keys(changed).length) await withProgress(call("PUT", k("/preview/app/form/fields.json"), { app: appId, properties: changed }));
      // a table or a group is a layout row of its own; a group holds rows
      const toLayout = (list: Row[]): LayoutRow[] => list.flatMap((r) => {
        const out: LayoutRow[] = [];
        let cur: LayoutRow["fields"] = [];
        for (const i of r.items) {
          if (i.type !== "SUBTABLE" && i.type !== "GROUP") {
            const size = i.size && Object.keys(i.size).length ? { size: i.size } : {};
            cur.push(i.code ? { type: i.type, code: i.code, ...size } : { type: i.type, label: i.label, elementId: i.elementId ?? "", ...size });
            continue;
          }
          if (cur.length) out.push({ type: "ROW", fields: cur });
          cur = [];
          out.push(i.type === "GROUP" ? { type: "GROUP", code: i.code, fields: [], layout: toLayout(i.rows ?? []) } : { type: "SUBTABLE", code: i.code, fields: [] });
        }
        if (cur.length) out.push({ type: "ROW", fields: cur });
        return out;
      });
      const layout = toLayout(rows);
      await withProgress(call("PUT", k("/preview/app/form/layout.json"), { app: appId, layout }));
      await load();
      notify(t("saved"));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.errors) {
        // "properties.<code>.<setting>" → shown on the field
        // "properties.<code>.<setting>" → shown on the field, naming the setting
        const fe: Record<string, string> = {};
        for (const [key, v] of Object.entries(e.errors)) {
          const m = /^properties\.([^.]+)(?:\.([^.[]+))?/.exec(key);
          if (!m) continue;
          const setting = m[2] && SETTING_NAMES[m[2]] ? `${t(SETTING_NAMES[m[2]])}: ` : "";
          fe[m[1]] = (fe[m[1]] ? fe[m[1]] + " " : "") + setting + v.messages.join(" ");
        }
        setFieldErrors(fe);
      }
      setError(e);
      return false;
    } finally {
      setBusy("");
    }
  };

  // why the app could not be updated; the message names the field concerned: mark it
  const failed = (msg: string) => {
    setDeployError(msg);
    const code = Object.keys(fields).find((c) => msg.includes(`「${fields[c].label}」`) || msg.includes(`"${fields[c].label}"`)) ??
      Object.keys(fields).find((c) => msg.includes(c));
    if (code) setFieldErrors({ [code]: msg });
  };

  const deploy = async () => {
    setDeployError("");
    setFieldErrors({});
    if (dirtyNow.current && !(await save())) return;
    setBusy(t("updating"));
    try {
      const why = await withProgress(deployApp(appId));
      if (why === null) notify(t("appUpdated"));
      else failed(why);
    } catch (e) {
      failed(explain(e));
    } finally {
      setBusy("");
    }
  };

  if (error && !loaded) return <div class="page"><ErrorBox error={error} onRetry={load} /></div>;
  if (!loaded) return <div class="page" aria-busy="true">{t("loading")}</div>;
  const editItem = editing ? allItems(rows).find((i) => i.key === editing) : undefined;

  return (
    <div class="page builder">
      <div class="page-head">
        <h1>{appName} <small>{t("builder")}</small></h1>
        <a href={`#/apps/${appId}`}>{t("records")}</a>
        <span class="spacer" />
        {dirty && <span class="dirty" role="status">{t("unsavedBuilder")}</span>}
        <button type="button" onClick={save} disabled={!!busy || !dirty}>{t("saveForm")}</button>
        <button type="button" class="primary" onClick={deploy} disabled={!!busy}>{t("updateApp")}</button>
      </div>
      {busy && <p class="busy" role="status" aria-live="polite">{busy}</p>}
      {deployError && <div class="error-box" role="alert"><strong>{t("deployFailed")}</strong><p>{deployError}</p></div>}
      {error && loaded ? <ErrorBox error={error} /> : null}
      <div role="tablist" class="tabs">
        {(["form", "views", "reports", "print", "public", "process", "notify", "acl", "settings"] as const).map((x) => (
          <button role="tab" type="button" aria-selected={tab === x} onClick={() => setTab(x)}>
            {t(({ form: "form", views: "views", reports: "graphs", print: "printTab", public: "publicTab", process: "processTab", notify: "notifyTab", acl: "aclTab", settings: "appSettings" } as const)[x])}
          </button>
        ))}
      </div>
      {tab === "form" && (
        <FormEditor rows={rows} fields={fields} fieldErrors={fieldErrors} insert={insert} move={move}
          edit={setEditing} remove={removeItem} resize={resize} />
      )}
      {tab === "views" && <ViewsEditor appId={appId} fields={loaded.all} />}
      {tab === "reports" && <ReportsEditor appId={appId} fields={loaded.all} />}
      {tab === "print" && <PrintEditor appId={appId} fields={loaded.all} />}
      {tab === "public" && <><PublicFormsEditor appId={appId} fields={loaded.all} /><PublicViewsEditor appId={appId} fields={loaded.all} /></>}
      {tab === "acl" && <><AclEditor appId={appId} onChanged={() => {}} /><RecordAclEditor appId={appId} fields={loaded.fields} /></>}
      {tab === "process" && <ProcessEditor appId={appId} fields={loaded.fields} />}
      {tab === "notify" && <NotifyEditor appId={appId} fields={loaded.fields} />}
      {tab === "settings" && <AppSettings appId={appId} fields={fields} onSaved={setAppName} />}
      {editItem && (
        <FieldSettings
          item={editItem} prop={editItem.code ? fields[editItem.code] : undefined}
          taken={allCodes(fields, editItem.code)} fields={Object.values(fields)} fresh={!savedCodes.current.has(editItem.key)}
          onClose={() => {
            const b = beforeAdd.current;
            if (b && b.key === editItem.key) { setRows(b.rows); setFields(b.fields); setDirty(b.dirty); }
            beforeAdd.current = null;
            beforeAdd.current = null;
            setEditing(null);
          }}
          onSave={(prop, label) => {
            // the field's own error is answered by the change; the banner goes when none is left
            const left = Object.fromEntries(Object.entries(fieldErrors).filter(([c]) => c !== editItem.code && c !== prop?.code));
            setFieldErrors(left);
            if (Object.keys(fieldErrors).length && !Object.keys(left).length) { setDeployError(""); setError(null); }
            const fs = { ...fields };
            let item = editItem;
            if (prop) {
              delete fs[editItem.code!];
              fs[prop.code] = prop;
              item = { ...editItem, code: prop.code };
            } else item = { ...editItem, label };
            change(mapItems(rows, (i) => (i.key === editItem.key ? { ...item, rows: i.rows } : i)), fs);
            setEditing(null);
          }}
        />
      )}
    </div>
  );
}

// --- the form canvas: rows of items (a group holds rows of its own), a
// palette, drag and drop by SortableJS
function FormEditor(p: {
  rows: Row[]; fields: Record<string, FieldProp>; fieldErrors: Record<string, string>;
  insert: (type: string, addr: Addr, index: number, newRow: boolean) => Item | null;
  move: (from: Addr, fromIdx: number, to: Addr, toIdx: number, newRow: boolean) => void;
  edit: (key: string) => void; remove: (key: string) => void; resize: (key: string, width: number) => void;
}) {
  const paletteRef = useRef<HTMLUListElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const latest = useRef(p);
  latest.current = p;

  useEffect(() => {
    const s = Sortable.create(paletteRef.current!, { group: { name: "form", pull: "clone", put: false }, sort: false, animation: 120 });
    return () => s.destroy();
  }, []);
  // Sortable moves DOM nodes; Preact owns them. Each drop is put back where it
  // was and replayed as a state change, which renders the new order.
  useEffect(() => {
    const sortables: Sortable[] = [];
    canvasRef.current!.querySelectorAll<HTMLElement>(".row-items").forEach((el) => {
      sortables.push(Sortable.create(el, {
        group: "form", animation: 120, handle: ".drag", draggable: ".item", ghostClass: "drop-here",
        onAdd: (e) => {
          const type = e.item.dataset.type;
          const to = e.to.dataset.row!;
          const newRow = e.to.dataset.newrow === "1";
          if (type && e.pullMode === "clone") {
            e.item.remove();
            const item = latest.current.insert(type, to, e.newDraggableIndex ?? 0, newRow);
            if (item?.code) latest.current.edit(item.key);
            return;
          }
          e.from.insertBefore(e.item, e.from.children[e.oldIndex ?? 0] ?? null);
          latest.current.move(e.from.dataset.row!, e.oldDraggableIndex ?? 0, to, e.newDraggableIndex ?? 0, newRow);
        },
        onUpdate: (e) => {
          const row = e.from.dataset.row!;
          const items = e.from;
          items.insertBefore(e.item, items.children[(e.oldIndex ?? 0) + ((e.oldIndex ?? 0) > (e.newIndex ?? 0) ? 1 : 0)] ?? null);
          latest.current.move(row, e.oldDraggableIndex ?? 0, row, e.newDraggableIndex ?? 0, false);
        },
      }));
    });
    return () => sortables.forEach((s) => s.destroy());
  }, [p.rows]);

  // the rows of the form, or of a group (prefix "3/": the group in row 3)
  const rowsOf = (list: Row[], prefix: string) => [...list, { id: -1, items: [] as Item[] }].map((r, ri) => {
    const addr = prefix + ri;
    return (
      <div class={"row-items" + (r.id === -1 ? " new-row" : "")} data-row={addr} data-newrow={r.id === -1 ? "1" : "0"} key={r.id === -1 ? prefix + "new" : r.id}>
        {r.items.map((it, ii) => itemCard(it, list, ri, ii, prefix))}
      </div>
    );
  });
  // ↑ and ↓: along the row, then to the row above or below; into a group met
  // on the way (its nearest row), and out of one at its ends
  const step = (it: Item, list: Row[], ri: number, ii: number, prefix: string, dir: 1 | -1) => {
    const at = (i: number) => prefix + i;
    const r = list[ri];
    if (dir < 0 ? ii > 0 : ii < r.items.length - 1) return p.move(at(ri), ii, at(ri), ii + dir, false);
    const outer = prefix ? Number(prefix.slice(0, -1)) : -1; // the group's row, when inside one
    const next = ri + dir;
    if (prefix && (next < 0 || next >= list.length)) return p.move(at(ri), ii, String(dir < 0 ? outer : outer + 1), 0, true);
    const g = !prefix && list[next]?.items[0]?.rows;
    if (g && !NOT_IN_GROUP.has(it.type))
      return dir > 0 || !g.length ? p.move(at(ri), ii, `${next}/0`, 0, !g.length) : p.move(at(ri), ii, `${next}/${g.length - 1}`, g[g.length - 1].items.length, false);
    if (dir < 0) return p.move(at(ri), ii, at(next), list[next].items.length, false);
    return p.move(at(ri), ii, at(next), 0, next >= list.length);
  };
  const itemCard = (it: Item, list: Row[], ri: number, ii: number, prefix: string) => {
    const f = it.code ? p.fields[it.code] : undefined;
    const err = it.code ? p.fieldErrors[it.code] : undefined;
    const name = f ? f.label : it.type === "LABEL" ? it.label ?? "" : t(("ft_" + it.type) as Key);
    return (
      <div class={"item" + (err ? " has-error" : "") + (it.rows ? " group-item" : "")} key={it.key} data-key={it.key} style={{ width: widthOf(it), minWidth: widthOf(it) && `${MIN_WIDTH}px` }}>
        <span class="drag" aria-hidden="true" title="drag">⋮⋮</span>
        <span class="item-body">
          <span class={"item-label" + (f?.noLabel ? " no-label" : "")}>{it.rows && <span aria-hidden="true">{f?.openGroup ? "▾ " : "▸ "}</span>}{name}{f?.required && <span class="req" aria-label={t("required")}>*</span>}</span>
          {f && !it.rows && <FieldPreview f={f} />}
          {it.type === "HR" && <hr class="pv-hr" />}
          <small class="item-type">{t(("ft_" + (f?.lookup ? "LOOKUP" : it.type)) as Key)}{f ? ` · ${f.code}` : ""}</small>
          {err && <span class="field-error" role="alert">{err}</span>}
          {it.rows && <div class="group-rows" aria-label={name}>{rowsOf(it.rows, `${prefix}${ri}/`)}</div>}
        </span>
        <span class="item-tools">
          <button type="button" aria-label={`${t("moveUp")}: ${name}`} disabled={!prefix && ri === 0 && ii === 0} onClick={() => step(it, list, ri, ii, prefix, -1)}>↑</button>
          <button type="button" aria-label={`${t("moveDown")}: ${name}`} onClick={() => step(it, list, ri, ii, prefix, 1)}>↓</button>
          {it.type !== "SPACER" && it.type !== "HR" && (
            <button type="button" aria-label={`${t("edit")}: ${name}`} onClick={() => p.edit(it.key)}>⚙</button>
          )}
          <button type="button" aria-label={`${t("remove")}: ${name}`} onClick={() => p.remove(it.key)}>✕</button>
        </span>
        {f && !it.rows && it.type !== "SUBTABLE" && <WidthHandle name={name} item={it} resize={(w) => p.resize(it.key, w)} />}
      </div>
    );
  };

  return (
    <div class="form-editor">
      <aside class="palette" aria-label={t("palette")}>
        <h2>{t("palette")}</h2>
        <p class="hint">{t("paletteHint")}</p>
        <ul ref={paletteRef}>
          {FIELD_TYPES.filter((f) => !f.system).map((f) => (
            <li data-type={f.type} class="palette-item">
              <button type="button" onClick={() => { const it = p.insert(f.type, String(p.rows.length), 0, true); if (it?.code) p.edit(it.key); }}>
                {t(("ft_" + f.type) as Key)}
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <div class="canvas" ref={canvasRef} aria-label={t("form")}>
        {p.rows.length === 0 && <p class="empty">{t("formEmpty")}</p>}
        {rowsOf(p.rows, "")}
      </div>
    </div>
  );
}

// --- the app's name, description and icon
function AppSettings({ appId, fields, onSaved }: { appId: string; fields: Record<string, FieldProp>; onSaved: (name: string) => void }) {
  const [s, setS] = useState<{
    name: string; description: string; icon: AppIconSetting; category?: string;
    numberPrecision: { digits: string; decimalPlaces: string; roundingMode: string };
    titleField: TitleField;
  } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void call("GET", k("/preview/app/settings.json"), { app: appId }).then(setS).catch(setError), [appId]);
  if (!s) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await withProgress(call("PUT", k("/preview/app/settings.json"), { app: appId, name: s.name, description: s.description, icon: s.icon, category: s.category ?? "", numberPrecision: s.numberPrecision, titleField: s.titleField }));
      onSaved(s.name);
      notify(t("saved"));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="settings-form" onSubmit={save}>
      <label for="app-name">{t("appName")}</label>
      <input id="app-name" required maxLength={64} value={s.name} onInput={(e) => setS({ ...s, name: (e.target as HTMLInputElement).value })} />
      <label for="app-desc">{t("description")}</label>
      <textarea id="app-desc" rows={4} value={s.description} onInput={(e) => setS({ ...s, description: (e.target as HTMLTextAreaElement).value })} />
      <label for="app-category">{t("appCategory")}</label>
      <input id="app-category" maxLength={64} aria-describedby="app-category-hint" value={s.category ?? ""} onInput={(e) => setS({ ...s, category: (e.target as HTMLInputElement).value })} />
      <p class="hint" id="app-category-hint">{t("appCategoryHint")}</p>
      <div class="icon-preview"><AppIcon icon={s.icon} size={56} /><IconPicker value={s.icon} onChange={(icon) => setS({ ...s, icon })} /></div>
      <label for="app-title-field">{t("recordTitleField")}</label>
      <select id="app-title-field" aria-describedby="app-title-hint" value={s.titleField?.selectionMode === "MANUAL" ? s.titleField.code : ""}
        onChange={(e) => { const code = (e.target as HTMLSelectElement).value; setS({ ...s, titleField: code ? { selectionMode: "MANUAL", code } : { selectionMode: "AUTO", code: "" } }); }}>
        <option value="">{t("recordTitleAuto")}</option>
        {Object.values(fields).filter((f) => TITLE_TYPES.includes(f.type)).map((f) => <option value={f.code}>{f.label}</option>)}
      </select>
      <p class="hint" id="app-title-hint">{t("recordTitleHint")}</p>
      <fieldset>
        <legend>{t("precision")}</legend>
        <p class="hint">{t("precisionHint")}</p>
        <div class="pair">
          <span><label for="np-digits">{t("precisionDigits")}</label>
            <input id="np-digits" inputMode="numeric" value={s.numberPrecision.digits} onInput={(e) => setS({ ...s, numberPrecision: { ...s.numberPrecision, digits: (e.target as HTMLInputElement).value } })} /></span>
          <span><label for="np-places">{t("precisionPlaces")}</label>
            <input id="np-places" inputMode="numeric" value={s.numberPrecision.decimalPlaces} onInput={(e) => setS({ ...s, numberPrecision: { ...s.numberPrecision, decimalPlaces: (e.target as HTMLInputElement).value } })} /></span>
        </div>
        <label for="np-mode">{t("precisionRounding")}</label>
        <select id="np-mode" value={s.numberPrecision.roundingMode} onChange={(e) => setS({ ...s, numberPrecision: { ...s.numberPrecision, roundingMode: (e.target as HTMLSelectElement).value } })}>
          <option value="HALF_EVEN">{t("roundHalfEven")}</option>
          <option value="UP">{t("roundUp")}</option>
          <option value="DOWN">{t("roundDown")}</option>
        </select>
      </fieldset>
      {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
      <div class="actions"><button type="submit" class="primary" disabled={busy}>{t("save")}</button></div>
      <TemplateExport appId={appId} name={s.name} />
    </form>
  );
}


// The app's design (and, if wanted, its records) as one file, to make the
// same app in another Tsumiki: 「アプリ作成」→「テンプレートファイルから」.
function TemplateExport({ appId, name }: { appId: string; name: string }) {
  const [records, setRecords] = useState(false);
  const [busy, setBusy] = useState("");
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setError(null);
    setBusy(t("readingApp"));
    try {
      const tpl = await withProgress(readTemplate(appId, records, (n, total) => setBusy(t("readingRecords", { n, total }))));
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(tpl)], { type: "application/json" }));
      a.download = `${name}.tsumiki-app.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };
  return (
    <fieldset class="template-export">
      <legend>{t("templateExport")}</legend>
      <p class="hint">{t("templateExportHint")}</p>
      <label class="check"><input type="checkbox" checked={records} onChange={(e) => setRecords((e.target as HTMLInputElement).checked)} /> {t("copyRecords")}</label>
      <button type="button" onClick={run} disabled={!!busy}>{t("templateDownload")}</button>
      {busy && <p role="status" class="busy">{busy}</p>}
      {error ? <p class="field-error" role="alert">{explain(error)}</p> : null}
    </fieldset>
  );
}

// The right edge of a field's card: dragged (or ←/→ when focused) to set the
// field's width on the form.
function WidthHandle({ name, item, resize }: { name: string; item: Item; resize: (width: number) => void }) {
  const start = (e: PointerEvent) => {
    const handle = e.currentTarget as HTMLElement;
    const card = handle.parentElement!;
    const left = card.getBoundingClientRect().left;
    handle.setPointerCapture(e.pointerId);
    const moved = (m: PointerEvent) => { card.style.width = `${Math.max(MIN_WIDTH, m.clientX - left)}px`; };
    const up = (m: PointerEvent) => {
      handle.removeEventListener("pointermove", moved);
      handle.removeEventListener("pointerup", up);
      resize(m.clientX - left);
    };
    handle.addEventListener("pointermove", moved);
    handle.addEventListener("pointerup", up);
    e.preventDefault();
  };
  const now = Number(item.size?.width) || 0;
  const key = (e: KeyboardEvent) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const from = now || (e.currentTarget as HTMLElement).parentElement!.getBoundingClientRect().width;
    resize(from + (e.key === "ArrowRight" ? 20 : -20));
  };
  return (
    <span class="width-handle" role="slider" tabIndex={0} aria-label={t("fieldWidth", { name })} aria-orientation="horizontal"
      aria-valuemin={MIN_WIDTH} aria-valuemax={1200} aria-valuenow={now || undefined} aria-valuetext={now ? `${now}px` : t("widthAuto")}
      onPointerDown={start} onKeyDown={key} />
  );
}
