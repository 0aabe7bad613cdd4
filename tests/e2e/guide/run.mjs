#!/usr/bin/env node
// The executable guide: walks docs/lab-guide.md's command blocks in order against a fresh lab and
// checks each against the ```expect block under it (the language is documented at the guide's
// top; expect.mjs reads it).
//   node tests/e2e/guide/run.mjs path/to/sre-lab [--guide FILE] [--part N] [--slow]
//                                 [--keep-going] [--interactive]
// --part N     the blocks before Part 1 (they define $S and $B), then Part N's only
// --slow       also the blocks marked `slow` (the shipped experiments: minutes each)
// --interactive  waits for Enter before each block and goes on past a mismatch (`./lab guide`)
// Exit code: 0 every block run matched, 1 a mismatch (the first one ends the walk unless
// --keep-going) or a block without an expectation, 2 bad usage or the lab did not start.
import {chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {createInterface} from "node:readline/promises";
import {fileURLToPath} from "node:url";
import {parseExpect, judge} from "./expect.mjs";
import {startLab} from "./lab.mjs";
import {parseGuide} from "./markdown.mjs";
import {Shell, shellQuote} from "./shell.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); if (i < 0) return false; args.splice(i, 1); return true; };
const option = (name) => { const i = args.indexOf(name); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const slow = flag("--slow"), interactive = flag("--interactive");
const keepGoing = flag("--keep-going") || interactive;  // a learner sees every block's difference
const guidePath = resolve(option("--guide") ?? `${root}/docs/lab-guide.md`);
const onlyPart = option("--part");
const binary = args[0] ? resolve(args[0]) : null;
const usage = "usage: run.mjs path/to/sre-lab [--guide FILE] [--part N] [--slow] [--keep-going] [--interactive]";
if (!binary || args.length !== 1 || args[0].startsWith("-")) {
  console.error(args.some((a) => a.startsWith("-") && a !== "--help") ? `unknown option; ${usage}` : usage);
  process.exit(2);
}
if (!existsSync(binary)) {
  console.error(`run.mjs: no sre-lab binary at ${binary} (build it first: ./lab build)`);
  process.exit(2);
}
const color = process.stdout.isTTY ? (code, s) => `\x1b[${code}m${s}\x1b[0m` : (_, s) => s;
const relGuide = guidePath.startsWith(root + "/") ? guidePath.slice(root.length + 1) : guidePath;

// 1. Every block and its expectation, read before anything runs: a block without one, or an
// expectation the language does not know, fails the walk at once.
const {blocks, stoppedAt} = parseGuide(readFileSync(guidePath, "utf8"));
const problems = [];
for (const block of blocks) {
  const where = `${relGuide}:${block.line}`;
  if (!block.expect) { problems.push(`${where}: a command block without an \`\`\`expect block after it`); continue; }
  try { block.spec = parseExpect(block.expect.text, `${relGuide}:${block.expect.line}`); } catch (e) { problems.push(e.message); }
}
if (problems.length) {
  for (const p of problems) console.log(color(31, `FAIL ${p}`));
  process.exit(1);
}
// With --part: the blocks before Part 1 too, which define $S and $B and reset the lab.
const firstPart = blocks.findIndex((b) => /^\d+$/.test(b.part));
const selected = onlyPart === null ? blocks
  : blocks.filter((b, i) => (firstPart >= 0 && i < firstPart) || b.part === onlyPart);
if (selected.length === 0) { console.error(`no blocks in part ${onlyPart}`); process.exit(2); }

// 2. A fresh lab, and the guide's fixed addresses and paths pointed at it.
const scratch = mkdtempSync("/tmp/sre-lab-guide.");
chmodSync(scratch, 0o755);  // as root, `up` runs Postgres as its own user, which must enter it
let lab;
try {
  lab = await startLab(binary, scratch);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
// $S experiment run …: the experiments' own URLs are the guide's defaults; point them at this lab.
const wrapper = `${scratch}/sre-lab`;
writeFileSync(wrapper, `#!/usr/bin/env bash
if [ "$1" = experiment ] && [ "$2" = run ]; then
  exec ${shellQuote(binary)} "$@" --var service_url=${lab.service} --var load_url=${lab.gateway} --quiet \\
    --out ${shellQuote(scratch)}/runs/$(date +%s%N)
fi
exec ${shellQuote(binary)} "$@"
`);
chmodSync(wrapper, 0o755);
const rewrite = (code) => code
  // `./lab up` gives a fresh lab: the test's is up already, and a reset makes it as fresh (past
  // the curl wrapper, so that the block's own answers are the ones counted).
  .replace(/^\.\/lab up\b.*$/gm, `command curl -s -X POST ${lab.service}/lab/reset -o /dev/null  # ./lab up`)
  .replaceAll("http://127.0.0.1:8000", lab.service)
  .replaceAll("http://127.0.0.1:8080", lab.gateway)
  .replaceAll("http://127.0.0.1:9090", lab.prometheus)
  .replaceAll("build/release/src/cli/sre-lab", wrapper);
// The Part 1 script reads SERVICE and GATEWAY.
const shell = new Shell({scratch, cwd: root, env: {SERVICE: lab.service, GATEWAY: lab.gateway}});
// Whatever ends the walk (Ctrl-C, a closed terminal, a bug) stops the lab it started.
let quitting = false;
const quit = async (code, why) => {
  if (quitting) return;
  quitting = true;
  shell.stop();
  if (why) console.log(`\n${why} (scratch, with the lab's log: ${scratch})`);
  await lab.stop();
  process.exit(code);
};
process.on("SIGINT", () => quit(130, "stopped"));
process.on("SIGTERM", () => quit(143, "stopped"));
process.on("uncaughtException", (e) => quit(2, e.stack));
process.on("unhandledRejection", (e) => quit(2, e?.stack ?? String(e)));
console.log(`lab: service ${lab.service}, gateway ${lab.gateway}, Prometheus ${lab.prometheus} (log ${lab.log})`);

// 3. The walk.
const rl = interactive ? createInterface({input: process.stdin, output: process.stdout}) : null;
// The end of input (Ctrl-D, or a pipe run dry) ends the walk at the next prompt, not mid-block.
const inputClosed = rl ? new Promise((r) => rl.on("close", () => r(false))) : null;
const ready = async () => rl ? Promise.race([rl.question(color(36, "  ⏎ Enter runs it ")).then(() => true), inputClosed]) : true;
const tally = {passed: 0, failed: 0, unchecked: 0, skipped: []};
let failedAt = null;
const indent = (text, prefix = "    ") => text.replace(/\n$/, "").split("\n").map((l) => prefix + l).join("\n");
for (const [n, block] of selected.entries()) {
  const spec = block.spec;
  const title = `[${n + 1}/${selected.length}] ${relGuide}:${block.line} — ${block.heading}`;
  console.log(`\n${color(1, title)}`);
  console.log(indent(block.code, "  $ "));
  if (spec.mode === "skip" || (spec.mode === "slow" && !slow)) {
    const why = spec.mode === "slow" ? `slow, not run without --slow: ${spec.reason}` : `not run: ${spec.reason}`;
    console.log(color(33, `  – ${why}`));
    tally.skipped.push(`${relGuide}:${block.line} (${why})`);
    continue;
  }
  if (!(await ready())) { await quit(tally.failed ? 1 : 0, "(end of input: the walk stops here)"); }
  const run = await shell.run(rewrite(block.code), spec.timeout, interactive ? (s) => process.stdout.write(indent(s) + "\n") : () => {});
  if (!interactive) {
    const lines = run.output.replace(/\n$/, "").split("\n");
    const shown = lines.length > 40 ? ["…", ...lines.slice(-40)] : lines;
    if (run.output.trim()) console.log(indent(shown.join("\n")));
  }
  console.log(`  (${run.seconds.toFixed(1)} s${run.statuses.length ? `, HTTP ${run.statuses.join(" ")}` : ""})`);
  if (spec.mode === "any") console.log(color(33, `  any: ${spec.reason}`));
  const results = judge(spec, run);
  const width = Math.max(8, ...results.map((r) => r.text.length));
  for (const r of results)
    console.log(`  ${r.ok ? color(32, "✓") : color(31, "✗")} expected ${r.text.padEnd(width)}  actual ${r.actual}`);
  const ok = results.every((r) => r.ok);
  if (spec.mode === "any" && results.length === 0) tally.unchecked++;
  else if (ok) tally.passed++;
  else {
    tally.failed++;
    failedAt ??= `${relGuide}:${block.line}`;
    console.log(color(31, `FAIL ${relGuide}:${block.line}: the guide and the lab disagree (its expect block is at line ${block.expect.line})`));
    if (!keepGoing) break;
  }
}
rl?.removeAllListeners("close");
rl?.close();
await lab.stop();

console.log(`\n${tally.passed} blocks matched, ${tally.failed} did not, ${tally.unchecked} ran unchecked (any), ${tally.skipped.length} not run`);
for (const s of tally.skipped) console.log(`  not run: ${s}`);
if (stoppedAt) console.log(color(33, `annotation stops at ${relGuide}:${stoppedAt} (guide-test: stop): the blocks after it are not walked yet`));
if (tally.failed) {
  console.log(`first mismatch: ${failedAt}; scratch (lab log, blocks) kept in ${scratch}`);
  process.exit(1);
}
// A learner walking the guide keeps the experiments' reports (only); the test leaves nothing.
const runs = `${scratch}/runs`;
if (interactive && existsSync(runs)) {
  for (const entry of readdirSync(scratch)) if (entry !== "runs") rmSync(`${scratch}/${entry}`, {recursive: true, force: true});
  console.log(`the experiments' reports are in ${runs}`);
} else {
  rmSync(scratch, {recursive: true, force: true});
}
