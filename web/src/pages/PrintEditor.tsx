// pages/PrintEditor.tsx - the app's print layouts (printTemplates.json, our
// extension): an A4 page on which fixed text, fields and pictures (the
// organisation's logo) are placed by dragging them, or with the arrow keys,
// and set in the panel beside it. A PDF of records laid out by one is made
// from the list or the record page once the app is updated.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import type { PrintItem, PrintTemplate } from "../data";
import { fieldType, isSystem } from "../fields/types";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { PrintDialog } from "../ui/PrintDialog";

const PX_PER_MM = 3; // the page drawn at 630 x 891 pixels
const PT_MM = 25.4 / 72;
const PICTURE_MAX_PX = 800;

const page = (o: PrintTemplate["orientation"]) => (o === "LANDSCAPE" ? { w: 297, h: 210 } : { w: 210, h: 297 });

// A picture of any kind the browser reads, made a PNG no larger than max pixels either way.
export async function toPng(file: File, max = PICTURE_MAX_PX): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const k = Math.min(1, max / bitmap.width, max / bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * k);
  canvas.height = Math.round(bitmap.height * k);
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
}

export function PrintEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [templates, setTemplates] = useState<PrintTemplate[] | null>(null);
  const [at, setAt] = useState(0); // the template shown
  const [picked, setPicked] = useState<number | null>(null); // its item being set
  const [error, setError] = useState<unknown>(null);
  const [trying, setTrying] = useState(false);
  useEffect(() => {
    call<{ printTemplates: Record<string, PrintTemplate> }>("GET", k("/preview/app/printTemplates.json"), { app: appId })
      .then((r) => setTemplates(Object.values(r.printTemplates).sort((a, b) => Number(a.index) - Number(b.index))))
      .catch(setError);
  }, [appId]);
  if (!templates) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const printable = Object.values(fields).filter((f) => !fieldType(f.type)?.layoutOnly && !["__ID__", "__REVISION__", "CATEGORY"].includes(f.type) && !f.noValue);
  const tpl = templates[at];
  const setTpl = (patch: Partial<PrintTemplate>) => setTemplates((ts) => ts!.map((x, i) => (i === at ? { ...x, ...patch } : x)));
  const setItem = (n: number, patch: Partial<PrintItem>) => setTemplates((ts) => ts!.map((x, i) => (i === at ? { ...x, items: x.items.map((it, j) => (j === n ? { ...it, ...patch } : it)) } : x)));
  const add = (item: PrintItem) => { setTpl({ items: [...tpl.items, item] }); setPicked(tpl.items.length); };
  const save = async () => {
    try {
      const body = Object.fromEntries(templates.map((x, i) => [x.name, { ...x, index: String(i) }]));
      await withProgress(call("PUT", k("/preview/app/printTemplates.json"), { app: appId, printTemplates: body }));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  const newTemplate = () => {
    setTemplates([...templates, { name: `${t("printLayout")} ${templates.length + 1}`, index: String(templates.length), orientation: "PORTRAIT", items: [] }]);
    setAt(templates.length);
    setPicked(null);
  };
  return (
    <div class="print-editor">
      <p class="hint">{t("printHint")}</p>
      {error ? <ErrorBox error={error} /> : null}
      <div class="actions left">
        {templates.map((x, i) => <button type="button" aria-pressed={i === at} onClick={() => { setAt(i); setPicked(null); }}>{x.name}</button>)}
        <button type="button" onClick={newTemplate}>＋ {t("addPrintLayout")}</button>
      </div>
      {tpl && (
        <div class="print-work">
          <div class="print-side">
            <label for="pt-name">{t("printLayoutName")}</label>
            <input id="pt-name" value={tpl.name} onInput={(e) => setTpl({ name: (e.target as HTMLInputElement).value })} />
            <fieldset class="choices-row">
              <legend>{t("paper")}</legend>
              <label><input type="radio" name="pt-o" checked={tpl.orientation !== "LANDSCAPE"} onChange={() => setTpl({ orientation: "PORTRAIT" })} /> {t("portrait")}</label>
              <label><input type="radio" name="pt-o" checked={tpl.orientation === "LANDSCAPE"} onChange={() => setTpl({ orientation: "LANDSCAPE" })} /> {t("landscape")}</label>
            </fieldset>
            <div class="actions left">
              <button type="button" onClick={() => add({ type: "TEXT", text: t("printNewText"), x: 20, y: 20, width: 100, fontSize: 12 })}>＋ {t("printAddText")}</button>
              <button type="button" disabled={!printable.length} onClick={() => add({ type: "FIELD", code: (printable.find((f) => !isSystem(f.type)) ?? printable[0]).code, x: 20, y: 40, width: 100, fontSize: 10.5, label: true })}>＋ {t("printAddField")}</button>
              <label class="button file-button">＋ {t("printAddPicture")}
                <input type="file" accept="image/*" class="visually-hidden" onChange={async (e) => {
                  const file = (e.target as HTMLInputElement).files?.[0];
                  if (file) add({ type: "IMAGE", data: await toPng(file), x: 15, y: 10, width: 40 });
                }} />
              </label>
            </div>
            {picked !== null && tpl.items[picked] && (
              <ItemSettings item={tpl.items[picked]} fields={printable} onChange={(patch) => setItem(picked, patch)}
                onRemove={() => { setTpl({ items: tpl.items.filter((_, j) => j !== picked) }); setPicked(null); }} />
            )}
            <div class="actions left">
              <button type="button" onClick={() => { setTemplates(templates.filter((_, i) => i !== at)); setAt(0); setPicked(null); }}>{t("removePrintLayout")}</button>
              <button type="button" onClick={() => setTrying(true)}>{t("pdfTry")}</button>
              <button type="button" class="primary" onClick={save}>{t("save")}</button>
            </div>
          </div>
          <Page tpl={tpl} fields={fields} picked={picked} onPick={setPicked} onMove={(n, x, y) => setItem(n, { x, y })} />
        </div>
      )}
      {trying && tpl && <PrintDialog appId={appId} query="order by $id desc limit 1" fields={[]} title={tpl.name} draft={tpl} onClose={() => setTrying(false)} />}
      {!tpl && (
        <div class="actions left"><button type="button" class="primary" onClick={save}>{t("save")}</button></div>
      )}
    </div>
  );
}

// The page as it will print, each item where it is placed: dragged to move
// it, or moved with the arrow keys (a millimetre, ten with Shift).
function Page({ tpl, fields, picked, onPick, onMove }: {
  tpl: PrintTemplate; fields: Record<string, FieldProp>; picked: number | null; onPick: (n: number) => void; onMove: (n: number, x: number, y: number) => void;
}) {
  const { w, h } = page(tpl.orientation);
  const drag = useRef<{ n: number; x0: number; y0: number; ix: number; iy: number } | null>(null);
  const clamp = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v)) * 10) / 10;
  return (
    <div class="print-page" style={{ width: `${w * PX_PER_MM}px`, height: `${h * PX_PER_MM}px` }} aria-label={t("printPage")} role="group">
      {tpl.items.map((it, n) => {
        const label = it.type === "TEXT" ? it.text : it.type === "FIELD" ? fields[it.code ?? ""]?.label ?? it.code : t("printPicture");
        return (
          <div class={`print-item ${it.type.toLowerCase()}${picked === n ? " picked" : ""}`} tabIndex={0} role="button"
            style={{ left: `${it.x * PX_PER_MM}px`, top: `${it.y * PX_PER_MM}px`, width: `${it.width * PX_PER_MM}px`,
              fontSize: `${(it.fontSize ?? 10.5) * PT_MM * PX_PER_MM}px`, fontWeight: it.bold ? 700 : 400, textAlign: (it.align ?? "LEFT").toLowerCase() as "left" }}
            onPointerDown={(e) => { onPick(n); (e.currentTarget as Element).setPointerCapture(e.pointerId); drag.current = { n, x0: e.clientX, y0: e.clientY, ix: it.x, iy: it.y }; }}
            onPointerMove={(e) => { const d = drag.current; if (d) onMove(d.n, clamp(d.ix + (e.clientX - d.x0) / PX_PER_MM, w - 5), clamp(d.iy + (e.clientY - d.y0) / PX_PER_MM, h - 5)); }}
            onPointerUp={() => (drag.current = null)}
            onFocus={() => onPick(n)}
            onKeyDown={(e) => {
              const step = e.shiftKey ? 10 : 1;
              const dx = e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0, dy = e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0;
              if (dx || dy) { e.preventDefault(); onMove(n, clamp(it.x + dx, w - 5), clamp(it.y + dy, h - 5)); }
            }}>
            {it.type === "IMAGE" ? <img src={`data:image/png;base64,${it.data}`} alt={label} /> : it.type === "FIELD" ? (
              <>{it.label && <small>{label}</small>}<span class="placeholder">{`{${label}}`}</span></>
            ) : it.text}
            <span class="visually-hidden">（{t(`printItem_${it.type}`)}, {it.x}mm, {it.y}mm）</span>
          </div>
        );
      })}
    </div>
  );
}

function ItemSettings({ item, fields, onChange, onRemove }: { item: PrintItem; fields: FieldProp[]; onChange: (p: Partial<PrintItem>) => void; onRemove: () => void }) {
  const num = (key: "x" | "y" | "width" | "fontSize", label: string, step = 1) => (
    <label class="inline-num">{label}
      <input type="number" step={step} value={item[key] ?? ""} onInput={(e) => onChange({ [key]: Number((e.target as HTMLInputElement).value) })} />
    </label>
  );
  return (
    <fieldset class="item-settings">
      <legend>{t(`printItem_${item.type}`)}</legend>
      {item.type === "TEXT" && (
        <>
          <label for="pi-text">{t("printText")}</label>
          <textarea id="pi-text" value={item.text} onInput={(e) => onChange({ text: (e.target as HTMLTextAreaElement).value })} />
        </>
      )}
      {item.type === "FIELD" && (
        <>
          <label for="pi-field">{t("printField")}</label>
          <select id="pi-field" value={item.code} onChange={(e) => onChange({ code: (e.target as HTMLSelectElement).value })}>
            {fields.map((f) => <option value={f.code}>{f.label}</option>)}
          </select>
          <label class="check"><input type="checkbox" checked={!!item.label} onChange={(e) => onChange({ label: (e.target as HTMLInputElement).checked })} /> {t("printShowName")}</label>
        </>
      )}
      <div class="pair">
        {num("x", t("printX"))}{num("y", t("printY"))}{num("width", t("printWidth"))}
        {item.type !== "IMAGE" && num("fontSize", t("printFontSize"), 0.5)}
      </div>
      {item.type !== "IMAGE" && (
        <div class="pair">
          <label class="check"><input type="checkbox" checked={!!item.bold} onChange={(e) => onChange({ bold: (e.target as HTMLInputElement).checked })} /> {t("printBold")}</label>
          <label class="inline-num">{t("printAlign")}
            <select value={item.align ?? "LEFT"} onChange={(e) => onChange({ align: (e.target as HTMLSelectElement).value as PrintItem["align"] })}>
              <option value="LEFT">{t("alignLeft")}</option><option value="CENTER">{t("alignCenter")}</option><option value="RIGHT">{t("alignRight")}</option>
            </select>
          </label>
        </div>
      )}
      <button type="button" class="danger" onClick={onRemove}>{t("remove")}</button>
    </fieldset>
  );
}
