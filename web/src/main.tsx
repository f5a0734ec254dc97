// main.tsx - the shell: who is logged in, the header, and the page for the URL.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, setMe, setOnUnauthorized, setRequestToken, type Session } from "./api";
import { setLang, t, useLang, type Lang } from "./i18n";
import { useRoute } from "./router";
import { ConfirmHost, ErrorBox, Notices, ProgressBar, notify } from "./ui/feedback";
import { Login } from "./pages/Login";
import { Portal } from "./pages/Portal";
import { Builder } from "./pages/Builder";
import { RecordList } from "./pages/RecordList";
import { RecordPage } from "./pages/RecordPage";
import { ReportPage } from "./pages/ReportPage";
import { Import } from "./pages/Import";
import { NewFromCsv } from "./pages/NewFromCsv";
import { Admin } from "./pages/Admin";
import { NotificationBell } from "./pages/Notifications";
import "./style.css";

function App() {
  const lang = useLang();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const route = useRoute(() => confirm(t("unsavedRecord")));

  const load = () =>
    call<Session | { user: null }>("GET", "/api/session") // signed out: {user: null}, not an error
      .then((s) => {
        if (!s.user) return setSession(null);
        setRequestToken(s.requestToken); setMe(s.user); setSession(s); setError(null);
      })
      .catch((e) => (e instanceof ApiError && e.status === 401 ? setSession(null) : setError(e)));
  useEffect(() => {
    setOnUnauthorized(() => {
      notify(t("sessionExpired"), "error");
      setSession(null);
    });
    load();
  }, []);

  if (error) return <main><ErrorBox error={error} onRetry={load} /></main>;
  if (session === undefined) return <main aria-busy="true"><p>{t("loading")}</p></main>;
  if (session === null) return <><Login onLogin={load} /><Notices /></>;

  const logout = async () => {
    await call("POST", "/api/logout").catch(() => {});
    setSession(null);
  };
  let page;
  switch (route.page) {
    case "portal": page = <Portal />; break;
    case "builder": page = <Builder appId={route.app} key={route.app} />; break;
    case "list": page = <RecordList appId={route.app} viewId={route.view} params={route.params} key={route.app} />; break;
    case "record": page = <RecordPage appId={route.app} recordId={route.id} key={route.app + "/" + route.id} />; break;
    case "report": page = <ReportPage appId={route.app} reportId={route.id} key={route.app + "/r/" + route.id} />; break;
    case "newFromCsv": page = <NewFromCsv />; break;
    case "admin": page = session.user.administrator ? <Admin /> : <div class="page"><p>{t("adminOnly")}</p></div>; break;
    case "import": page = <Import appId={route.app} key={"import" + route.app} />; break;
    case "new": page = <RecordPage appId={route.app} copyFrom={route.from} preset={route.preset} key={"new" + route.app + (route.from ?? "") + JSON.stringify(route.preset)} />; break;
    default: page = <div class="page"><p>{t("notFound")}</p><a href="#/">{t("backToPortal")}</a></div>;
  }
  return (
    <>
      {/* the hash is the router's: the link moves the focus instead of the hash */}
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>{lang === "ja" ? "本文へ移動" : "Skip to content"}</a>
      <header class="top">
        <a class="brand" href="#/">{t("appTitle")}</a>
        <nav aria-label={t("portal")}>
          <a href="#/">{t("portal")}</a>
          {session.user.administrator && <a href="#/admin">{t("adminLink")}</a>}
        </nav>
        <span class="spacer" />
        <label class="lang">
          <span class="visually-hidden">{t("language")}</span>
          <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)} aria-label={t("language")}>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </label>
        <NotificationBell />
        <span class="user" title={session.user.code}>{session.user.name}</span>
        <button type="button" class="link" onClick={logout}>{t("logout")}</button>
      </header>
      <ProgressBar />
      <main id="main" tabIndex={-1}>{page}</main>
      <Notices />
      <ConfirmHost />
    </>
  );
}

// The document's title names the page (WCAG 2.4.2): the page's heading, kept
// in step as pages load and change it.
function titleFromHeading() {
  const update = () => {
    const h1 = document.querySelector("main h1");
    const text = h1?.textContent?.replace(/\s+/g, " ").trim();
    const title = text ? `${text} | ${t("appTitle")}` : t("appTitle");
    if (document.title !== title) document.title = title;
  };
  new MutationObserver(update).observe(document.getElementById("root")!, { subtree: true, childList: true, characterData: true });
  update();
}

render(<App />, document.getElementById("root")!);
titleFromHeading();
