// pages/Circulars.tsx - circulars (供覧) on a record's page: send the record
// to people, departments or groups with a message; each recipient confirms
// with one click (and a word if they like); everyone who can open the record
// sees who has and has not confirmed, and when; the sender reminds the rest.
import { useEffect, useState } from "preact/hooks";
import { call, me } from "../api";
import { t } from "../i18n";
import { Dialog, ErrorBox, explain, explainAll, notify, withProgress } from "../ui/feedback";
import { EntityList, useEntities, type Entity } from "../ui/entities";
import { bellRefresh, when } from "./Notifications";

interface Person { user: { code: string; name: string }; confirmed: number; reminded: number; comment: string }
interface Circular { id: number; at: number; sender: { code: string; name: string }; message: string; people: Person[]; total: number; confirmedCount: number }

// `fresh` changes when others may have acted on the record: it is read again.
export function Circulars({ appId, recordId, fresh = 0 }: { appId: string; recordId: string; fresh?: number }) {
  const [list, setList] = useState<Circular[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const load = () =>
    call<{ circulars: Circular[] }>("GET", "/api/circulars", { app: appId, record: recordId }).then((r) => setList(r.circulars)).catch(setError);
  useEffect(() => void load(), [appId, recordId, fresh]);
  if (error) return <ErrorBox error={error} />;
  return (
    <section class="circulars" aria-labelledby="circ-h">
      <h2 id="circ-h">{t("circulars")}</h2>
      <button type="button" onClick={() => setSending(true)}>{t("circulate")}</button>
      {list === null ? <p>{t("loading")}</p> : list.length === 0 ? <p class="hint">{t("noCirculars")}</p> :
        list.map((c) => <CircularItem c={c} onChanged={load} />)}
      {sending && <SendDialog appId={appId} recordId={recordId} onClose={() => setSending(false)} onSent={() => { setSending(false); load(); }} />}
    </section>
  );
}

function CircularItem({ c, onChanged }: { c: Circular; onChanged: () => void }) {
  const [comment, setComment] = useState("");
  const mine = c.people.find((p) => p.user.code === me?.code);
  const confirm = async () => {
    try {
      await withProgress(call("POST", "/api/circular/confirm", { id: c.id, comment }));
      notify(t("circularConfirmed"));
      bellRefresh();
      onChanged();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  const remind = async () => {
    try {
      const r = await withProgress(call<{ reminded: number }>("POST", "/api/circular/remind", { id: c.id }));
      notify(t("remindedN", { n: r.reminded }));
      onChanged();
    } catch (e) {
      notify(explain(e), "error");
    }
  };
  const waiting = c.total - c.confirmedCount;
  return (
    <article class="circular" aria-label={`${t("circulars")} ${c.id}`}>
      <p class="meta">{t("sentBy", { name: c.sender.name, at: when(c.at) })}</p>
      {c.message && <p class="message">{c.message}</p>}
      <p><strong>{t("confirmedCount", { c: c.confirmedCount, n: c.total })}</strong></p>
      <progress max={c.total} value={c.confirmedCount} aria-label={t("confirmedCount", { c: c.confirmedCount, n: c.total })} />
      <table class="records people">
        <tbody>
          {c.people.map((p) => (
            <tr class={p.confirmed ? "done" : "waiting"}>
              <th scope="row">{p.user.name}</th>
              <td>{p.confirmed ? <>✓ <time dateTime={new Date(p.confirmed * 1000).toISOString()}>{when(p.confirmed)}</time></> : t("notConfirmed")}
                {!p.confirmed && p.reminded ? <span class="hint"> ({t("remindedAt", { at: when(p.reminded) })})</span> : null}</td>
              <td>{p.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mine && !mine.confirmed && (
        <div class="actions left">
          <input aria-label={t("confirmComment")} placeholder={t("confirmComment")} value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
          <button type="button" class="primary" onClick={confirm}>{t("confirmCircular")}</button>
        </div>
      )}
      {c.sender.code === me?.code && waiting > 0 && (
        <div class="actions left"><button type="button" onClick={remind}>{t("remindRest")} ({waiting})</button></div>
      )}
    </article>
  );
}

function SendDialog({ appId, recordId, onClose, onSent }: { appId: string; recordId: string; onClose: () => void; onSent: () => void }) {
  const [to, setTo] = useState<Entity[]>([]);
  const [message, setMessage] = useState("");
  const [error, setError] = useState<unknown>(null);
  const { choices, label } = useEntities();
  const send = async () => {
    try {
      const r = await withProgress(call<{ recipients: number }>("POST", "/api/circulars", { app: appId, record: recordId, to, message }));
      notify(t("circularSent", { n: r.recipients }));
      onSent();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog title={t("circulate")} onClose={onClose} wide>
      <p><strong>{t("circularTo")}</strong></p>
      <EntityList value={to} onChange={setTo} kinds={["USER", "ORGANIZATION", "GROUP"]} choices={choices} label={label} name={t("circularTo")} />
      <label for="circ-msg">{t("circularMessage")}</label>
      <textarea id="circ-msg" rows={3} value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />
      {error ? <p class="field-error" role="alert">{explainAll(error)}</p> : null}
      <div class="actions"><button type="button" class="primary" disabled={!to.length} onClick={send}>{t("circularSend")}</button></div>
    </Dialog>
  );
}
