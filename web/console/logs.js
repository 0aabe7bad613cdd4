// The logs tab: the recent log lines from /console/api/logs, filtered by level, text and trace,
// newest first; each poll asks only for the lines after the last one held.
import {announce, api, poller, query} from "./api.js";
import {$, el, logFields, logTime} from "./format.js";
import {isShown, onShow} from "./tabs.js";

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
  const fields = logFields(log);
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
  $("#log-suppressed").textContent = suppressedNote(answer.suppressed);
  if (freshLines.length === 0 && logRows.length > 0) return;
  logRows.unshift(...freshLines);
  logRows.length = Math.min(logRows.length, MAX_LOG_ROWS);
  $("#log-list tbody").replaceChildren(...logRows.map(logRow));
  $("#log-empty").hidden = logRows.length > 0;
  $("#log-count").textContent = `${logRows.length} lines shown, newest first`;
}

// The service's rate limit keeps repeats from stdout and its log file; the console still holds
// every traced warning and error, so a failed trace keeps its lines here.
function suppressedNote(suppressed) {
  if (!suppressed) return "";
  return `${suppressed} repeated lines kept from stdout and the log file by the rate limit ` +
         "(5 a message per 10 s, metric logs.suppressed); every warning and error of a trace " +
         "is still here.";
}

logForm.addEventListener("submit", (event) => {
  event.preventDefault();
  loadLogs({fresh: true}).catch((error) => announce(error.message, "error"));
});
const logPoller = poller("Logs", 2000, () => loadLogs(),
                         () => isShown("logs") && $("#log-live").checked);
$("#log-live").addEventListener("change", () => logPoller.now());
onShow.logs = () => logPoller.now();
