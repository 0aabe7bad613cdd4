// The sre-lab console (GET /console): dashboard, traces, logs and chaos panel in one page, with
// no framework and no build step. Reads the console API (/console/api/*) and drives the admin
// endpoints (/chaos/*, /resilience/*, /products/bulk/test); charts are uPlot (global `uPlot`).
//
// Polling, not server-sent events: the dashboard asks for the points after the last one it holds
// once a second, the header's breaker and pool once a second, the chaos panel's documents once a
// second while it is shown, logs every 2 s while shown and "Live". A hidden browser tab polls
// nothing. Errors from the API are shown in the status line with the answer's `detail`.
"use strict";

(() => {
  const WINDOW_MAX_S = 15 * 60;
  const TOKEN_KEY = "sre-lab-admin-token";

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  const $ = (selector, root = document) => root.querySelector(selector);

  // An element: el("td", {class: "num", text: "12"}, child, ...).
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key === "style") node.setAttribute("style", value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function number(value, digits = 2) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
    if (Math.abs(value) >= 100) digits = Math.min(digits, 1);
    return Number(value.toFixed(digits)).toString();
  }

  function ms(value) {
    if (value === null || value === undefined) return "–";
    if (value >= 1000) return number(value / 1000, 2) + " s";
    if (value >= 10) return number(value, 1) + " ms";
    return number(value, 3) + " ms";
  }

  function clockTime(msSinceEpoch, withMillis = false) {
    const date = new Date(msSinceEpoch);
    const text = date.toLocaleTimeString("en-GB", {hour12: false});
    return withMillis ? `${text}.${String(date.getMilliseconds()).padStart(3, "0")}` : text;
  }

  // An RFC 3339 time ("2024-05-01T10:00:00.123Z") as local clock time, with milliseconds when
  // the text has them.
  function logTime(text) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? text : clockTime(parsed, /T[\d:]+\.\d/.test(text));
  }

  function isHex(text, digits) {
    return new RegExp(`^[0-9a-f]{${digits}}$`).test(text);
  }

  // ---------------------------------------------------------------------------------------------
  // Status line (aria-live) and the API

  const statusLine = $("#status");
  let statusTimer = 0;

  function announce(message, kind = "info") {
    clearTimeout(statusTimer);
    statusLine.textContent = message;
    statusLine.className = `status ${kind}`;
    if (kind !== "error") statusTimer = setTimeout(() => {
      statusLine.textContent = "";
      statusLine.className = "status";
    }, 6000);
  }

  class ApiError extends Error {
    constructor(message, status, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }

  // JSON from the service; a non-2xx answer throws an ApiError whose message carries the
  // answer's `detail` (or `error`), which is what the user needs to read.
  async function api(path, {method = "GET", body} = {}) {
    const headers = {Accept: "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(`${method} ${path}: no answer from the service (${error.message})`, 0);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const detail = (json && (json.detail || json.error)) || text || response.statusText;
      throw new ApiError(`${method} ${path.split("?")[0]} → ${response.status}: ${detail}`,
                         response.status, json);
    }
    return json;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params))
      if (value !== undefined && value !== null && value !== "") search.set(key, value);
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  // Repeats `task` every `periodMs` from the start of one run to the start of the next (so a
  // 1 s poll stays at 1 s however long the request takes), while `active()` says so and the page
  // is visible. A failure is announced once until the next success.
  function poller(name, periodMs, task, active = () => true) {
    let timer = 0;
    let failing = false;
    let running = false;
    let again = false;  // now() was called during a run: run once more right after it
    async function tick() {
      timer = 0;
      if (running) {
        again = true;
        return;
      }
      const started = performance.now();
      if (!document.hidden && active()) {
        running = true;
        try {
          await task();
          if (failing) announce(`${name}: the service answers again`);
          failing = false;
        } catch (error) {
          if (!failing) announce(`${name}: ${error.message}`, "error");
          failing = true;
        } finally {
          running = false;
        }
      }
      const delay = again ? 0 : Math.max(0, periodMs - (performance.now() - started));
      again = false;
      timer = setTimeout(tick, delay);
    }
    return {
      start() { if (!timer && !running) tick(); },
      now() { clearTimeout(timer); timer = 0; tick(); },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Tabs: role=tablist with arrow keys, Home and End; the hash names the tab (#traces/<id>
  // opens a trace), so a link or the back button can switch sections.

  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const tabNames = tabs.map((tab) => tab.id.replace("tab-", ""));
  let currentTab = "dashboard";
  const onShow = {};

  function showTab(name, {focus = false} = {}) {
    if (!tabNames.includes(name)) name = "dashboard";
    currentTab = name;
    for (const tab of tabs) {
      const selected = tab.id === `tab-${name}`;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $(`#${tab.getAttribute("aria-controls")}`).hidden = !selected;
      if (selected && focus) tab.focus();
    }
    if (onShow[name]) onShow[name]();
  }

  function routeFromHash() {
    const [name, argument] = location.hash.replace(/^#/, "").split("/");
    if (name && !tabNames.includes(name)) return;  // another in-page link, such as #main
    showTab(name || "dashboard");
    if (name === "traces" && argument) openTrace(argument);
  }

  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      const name = tab.id.replace("tab-", "");
      if (location.hash !== `#${name}`) history.pushState(null, "", `#${name}`);
      showTab(name);
    });
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      let next = null;
      if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
      else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = tabs.length - 1;
      if (next === null) return;
      event.preventDefault();
      const name = tabNames[next];
      history.pushState(null, "", `#${name}`);
      showTab(name, {focus: true});
    });
  }
  window.addEventListener("popstate", routeFromHash);
  window.addEventListener("hashchange", routeFromHash);
  // A trace link opens the trace even when the hash already names it (a second click).
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.trace-link");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const hash = link.getAttribute("href");
    if (location.hash !== hash) history.pushState(null, "", hash);
    routeFromHash();
  });

  // Admin token: kept for this browser tab only.
  const tokenInput = $("#admin-token");
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("#token-form").addEventListener("submit", (event) => event.preventDefault());
  tokenInput.addEventListener("change", () => {
    const token = tokenInput.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    announce(token ? "Admin token set for this tab" : "Admin token cleared");
  });

  // ---------------------------------------------------------------------------------------------
  // Header vitals: breaker and pool from /console/api/status

  const BREAKER_CLASSES = {CLOSED: "ok", HALF_OPEN: "warn", OPEN: "bad", FORCED_OPEN: "bad",
                           DISABLED: "muted"};

  function setState(node, state) {
    const text = String(state || "?").toUpperCase();
    node.textContent = text;
    node.className = `state ${BREAKER_CLASSES[text] || "muted"}`;
  }

  let lastStatus = null;
  const statusPoller = poller("Status", 1000, async () => {
    const status = await api("/console/api/status");
    lastStatus = status;
    setState($("#vital-breaker"), status.breaker);
    const pool = status.pool || {};
    $("#vital-pool").textContent =
        `${pool.active ?? "?"} active / ${pool.size ?? "?"}` +
        (pool.waiting ? `, ${pool.waiting} waiting` : "");
    if (currentTab === "chaos") renderPool(pool);
  });

  // ---------------------------------------------------------------------------------------------
  // Dashboard

  const MB = 1024 * 1024;
  const COLORS = {
    blue: "#2563eb", orange: "#ea580c", red: "#dc2626", green: "#16a34a", purple: "#7c3aed",
    grey: "#6b7280", teal: "#0d9488", pink: "#db2777",
  };
  const BREAKER_NAMES = ["CLOSED", "HALF-OPEN", "OPEN"];

  // What each chart shows: series keys of /console/api/timeline, scaled for display.
  const CHARTS = [
    {id: "requests", title: "Requests/s", unit: "req/s",
     series: [{key: "requests_per_second", label: "requests/s", color: COLORS.blue, fill: true}]},
    {id: "errors", title: "Error rate (5xx)", unit: "%", max: 100,
     series: [{key: "error_rate", label: "5xx", scale: 100, color: COLORS.red, fill: true}]},
    {id: "latency", title: "Latency", unit: "ms",
     series: [{key: "latency_p50", label: "p50", scale: 1000, color: COLORS.green},
              {key: "latency_p95", label: "p95", scale: 1000, color: COLORS.orange},
              {key: "latency_p99", label: "p99", scale: 1000, color: COLORS.red}]},
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
    {id: "cpu", title: "CPU", unit: "cores",
     series: [{key: "cpu_cores", label: "cores", color: COLORS.orange, fill: true}]},
  ];

  // The points held: times in seconds (uPlot's unit), values by key, oldest first.
  const timeline = {times: [], values: {}, bands: new Map(), lastMs: 0};
  const charts = new Map();  // id → {plot, def, card, latest}
  let dashboardPaused = false;

  function windowSeconds() {
    return Number($("#dashboard-window").value) || WINDOW_MAX_S;
  }

  function mergeTimeline(answer) {
    const times = answer.time || [];
    const values = answer.values || {};
    for (let i = 0; i < times.length; ++i) {
      if (times[i] <= timeline.lastMs) continue;  // a repeat; the axis must keep increasing
      timeline.lastMs = times[i];
      timeline.times.push(times[i] / 1000);
      for (const def of CHARTS) for (const series of def.series) {
        const column = values[series.key];
        (timeline.values[series.key] ||= new Array(timeline.times.length - 1).fill(null))
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

  // Translucent rectangles behind the series, one per chaos band, with the description on top
  // when there is room for it.
  function drawBands(plot) {
    if (timeline.bands.size === 0) return;
    const {ctx} = plot;
    const {left, top, width, height} = plot.bbox;
    const lastTime = timeline.times[timeline.times.length - 1] ?? Date.now() / 1000;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const band of timeline.bands.values()) {
      const start = band.start / 1000;
      const end = band.end === null || band.end === undefined ? lastTime : band.end / 1000;
      let x0 = plot.valToPos(start, "x", true);
      let x1 = plot.valToPos(end, "x", true);
      if (x1 < left || x0 > left + width) continue;
      x0 = Math.max(x0, left);
      x1 = Math.min(x1, left + width);
      ctx.fillStyle = "rgba(220, 38, 38, 0.13)";
      ctx.fillRect(x0, top, Math.max(x1 - x0, 2 * devicePixelRatio), height);
      ctx.fillStyle = "rgba(220, 38, 38, 0.55)";
      ctx.fillRect(x0, top, Math.max(devicePixelRatio, 1), height);
      const label = band.description || "chaos";
      const fontPx = 10 * devicePixelRatio;
      ctx.font = `${fontPx}px system-ui, sans-serif`;
      ctx.textAlign = "left";  // uPlot leaves the axes' alignment on the context
      ctx.textBaseline = "alphabetic";
      if (x1 - x0 > ctx.measureText(label).width + 8 * devicePixelRatio) {
        ctx.fillStyle = "rgba(153, 27, 27, 0.9)";
        ctx.fillText(label, x0 + 4 * devicePixelRatio, top + fontPx + 2 * devicePixelRatio);
      }
    }
    ctx.restore();
  }

  function axisFormatter(def) {
    if (def.breaker) return (plot, splits) => splits.map((v) => BREAKER_NAMES[v] ?? "");
    return (plot, splits) => splits.map((v) => number(v, v !== 0 && Math.abs(v) < 1 ? 3 : 1));
  }

  // Legend values: under the cursor, the hovered point; otherwise the latest one.
  function legendValue(format) {
    return (plot, value, seriesIndex, index) => {
      if (index === null || index === undefined) {
        const column = plot.data[seriesIndex] || [];
        value = null;
        for (let i = column.length - 1; i >= 0; --i) if (column[i] !== null) {
          value = column[i];
          break;
        }
      }
      return value === null ? "–" : format(value);
    };
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
                                       : (v) => `${number(v)} ${def.unit}`.trim()),
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

  function buildCharts() {
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
        latest.textContent = value === null ? "" :
            `${number(value * (first.scale ?? 1))} ${def.unit}`.trim();
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

  const timelinePoller = poller("Dashboard", 1000, async () => {
    const since = timeline.lastMs ? timeline.lastMs : undefined;
    const answer = await api(`/console/api/timeline${query({since})}`);
    mergeTimeline(answer);
    if (currentTab === "dashboard" && !dashboardPaused) renderDashboard();
  });

  $("#dashboard-pause").addEventListener("click", (event) => {
    dashboardPaused = !dashboardPaused;
    event.currentTarget.setAttribute("aria-pressed", String(dashboardPaused));
    event.currentTarget.textContent = dashboardPaused ? "Resume" : "Pause";
    if (!dashboardPaused) renderDashboard();
  });
  $("#dashboard-window").addEventListener("change", renderDashboard);
  onShow.dashboard = () => {
    // Charts drawn while hidden have no width: size them now.
    requestAnimationFrame(() => {
      for (const {plot, body} of charts.values())
        if (body.clientWidth > 0) plot.setSize({width: body.clientWidth, height: 170});
      renderDashboard();
    });
  };

  // ---------------------------------------------------------------------------------------------
  // Traces

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
                             () => currentTab === "traces" && $("#trace-live").checked);
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
    const fields = Object.entries(log.fields || {})
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
    return el("li", {class: `level-${log.level}`, dataset: {spanId: log.span_id || ""}},
              el("span", {class: "log-time", text: logTime(log.time)}), " ",
              el("span", {class: `level level-${log.level}`, text: log.level}), " ",
              el("span", {class: "log-message", text: log.message}),
              fields ? el("span", {class: "log-fields", text: ` ${fields}`}) : null);
  }

  async function openTrace(traceId) {
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

  // ---------------------------------------------------------------------------------------------
  // Logs

  const logForm = $("#log-filter");
  const logRows = [];  // newest first
  let logFilterKey = "";
  let lastLogSequence = 0;
  const MAX_LOG_ROWS = 1000;

  function logFilterParams() {
    const form = new FormData(logForm);
    return {level: form.get("level"), text: form.get("text").trim(),
            trace_id: form.get("trace_id").trim().toLowerCase()};
  }

  function logRow(log) {
    const fields = Object.entries(log.fields || {})
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
    return el("tr", {class: `level-${log.level}`},
              el("td", {class: "nowrap", text: logTime(log.time)}),
              el("td", {}, el("span", {class: `level level-${log.level}`, text: log.level})),
              el("td", {class: "logger", text: log.logger}),
              el("td", {class: "message"}, el("span", {text: log.message}),
                 fields ? el("span", {class: "log-fields", text: fields}) : null),
              el("td", {class: "nowrap"}, log.trace_id
                  ? el("a", {href: `#traces/${log.trace_id}`, class: "trace-link mono",
                             title: `open trace ${log.trace_id}`,
                             text: log.trace_id.slice(0, 12) + "…"})
                  : "–"));
  }

  async function loadLogs({fresh = false} = {}) {
    const params = logFilterParams();
    const key = JSON.stringify(params);
    if (fresh || key !== logFilterKey) {
      logFilterKey = key;
      lastLogSequence = 0;
      logRows.length = 0;
    }
    const answer = await api(`/console/api/logs${query({
      ...params, after: lastLogSequence || undefined, limit: lastLogSequence ? 1000 : 300})}`);
    if (key !== logFilterKey) return;  // the filter changed while asking
    const freshLines = (answer.logs || []).filter((log) => log.sequence > lastLogSequence);
    if (answer.last_sequence !== undefined)
      lastLogSequence = Math.max(lastLogSequence, answer.last_sequence);
    if (freshLines.length === 0 && logRows.length > 0) return;
    logRows.unshift(...freshLines);
    logRows.length = Math.min(logRows.length, MAX_LOG_ROWS);
    $("#log-list tbody").replaceChildren(...logRows.map(logRow));
    $("#log-empty").hidden = logRows.length > 0;
    $("#log-count").textContent = `${logRows.length} lines shown, newest first`;
  }

  logForm.addEventListener("submit", (event) => {
    event.preventDefault();
    loadLogs({fresh: true}).catch((error) => announce(error.message, "error"));
  });
  const logPoller = poller("Logs", 2000, () => loadLogs(),
                           () => currentTab === "logs" && $("#log-live").checked);
  $("#log-live").addEventListener("change", () => logPoller.now());
  onShow.logs = () => logPoller.now();

  // ---------------------------------------------------------------------------------------------
  // Chaos panel

  const chaosForm = $("#chaos-form");
  const resilienceForm = $("#resilience-form");
  const dirty = new WeakSet();  // forms edited since they were last filled from the service
  for (const form of [chaosForm, resilienceForm])
    form.addEventListener("input", () => dirty.add(form));

  function fillForm(form, values, prefix) {
    for (const [key, value] of Object.entries(values || {})) {
      const input = form.querySelector(`#${prefix}-${key}`);
      if (!input) continue;
      if (input.type === "checkbox") input.checked = Boolean(value);
      else input.value = value === null || value === undefined ? "" : value;
    }
    dirty.delete(form);
  }

  // The form's values as the endpoint takes them: numbers as numbers, empty fields left out.
  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll("input[name], select[name]")) {
      if (input.type === "checkbox") body[input.name] = input.checked;
      else if (input.tagName === "SELECT") body[input.name] = input.value;
      else if (input.value.trim() !== "") {
        const value = Number(input.value);
        body[input.name] = Number.isFinite(value) ? value : input.value;
      }
    }
    return body;
  }

  function showOutput(output, message, kind) {
    output.textContent = message;
    output.className = `form-output ${kind}`;
    announce(message, kind);
  }

  function describeChaos(doc) {
    const settings = doc.settings || {};
    const active = [];
    if (settings.db_latency) active.push(`DB latency ${settings.db_latency} s`);
    if (settings.db_failure_rate) active.push(`DB failure rate ${settings.db_failure_rate}`);
    if (settings.cache_latency) active.push(`cache latency ${settings.cache_latency} s`);
    if (settings.cache_failure_rate)
      active.push(`cache failure rate ${settings.cache_failure_rate}`);
    let text = active.length ? `Active: ${active.join(", ")}.` : "No fault injected.";
    // Not a fault: the lab's model of a database slowing down with the queries in flight.
    if (settings.saturation_ms_per_query !== undefined)
      text += ` Saturation: +${settings.saturation_ms_per_query} ms per query in flight.`;
    if (doc.expires_in_s !== null && doc.expires_in_s !== undefined)
      text += ` Ends in ${number(doc.expires_in_s, 0)} s.`;
    if (doc.db_queries_in_flight) text += ` ${doc.db_queries_in_flight} DB queries in flight.`;
    return text;
  }

  function renderChaos(doc, {fill = false} = {}) {
    $("#chaos-current").textContent = describeChaos(doc);
    const leak = doc.leak || {};
    $("#leak-size").textContent = `${leak.size_mb ?? "?"} MB of ${leak.cap_mb ?? "?"} MB cap`;
    if (fill || !dirty.has(chaosForm)) fillForm(chaosForm, doc.settings, "chaos");
  }

  function renderPool(pool) {
    const facts = [["active", pool.active], ["idle", pool.idle], ["waiting", pool.waiting],
                   ["size", pool.size]];
    $("#pool-facts").replaceChildren(...facts.map(([key, value]) => el("div", {dataset: {key}},
        el("dt", {text: key}), el("dd", {id: `pool-${key}`, text: value ?? "?"}))));
    const share = pool.size ? Math.min(1, (pool.active || 0) / pool.size) : 0;
    const meter = $("#pool-meter");
    meter.style.width = `${share * 100}%`;
    meter.className = pool.waiting ? "bad" : share >= 1 ? "warn" : "";
  }

  function renderResilience(doc, {fill = false} = {}) {
    const breaker = doc.circuit_breaker || {};
    setState($("#breaker-state"), breaker.state);
    setState($("#vital-breaker"), breaker.state);
    const facts = [
      ["failure rate", `${number((breaker.failure_rate ?? 0) * 100, 1)} %`],
      ["slow-call rate", `${number((breaker.slow_call_rate ?? 0) * 100, 1)} %`],
      ["calls in window", breaker.calls_in_window],
      ["rejected calls", breaker.rejected_calls],
      ["half-open in flight", breaker.half_open_in_flight],
    ];
    if (breaker.open_until) facts.push(["open until", logTime(breaker.open_until)]);
    if (doc.stale_copies_in_process !== undefined)
      facts.push(["stale copies", doc.stale_copies_in_process]);
    $("#breaker-facts").replaceChildren(...facts.map(([key, value]) => el("div", {},
        el("dt", {text: key}), el("dd", {text: value ?? "–"}))));
    const transitions = [...(breaker.transitions || [])].reverse();
    $("#breaker-transitions tbody").replaceChildren(...transitions.map((t) => el("tr", {},
        el("td", {class: "nowrap", text: logTime(t.at)}),
        el("td", {class: "nowrap"},
           el("span", {class: `state small ${BREAKER_CLASSES[t.from] || "muted"}`, text: t.from}),
           " → ",
           el("span", {class: `state small ${BREAKER_CLASSES[t.to] || "muted"}`, text: t.to})),
        el("td", {text: t.reason || ""}))));
    $("#transitions-empty").hidden = transitions.length > 0;
    if (doc.pool) renderPool(doc.pool);
    if (fill || !dirty.has(resilienceForm)) fillForm(resilienceForm, doc.settings, "res");
  }

  const chaosPoller = poller("Chaos panel", 1000, async () => {
    const [chaos, resilience] = await Promise.all([api("/chaos"), api("/resilience")]);
    renderChaos(chaos);
    renderResilience(resilience);
  }, () => currentTab === "chaos");
  onShow.chaos = () => {
    if (lastStatus) renderPool(lastStatus.pool || {});
    chaosPoller.now();
  };

  // Runs an admin action from a button or form: disables the control while it runs and shows
  // the outcome (or the API's detail) beside it and in the status line.
  async function action(control, output, run) {
    control.disabled = true;
    try {
      const message = await run();
      showOutput(output, message, "ok");
    } catch (error) {
      showOutput(output, error.message, "error");
    } finally {
      control.disabled = false;
    }
  }

  chaosForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = formBody(chaosForm);
    action(event.submitter || chaosForm, $("#chaos-output"), async () => {
      const doc = await api("/chaos/configure", {method: "POST", body});
      renderChaos(doc, {fill: true});
      timelinePoller.now();
      return `Chaos applied. ${describeChaos(doc)}`;
    });
  });
  $("#chaos-reset").addEventListener("click", (event) => {
    action(event.currentTarget, $("#chaos-output"), async () => {
      const doc = await api("/chaos/reset", {method: "POST", body: {}});
      renderChaos(doc, {fill: true});
      return "Chaos reset: no fault is injected.";
    });
  });
  resilienceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = formBody(resilienceForm);
    action(event.submitter || resilienceForm, $("#resilience-output"), async () => {
      const doc = await api("/resilience/configure", {method: "POST", body});
      renderResilience(doc, {fill: true});
      return "Resilience settings applied.";
    });
  });
  $("#breaker-reset").addEventListener("click", (event) => {
    action(event.currentTarget, $("#resilience-output"), async () => {
      const doc = await api("/resilience/reset", {method: "POST", body: {}});
      renderResilience(doc);
      return `Breaker reset: ${doc.circuit_breaker?.state ?? "?"}.`;
    });
  });
  $("#clear-cache-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const includeStale = $("#clear-stale").checked;
    action(event.submitter || event.currentTarget, $("#cache-output"), async () => {
      const answer = await api("/chaos/clear_cache",
                               {method: "POST", body: {include_stale: includeStale}});
      return `Cache cleared: ${answer.removed} keys removed` +
             (includeStale ? `, ${answer.stale_copies_removed_in_process} stale copies in ` +
                             "process" : "") + ".";
    });
  });
  $("#leak-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const mb = Number($("#leak-mb").value);
    action(event.submitter || event.currentTarget, $("#cache-output"), async () => {
      const answer = await api("/chaos/leak", {method: "POST", body: {mb}});
      $("#leak-size").textContent = `${answer.size_mb} MB of ${answer.cap_mb} MB cap`;
      return `Leaked ${answer.added_mb} MB more (${answer.size_mb} MB now).`;
    });
  });
  $("#leak-free").addEventListener("click", (event) => {
    action(event.currentTarget, $("#cache-output"), async () => {
      const answer = await api("/chaos/leak", {method: "DELETE"});
      $("#leak-size").textContent = `${answer.size_mb} MB`;
      return `Freed ${answer.freed_mb} MB.`;
    });
  });

  // Bulk test

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
    $("#bulk-summary").replaceChildren(...facts.map(([key, value]) => el("div", {},
        el("dt", {text: key}), el("dd", {text: value ?? "–"}))));

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

  // ---------------------------------------------------------------------------------------------
  // Start

  buildCharts();
  routeFromHash();
  timelinePoller.start();
  statusPoller.start();
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    timelinePoller.now();
    statusPoller.now();
  });

  // For the browser tests and for curious learners in the devtools console.
  window.sreConsole = {timeline, charts, openTrace, showTab};
})();
