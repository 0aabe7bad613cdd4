#!/usr/bin/env bash
# What telemetry costs on the cache-hit path. One lab (Postgres, Redis) and three services on it,
# measured turn about with wrk on random cache-hit ids:
#   off                no tracing, no console (metrics are always recorded)
#   telemetry          every request traced (100 % sampling), traces sent to a stand-in agent on
#                      loopback (bench/trace_sink.cpp; BENCH_RECEIVER=node uses the JavaScript
#                      bench/trace_receiver.mjs instead), /metrics scraped every second; no console
#   telemetry+console  the same with the console recording (what `up` runs by default)
# Each service first gets BENCH_WARMUP seconds (default 3) of the same load, unmeasured.
# Prints each run, the medians and the ratios: telemetry / off is the telemetry issue's measure,
# telemetry+console / telemetry the console's own cost. A ratio is taken within each round (its
# runs are minutes apart at most, while this machine's speed drifts by ±15 % over longer) and
# the median over rounds is reported; the order of the runs rotates from round to round (below).
# Loopback only; stops what it started.
#   bench/telemetry_cost.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
binary="$root/build/release/src/cli/sre-lab"
duration="${1:-10}"
rounds="${2:-3}"
check_whole_number "seconds per run" "$duration"
check_whole_number rounds "$rounds"
check_whole_number BENCH_WARMUP "${BENCH_WARMUP:-3}"
off_port="${BENCH_PORT:-18000}"
on_port=$((off_port + 1))
agent_port=$((off_port + 2))
no_console_port=$((off_port + 3))
lab_port=$((off_port + 4))
sink="$root/build/release/bench/trace_sink"
receiver="${BENCH_RECEIVER:-sink}"
[ -x "$binary" ] && [ -x "$sink" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
case "$receiver" in
  sink) ;;
  node) command -v node >/dev/null || { echo "bench: node is missing" >&2; exit 2; } ;;
  *) echo "bench: BENCH_RECEIVER must be sink or node, not '$receiver'" >&2; exit 2 ;;
esac
make_state

if [ "$receiver" = node ]; then
  node "$root/bench/trace_receiver.mjs" "$agent_port" >"$state/agent.log" 2>&1 &
else
  "$sink" "$agent_port" >"$state/agent.log" 2>&1 &
fi
agent_pid=$!
pids+=("$agent_pid")
# Keys must outlive the whole run (the default TTL is 60 s): every measured request is a hit.
export SRE_LAB_CACHE_TTL=86400
start_lab "$binary" "$lab_port"
serve() {  # PORT TRACING CONSOLE
  "$binary" serve --port "$1" --tracing "$2" --console "$3" \
    --trace-agent-url "http://127.0.0.1:$agent_port" \
    --database-url "postgresql://srelab@127.0.0.1:$pg_port/srelab" \
    --redis-url "redis://127.0.0.1:$redis_port/0" >"$state/serve-$1.log" 2>&1 &
  pids+=($!)
  wait_ready "$1"
}
serve "$off_port" off off
serve "$no_console_port" on off
serve "$on_port" on on

warm_cache "$off_port"
for port in "$off_port" "$no_console_port" "$on_port"; do warm_up "$port"; done

scrape() {  # /metrics of PORT every second, as Prometheus would
  while true; do curl -fs -o /dev/null "http://127.0.0.1:$1/metrics" || true; sleep 1; done
}

run_scraped() {  # NAME PORT
  scrape "$2" &
  local scraper=$!
  wrk_run "$1" "$2"
  kill "$scraper" 2>/dev/null
  wait "$scraper" 2>/dev/null || true
}

echo "wrk -t2 -c64 -d${duration}s x $rounds rounds, $(nproc) cores, receiver: $receiver"
# The three take each place in turn (round 1: off, telemetry, telemetry+console; round 2 starts
# with telemetry, round 3 with telemetry+console), so none always runs in the same place or after
# the same one. (A fixed order that only reversed kept telemetry in the middle of every round;
# there it came out 2 - 3 % behind telemetry+console, which does strictly more work, in two of
# three runs.)
measure() {  # 0 off, 1 telemetry, 2 telemetry+console
  case "$1" in
    0) wrk_run off "$off_port" ;;
    1) run_scraped telemetry "$no_console_port" ;;
    2) run_scraped telemetry+console "$on_port" ;;
  esac
}
for round in $(seq 1 "$rounds"); do
  for place in 0 1 2; do measure $(((round - 1 + place) % 3)); done
done

off="$(median <"$state/off")"
traced="$(median <"$state/telemetry")"
with_console="$(median <"$state/telemetry+console")"
exported() {  # PORT: "sent dropped" traces
  curl -fs "http://127.0.0.1:$1/metrics" |
    awk '/^trace_export_sent_total/ {s+=$2} /^trace_export_dropped_total/ {d+=$2} END {print s+0, d+0}'
}
printf 'median         off %s, telemetry %s, telemetry+console %s req/s\n' \
  "$off" "$traced" "$with_console"
printf 'exported       sent %s traces, dropped %s (telemetry)\n' $(exported "$no_console_port")
printf 'exported       sent %s traces, dropped %s (telemetry+console)\n' $(exported "$on_port")
# The stand-in agent's own CPU (it shares the machine's two cores with the services and wrk).
receiver_ticks="$(awk '{print $14 + $15}' "/proc/$agent_pid/stat")"
printf 'receiver       %s, %.2f us of CPU per trace received\n' "$receiver" "$(
  awk -v t="$receiver_ticks" -v hz="$(getconf CLK_TCK)" -v a="$(exported "$no_console_port")" \
    -v b="$(exported "$on_port")" 'BEGIN {split(a, x, " "); split(b, y, " ");
      n = x[1] + y[1]; print (n > 0 ? t / hz * 1e6 / n : 0)}')"
printf 'per round      telemetry / off: %s\n' "$(paste "$state/telemetry" "$state/off" |
  awk '{printf "%.2f ", $1 / $2}')"
printf 'ratio          telemetry / off = %.2f   (ratio of the medians %.2f)\n' \
  "$(round_ratio telemetry off)" "$(awk -v a="$traced" -v b="$off" 'BEGIN {print a / b}')"
printf 'ratio          telemetry+console / telemetry = %.2f\n' "$(round_ratio telemetry+console telemetry)"
printf 'ratio          telemetry+console / off = %.2f\n' "$(round_ratio telemetry+console off)"
