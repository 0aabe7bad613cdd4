// The guide's Part 1 panel, per phase, from one run of experiments/part1-db-latency.sh:
//   node experiments/part1-summary.mjs DIR   (DIR holds load.json, timeline.json, phases.json)
// The users' view comes from the load generator (every answer, latency from its due time, so
// through the gateway); the service's view from its console timeline (one point a second).
// A panel value is what a dashboard shows during the phase: the median of its per-second values
// (P95, hit rate, CPU); error rates are over every request of the phase.
import {readFileSync} from "node:fs";
import {join} from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node experiments/part1-summary.mjs DIR");
  process.exit(2);
}
const read = (name) => JSON.parse(readFileSync(join(dir, name), "utf8"));
const load = read("load.json");
const timeline = read("timeline.json");
const phases = read("phases.json");

const median = (values) => {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};
const fixed = (value, digits = 1) => (value === null ? "–" : value.toFixed(digits));
const percent = (value) => (value === null ? "–" : `${(100 * value).toFixed(1)} %`);

// Phase boundaries as seconds since the load started (the load's own clock).
const bounds = [
  ["steady", 0, (phases.chaos_start - phases.start) / 1000],
  ["db_latency 3 s", (phases.chaos_start - phases.start) / 1000,
   (phases.chaos_end - phases.start) / 1000],
  ["recovery", (phases.chaos_end - phases.start) / 1000, Infinity],
];

function loadPhase(from, to) {
  const seconds = load.seconds.filter((s) => s.t > from + 0.5 && s.t <= to + 0.5);
  const statuses = {};
  let answered = 0, failed = 0, noAnswer = 0;
  for (const s of seconds) {
    answered += s.answered;
    noAnswer += s.timeouts + s.io_errors + s.connect_errors + s.dropped;
    for (const [status, n] of Object.entries(s.statuses)) {
      statuses[status] = (statuses[status] || 0) + n;
      if (Number(status) >= 500) failed += n;
    }
  }
  return {
    p95: median(seconds.map((s) => s.latency_ms.count ? s.latency_ms.p95 : null)),
    errorRate: answered + noAnswer ? (failed + noAnswer) / (answered + noAnswer) : null,
    statuses, answered, noAnswer,
  };
}

function servicePhase(from, to) {
  const t0 = phases.start + from * 1000, t1 = phases.start + to * 1000;
  const picked = timeline.time.map((t, i) => [t, i]).filter(([t]) => t > t0 + 1000 && t <= t1);
  const column = (key) => picked.map(([, i]) => timeline.values[key]?.[i] ?? null);
  return {
    hitRate: median(column("cache_hit_rate")),
    cpu: median(column("cpu_utilization")),
    cores: median(column("cpu_cores")),
    serviceP95: median(column("latency_p95")),
    serviceErrors: median(column("error_rate")),
  };
}

console.log(`Part 1 through ${load.plan.target}, ${load.plan.rate}/s open loop, ids ${load.plan.ids}`);
console.log("");
console.log("| phase | P95 (users, via the gateway) | error rate | cache hit rate | service CPU | service P95 |");
console.log("|---|---|---|---|---|---|");
const rows = bounds.map(([name, from, to]) => ({name, from, to, ...loadPhase(from, to),
                                                 ...servicePhase(from, to)}));
for (const r of rows) {
  console.log(`| ${r.name} | ${fixed(r.p95)} ms | ${percent(r.errorRate)} | ${percent(r.hitRate)} | ` +
              `${percent(r.cpu)} (${fixed(r.cores, 3)} cores) | ${fixed(r.serviceP95 === null ? null : r.serviceP95 * 1000)} ms |`);
}
console.log("");
for (const r of rows) {
  const statuses = Object.entries(r.statuses).map(([s, n]) => `${s}: ${n}`).join(", ");
  console.log(`${r.name}: ${r.answered} answers (${statuses}), ${r.noAnswer} without an answer`);
}

// The hit rate as a curve: 10-second medians from the chaos' start.
console.log("");
console.log("cache hit rate from the chaos' start, 10 s medians:");
const curve = [];
for (let from = phases.chaos_start; from < phases.end; from += 10000) {
  const values = timeline.time.map((t, i) => [t, i]).filter(([t]) => t > from && t <= from + 10000)
                     .map(([, i]) => timeline.values.cache_hit_rate[i]);
  curve.push(`${Math.round((from - phases.chaos_start) / 1000)}s ${percent(median(values))}`);
}
console.log(curve.join(" · "));
