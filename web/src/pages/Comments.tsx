// pages/Comments.tsx - a record's comments, newest first: @mentions suggested
// as the person types "@" (people, departments, groups), 返信 (a reply that
// mentions the author and those they mentioned), and いいね.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, k } from "../api";
import { loadEntities, loadUsers } from "../fields/inputs";
import { t } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";

type MentionType = "USER" | "ORGANIZATION" | "GROUP";
interface Mention { code: string; type: MentionType }
interface Comment { id: string; text: string; createdAt: string; creator: { code: string; name: string }; mentions: Mention[] }
interface Named extends Mention { name: string }
interface Likes { comment: string; users: { code: string; name: string }[] }

const TYPE_WORD: Record<MentionType, "mentionUser" | "mentionOrg" | "mentionGroup"> = { USER: "mentionUser", ORGANIZATION: "mentionOrg", GROUP: "mentionGroup" };
const MAX_SUGGESTIONS = 8;

// `fresh` changes when others may have acted on the record: it is read again.
export function Comments({ appId, recordId, me, fresh = 0 }: { appId: string; recordId: string; me?: string; fresh?: number }) {
  const [list, setList] = useState<Comment[] | null>(null);
  const [likes, setLikes] = useState<Record<string, Likes["users"]>>({});
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState("");
  const [mentions, setMentions] = useState<Named[]>([]);
  const [everyone, setEveryone] = useState<Named[]>([]);
  const [busy, setBusy] = useState(false);
  const [suggest, setSuggest] = useState<{ at: number; words: string; active: number } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const load = () =>
    Promise.all([
      call<{ comments: Comment[] }>("GET", k("/record/comments.json"), { app: appId, record: recordId, order: "desc", limit: 10 }),
      call<{ likes: Likes[] }>("GET", "/api/comment/likes", { app: appId, record: recordId }),
    ])
      .then(([r, l]) => { setList(r.comments); setLikes(Object.fromEntries(l.likes.map((x) => [x.comment, x.users]))); setError(null); })
      .catch(setError);
  useEffect(() => {
    Promise.all([loadUsers(), loadEntities("organizations"), loadEntities("groups")]).then(([u, o, g]) => setEveryone([
      ...u.map((x) => ({ ...x, type: "USER" as const })), ...o.map((x) => ({ ...x, type: "ORGANIZATION" as const })), ...g.map((x) => ({ ...x, type: "GROUP" as const })),
    ]));
  }, [appId, recordId]);
  useEffect(() => void load(), [appId, recordId, fresh]);
  const nameOf = (m: Mention) => everyone.find((x) => x.code === m.code && x.type === m.type)?.name ?? m.code;

  // "@" and the letters after it, up to the caret, ask for suggestions
  const typed = (value: string, caret: number) => {
    setText(value);
    const before = value.slice(0, caret);
    const m = /(^|\s)@([^\s@]*)$/.exec(before);
    setSuggest(m ? { at: caret - m[2].length - 1, words: m[2], active: 0 } : null);
  };
  const matches = suggest ? everyone.filter((x) => !suggest.words || x.name.includes(suggest.words) || x.code.toLowerCase().includes(suggest.words.toLowerCase())).slice(0, MAX_SUGGESTIONS) : [];
  const choose = (x: Named) => {
    if (!suggest) return;
    const end = suggest.at + 1 + suggest.words.length;
    const next = `${text.slice(0, suggest.at)}@${x.name} ${text.slice(end)}`;
    const caret = suggest.at + x.name.length + 2;
    // the box itself first, so that the caret is in place before the next key
    const el = box.current!;
    el.value = next;
    el.focus();
    el.setSelectionRange(caret, caret);
    setText(next);
    if (!mentions.some((m) => m.code === x.code && m.type === x.type)) setMentions([...mentions, x]);
    setSuggest(null);
  };
  const keys = (e: KeyboardEvent) => {
    if (!suggest || !matches.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = matches.length;
      setSuggest({ ...suggest, active: (suggest.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n });
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      choose(matches[suggest.active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      setSuggest(null);
    }
  };
  // 返信: the author and whoever they mentioned, named at the start of the text
  const reply = (c: Comment) => {
    const to: Named[] = [{ code: c.creator.code, type: "USER" as const, name: c.creator.name }, ...c.mentions.map((m) => ({ ...m, name: nameOf(m) }))]
      .filter((x, i, a) => x.code !== me && a.findIndex((y) => y.code === x.code && y.type === x.type) === i);
    setMentions(to);
    setText(to.map((x) => `@${x.name} `).join(""));
    requestAnimationFrame(() => box.current?.focus());
  };
  const like = async (c: Comment, on: boolean) => {
    try {
      await call("POST", "/api/comment/like", { app: appId, record: recordId, comment: c.id, like: on });
      load();
    } catch (err) {
      notify(explain(err), "error");
    }
  };
  const post = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    try {
      // only those still named in the text are mentioned
      const named = mentions.filter((m) => text.includes(`@${m.name}`));
      await withProgress(call("POST", k("/record/comment.json"), { app: appId, record: recordId, comment: { text, mentions: named.map((m) => ({ code: m.code, type: m.type })) } }));
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
        <label for="comment-text">{t("writeComment")}</label>
        <div class="mention-box">
          <textarea id="comment-text" ref={box} rows={3} value={text} aria-describedby="comment-hint"
            role="combobox" aria-autocomplete="list" aria-expanded={!!suggest && matches.length > 0} aria-controls="mention-list"
            aria-activedescendant={suggest && matches.length ? `mention-${suggest.active}` : undefined}
            onInput={(e) => { const el = e.target as HTMLTextAreaElement; typed(el.value, el.selectionStart); }}
            onKeyDown={keys} onBlur={() => setTimeout(() => setSuggest(null), 150)} />
          {suggest && matches.length > 0 && (
            <ul id="mention-list" role="listbox" class="mention-list" aria-label={t("mention")}>
              {matches.map((x, i) => (
                <li id={`mention-${i}`} role="option" aria-selected={i === suggest.active} onMouseDown={(e) => { e.preventDefault(); choose(x); }}>
                  {x.name} <span class="muted">{t(TYPE_WORD[x.type])}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <p class="hint" id="comment-hint">{t("mentionHint")}</p>
        {mentions.length > 0 && <div class="mentions">{mentions.map((m) => (
          <span class="chip">@{m.name}<button type="button" class="link" aria-label={`${t("remove")}: ${m.name}`} onClick={() => setMentions(mentions.filter((x) => x !== m))}>×</button></span>
        ))}</div>}
        <div class="actions"><button type="submit" class="primary" disabled={busy || !text.trim()}>{t("post")}</button></div>
      </form>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {list && list.length === 0 && <p class="empty">{t("noComments")}</p>}
      <ol class="comment-list">
        {(list ?? []).map((c) => {
          const who = likes[c.id] ?? [];
          const mine = who.some((u) => u.code === me);
          return (
            <li>
              <div class="meta"><strong>{c.creator.name}</strong> <time dateTime={c.createdAt}>{new Date(c.createdAt).toLocaleString()}</time></div>
              {c.mentions.length > 0 && <div class="mentions">{c.mentions.map((m) => <span class="chip">@{nameOf(m)}</span>)}</div>}
              <p class="text">{c.text}</p>
              <div class="comment-actions">
                <button type="button" class="link" onClick={() => reply(c)}>{t("reply")}</button>
                <button type="button" class="link" aria-pressed={mine} onClick={() => like(c, !mine)}
                  title={who.map((u) => u.name).join(", ")}>{t("like")}{who.length ? ` ${who.length}` : ""}</button>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
