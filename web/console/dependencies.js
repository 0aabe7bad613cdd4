// The chaos tab's dependencies card: the lab's own Redis and Postgres as `sre-lab up`'s supervisor
// sees them (GET /chaos/dependency, polled once a second while the tab is shown: chaos.js starts
// it as the tab opens), with a button per action (POST /chaos/dependency). Under a standalone
// `serve` nothing supervises them: the card shows the service's reason and disables its controls.
//
// The rows are built once and updated in place, so a poll never takes the focus from a button.
import {action, api, formBody, poller} from "./api.js";
import {$, el, number} from "./format.js";
import {isShown} from "./tabs.js";

const DEPENDENCIES = [["redis", "Redis"], ["postgres", "Postgres"]];
const ACTIONS = ["kill", "stop", "start", "pause", "resume"];
// What up's supervisor carries out in each state (it answers 409 to the rest), less what would
// change nothing (resume a running server). A button that does not apply is disabled, not
// hidden, so the rows keep their shape.
const APPLIES = {
  running: ["kill", "stop", "pause"],
  paused: ["kill", "stop", "resume"],
  stopped: ["start"],
  restarting: ["stop", "start"],
  failed: [],
};
const STATE_CLASSES = {running: "ok", paused: "warn", restarting: "warn", stopped: "bad",
                       failed: "bad"};
// The guardrail (duration_s) undoes only these: a pause resumes, a stop starts again.
const GUARDED = ["pause", "stop"];

const form = $("#dependency-form");
const output = $("#dependency-output");
const notice = $("#dependencies-notice");
let doc = null;          // the last GET /chaos/dependency answer
let pollError = "";      // why the last poll failed, "" when it did not
const busy = new Set();  // dependencies with an action in flight: their buttons wait for it

form.addEventListener("submit", (event) => event.preventDefault());  // Enter in the field

function makeRow(key, label) {
  const row = {
    state: el("span", {class: "state small muted", text: "…"}),
    note: el("span", {class: "hint"}),
    pid: el("td", {class: "num", text: "–"}),
    restarts: el("td", {class: "num", text: "–"}),
    lastExit: el("td", {text: "–"}),
    buttons: new Map(),
  };
  for (const verb of ACTIONS) {
    row.buttons.set(verb, el("button", {
      type: "button", text: verb, disabled: true, "aria-label": `${verb} ${label}`,
      onclick: (event) => act(key, label, verb, event.currentTarget),
    }));
  }
  row.tr = el("tr", {dataset: {dependency: key}},
              el("th", {scope: "row", text: label}),
              el("td", {class: "nowrap"}, row.state, " ", row.note),
              row.pid, row.restarts, row.lastExit,
              el("td", {}, el("div", {class: "actions"}, [...row.buttons.values()])));
  return row;
}

const rows = new Map(DEPENDENCIES.map(([key, label]) => [key, makeRow(key, label)]));
$("#dependencies tbody").replaceChildren(...[...rows.values()].map((row) => row.tr));

// When a guardrail or a restart will change the state by itself.
function countdown(entry) {
  if (entry.restart_in_s !== undefined) return `restarts in ${number(entry.restart_in_s, 0)} s`;
  if (entry.reverts_in_s === undefined) return "";
  const verb = entry.state === "stopped" ? "starts" : "resumes";
  return `${verb} in ${number(entry.reverts_in_s, 0)} s`;
}

function describe(entry) {
  const facts = [entry.pid ? `pid ${entry.pid}` : "", countdown(entry)].filter(Boolean);
  return `${entry.state ?? "?"}${facts.length ? ` (${facts.join(", ")})` : ""}`;
}

function renderRow(row, key, supervised) {
  // Supervised but absent: up was pointed at an outside server, which it does not run.
  const entry = supervised ? doc.dependencies?.[key] ?? {state: "external"} : {};
  const state = entry.state ?? (doc ? "–" : "…");
  row.state.textContent = state;
  row.state.className = `state small ${STATE_CLASSES[state] || "muted"}`;
  row.note.textContent = countdown(entry);
  row.pid.textContent = entry.pid ?? "–";
  row.restarts.textContent = entry.restarts ?? "–";
  row.lastExit.textContent = entry.last_exit ?? "–";
  const applies = APPLIES[state] || [];
  for (const [verb, button] of row.buttons)
    button.disabled = !supervised || busy.has(key) || !applies.includes(verb);
}

function render() {
  const supervised = doc?.supervised === true && !pollError;
  const text = pollError || (doc && !supervised ? doc.detail : "");
  if (notice.textContent !== text) notice.textContent = text;  // a live region: say it once
  notice.hidden = text === "";
  notice.className = `form-output ${pollError ? "error" : ""}`;
  $("#dependency-duration_s").disabled = !supervised;
  for (const [key, row] of rows) renderRow(row, key, supervised);
}

async function act(key, label, verb, button) {
  busy.add(key);
  render();
  await action(button, output, async () => {
    const body = {[key]: verb, ...(GUARDED.includes(verb) ? formBody(form) : {})};
    const answer = await api("/chaos/dependency", {method: "POST", body});
    const entry = answer.dependencies?.[key] ?? {};
    if (doc?.dependencies) doc.dependencies[key] = entry;  // shown now, not a poll later
    return `${label}: ${verb} → ${describe(entry)}.`;
  });
  busy.delete(key);
  render();
  dependencyPoller.now();
}

export const dependencyPoller = poller("Dependencies", 1000, async () => {
  try {
    doc = await api("/chaos/dependency");
    pollError = "";
  } catch (error) {
    pollError = error.message;
    throw error;  // the poller announces it in the status line too
  } finally {
    render();
  }
}, () => isShown("chaos"));
