// pages/Notifications.tsx - the notification centre: a bell in the header with
// the unread count, kept live by a long poll (the server answers as soon as a
// notice comes, or after 25 seconds; paused while the page is hidden), and a
// panel of the newest notices and the circulars waiting for the user.
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import { t, type Key } from "../i18n";
import { go } from "../router";
import { explain, notify } from "../ui/feedback";

interface Note {
  id: number; at: number; kind: string; app: { id: number; name: string } | null; record: number;
  actor: { code: string; name: string } | null; title: string; body: string; read: boolean;
}
interface Pending { id: number; at: number; app: { id: number; name: string }; record: number; sender: { name: string }; message: string }

const WAIT_S = 25;
const RETRY_MS = 15000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const when = (epoch: number) => new Date(epoch * 1000).toLocaleString();

export const NOTICE_EVENT = "tsumiki:notice";

// Ask the bell to look again now (after the user did something that may have
// told them something, such as confirming a circular).
let refreshBell = () => {};
export const bellRefresh = () => refreshBell();
// Has the person unread notices at all (a read, so that a page need not write to find out)?
export const hasUnread = () => call<{ unread: number }>("GET", "/api/notifications/unread").then((r) => r.unread > 0, () => false);

export function NotificationBell() {
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const newest = useRef(0);
  const check = () =>
    call<{ unread: number; newest: number }>("GET", "/api/notifications/unread")
      .then((r) => { setUnread(r.unread); newest.current = r.newest; })
      .catch(() => {});
  useEffect(() => {
    let alive = true;
    const stop = new AbortController(); // signing out ends the poll at once
    refreshBell = check;
    const visible = () => new Promise<void>((resolve) => {
      if (document.visibilityState === "visible") return resolve();
      const on = () => { document.removeEventListener("visibilitychange", on); resolve(); };
      document.addEventListener("visibilitychange", on);
    });
    (async () => {
      while (alive) {
        await visible();
        try {
          const r = await call<{ unread: number; newest: number }>("GET", "/api/notifications/unread", { after: newest.current, wait: WAIT_S }, stop.signal);
          if (!alive) break;
          setUnread(r.unread);
          // pages showing what a notice is about read it again (RecordPage)
          if (r.newest > newest.current) dispatchEvent(new Event(NOTICE_EVENT));
          newest.current = r.newest;
        } catch {
          if (alive) await sleep(RETRY_MS); // offline: look again later
        }
      }
    })();
    return () => { alive = false; stop.abort(); };
  }, []);
  // the name says the number the badge shows (WCAG 2.5.3)
  const shown = unread > 99 ? "99+" : String(unread);
  const label = unread ? `${t("notifications")} (${t("unreadCount", { n: shown })})` : t("notifications");
  return (
    <span class="bell-wrap">
      {/* named by its own text, the number the badge shows included (WCAG 2.5.3) */}
      <button type="button" class="bell" aria-expanded={open} title={label} onClick={() => setOpen(!open)}>
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" /><path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        <span class="visually-hidden">{t("notifications")}</span>
        {unread > 0 && <><span class="visually-hidden"> ({t("unreadBefore")}</span><span class="badge">{shown}</span><span class="visually-hidden">{t("unreadAfter")})</span></>}
      </button>
      {open && <NotificationPanel onClose={() => setOpen(false)} onUnread={setUnread} />}
    </span>
  );
}

function NotificationPanel({ onClose, onUnread }: { onClose: () => void; onUnread: (n: number) => void }) {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [pending, setPending] = useState<Pending[]>([]);
  const [more, setMore] = useState(false);
  const PAGE = 20;
  const load = (before = 0) =>
    call<{ notifications: Note[]; unread: number }>("GET", "/api/notifications", { limit: PAGE, ...(before ? { before } : {}) })
      .then((r) => { setNotes((old) => (before && old ? [...old, ...r.notifications] : r.notifications)); setMore(r.notifications.length === PAGE); onUnread(r.unread); })
      .catch((e) => notify(explain(e), "error"));
  useEffect(() => {
    load();
    call<{ circulars: Pending[] }>("GET", "/api/circulars/pending").then((r) => setPending(r.circulars)).catch(() => {});
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  const markRead = async (ids: number[] | "all") => {
    const r = await call<{ unread: number }>("POST", "/api/notifications/read", ids === "all" ? { all: true } : { ids });
    onUnread(r.unread);
    setNotes((old) => old && old.map((n) => (ids === "all" || ids.includes(n.id) ? { ...n, read: true } : n)));
  };
  const open = (n: Note) => {
    if (!n.read) markRead([n.id]).catch(() => {});
    if (n.app && n.record) {
      go(`#/apps/${n.app.id}/records/${n.record}`);
      onClose();
    }
  };
  return (
    <section class="note-panel" role="dialog" aria-label={t("notifications")}>
      <div class="note-head">
        <h2>{t("notifications")}</h2>
        <button type="button" class="link" onClick={() => markRead("all")}>{t("markAllRead")}</button>
        <button type="button" class="dialog-close" aria-label={t("close")} onClick={onClose}>×</button>
      </div>
      {pending.length > 0 && (
        <div class="pending">
          <h3>{t("pendingCirculars")} ({pending.length})</h3>
          <ul>
            {pending.map((c) => (
              <li><a href={`#/apps/${c.app.id}/records/${c.record}`} onClick={onClose}>{c.app.name} #{c.record}</a> — {c.sender.name}: {c.message}</li>
            ))}
          </ul>
        </div>
      )}
      {notes === null ? <p>{t("loading")}</p> : notes.length === 0 ? <p>{t("noNotifications")}</p> : (
        <ul class="notes">
          {notes.map((n) => (
            <li class={n.read ? "read" : "unread"}>
              <button type="button" class="note" onClick={() => open(n)}>
                <span class="what">{t(("note_" + n.kind) as Key, { actor: n.actor?.name ?? "" })}</span>
                <span class="title">{n.app ? `${n.app.name}: ` : ""}{n.title}</span>
                {n.body && <span class="body">{n.body}</span>}
                <time dateTime={new Date(n.at * 1000).toISOString()}>{when(n.at)}</time>
                {!n.read && <span class="visually-hidden">({t("unreadCount", { n: 1 })})</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {more && notes && <button type="button" onClick={() => load(notes[notes.length - 1].id)}>{t("moreNotifications")}</button>}
    </section>
  );
}
