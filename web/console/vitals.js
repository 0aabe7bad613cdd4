// The service's breaker and pool from /console/api/status, polled on every tab for the header's
// vitals. The chaos panel's pool card shows the same document, so it is drawn here too.
import {api, poller} from "./api.js";
import {$, el} from "./format.js";
import {isShown} from "./tabs.js";

export const BREAKER_CLASSES = {CLOSED: "ok", HALF_OPEN: "warn", OPEN: "bad", FORCED_OPEN: "bad",
                                DISABLED: "muted"};

export function setState(node, state) {
  const text = String(state || "?").toUpperCase();
  node.textContent = text;
  node.className = `state ${BREAKER_CLASSES[text] || "muted"}`;
}

export function renderPool(pool) {
  const facts = [["active", pool.active], ["idle", pool.idle], ["waiting", pool.waiting],
                 ["size", pool.size]];
  $("#pool-facts").replaceChildren(...facts.map(([key, value]) => el("div", {dataset: {key}},
      el("dt", {text: key}), el("dd", {id: `pool-${key}`, text: value ?? "?"}))));
  const share = pool.size ? Math.min(1, (pool.active || 0) / pool.size) : 0;
  const meter = $("#pool-meter");
  meter.style.width = `${share * 100}%`;
  meter.className = pool.waiting ? "bad" : share >= 1 ? "warn" : "";
}

let lastStatus = null;
export const statusPoller = poller("Status", 1000, async () => {
  const status = await api("/console/api/status");
  lastStatus = status;
  setState($("#vital-breaker"), status.breaker);
  const pool = status.pool || {};
  $("#vital-pool").textContent =
      `${pool.active ?? "?"} active / ${pool.size ?? "?"}` +
      (pool.waiting ? `, ${pool.waiting} waiting` : "");
  if (isShown("chaos")) renderPool(pool);
});

// The chaos tab draws the pool card from the last answer as it opens, not a poll later.
export function renderLastPool() {
  if (lastStatus) renderPool(lastStatus.pool || {});
}
