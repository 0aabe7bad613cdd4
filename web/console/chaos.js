// The chaos tab's settings cards: fault injection (/chaos), the breaker and resilience settings
// (/resilience), the cache and the memory leak. While the tab is shown its forms are refilled
// from the service once a second, except one the user has started editing. The bulk test card is
// bulk.js, the dependencies card dependencies.js.
import {action, api, formBody, poller} from "./api.js";
import {timelinePoller} from "./dashboard.js";
import {dependencyPoller} from "./dependencies.js";
import {$, el, factItems, logTime, number} from "./format.js";
import {isShown, onShow} from "./tabs.js";
import {BREAKER_CLASSES, renderLastPool, renderPool, setState} from "./vitals.js";

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

// "window_size 10 → 4, mode normal → forced_open", from an admin answer's `changed`.
function describeChanges(changed) {
  const entries = Object.entries(changed || {});
  if (!entries.length) return "nothing changed";
  const text = (value) => value === null || value === undefined ? "none" : String(value);
  return entries.map(([key, {old, new: now}]) => `${key} ${text(old)} → ${text(now)}`).join(", ");
}

function renderChaos(doc, {fill = false} = {}) {
  $("#chaos-current").textContent = describeChaos(doc);
  const leak = doc.leak || {};
  $("#leak-size").textContent = `${leak.size_mb ?? "?"} MB of ${leak.cap_mb ?? "?"} MB cap`;
  if (fill || !dirty.has(chaosForm)) fillForm(chaosForm, doc.settings, "chaos");
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
  if (breaker.forced) facts.push(["forced", "held open by mode forced_open"]);
  if (breaker.open_until) facts.push(["open until", logTime(breaker.open_until)]);
  if (doc.stale_copies_in_process !== undefined)
    facts.push(["stale copies", doc.stale_copies_in_process]);
  $("#breaker-facts").replaceChildren(...factItems(facts));
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
}, () => isShown("chaos"));
onShow.chaos = () => {
  renderLastPool();
  chaosPoller.now();
  dependencyPoller.now();
};

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
    return `Chaos reset to the defaults: ${describeChanges(doc.changed)}.`;
  });
});
resilienceForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = formBody(resilienceForm);
  action(event.submitter || resilienceForm, $("#resilience-output"), async () => {
    // The answer has what changed and the settings; the breaker's facts come with the next poll.
    const answer = await api("/resilience/configure", {method: "POST", body});
    fillForm(resilienceForm, answer.settings, "res");
    chaosPoller.now();
    return `Resilience settings applied: ${describeChanges(answer.changed)}.`;
  });
});
$("#breaker-reset").addEventListener("click", (event) => {
  action(event.currentTarget, $("#resilience-output"), async () => {
    const doc = await api("/resilience/reset", {method: "POST", body: {}});
    renderResilience(doc, {fill: true});
    return `Resilience reset to the defaults, breaker ${doc.circuit_breaker?.state ?? "?"}: ` +
           `${describeChanges(doc.changed)}.`;
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
