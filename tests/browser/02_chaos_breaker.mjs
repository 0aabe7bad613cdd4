// (b) The chaos panel: db_failure_rate 1 set through its form, traffic on products that are no
// longer cached, and the breaker shown OPEN (panel, header, flight recorder).
import {WARM_IDS, resetLab} from "./support.mjs";

export const name = "db_failure_rate 1 from the chaos panel opens the breaker";

export async function run({page, base, api, traffic, expectText, assert}) {
  await resetLab(api);
  await traffic(WARM_IDS);  // every product read once: each has a stale copy now

  await page.goto(`${base}/console#chaos`);
  await page.locator("#panel-chaos").waitFor({state: "visible"});
  await expectText("#breaker-state", "CLOSED");
  await expectText("#pool-facts", "size");

  // Empty the cache from the panel, so the next reads go to the (failing) database.
  await page.getByRole("button", {name: "Clear cache"}).click();
  await expectText("#cache-output", "Cache cleared");

  await page.getByLabel("DB failure rate (0–1)").fill("1");
  await page.getByRole("button", {name: "Apply chaos"}).click();
  await expectText("#chaos-output", "Chaos applied");
  const chaos = (await api("/chaos")).body;
  assert(chaos.settings.db_failure_rate === 1,
         `GET /chaos says db_failure_rate=${chaos.settings.db_failure_rate} after the form`);
  await expectText("#chaos-current", "DB failure rate 1");

  const codes = await traffic(WARM_IDS.slice(0, 12), {concurrency: 1});
  await expectText("#breaker-state", "OPEN", {timeout: 10_000});
  await expectText("#vital-breaker", "OPEN", {timeout: 5_000});
  await expectText("#breaker-transitions tbody", /CLOSED\s*→\s*OPEN/);
  const reason = await page.locator("#breaker-transitions tbody tr").first().textContent();
  assert(/failure rate/i.test(reason), `the flight recorder's newest entry: ${reason}`);
  assert(Object.keys(codes).length > 0, "no lookup answered");
}
