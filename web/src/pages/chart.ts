// pages/chart.ts - a graph's numbers drawn with Chart.js, in a chunk of its
// own that only the graph page loads. Bars, columns, lines, areas and
// splines (stacked or 100% as the graph's mode says) and pies; the first
// group along the axis, the second (if any) as series, else one series per
// aggregation. A click on a bar or slice calls onPick with its row's index.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController,
  LineElement, PieController, PointElement, Tooltip,
} from "chart.js";

Chart.register(ArcElement, BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PieController, PointElement, Tooltip);

interface Data {
  chartType: string; chartMode: string | null;
  aggregations: { type: string; label: string | null }[];
  rows: { keys: (string | null)[]; values: (string | null)[] }[];
}

// Colours that stay apart for most eyes (Okabe-Ito), then repeated.
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

export function draw(canvas: HTMLCanvasElement, d: Data, onPick: (row: number) => void): Chart {
  const key = (k: string | null) => k ?? "—";
  const type = d.chartType;
  const firsts = [...new Set(d.rows.map((r) => key(r.keys[0])))];
  const seconds = d.rows.some((r) => r.keys.length > 1) ? [...new Set(d.rows.map((r) => key(r.keys[1])))] : null;
  // the row behind each point, to open its records
  const rowAt: number[][] = [];
  const series = seconds
    ? seconds.map((s, si) => {
      rowAt[si] = [];
      return { label: s, data: firsts.map((f, fi) => { const i = d.rows.findIndex((r) => key(r.keys[0]) === f && key(r.keys[1]) === s); rowAt[si][fi] = i; return i >= 0 ? Number(d.rows[i].values[0]) : 0; }) };
    })
    : d.aggregations.map((a, ai) => {
      rowAt[ai] = d.rows.map((_, i) => i);
      return { label: a.label ?? a.type, data: d.rows.map((r) => Number(r.values[ai] ?? 0)) };
    });
  const stacked = d.chartMode === "STACKED" || d.chartMode === "PERCENTAGE";
  if (d.chartMode === "PERCENTAGE")
    for (let fi = 0; fi < firsts.length; fi++) {
      const sum = series.reduce((s, x) => s + x.data[fi], 0) || 1;
      for (const x of series) x.data[fi] = Math.round((x.data[fi] / sum) * 1000) / 10;
    }
  const pie = type === "PIE";
  const line = ["LINE", "AREA", "SPLINE", "SPLINE_AREA"].includes(type);
  return new Chart(canvas, {
    type: pie ? "pie" : line ? "line" : "bar",
    data: {
      labels: firsts,
      datasets: series.map((s, i) => ({
        ...s,
        backgroundColor: pie ? firsts.map((_, j) => COLOURS[j % COLOURS.length]) : COLOURS[i % COLOURS.length] + (line ? "55" : ""),
        borderColor: pie ? "#fff" : COLOURS[i % COLOURS.length],
        fill: type === "AREA" || type === "SPLINE_AREA" ? (stacked && i > 0 ? "-1" : "origin") : false,
        tension: type.startsWith("SPLINE") ? 0.4 : 0,
      })),
    },
    options: {
      animation: false,
      indexAxis: type === "BAR" ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      scales: pie ? {} : { x: { stacked }, y: { stacked, beginAtZero: true, max: d.chartMode === "PERCENTAGE" ? 100 : undefined } },
      plugins: { legend: { display: pie || series.length > 1 } },
      onClick: (_e, els) => {
        const el = els[0];
        if (!el) return;
        const row = pie ? el.index : rowAt[el.datasetIndex]?.[el.index];
        if (row !== undefined && row >= 0) onPick(row);
      },
    },
  });
}
