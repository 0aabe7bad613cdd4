// (f) The chaos tab's Dependencies card under `sre-lab up`: Redis and Postgres shown running; a
// guardrail the service refuses shown in the card with nothing done; Redis paused from its button
// with duration_s (the card and GET /chaos/dependency agree, the guardrail counts down) and
// resumed from the card. Then the card on a standalone `serve`: every control disabled and the
// service's reason shown.
export const name = "the dependencies card pauses and resumes Redis, and says why not when alone";

const row = (key) => `#dependencies tr[data-dependency="${key}"]`;

export async function run({page, base, api, expectText, waitUntil, assert, standalone}) {
  await page.goto(`${base}/console#chaos`);
  await page.locator("#panel-chaos").waitFor({state: "visible"});
  await expectText(`${row("redis")} .state`, /^running$/);
  await expectText(`${row("postgres")} .state`, /^running$/);
  const redisPid = (await api("/chaos/dependency")).body.dependencies.redis.pid;
  await expectText(`${row("redis")} td.num`, String(redisPid));
  assert(await page.locator("#dependencies-notice").isHidden(),
         "the card shows a notice although up supervises the dependencies");

  const pause = page.getByRole("button", {name: "pause Redis"});
  const resume = page.getByRole("button", {name: "resume Redis"});
  const duration = page.getByLabel(/A pause or stop lasts/);
  await waitUntil("pause Redis enabled", () => pause.isEnabled());
  assert(await resume.isDisabled(), "resume Redis is enabled while Redis runs");

  try {
    // A guardrail the service refuses: its answer, naming the field, in the card.
    await duration.fill("0");
    await pause.click();
    await expectText("#dependency-output", /→ 4\d\d: duration_s/);
    const output = page.locator("#dependency-output");
    assert((await output.getAttribute("class")).includes("error"),
           `the refusal is not shown as an error: class "${await output.getAttribute("class")}"`);
    const untouched = (await api("/chaos/dependency")).body.dependencies.redis;
    assert(untouched.state === "running", `Redis is ${untouched.state} after a refused pause`);

    await duration.fill("120");
    await pause.click();
    await expectText("#dependency-output", "Redis: pause → paused");
    await expectText(`${row("redis")} .state`, /^paused$/);
    const paused = (await api("/chaos/dependency")).body;
    assert(paused.supervised === true && paused.dependencies.redis.state === "paused",
           `GET /chaos/dependency after the card's pause: ${JSON.stringify(paused)}`);
    const left = paused.dependencies.redis.reverts_in_s;
    assert(left > 0 && left <= 120, `the guardrail reverts in ${left} s, not within 120 s`);
    await expectText(row("redis"), /resumes in \d+ s/);
    await expectText(`${row("postgres")} .state`, /^running$/);

    await waitUntil("resume Redis enabled", () => resume.isEnabled());
    assert(await pause.isDisabled(), "pause Redis is enabled while Redis is paused");
    await resume.click();
    await expectText("#dependency-output", "Redis: resume → running");
    await expectText(`${row("redis")} .state`, /^running$/);
    const resumed = (await api("/chaos/dependency")).body.dependencies.redis;
    assert(resumed.state === "running" && resumed.reverts_in_s === undefined,
           `GET /chaos/dependency after the card's resume: ${JSON.stringify(resumed)}`);
  } finally {
    // Whatever happened above, the lab's Redis runs for the tests after this one.
    await api("/chaos/dependency", {method: "POST", body: {redis: "resume"}, allow: [409]});
  }

  const alone = await standalone();
  if (!alone) {
    console.log("     (the standalone part needs the lab run.mjs starts: skipped)");
    return;
  }
  const detail = (await (await fetch(`${alone}/chaos/dependency`)).json()).detail;
  assert(detail?.includes("sre-lab up"), `a standalone serve's GET /chaos/dependency: ${detail}`);
  await page.goto(`${alone}/console#chaos`);
  await page.locator("#panel-chaos").waitFor({state: "visible"});
  await expectText("#dependencies-notice", detail);
  const buttons = page.locator("#dependencies button");
  assert(await buttons.count() === 10, `${await buttons.count()} buttons, not 5 per dependency`);
  for (const button of await buttons.all())
    assert(await button.isDisabled(), `${await button.getAttribute("aria-label")} is enabled`);
  assert(await duration.isDisabled(), "the duration field is enabled without a supervisor");
}
