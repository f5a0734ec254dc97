// views/Gallery.tsx - the gallery view (our views.json type GALLERY): a page
// of cards, each with the first picture of the view's attachment field as a
// thumbnail the server makes, the record's title and the chosen fields.
import { useEffect, useState } from "preact/hooks";
import { call, k, type KRecord } from "../api";
import { t } from "../i18n";
import { ErrorBox, withProgress } from "../ui/feedback";
import { CardFields, cardTitle, titleCodes, type ViewProps } from "./cards";

const PAGE = 24;
const THUMB_PX = 250;

export function Gallery({ appId, meta, view, cond, page, onMove }: ViewProps) {
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const image = meta.fields[view.image ?? ""];
  const load = () => {
    withProgress(call<{ records: KRecord[]; totalCount: string }>("GET", k("/records.json"), {
      app: appId, totalCount: true, fields: ["$id", ...(image ? [image.code] : []), ...(view.fields ?? []), ...titleCodes(meta)],
      query: `${cond} order by ${view.sort || "$id desc"} limit ${PAGE} offset ${(page - 1) * PAGE}`,
    }))
      .then((r) => { setRecords(r.records); setTotal(Number(r.totalCount)); setError(null); })
      .catch(setError);
  };
  useEffect(load, [appId, view.id, cond, page]);
  if (!records) return error ? <ErrorBox error={error} onRetry={load} /> : <p aria-busy="true">{t("loading")}</p>;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <section class="gallery" aria-label={view.name}>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {records.length === 0 && <p class="empty">{t("noRecords")}</p>}
      <ul class="gallery-grid">
        {records.map((r) => {
          const files = (image && (r[image.code]?.value as { fileKey: string; name: string; contentType: string }[])) || [];
          const pic = files.find((f) => f.contentType.startsWith("image/"));
          return (
            <li class="card">
              <a href={`#/apps/${appId}/records/${r.$id.value}`}>
                {pic
                  ? <img src={`/api/thumbnail?fileKey=${encodeURIComponent(pic.fileKey)}&size=${THUMB_PX}`} alt={pic.name} loading="lazy" />
                  : <span class="no-image">{t("noImage")}</span>}
                <span class="card-title">{cardTitle(meta, r)}</span>
              </a>
              <CardFields meta={meta} record={r} codes={view.fields ?? []} />
            </li>
          );
        })}
      </ul>
      {pages > 1 && (
        <div class="list-tools">
          <span class="spacer" />
          <span class="range">{t("pageRange", { from: (page - 1) * PAGE + 1, to: (page - 1) * PAGE + records.length })}</span>
          <button type="button" disabled={page <= 1} onClick={() => onMove({ page: page - 1 })}>‹ {t("prevPage")}</button>
          <button type="button" disabled={page >= pages} onClick={() => onMove({ page: page + 1 })}>{t("nextPage")} ›</button>
        </div>
      )}
    </section>
  );
}
