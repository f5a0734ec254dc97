// fields/values.tsx - how attachments, tables and related records look on a
// record's page (the other types are text: display() in types.ts).
import { useEffect, useState } from "preact/hooks";
import { call, k, qstr, type FieldProp, type KRecord } from "../api";
import { formFields } from "../data";
import { display } from "./types";
import { t } from "../i18n";
import { ErrorBox } from "../ui/feedback";

// fresh: uploaded in this edit, not yet a record's (no download key); preview: its local copy
export interface FileEntry { fileKey: string; name: string; size: string; contentType: string; fresh?: boolean; preview?: string }

const fileUrl = (key: string) => `${k("/file.json")}?fileKey=${encodeURIComponent(key)}`;

function size(bytes: string): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// Attachments: images as thumbnails of the field's thumbnail size, every file
// with its name, size and a download link. A file uploaded but not saved yet
// has no download key: its preview is the local copy.
export function FileList({ field, files, onRemove }: { field: FieldProp; files: FileEntry[]; onRemove?: (i: number) => void }) {
  const px = Number(field.thumbnailSize ?? 150);
  return (
    <ul class="files">
      {files.map((f, i) => {
        // a saved picture comes as a thumbnail the server makes; one it cannot read is not shown
        const src = f.fresh ? f.preview : `/api/thumbnail?fileKey=${encodeURIComponent(f.fileKey)}&size=${px}`;
        return (
          <li>
            {f.contentType.startsWith("image/") && src && (
              <img src={src} alt={f.name} style={{ maxWidth: px + "px", maxHeight: px + "px" }} loading="lazy"
                onError={(e) => ((e.target as HTMLImageElement).hidden = true)} />
            )}
            <span class="file-name">
              {f.fresh ? f.name : <a href={fileUrl(f.fileKey)} download={f.name}>{f.name}</a>} <small>({size(f.size)})</small>
            </span>
            {onRemove && <button type="button" aria-label={`${t("remove")} ${f.name}`} onClick={() => onRemove(i)}>×</button>}
          </li>
        );
      })}
    </ul>
  );
}

// A table's rows, read-only.
export function TableValue({ field, rows }: { field: FieldProp; rows: { id?: string; value: KRecord }[] }) {
  const cols = Object.values(field.fields ?? {}) as FieldProp[];
  if (!rows?.length) return <p class="muted">{t("noRows")}</p>;
  return (
    <table class="subtable">
      <thead><tr>{cols.map((g) => <th scope="col">{g.label}</th>)}</tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr>{cols.map((g) => <td>{g.type === "FILE" ? <FileList field={g} files={r.value[g.code]?.value ?? []} /> : display(g.type, r.value[g.code]?.value)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

interface Reference {
  relatedApp: { app: string };
  condition: { field: string; relatedField: string };
  filterCond: string;
  displayFields: string[];
  sort: string;
  size: string;
}

const CHOICE = ["DROP_DOWN", "RADIO_BUTTON", "CHECK_BOX", "MULTI_SELECT", "USER_SELECT", "STATUS"];

// Related records: the other app's records whose condition field holds this
// record's value, with the field's own filter and sort, a page at a time.
export function RelatedRecords({ field, value }: { field: FieldProp; value: any }) {
  const ref = field.referenceTable as Reference;
  const [src, setSrc] = useState<Record<string, FieldProp> | null>(null);
  const [records, setRecords] = useState<KRecord[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const size = Number(ref.size || 5);
  const empty = value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
  useEffect(() => void formFields(ref.relatedApp.app).then(setSrc).catch(setError), [ref.relatedApp.app]);
  useEffect(() => {
    if (!src || empty) return;
    const their = src[ref.condition.relatedField];
    const v = Array.isArray(value) ? value[0]?.code ?? value[0] : value;
    const cond = CHOICE.includes(their?.type) ? `${ref.condition.relatedField} in (${qstr(v)})` : `${ref.condition.relatedField} = ${qstr(v)}`;
    const where = [cond, ref.filterCond].filter(Boolean).map((c) => `(${c})`).join(" and ");
    call<{ records: KRecord[] }>("GET", k("/records.json"), {
      app: ref.relatedApp.app, query: `${where} ${ref.sort ? "order by " + ref.sort : ""} limit ${size + 1} offset ${offset}`,
    }).then((r) => { setRecords(r.records.slice(0, size)); setMore(r.records.length > size); setError(null); }).catch(setError);
  }, [src, value, offset]);
  if (error) return <ErrorBox error={error} />;
  if (empty || (records && records.length === 0 && offset === 0)) return <p class="muted">{t("refNone")}</p>;
  if (!records || !src) return <p aria-busy="true">{t("loading")}</p>;
  const cols = ref.displayFields.length ? ref.displayFields : [ref.condition.relatedField];
  return (
    <div class="related">
      <table class="records">
        <thead><tr>{cols.map((c) => <th scope="col">{src[c]?.label ?? c}</th>)}</tr></thead>
        <tbody>
          {records.map((r) => (
            <tr>
              {cols.map((c, i) => (
                <td>{i === 0 ? <a href={`#/apps/${ref.relatedApp.app}/records/${r.$id.value}`}>{display(r[c]?.type ?? "", r[c]?.value) || "—"}</a> : display(r[c]?.type ?? "", r[c]?.value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {(offset > 0 || more) && (
        <div class="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - size))}>{t("prevPage")}</button>
          <button type="button" disabled={!more} onClick={() => setOffset(offset + size)}>{t("nextPage")}</button>
        </div>
      )}
    </div>
  );
}
