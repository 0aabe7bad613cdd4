// The chaos tab's bulk test card: N lookups of random products through the service
// (GET /products/bulk/test), summed up, listed, and plotted one point per lookup.
import {action, api, query} from "./api.js";
import {$, COLORS, el, factItems, ms, number} from "./format.js";

let bulkPlot = null;

function renderBulk(answer) {
  const summary = answer.summary || {};
  const latency = summary.latency_ms || {};
  const counts = (object) => Object.entries(object || {})
      .map(([key, value]) => `${key}: ${value}`).join(", ") || "–";
  const facts = [
    ["requests", summary.requests], ["concurrency", summary.concurrency],
    ["by status", counts(summary.by_status)], ["by source", counts(summary.by_source)],
    ["p50", ms(latency.p50)], ["p95", ms(latency.p95)], ["p99", ms(latency.p99)],
    ["max", ms(latency.max)],
    ["pool high water", `${summary.pool_high_water ?? "?"} / ${summary.pool_size ?? "?"}`],
    ["breaker", `${summary.breaker_before ?? "?"} → ${summary.breaker_after ?? "?"}`],
    ["took", ms(summary.duration_ms)], ["seed", summary.seed],
  ];
  $("#bulk-summary").replaceChildren(...factItems(facts));

  const rows = answer.results || [];
  $("#bulk-table tbody").replaceChildren(...rows.map((row) => el("tr", {
    class: row.status >= 400 ? "error" : ""},
      el("td", {class: "num", text: row.index}), el("td", {class: "num", text: row.id}),
      el("td", {}, el("span", {class: `code ${row.status >= 400 ? "bad" : "ok"}`,
                               text: row.status})),
      el("td", {text: row.source ?? "–"}),
      el("td", {class: "num", text: number(row.latency_ms, 3)}),
      el("td", {text: row.error ?? ""}))));

  // One point per lookup, in the order they were issued; failures in their own series.
  const x = rows.map((row) => row.index);
  const ok = rows.map((row) => (row.status < 400 ? row.latency_ms : null));
  const failed = rows.map((row) => (row.status >= 400 ? row.latency_ms : null));
  $("#bulk-results").hidden = false;
  const container = $("#bulk-chart");
  const width = Math.max(container.clientWidth, 260);
  if (bulkPlot) bulkPlot.destroy();
  bulkPlot = new uPlot({
    width, height: 200,
    legend: {live: false},
    scales: {x: {time: false}, y: {range: (u, min, max) => [0, (max || 1) * 1.1]}},
    axes: [{label: "lookup #", stroke: "#4b5563", grid: {stroke: "#e5e7eb"}},
           {label: "ms", stroke: "#4b5563", grid: {stroke: "#e5e7eb"}, size: 56}],
    series: [
      {label: "#"},
      {label: "ok (ms)", stroke: COLORS.blue, width: 0, paths: () => null,
       points: {show: true, size: 6, fill: COLORS.blue}},
      {label: "failed (ms)", stroke: COLORS.red, width: 0, paths: () => null,
       points: {show: true, size: 6, fill: COLORS.red}},
    ],
  }, [x, ok, failed], container);
}

new ResizeObserver(() => {
  const container = $("#bulk-chart");
  if (bulkPlot && container.clientWidth > 0 &&
      Math.abs(container.clientWidth - bulkPlot.width) > 1)
    bulkPlot.setSize({width: container.clientWidth, height: 200});
}).observe($("#bulk-chart"));

$("#bulk-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const params = {};
  for (const input of event.currentTarget.querySelectorAll("input[name]"))
    if (input.value.trim() !== "") params[input.name] = input.value.trim();
  const button = event.submitter || event.currentTarget;
  const output = $("#bulk-output");
  output.textContent = "Running…";
  output.className = "form-output";
  action(button, output, async () => {
    const answer = await api(`/products/bulk/test${query(params)}`);
    renderBulk(answer);
    const summary = answer.summary || {};
    return `Bulk test done: ${summary.requests} lookups in ${ms(summary.duration_ms)}.`;
  });
});
