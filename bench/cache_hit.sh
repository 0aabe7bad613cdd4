#!/usr/bin/env bash
# Cache-hit throughput of the catalog service against a trivial endpoint of the same server.
# Starts a private lab (its own state dir and ports), warms ids 1..1000, then runs wrk with
# 64 connections against random cache-hit ids and against /healthz, and prints requests/s,
# p50, p99, the service's RSS and the hit/trivial ratio. Loopback only; stops what it started.
#   bench/cache_hit.sh [seconds per run, default 10]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${BENCH_BINARY:-$root/build/release/src/cli/sre-lab}"  # another build: BENCH_BINARY
duration="${1:-10}"
port="${BENCH_PORT:-18000}"
connections=64
threads=2
state="$(mktemp -d /tmp/sre-lab-bench.XXXXXX)"
chmod 755 "$state"

[ -x "$binary" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }

"$binary" up --state-dir "$state/lab" --port "$port" --pg-port "${BENCH_PG_PORT:-55442}" \
  --redis-port "${BENCH_REDIS_PORT:-56389}" --gateway off >"$state/up.log" 2>&1 &
lab_pid=$!
cleanup() {
  kill -TERM "$lab_pid" 2>/dev/null || true
  wait "$lab_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$lab_pid" 2>/dev/null || { cat "$state/up.log" >&2; exit 1; }
  sleep 0.2
done
serve_pid="$(pgrep -P "$lab_pid" -f 'sre-lab serve' | head -1)"

curl -fs -o /dev/null "$base/products/[1-1000]"  # warm: ids 1..1000 now in Redis
curl -fs "$base/products/1000" | grep -q '"source":"cache"' || { echo "bench: warm-up failed" >&2; exit 1; }

# run NAME ARGS...: prints "NAME req/s p50 p99"
run() {
  local name="$1"; shift
  local out
  out="$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@")"
  local rps p50 p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  if grep -q 'Non-2xx' <<<"$out"; then echo "bench: $name had non-2xx answers" >&2; fi
  printf '%-12s %12s req/s   p50 %8s   p99 %8s\n' "$name" "$rps" "$p50" "$p99"
  echo "$rps" >"$state/$name.rps"
}

echo "wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, service threads = cores"
run cache-hit -s "$root/bench/random_product.lua" "$base/"
run healthz "$base/healthz"
rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$serve_pid/status")"
printf 'service RSS  %d MB\n' "$((rss_kb / 1024))"
awk -v hit="$(cat "$state/cache-hit.rps")" -v triv="$(cat "$state/healthz.rps")" \
  'BEGIN { printf "ratio        cache-hit / healthz = %.2f\n", hit / triv }'
