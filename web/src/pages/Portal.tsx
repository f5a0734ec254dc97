// pages/Portal.tsx - the apps the user can see, a search by name, and a way to
// create a new app.
import { useEffect, useState } from "preact/hooks";
import { call, k, type AppInfo } from "../api";
import { go } from "../router";
import { t } from "../i18n";
import { Dialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";

export function Portal() {
  const [apps, setApps] = useState<AppInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);

  const load = (name: string) =>
    withProgress(call<{ apps: AppInfo[] }>("GET", k("/apps.json"), name ? { name, limit: 100 } : { limit: 100 }))
      .then((r) => { setApps(r.apps); setError(null); })
      .catch(setError);
  useEffect(() => {
    const timer = setTimeout(() => load(q), q ? 200 : 0);
    return () => clearTimeout(timer);
  }, [q]);

  return (
    <div class="page portal">
      <div class="page-head">
        <h1>{t("apps")}</h1>
        <input type="search" class="search" placeholder={t("searchApps")} aria-label={t("searchApps")} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <a class="button" href="#/new-from-csv">{t("appFromCsv")}</a>
        <button type="button" class="primary" onClick={() => setCreating(true)}>＋ {t("createApp")}</button>
      </div>
      {error ? <ErrorBox error={error} onRetry={() => load(q)} /> : null}
      {apps === null && !error && <p aria-busy="true">{t("loading")}</p>}
      {apps && apps.length === 0 && <p class="empty">{q ? t("noAppsMatch") : t("noApps")}</p>}
      {apps && apps.length > 0 && (
        <ul class="app-grid">
          {apps.map((a) => (
            <li>
              <a class="app-card" href={`#/apps/${a.appId}`}>
                <span class="app-icon" aria-hidden="true">{[...a.name][0] ?? "?"}</span>
                <span class="app-name">{a.name}</span>
                {a.description && <span class="app-desc">{a.description.replace(/<[^>]*>/g, "")}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
      {creating && <CreateApp onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateApp({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState(t("newAppName"));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { app } = await withProgress(call<{ app: string }>("POST", k("/preview/app.json"), { name }));
      notify(t("saved"));
      go(`#/apps/${app}/settings`);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("createApp")} onClose={onClose}>
      <form onSubmit={submit}>
        <label for="new-app-name">{t("appName")}</label>
        <input id="new-app-name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        {error && <p class="field-error" role="alert">{error}</p>}
        <div class="actions">
          <button type="button" onClick={onClose}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t("creating") : t("createApp")}</button>
        </div>
      </form>
    </Dialog>
  );
}
