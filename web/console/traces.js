// The traces tab: the trace store searched through /console/api/traces, and one trace opened as
// a flame graph with its spans' tags and the log lines it wrote.
import {announce, api, poller, query} from "./api.js";
import {$, MB, clockTime, el, isHex, logFields, logTime, ms, number} from "./format.js";
import {isShown, onShow} from "./tabs.js";

const traceForm = $("#trace-filter");
let openTraceId = null;
let selectedSpanId = null;

function tagBadges(tags) {
  return Object.entries(tags || {}).map(([key, value]) => {
    const bad = (key === "resilience.circuit_breaker.state" && value !== "CLOSED") ||
                key === "error.type";
    return el("span", {class: `tag${bad ? " bad" : ""}`, text: `${key}: ${value}`});
  });
}

async function loadTraces() {
  const form = new FormData(traceForm);
  const params = {
    status: form.get("status"), min_ms: form.get("min_ms"),
    resource: form.get("resource").trim(), tag: form.get("tag").trim(),
    limit: form.get("limit"),
  };
  const answer = await api(`/console/api/traces${query(params)}`);
  const body = $("#trace-list tbody");
  body.replaceChildren(...answer.traces.map((trace) => el("tr", {
    class: `${trace.error ? "error" : ""}${trace.trace_id === openTraceId ? " current" : ""}`,
    dataset: {traceId: trace.trace_id},
  },
      el("td", {text: clockTime(trace.start_ms, true)}),
      el("td", {}, el("a", {href: `#traces/${trace.trace_id}`, class: "trace-link",
                            text: trace.resource || trace.name,
                            title: `trace ${trace.trace_id}`})),
      el("td", {class: "num", text: ms(trace.duration_ms)}),
      el("td", {}, el("span", {class: `code ${trace.error ? "bad" : "ok"}`,
                               text: trace.status_code || (trace.error ? "error" : "ok")})),
      el("td", {class: "num", text: trace.span_count}),
      el("td", {class: "tags"}, tagBadges(trace.tags)))));
  $("#trace-empty").hidden = answer.traces.length > 0;
  const stats = answer.stats || {};
  $("#trace-stats").textContent =
      `${answer.traces.length} shown; the store holds ${stats.traces ?? "?"} traces ` +
      `(${number((stats.bytes ?? 0) / MB, 1)} MB), ${stats.added ?? "?"} added, ` +
      `${stats.evicted ?? "?"} evicted`;
}

traceForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await loadTraces();
  } catch (error) {
    announce(error.message, "error");
  }
});
const tracePoller = poller("Traces", 2000, loadTraces,
                           () => isShown("traces") && $("#trace-live").checked);
$("#trace-live").addEventListener("change", () => tracePoller.now());
let tracesLoaded = false;
onShow.traces = () => {
  if (!tracesLoaded) {
    tracesLoaded = true;
    loadTraces().catch((error) => announce(error.message, "error"));
  }
  tracePoller.start();
};

// Spans in tree order (each after its parent, siblings by start), with their depth. A span
// whose parent is not in the trace is shown as a root.
function spanTree(spans) {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map();
  const roots = [];
  for (const span of spans) {
    if (span.parent_id && ids.has(span.parent_id) && span.parent_id !== span.span_id) {
      if (!children.has(span.parent_id)) children.set(span.parent_id, []);
      children.get(span.parent_id).push(span);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a, b) => a.start_ms - b.start_ms;
  const ordered = [];
  const seen = new Set();
  const visit = (span, depth) => {
    if (seen.has(span.span_id)) return;
    seen.add(span.span_id);
    ordered.push({span, depth});
    for (const child of (children.get(span.span_id) || []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  return ordered;
}

function spanKind(span) {
  const text = `${span.type || ""} ${span.name || ""}`.toLowerCase();
  if (/postgres|sql|db\b|db\.|pool/.test(text)) return "db";
  if (/redis|cache/.test(text)) return "cache";
  if (/fallback|logic/.test(text)) return "logic";
  if (/web|http/.test(text)) return "web";
  return "other";
}

function renderSpanDetails(span, traceStart) {
  const rows = [
    ["name", span.name], ["resource", span.resource], ["service", span.service],
    ["type", span.type || "–"], ["start", `+${ms(span.start_ms - traceStart)}`],
    ["duration", ms(span.duration_ms)], ["error", span.error ? "yes" : "no"],
    ["span id", span.span_id], ["parent id", span.parent_id || "(root)"],
  ];
  const table = (title, entries, className) => entries.length === 0 ? null : [
    el("h5", {text: title}),
    el("table", {class: `kv ${className}`},
       el("tbody", {}, entries.map(([key, value]) => el("tr", {dataset: {key}},
           el("th", {scope: "row", text: key}), el("td", {text: String(value)}))))),
  ];
  const meta = Object.entries(span.meta || {}).sort(([a], [b]) => a.localeCompare(b));
  const metrics = Object.entries(span.metrics || {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, number(value, 6)]);
  $("#span-details").replaceChildren(
      el("p", {class: `span-title ${span.error ? "bad" : ""}`},
         el("strong", {text: span.name}), " ", span.resource || ""),
      el("table", {class: "kv"}, el("tbody", {}, rows.map(([key, value]) => el("tr", {},
          el("th", {scope: "row", text: key}), el("td", {text: value ?? ""}))))),
      ...(table("Meta", meta, "meta") || []), ...(table("Metrics", metrics, "metrics") || []));
}

function renderTrace(trace) {
  const spans = trace.spans || [];
  const start = Math.min(...spans.map((s) => s.start_ms));
  const end = Math.max(...spans.map((s) => s.start_ms + s.duration_ms));
  const total = Math.max(end - start, 1e-3);
  const root = spans.find((s) => !s.parent_id) || spans[0];
  $("#trace-title").textContent = root ? `${root.resource || root.name}` : "Trace";
  $("#trace-meta").textContent =
      `trace ${trace.trace_id} · ${spans.length} spans · ${ms(total)} · ` +
      `started ${clockTime(start, true)}`;

  const ticks = el("div", {class: "flame-axis", "aria-hidden": "true"},
                   [0, 0.25, 0.5, 0.75, 1].map((f) => el("span", {
                     style: `left:${f * 100}%`, text: ms(total * f)})));
  const rows = spanTree(spans).map(({span, depth}) => {
    const left = ((span.start_ms - start) / total) * 100;
    const width = Math.max((span.duration_ms / total) * 100, 0.3);
    // The duration goes after the bar, or inside it (or before it) when the bar reaches the
    // right edge, so that it never runs into the panel beside.
    const place = left + width < 85 ? "after" : width >= 15 ? "inside" : "before";
    const row = el("button", {
      type: "button",
      class: `span-row kind-${spanKind(span)}${span.error ? " error" : ""}`,
      dataset: {spanId: span.span_id, name: span.name},
      "aria-pressed": "false",
      title: `${span.name} ${span.resource || ""} (${ms(span.duration_ms)})`,
      "aria-label": `${span.name} ${span.resource || ""}, ${ms(span.duration_ms)}` +
                    `${span.error ? ", error" : ""}, depth ${depth}`,
      style: `--depth:${depth}`,
    },
        el("span", {class: "span-label"},
           el("span", {class: "span-name", text: span.name}),
           el("span", {class: "span-resource", text: span.resource || ""})),
        el("span", {class: "span-track"},
           el("span", {class: `span-bar duration-${place}`,
                       style: `left:${left}%;width:${width}%`},
              el("span", {class: "span-duration", text: ms(span.duration_ms)}))));
    row.addEventListener("click", () => selectSpan(span.span_id));
    return row;
  });
  $("#flame").replaceChildren(ticks, ...rows);

  const logs = trace.logs || [];
  $("#trace-logs").replaceChildren(...(logs.length === 0
      ? [el("li", {class: "empty", text: "No log line of this trace is held (the logger " +
                   "rate-limits a repeated message, and the console keeps only the recent " +
                   "lines)."})]
      : [...logs].sort((a, b) => a.sequence - b.sequence).map((log) => logLine(log))));

  function selectSpan(spanId) {
    selectedSpanId = spanId;
    for (const row of document.querySelectorAll("#flame .span-row"))
      row.setAttribute("aria-pressed", String(row.dataset.spanId === spanId));
    const span = spans.find((s) => s.span_id === spanId);
    if (span) renderSpanDetails(span, start);
  }
  const firstError = spans.find((s) => s.error);
  selectSpan((firstError || root || {}).span_id);
}

function logLine(log) {
  const fields = logFields(log);
  return el("li", {class: `level-${log.level}`, dataset: {spanId: log.span_id || ""}},
            el("span", {class: "log-time", text: logTime(log.time)}), " ",
            el("span", {class: `level level-${log.level}`, text: log.level}), " ",
            el("span", {class: "log-message", text: log.message}),
            fields ? el("span", {class: "log-fields", text: ` ${fields}`}) : null);
}

export async function openTrace(traceId) {
  traceId = String(traceId).toLowerCase();
  const view = $("#trace-view");
  if (!isHex(traceId, 32)) {
    announce(`"${traceId}" is not a trace id (32 hex digits)`, "error");
    return;
  }
  openTraceId = traceId;
  for (const row of document.querySelectorAll("#trace-list tbody tr"))
    row.classList.toggle("current", row.dataset.traceId === traceId);
  try {
    const trace = await api(`/console/api/traces/${traceId}`);
    if (openTraceId !== traceId) return;
    renderTrace(trace);
    view.hidden = false;
    view.scrollIntoView({block: "nearest"});
  } catch (error) {
    view.hidden = true;
    announce(error.status === 404
                 ? `Trace ${traceId} is no longer held (the store keeps the recent, the ` +
                   `failed and the slowest traces)` : error.message, "error");
  }
}

$("#trace-close").addEventListener("click", () => {
  $("#trace-view").hidden = true;
  openTraceId = null;
  history.pushState(null, "", "#traces");
});
