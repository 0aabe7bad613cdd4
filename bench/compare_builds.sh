#!/usr/bin/env bash
# Two builds of sre-lab on the traced cache-hit path, turn about: does a change pay for itself?
# An optimization stays in the code only with its measured gain beside it; this is the measure.
# Build the variant into another directory (ccache makes that a one-file rebuild), then:
#   bench/compare_builds.sh BASE_BINARY VARIANT_BINARY [seconds per run, default 10] [rounds, default 7]
# One lab (Postgres, Redis) from this checkout's build (build/release); both services traced at 100 % to the stand-in agent
# (bench/trace_sink.cpp; BENCH_TRACING=off: untraced), no console, wrk -t2 -c64 on random
# cache-hit ids. The two runs of a
# round swap places every round; the median over rounds of variant/base is the answer.
# Loopback only; stops what it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
[ $# -ge 2 ] || { echo "usage: bench/compare_builds.sh BASE VARIANT [seconds] [rounds]" >&2; exit 2; }
base_binary="$1"
variant_binary="$2"
duration="${3:-10}"
rounds="${4:-7}"
for binary in "$base_binary" "$variant_binary"; do
  [ -x "$binary" ] || { echo "bench: '$binary' is not an executable" >&2; exit 2; }
done
check_whole_number "seconds per run" "$duration"
check_whole_number rounds "$rounds"
tracing="${BENCH_TRACING:-on}"
[[ "$tracing" =~ ^(on|off)$ ]] || { echo "bench: BENCH_TRACING must be on or off, not '$tracing'" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
sink="$root/build/release/bench/trace_sink"
lab_binary="$root/build/release/src/cli/sre-lab"
[ -x "$sink" ] && [ -x "$lab_binary" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }

base_port="${BENCH_PORT:-18000}"
variant_port=$((base_port + 1))
agent_port=$((base_port + 2))
lab_port=$((base_port + 3))
make_state

"$sink" "$agent_port" >"$state/agent.log" 2>&1 &
pids+=($!)
export SRE_LAB_CACHE_TTL=86400  # every measured request is a hit
start_lab "$lab_binary" "$lab_port"

serve() {  # BINARY PORT
  "$1" serve --port "$2" --tracing "$tracing" --console off \
    --trace-agent-url "http://127.0.0.1:$agent_port" \
    --database-url "postgresql://srelab@127.0.0.1:$pg_port/srelab" \
    --redis-url "redis://127.0.0.1:$redis_port/0" >"$state/serve-$2.log" 2>&1 &
  pids+=($!)
  wait_ready "$2"
}
serve "$base_binary" "$base_port"
serve "$variant_binary" "$variant_port"
warm_cache "$base_port"
for port in "$base_port" "$variant_port"; do warm_up "$port"; done

echo "wrk -t2 -c64 -d${duration}s x $rounds rounds, $(nproc) cores, tracing $tracing"
for round in $(seq 1 "$rounds"); do
  if ((round % 2)); then
    wrk_run base "$base_port"; wrk_run variant "$variant_port"
  else
    wrk_run variant "$variant_port"; wrk_run base "$base_port"
  fi
done
printf 'median         base %s, variant %s req/s\n' "$(median <"$state/base")" \
  "$(median <"$state/variant")"
printf 'per round      variant / base: %s\n' "$(paste "$state/variant" "$state/base" |
  awk '{printf "%.3f ", $1 / $2}')"
printf 'ratio          variant / base = %s\n' "$(round_ratio variant base)"
