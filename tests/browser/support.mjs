// Helpers shared by the browser tests (run.mjs hands each test makeContext()'s result): the
// page, the lab's base URL, calls to its API from the test itself, traffic, waiting for a
// condition with a message that says what was expected and what was seen, and standalone(): the
// base URL of a `sre-lab serve` that nothing supervises (null when run.mjs started no lab).
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TestFailure extends Error {}

export function assert(condition, message) {
  if (!condition) throw new TestFailure(message);
}

// Polls `probe` (async; returns a value) until `accept(value)` holds; throws after `timeout` ms
// with `what` and the last value seen.
export async function waitUntil(what, probe, accept = Boolean, {timeout = 20_000, every = 250} = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      last = `(error: ${error.message})`;
    }
    if (Date.now() > deadline)
      throw new TestFailure(`timed out after ${timeout} ms waiting for ${what}; last seen: ${
          typeof last === "string" ? last : JSON.stringify(last)}`);
    await sleep(every);
  }
}

export function makeContext({page, base, standalone = async () => null}) {
  // The service's JSON, from the test (not the page); a non-2xx answer throws unless `allow`
  // lists its status.
  async function api(path, {method = "GET", body, allow = []} = {}) {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : {"Content-Type": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok && !allow.includes(response.status))
      throw new TestFailure(`${method} ${path} → ${response.status}: ${text}`);
    try {
      return {status: response.status, body: JSON.parse(text)};
    } catch {
      return {status: response.status, body: text};
    }
  }

  // GET /products/<id> for each id, `concurrency` at a time; the status codes by count.
  async function traffic(ids, {concurrency = 4} = {}) {
    const queue = [...ids];
    const codes = {};
    const worker = async () => {
      while (queue.length) {
        const id = queue.shift();
        const response = await fetch(`${base}/products/${id}`);
        await response.arrayBuffer();
        codes[response.status] = (codes[response.status] || 0) + 1;
      }
    };
    await Promise.all(Array.from({length: concurrency}, worker));
    return codes;
  }

  // Traffic until stop() is called: the dashboard needs several seconds of it.
  function steadyTraffic({ids = Array.from({length: 50}, (_, i) => i + 1), concurrency = 2} = {}) {
    let running = true;
    let sent = 0;
    const loop = (async () => {
      while (running) {
        await traffic(ids.slice(0, 10), {concurrency});
        sent += 10;
        ids.push(...ids.splice(0, 10));
        await sleep(50);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        return sent;
      },
    };
  }

  // The text of `selector` once it matches `expected` (a string contained, or a RegExp).
  async function expectText(selector, expected, options) {
    const matches = (text) => (expected instanceof RegExp ? expected.test(text) : text.includes(expected));
    return waitUntil(`${selector} to show ${expected}`,
                     async () => (await page.locator(selector).first().textContent()) ?? "",
                     matches, options);
  }

  return {page, base, api, traffic, steadyTraffic, expectText, waitUntil, assert, sleep,
          standalone};
}

// Back to a fresh lab (POST /lab/reset): no chaos, default resilience settings, a breaker as new,
// an empty cache without stale copies, no leak.
export async function resetLab(api) {
  await api("/lab/reset", {method: "POST", body: {}});
}

// Products 1..count read once, so that each has a stale copy to fall back on.
export const WARM_IDS = Array.from({length: 30}, (_, i) => i + 1);
