// pages/PublicFormsEditor.tsx - the app's public forms (publicForms.json, our
// extension): which fields people outside fill in, the words around them,
// when the form is open, and the switch that pauses it. Once the app is
// updated, each form's address is shown to copy and send.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { FieldChecks } from "../ui/FieldChecks";
import { toPng } from "./PrintEditor";
import { AllowList, fromLocal, LinksPanel, RecipientsSettings, toLocal, type Personal } from "./Recipients";

interface Condition { field: string; when: string; values: string[] }
interface PublicForm {
  id?: string; name: string; fields: string[]; enabled: boolean; title: string; description: string; thanks: string;
  openFrom: string; openUntil: string; maxAnswers: number | null; url?: string | null;
  receiptField: string; conditions: Condition[]; steps: { title: string; fields: string[] }[]; logo: string; color: string;
  help: Record<string, string>; personal: Personal; allow: string[]; uploads: Record<string, { maxMB: number; types: string[] }>;
}

// What people outside may fill in (the server checks the same: app/public.c).
const PUBLISHABLE = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "NUMBER", "DATE", "TIME", "DATETIME", "DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT", "LINK", "FILE"];

export function PublicFormsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [forms, setForms] = useState<PublicForm[] | null>(null);
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string[]>([]); // deployed forms sent to recipients
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call<{ forms: PublicForm[] }>("GET", k("/preview/app/publicForms.json"), { app: appId }).then((r) => setForms(r.forms)).catch(setError);
    call<{ forms: PublicForm[] }>("GET", k("/app/publicForms.json"), { app: appId })
      .then((r) => {
        setUrls(Object.fromEntries(r.forms.filter((f) => f.id && f.url).map((f) => [f.id!, location.origin + f.url!])));
        setSent(r.forms.filter((f) => f.personal?.app).map((f) => f.id!));
      }).catch(() => {});
  }, [appId]);
  if (!forms) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const publishable = Object.values(fields).filter((f) => PUBLISHABLE.includes(f.type) && !f.unique && !(f as { expression?: string }).expression);
  const set = (i: number, patch: Partial<PublicForm>) => setForms((fs) => fs!.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const save = async () => {
    try {
      const r = await withProgress(call<{ forms: { id: string }[] }>("PUT", k("/preview/app/publicForms.json"), { app: appId, forms: forms.map(({ url: _, ...f }) => f) }));
      setForms(forms.map((f, i) => ({ ...f, id: r.forms[i].id })));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
      requestAnimationFrame(() => document.querySelector(".public-forms-editor .error-box")?.scrollIntoView({ block: "center" }));
    }
  };
  const required = publishable.filter((f) => f.required && !(Array.isArray(f.defaultValue) ? f.defaultValue.length : f.defaultValue)).map((f) => f.code);
  return (
    <div class="public-forms-editor">
      <h2>{t("publicForm")}</h2>
      <p class="hint">{t("publicFormsHint")}</p>
      {error ? <ErrorBox error={error} details /> : null}
      {forms.map((f, i) => (
        <fieldset class="view-card">
          <legend>{f.name || t("publicForm")}</legend>
          <label class="check"><input type="checkbox" checked={f.enabled} onChange={(e) => set(i, { enabled: (e.target as HTMLInputElement).checked })} /> {t("publicFormOpen")}</label>
          {f.id && urls[f.id] && !sent.includes(f.id) && (
            <p class="public-url">{t("publicFormUrl")}: <a href={urls[f.id]} target="_blank" rel="noopener">{urls[f.id]}</a></p>
          )}
          <label for={`pf-name-${i}`}>{t("publicFormName")}</label>
          <input id={`pf-name-${i}`} value={f.name} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          <label for={`pf-title-${i}`}>{t("publicFormTitle")}</label>
          <input id={`pf-title-${i}`} value={f.title} onInput={(e) => set(i, { title: (e.target as HTMLInputElement).value })} />
          <label for={`pf-desc-${i}`}>{t("publicFormDescription")}</label>
          <textarea id={`pf-desc-${i}`} value={f.description} onInput={(e) => set(i, { description: (e.target as HTMLTextAreaElement).value })} />
          <FieldChecks legend={t("publicFormFields")} fields={publishable} value={f.fields} onChange={(codes) => set(i, {
            fields: codes, conditions: f.conditions.filter((c) => codes.includes(c.field) && codes.includes(c.when)),
            receiptField: codes.includes(f.receiptField) ? f.receiptField : "", steps: [],
            help: Object.fromEntries(Object.entries(f.help ?? {}).filter(([c]) => codes.includes(c))) })} />
          {f.fields.length > 0 && (
            <fieldset>
              <legend>{t("publicFormHelp")}</legend>
              {f.fields.map((code) => fields[code]).filter(Boolean).map((q) => (
                <label class="inline-num wide">{q.label}
                  <input value={f.help?.[q.code] ?? ""} onInput={(e) => set(i, { help: { ...(f.help ?? {}), [q.code]: (e.target as HTMLInputElement).value } })} />
                </label>
              ))}
            </fieldset>
          )}
          {f.fields.length > 1 && (
            <fieldset>
              <legend>{t("publicFormConditions")}</legend>
              <p class="hint">{t("publicFormConditionsHint")}</p>
              {f.fields.map((code) => fields[code]).filter((q) => q && !q.required).map((q) => {
                const c = f.conditions.find((x) => x.field === q.code);
                const choices = f.fields.map((x) => fields[x]).filter((x) => x && x.code !== q.code && x.options);
                const when = c ? fields[c.when] : undefined;
                const setCond = (next: Condition | null) => set(i, { conditions: [...f.conditions.filter((x) => x.field !== q.code), ...(next ? [next] : [])] });
                return (
                  <div class="condition-row">
                    <label class="inline-num">{q.label}
                      <select value={c?.when ?? ""} onChange={(e) => { const v = (e.target as HTMLSelectElement).value; setCond(v ? { field: q.code, when: v, values: [] } : null); }}>
                        <option value="">{t("publicFormAlways")}</option>
                        {choices.map((x) => <option value={x.code}>{t("publicFormWhen", { field: x.label })}</option>)}
                      </select>
                    </label>
                    {c && when?.options && (
                      <span class="choices">
                        {Object.values(when.options).sort((a, b) => Number(a.index) - Number(b.index)).map((o) => (
                          <label><input type="checkbox" checked={c.values.includes(o.label)}
                            onChange={(e) => setCond({ ...c, values: (e.target as HTMLInputElement).checked ? [...c.values, o.label] : c.values.filter((v) => v !== o.label) })} /> {o.label}</label>
                        ))}
                      </span>
                    )}
                  </div>
                );
              })}
            </fieldset>
          )}
          {f.fields.length > 1 && <Pages fields={f.fields.map((code) => fields[code]).filter(Boolean)} steps={f.steps} onChange={(steps) => set(i, { steps })} id={`pf-pages-${i}`} />}
          {f.fields.some((code) => fields[code]?.type === "FILE") && (
            <fieldset>
              <legend>{t("publicFormUploads")}</legend>
              {f.fields.map((code) => fields[code]).filter((q) => q?.type === "FILE").map((q) => {
                const u = f.uploads?.[q.code] ?? { maxMB: 5, types: ["pdf", "jpg", "jpeg", "png", "xlsx", "docx", "csv", "txt"] };
                const setU = (patch: Partial<typeof u>) => set(i, { uploads: { ...(f.uploads ?? {}), [q.code]: { ...u, ...patch } } });
                return (
                  <div class="pair">
                    <label class="inline-num">{t("publicFormUploadMax", { field: q.label })}
                      <input type="number" min={1} max={10} value={u.maxMB} onInput={(e) => setU({ maxMB: Number((e.target as HTMLInputElement).value) || 5 })} />
                    </label>
                    <label class="inline-num wide">{t("publicFormUploadTypes", { field: q.label })}
                      <input value={u.types.join(", ")} onChange={(e) => setU({ types: (e.target as HTMLInputElement).value.toLowerCase().split(/[\s,、.]+/).filter(Boolean) })} />
                    </label>
                  </div>
                );
              })}
            </fieldset>
          )}
          <label for={`pf-receipt-${i}`}>{t("publicFormReceipt")}</label>
          <select id={`pf-receipt-${i}`} value={f.receiptField} onChange={(e) => set(i, { receiptField: (e.target as HTMLSelectElement).value })}>
            <option value="">{t("publicFormNoReceipt")}</option>
            {f.fields.map((code) => fields[code]).filter((q) => q?.type === "SINGLE_LINE_TEXT").map((q) => <option value={q.code}>{q.label}</option>)}
          </select>
          <div class="pair">
            <label class="inline-num">{t("publicFormColor")}
              <input type="color" value={f.color || "#0b5cad"} onInput={(e) => set(i, { color: (e.target as HTMLInputElement).value })} />
            </label>
            <span class="inline-num">{t("publicFormLogo")}
              <span class="pair">
                {f.logo && <img class="logo-preview" src={`data:image/png;base64,${f.logo}`} alt={t("publicFormLogo")} />}
                <label class="button file-button">{t("publicFormLogoPick")}
                  <input type="file" accept="image/*" class="visually-hidden" onChange={async (e) => {
                    const file = (e.target as HTMLInputElement).files?.[0];
                    if (file) set(i, { logo: await toPng(file, 600) });
                  }} />
                </label>
                {f.logo && <button type="button" onClick={() => set(i, { logo: "" })}>{t("remove")}</button>}
              </span>
            </span>
          </div>
          <label for={`pf-thanks-${i}`}>{t("publicFormThanks")}</label>
          <textarea id={`pf-thanks-${i}`} value={f.thanks} onInput={(e) => set(i, { thanks: (e.target as HTMLTextAreaElement).value })} />
          <div class="pair">
            <label class="inline-num">{t("publicFormFrom")}
              <input type="datetime-local" value={f.openFrom ? toLocal(f.openFrom) : ""} onInput={(e) => set(i, { openFrom: fromLocal((e.target as HTMLInputElement).value) })} />
            </label>
            <label class="inline-num">{t("publicFormUntil")}
              <input type="datetime-local" value={f.openUntil ? toLocal(f.openUntil) : ""} onInput={(e) => set(i, { openUntil: fromLocal((e.target as HTMLInputElement).value) })} />
            </label>
            <label class="inline-num">{t("publicFormMax")}
              <input type="number" min={1} value={f.maxAnswers ?? ""} onInput={(e) => { const v = (e.target as HTMLInputElement).value; set(i, { maxAnswers: v ? Number(v) : null }); }} />
            </label>
          </div>
          <AllowList id={`pf-allow-${i}`} value={f.allow ?? []} onChange={(allow) => set(i, { allow })} />
          <RecipientsSettings id={`pf-to-${i}`} appId={appId} value={f.personal ?? {}} onChange={(p) => set(i, { personal: p })} form
            own={f.fields.map((code) => fields[code]).filter((q) => q?.type === "SINGLE_LINE_TEXT")} />
          {f.id && sent.includes(f.id) && <LinksPanel app={appId} kind="form" id={f.id} />}
          <button type="button" onClick={() => setForms(forms.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => setForms([...forms, { name: `${t("publicForm")} ${forms.length + 1}`, fields: required, enabled: true, title: "", description: "", thanks: "", openFrom: "", openUntil: "", maxAnswers: null, receiptField: "", conditions: [], steps: [], logo: "", color: "", help: {}, personal: {}, allow: [], uploads: {} }])}>＋ {t("addPublicForm")}</button>
        <button type="button" class="primary" onClick={save}>{t("save")}</button>
      </div>
    </div>
  );
}


type Step = { title: string; fields: string[] };

// The form's questions on several pages: how many, their headings, and the
// page of each question (every question on exactly one, in the form's order).
function Pages({ id, fields, steps, onChange }: { id: string; fields: FieldProp[]; steps: Step[]; onChange: (s: Step[]) => void }) {
  const on = steps.length > 0;
  const pageOf = (code: string) => Math.max(0, steps.findIndex((st) => st.fields.includes(code)));
  // each question's page given, the pages rebuilt in the form's order
  const rebuild = (titles: string[], page: (code: string) => number) =>
    onChange(titles.map((title, n) => ({ title, fields: fields.map((q) => q.code).filter((code) => Math.min(page(code), titles.length - 1) === n) })));
  return (
    <fieldset>
      <legend>{t("publicFormPages")}</legend>
      <label class="check">
        <input type="checkbox" checked={on} onChange={(e) => (e.target as HTMLInputElement).checked ? rebuild(["", ""], () => 0) : onChange([])} /> {t("publicFormPagesOn")}
      </label>
      {on && (
        <>
          <span class="inline-num">
            <label for={`${id}-n`}>{t("publicFormPagesCount")}</label>
            <select id={`${id}-n`} value={steps.length} onChange={(e) => {
              const n = Number((e.target as HTMLSelectElement).value);
              rebuild(Array.from({ length: n }, (_, k) => steps[k]?.title ?? ""), pageOf);
            }}>
              {[2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => <option value={n}>{n}</option>)}
            </select>
          </span>
          {steps.map((st, n) => (
            <label class="inline-num wide">{t("publicFormPageTitle", { n: n + 1 })}
              <input value={st.title} onInput={(e) => rebuild(steps.map((x, k) => (k === n ? (e.target as HTMLInputElement).value : x.title)), pageOf)} />
            </label>
          ))}
          {fields.map((q) => (
            <span class="inline-num">
              <label for={`${id}-q-${q.code}`}>{q.label}</label>
              <select id={`${id}-q-${q.code}`} value={pageOf(q.code)} onChange={(e) => {
                const to = Number((e.target as HTMLSelectElement).value);
                rebuild(steps.map((x) => x.title), (code) => (code === q.code ? to : pageOf(code)));
              }}>
                {steps.map((_, n) => <option value={n}>{t("publicFormPageN", { n: n + 1 })}</option>)}
              </select>
            </span>
          ))}
        </>
      )}
    </fieldset>
  );
}
