// The expectation language of docs/lab-guide.md (its top documents it for the reader): one check
// a line, read by parseExpect() and judged by judge() against what a block did. A typo is a parse
// error, never a check that silently passes.
import {jsonValues, pathGet} from "./output.mjs";

const OPS = ["==", "!=", "<=", ">=", "<", ">", "in", "between", "contains"];

function parseValue(text, where) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${where}: ${text} is not a JSON value (strings take double quotes)`);
  }
}

// "OP VALUE" -> {op, value} (between: value = [low, high])
function parseComparison(text, where) {
  const m = /^(==|!=|<=|>=|<|>|in|between|contains)\s+(.*)$/.exec(text.trim());
  if (!m) throw new Error(`${where}: expected one of ${OPS.join(" ")} then a value, got "${text}"`);
  if (m[1] === "between") {
    const b = /^(\S+)\s+and\s+(\S+)$/.exec(m[2].trim());
    if (!b) throw new Error(`${where}: between LOW and HIGH`);
    return {op: "between", value: [parseValue(b[1], where), parseValue(b[2], where)]};
  }
  return {op: m[1], value: parseValue(m[2].trim(), where)};
}

function compare(actual, {op, value}) {
  const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  switch (op) {
    case "==": return eq(actual, value);
    case "!=": return !eq(actual, value);
    case "<": return typeof actual === "number" && actual < value;
    case "<=": return typeof actual === "number" && actual <= value;
    case ">": return typeof actual === "number" && actual > value;
    case ">=": return typeof actual === "number" && actual >= value;
    case "in": return Array.isArray(value) && value.some((v) => eq(v, actual));
    case "between": return typeof actual === "number" && actual >= value[0] && actual <= value[1];
    case "contains":
      if (typeof actual === "string") return actual.includes(value);
      if (Array.isArray(actual)) return actual.some((v) => eq(v, value));
      return false;
  }
  return false;
}

// A /regex/flags or a "quoted string" at the start of text -> {regex, rest}
function parsePattern(text, where) {
  let m = /^\/((?:\\.|[^/])+)\/([a-z]*)\s*(.*)$/.exec(text);
  if (m) return {regex: new RegExp(m[1], m[2].includes("g") ? m[2] : m[2] + "g"), rest: m[3]};
  m = /^("(?:\\.|[^"])*")\s*(.*)$/.exec(text);
  if (m) {
    const literal = parseValue(m[1], where);
    return {regex: new RegExp(literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"), rest: m[2]};
  }
  throw new Error(`${where}: expected a "string" or a /regex/, got "${text}"`);
}

// -> {mode: "run"|"any"|"skip"|"slow", reason, timeout, exit, checks: [{text, judge(run)}]}
export function parseExpect(text, where) {
  const spec = {mode: "run", reason: "", timeout: 60, exit: 0, checks: []};
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${where}: an empty expect block (write "any REASON" if nothing is to be checked)`);
  for (const line of lines) {
    const at = `${where}: "${line}"`;
    const [word, ...restWords] = line.split(/\s+/);
    const rest = line.slice(word.length).trim();
    if (["any", "skip", "slow"].includes(word)) {
      if (!rest) throw new Error(`${at}: ${word} needs a reason`);
      if (word !== "slow" || spec.mode === "run") spec.mode = word;
      spec.reason = rest;
      if (word === "any") spec.exit = null;
    } else if (word === "timeout") {
      spec.timeout = parseValue(rest, at);
    } else if (word === "exit") {
      spec.exit = parseValue(rest, at);
    } else if (word === "status") {
      const codes = restWords.map((w) => parseValue(w, at));
      spec.checks.push({text: line, judge: (run) => ({ok: run.statuses.length > 0 && run.statuses.every((s) => codes.includes(s)), actual: run.statuses.join(" ") || "(no HTTP answer)"})});
    } else if (word === "statuses") {
      const codes = restWords.map((w) => parseValue(w, at));
      spec.checks.push({text: line, judge: (run) => ({ok: run.statuses.join(" ") === codes.join(" "), actual: run.statuses.join(" ") || "(no HTTP answer)"})});
    } else if (/^json(#-?\d+)?$/.test(word)) {
      const index = word.includes("#") ? Number(word.split("#")[1]) : -1;
      const m = /^(\S+(?:\s*\|\s*length)?)\s+(.*)$/.exec(rest);
      if (!m) throw new Error(`${at}: json PATH OP VALUE`);
      const path = m[1], cmp = parseComparison(m[2], at);
      spec.checks.push({text: line, judge: (run) => {
        const values = jsonValues(run.output);
        const doc = index < 0 ? values[values.length + index] : values[index - 1];
        if (doc === undefined) return {ok: false, actual: `(no JSON value #${index} in the output; ${values.length} found)`};
        let actual;
        try { actual = pathGet(doc, path); } catch (e) { return {ok: false, actual: `(${e.message})`}; }
        return {ok: compare(actual, cmp), actual: JSON.stringify(actual)};
      }});
    } else if (word === "output") {
      const m = /^(contains|lacks)\s+(.*)$/.exec(rest);
      if (!m) throw new Error(`${at}: output contains|lacks "TEXT"|/REGEX/`);
      const {regex} = parsePattern(m[2], at);
      const want = m[1] === "contains";
      spec.checks.push({text: line, judge: (run) => {
        const found = run.output.match(regex);
        return {ok: Boolean(found) === want, actual: found ? `found ${JSON.stringify(found[0])}` : "not found"};
      }});
    } else if (word === "count") {
      const {regex, rest: after} = parsePattern(rest, at);
      const cmp = parseComparison(after, at);
      spec.checks.push({text: line, judge: (run) => {
        const n = (run.output.match(regex) || []).length;
        return {ok: compare(n, cmp), actual: String(n)};
      }});
    } else if (word === "each") {
      // each /re(number)/ OP VALUE: every match's first group, as a number, satisfies it
      const {regex, rest: after} = parsePattern(rest, at);
      const cmp = parseComparison(after, at);
      spec.checks.push({text: line, judge: (run) => {
        const numbers = [...run.output.matchAll(regex)].map((m) => Number(m[1]));
        return {ok: numbers.length > 0 && numbers.every((n) => compare(n, cmp)), actual: numbers.join(" ") || "(no match)"};
      }});
    } else if (word === "lines") {
      const cmp = parseComparison(rest, at);
      spec.checks.push({text: line, judge: (run) => {
        const n = run.output.split("\n").filter((l) => l.trim()).length;
        return {ok: compare(n, cmp), actual: String(n)};
      }});
    } else if (word === "seconds") {
      const cmp = parseComparison(rest, at);
      spec.checks.push({text: line, judge: (run) => ({ok: compare(run.seconds, cmp), actual: run.seconds.toFixed(2)})});
    } else {
      throw new Error(`${at}: unknown check "${word}"`);
    }
  }
  return spec;
}

// run: {exitCode, output, statuses, seconds, timedOut} -> [{text, ok, actual}]
export function judge(spec, run) {
  const results = [];
  if (run.timedOut) results.push({text: `timeout ${spec.timeout}`, ok: false, actual: `still running after ${spec.timeout} s`});
  if (spec.exit !== null) results.push({text: `exit ${spec.exit}`, ok: run.exitCode === spec.exit, actual: String(run.exitCode)});
  for (const check of spec.checks) results.push({text: check.text, ...check.judge(run)});
  return results;
}
