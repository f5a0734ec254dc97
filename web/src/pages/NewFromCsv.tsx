// pages/NewFromCsv.tsx - a new app made from a CSV file: each column becomes a
// field whose type is guessed from the whole file (numbers, dates, web and
// e-mail links, a few repeated values as a drop-down, several values in a cell
// as check boxes, long or multi-line text), editable before the app is
// created; then the rows are imported into it and the app opens. The file is
// uploaded once (file.json, with its progress), then read by its key.
import { useEffect, useState } from "preact/hooks";
import { call, k, uploadFile } from "../api";
import { deployApp } from "../data";
import { go } from "../router";
import { t, useLang, type Key } from "../i18n";
import { ErrorBox, notify, withProgress } from "../ui/feedback";
import { DataFileChooser } from "../ui/DataFile";

interface Column {
  name: string; filled: string; numbers: boolean; dates: boolean; links: boolean; emails: boolean; multiline: boolean; maxLength: string;
  values: string[] | null; joined: boolean; choices: string[] | null;
}
interface Profile { encoding: string; rows: string; columns: Column[]; sample: string[][] }
interface Plan { use: boolean; label: string; code: string; type: string; options: string[]; unique: boolean }

// MAIL: a LINK field for e-mail addresses
const TYPES = ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "NUMBER", "DATE", "DROP_DOWN", "CHECK_BOX", "LINK", "MAIL"];
// the types whose values may be forbidden to repeat (a key, for lookups and updates by key)
const KEY_TYPES = new Set(["SINGLE_LINE_TEXT", "NUMBER", "DATE", "LINK", "MAIL"]);

// A field code from a heading: what the server takes (letters of any script,
// digits, _), unique, not starting with a digit.
function codeFor(name: string, taken: Set<string>, i: number): string {
  let c = name.replace(/[\s!-/:-@[-^`{-~　・！？（），．：、。「」『』【】]+/gu, "_").replace(/^_+|_+$/g, "").slice(0, 100);
  if (!c) c = `field_${i + 1}`;
  if (/^[0-9]/.test(c)) c = "f_" + c;
  let u = c;
  for (let n = 2; taken.has(u); n++) u = `${c}_${n}`;
  taken.add(u);
  return u;
}

function guess(c: Column): string {
  const filled = Number(c.filled);
  if (filled === 0) return "SINGLE_LINE_TEXT";
  if (c.numbers) return "NUMBER";
  if (c.dates) return "DATE";
  if (c.links) return "LINK";
  if (c.emails) return "MAIL";
  if (c.joined && c.choices && c.choices.length > 1) return "CHECK_BOX";
  if (c.multiline || Number(c.maxLength) > 100) return "MULTI_LINE_TEXT";
  if (c.values && c.values.length > 0 && c.values.length <= 10 && filled >= c.values.length * 2) return "DROP_DOWN";
  return "SINGLE_LINE_TEXT";
}

export function NewFromCsv() {
  useLang();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState("auto");
  const [profile, setProfile] = useState<Profile | null>(null);
  const [plan, setPlan] = useState<Plan[]>([]);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ app: string; text: string } | null>(null);
  const [fileKey, setFileKey] = useState("");
  const [pct, setPct] = useState<number | null>(null); // while the file is sent

  // sent once: uploaded with its progress, then profiled and imported by its key
  useEffect(() => {
    if (!file) return;
    setName(file.name.replace(/\.[^.]*$/, ""));
    setDone(null);
    setProfile(null);
    setFileKey("");
    const shown = (pct: number) => { setPct(pct); setBusy(t("uploading", { pct })); };
    shown(0);
    uploadFile(file, (sent, total) => shown(total ? Math.round((sent / total) * 100) : 0))
      .then(setFileKey)
      .catch(setError)
      .finally(() => { setBusy(""); setPct(null); });
  }, [file]);
  useEffect(() => {
    if (!fileKey) return;
    withProgress(call<Profile>("POST", "/api/import/profile", { encoding, fileKey }))
      .then((p) => {
        const taken = new Set<string>();
        setProfile(p);
        setPlan(p.columns.map((c, i) => {
          const type = guess(c);
          return { use: Number(c.filled) > 0, label: c.name || `field ${i + 1}`, code: codeFor(c.name, taken, i), type, options: (type === "CHECK_BOX" ? c.choices : c.values) ?? [], unique: false };
        }));
        setError(null);
      })
      .catch((e) => { setProfile(null); setError(e); });
  }, [fileKey, encoding]);

  const set = (i: number, patch: Partial<Plan>) => setPlan(plan.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  // a type chosen by hand takes its options from what the column holds
  const retype = (i: number, type: string) => {
    const c = profile!.columns[i];
    set(i, { type, options: (type === "CHECK_BOX" ? c.choices : type === "DROP_DOWN" ? c.values : null) ?? plan[i].options });
  };
  const create = async () => {
    if (!fileKey || !profile) return;
    setError(null);
    try {
      setBusy(t("creatingApp"));
      const { app } = await withProgress(call<{ app: string }>("POST", k("/preview/app.json"), { name }));
      const properties: Record<string, unknown> = {};
      for (const p of plan.filter((x) => x.use)) {
        const prop: Record<string, unknown> = { type: p.type === "MAIL" ? "LINK" : p.type, code: p.code, label: p.label };
        if (p.type === "MAIL") prop.protocol = "MAIL";
        if (p.type === "DROP_DOWN" || p.type === "CHECK_BOX") prop.options = Object.fromEntries(p.options.map((o, i) => [o, { label: o, index: String(i) }]));
        if (p.unique && KEY_TYPES.has(p.type)) prop.unique = true;
        properties[p.code] = prop;
      }
      await withProgress(call("POST", k("/preview/app/form/fields.json"), { app, properties }));
      const why = await withProgress(deployApp(app));
      if (why !== null) throw new Error(why);
      setBusy(t("processing"));
      const r = await withProgress(call<{ rows: string; added: string; updated: string; skipped: string }>("POST", "/api/import",
        { app, encoding, columns: plan.map((p) => (p.use ? p.code : "")), skipBad: "true", fileKey }));
      const text = t("importDone", { rows: r.rows, added: r.added, updated: r.updated, skipped: r.skipped });
      notify(text);
      setDone({ app, text });
      go(`#/apps/${app}`); // the new app opens, its records in it
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };

  return (
    <div class="page import">
      <div class="page-head"><h1>{t("appFromCsv")}</h1></div>
      <p class="hint">{t("appFromCsvHint")}</p>
      <DataFileChooser id="csv" encoding={encoding} onEncoding={setEncoding} onFile={setFile} onError={setError} />
      {error ? <div role="alert"><ErrorBox error={error} /></div> : null}
      {profile && !done && (
        <>
          <p class="meta">{t("detected", { enc: profile.encoding })} · {profile.rows} {t("records")}</p>
          <label for="csv-app-name">{t("appName")}</label>
          <input id="csv-app-name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          <div class="table-wrap">
            <table class="records">
              <thead><tr><th scope="col">{t("include")}</th><th scope="col">{t("fieldName")}</th><th scope="col">{t("fieldCode")}</th><th scope="col">{t("fieldType")}</th><th scope="col">{t("keyColumn")}</th><th scope="col">{t("valuesSeen")}</th></tr></thead>
              <tbody>
                {plan.map((p, i) => (
                  <tr>
                    <td><input type="checkbox" aria-label={`${t("include")}: ${p.label}`} checked={p.use} onChange={(e) => set(i, { use: (e.target as HTMLInputElement).checked })} /></td>
                    <td><input aria-label={`${t("fieldName")}: ${profile.columns[i].name}`} value={p.label} onInput={(e) => set(i, { label: (e.target as HTMLInputElement).value })} /></td>
                    <td><input aria-label={`${t("fieldCode")}: ${profile.columns[i].name}`} value={p.code} onInput={(e) => set(i, { code: (e.target as HTMLInputElement).value })} /></td>
                    <td>
                      <select aria-label={`${t("fieldType")}: ${profile.columns[i].name}`} value={p.type} onChange={(e) => retype(i, (e.target as HTMLSelectElement).value)}>
                        {TYPES.filter((x) => (x !== "DROP_DOWN" || profile.columns[i].values?.length) && (x !== "CHECK_BOX" || profile.columns[i].choices?.length)).map((x) => <option value={x}>{t(x === "MAIL" ? "linkMail" : (("ft_" + x) as Key))}</option>)}
                      </select>
                    </td>
                    <td>{KEY_TYPES.has(p.type) && <input type="checkbox" aria-label={`${t("keyColumn")}: ${p.label}`} checked={p.unique} onChange={(e) => set(i, { unique: (e.target as HTMLInputElement).checked })} />}</td>
                    <td class="values">{profile.sample.map((r) => r[i]).filter(Boolean).slice(0, 3).join(" / ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="actions"><button type="button" class="primary" disabled={!!busy || !name.trim()} onClick={create}>{t("createAndImport")}</button></div>
        </>
      )}
      {busy && <div class="import-progress" role="status" aria-live="polite"><progress aria-label={busy} max={100} value={pct ?? undefined} /><span>{busy}</span></div>}
      {done && (
        <p class="done" role="status">{done.text} <a href={`#/apps/${done.app}`}>{t("openApp")} ›</a></p>
      )}
    </div>
  );
}
