// pages/Process.tsx - a record's place in its process: the status, who must
// act, and the actions they can run (the next assignee chosen when there is a
// choice to make).
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, k, type KRecord } from "../api";
import { t } from "../i18n";
import { Dialog, explain, notify, withProgress } from "../ui/feedback";
import { UserPicker } from "../fields/inputs";

interface Action { name: string; to: string; type: string }

export function Process({ appId, record, onChanged }: { appId: string; record: KRecord; onChanged: () => void }) {
  const [actions, setActions] = useState<Action[]>([]);
  const [choosing, setChoosing] = useState<Action | null>(null);
  const [chosen, setChosen] = useState<{ code: string; name: string }[]>([]);
  const status = Object.values(record).find((x) => x.type === "STATUS");
  const who = Object.values(record).find((x) => x.type === "STATUS_ASSIGNEE");
  // only the actions this person may run on this record now (the server decides)
  useEffect(() => {
    setActions([]);
    call<{ actions: Action[] }>("GET", "/api/record/actions", { app: appId, id: record.$id.value }).then((r) => setActions(r.actions)).catch(() => {});
  }, [appId, record.$id.value, record.$revision.value]);
  if (!status) return null;
  const run = async (a: Action, assignee?: string) => {
    try {
      await withProgress(call("PUT", k("/record/status.json"), { app: appId, id: record.$id.value, action: a.name, assignee, revision: record.$revision.value }));
      notify(`${a.name}: ${a.to}`);
      setChoosing(null);
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.errors && Object.keys(e.errors).some((x) => x.endsWith("assignee"))) setChoosing(a);
      else notify(explain(e), "error");
    }
  };
  const mine = [...actions].sort((a, b) => (a.type === b.type ? 0 : a.type === "PRIMARY" ? -1 : 1));
  return (
    <section class="process-box" aria-labelledby="process-h">
      <h2 id="process-h" class="visually-hidden">{t("status")}</h2>
      <span class="status-badge">{t("status")}: <strong>{status.value}</strong></span>
      <span>{t("assignees")}: {(who?.value ?? []).map((u: { name: string }) => u.name).join(", ") || t("noAssignee")}</span>
      {mine.map((a) => <button type="button" class={a.type === "PRIMARY" ? "primary" : ""} onClick={() => run(a)}>{a.name}</button>)}
      {choosing && (
        <Dialog title={t("chooseAssignee")} onClose={() => setChoosing(null)}>
          <label for="next-assignee">{t("assigneeWho")}</label>
          <UserPicker id="next-assignee" field={{ type: "USER_SELECT", code: "next", label: "" }} value={chosen} invalid={false} onChange={(v) => setChosen(v.slice(-1))} />
          <div class="actions"><button type="button" class="primary" disabled={!chosen.length} onClick={() => run(choosing, chosen[0].code)}>{t("runAction")}</button></div>
        </Dialog>
      )}
    </section>
  );
}
