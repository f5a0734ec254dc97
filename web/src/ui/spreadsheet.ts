// ui/spreadsheet.ts - an Excel workbook's first sheet as a CSV file, so that
// .xlsx goes through the same import as CSV. ExcelJS is loaded only when a
// workbook is chosen: the rest of the UI does not carry it.
const quote = (s: string) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
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

export const isWorkbook = (f: File) => /\.xlsx$/i.test(f.name);

export async function workbookToCsv(file: File): Promise<File> {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await file.arrayBuffer());
  const sheet = book.worksheets[0];
  const lines: string[] = [];
  const width = sheet ? sheet.columnCount : 0;
  sheet?.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(quote(text(row.getCell(c).value)));
    lines.push(cells.join(","));
  });
  return new File([lines.join("\r\n") + "\r\n"], file.name.replace(/\.xlsx$/i, ".csv"), { type: "text/csv" });
}
