#!/usr/bin/env bash
# The guide's Part 1, measured: the steady state under open-loop load through the gateway, then
# 3 s of latency on every database query, then recovery, with the load kept at its rate all along.
# Needs a running lab (`./lab up`: the gateway on 8080, the service on 8000) and node (the build's).
# Prints the guide's panel (P95, error rate, cache hit rate, service CPU) for each phase, where the
# errors came from, and the hit rate as a curve; keeps the raw data in the output dir.
#   experiments/part1-db-latency.sh [rate, default 150] [steady s, default 30] [chaos s, default 100]
#                                   [recovery s, default 40]
# GATEWAY and SERVICE (URLs) override the defaults; OUT the output dir (default a new temp dir).
# DEFENSES=off runs it on the guide's naive service: circuit breaker disabled, no fallback.
# Loopback only; the load stops by itself; the chaos is reset on exit, whatever happens.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$root/build/release/src/cli/sre-lab"
gateway="${GATEWAY:-http://127.0.0.1:8080}"
service="${SERVICE:-http://127.0.0.1:8000}"
rate="${1:-150}"
steady="${2:-30}"
chaos="${3:-100}"
recovery="${4:-40}"
for value in "rate:$rate" "steady seconds:$steady" "chaos seconds:$chaos" \
  "recovery seconds:$recovery"; do
  [[ "${value#*:}" =~ ^[1-9][0-9]{0,3}$ ]] ||
    { echo "part1: ${value%%:*} must be a whole number from 1 to 9999, not '${value#*:}'" >&2; exit 2; }
done
[ -x "$binary" ] || { echo "part1: build first (./lab build)" >&2; exit 2; }
command -v node >/dev/null || { echo "part1: node is missing" >&2; exit 2; }
for url in "$gateway" "$service"; do
  curl -fs "$url/readyz" >/dev/null ||
    { echo "part1: $url/readyz does not answer 200: start the lab first (./lab up)" >&2; exit 2; }
done
out="${OUT:-$(mktemp -d /tmp/sre-lab-part1.XXXXXX)}"
mkdir -p "$out"
ids="hot:90%:100:1-10000"  # the guide's ~90 % cache hits: 90 % of requests on 100 ids

post() { curl -fs -X POST -H 'Content-Type: application/json' "$service$1" ${2:+-d "$2"} >/dev/null; }
now_ms() { date +%s%3N; }
# /resilience/reset puts back the settings the service started with and a breaker as new; the
# modes are still set explicitly (DEFENSES), and the lab's defaults are put back on exit.
defaults='{"mode": "normal", "fallback_enabled": true, "db_pool_timeout_s": 1}'
load_pid=""
finish() {
  post /chaos/reset || true
  post /resilience/configure "$defaults" || true
  post /resilience/reset || true
  [ -n "$load_pid" ] && kill -INT "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null || true
}
trap finish EXIT

post /chaos/reset
post /resilience/reset
case "${DEFENSES:-on}" in
  on) post /resilience/configure "$defaults" ;;
  off) post /resilience/configure '{"mode": "disabled", "fallback_enabled": false}' ;;
  *) echo "part1: DEFENSES must be on or off, not '$DEFENSES'" >&2; exit 2 ;;
esac
# The warm-up draws other ids than the run (its own seed): only the hot set is cached before.
echo "part1: warming the hot ids into the cache (20 s at $rate/s)" >&2
"$binary" load --target "$gateway" --rate "$rate" --ids "$ids" --duration 20s --seed 7 \
  --quiet >/dev/null

total=$((steady + chaos + recovery))
echo "part1: $total s at $rate/s through $gateway: $steady s steady, $chaos s with db_latency 3," \
  "$recovery s recovery; data in $out" >&2
"$binary" load --target "$gateway" --rate "$rate" --ids "$ids" --duration "${total}s" \
  --json "$out/load.json" --quiet >"$out/load-summary.txt" &
load_pid=$!
start="$(now_ms)"
sleep "$steady"
chaos_start="$(now_ms)"
post /chaos/configure '{"db_latency": 3}'
sleep "$chaos"
chaos_end="$(now_ms)"
post /chaos/reset
wait "$load_pid"
load_pid=""
end="$(now_ms)"
sleep 2  # the console's last second
curl -fs "$service/console/api/timeline" >"$out/timeline.json"
printf '{"start": %s, "chaos_start": %s, "chaos_end": %s, "end": %s}\n' \
  "$start" "$chaos_start" "$chaos_end" "$end" >"$out/phases.json"
node "$root/experiments/part1-summary.mjs" "$out"
