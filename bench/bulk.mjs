// bench/bulk.mjs - a sequential client POSTing records.json with 100 records per call.
//   node bulk.mjs BASE_URL PASSWORD APP CALLS   -> one JSON line: records/s, p50/p99 ms per call
const [base, password, app, calls = "200"] = process.argv.slice(2);
const auth = { "X-Cybozu-Authorization": Buffer.from(`Administrator:${password}`).toString("base64"), "Content-Type": "application/json" };
const times = [];
const t0 = Date.now();
for (let c = 0; c < Number(calls); c++) {
  const records = Array.from({ length: 100 }, (_, i) => ({
    事業所名: { value: "一括施設" + c }, 報告日: { value: "2025-07-01" }, 種別: { value: "誤嚥" },
    関係者数: { value: String(i % 9 + 1) }, 概要: { value: "食事中にむせ込みがあり吸引を行った。" }, 状態: { value: "未対応" },
  }));
  const body = JSON.stringify({ app: Number(app), records });
  const t = performance.now();
  const res = await fetch(base + "/k/v1/records.json", { method: "POST", headers: auth, body });
  await res.text();
  if (!res.ok) throw new Error("status " + res.status);
  times.push(performance.now() - t);
}
const secs = (Date.now() - t0) / 1000;
times.sort((a, b) => a - b);
console.log(JSON.stringify({ calls: Number(calls), recordsPerSec: Math.round((Number(calls) * 100) / secs),
  p50: +times[Math.floor(times.length * 0.5)].toFixed(1), p99: +times[Math.floor(times.length * 0.99)].toFixed(1) }));
process.exit(0);
