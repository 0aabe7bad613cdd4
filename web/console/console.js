// The sre-lab console (GET /console): dashboard, traces, logs, chaos panel and experiments in one
// page, with no framework and no build step. Reads the console API (/console/api/*) and drives
// the admin endpoints (/chaos/*, /resilience/*, /products/bulk/test, /console/api/experiments/run);
// charts are uPlot (global `uPlot`).
//
// This entry module only routes and starts: each view's module wires its own controls when
// imported and puts in tabs.js's `onShow` what to do when its tab opens; format.js and api.js
// hold what several views use.
//
// Polling, not server-sent events: the dashboard asks for the points after the last one it holds
// once a second, the header's breaker and pool once a second, the chaos panel's documents once a
// second while it is shown, logs every 2 s while shown and "Live", experiments every 2 s while
// one started here runs (10 s otherwise, and the dashboard's phase bands every 5 s). A hidden
// browser tab polls nothing. Errors from the API are shown in the status line with the answer's
// `detail`.
import "./bulk.js";
import "./chaos.js";
import "./experiments.js";
import "./logs.js";
import {buildCharts, charts, timeline, timelinePoller} from "./dashboard.js";
import {showTab, tabNames} from "./tabs.js";
import {openTrace} from "./traces.js";
import {statusPoller} from "./vitals.js";

// The hash names the tab (#traces/<id> opens a trace), so a link or the back button can switch
// sections.
function routeFromHash() {
  const [name, argument] = location.hash.replace(/^#/, "").split("/");
  if (name && !tabNames.includes(name)) return;  // another in-page link, such as #main
  showTab(name || "dashboard");
  if (name === "traces" && argument) openTrace(argument);
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
