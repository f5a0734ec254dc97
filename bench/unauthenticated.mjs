// bench/unauthenticated.mjs - what unauthenticated clients cost the server (issue 11):
// three 16 MB bodies at once and a 200 MB upload, the peak resident size
// before and after. Run from the top: node bench/unauthenticated.mjs
import { startServer } from "../tests/api/helpers/server.mjs";
import { readFileSync } from "node:fs";
import { request } from "node:http";
const s = await startServer();
const hwm = () => Number(readFileSync(`/proc/${s.proc.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)[1]);
function send(path, size, headers) {
  return new Promise((resolve) => {
    const req = request(s.base + path, { method: "POST", headers: { "Content-Length": String(size), ...headers } }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); });
    req.on("error", () => resolve("closed"));
    const chunk = Buffer.alloc(1 << 20, 0x61); let left = size;
    const pump = () => { while (left > 0) { const n = Math.min(left, chunk.length); left -= n; if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return req.once("drain", pump); } req.end(); };
    pump();
  });
}
const h0 = hwm();
const a = await Promise.all([1, 2, 3].map(() => send("/k/v1/records.json", 16 << 20, { "Content-Type": "application/json" })));
console.log("3 x 16 MB unauthenticated:", a.join(","), "peak RSS before", h0, "kB after", hwm(), "kB");
const t0 = Date.now();
const b = await send("/k/v1/file.json", 200 << 20, { "Content-Type": "multipart/form-data; boundary=x" });
console.log("200 MB unauthenticated upload:", b, Date.now() - t0, "ms; peak RSS", hwm(), "kB");
await s.stop();
