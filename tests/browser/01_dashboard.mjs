// (a) Open the console, send traffic, and see the dashboard's charts fill: the requests/s
// series gets non-null points above zero, drawn on a canvas. A latency of 30 s (30,000 ms, as
// Part 4.1's pool waits reach) and a DB p95 of six digits keep whole y-axis labels: each fits
// in the axis' width, so the canvas does not cut "30,000" to "0,000".
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

  await page.locator("#dashboard-pause").click();  // the poller's data would replace ours
  for (const [chart, peak] of [["latency", 30_000], ["db", 654_321]]) {
    const axis = await largeValueAxis(page, chart, peak);
    assert(axis.labels.length >= 2, `${chart}: y-axis labels ${JSON.stringify(axis)}`);
    const top = Math.max(...axis.labels.map((label) => labelValue(label.text)));
    assert(top >= peak * 0.5 && top <= peak * 1.5,
           `${chart}: the top y label reads ${top} for a peak of ${peak}: ${JSON.stringify(axis)}`);
    for (const label of axis.labels)
      assert(label.width <= axis.room,
             `${chart}: y label "${label.text}" is ${label.width.toFixed(1)} px wide, the axis ` +
             `has ${axis.room} px for it: the canvas cuts its left end`);
  }
}

// The latency chart's (or another's) y-axis after drawing `peak` in its first series: each
// label's text and width (CSS px) and the room the axis leaves for the text.
async function largeValueAxis(page, chart, peak) {
  return page.evaluate(async ({chart, peak}) => {
    const {plot} = window.sreConsole.charts.get(chart);
    const data = plot.data.map((column) => [...column]);
    data[1] = data[1].map((v, i) => (i === data[1].length - 1 ? peak : v ?? 1));
    plot.setData(data);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const axis = plot.axes[1];
    const measure = document.createElement("canvas").getContext("2d");
    measure.font = axis.font[0];  // scaled by the device pixel ratio, as drawn
    const ratio = window.devicePixelRatio || 1;
    return {
      room: axis._size - axis.ticks.size - axis.gap,
      labels: axis._values.map((text) => ({text, width: measure.measureText(text).width / ratio})),
    };
  }, {chart, peak});
}

// "30k" → 30000, "1.5M" → 1500000, "30,000" → 30000.
function labelValue(text) {
  const match = /^(-?[\d.,]+)([kM]?)$/.exec(text.trim());
  if (!match) return NaN;
  return Number(match[1].replaceAll(",", "")) * ({k: 1e3, M: 1e6}[match[2]] ?? 1);
}
