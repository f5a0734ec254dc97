// pages/History.tsx - who changed which field from what to what, and a way
// back to any earlier version; circulars sent and confirmed stand in it too.
import { useEffect, useState } from "preact/hooks";
import { call, k } from "../api";
import { display } from "../fields/types";
import { t } from "../i18n";
import { confirmDialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";

interface Entry {
  revision: string; action: string; at: string; user: { code: string; name: string };
  changes: { code: string; label: string; type: string; old: any; new: any }[];
}
interface Circular {
  at: number; sender: { code: string; name: string }; message: string; total: number;
  people: { user: { code: string; name: string }; confirmed: number; comment: string }[];
}

// A circular's sending and each confirmation, as history entries (no revision).
function circularEntries(list: Circular[]): Entry[] {
  const iso = (epoch: number) => new Date(epoch * 1000).toISOString();
  const text = (s: string) => [{ code: "", label: "", type: "MULTI_LINE_TEXT", old: null, new: s }];
  return list.flatMap((c) => [
    { revision: "", action: "CIRCULAR", at: iso(c.at), user: c.sender, changes: text(`${t("circularTo")}: ${c.total} — ${c.message}`) },
    ...c.people.filter((p) => p.confirmed).map((p) => ({ revision: "", action: "CONFIRMED", at: iso(p.confirmed), user: p.user, changes: text(p.comment) })),
  ]);
}

// One change in words; a value set where there was none (a first assignee)
// or cleared is said so, without empty quotes.
function change(c: Entry["changes"][number]): string {
  const from = display(c.type, c.old), to = display(c.type, c.new);
  if (!from) return t("changedSet", { field: c.label, to });
  if (!to) return t("changedCleared", { field: c.label, from });
  return t("changedFrom", { field: c.label, from, to });
}

export function History({ appId, recordId, onRestored }: { appId: string; recordId: string; onRestored: () => void }) {
  const [list, setList] = useState<Entry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([
      call<{ history: Entry[] }>("GET", k("/record/history.json"), { app: appId, id: recordId }),
      call<{ circulars: Circular[] }>("GET", "/api/circulars", { app: appId, record: recordId }).catch(() => ({ circulars: [] })),
    ]).then(([h, c]) => setList([...h.history, ...circularEntries(c.circulars)].sort((a, b) => b.at.localeCompare(a.at))))
      .catch(setError);
  }, [appId, recordId]);
  const restore = async (rev: string) => {
    if (!(await confirmDialog(t("restoreConfirm")))) return;
    try {
      await withProgress(call("POST", k("/record/history/restore.json"), { app: appId, id: recordId, revision: rev }));
      notify(t("restored"));
      onRestored();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  return (
    <section class="history" aria-labelledby="history-h">
      <h2 id="history-h">{t("history")}</h2>
      {error ? <ErrorBox error={error} /> : null}
      <ol class="history-list">
        {(list ?? []).map((h) => (
          <li>
            <div class="meta">
              <strong>{h.user.name}</strong> <time dateTime={h.at}>{new Date(h.at).toLocaleString()}</time>{" "}
              <span class="badge">{t(({ ADD: "created", EDIT: "updated", RESTORE: "restored", STATUS: "statusChanged", ASSIGNEE: "assigneesChanged", LOOKUP: "lookupRefreshed", CIRCULAR: "circulated", CONFIRMED: "circularConfirmedBadge" } as const)[h.action as "ADD"] ?? "updated")}</span>
            </div>
            {(h.action === "CIRCULAR" || h.action === "CONFIRMED") ? (h.changes[0].new ? <p class="said">{h.changes[0].new}</p> : null) : h.action !== "ADD" && (
              <ul>
                {h.changes.map((c) => <li>{change(c)}</li>)}
              </ul>
            )}
            {h.revision && h.revision !== list?.find((x) => x.revision)?.revision && !["DELETE", "STATUS", "ASSIGNEE"].includes(h.action) && <button type="button" onClick={() => restore(h.revision)}>{t("restore")}</button>}
          </li>
        ))}
      </ol>
    </section>
  );
}
