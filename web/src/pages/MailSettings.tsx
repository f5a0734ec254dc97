// pages/MailSettings.tsx - the administrator's e-mail settings: the SMTP
// server notifications go through, the sender, where links point, a test
// message, and how the outbox is doing.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api";
import { t } from "../i18n";
import { ErrorBox, explainAll, notify, withProgress } from "../ui/feedback";

interface Mail {
  enabled: boolean; url: string; from: string; baseUrl: string; user: string; hasPassword: boolean;
  outbox: { waiting: number; sent: number; failed: number; lastError: string };
}

export function MailSettings() {
  const [m, setM] = useState<Mail | null>(null);
  const [password, setPassword] = useState("");
  const [testTo, setTestTo] = useState("");
  const [error, setError] = useState<unknown>(null);
  const load = () => call<Mail>("GET", "/api/system/mail").then(setM).catch(setError);
  useEffect(() => void load(), []);
  if (!m) return error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>;
  const set = (p: Partial<Mail>) => setM({ ...m, ...p });
  const save = async () => {
    try {
      const body = { enabled: m.enabled, url: m.url, from: m.from, baseUrl: m.baseUrl, user: m.user, ...(password ? { password } : {}) };
      setM(await withProgress(call<Mail>("PUT", "/api/system/mail", body)));
      setPassword("");
      setError(null);
      notify(t("saved"));
    } catch (e) {
      setError(e);
    }
  };
  const test = async () => {
    try {
      const r = await withProgress(call<{ to: string }>("POST", "/api/system/mail/test", testTo ? { to: testTo } : {}));
      notify(t("mailQueued", { to: r.to }));
      setTimeout(load, 3000);
    } catch (e) {
      setError(e);
    }
  };
  const input = (id: string, key: "url" | "from" | "baseUrl" | "user", label: string, type = "text") => (
    <p><label for={id}>{label}</label><input id={id} type={type} value={m[key]} onInput={(e) => set({ [key]: (e.target as HTMLInputElement).value })} /></p>
  );
  return (
    <section class="mail-settings">
      <p class="hint">{t("mailHint")}</p>
      <label class="check"><input type="checkbox" checked={m.enabled} onChange={(e) => set({ enabled: (e.target as HTMLInputElement).checked })} /> {t("mailEnabled")}</label>
      {input("mail-url", "url", t("smtpUrl"))}
      {input("mail-from", "from", t("mailFrom"), "email")}
      {input("mail-base", "baseUrl", t("baseUrl"))}
      {input("mail-user", "user", t("smtpUser"))}
      <p><label for="mail-pass">{t("smtpPassword")}</label><input id="mail-pass" type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></p>
      <div class="actions left"><button type="button" class="primary" onClick={save}>{t("save")}</button></div>
      {error ? <p class="field-error" role="alert">{explainAll(error)}</p> : null}
      <p><label for="mail-test">{t("mailTestTo")}</label><input id="mail-test" type="email" value={testTo} onInput={(e) => setTestTo((e.target as HTMLInputElement).value)} /></p>
      <div class="actions left"><button type="button" disabled={!m.enabled} onClick={test}>{t("mailTest")}</button></div>
      <p role="status">{t("outbox", { w: m.outbox.waiting, s: m.outbox.sent, f: m.outbox.failed })}</p>
      {m.outbox.lastError && <p class="hint">{t("lastError")}: {m.outbox.lastError}</p>}
    </section>
  );
}
