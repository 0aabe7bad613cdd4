// The experiments tab: the runs `sre-lab experiment run` posted to this service
// (/console/api/experiments), newest first, each with its verdict and a link to its report; and
// the experiments shipped in the binary, each with a Run button that starts it in the background
// (POST /console/api/experiments/run). While a run started here is going, the list is asked for
// every 2 s (every 10 s otherwise, while the tab is shown); each answer also goes to the
// dashboard, which shades the runs' phases on its charts.
import {action, api, poller} from "./api.js";
import {setExperimentRuns} from "./dashboard.js";
import {$, clockTime, el, logTime, number} from "./format.js";
import {isShown, onShow} from "./tabs.js";

const VERDICT_CLASSES = {held: "ok", deviated: "bad", failed: "bad", inconclusive: "warn",
                         interrupted: "warn", aborted: "muted"};
const IDLE_PERIOD_MS = 10_000;

let launching = false;   // a POST to start one is on its way
let running = false;     // the last run started here is still going
let lastLoad = 0;
let adminNote = "";      // why Run is not possible here, "" when it is

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds >= 120) return `${number(seconds / 60, 1)} min`;
  return `${number(seconds, 1)} s`;
}

function runRow(run) {
  const name = [run.experiment, run.variant].filter(Boolean).join(" · ");
  return el("tr", {dataset: {id: String(run.id), verdict: run.verdict}},
            el("td", {}, el("span", {class: `state small verdict ${VERDICT_CLASSES[run.verdict] ||
                                                                   "muted"}`,
                                     text: run.verdict})),
            el("td", {}, el("span", {class: "run-title", text: run.title}),
               name ? el("span", {class: "run-name mono", text: name}) : null),
            el("td", {class: "nowrap", text: logTime(run.start)}),
            el("td", {class: "num nowrap", text: duration(run.duration_s)}),
            el("td", {class: "reason", text: run.reason}),
            el("td", {class: "nowrap"},
               el("a", {href: run.report_url, target: "_blank", rel: "noopener",
                        class: "report-link", text: "report"})));
}

// NAME=VALUE pairs separated by spaces, as the command line's --var takes them.
function parseVars(text) {
  const vars = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const equals = word.indexOf("=");
    if (equals <= 0) throw new Error(`"${word}": vars are NAME=VALUE, e.g. injection_s=10`);
    vars[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return vars;
}

function shippedRow(item) {
  const input = el("input", {type: "text", spellcheck: "false", placeholder: "injection_s=10",
                             "aria-label": `vars for ${item.name}`, dataset: {name: item.name}});
  const button = el("button", {type: "button", class: "primary run-button",
                               dataset: {name: item.name}, text: "Run"});
  button.addEventListener("click", () => start(item.name, input, button));
  return el("tr", {dataset: {name: item.name}},
            el("td", {class: "mono nowrap", text: item.name}),
            el("td", {text: item.title}),
            el("td", {}, input),
            el("td", {}, button));
}

async function start(name, input, button) {
  launching = true;
  updateButtons();
  await action(button, $("#experiment-output"), async () => {
    const vars = parseVars(input.value);
    const answer = await api("/console/api/experiments/run", {method: "POST", body: {name, vars}});
    running = true;
    listPoller.now();
    return `Started ${name} (pid ${answer.pid}); it is listed here when it ends.`;
  });
  launching = false;
  updateButtons();  // action() enabled the button again: one runs at a time
}

function updateButtons() {
  const note = adminNote || (running ? "One experiment runs at a time: wait for this one to end."
                                     : "");
  for (const button of document.querySelectorAll("#experiment-shipped .run-button")) {
    button.disabled = Boolean(note) || launching;
    button.title = note;
  }
  const noteNode = $("#experiment-note");
  noteNode.textContent = adminNote;
  noteNode.hidden = !adminNote;
}

function renderLaunch(launch) {
  const line = $("#experiment-launch");
  const output = $("#experiment-launch-output");
  running = Boolean(launch && launch.running);
  if (!launch) {
    line.hidden = true;
    output.hidden = true;
    return;
  }
  const started = clockTime(launch.started_ms);
  line.hidden = false;
  if (launch.running) {
    line.className = "launch-state";
    line.textContent = `Running ${launch.name} (pid ${launch.pid}), started ${started}: ` +
                       "this list refreshes every 2 s.";
    output.hidden = true;
    return;
  }
  const ok = launch.exit_status === 0;
  // Held, deviated and inconclusive runs are listed; a run that could not start says why here.
  const listed = [0, 1, 3].includes(launch.exit_status);
  line.className = `launch-state ${listed ? "" : "bad"}`;
  line.textContent = `${launch.name} (pid ${launch.pid}, started ${started}) ended` +
                     (ok ? ": its run is listed below." :
                      ` with exit status ${launch.exit_status ?? "?"}` +
                      (listed ? ": its run is listed below." : ": its output follows."));
  output.textContent = launch.output || "";
  output.hidden = listed || !launch.output;
}

async function loadExperiments() {
  lastLoad = Date.now();
  let answer;
  try {
    answer = await api("/console/api/experiments");
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      adminNote = `Starting experiments needs admin access: ${error.message}`;
      updateButtons();
    }
    throw error;
  }
  setExperimentRuns(answer.runs);
  const runs = answer.runs || [];
  $("#experiment-runs tbody").replaceChildren(...runs.map(runRow));
  $("#experiment-runs-empty").hidden = runs.length > 0;
  const body = $("#experiment-shipped tbody");
  if (body.children.length !== (answer.shipped || []).length)  // keep what the user typed
    body.replaceChildren(...(answer.shipped || []).map(shippedRow));
  adminNote = answer.can_launch ? "" :
      "This service cannot start experiments (it runs inside another program): run " +
      "'sre-lab experiment run NAME' against it instead.";
  renderLaunch(answer.launch);
  updateButtons();
}

const listPoller = poller("Experiments", 2000, loadExperiments,
                          () => isShown("experiments") &&
                                (running || launching || Date.now() - lastLoad >= IDLE_PERIOD_MS));
onShow.experiments = () => {
  lastLoad = 0;  // an opened tab is filled at once
  listPoller.now();
};
