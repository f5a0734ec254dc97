// pages/Portal.tsx - what greets a person after signing in: the
// administrators' notice board (お知らせ), the dashboard (pinned graphs and
// views), 未処理 (the records waiting on them across every app), the newest
// notices, and the apps they may open, grouped by category and found by name.
// One request (GET /api/portal) for all but the notices and the dashboard.
import DOMPurify from "dompurify";
import { useEffect, useState } from "preact/hooks";
import { call, k, me } from "../api";
import { isTemplate, makeFromTemplate, ownFields, readTemplate, type AppTemplate } from "../appTemplate";
import { FieldInput } from "../fields/inputs";
import { go } from "../router";
import { t } from "../i18n";
import { AppIcon, type AppIconSetting } from "../ui/AppIcon";
import { Dialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { when } from "./Notifications";
import { Dashboard } from "./Dashboard";

interface PortalApp { appId: string; name: string; description: string; icon: AppIconSetting | null; category: string }
interface Waiting { app: string; name: string; total: string; query: string; records: { id: string; title: string | null; status: string }[] }
interface Notice { html: string; updatedAt: string; updatedBy: { code: string; name: string } }
interface PortalData { notice: Notice | null; apps: PortalApp[]; waiting: Waiting[] }
interface Note { id: number; at: number; app: { id: number; name: string } | null; record: number; title: string; read: boolean }

export function Portal() {
  const [data, setData] = useState<PortalData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState(false);
  const load = () => withProgress(call<PortalData>("GET", "/api/portal")).then((r) => { setData(r); setError(null); }).catch(setError);
  useEffect(() => void load(), []);

  const needle = q.trim().toLowerCase();
  const apps = (data?.apps ?? []).filter((a) => !needle || a.name.toLowerCase().includes(needle));
  const groups = new Map<string, PortalApp[]>();
  for (const a of [...apps].sort((x, y) => (x.category || "\uffff").localeCompare(y.category || "\uffff") || x.name.localeCompare(y.name)))
    groups.set(a.category, [...(groups.get(a.category) ?? []), a]);

  return (
    <div class="page portal">
      <div class="page-head">
        <h1>{t("portal")}</h1>
      </div>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {data === null && !error && <p aria-busy="true">{t("loading")}</p>}
      {data && (
        <div class="portal-grid">
          <div class="portal-main">
            {(data.notice || me?.administrator) && (
              <section class="portal-box notice-board" aria-labelledby="notice-head">
                <div class="box-head">
                  <h2 id="notice-head">{t("noticeBoard")}</h2>
                  {me?.administrator && <button type="button" onClick={() => setEditing(true)}>{t("edit")}</button>}
                </div>
                {data.notice?.html
                  ? <div class="rich-view" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(data.notice.html) }} />
                  : <p class="empty">{t("noticeEmpty")}</p>}
                {data.notice && <p class="muted small">{t("noticeUpdated", { name: data.notice.updatedBy.name, at: new Date(data.notice.updatedAt).toLocaleString() })}</p>}
              </section>
            )}
            <Dashboard />
            <section class="portal-box" aria-labelledby="apps-head">
              <div class="box-head">
                <h2 id="apps-head">{t("apps")}</h2>
                <input type="search" class="search" placeholder={t("searchApps")} aria-label={t("searchApps")} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
                <a class="button" href="#/new-from-csv">{t("appFromCsv")}</a>
                <button type="button" class="primary" onClick={() => setCreating(true)}>＋ {t("createApp")}</button>
              </div>
              {apps.length === 0 && <p class="empty">{q ? t("noAppsMatch") : t("noApps")}</p>}
              {[...groups].map(([category, list]) => (
                <div class="app-group">
                  {groups.size > 1 || category ? <h3>{category || t("uncategorised")}</h3> : null}
                  <ul class="app-grid">
                    {list.map((a) => (
                      <li>
                        <a class="app-card" href={`#/apps/${a.appId}`}>
                          <AppIcon icon={a.icon} />
                          <span class="app-name">{a.name}</span>
                          {a.description && <span class="app-desc">{a.description.replace(/<[^>]*>/g, "")}</span>}
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </section>
          </div>
          <div class="portal-side">
            <WaitingBox waiting={data.waiting} />
            <LatestNotes />
          </div>
        </div>
      )}
      {creating && data && <CreateApp apps={data.apps} onClose={() => setCreating(false)} />}
      {editing && data && <NoticeEditor html={data.notice?.html ?? ""} onClose={() => setEditing(false)} onSaved={(notice) => setData({ ...data, notice })} />}
    </div>
  );
}

function WaitingBox({ waiting }: { waiting: Waiting[] }) {
  const total = waiting.reduce((n, w) => n + Number(w.total), 0);
  return (
    <section class="portal-box waiting" aria-labelledby="waiting-head">
      <h2 id="waiting-head">{t("waitingOnYou")} <span class="count">{t("recordCount", { n: total })}</span></h2>
      {waiting.length === 0 && <p class="empty">{t("nothingWaiting")}</p>}
      {waiting.map((w) => (
        <div class="waiting-app">
          <h3><a href={`#/apps/${w.app}?q=${encodeURIComponent(w.query)}`}>{w.name}</a> <span class="count">{t("recordCount", { n: Number(w.total) })}</span></h3>
          <ul>
            {w.records.map((r) => (
              <li><a href={`#/apps/${w.app}/records/${r.id}`}>{r.title ?? `#${r.id}`}</a> <span class="status-badge">{r.status}</span></li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function LatestNotes() {
  const [notes, setNotes] = useState<Note[] | null>(null);
  useEffect(() => void call<{ notifications: Note[] }>("GET", "/api/notifications", { limit: 5 }).then((r) => setNotes(r.notifications)).catch(() => setNotes([])), []);
  return (
    <section class="portal-box" aria-labelledby="latest-head">
      <h2 id="latest-head">{t("latestNotices")}</h2>
      {notes === null ? <p>{t("loading")}</p> : notes.length === 0 ? <p class="empty">{t("noNotifications")}</p> : (
        <ul class="latest-notes">
          {notes.map((n) => (
            <li class={n.read ? "read" : "unread"}>
              {n.app && n.record ? <a href={`#/apps/${n.app.id}/records/${n.record}`}>{n.app.name}: {n.title}</a> : <span>{n.title}</span>}
              {" "}<time class="muted small" dateTime={new Date(n.at * 1000).toISOString()}>{when(n.at)}</time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NoticeEditor({ html, onClose, onSaved }: { html: string; onClose: () => void; onSaved: (n: Notice) => void }) {
  const [value, setValue] = useState(html);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await withProgress(call<{ notice: Notice }>("PUT", "/api/portal/notice", { html: value }));
      notify(t("saved"));
      onSaved(r.notice);
      onClose();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("noticeBoard")} onClose={onClose}>
      <form onSubmit={save}>
        <FieldInput field={{ type: "RICH_TEXT", code: "notice", label: t("noticeBoard") }} id="notice-text" value={value} onChange={setValue} invalid={false} />
        {error && <p class="field-error" role="alert">{error}</p>}
        <div class="actions">
          <button type="button" onClick={onClose}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}

// A new app: from nothing, as a copy of another app's design (and, if
// wanted, its records), or from a template file another installation made.
function CreateApp({ apps, onClose }: { apps: PortalApp[]; onClose: () => void }) {
  const [how, setHow] = useState<"blank" | "reuse" | "file">("blank");
  const [name, setName] = useState(t("newAppName"));
  const [source, setSource] = useState(apps[0]?.appId ?? "");
  const [records, setRecords] = useState(false);
  const [tpl, setTpl] = useState<AppTemplate | null>(null);
  const [busy, setBusy] = useState("");
  const [error, setError] = useState("");
  const copyName = (id: string) => t("copyName", { name: apps.find((a) => a.appId === id)?.name ?? "" });
  const pickFile = async (e: Event) => {
    setError("");
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text());
      if (!isTemplate(parsed)) throw new Error(t("notATemplate"));
      setTpl(parsed);
      if (typeof parsed.settings.name === "string") setName(parsed.settings.name);
    } catch (err) {
      setTpl(null);
      setError(err instanceof SyntaxError ? t("notATemplate") : explain(err));
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      if (how === "blank") {
        setBusy(t("creating"));
        const { app } = await withProgress(call<{ app: string }>("POST", k("/preview/app.json"), { name }));
        notify(t("saved"));
        go(`#/apps/${app}/settings`);
        return;
      }
      let template = tpl;
      if (how === "reuse") {
        setBusy(t("readingApp"));
        template = await withProgress(readTemplate(source, records, (n, total) => setBusy(t("readingRecords", { n, total }))));
      }
      if (!template) { setError(t("chooseTemplate")); return; }
      setBusy(t("creating"));
      const made = await withProgress(makeFromTemplate(template, name, (n, total) => setBusy(t("addingRecords", { n, total, pct: Math.round((100 * n) / Math.max(total, 1)) }))));
      if (made.problem) { setError(made.problem); setBusy(""); return; }
      notify(t("appMadeFrom"));
      go(`#/apps/${made.app}`);
    } catch (err) {
      setError(explain(err));
      setBusy("");
    }
  };
  return (
    <Dialog title={t("createApp")} onClose={onClose}>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t("createHow")}</legend>
          {(["blank", "reuse", "file"] as const).map((x) => (
            <label class="check"><input type="radio" name="create-how" checked={how === x} onChange={() => { setHow(x); if (x === "reuse") setName(copyName(source)); }} /> {t(({ blank: "createBlank", reuse: "createReuse", file: "createFromFile" } as const)[x])}</label>
          ))}
        </fieldset>
        {how === "reuse" && (
          <>
            <label for="reuse-source">{t("reuseSource")}</label>
            <select id="reuse-source" value={source} onChange={(e) => { const v = (e.target as HTMLSelectElement).value; setSource(v); setName(copyName(v)); }}>
              {apps.map((a) => <option value={a.appId}>{a.name}</option>)}
            </select>
            <label class="check"><input type="checkbox" checked={records} onChange={(e) => setRecords((e.target as HTMLInputElement).checked)} /> {t("copyRecords")}</label>
            <p class="hint">{t("reuseHint")}</p>
          </>
        )}
        {how === "file" && (
          <>
            <label for="template-file">{t("templateFile")}</label>
            <input id="template-file" type="file" accept=".json,application/json" onChange={pickFile} />
            {tpl && <p class="hint">{t("templateSummary", { fields: ownFields(tpl), records: tpl.records?.length ?? 0 })}</p>}
          </>
        )}
        <label for="new-app-name">{t("appName")}</label>
        <input id="new-app-name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        {busy && <p role="status" class="busy">{busy}</p>}
        {error && <p class="field-error" role="alert">{error}</p>}
        <div class="actions">
          <button type="button" onClick={onClose}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={!!busy}>{t("createApp")}</button>
        </div>
      </form>
    </Dialog>
  );
}
