// The expectation language without a lab: each check passes on what it describes and fails on
// what it does not, and a typo is a parse error rather than a check that cannot fail.
//   node --test tests/e2e/guide/expect_test.mjs
import assert from "node:assert/strict";
import test from "node:test";
import {judge, parseExpect} from "./expect.mjs";
import {parseGuide} from "./markdown.mjs";

const run = (output, extra = {}) => ({exitCode: 0, output, statuses: [200], seconds: 1, timedOut: false, ...extra});
const verdicts = (text, r) => judge(parseExpect(text, "t"), r).map((x) => x.ok);

test("json paths, ops and the value picked", () => {
  const out = '{"source":"database"}\n200 0.001s\n{"a":{"200":5},"rows":[{"id":1},{"id":2}],"p":310.5}\n';
  assert.deepEqual(verdicts('json#1 .source == "database"', run(out)), [true, true]);
  assert.deepEqual(verdicts('json#1 .source == "cache"', run(out)), [true, false]);
  assert.deepEqual(verdicts('json .a."200" == 5\njson .rows[].id == [1, 2]\njson .rows | length >= 2', run(out)), [true, true, true, true]);
  assert.deepEqual(verdicts("json .p between 250 and 400\njson .p between 400 and 500", run(out)), [true, true, false]);
  assert.deepEqual(verdicts('json .missing in ["x"]', run(out)), [true, false]);
});

test("statuses, counts, each, seconds and the exit code", () => {
  const r = run("200 0.002s\n503 0.2s\n", {statuses: [200, 503], seconds: 10.4, exitCode: 1});
  assert.deepEqual(verdicts("exit 1\nstatus 200 503\nstatuses 200 503", r), [true, true, true]);
  assert.deepEqual(verdicts("status 200", r), [false, false]);
  assert.deepEqual(verdicts("exit 1\ncount /^\\d{3} /m == 2\neach /^\\d+ ([\\d.]+)s$/m < 0.05", r), [true, true, false]);
  assert.deepEqual(verdicts("exit 1\nseconds between 10 and 13\noutput lacks \"500\"", r), [true, true, true]);
  assert.deepEqual(verdicts("timeout 5\nexit 0", run("", {timedOut: true})), [false, true]);
});

test("any, skip and slow need a reason; unknown checks and bad values are errors", () => {
  assert.equal(parseExpect("any the ids are random", "t").mode, "any");
  assert.equal(parseExpect("slow ~1 minute\noutput contains \"held\"", "t").mode, "slow");
  assert.throws(() => parseExpect("skip", "t"), /needs a reason/);
  assert.throws(() => parseExpect("", "t"), /empty expect block/);
  assert.throws(() => parseExpect("jsn .a == 1", "t"), /unknown check/);
  assert.throws(() => parseExpect("json .a == database", "t"), /not a JSON value/);
});

test("a command block is paired with the expect block under it, or with none", () => {
  const md = "## Part 3: x\n\n```bash\necho 1\n```\n\n```expect\nexit 0\n```\n\ntext\n\n```bash\necho 2\n```\n\ntext\n\n```expect\nexit 0\n```\n";
  const {blocks} = parseGuide(md);
  assert.equal(blocks.length, 2);
  assert.equal(blocks[0].expect.text, "exit 0");
  assert.equal(blocks[0].part, "3");
  assert.equal(blocks[1].expect, null);  // prose between: not its expectation
  const stopped = parseGuide("```bash\na\n```\n```expect\nexit 0\n```\n<!-- guide-test: stop -->\n```bash\nb\n```\n");
  assert.equal(stopped.blocks.length, 1);
  assert.equal(stopped.stoppedAt, 7);
});
