// pages/Login.tsx - the login form.
import { useState } from "preact/hooks";
import { ApiError, call } from "../api";
import { setLang, t, useLang, type Lang } from "../i18n";
import { explain } from "../ui/feedback";

export function Login({ onLogin }: { onLogin: () => void }) {
  const lang = useLang();
  const [username, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await call("POST", "/api/login", { username, password });
      onLogin();
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t("loginFailed") : explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <form onSubmit={submit} aria-describedby={error ? "login-error" : undefined}>
        <h1>{t("appTitle")}</h1>
        <label for="username">{t("loginName")}</label>
        <input id="username" name="username" autocomplete="username" required value={username} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
        <label for="password">{t("password")}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        {error && <p id="login-error" class="field-error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? t("loggingIn") : t("login")}</button>
        <label class="lang">
          {t("language")}{" "}
          <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </label>
      </form>
    </main>
  );
}
