// pages/PublicViewsEditor.tsx - the app's public views (publicViews.json, our
// extension): read-only pages for people outside (an FAQ), each showing the
// records its filter selects with the fields chosen, in its order. Once the
// app is updated, each view's address is shown to copy and send.
import { useEffect, useState } from "preact/hooks";
import { call, k, type FieldProp } from "../api";
import { fieldType } from "../fields/types";
import { t } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { FieldChecks } from "../ui/FieldChecks";
import { FilterBuilder, fromQuery, toQuery, type Filter } from "../ui/FilterBuilder";
import { AllowList, LinksPanel, RecipientsSettings, type Personal } from "./Recipients";

interface PublicView {
  id?: string; name: string; title: string; description: string; fields: string[]; filterCond: string; sort: string;
  pageSize: number; enabled: boolean; url?: string | null; personal: Personal;
  allow: string[]; hasPassword?: boolean; password?: string;
}

// What a public view may show (the server checks the same: app/public.c).
const NOT_SHOWN = ["FILE", "SUBTABLE", "REFERENCE_TABLE", "__ID__", "__REVISION__", "CATEGORY"];

export function PublicViewsEditor({ appId, fields }: { appId: string; fields: Record<string, FieldProp> }) {
  const [views, setViews] = useState<(PublicView & { filter: Filter | null })[] | null>(null);
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string[]>([]); // deployed views sent to recipients
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call<{ views: PublicView[] }>("GET", k("/preview/app/publicViews.json"), { app: appId })
      .then((r) => setViews(r.views.map((v) => ({ ...v, filter: fromQuery(v.filterCond) })))).catch(setError);
    call<{ views: PublicView[] }>("GET", k("/app/publicViews.json"), { app: appId })
      .then((r) => {
        setUrls(Object.fromEntries(r.views.filter((v) => v.id && v.url).map((v) => [v.id!, location.origin + v.url!])));
        setSent(r.views.filter((v) => v.personal?.app).map((v) => v.id!));
      }).catch(() => {});
  }, [appId]);
  if (!views) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const showable = Object.values(fields).filter((f) => !fieldType(f.type)?.layoutOnly && !NOT_SHOWN.includes(f.type) &&
    (!["STATUS", "STATUS_ASSIGNEE"].includes(f.type) || f.enabled)); // the status only while the process is on
  const set = (i: number, patch: Partial<PublicView & { filter: Filter | null }>) => setViews((vs) => vs!.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const save = async () => {
    try {
      // a password is sent only when typed, or "" to take it away; otherwise the old one stays
      const body = views.map(({ url: _, filter, hasPassword, password, ...v }) => ({
        ...v, filterCond: filter ? toQuery(filter) : v.filterCond,
        ...(password ? { password } : v.id && hasPassword === false && password === "" ? { password: "" } : {}),
      }));
      const r = await withProgress(call<{ views: { id: string }[] }>("PUT", k("/preview/app/publicViews.json"), { app: appId, views: body }));
      setViews(views.map((v, i) => ({ ...v, id: r.views[i].id, hasPassword: v.password ? true : v.hasPassword, password: undefined })));
      notify(t("saved"));
      setError(null);
    } catch (e) {
      setError(e);
      requestAnimationFrame(() => document.querySelectorAll(".public-forms-editor .error-box")[1]?.scrollIntoView({ block: "center" }));
    }
  };
  return (
    <div class="public-forms-editor">
      <h2>{t("publicViews")}</h2>
      <p class="hint">{t("publicViewsHint")}</p>
      {error ? <ErrorBox error={error} details /> : null}
      {views.map((v, i) => (
        <fieldset class="view-card">
          <legend>{v.name || t("publicView")}</legend>
          <label class="check"><input type="checkbox" checked={v.enabled} onChange={(e) => set(i, { enabled: (e.target as HTMLInputElement).checked })} /> {t("publicViewOpen")}</label>
          {v.id && urls[v.id] && !sent.includes(v.id) && <p class="public-url">{t("publicViewUrl")}: <a href={urls[v.id]} target="_blank" rel="noopener">{urls[v.id]}</a></p>}
          <label for={`pv-name-${i}`}>{t("publicFormName")}</label>
          <input id={`pv-name-${i}`} value={v.name} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          <label for={`pv-title-${i}`}>{t("publicViewTitle")}</label>
          <input id={`pv-title-${i}`} value={v.title} onInput={(e) => set(i, { title: (e.target as HTMLInputElement).value })} />
          <label for={`pv-desc-${i}`}>{t("publicViewDescription")}</label>
          <textarea id={`pv-desc-${i}`} value={v.description} onInput={(e) => set(i, { description: (e.target as HTMLTextAreaElement).value })} />
          <FieldChecks legend={t("publicViewFields")} fields={showable} value={v.fields} onChange={(codes) => set(i, { fields: codes })} />
          <fieldset>
            <legend>{t("publicViewFilter")}</legend>
            {v.filter
              ? <FilterBuilder idPrefix={`pvf-${i}`} fields={fields} value={v.filter} onChange={(f) => set(i, { filter: f })} />
              : <textarea aria-label={t("publicViewFilter")} value={v.filterCond} onInput={(e) => set(i, { filterCond: (e.target as HTMLTextAreaElement).value })} />}
          </fieldset>
          <label class="inline-num">{t("pageSize")}
            <input type="number" min={1} max={100} value={v.pageSize} onInput={(e) => set(i, { pageSize: Number((e.target as HTMLInputElement).value) || 20 })} />
          </label>
          <fieldset>
            <legend>{t("publicViewProtect")}</legend>
            <label for={`pv-pw-${i}`}>{v.hasPassword ? t("publicViewPasswordChange") : t("publicViewPassword")}</label>
            <input id={`pv-pw-${i}`} type="password" autoComplete="new-password" value={v.password ?? ""} aria-describedby={`pv-pw-hint-${i}`}
              onInput={(e) => set(i, { password: (e.target as HTMLInputElement).value })} />
            <span id={`pv-pw-hint-${i}`} class="hint">{v.hasPassword ? t("publicViewPasswordSet") : t("publicViewPasswordHint")}</span>
            {v.hasPassword && <button type="button" onClick={() => set(i, { password: "", hasPassword: false })}>{t("publicViewPasswordRemove")}</button>}
            <AllowList id={`pv-allow-${i}`} value={v.allow ?? []} onChange={(allow) => set(i, { allow })} />
          </fieldset>
          <RecipientsSettings id={`pv-to-${i}`} appId={appId} value={v.personal ?? {}} onChange={(p) => set(i, { personal: p })} form={false}
            own={Object.values(fields).filter((q) => ["SINGLE_LINE_TEXT", "NUMBER", "LINK"].includes(q.type))} />
          {v.id && sent.includes(v.id) && <LinksPanel app={appId} kind="view" id={v.id} />}
          <button type="button" onClick={() => setViews(views.filter((_, j) => j !== i))}>{t("remove")}</button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => setViews([...views, { name: `${t("publicView")} ${views.length + 1}`, title: "", description: "", fields: showable.filter((f) => !fieldType(f.type)?.system).slice(0, 3).map((f) => f.code), filterCond: "", filter: { join: "and", conds: [] }, sort: "", pageSize: 20, enabled: true, personal: {}, allow: [] }])}>＋ {t("addPublicView")}</button>
        <button type="button" class="primary" onClick={save}>{t("save")}</button>
      </div>
    </div>
  );
}
