// bench/pdf.mjs BASE PASSWORD APP - a PDF of every record of APP, a page each
// by the form's layout, as the browser asks for it (POST /api/print, then
// progress until it is done): {ms, pages, bytes}.
import { execFileSync } from "node:child_process";
import { writeFileSync, statSync } from "node:fs";
const [base, pw, app] = process.argv.slice(2);
const headers = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${pw}`).toString("base64"), "Content-Type": "application/json" };
const t0 = Date.now();
const { id } = await (await fetch(`${base}/api/print`, { method: "POST", headers, body: JSON.stringify({ app, query: "order by $id asc" }) })).json();
let job;
do {
  await new Promise((r) => setTimeout(r, 200));
  job = await (await fetch(`${base}/api/print?id=${id}`, { headers })).json();
} while (job.status === "QUEUED" || job.status === "RUNNING");
const ms = Date.now() - t0;
if (job.status !== "DONE") throw new Error(JSON.stringify(job));
const file = `/tmp/tsumiki-bench-${id}.pdf`;
writeFileSync(file, Buffer.from(await (await fetch(`${base}/api/print/file?id=${id}`, { headers })).arrayBuffer()));
const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file]).toString())[1]);
console.log(JSON.stringify({ ms, pages, bytes: statSync(file).size }));
