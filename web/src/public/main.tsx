// public/main.tsx - a public form, for people outside who have no account
// (/public/forms/<token>): the questions the form publishes, a page to check
// the answers before sending, and the thanks with a receipt number. Its own
// small bundle: nothing of the app is loaded, no other site is asked.
//
// The anti-abuse token is asked for when the page opens, so the minimum fill
// time has passed by the time someone sends; the proof of work is found in
// small slices so the page stays responsive.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { sha256 } from "@noble/hashes/sha256";
import "../style.css";
import "./public.css";

interface Question {
  code: string; label: string; type: string; required?: boolean; options?: string[];
  defaultValue?: string | string[]; unit?: string; unitPosition?: string; maxLength?: string;
}
interface Condition { field: string; when: string; values: string[] }
interface Step { title: string; fields: string[] }
// Through a recipient's personal link: whom it is for, their key (locked), and
// whether their earlier answers may still be corrected.
interface Personal { name: string; key: string; field: string; editUntil: string; mayCorrect: boolean }
interface Uploaded { fileKey: string; name: string; size: number }
interface Limits { maxMB: number; types: string[] }
interface Form { lookups?: Record<string, string[]>; uploads?: Record<string, Limits>; name: string; title: string; description: string; thanks: string; receiptField: string; logo: string; color: string; fields: Question[]; conditions: Condition[]; steps: Step[]; help: Record<string, string> | null; personal?: Personal }
interface Answer { receipt: string; at: string; revision: string; record: Record<string, { value: string | string[] }> }

// The organisation's colour on the buttons, with text that stays readable on it.
function paint(color: string) {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179;
  document.documentElement.style.setProperty("--accent", color);
  document.documentElement.style.setProperty("--accent-fg", light ? "#1f2328" : "#ffffff");
}
interface Token { token: string; notBefore: number; challenge: string; difficulty: number }
type Value = string | string[] | Uploaded[];
type Values = Record<string, Value>;

const WORDS = {
  ja: { fetch: "取得", fetchHint: "入力して「取得」を押すと、{fields}が入ります。", notFound: "見つかりません。番号をお確かめください。", filled: "自動で入ります。", choose: "ファイルを選ぶ", uploading: "送っています… {p}%", tooBig: "{mb} MB 以下のファイルにしてください。", kinds: "送れるファイル: {types}（{mb} MB まで）", removeFile: "{name} を取り消す", forYou: "{name} 様専用のフォームです。", locked: "宛先ごとに決まっている項目です。", earlier: "これまでの回答", correct: "この回答を修正する", correcting: "受付番号 {receipt} の回答を修正しています。", stopCorrecting: "修正をやめて新しく回答する", corrected: "修正しました", until: "{at} まで修正できます。", language: "English", required: "必須", onward: "次へ", previous: "前へ", page: "{n} / {total} ページ", mailHint: "このアドレスに受付のメールをお送りします。", next: "確認へ進む", back: "修正する", send: "送信する", sending: "送信しています…", check: "入力内容の確認", checkHint: "この内容で送信します。よろしければ「送信する」を押してください。", thanks: "送信しました", receipt: "受付番号", closed: "このフォームは現在受け付けていません。", missing: "入力してください。", loading: "読み込んでいます…", another: "もう一度回答する", empty: "（未入力）", notNumber: "数字で入力してください。", failed: "送信できませんでした。" },
  en: { fetch: "Look up", fetchHint: "Type it and press Look up: {fields} will be filled in.", notFound: "Not found. Please check the number.", filled: "Filled in for you.", choose: "Choose a file", uploading: "Sending… {p}%", tooBig: "The file must be at most {mb} MB.", kinds: "Files you can send: {types} (up to {mb} MB)", removeFile: "Remove {name}", forYou: "This form is for {name}.", locked: "Set for you: it cannot be changed.", earlier: "Your earlier answers", correct: "Correct this answer", correcting: "You are correcting the answer with receipt {receipt}.", stopCorrecting: "Stop correcting and answer anew", corrected: "Corrected", until: "Answers may be corrected until {at}.", language: "日本語", required: "Required", onward: "Next", previous: "Back", page: "Page {n} of {total}", mailHint: "A receipt will be mailed to this address.", next: "Review your answers", back: "Change them", send: "Send", sending: "Sending…", check: "Check your answers", checkHint: "These answers will be sent. If they are right, press Send.", thanks: "Sent", receipt: "Receipt number", closed: "This form is not open.", missing: "Please fill this in.", loading: "Loading…", another: "Answer again", empty: "(none)", notNumber: "Please enter a number.", failed: "The answers could not be sent." },
};
type Lang = keyof typeof WORDS;
let lang: Lang = navigator.language.toLowerCase().startsWith("ja") ? "ja" : "en";
let w = WORDS[lang];
document.documentElement.lang = lang;
const base = location.pathname.replace(/\/+$/, "");

// A view's key, given for its password, kept for this tab only.
const keyName = `key:${base}`;
async function api<T>(path: string, body?: unknown): Promise<T> {
  const key = sessionStorage.getItem(keyName);
  const headers: Record<string, string> = key ? { "X-Public-Key": key } : {};
  let r: Response;
  // a server busy with many people at once says so (503): asked again a moment later
  for (let tries = 0; ; tries++) {
    r = await fetch(base + path, body === undefined ? { headers } : { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (r.status !== 503 || tries === 5) break;
    await new Promise((ok) => setTimeout(ok, 300 * (tries + 1) + Math.random() * 300));
  }
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw j;
  return j as T;
}

// A nonce such that SHA-256(challenge + nonce) begins with `bits` zero bits.
async function solve(challenge: string, bits: number): Promise<string> {
  const enc = new TextEncoder();
  for (let n = 0; ; ) {
    for (const end = n + 5000; n < end; n++) {
      const h = sha256(enc.encode(challenge + n));
      let zero = 0;
      while (zero < bits && !(h[zero >> 3] & (0x80 >> (zero & 7)))) zero++;
      if (zero >= bits) return String(n);
    }
    await new Promise((r) => setTimeout(r, 0)); // let the page breathe
  }
}

const shown = (q: Question, v: Value | undefined) => {
  const s = Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : x.name)).join(", ") : v ?? "";
  if (!s) return w.empty;
  return q.unit ? (q.unitPosition === "BEFORE" ? q.unit + s : s + q.unit) : s;
};

function App() {
  const [form, setForm] = useState<Form | null>(null);
  const [closed, setClosed] = useState(false);
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [step, setStep] = useState<"fill" | "check" | "done">("fill");
  const [token, setToken] = useState<{ t: Token; at: number; nonce: Promise<string> } | null>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState("");
  const [trap, setTrap] = useState("");
  const [pageAt, setPageAt] = useState(0);
  const [earlier, setEarlier] = useState<Answer[]>([]);
  const [uploading, setUploading] = useState(0); // files being sent: the answer waits for them
  const [correcting, setCorrecting] = useState<Answer | null>(null);
  const fresh = () => api<Token>("/token.json").then((t) => setToken({ t, at: Date.now(), nonce: solve(t.challenge, t.difficulty) })).catch(() => setClosed(true));
  // the token, old enough, with its work done (found once, for the files and the answer)
  const proof = async () => {
    const wait = token!.t.notBefore * 1000 - (Date.now() - token!.at);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 100));
    return { token: token!.t.token, nonce: await token!.nonce };
  };
  useEffect(() => {
    api<Form>("/form.json").then((f) => {
      setForm(f);
      document.title = f.title || f.name;
      paint(f.color);
      setValues(blank(f));
      fresh();
      if (f.personal) api<{ answers: Answer[] }>("/answers.json").then((r) => setEarlier(r.answers)).catch(() => {});
    }).catch(() => setClosed(true));
  }, []);
  // each step's heading takes the focus, so a screen reader says where one is
  useEffect(() => {
    window.scrollTo(0, 0);
    if (step !== "fill") document.getElementById(step === "check" ? "check-h" : "done-h")?.focus();
  }, [step]);
  // the questions as a new answer starts them: defaults, and the recipient's key
  function blank(f: Form): Values {
    const v: Values = Object.fromEntries(f.fields.map((q) => [q.code, q.defaultValue ?? (["CHECK_BOX", "MULTI_SELECT", "FILE"].includes(q.type) ? [] : "")]));
    if (f.personal) v[f.personal.field] = f.personal.key;
    return v;
  }
  if (closed) return <main class="public-form"><p role="alert">{w.closed}</p></main>;
  if (!form) return <main class="public-form"><p aria-busy="true">{w.loading}</p></main>;

  const set = (code: string, v: Value) => { setValues({ ...values, [code]: v }); setErrors({ ...errors, [code]: "" }); };
  // a question shown only when an earlier choice has one of its values
  const shownNow = (q: Question) => form.conditions.filter((c) => c.field === q.code).every((c) => {
    const v = values[c.when];
    return Array.isArray(v) ? v.some((x) => typeof x === "string" && c.values.includes(x)) : c.values.includes(String(v ?? ""));
  });
  const pages = form.steps.length ? form.steps : [{ title: "", fields: form.fields.map((q) => q.code) }];
  const onPage = (n: number) => form.fields.filter((q) => pages[n].fields.includes(q.code) && shownNow(q));
  const asked = form.fields.filter(shownNow);
  const review = (e: Event) => {
    e.preventDefault();
    const here = onPage(pageAt);
    const missing = Object.fromEntries(here.filter((q) => q.required && !(Array.isArray(values[q.code]) ? values[q.code].length : String(values[q.code] ?? "").trim())).map((q) => [q.code, w.missing]));
    for (const q of here) if (q.type === "NUMBER" && values[q.code] && !/^-?\d+(\.\d+)?$/.test(String(values[q.code]))) missing[q.code] = w.notNumber;
    setErrors(missing);
    if (Object.keys(missing).length) {
      document.getElementById(`q-${Object.keys(missing)[0]}`)?.focus();
      return;
    }
    if (uploading) return;
    if (pageAt < pages.length - 1) {
      setPageAt(pageAt + 1);
      window.scrollTo(0, 0);
      return;
    }
    setStep("check");
  };
  const send = async () => {
    if (!token) return;
    setBusy(true);
    try {
      const work = await proof();
      // a date and time is typed in the person's zone and sent as UTC
      const types = Object.fromEntries(form.fields.map((q) => [q.code, q.type]));
      const record = Object.fromEntries(Object.entries(values).filter(([code]) => asked.some((q) => q.code === code)).map(([code, value]) => [code, {
        value: types[code] === "DATETIME" && value ? new Date(String(value)).toISOString().replace(/\.\d{3}Z$/, "Z")
          : types[code] === "FILE" ? (value as Uploaded[]).map((f) => ({ fileKey: f.fileKey })) : value,
      }]));
      const again = correcting ? { receipt: correcting.receipt, revision: correcting.revision } : {};
      const r = await api<{ receipt: string; thanks: string }>("/submit.json", { record, ...work, website: trap, ...again });
      setReceipt(r.receipt);
      setStep("done");
      fresh(); // a token serves one answer
      if (form.personal) api<{ answers: Answer[] }>("/answers.json").then((x) => setEarlier(x.answers)).catch(() => {});
    } catch (e: any) {
      // a field the server refused goes back to the form, said in words; a used token is replaced
      const byField: Record<string, string> = {};
      for (const [k, v] of Object.entries((e?.errors ?? {}) as Record<string, { messages: string[] }>)) {
        const m = /^record[.[]([^.\]]+)/.exec(k);
        if (m) byField[m[1]] = v.messages.join(" ");
      }
      setErrors(Object.keys(byField).length ? byField : { "": e?.message || w.failed });
      const first = pages.findIndex((pg) => pg.fields.some((code) => code in byField));
      setPageAt(first >= 0 ? first : 0);
      setStep("fill");
      fresh();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="public-form">
      {form.logo && <img class="logo" src={`data:image/png;base64,${form.logo}`} alt="" />}
      <h1 style={form.color ? { borderBottomColor: form.color } : undefined}>{form.title || form.name}</h1>
      {form.personal && <p class="for-you">{w.forYou.replace("{name}", form.personal.name || form.personal.key)}</p>}
      {step === "fill" && correcting && (
        <p class="correcting" role="status">{w.correcting.replace("{receipt}", correcting.receipt)}{" "}
          <button type="button" onClick={() => { setCorrecting(null); setValues(blank(form)); setPageAt(0); }}>{w.stopCorrecting}</button>
        </p>
      )}
      {step === "fill" && (
        <form onSubmit={review} noValidate>
          {form.description && pageAt === 0 && <p class="intro">{form.description}</p>}
          {pages.length > 1 && <p class="progress-note">{w.page.replace("{n}", String(pageAt + 1)).replace("{total}", String(pages.length))}</p>}
          {pages[pageAt].title && <h2>{pages[pageAt].title}</h2>}
          {errors[""] && <p class="field-error" role="alert">{errors[""]}</p>}
          {onPage(pageAt).map((q) => {
            const filled = Object.values(form.lookups ?? {}).some((targets) => targets.includes(q.code));
            const locked = form.personal?.field === q.code || filled;
            const fills = form.lookups?.[q.code];
            const hint = [form.help?.[q.code], q.code === form.receiptField ? w.mailHint : "", form.personal?.field === q.code ? w.locked : "",
              filled ? w.filled : "", fills?.length ? w.fetchHint.replace("{fields}", fills.map((c) => `「${form.fields.find((x) => x.code === c)?.label}」`).join("")) : ""]
              .filter(Boolean).join(" ") || undefined;
            if (fills)
              return <LookupField q={q} value={String(values[q.code] ?? "")} error={errors[q.code]} hint={hint}
                onChange={(v) => setValues({ ...values, [q.code]: v, ...Object.fromEntries(fills.map((c) => [c, ""])) })}
                onFound={(rec) => { setValues({ ...values, ...Object.fromEntries(fills.map((c) => [c, rec?.[c]?.value ?? ""])) }); setErrors({ ...errors, [q.code]: rec ? "" : w.notFound }); }} />;
            if (q.type === "FILE")
              return <FileField q={q} value={(values[q.code] ?? []) as Uploaded[]} limits={form.uploads?.[q.code]} proof={proof} error={errors[q.code]} hint={form.help?.[q.code]}
                onChange={(v) => set(q.code, v)} onError={(m) => setErrors({ ...errors, [q.code]: m })} onBusy={(b) => setUploading((n) => n + (b ? 1 : -1))} />;
            return <Field q={q} value={values[q.code] as string | string[]} error={errors[q.code]} hint={hint} locked={locked} onChange={(v) => set(q.code, v)} />;
          })}
          {/* people never see this; programs that fill every box do */}
          <div class="trap" aria-hidden="true">
            <label for="website">Website</label>
            <input id="website" name="website" tabIndex={-1} autoComplete="off" value={trap} onInput={(e) => setTrap((e.target as HTMLInputElement).value)} />
          </div>
          <div class="actions">
            {pageAt > 0 && <button type="button" onClick={() => { setPageAt(pageAt - 1); window.scrollTo(0, 0); }}>{w.previous}</button>}
            <button type="submit" class="primary" disabled={uploading > 0}>{pageAt < pages.length - 1 ? w.onward : w.next}</button>
          </div>
        </form>
      )}
      {step === "check" && (
        <section aria-labelledby="check-h">
          <h2 id="check-h" tabIndex={-1}>{w.check}</h2>
          <p>{w.checkHint}</p>
          <dl class="answers">
            {asked.map((q) => <div><dt>{q.label}</dt><dd>{shown(q, values[q.code])}</dd></div>)}
          </dl>
          <div class="actions">
            <button type="button" onClick={() => setStep("fill")} disabled={busy}>{w.back}</button>
            <button type="button" class="primary" onClick={send} disabled={busy}>{busy ? w.sending : w.send}</button>
          </div>
          {busy && <p role="status">{w.sending}</p>}
        </section>
      )}
      {step === "done" && (
        <section aria-labelledby="done-h" role="status">
          <h2 id="done-h" tabIndex={-1}>{correcting ? w.corrected : w.thanks}</h2>
          {form.thanks && <p>{form.thanks}</p>}
          <p>{w.receipt}: <strong class="receipt">{receipt}</strong></p>
          {form.personal && (
            <button type="button" onClick={() => { setCorrecting(null); setValues(blank(form)); setPageAt(0); setStep("fill"); }}>{w.another}</button>
          )}
        </section>
      )}
      {form.personal && earlier.length > 0 && step !== "check" && (
        <section class="earlier" aria-labelledby="earlier-h">
          <h2 id="earlier-h">{w.earlier}</h2>
          {form.personal.mayCorrect && form.personal.editUntil && <p class="hint">{w.until.replace("{at}", new Date(form.personal.editUntil).toLocaleString(lang))}</p>}
          {earlier.map((a) => (
            <article class="earlier-answer">
              <h3>{w.receipt} {a.receipt} <span class="hint">{new Date(a.at).toLocaleString(lang)}</span></h3>
              <dl class="answers">
                {form.fields.filter((q) => q.code in a.record).map((q) => <div><dt>{q.label}</dt><dd>{shown(q, a.record[q.code].value)}</dd></div>)}
              </dl>
              {form.personal!.mayCorrect && (
                <button type="button" onClick={() => {
                  setCorrecting(a);
                  setValues({ ...blank(form), ...Object.fromEntries(Object.entries(a.record).map(([code, x]) => [code, x.value])) });
                  setPageAt(0);
                  setStep("fill");
                  window.scrollTo(0, 0);
                }}>{w.correct}</button>
              )}
            </article>
          ))}
        </section>
      )}
    </main>
  );
}

function Field({ q, value, error, hint, locked, onChange }: { q: Question; value: string | string[] | undefined; error?: string; hint?: string; locked?: boolean; onChange: (v: string | string[]) => void }) {
  const id = `q-${q.code}`;
  const described = [error ? `${id}-err` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const label = <>{q.label}{q.required && <span class="req">{w.required}</span>}</>;
  const many = (opt: string, on: boolean) => {
    const now = Array.isArray(value) ? value : [];
    onChange(on ? [...now, opt] : now.filter((x) => x !== opt));
  };
  let input;
  if (q.type === "RADIO_BUTTON" || q.type === "CHECK_BOX")
    return (
      <fieldset class="question" aria-describedby={described}>
        <legend>{label}</legend>
        <div class="choices vertical">
          {(q.options ?? []).map((opt, i) => (
            <label><input id={i === 0 ? id : undefined} type={q.type === "RADIO_BUTTON" ? "radio" : "checkbox"} name={q.code}
              checked={q.type === "RADIO_BUTTON" ? value === opt : Array.isArray(value) && value.includes(opt)}
              onChange={(e) => (q.type === "RADIO_BUTTON" ? onChange(opt) : many(opt, (e.target as HTMLInputElement).checked))} /> {opt}</label>
          ))}
        </div>
        {hint && <span id={`${id}-hint`} class="hint">{hint}</span>}
        {error && <span id={`${id}-err`} class="field-error" role="alert">{error}</span>}
      </fieldset>
    );
  const common = { id, "aria-invalid": !!error, "aria-describedby": described, "aria-required": q.required, readOnly: locked };
  if (q.type === "MULTI_LINE_TEXT") input = <textarea {...common} value={String(value ?? "")} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />;
  else if (q.type === "DROP_DOWN")
    input = (
      <select {...common} value={String(value ?? "")} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">-----</option>
        {(q.options ?? []).map((o) => <option value={o}>{o}</option>)}
      </select>
    );
  else if (q.type === "MULTI_SELECT")
    input = (
      <select {...common} multiple onChange={(e) => onChange([...(e.target as HTMLSelectElement).selectedOptions].map((o) => o.value))}>
        {(q.options ?? []).map((o) => <option value={o} selected={Array.isArray(value) && value.includes(o)}>{o}</option>)}
      </select>
    );
  else {
    const type = { NUMBER: "text", DATE: "date", TIME: "time", DATETIME: "datetime-local", LINK: "url" }[q.type] ?? "text";
    input = (
      <input {...common} type={type} inputMode={q.type === "NUMBER" ? "decimal" : undefined} maxLength={q.maxLength ? Number(q.maxLength) : undefined}
        value={String(value ?? "")} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
    );
  }
  return (
    <div class="question">
      <label for={id}>{label}</label>
      {q.unit ? (
        <div class="with-unit">
          {q.unitPosition === "BEFORE" && <span class="unit">{q.unit}</span>}
          {input}
          {q.unitPosition !== "BEFORE" && <span class="unit">{q.unit}</span>}
        </div>
      ) : input}
      {hint && <span id={`${id}-hint`} class="hint">{hint}</span>}
      {error && <span id={`${id}-err`} class="field-error" role="alert">{error}</span>}
    </div>
  );
}

// A lookup question: the key typed, and 取得 bringing what it fills in.
function LookupField({ q, value, error, hint, onChange, onFound }: {
  q: Question; value: string; error?: string; hint?: string; onChange: (v: string) => void;
  onFound: (record: Record<string, { value: string }> | null) => void;
}) {
  const id = `q-${q.code}`;
  const described = [error ? `${id}-err` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const fetchIt = async () => {
    if (!value.trim()) return;
    const r = await api<{ record: Record<string, { value: string }> | null }>(`/lookup.json?${new URLSearchParams({ field: q.code, value: value.trim() })}`).catch(() => ({ record: null }));
    onFound(r.record);
  };
  return (
    <div class="question">
      <label for={id}>{q.label}{q.required && <span class="req">{w.required}</span>}</label>
      <div class="with-unit">
        <input id={id} value={value} aria-invalid={!!error} aria-describedby={described} aria-required={q.required}
          onInput={(e) => onChange((e.target as HTMLInputElement).value)} onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); void fetchIt(); } }} />
        <button type="button" onClick={fetchIt}>{w.fetch}</button>
      </div>
      {hint && <span id={`${id}-hint`} class="hint">{hint}</span>}
      {error && <span id={`${id}-err`} class="field-error" role="alert">{error}</span>}
    </div>
  );
}

// A question that takes files: each sent when chosen, with its progress; the
// answer names them by the keys given back.
function FileField({ q, value, limits, proof, error, hint, onChange, onError, onBusy }: {
  q: Question; value: Uploaded[]; limits?: Limits; proof: () => Promise<{ token: string; nonce: string }>; error?: string; hint?: string;
  onChange: (v: Uploaded[]) => void; onError: (m: string) => void; onBusy: (busy: boolean) => void;
}) {
  const id = `q-${q.code}`;
  const [progress, setProgress] = useState<number | null>(null);
  const mb = limits?.maxMB ?? 5;
  const types = limits?.types ?? [];
  const rules = w.kinds.replace("{types}", types.join(", ")).replace("{mb}", String(mb));
  const described = [error ? `${id}-err` : "", `${id}-hint`].filter(Boolean).join(" ");
  const pick = async (file: File) => {
    if (file.size > mb * 1048576) return onError(w.tooBig.replace("{mb}", String(mb)));
    const body = new FormData();
    body.set("field", q.code);
    setProgress(0);
    onBusy(true);
    const work = await proof();
    body.set("token", work.token);
    body.set("nonce", work.nonce);
    body.set("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base}/file.json`);
    xhr.upload.onprogress = (e) => e.lengthComputable && setProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onloadend = () => {
      setProgress(null);
      onBusy(false);
      const j = (() => { try { return JSON.parse(xhr.responseText); } catch { return {}; } })();
      if (xhr.status === 200) onChange([...value, { fileKey: j.fileKey, name: file.name, size: file.size }]);
      else onError(j?.errors?.file?.messages?.join(" ") || j?.message || w.failed);
    };
    xhr.send(body);
  };
  return (
    <div class="question">
      <label for={id}>{q.label}{q.required && <span class="req">{w.required}</span>}</label>
      <input id={id} type="file" accept={types.map((t) => "." + t).join(",")} aria-describedby={described} aria-invalid={!!error} disabled={progress !== null}
        onChange={(e) => { const el = e.target as HTMLInputElement; const f = el.files?.[0]; el.value = ""; if (f) void pick(f); }} />
      {progress !== null && (
        <p role="status"><progress max={100} value={progress} aria-hidden="true" /> {w.uploading.replace("{p}", String(progress))}</p>
      )}
      <ul class="files">
        {value.map((f) => (
          <li>{f.name} <span class="hint">{(f.size / 1024).toFixed(0)} KB</span>
            <button type="button" aria-label={w.removeFile.replace("{name}", f.name)} onClick={() => onChange(value.filter((x) => x !== f))}>×</button></li>
        ))}
      </ul>
      <span id={`${id}-hint`} class="hint">{[hint, rules].filter(Boolean).join(" ")}</span>
      {error && <span id={`${id}-err`} class="field-error" role="alert">{error}</span>}
    </div>
  );
}

// ---------------------------------------------------------------- public views

interface ViewField { code: string; label: string; type: string }
interface ViewInfo { name: string; title: string; description: string; pageSize: number; fields: ViewField[]; for?: string; locked?: boolean }
const TEXTUAL = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "RICH_TEXT", "LINK"];
const VIEW_WORDS = {
  ja: { back: "一覧へ戻る", pages: "ページ", prevOne: "前の項目", nextOne: "次の項目", password: "パスワード", passwordHint: "このページを見るにはパスワードが必要です。", open: "表示する", forYou: "{name} 様向けのページです。", search: "検索", keyword: "キーワード", found: "{n}件", none: "該当するものはありません。", prev: "前へ", next: "次へ", closed: "このページは現在公開されていません。" },
  en: { back: "Back to the list", pages: "Pages", prevOne: "Previous item", nextOne: "Next item", password: "Password", passwordHint: "This page asks for its password.", open: "Open", forYou: "This page is for {name}.", search: "Search", keyword: "Keyword", found: "{n} found", none: "Nothing found.", prev: "Previous", next: "Next", closed: "This page is not open." },
};
let VWORDS = VIEW_WORDS[lang];
const cell = (v: any): string => (Array.isArray(v) ? v.map((x) => (typeof x === "object" ? x.name ?? x.code : x)).join(", ") : v == null ? "" : String(v));
const quote = (s: string) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';

// A view's attachments: pictures as thumbnails, each a link to the file.
function Files({ files }: { files: { fileKey: string; name: string; contentType: string }[] }) {
  const key = sessionStorage.getItem(keyName);
  const url = (f: { fileKey: string }, size?: number) =>
    `${base}/file.json?${new URLSearchParams({ fileKey: f.fileKey, ...(size ? { size: String(size) } : {}), ...(key ? { key } : {}) })}`;
  return (
    <ul class="files">
      {files.map((f) => (
        <li><a href={url(f)} download={f.name}>
          {f.contentType?.startsWith("image/") ? <img src={url(f, 150)} alt={f.name} loading="lazy" /> : null}{f.name}
        </a></li>
      ))}
    </ul>
  );
}

// Where the reader is, kept in the address (so a page or a record can be
// bookmarked or sent on): #q=<keyword>&p=<offset>[&r=<position>].
function useHash(): [URLSearchParams, (next: Record<string, string | null>) => void] {
  const [hash, setHash] = useState(location.hash.slice(1));
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const params = new URLSearchParams(hash);
  const go = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(hash);
    for (const [k, v] of Object.entries(next)) if (v === null || v === "") p.delete(k); else p.set(k, v);
    location.hash = p.toString();
  };
  return [params, go];
}

// A read-only view: its records a page at a time, a keyword searched in its
// text fields, each record on a page of its own with every published field.
function ViewApp() {
  const [info, setInfo] = useState<ViewInfo | null>(null);
  const [closed, setClosed] = useState(false);
  const [hash, go] = useHash();
  const applied = hash.get("q") ?? "";
  const offset = Math.max(0, Number(hash.get("p")) || 0);
  const at = hash.get("r") === null ? null : Math.max(0, Number(hash.get("r")) || 0);
  const [kw, setKw] = useState(applied);
  const [data, setData] = useState<{ records: Record<string, { value: any }>[]; totalCount: string } | null>(null);
  const [password, setPassword] = useState("");
  const [wrong, setWrong] = useState("");
  const load = () => api<ViewInfo>("/view.json").then((v) => { setInfo(v); document.title = v.title || v.name; }).catch(() => setClosed(true));
  useEffect(() => void load(), []);
  useEffect(() => {
    if (!info || info.locked) return;
    const text = info.fields.filter((f) => TEXTUAL.includes(f.type));
    const query = applied && text.length ? text.map((f) => `${f.code} like ${quote(applied)}`).join(" or ") : "";
    const q = new URLSearchParams({ query, offset: String(at ?? offset), limit: String(at === null ? info.pageSize : 1) });
    api<typeof data>(`/records.json?${q}`).then(setData).catch(() => setClosed(true));
  }, [info, applied, offset, at]);
  useEffect(() => { document.getElementById("view-top")?.focus(); }, [at]);
  if (closed) return <main class="public-form"><p role="alert">{VWORDS.closed}</p></main>;
  if (!info) return <main class="public-form"><p aria-busy="true">{w.loading}</p></main>;
  if (info.locked)
    return (
      <main class="public-form public-view">
        <h1>{info.title || info.name}</h1>
        <form onSubmit={async (e) => {
          e.preventDefault();
          try {
            const r = await api<{ key: string }>("/unlock.json", { password });
            sessionStorage.setItem(keyName, r.key);
            setWrong("");
            await load();
          } catch (err: any) {
            setWrong(err?.message || VWORDS.passwordHint);
          }
        }}>
          <p id="pw-hint">{VWORDS.passwordHint}</p>
          <div class="question">
            <label for="pw">{VWORDS.password}</label>
            <input id="pw" type="password" autoComplete="current-password" aria-describedby={wrong ? "pw-hint pw-err" : "pw-hint"} aria-invalid={!!wrong}
              value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            {wrong && <span id="pw-err" class="field-error" role="alert">{wrong}</span>}
          </div>
          <div class="actions"><button type="submit" class="primary">{VWORDS.open}</button></div>
        </form>
      </main>
    );
  const total = Number(data?.totalCount ?? 0);
  const [head] = info.fields;
  const value = (r: Record<string, { value: any }>, f: ViewField) => (f.type === "FILE" ? <Files files={r[f.code]?.value ?? []} /> : cell(r[f.code]?.value));
  const link = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(hash);
    for (const [k, v] of Object.entries(next)) if (v === null) p.delete(k); else p.set(k, v);
    return "#" + p.toString();
  };
  if (at !== null) {
    const r = data?.records[0];
    return (
      <main class="public-form public-view">
        <p><a href={link({ r: null, p: String(Math.floor(at / info.pageSize) * info.pageSize) })}>← {VWORDS.back}</a> <span class="hint">{info.title || info.name}</span></p>
        <h1 id="view-top" tabIndex={-1}>{r ? cell(r[head.code]?.value) || "—" : info.title || info.name}</h1>
        {data && !r && <p>{VWORDS.none}</p>}
        {r && <dl class="answers">{info.fields.map((f) => <div><dt>{f.label}</dt><dd>{value(r, f)}</dd></div>)}</dl>}
        <nav class="actions" aria-label={VWORDS.pages}>
          {at > 0 ? <a class="button" href={link({ r: String(at - 1) })}>{VWORDS.prevOne}</a> : null}
          {at + 1 < total ? <a class="button" href={link({ r: String(at + 1) })}>{VWORDS.nextOne}</a> : null}
        </nav>
      </main>
    );
  }
  return (
    <main class="public-form public-view">
      <h1 id="view-top" tabIndex={-1}>{info.title || info.name}</h1>
      {info.for && <p class="for-you">{VWORDS.forYou.replace("{name}", info.for)}</p>}
      {info.description && <p class="intro">{info.description}</p>}
      <form role="search" class="view-search" onSubmit={(e) => { e.preventDefault(); go({ q: kw.trim(), p: null }); }}>
        <input type="search" aria-label={VWORDS.keyword} placeholder={VWORDS.keyword} value={kw} onInput={(e) => setKw((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">{VWORDS.search}</button>
      </form>
      {data && <p class="progress-note" role="status">{VWORDS.found.replace("{n}", total.toLocaleString())}</p>}
      {data && data.records.length === 0 && <p>{VWORDS.none}</p>}
      <ul class="view-items">
        {data?.records.map((r, i) => (
          <li>
            <a class="view-item-head" href={link({ r: String(offset + i) })}>{cell(r[head.code]?.value) || "—"}</a>
            {info.fields.length > 1 && <p class="view-item-more">{info.fields[1].label}: {cell(r[info.fields[1].code]?.value).slice(0, 80)}</p>}
          </li>
        ))}
      </ul>
      {total > info.pageSize && (
        <nav class="actions" aria-label={VWORDS.pages}>
          {offset > 0 ? <a class="button" href={link({ p: String(Math.max(0, offset - info.pageSize)) })}>{VWORDS.prev}</a> : null}
          {offset + info.pageSize < total ? <a class="button" href={link({ p: String(offset + info.pageSize) })}>{VWORDS.next}</a> : null}
        </nav>
      )}
    </main>
  );
}

// The page in the person's language, switched with one button; what they
// typed stays.
function Root() {
  const [, setLang] = useState(lang);
  const other: Lang = lang === "ja" ? "en" : "ja";
  const flip = () => {
    lang = other;
    w = WORDS[lang];
    VWORDS = VIEW_WORDS[lang];
    document.documentElement.lang = lang;
    setLang(lang);
  };
  return (
    <>
      <div class="language"><button type="button" lang={other} onClick={flip}>{w.language}</button></div>
      {base.startsWith("/public/views/") ? <ViewApp /> : <App />}
    </>
  );
}

render(<Root />, document.getElementById("root")!);
