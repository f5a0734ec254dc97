// pages/Comments.tsx - a record's comments, newest first, with @mentions.
import { useEffect, useState } from "preact/hooks";
import { call, k } from "../api";
import { loadUsers, UserPicker, type UserEntry } from "../fields/inputs";
import { t } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";

interface Comment { id: string; text: string; createdAt: string; creator: { code: string; name: string }; mentions: { code: string; type: string }[] }

// `fresh` changes when others may have acted on the record: it is read again.
export function Comments({ appId, recordId, fresh = 0 }: { appId: string; recordId: string; fresh?: number }) {
  const [list, setList] = useState<Comment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState("");
  const [mentions, setMentions] = useState<UserEntry[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const load = () =>
    call<{ comments: Comment[] }>("GET", k("/record/comments.json"), { app: appId, record: recordId, order: "desc", limit: 10 })
      .then((r) => { setList(r.comments); setError(null); })
      .catch(setError);
  useEffect(() => { loadUsers().then((u) => setNames(Object.fromEntries(u.map((x) => [x.code, x.name])))); }, [appId, recordId]);
  useEffect(() => void load(), [appId, recordId, fresh]);
  const post = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    try {
      await withProgress(call("POST", k("/record/comment.json"), { app: appId, record: recordId, comment: { text, mentions: mentions.map((m) => ({ code: m.code, type: "USER" })) } }));
      setText("");
      setMentions([]);
      load();
    } catch (err) {
      notify(explain(err), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="comments" aria-labelledby="comments-h">
      <h2 id="comments-h">{t("comments")}</h2>
      <form onSubmit={post}>
        <label for="mention-pick">{t("mention")}</label>
        <UserPicker id="mention-pick" field={{ type: "USER_SELECT", code: "_m", label: "" }} value={mentions} onChange={setMentions} invalid={false} />
        <label for="comment-text">{t("writeComment")}</label>
        <textarea id="comment-text" rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <div class="actions"><button type="submit" class="primary" disabled={busy || !text.trim()}>{t("post")}</button></div>
      </form>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {list && list.length === 0 && <p class="empty">{t("noComments")}</p>}
      <ol class="comment-list">
        {(list ?? []).map((c) => (
          <li>
            <div class="meta"><strong>{c.creator.name}</strong> <time dateTime={c.createdAt}>{new Date(c.createdAt).toLocaleString()}</time></div>
            {c.mentions.length > 0 && <div class="mentions">{c.mentions.map((m) => <span class="chip">@{names[m.code] ?? m.code}</span>)}</div>}
            <p class="text">{c.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
