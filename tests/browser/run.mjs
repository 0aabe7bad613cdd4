// The browser tests: the console (/console) and Swagger UI (/docs) driven in Debian's headless
// chromium by playwright-core, against a real `sre-lab up` on free loopback ports in a scratch
// state dir (or, with SRE_LAB_BASE_URL set, against a lab already running there).
//
//   node tests/browser/run.mjs --binary <sre-lab> --web <build>/web --screenshots <dir> [name...]
//
// --web is where the build ran `npm ci` (cmake/embed_assets.cmake): playwright-core is loaded
// from its node_modules, so the tests need no install of their own. Every test file here named
// NN_<name>.mjs exports `name` and `run(context)` (see support.mjs), and `fullPage = false` for
// a screenshot of the viewport rather than the whole page; they run in file order, in one lab,
// each in a fresh browser context, and each leaves <screenshots>/<NN_name>.png, passed or failed.
// A test that needs a standalone `sre-lab serve` (no supervisor) asks for one: it is started once,
// beside the lab, on the lab's Postgres and Redis. Names on the command line pick tests by
// substring. CHROMIUM overrides the browser's path (default /usr/bin/chromium);
// SRE_LAB_BROWSER_PORT_BASE=N takes the ports from N, N+1, … instead of free ones (a machine
// whose users share out port ranges). Exit status 0 only when every test passed.
import {spawn} from "node:child_process";
import fs from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

import {freePort} from "../common/free_port.mjs";
import {makeContext, sleep} from "./support.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = {binary: "", web: "", screenshots: "", only: []};
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--binary") options.binary = value();
    else if (arg === "--web") options.web = value();
    else if (arg === "--screenshots") options.screenshots = value();
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else options.only.push(arg);
  }
  if (!options.web) throw new Error("--web <build>/web is required (where npm ci ran)");
  if (!options.screenshots) throw new Error("--screenshots <dir> is required");
  if (!process.env.SRE_LAB_BASE_URL && !options.binary)
    throw new Error("--binary <sre-lab> is required unless SRE_LAB_BASE_URL is set");
  return options;
}

// Where the lab's and the standalone service's ports come from: free ones, or a range.
function portSource() {
  const text = process.env.SRE_LAB_BROWSER_PORT_BASE;
  if (!text) return freePort;
  let next = Number(text);
  if (!/^\d+$/.test(text) || next < 1 || next > 65530)
    throw new Error(`SRE_LAB_BROWSER_PORT_BASE must be a port in 1..65530, got '${text}'`);
  return async () => next++;
}

// `sre-lab ARGS` with its output in `logPath`; resolves once `readyPath` answers 200.
async function startProcess(binary, args, {base, readyPath, logPath, what, timeout}) {
  const log = fs.openSync(logPath, "w");
  const child = spawn(binary, args, {stdio: ["ignore", log, log]});
  fs.closeSync(log);
  let exited = null;
  child.on("exit", (code, signal) => { exited = {code, signal}; });
  const running = {child, logPath, base, exited: () => exited};
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(`${base}${readyPath}`);
      if (response.ok) return running;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  const output = fs.readFileSync(logPath, "utf8");
  await stopProcess(running);
  throw new Error(`${what} did not become ready (${exited ? `exited ${JSON.stringify(exited)}`
                                                          : "timed out"}):\n${output}`);
}

// Stops what startProcess started, by its pid: SIGTERM, then SIGKILL after 30 s.
async function stopProcess(running) {
  if (running.exited()) return;
  const gone = new Promise((resolve) => running.child.once("exit", resolve));
  process.kill(running.child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (!running.exited()) process.kill(running.child.pid, "SIGKILL");
  }, 30_000);
  await gone;
  clearTimeout(timer);
}

// `sre-lab up` in its own state dir; resolves once /readyz answers 200.
async function startLab(binary, nextPort) {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "sre-lab-browser."));
  fs.chmodSync(state, 0o755);  // Postgres, when run as another user, must reach its data dir
  const [port, pgPort, redisPort, gatewayPort] =
      [await nextPort(), await nextPort(), await nextPort(), await nextPort()];
  try {
    const lab = await startProcess(
        binary, ["up", "--state-dir", path.join(state, "lab"), "--port", String(port),
                 "--pg-port", String(pgPort), "--redis-port", String(redisPort),
                 "--gateway-port", String(gatewayPort)],
        {base: `http://127.0.0.1:${port}`, readyPath: "/readyz",
         logPath: path.join(state, "up.log"), what: "sre-lab up", timeout: 120_000});
    return {...lab, state, pgPort, redisPort};
  } catch (error) {
    fs.rmSync(state, {recursive: true, force: true});
    throw error;
  }
}

async function stopLab(lab) {
  await stopProcess(lab);
  fs.rmSync(lab.state, {recursive: true, force: true});
}

// `sre-lab serve` alone (nothing supervises its dependencies) on the lab's Postgres and Redis,
// telemetry to nowhere; resolves once /healthz answers 200.
async function startServe(binary, lab, nextPort) {
  const port = await nextPort();
  return startProcess(
      binary, ["serve", "--port", String(port),
               "--database-url", `postgresql://srelab@127.0.0.1:${lab.pgPort}/srelab`,
               "--redis-url", `redis://127.0.0.1:${lab.redisPort}/0`,
               "--trace-enabled", "false", "--dogstatsd", "off", "--threads", "1"],
      {base: `http://127.0.0.1:${port}`, readyPath: "/healthz",
       logPath: path.join(lab.state, "serve.log"), what: "sre-lab serve", timeout: 30_000});
}

async function loadTests(only) {
  const files = fs.readdirSync(here).filter((f) => /^\d\d_.+\.mjs$/.test(f)).sort();
  const tests = [];
  for (const file of files) {
    const id = file.replace(/\.mjs$/, "");
    if (only.length && !only.some((pattern) => id.includes(pattern))) continue;
    const module = await import(pathToFileURL(path.join(here, file)).href);
    tests.push({id, name: module.name || id, run: module.run, fullPage: module.fullPage ?? true});
  }
  return tests;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(executablePath))
    throw new Error(`no browser at ${executablePath}: the browser tests drive Debian's chromium ` +
                    "(./lab test installs it; or apt-get install chromium; CHROMIUM=<path>)");
  const require = createRequire(path.join(path.resolve(options.web), "package.json"));
  const {chromium} = require("playwright-core");
  const tests = await loadTests(options.only);
  if (tests.length === 0) throw new Error("no test matches");
  fs.mkdirSync(options.screenshots, {recursive: true});

  const nextPort = portSource();
  let lab = null;
  let serve = null;
  let browser = null;
  const results = [];
  const stopSignals = () => {
    // ctest's timeout or Ctrl-C: take the lab (and the standalone service) down with us.
    for (const running of [lab, serve])
      if (running && !running.exited()) process.kill(running.child.pid, "SIGTERM");
    process.exit(130);
  };
  // For the tests that need a service nothing supervises: started at the first call, null when
  // this run started no lab (SRE_LAB_BASE_URL).
  const standalone = async () => {
    if (!lab) return null;
    serve ??= await startServe(options.binary, lab, nextPort);
    return serve.base;
  };
  process.once("SIGINT", stopSignals);
  process.once("SIGTERM", stopSignals);
  try {
    const base = process.env.SRE_LAB_BASE_URL?.replace(/\/$/, "") ||
                 (lab = await startLab(options.binary, nextPort)).base;
    console.log(`browser tests against ${base}${lab ? ` (sre-lab up, pid ${lab.child.pid})` : ""}`);
    browser = await chromium.launch({
      executablePath,
      // As root (a container), chromium refuses to start with its sandbox on.
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
    for (const test of tests) {
      const started = Date.now();
      const context = await browser.newContext({viewport: {width: 1400, height: 1000}});
      const page = await context.newPage();
      const pageErrors = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const screenshot = path.join(options.screenshots, `${test.id}.png`);
      let failure = null;
      try {
        await test.run(makeContext({page, base, standalone}));
        if (pageErrors.length)
          throw new Error(`uncaught errors in the page:\n  ${pageErrors.join("\n  ")}`);
      } catch (error) {
        failure = error;
      }
      try {
        // A full page from the top (the sticky header is drawn where the page is scrolled to);
        // a test exporting fullPage = false gets the viewport where it left it instead.
        if (test.fullPage) await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
        await page.screenshot({path: screenshot, fullPage: test.fullPage, timeout: 15_000});
      } catch (error) {
        console.log(`  (no screenshot: ${error.message})`);
      }
      await context.close();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (failure) {
        console.log(`FAIL ${test.id} — ${test.name} (${seconds} s)\n  ${
            String(failure.stack || failure).split("\n").join("\n  ")}`);
      } else {
        console.log(`ok   ${test.id} — ${test.name} (${seconds} s)`);
      }
      console.log(`     screenshot: ${screenshot}`);
      results.push({test, failure});
    }
  } finally {
    if (browser) await browser.close();
    if (serve) await stopProcess(serve);
    if (lab) {
      const failed = results.some((r) => r.failure) || results.length < tests.length;
      if (failed) console.log(`--- sre-lab up output ---\n${fs.readFileSync(lab.logPath, "utf8")
                                                              .split("\n").slice(-60).join("\n")}`);
      await stopLab(lab);
    }
  }
  const failed = results.filter((r) => r.failure).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`browser tests: ${error.stack || error}`);
  process.exit(1);
});
