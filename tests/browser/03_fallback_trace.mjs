// (c) Traces: filter by tag app.fallback_used:true, open a fallback trace taken while the breaker
// was OPEN; its flame graph has a logic.fallback span whose details show app.fallback_used: 1 (a
// boolean metric, as tracers send one; the filter's `true` finds it)
// and resilience.circuit_breaker.state: OPEN, and the trace's log lines are beside it.
import {WARM_IDS, resetLab} from "./support.mjs";

export const name = "a fallback trace found by tag shows logic.fallback with its tags";

export async function run({page, base, api, traffic, expectText, waitUntil, assert}) {
  // The guide's breaker experiment, from the API (test 02 drives it through the panel).
  await resetLab(api);
  await traffic(WARM_IDS);
  await api("/chaos/clear_cache", {method: "POST", body: {}});
  await api("/chaos/configure", {method: "POST", body: {db_failure_rate: 1}});
  await traffic(WARM_IDS.slice(0, 10), {concurrency: 1});
  const breaker = (await api("/resilience")).body.circuit_breaker.state;
  assert(breaker === "OPEN", `the breaker is ${breaker} after the failing reads`);

  // The logger writes at most 5 repeats of a message per 10 s, so a burst of fallbacks leaves
  // most traces without their line: read on, one product a second, until a fallback the open
  // breaker caused has its line written, and open that trace.
  let next = 10;
  const logged = await waitUntil(
      "a fallback log line with reason 'the circuit breaker is OPEN'",
      async () => {
        await traffic([WARM_IDS[next++ % WARM_IDS.length]], {concurrency: 1});
        const {logs} = (await api("/console/api/logs?limit=100&text=" +
                                  encodeURIComponent("the circuit breaker is OPEN"))).body;
        return logs.find((log) => log.message === "served a stale copy (fallback)" &&
                                  /^[0-9a-f]{32}$/.test(log.trace_id));
      },
      Boolean, {timeout: 30_000, every: 1000});
  const traceId = logged.trace_id;

  await page.goto(`${base}/console#traces`);
  await page.getByLabel("Tag (key:value)").fill("app.fallback_used:true");
  await page.getByLabel("Limit").fill("500");
  await page.getByRole("button", {name: "Search"}).click();
  const rows = page.locator("#trace-list tbody tr");
  await waitUntil("fallback traces in the list", () => rows.count(), (n) => n > 0);
  const texts = await rows.allTextContents();
  assert(texts.every((t) => t.includes("app.fallback_used: 1")),
         `a listed trace lacks app.fallback_used: 1:\n${texts.join("\n")}`);

  const row = page.locator(`#trace-list tbody tr[data-trace-id="${traceId}"]`);
  assert(await row.count() === 1, `trace ${traceId} (the logged fallback) is not listed`);
  const rowText = await row.textContent();
  assert(rowText.includes("resilience.circuit_breaker.state: OPEN"),
         `the listed fallback trace's tags: ${rowText}`);
  await row.locator("a.trace-link").click();

  await page.locator("#trace-view").waitFor({state: "visible"});
  await expectText("#trace-meta", traceId);
  const fallback = page.locator('#flame .span-row[data-name="logic.fallback"]');
  await fallback.first().waitFor();
  await fallback.first().click();
  await expectText("#span-details .span-title", "logic.fallback");
  await expectText('#span-details table.metrics tr[data-key="app.fallback_used"] td', /^1$/);
  await expectText('#span-details table.meta tr[data-key="resilience.circuit_breaker.state"] td',
                   /^OPEN$/);
  assert(await fallback.first().getAttribute("aria-pressed") === "true",
         "the logic.fallback row is not marked as the selected span");

  // The span sits under the request's root span, drawn as a bar of the waterfall.
  const depth = await fallback.first().evaluate((r) => Number(r.style.getPropertyValue("--depth")));
  assert(depth >= 1, `logic.fallback is drawn at depth ${depth}, not under a parent`);
  const bar = await fallback.first().locator(".span-bar").boundingBox();
  assert(bar && bar.width > 0, "logic.fallback has no bar");

  // The fallback's log line, beside the flame graph.
  await expectText("#trace-logs", "served a stale copy (fallback)");
  await expectText("#trace-logs", "the circuit breaker is OPEN");
}
