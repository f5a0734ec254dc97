// ui/DataFile.tsx - the file a user brings (CSV, or an Excel workbook whose
// first sheet becomes CSV, so .xlsx goes through the same import), with its
// encoding. ExcelJS is loaded only when a workbook is chosen: the rest of the
// UI does not carry it.
import { t } from "../i18n";

const quote = (s: string) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
// One CSV line, cells quoted where they need it.
export const csvLine = (cells: string[]) => cells.map(quote).join(",");
const pad = (n: number) => String(n).padStart(2, "0");

// What a cell shows, as text: dates as YYYY-MM-DD (with the time when it has one).
function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    const d = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    return v.getUTCHours() || v.getUTCMinutes() ? `${d}T${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:00Z` : d;
  }
  if (typeof v === "object") {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; hyperlink?: string };
    if (o.richText) return o.richText.map((r) => r.text).join("");
    if (o.result !== undefined) return text(o.result); // a formula: its value
    if (o.text !== undefined) return text(o.text); // a link
    return "";
  }
  return String(v);
}

const isWorkbook = (f: File) => /\.xlsx$/i.test(f.name);

async function workbookToCsv(file: File): Promise<File> {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await file.arrayBuffer());
  const sheet = book.worksheets[0];
  const lines: string[] = [];
  const width = sheet ? sheet.columnCount : 0;
  sheet?.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(text(row.getCell(c).value));
    lines.push(csvLine(cells));
  });
  return new File([lines.join("\r\n") + "\r\n"], file.name.replace(/\.xlsx$/i, ".csv"), { type: "text/csv" });
}

// A file chooser and an encoding chooser; a workbook is handed on as UTF-8 CSV.
export function DataFileChooser(p: {
  id: string; encoding: string; onEncoding: (e: string) => void;
  onFile: (f: File | null) => void; onError: (e: unknown) => void;
}) {
  const choose = async (f: File | null) => {
    if (f && isWorkbook(f)) {
      p.onEncoding("utf-8");
      f = await workbookToCsv(f).catch((err) => { p.onError(err); return null; });
    }
    p.onFile(f);
  };
  return (
    <div class="pair">
      <span>
        <label for={p.id + "-file"}>{t("chooseFile")}</label>
        <input id={p.id + "-file"} type="file" accept=".csv,text/csv,.xlsx" onChange={(e) => choose((e.target as HTMLInputElement).files?.[0] ?? null)} />
      </span>
      <span>
        <label for={p.id + "-enc"}>{t("encoding")}</label>
        <select id={p.id + "-enc"} value={p.encoding} onChange={(e) => p.onEncoding((e.target as HTMLSelectElement).value)}>
          <option value="auto">{t("encodingAuto")}</option>
          <option value="utf-8">UTF-8</option>
          <option value="sjis">Shift_JIS</option>
        </select>
      </span>
    </div>
  );
}
