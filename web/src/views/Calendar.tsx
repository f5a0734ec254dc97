// views/Calendar.tsx - kintone's calendar view (views.json type CALENDAR):
// a month or a week, each record on the day of its date field under its
// title field. Only the days on screen are read (one range query on the date
// field, which deploy indexes); a day with more records than it shows says
// how many more, counted per day in one grouped query. A record dragged to
// another day gets that date (with its revision, so a change made meanwhile
// is not overwritten); a day's ＋ adds a record on that date.
import { useEffect, useState } from "preact/hooks";
import { call, k, qstr, type KRecord } from "../api";
import { getLang, t } from "../i18n";
import { ErrorBox, explain, notify, withProgress } from "../ui/feedback";
import { level } from "../pages/RecordList";
import { and, cardTitle, countBy, type ViewProps } from "./cards";

const MAX_READ = 500; // records read for the days on screen
const MONTH_SHOWN = 3; // records a day of the month grid shows; the rest are counted

const pad = (n: number) => String(n).padStart(2, "0");
const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const parseDay = (s: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date();
};
const utc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

// The days on screen: whole weeks, Sunday first, around the month or the week of `at`.
function days(at: Date, span: string): Date[] {
  const first = span === "week" ? at : new Date(at.getFullYear(), at.getMonth(), 1);
  const start = addDays(first, -first.getDay());
  const last = span === "week" ? start : new Date(at.getFullYear(), at.getMonth() + 1, 0);
  const end = addDays(last, 6 - last.getDay());
  const out: Date[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

export function Calendar({ appId, meta, view, cond, at, span, onMove }: ViewProps) {
  const field = meta.fields[view.date ?? ""];
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [counts, setCounts] = useState<Map<string | null, number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [over, setOver] = useState<string | null>(null);
  const day0 = parseDay(at);
  const shown = days(day0, span);
  const from = shown[0], to = shown[shown.length - 1];
  const isDate = field?.type === "DATE";
  // the days' span as the field holds it: dates, or the local days' instants
  const range = !field ? "" : isDate
    ? `${field.code} >= "${ymd(from)}" and ${field.code} <= "${ymd(to)}"`
    : `${field.code} >= ${qstr(utc(from))} and ${field.code} < ${qstr(utc(addDays(to, 1)))}`;
  const dayOf = (r: KRecord) => {
    const v = r[field.code]?.value as string | null;
    return !v ? "" : isDate ? v : ymd(new Date(v));
  };

  const load = () => {
    if (!field) return;
    const query = `${and(cond, range)} order by ${field.code} asc, $id asc limit ${MAX_READ}`;
    withProgress(call<{ records: KRecord[]; totalCount: string }>("GET", k("/records.json"), {
      app: appId, query, totalCount: true, fields: ["$id", "$revision", field.code, ...(view.title ? [view.title] : [])],
    }))
      .then(async (r) => {
        // more than were read: each day's number from the database
        const perDay = Number(r.totalCount) > r.records.length ? await countBy(appId, field.code, and(cond, range), "DAY") : null;
        setCounts(perDay && new Map([...perDay].map(([key, n]) => [key?.slice(0, 10) ?? null, n])));
        setRecords(r.records);
        setError(null);
      })
      .catch(setError);
  };
  useEffect(load, [appId, view.id, cond, at, span]);
  if (!field) return <ErrorBox error={new Error(t("viewFieldGone", { code: view.date ?? "" }))} />;

  const movable = meta.rights.app.edit && (field.type === "DATE" || field.type === "DATETIME") && level(meta, field.code) === "WRITE";
  const addable = meta.rights.app.add && (field.type === "DATE" || field.type === "DATETIME") && level(meta, field.code) === "WRITE";
  const byDay = new Map<string, KRecord[]>();
  for (const r of records ?? []) {
    const d = dayOf(r);
    byDay.set(d, [...(byDay.get(d) ?? []), r]);
  }
  const move = async (id: string, day: string) => {
    const r = records?.find((x) => x.$id.value === id);
    if (!r || dayOf(r) === day) return;
    let value = day;
    if (!isDate) { // the same time of day on the new day
      const was = new Date(r[field.code].value), d = parseDay(day);
      value = utc(new Date(d.getFullYear(), d.getMonth(), d.getDate(), was.getHours(), was.getMinutes()));
    }
    try {
      await withProgress(call("PUT", k("/record.json"), { app: appId, id, revision: r.$revision.value, record: { [field.code]: { value } } }));
      notify(t("calMoved", { title: cardTitle(meta, r, view.title), day: dayLabel(parseDay(day)) }));
    } catch (e) {
      notify(explain(e), "error");
    }
    load();
  };
  const lang = getLang() === "ja" ? "ja-JP" : "en-US";
  const dayLabel = (d: Date) => d.toLocaleDateString(lang, { month: "long", day: "numeric", weekday: "short" });
  const heading = span === "week"
    ? `${from.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" })} – ${to.toLocaleDateString(lang, { month: "long", day: "numeric" })}`
    : day0.toLocaleDateString(lang, { year: "numeric", month: "long" });
  const step = (n: number) => onMove({ at: ymd(span === "week" ? addDays(day0, 7 * n) : new Date(day0.getFullYear(), day0.getMonth() + n, 1)) });
  const today = ymd(new Date());
  // the list of one day's records, for the ones a day has no room for
  const dayList = (day: string) => {
    const d = parseDay(day);
    const one = isDate ? `${field.code} = "${day}"` : `${field.code} >= ${qstr(utc(d))} and ${field.code} < ${qstr(utc(addDays(d, 1)))}`;
    return `#/apps/${appId}?q=${encodeURIComponent(and(cond, one))}`;
  };

  return (
    <section class="calendar" aria-labelledby="cal-h">
      <div class="cal-head">
        <button type="button" onClick={() => step(-1)} aria-label={t("calPrev")}>‹</button>
        <button type="button" onClick={() => onMove({ at: today })}>{t("calToday")}</button>
        <button type="button" onClick={() => step(1)} aria-label={t("calNext")}>›</button>
        <h2 id="cal-h" aria-live="polite">{heading}</h2>
        <span class="spacer" />
        <div class="segmented" role="group" aria-label={t("calSpan")}>
          <button type="button" aria-pressed={span !== "week"} onClick={() => onMove({ span: "month" })}>{t("calMonth")}</button>
          <button type="button" aria-pressed={span === "week"} onClick={() => onMove({ span: "week" })}>{t("calWeek")}</button>
        </div>
      </div>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {movable && <p class="hint" id="cal-keys">{t("calDragHint")}</p>}
      <table class={`cal-grid ${span === "week" ? "week" : "month"}`} aria-labelledby="cal-h" aria-busy={!records}>
        <thead>
          <tr>{shown.slice(0, 7).map((d) => <th scope="col">{d.toLocaleDateString(lang, { weekday: "short" })}</th>)}</tr>
        </thead>
        <tbody>
        {Array.from({ length: shown.length / 7 }, (_, w) => (
          <tr>
            {shown.slice(w * 7, w * 7 + 7).map((d) => {
              const day = ymd(d);
              const list = byDay.get(day) ?? [];
              const cap = span === "week" ? list.length : MONTH_SHOWN;
              const total = counts?.get(day) ?? list.length;
              const hidden = total - Math.min(cap, list.length);
              return (
                <td class={`cal-day${d.getMonth() !== day0.getMonth() && span !== "week" ? " other-month" : ""}${day === today ? " today" : ""}${over === day ? " drop" : ""}`}
                  data-day={day}
                  onDragOver={(e) => { if (movable) { e.preventDefault(); setOver(day); } }}
                  onDragLeave={() => setOver((o) => (o === day ? null : o))}
                  onDrop={(e) => { e.preventDefault(); setOver(null); const id = e.dataTransfer?.getData("text/plain"); if (id) move(id, day); }}>
                  <div class="cal-day-head">
                    <span class="cal-date"><span class="visually-hidden">{dayLabel(d)}</span><span aria-hidden="true">{d.getDate()}</span></span>
                    {addable && (
                      <a class="cal-add" href={`#/apps/${appId}/new?v.${encodeURIComponent(field.code)}=${encodeURIComponent(isDate ? day : utc(new Date(d.getFullYear(), d.getMonth(), d.getDate(), 9)))}`}
                        aria-label={t("calAddOn", { day: dayLabel(d) })} title={t("calAddOn", { day: dayLabel(d) })}>＋</a>
                    )}
                  </div>
                  <ul>
                    {list.slice(0, cap).map((r) => {
                      const v = r[field.code]?.value as string;
                      const time = !isDate && v ? new Date(v).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }) + " " : "";
                      return (
                        <li>
                          <a class="cal-item" href={`#/apps/${appId}/records/${r.$id.value}`} draggable={movable}
                            aria-describedby={movable ? "cal-keys" : undefined}
                            onDragStart={(e) => { e.dataTransfer!.setData("text/plain", r.$id.value as string); e.dataTransfer!.effectAllowed = "move"; }}
                            onKeyDown={(e) => { // with the keyboard: Alt and an arrow moves it a day, or a week
                              const by = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
                              if (movable && e.altKey && by) { e.preventDefault(); move(r.$id.value as string, ymd(addDays(parseDay(dayOf(r)), by))); }
                            }}>
                            {time}{cardTitle(meta, r, view.title)}
                          </a>
                        </li>
                      );
                    })}
                  </ul>
                  {hidden > 0 && <a class="cal-more" href={dayList(day)}>{t("calMore", { n: hidden })}</a>}
                </td>
              );
            })}
          </tr>
        ))}
        </tbody>
      </table>
    </section>
  );
}
