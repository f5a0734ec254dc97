// bench/import.mjs - a CSV file of N generated incident reports (the same
// records bench/gen.mjs loads through the API) and an empty incident app to
// import it into.
//   node import.mjs BASE_URL PASSWORD N FILE   -> one JSON line: {app, file, bytes}
import { createWriteStream } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { facilityRecords, incidentRecord, INCIDENT_FIELDS, INCIDENT_VIEWS } from "./incidents.mjs";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "package.json"));
const { KintoneRestAPIClient } = require("@kintone/rest-api-client");
const [base, password, total, file] = process.argv.slice(2);
const c = new KintoneRestAPIClient({ baseUrl: base, auth: { username: "Administrator", password } });

const { app } = await c.app.addApp({ name: "事故報告 (CSV)" });
await c.app.addFormFields({ app, properties: INCIDENT_FIELDS });
await c.app.updateViews({ app, views: INCIDENT_VIEWS });
await c.app.deployApp({ apps: [{ app }] });

// cli-kintone's format: field codes in the header, several values on separate lines
const quote = (s) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
const cell = (v) => (Array.isArray(v) ? v.map((x) => (typeof x === "object" ? x.code : x)).join("\n") : String(v ?? ""));
const codes = Object.keys(INCIDENT_FIELDS);
const out = createWriteStream(file);
const write = (line) => (out.write(line) ? null : new Promise((r) => out.once("drain", r)));
await write(codes.map(quote).join(",") + "\r\n");
const facs = facilityRecords();
let bytes = 0;
for (let i = 0; i < Number(total); i++) {
  const r = incidentRecord(i, facs);
  const line = codes.map((k) => quote(cell(r[k].value))).join(",") + "\r\n";
  bytes += Buffer.byteLength(line);
  await write(line);
}
await new Promise((r) => out.end(r));
console.log(JSON.stringify({ app, file, bytes }));
process.exit(0);
