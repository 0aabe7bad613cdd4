// (a) Open the console, send traffic, and see the dashboard's charts fill: the requests/s
// series gets non-null points above zero, drawn on a canvas.
import {resetLab} from "./support.mjs";

export const name = "the dashboard's charts fill with traffic";

export async function run({page, base, api, steadyTraffic, waitUntil, assert}) {
  await resetLab(api);
  await page.goto(`${base}/console`);
  await page.locator("#tab-dashboard[aria-selected=true]").waitFor();
  await page.locator("#chart-requests canvas").waitFor();

  const traffic = steadyTraffic();
  let points;
  try {
    // The console polls the timeline every second; a rate needs two samples.
    points = await waitUntil(
        "at least 5 requests/s points above zero on the chart",
        () => page.evaluate(() => {
          const {plot} = window.sreConsole.charts.get("requests");
          return plot.data[1].filter((v) => v !== null && v > 0).length;
        }),
        (count) => count >= 5, {timeout: 30_000});
  } finally {
    const sent = await traffic.stop();
    assert(sent > 0, "no traffic was sent");
  }

  // The DOM says the same: the card counts non-null points; the canvas has a size.
  const card = page.locator("#chart-requests");
  const counted = Number(await card.getAttribute("data-points"));
  assert(counted >= points, `#chart-requests data-points=${counted}, expected >= ${points}`);
  const box = await page.locator("#chart-requests canvas").boundingBox();
  assert(box && box.width > 200 && box.height > 100,
         `the requests/s canvas is ${JSON.stringify(box)}`);
  const latest = await page.locator("#chart-requests .latest").textContent();
  assert(/\d/.test(latest) && latest.includes("req/s"), `latest requests/s reads "${latest}"`);

  // Latency came with the requests; the breaker stayed closed.
  const latency = await page.evaluate(() =>
      window.sreConsole.charts.get("latency").plot.data[1].filter((v) => v !== null).length);
  assert(latency > 0, "the latency chart has no p50 point");
  const breaker = await page.locator("#vital-breaker").textContent();
  assert(breaker === "CLOSED", `the header's breaker reads ${breaker}`);
}
