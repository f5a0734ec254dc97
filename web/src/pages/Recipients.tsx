// pages/Recipients.tsx - sending a public form or view to recipients taken
// from another app (README "Personal links"): the setting that says who they
// are, and, once deployed, the list of who has a link, who has answered, with
// sending, reminding and revoking.
import { useEffect, useState } from "preact/hooks";
import { call, type FieldProp } from "../api";
import { t } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { FilterBuilder, fromQuery, toQuery } from "../ui/FilterBuilder";
import { loadApps, useAppFields, type AppEntry } from "./LinkSettings";

export interface Personal {
  app?: string; keyField?: string; nameField?: string; emailField?: string; field?: string; filterCond?: string;
  linksUntil?: string; editUntil?: string; subject?: string; message?: string;
}

const LINE = ["SINGLE_LINE_TEXT", "NUMBER", "LINK"];
const pad = (n: number) => String(n).padStart(2, "0");
export const toLocal = (iso: string) => { const d = new Date(iso); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`; };
export const fromLocal = (v: string) => (v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, "Z") : "");

// Who a form (or view) is sent to. `own`: this app's fields the key may fill
// (a form's questions) or select by (a view's fields).
export function RecipientsSettings({ id, appId, value, onChange, own, form }: {
  id: string; appId: string; value: Personal; onChange: (p: Personal) => void; own: FieldProp[]; form: boolean;
}) {
  const [apps, setApps] = useState<AppEntry[]>([]);
  // ticked with no app chosen yet is { app: "" }: saving it is refused in words, not dropped
  const on = value.app !== undefined;
  useEffect(() => { if (on) loadApps().then((list) => setApps(list.filter((a) => a.appId !== appId))); }, [on]);
  const fields = useAppFields(value.app ?? "");
  const lines = Object.values(fields).filter((f) => LINE.includes(f.type));
  const set = (patch: Partial<Personal>) => onChange({ ...value, ...patch });
  const pick = (key: keyof Personal, label: string, list: FieldProp[], optional = false) => (
    <span class="inline-num">
      <label for={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} value={value[key] ?? ""} onChange={(e) => set({ [key]: (e.target as HTMLSelectElement).value })}>
        <option value="">{optional ? t("recipientsNone") : "-----"}</option>
        {list.map((f) => <option value={f.code}>{f.label}</option>)}
      </select>
    </span>
  );
  const filter = fromQuery(value.filterCond ?? "");
  return (
    <fieldset class="recipients">
      <legend>{t("recipients")}</legend>
      <label class="check">
        <input type="checkbox" checked={on} onChange={(e) => onChange((e.target as HTMLInputElement).checked ? { app: "" } : {})} /> {form ? t("recipientsOnForm") : t("recipientsOnView")}
      </label>
      {on && (
        <>
          <p class="hint">{form ? t("recipientsHintForm") : t("recipientsHintView")}</p>
          <span class="inline-num">
            <label for={`${id}-app`}>{t("recipientsApp")}</label>
            <select id={`${id}-app`} value={value.app ?? ""} onChange={(e) => set({ app: (e.target as HTMLSelectElement).value, keyField: "", nameField: "", emailField: "", filterCond: "" })}>
              <option value="">-----</option>
              {apps.map((a) => <option value={a.appId}>{a.name}</option>)}
            </select>
          </span>
          {value.app && (
            <>
              <fieldset>
                <legend>{t("recipientsFrom")}</legend>
                <div class="pair">
                  {pick("keyField", t("recipientsKey"), lines)}
                  {pick("nameField", t("recipientsName"), lines, true)}
                  {pick("emailField", t("recipientsEmail"), lines, true)}
                </div>
              </fieldset>
              <fieldset>
                <legend>{t("recipientsWhich")}</legend>
                {filter
                  ? <FilterBuilder idPrefix={`${id}-f`} fields={fields} value={filter} onChange={(f) => set({ filterCond: toQuery(f) })} />
                  : <textarea aria-label={t("recipientsWhich")} value={value.filterCond} onInput={(e) => set({ filterCond: (e.target as HTMLTextAreaElement).value })} />}
              </fieldset>
              {pick("field", form ? t("recipientsField") : t("recipientsViewField"), own)}
              <div class="pair">
                <label class="inline-num">{t("recipientsUntil")}
                  <input type="datetime-local" value={value.linksUntil ? toLocal(value.linksUntil) : ""} onInput={(e) => set({ linksUntil: fromLocal((e.target as HTMLInputElement).value) })} />
                </label>
                {form && (
                  <label class="inline-num">{t("recipientsEditUntil")}
                    <input type="datetime-local" value={value.editUntil ? toLocal(value.editUntil) : ""} onInput={(e) => set({ editUntil: fromLocal((e.target as HTMLInputElement).value) })} />
                  </label>
                )}
              </div>
              <label for={`${id}-subject`}>{t("recipientsSubject")}</label>
              <input id={`${id}-subject`} value={value.subject ?? ""} onInput={(e) => set({ subject: (e.target as HTMLInputElement).value })} />
              <label for={`${id}-message`}>{t("recipientsMessage")}</label>
              <textarea id={`${id}-message`} value={value.message ?? ""} onInput={(e) => set({ message: (e.target as HTMLTextAreaElement).value })} />
            </>
          )}
        </>
      )}
    </fieldset>
  );
}


interface Link { recipient: string; name: string; email: string; url: string; sent: string; reminded: string; revoked: string; answers: number; lastAnswer: string }

// The deployed form's or view's recipients: each one's link and whether they
// answered; send the links, remind who has not answered, revoke one.
export function LinksPanel({ app, kind, id }: { app: string; kind: "form" | "view"; id: string }) {
  const [data, setData] = useState<{ links: Link[]; active: number; answered: number } | null>(null);
  const copy = async (l: Link) => {
    await navigator.clipboard.writeText(location.origin + l.url).then(() => notify(t("recipientsCopied", { name: l.name || l.recipient })), () => notify(location.origin + l.url));
  };
  const [error, setError] = useState<unknown>(null);
  const [onlyWaiting, setOnlyWaiting] = useState(false);
  const load = () => call<typeof data>("GET", "/api/public/links", { app, kind, id }).then((d) => { setData(d); setError(null); }).catch(setError);
  useEffect(() => void load(), [app, kind, id]);
  const act = async (path: string, body: Record<string, unknown>, said: (r: any) => string) => {
    try {
      const r = await withProgress(call("POST", path, { app, kind, id, ...body }));
      notify(said(r));
      await load();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  const when = (s: string) => (s ? new Date(s).toLocaleString() : "—");
  const shown = (data?.links ?? []).filter((l) => !onlyWaiting || (!l.answers && !l.revoked));
  return (
    <section class="links-panel" aria-label={t("recipientsLinks")}>
      <h3>{t("recipientsLinks")}</h3>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {data && kind === "form" && <p role="status">{t("recipientsCount", { answered: data.answered, all: data.active })}</p>}
      {data && kind === "view" && <p role="status">{t("recipientsLinkCount", { all: data.active })}</p>}
      <div class="actions">
        <button type="button" class="primary" onClick={() => act("/api/public/links", { send: true }, (r) => t("recipientsSent", { n: r.mailed, none: r.notMailed }))}>{t("recipientsSend")}</button>
        <button type="button" onClick={() => act("/api/public/links", { send: false }, (r) => t("recipientsMade", { n: r.recipients }))}>{t("recipientsMake")}</button>
        {kind === "form" && <button type="button" onClick={() => act("/api/public/links/remind", {}, (r) => t("recipientsReminded", { n: r.reminded }))}>{t("recipientsRemind")}</button>}
        {kind === "form" && <label class="check"><input type="checkbox" checked={onlyWaiting} onChange={(e) => setOnlyWaiting((e.target as HTMLInputElement).checked)} /> {t("recipientsWaiting")}</label>}
      </div>
      {data && (
        <div class="table-wrap">
          <table class="grid">
            <thead><tr>
              <th scope="col">{t("recipientsKey")}</th><th scope="col">{t("recipientsName")}</th><th scope="col">{t("recipientsEmail")}</th>
              {kind === "form" && <th scope="col">{t("recipientsAnswered")}</th>}
              <th scope="col">{t("recipientsMailed")}</th><th scope="col">{t("recipientsLink")}</th><th scope="col"><span class="visually-hidden">{t("recipientsRevoke")}</span></th>
            </tr></thead>
            <tbody>
              {shown.map((l) => (
                <tr class={l.revoked ? "revoked" : ""}>
                  <td>{l.recipient}</td><td>{l.name}</td><td>{l.email || "—"}</td>
                  {kind === "form" && <td>{l.answers ? t("recipientsAnswers", { n: l.answers, at: when(l.lastAnswer) }) : <strong>{t("recipientsNotYet")}</strong>}</td>}
                  <td>{l.reminded ? t("recipientsRemindedAt", { at: when(l.reminded) }) : l.sent ? when(l.sent) : t("recipientsNotMailed")}</td>
                  <td>{l.revoked ? t("recipientsRevoked") : (
                    <span class="pair">
                      <a href={location.origin + l.url} target="_blank" rel="noopener" aria-label={`${t("recipientsOpen")}: ${l.name || l.recipient}`}>{t("recipientsOpen")}</a>
                      <button type="button" aria-label={`${t("recipientsCopy")}: ${l.name || l.recipient}`} onClick={() => copy(l)}>{t("recipientsCopy")}</button>
                    </span>
                  )}</td>
                  <td>{!l.revoked && <button type="button" aria-label={`${t("recipientsRevoke")}: ${l.name || l.recipient}`}
                    onClick={() => confirm(t("recipientsRevokeAsk", { name: l.name || l.recipient })) && act("/api/public/links/revoke", { recipients: [l.recipient] }, () => t("recipientsRevoked"))}>{t("recipientsRevoke")}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// The addresses a public form or view answers from, one a line; none: anywhere.
export function AllowList({ id, value, onChange }: { id: string; value: string[]; onChange: (v: string[]) => void }) {
  const [text, setText] = useState(value.join("\n"));
  return (
    <>
      <label for={id}>{t("publicAllow")}</label>
      <textarea id={id} rows={3} value={text} aria-describedby={`${id}-hint`}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onBlur={() => onChange(text.split(/[\s,]+/).filter(Boolean))} />
      <span id={`${id}-hint`} class="hint">{t("publicAllowHint")}</span>
    </>
  );
}
