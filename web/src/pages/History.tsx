// pages/History.tsx - who changed which field from what to what, and a way
// back to any earlier version.
import { useEffect, useState } from "preact/hooks";
import { call, k } from "../api";
import { display } from "../fields/types";
import { t } from "../i18n";
import { confirmDialog, ErrorBox, explain, notify, withProgress } from "../ui/feedback";

interface Entry {
  revision: string; action: string; at: string; user: { code: string; name: string };
  changes: { code: string; label: string; type: string; old: any; new: any }[];
}

export function History({ appId, recordId, onRestored }: { appId: string; recordId: string; onRestored: () => void }) {
  const [list, setList] = useState<Entry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call<{ history: Entry[] }>("GET", k("/record/history.json"), { app: appId, id: recordId }).then((r) => setList(r.history)).catch(setError);
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
        {(list ?? []).map((h, i) => (
          <li>
            <div class="meta">
              <strong>{h.user.name}</strong> <time dateTime={h.at}>{new Date(h.at).toLocaleString()}</time>{" "}
              <span class="badge">{t(({ ADD: "created", EDIT: "updated", RESTORE: "restored", STATUS: "statusChanged", ASSIGNEE: "assigneesChanged", LOOKUP: "lookupRefreshed" } as const)[h.action as "ADD"] ?? "updated")}</span>
            </div>
            {h.action !== "ADD" && (
              <ul>
                {h.changes.map((c) => <li>{t("changedFrom", { field: c.label, from: display(c.type, c.old), to: display(c.type, c.new) })}</li>)}
              </ul>
            )}
            {i > 0 && !["DELETE", "STATUS", "ASSIGNEE"].includes(h.action) && <button type="button" onClick={() => restore(h.revision)}>{t("restore")}</button>}
          </li>
        ))}
      </ol>
    </section>
  );
}
