// ui/feedback.tsx - how the UI tells people what is happening: a progress bar
// for work under way, short notices, a confirmation dialog, and errors in words.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { ApiError } from "../api";
import { t } from "../i18n";

// --- notices (toasts), announced to screen readers
type Notice = { id: number; text: string; kind: "ok" | "error" };
let notices: Notice[] = [];
const noticeListeners = new Set<(n: Notice[]) => void>();
let nextId = 1;
export function notify(text: string, kind: "ok" | "error" = "ok") {
  const n = { id: nextId++, text, kind };
  // the last three at most, and the same words once (saving twice says "saved" once)
  notices = [...notices.filter((x) => x.text !== text).slice(-2), n];
  noticeListeners.forEach((f) => f(notices));
  setTimeout(() => {
    notices = notices.filter((x) => x !== n);
    noticeListeners.forEach((f) => f(notices));
  }, kind === "error" ? 8000 : 3000);
}
export function Notices() {
  const [list, setList] = useState(notices);
  useEffect(() => {
    noticeListeners.add(setList);
    return () => void noticeListeners.delete(setList);
  }, []);
  return (
    <div class="notices" role="status" aria-live="polite">
      {list.map((n) => <div class={"notice " + n.kind}>{n.text}</div>)}
    </div>
  );
}

// --- work under way: a bar at the top of the page while any request runs long
let busy = 0;
const busyListeners = new Set<(b: number) => void>();
export async function withProgress<T>(p: Promise<T>): Promise<T> {
  busy++;
  busyListeners.forEach((f) => f(busy));
  try {
    return await p;
  } finally {
    busy--;
    busyListeners.forEach((f) => f(busy));
  }
}
export function ProgressBar() {
  const [b, setB] = useState(busy);
  useEffect(() => {
    busyListeners.add(setB);
    return () => void busyListeners.delete(setB);
  }, []);
  return b > 0 ? <div class="progress" role="progressbar" aria-label={t("loading")} /> : null;
}

// --- an error in words: what happened, and the error ID to quote
export function explain(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("networkError");
    if (e.status === 401) return t("sessionExpired");
    return e.message + (e.id && e.status >= 500 ? ` (${t("errorId")}: ${e.id})` : "");
  }
  return e instanceof Error ? e.message : String(e);
}
// The same, with every per-field message, for forms that have no place of
// their own to show them.
export function explainAll(e: unknown): string {
  const details = e instanceof ApiError && e.errors ? Object.values(e.errors).flatMap((x) => x.messages) : [];
  return [explain(e), ...details].join(" ");
}
// details: each per-field message listed under it (settings forms whose
// fields have no place of their own for them).
export function ErrorBox({ error, onRetry, details }: { error: unknown; onRetry?: () => void; details?: boolean }) {
  const each = details && error instanceof ApiError && error.errors ? [...new Set(Object.values(error.errors).flatMap((x) => x.messages))] : [];
  return (
    <div class="error-box" role="alert">
      <p>{explain(error)}</p>
      {each.length > 0 && <ul>{each.map((m) => <li>{m}</li>)}</ul>}
      {onRetry && <button type="button" onClick={onRetry}>{t("retry")}</button>}
    </div>
  );
}

// --- a modal dialog with its focus kept inside
export function Dialog({ title, children, onClose, wide }: { title: string; children: ComponentChildren; onClose: () => void; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const first = d.querySelector<HTMLElement>("input, select, textarea, button:not(.dialog-close)");
    first?.focus();
    if (first instanceof HTMLInputElement && first.dataset.select) first.select(); // a new name, ready to be typed over
  }, []);
  return (
    <dialog ref={ref} class={wide ? "wide" : ""} aria-label={title} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      {/* a div, not <header>: inside a dialog that would be a second banner landmark */}
      <div class="dialog-head"><h2>{title}</h2><button type="button" class="dialog-close" aria-label={t("close")} onClick={onClose}>×</button></div>
      {children}
    </dialog>
  );
}

// confirm(message) as a promise, rendered by <ConfirmHost/>
type Ask = { text: string; resolve: (ok: boolean) => void };
let askListener: ((a: Ask | null) => void) | null = null;
export const confirmDialog = (text: string) => new Promise<boolean>((resolve) => askListener?.({ text, resolve }));
export function ConfirmHost() {
  const [ask, setAsk] = useState<Ask | null>(null);
  useEffect(() => {
    askListener = setAsk;
    return () => void (askListener = null);
  }, []);
  if (!ask) return null;
  const done = (ok: boolean) => { ask.resolve(ok); setAsk(null); };
  return (
    <Dialog title={t("confirmTitle")} onClose={() => done(false)}>
      <p>{ask.text}</p>
      <div class="actions">
        <button type="button" onClick={() => done(false)}>{t("cancel")}</button>
        <button type="button" class="primary" onClick={() => done(true)}>{t("ok")}</button>
      </div>
    </Dialog>
  );
}
