// (e) Start the memory-leak experiment from the Experiments tab, see its run listed as "held"
// once it ends, open its report in a new tab, and find the run's phases among the dashboard's
// bands. The vars are short but not the shortest: the leak's probes compare the injection's
// points with the baseline's (Mann–Whitney, met below p = 0.01), and 2 s of baseline and 4 of
// injection (3 and 5 points) never get there; 4 and 6 do.
import {resetLab} from "./support.mjs";

export const name = "an experiment started from the console is listed with its report";

const EXPERIMENT = "part4-memory-leak";
const VARS = "baseline_s=5 injection_s=6 recovery_s=2";

export async function run({page, base, api, waitUntil, assert, expectText}) {
  await resetLab(api);
  const before = (await api("/console/api/experiments")).body;
  assert(before.can_launch === true,
         `the service cannot start experiments: ${JSON.stringify(before)}`);
  const known = new Set(before.runs.map((r) => r.id));

  await page.goto(`${base}/console#experiments`);
  await page.locator("#tab-experiments[aria-selected=true]").waitFor();
  const row = page.locator(`#experiment-shipped tr[data-name="${EXPERIMENT}"]`);
  await row.waitFor();
  assert((await row.textContent()).includes("memory leak"), "the shipped row has no title");

  await row.locator("input").fill(VARS);
  await row.locator("button.run-button").click();
  await expectText("#experiment-output", `Started ${EXPERIMENT}`);
  await expectText("#experiment-launch", `Running ${EXPERIMENT}`);
  assert(await row.locator("button.run-button").isDisabled(),
         "Run stays enabled while an experiment runs");

  // The run posts itself back when it ends (about 13 s, and the service's own start of it).
  const listed = await waitUntil(
      "the run to be listed",
      async () => (await api("/console/api/experiments")).body.runs.find((r) => !known.has(r.id)),
      Boolean, {timeout: 60_000, every: 1000});
  assert(listed.verdict === "held",
         `the run's verdict is ${listed.verdict}: ${listed.reason}`);
  assert(listed.experiment === EXPERIMENT, `the run is named ${listed.experiment}`);
  const line = page.locator(`#experiment-runs tr[data-id="${listed.id}"]`);
  await line.waitFor({timeout: 10_000});
  const badge = (await line.locator(".verdict").textContent()).trim();
  assert(badge === "held", `the listed verdict reads "${badge}"`);
  await expectText("#experiment-launch", "ended");
  assert(!(await row.locator("button.run-button").isDisabled()),
         "Run stays disabled after the run");

  // Its report, in a new tab: the runner's own HTML, with the experiment's title.
  const link = line.locator("a.report-link");
  assert((await link.getAttribute("target")) === "_blank", "the report does not open a new tab");
  const [report] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
  await report.waitForLoadState();
  const text = await report.locator("body").textContent();
  assert(text.includes(listed.title), `the report does not show "${listed.title}"`);
  await report.close();

  // The dashboard shades the run's injection and recovery.
  await page.locator("#tab-dashboard").click();
  const phases = await waitUntil(
      "the run's phases among the dashboard's bands",
      () => page.evaluate(() => window.sreConsole.timeline.phases.map((p) => p.kind)),
      (kinds) => kinds.includes("injection") && kinds.includes("recovery"), {timeout: 15_000});
  assert(!phases.includes("baseline"), "the baseline is shaded too");
  await page.locator("#tab-experiments").click();
  await line.waitFor();
}
