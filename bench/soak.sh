#!/usr/bin/env bash
# Soak: does the service hold its resources over a long run with chaos? Starts a private lab
# (`up` with its own state dir and ports, no gateway), drives steady open-loop load with
# `sre-lab load` (uniform ids over the whole catalog, so with the cache's TTL about half the
# lookups miss and go to Postgres), and every minute injects one fault for 10 s through the admin
# endpoints, in turn: DB latency, DB failures, cache failures, a cache clear; then resets.
# Samples at the start, every minute and at the end: the service's RSS and open fds (/proc),
# Postgres client backends (pg_stat_activity) and Redis connected_clients (INFO, less the probe's
# own). Prints the table and, per figure, "flat" when the end is within a tolerance of the level
# after warm-up, else "GROWS" and exits 1. Loopback only; stops what it started.
# Warm-up: the service's RSS rises until its bounded stores (the console's traces and logs, among
# others) are full, which takes a number of requests, not of minutes: at 200/s it rose from 17 to
# 106 MB in two minutes and then held within 0.2 MB for eight; at 50/s it was still rising after
# four. So a lower SOAK_RATE needs a longer SOAK_WARMUP.
#   bench/soak.sh [minutes, default 10]
# SOAK_RATE requests a second (default 200; the lab's default saturation model and pool of 5
# answer most of them 503, which is part of what is soaked), SOAK_WARMUP minutes (default 2,
# fewer than the run's), SOAK_PORT (default 21200; Postgres and Redis on the next two).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
binary="$root/build/release/src/cli/sre-lab"
minutes="${1:-10}"
check_whole_number minutes "$minutes"
rate="${SOAK_RATE:-200}"
check_whole_number SOAK_RATE "$rate"
warmup="${SOAK_WARMUP:-2}"
check_whole_number SOAK_WARMUP "$warmup"
[ "$warmup" -lt "$minutes" ] ||
  { echo "bench: SOAK_WARMUP ($warmup) must be fewer minutes than the run ($minutes)" >&2; exit 2; }
port="${SOAK_PORT:-21200}"
[[ "$port" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$port" -le 65533 ] ||
  { echo "bench: SOAK_PORT must be a port from 1 to 65533, not '$port'" >&2; exit 2; }
pg_port=$((port + 1))
redis_port=$((port + 2))
[ -x "$binary" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }
for tool in psql redis-cli curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
make_state

base="http://127.0.0.1:$port"
"$binary" up --state-dir "$state/lab" --port "$port" --pg-port "$pg_port" \
  --redis-port "$redis_port" --gateway off >"$state/up.log" 2>&1 &
lab_pid=$!
pids+=("$lab_pid")
wait_ready "$port"

service_pid() { pgrep -P "$lab_pid" -f 'sre-lab serve' | head -1; }
first_service="$(service_pid)"
[ -n "$first_service" ] || { echo "bench: no service process under up" >&2; exit 1; }

# sample LABEL: one row of the table, also kept in $state/samples (label rss_kb fds pg redis)
sample() {
  local pid rss fds pg redis
  pid="$(service_pid)"
  if [ "$pid" != "$first_service" ]; then
    echo "bench: the service restarted or died (pid $first_service, now '${pid:-none}')" >&2
    tail -20 "$state/up.log" >&2
    exit 1
  fi
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
  fds="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  pg="$(psql -h 127.0.0.1 -p "$pg_port" -U srelab -d srelab -Atc \
    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'
       AND pid <> pg_backend_pid()")"
  redis="$(redis-cli -p "$redis_port" INFO clients | tr -d '\r' |
    awk -F: '$1 == "connected_clients" {print $2 - 1}')"
  echo "$1 $rss $fds $pg $redis" >>"$state/samples"
  printf '%-7s %9.1f %6d %12d %14d   %s\n' "$1" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" \
    "$fds" "$pg" "$redis" "${2:-}"
}

admin() {  # PATH [JSON]
  curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d "${2:-{\}}" "$base$1" ||
    echo "bench: POST $1 failed" >&2
}

# The fault of minute N (1-based), held 10 s (its own duration_s guardrail too), then reset.
faults=('{"db_latency": 0.2, "duration_s": 10}' '{"db_failure_rate": 0.5, "duration_s": 10}'
  '{"cache_failure_rate": 0.5, "duration_s": 10}' clear_cache)
fault_names=("db latency 200 ms" "db failures 50 %" "cache failures 50 %" "cache cleared")
chaos() {  # MINUTE
  local which=$((($1 - 1) % 4))
  if [ "${faults[$which]}" = clear_cache ]; then
    admin /chaos/clear_cache
  else
    admin /chaos/configure "${faults[$which]}"
    sleep 10
    admin /chaos/reset
  fi
}

"$binary" load --target "$base" --rate "$rate" --duration "$((minutes * 60))s" \
  --ids uniform:1-10000 --quiet >"$state/load.out" 2>&1 &
load_pid=$!
pids+=("$load_pid")

echo "soak: ${minutes} min, $rate req/s open loop, ids uniform:1-10000, $(nproc) cores"
printf '%-7s %9s %6s %12s %14s   %s\n' minute rss_MB fds pg_backends redis_clients "fault in the minute before"
sample start
started=$SECONDS
for minute in $(seq 1 "$minutes"); do
  sleep 20
  [ "$minute" -lt "$minutes" ] && chaos "$minute"
  sleep $((started + minute * 60 - SECONDS))
  if [ "$minute" -lt "$minutes" ]; then
    sample "$minute" "${fault_names[$(((minute - 1) % 4))]}"
  fi
done
wait "$load_pid" || echo "bench: the load generator failed" >&2
sleep 2  # connections of the last requests close
sample end "(load finished)"
echo
tail -n 12 "$state/load.out"
echo

# verdict NAME COLUMN TOLERANCE_ABS TOLERANCE_PCT: flat when end <= warm-up + max(abs, pct %)
grows=0
verdict() {
  local warm end
  warm="$(awk -v c="$2" -v w="$warmup" '$1 == w {print $c}' "$state/samples")"
  end="$(awk -v c="$2" '$1 == "end" {print $c}' "$state/samples")"
  if awk -v w="$warm" -v e="$end" -v a="$3" -v p="$4" \
    'BEGIN {t = w * p / 100; if (a > t) t = a; exit !(e <= w + t)}'; then
    printf '%-14s flat    (after warm-up %s, at end %s; tolerance +max(%s, %s %%))\n' \
      "$1" "$warm" "$end" "$3" "$4"
  else
    printf '%-14s GROWS   (after warm-up %s, at end %s; tolerance +max(%s, %s %%))\n' \
      "$1" "$warm" "$end" "$3" "$4"
    grows=1
  fi
}
verdict "rss (kB)" 2 8192 10
verdict fds 3 4 10
verdict pg_backends 4 2 0
verdict redis_clients 5 2 0
exit "$grows"
