// The dashboard tab: one uPlot chart per series group of /console/api/timeline, fed once a second
// with the points after the last one held, and the chaos bands drawn behind them, beside the
// phases of the experiment runs the console holds (/console/api/experiments, every 5 s while the
// tab is shown, and whenever the experiments tab loads it). `uPlot` is the global of
// uPlot.iife.min.js, which index.html loads before the modules run.
import {api, poller, query} from "./api.js";
import {$, COLORS, MB, clockTime, compact, el, number} from "./format.js";
import {isShown, onShow} from "./tabs.js";

const WINDOW_MAX_S = 15 * 60;
const BREAKER_NAMES = ["CLOSED", "HALF-OPEN", "OPEN"];

// What each chart shows: series keys of /console/api/timeline, scaled for display.
const CHARTS = [
  // The service's view, with the gateway's (what users saw) beside it when it runs: the
  // gateway's lines are dashed.
  {id: "requests", title: "Requests/s", unit: "req/s",
   series: [{key: "requests_per_second", label: "service", color: COLORS.blue, fill: true},
            {key: "gateway_requests_per_second", label: "gateway", color: COLORS.grey,
             dash: [6, 3]}]},
  {id: "errors", title: "Error rate (5xx)", unit: "%", max: 100,
   series: [{key: "error_rate", label: "service", scale: 100, color: COLORS.red, fill: true},
            {key: "gateway_error_rate", label: "gateway", scale: 100, color: COLORS.grey,
             dash: [6, 3]}]},
  {id: "latency", title: "Latency (service)", unit: "ms",
   series: [{key: "latency_p50", label: "p50", scale: 1000, color: COLORS.green},
            {key: "latency_p95", label: "p95", scale: 1000, color: COLORS.orange},
            {key: "latency_p99", label: "p99", scale: 1000, color: COLORS.red}]},
  {id: "gateway-latency", title: "Latency (gateway: what users saw)", unit: "ms",
   series: [{key: "gateway_latency_p50", label: "p50", scale: 1000, color: COLORS.green},
            {key: "gateway_latency_p95", label: "p95", scale: 1000, color: COLORS.orange},
            {key: "gateway_latency_p99", label: "p99", scale: 1000, color: COLORS.red},
            {key: "gateway_queue_p95", label: "queue p95", scale: 1000, color: COLORS.purple,
             dash: [4, 4]}]},
  {id: "gateway-errors", title: "Gateway's own 502/503/504 per second", unit: "1/s",
   series: [{key: "gateway_own_errors_per_second", label: "5xx/s", color: COLORS.red,
             fill: true}]},
  {id: "cache", title: "Cache hit rate", unit: "%", max: 100,
   series: [{key: "cache_hit_rate", label: "hits", scale: 100, color: COLORS.teal, fill: true}]},
  {id: "db", title: "DB query p95", unit: "ms",
   series: [{key: "db_query_p95", label: "p95", scale: 1000, color: COLORS.purple}]},
  {id: "pool", title: "Connection pool", unit: "connections",
   series: [{key: "pool_active", label: "active", color: COLORS.blue, fill: true},
            {key: "pool_waiting", label: "waiting", color: COLORS.red},
            {key: "pool_size", label: "size", color: COLORS.grey, dash: [4, 4]}]},
  {id: "breaker", title: "Circuit breaker", unit: "", breaker: true,
   series: [{key: "breaker_state", label: "state", color: COLORS.red, stroke: "#4b5563",
             fill: true, step: true}]},
  {id: "fallbacks", title: "Fallbacks/s", unit: "1/s",
   series: [{key: "fallbacks_per_second", label: "fallbacks/s", color: COLORS.pink,
             fill: true}]},
  {id: "memory", title: "Memory", unit: "MB",
   series: [{key: "resident_memory_bytes", label: "resident", scale: 1 / MB,
             color: COLORS.blue},
            {key: "memory_leak_bytes", label: "leaked", scale: 1 / MB, color: COLORS.red,
             fill: true}]},
  // The guide's "Service CPU": a share of the machine, with the cores it comes to beside it.
  {id: "cpu", title: "Service CPU", unit: "%", max: 100,
   series: [{key: "cpu_utilization", label: "of the machine", scale: 100, color: COLORS.orange,
             fill: true, detail: {key: "cpu_cores", unit: "cores"}}]},
];

// The points held: times in seconds (uPlot's unit), values by key, oldest first.
export const timeline = {times: [], values: {}, bands: new Map(), lastMs: 0, phases: []};
export const charts = new Map();  // id → {plot, def, card, latest}
let dashboardPaused = false;

function windowSeconds() {
  return Number($("#dashboard-window").value) || WINDOW_MAX_S;
}

// The keys held: each chart's series and the figures shown beside them in the legend.
function seriesKeys() {
  return CHARTS.flatMap((def) => def.series.flatMap((s) => s.detail ? [s.key, s.detail.key]
                                                                    : [s.key]));
}

function mergeTimeline(answer) {
  const times = answer.time || [];
  const values = answer.values || {};
  for (let i = 0; i < times.length; ++i) {
    if (times[i] <= timeline.lastMs) continue;  // a repeat; the axis must keep increasing
    timeline.lastMs = times[i];
    timeline.times.push(times[i] / 1000);
    for (const key of seriesKeys()) {
      const column = values[key];
      (timeline.values[key] ||= new Array(timeline.times.length - 1).fill(null))
          .push(column && column[i] !== undefined ? column[i] : null);
    }
  }
  // Keep 15 minutes: the server's ring holds no more either.
  const last = timeline.times[timeline.times.length - 1];
  let drop = 0;
  while (drop < timeline.times.length && timeline.times[drop] < last - WINDOW_MAX_S) ++drop;
  if (drop > 0) {
    timeline.times.splice(0, drop);
    for (const key of Object.keys(timeline.values)) timeline.values[key].splice(0, drop);
  }
  // Bands are sent while open or ending after `since`: the newest answer wins.
  for (const band of answer.chaos || []) timeline.bands.set(band.start, band);
  for (const [start, band] of timeline.bands)
    if (band.end !== null && band.end !== undefined && band.end / 1000 < last - WINDOW_MAX_S)
      timeline.bands.delete(start);
}

// How each kind of band is shaded: chaos red; an experiment's injection violet and its recovery
// the same, lighter (its baseline is left plain: nothing was done to the service then).
const BAND_STYLES = {
  chaos: {fill: "rgba(220, 38, 38, 0.13)", edge: "rgba(220, 38, 38, 0.55)",
          text: "rgba(153, 27, 27, 0.9)", top: true},
  injection: {fill: "rgba(124, 58, 237, 0.16)", edge: "rgba(124, 58, 237, 0.6)",
              text: "rgba(76, 29, 149, 0.9)", top: false},
  recovery: {fill: "rgba(124, 58, 237, 0.06)", edge: "rgba(124, 58, 237, 0.3)",
             text: "rgba(76, 29, 149, 0.75)", top: false},
};

// The runs' injection and recovery phases as bands (times in ms, like the chaos bands).
export function setExperimentRuns(runs) {
  timeline.phases = [];
  for (const run of runs || [])
    for (const phase of run.phases || [])
      if (phase.name === "injection" || phase.name === "recovery")
        timeline.phases.push({kind: phase.name, start: phase.start, end: phase.end,
                              description: `${phase.name}: ${run.experiment || run.title}`});
  if (isShown("dashboard") && !dashboardPaused) for (const {plot} of charts.values()) plot.redraw();
}

// One translucent rectangle behind the series, with its description when there is room for it:
// a chaos band's along the top, an experiment phase's along the bottom, so both can be read.
function drawBand(plot, band, style, lastTime) {
  const {ctx} = plot;
  const {left, top, width, height} = plot.bbox;
  const start = band.start / 1000;
  const end = band.end === null || band.end === undefined ? lastTime : band.end / 1000;
  let x0 = plot.valToPos(start, "x", true);
  let x1 = plot.valToPos(end, "x", true);
  if (x1 < left || x0 > left + width) return;
  x0 = Math.max(x0, left);
  x1 = Math.min(x1, left + width);
  ctx.fillStyle = style.fill;
  ctx.fillRect(x0, top, Math.max(x1 - x0, 2 * devicePixelRatio), height);
  ctx.fillStyle = style.edge;
  ctx.fillRect(x0, top, Math.max(devicePixelRatio, 1), height);
  const label = band.description || "chaos";
  const fontPx = 10 * devicePixelRatio;
  ctx.font = `${fontPx}px system-ui, sans-serif`;
  ctx.textAlign = "left";  // uPlot leaves the axes' alignment on the context
  ctx.textBaseline = "alphabetic";
  if (x1 - x0 > ctx.measureText(label).width + 8 * devicePixelRatio) {
    ctx.fillStyle = style.text;
    const y = style.top ? top + fontPx + 2 * devicePixelRatio : top + height - 4 * devicePixelRatio;
    ctx.fillText(label, x0 + 4 * devicePixelRatio, y);
  }
}

// The experiments' phases, then the chaos bands over them.
function drawBands(plot) {
  if (timeline.bands.size === 0 && timeline.phases.length === 0) return;
  const {ctx} = plot;
  const {left, top, width, height} = plot.bbox;
  const lastTime = timeline.times[timeline.times.length - 1] ?? Date.now() / 1000;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const phase of timeline.phases) drawBand(plot, phase, BAND_STYLES[phase.kind], lastTime);
  for (const band of timeline.bands.values()) drawBand(plot, band, BAND_STYLES.chaos, lastTime);
  ctx.restore();
}

function axisFormatter(def) {
  if (def.breaker) return (plot, splits) => splits.map((v) => BREAKER_NAMES[v] ?? "");
  return (plot, splits) => splits.map((v) => compact(v, v !== 0 && Math.abs(v) < 1 ? 3 : 1));
}

// Legend values: under the cursor, the hovered point; otherwise the latest one. `format` gets
// the value and its index in the timeline (the plot's data are the whole timeline).
function legendValue(format) {
  return (plot, value, seriesIndex, index) => {
    if (index === null || index === undefined) {
      const column = plot.data[seriesIndex] || [];
      value = null;
      for (let i = column.length - 1; i >= 0; --i) if (column[i] !== null) {
        value = column[i];
        index = i;
        break;
      }
    }
    return value === null ? "–" : format(value, index);
  };
}

// " · 0.4 cores": a series' detail figure at timeline index `i`, or nothing.
function detailText(detail, i) {
  const value = detail ? (timeline.values[detail.key] || [])[i] : null;
  return value === null || value === undefined ? "" : ` · ${number(value)} ${detail.unit}`;
}

// Time axis labels: HH:MM when every tick is on a whole minute, else HH:MM:SS.
function timeAxisValues(plot, splits) {
  const wholeMinutes = splits.every((v) => Math.round(v) % 60 === 0);
  return splits.map((v) => {
    const text = clockTime(v * 1000);
    return wholeMinutes ? text.slice(0, 5) : text;
  });
}

function chartOptions(def, width) {
  const series = [{label: "time", value: legendValue((v) => clockTime(v * 1000))}];
  for (const s of def.series) {
    series.push({
      label: s.label,
      stroke: s.stroke || s.color,
      width: 1.5,
      fill: s.fill ? `${s.color}22` : undefined,
      dash: s.dash || [],  // never undefined: the canvas would refuse it after a dashed one
      spanGaps: false,
      paths: s.step ? uPlot.paths.stepped({align: 1}) : undefined,
      points: {show: false},
      value: legendValue(def.breaker ? (v) => BREAKER_NAMES[Math.round(v)] ?? String(v)
                                     : (v, i) => `${number(v)} ${def.unit}`.trim() +
                                                 detailText(s.detail, i)),
    });
  }
  const yRange = def.breaker
      ? () => [0, 2.15]
      : (plot, min, max) => {
          const top = def.max !== undefined ? Math.max(def.max * 0.05, max ?? 0)
                                            : (max ?? 0);
          const upper = top <= 0 ? 1 : top * 1.1;
          return [0, def.max !== undefined ? Math.min(def.max, upper) : upper];
        };
  return {
    width,
    height: 170,
    cursor: {sync: {key: "dashboard"}, drag: {x: false, y: false}},
    legend: {live: true},
    scales: {
      x: {
        time: true,
        range: () => {
          const last = timeline.times[timeline.times.length - 1] ?? Date.now() / 1000;
          const first = timeline.times[0] ?? last;
          const span = Math.min(windowSeconds(), Math.max(30, last - first));
          return [last - span, last];
        },
      },
      y: {range: yRange},
    },
    axes: [
      {stroke: "#4b5563", grid: {stroke: "#e5e7eb", width: 1}, ticks: {stroke: "#d1d5db"},
       values: timeAxisValues, space: 60},
      {stroke: "#4b5563", grid: {stroke: "#e5e7eb", width: 1}, ticks: {stroke: "#d1d5db"},
       size: def.breaker ? 92 : 52, values: axisFormatter(def),
       splits: def.breaker ? () => [0, 1, 2] : undefined},
    ],
    series,
    hooks: {drawClear: [drawBands]},
  };
}

function chartData(def) {
  const columns = [timeline.times];
  for (const s of def.series) {
    const raw = timeline.values[s.key] || [];
    const scale = s.scale ?? 1;
    columns.push(timeline.times.map((_, i) => (raw[i] === null || raw[i] === undefined
                                                   ? null : raw[i] * scale)));
  }
  return columns;
}

export function buildCharts() {
  const container = $("#charts");
  for (const def of CHARTS) {
    const latest = el("span", {class: "latest"});
    const body = el("div", {class: "chart-body"});
    const card = el("figure", {class: "chart", id: `chart-${def.id}`,
                               dataset: {key: def.series[0].key, points: "0"},
                               "aria-labelledby": `chart-${def.id}-title`},
                    el("figcaption", {},
                       el("span", {class: "chart-title", id: `chart-${def.id}-title`,
                                   text: def.title}),
                       latest),
                    body);
    container.append(card);
    const plot = new uPlot(chartOptions(def, Math.max(body.clientWidth, 200)),
                           chartData(def), body);
    charts.set(def.id, {plot, def, card, body, latest});
    new ResizeObserver(() => {
      const width = body.clientWidth;
      if (width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({width, height: 170});
    }).observe(body);
  }
}

function lastValue(key) {
  const column = timeline.values[key] || [];
  for (let i = column.length - 1; i >= 0; --i) if (column[i] !== null) return column[i];
  return null;
}

function renderDashboard() {
  for (const {plot, def, card, latest} of charts.values()) {
    plot.setData(chartData(def));
    const first = def.series[0];
    const column = timeline.values[first.key] || [];
    card.dataset.points = String(column.filter((v) => v !== null).length);
    const value = lastValue(first.key);
    if (def.breaker) {
      latest.textContent = value === null ? "" : BREAKER_NAMES[Math.round(value)] ?? "";
      latest.className = `latest state ${["ok", "warn", "bad"][Math.round(value)] || ""}`;
    } else {
      const detail = first.detail ? lastValue(first.detail.key) : null;
      latest.textContent = value === null ? "" :
          `${number(value * (first.scale ?? 1))} ${def.unit}`.trim() +
          (detail === null ? "" : ` · ${number(detail)} ${first.detail.unit}`);
    }
  }
  const open = [...timeline.bands.values()].filter((b) => b.end === null || b.end === undefined);
  const chaosNow = $("#chaos-now");
  chaosNow.hidden = open.length === 0;
  chaosNow.textContent = open.length ? `Chaos on since ${clockTime(open[0].start)}: ` +
                                       open.map((b) => b.description).join("; ") : "";
  if (timeline.lastMs)
    $("#dashboard-updated").textContent =
        `${timeline.times.length} points; latest ${clockTime(timeline.lastMs)}`;
}

export const timelinePoller = poller("Dashboard", 1000, async () => {
  const since = timeline.lastMs ? timeline.lastMs : undefined;
  const answer = await api(`/console/api/timeline${query({since})}`);
  mergeTimeline(answer);
  if (isShown("dashboard") && !dashboardPaused) renderDashboard();
});

// The runs' phases change only when a run ends: every 5 s is soon enough.
const phasePoller = poller("Experiment phases", 5000, async () => {
  const answer = await api("/console/api/experiments");
  setExperimentRuns(answer.runs);
}, () => isShown("dashboard"));

$("#dashboard-pause").addEventListener("click", (event) => {
  dashboardPaused = !dashboardPaused;
  event.currentTarget.setAttribute("aria-pressed", String(dashboardPaused));
  event.currentTarget.textContent = dashboardPaused ? "Resume" : "Pause";
  if (!dashboardPaused) renderDashboard();
});
$("#dashboard-window").addEventListener("change", renderDashboard);
onShow.dashboard = () => {
  phasePoller.start();
  // Charts drawn while hidden have no width: size them now.
  requestAnimationFrame(() => {
    for (const {plot, body} of charts.values())
      if (body.clientWidth > 0) plot.setSize({width: body.clientWidth, height: 170});
    renderDashboard();
  });
};
