#!/usr/bin/env bash
# The cache-miss path against Postgres' own speed, in one run on one lab.
# Starts a private lab (`up`, its own state dir and ports, no gateway) and forces every lookup to
# the database (`cache_failure_rate` 1.0, no saturation). Then, for ROUNDS rounds, turn about:
#   pgbench  -M prepared -c <pool size> -j 2: the service's own query on random ids 1..10000;
#   wrk -t2 -c64, then -c8: GET /products/{id} on the same ids through the service.
# Prints each run (req/s, p99, the service's CPU per request from /proc, Postgres' CPU per query)
# and the medians over rounds; the ratio service/pgbench is the median of the rounds' ratios.
# Loopback only; stops what it started.
#   bench/cache_miss.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${BENCH_BINARY:-$root/build/release/src/cli/sre-lab}"  # another build: BENCH_BINARY
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
duration="${1:-10}"
rounds="${2:-3}"
check_whole_number "seconds per run" "$duration"
check_whole_number rounds "$rounds"
port="${BENCH_PORT:-18000}"
pg_port="${BENCH_PG_PORT:-55442}"
redis_port="${BENCH_REDIS_PORT:-56389}"
pool_size="${BENCH_POOL_SIZE:-5}"
ids=10000

[ -x "$binary" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
command -v pgbench >/dev/null ||
  { echo "bench: pgbench is missing (apt-get install postgresql-15)" >&2; exit 2; }

make_state
"$binary" up --state-dir "$state/lab" --port "$port" --pg-port "$pg_port" \
  --redis-port "$redis_port" --gateway off --db-pool-size "$pool_size" >"$state/up.log" 2>&1 &
lab_pid=$!
pids+=("$lab_pid")
wait_ready "$port"
base="http://127.0.0.1:$port"
serve_pid="$(pgrep -P "$lab_pid" -f 'sre-lab serve' | head -1)"
postmaster_pid="$(pgrep -P "$lab_pid" -x postgres | head -1)"
[ -n "$serve_pid" ] && [ -n "$postmaster_pid" ] ||
  { echo "bench: service or Postgres process not found" >&2; exit 1; }

curl -fs "$base/products/$ids" | grep -q '"id":'"$ids" ||
  { echo "bench: the catalog has no product $ids" >&2; exit 1; }
curl -fs -X POST "$base/chaos/configure" \
  -d '{"cache_failure_rate": 1.0, "saturation_ms_per_query": 0}' >/dev/null
curl -fs "$base/products/1" | grep -q '"source":"database"' ||
  { echo "bench: lookups are not forced to the database" >&2; exit 1; }

cat >"$state/by_id.sql" <<SQL
\set id random(1, $ids)
SELECT id, name, description, category, price::text FROM products WHERE id = :id;
SQL
cat >"$state/random_id.lua" <<LUA
request = function()
  return wrk.format("GET", "/products/" .. math.random(1, $ids))
end
LUA

# CPU clock ticks (user + system) of one process; with `children`, also of its reaped children
# (Postgres' backends, whose CPU moves to the postmaster when they exit).
cpu_ticks() {  # PID [children]
  awk -v kids="${2:-}" '{ t = $14 + $15; if (kids != "") t += $16 + $17; print t }' "/proc/$1/stat"
}
# Postgres as a whole: the postmaster with every live and reaped child.
pg_ticks() {
  local total pid
  total="$(cpu_ticks "$postmaster_pid" children)"
  for pid in $(pgrep -P "$postmaster_pid"); do
    total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
hz="$(getconf CLK_TCK)"
per_request_us() {  # TICKS REQUESTS
  awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }'
}

# measure NAME COMMAND...: runs COMMAND (which prints "requests req/s p99"), records the CPU of
# the service and of Postgres over it, prints one line and appends to $state/NAME.*
measure() {
  local name="$1" serve0 pg0 out requests rps p99 serve_us pg_us
  shift
  serve0="$(cpu_ticks "$serve_pid")"
  pg0="$(pg_ticks)"
  out="$("$@")"
  read -r requests rps p99 <<<"$out"
  serve_us="$(per_request_us $(($(cpu_ticks "$serve_pid") - serve0)) "$requests")"
  pg_us="$(per_request_us $(($(pg_ticks) - pg0)) "$requests")"
  printf '%-16s %10s req/s   p99 %9s   service CPU %6s µs/req   Postgres CPU %6s µs/query\n' \
    "$name" "$rps" "$p99" "$serve_us" "$pg_us"
  echo "$rps" >>"$state/$name.rps"
  echo "$serve_us" >>"$state/$name.service_us"
  echo "$pg_us" >>"$state/$name.pg_us"
}

run_pgbench() {
  local out
  out="$(pgbench -n -M prepared -c "$pool_size" -j 2 -T "$duration" -r -f "$state/by_id.sql" \
    "postgresql://srelab@127.0.0.1:$pg_port/srelab" 2>&1)" ||
    { echo "$out" >&2; echo "bench: pgbench failed" >&2; exit 1; }
  awk '/number of transactions actually processed/ { split($0, a, ": "); split(a[2], b, "/"); n = b[1] }
       /^tps = / { tps = $3 }
       END { printf "%d %.0f -\n", n, tps }' <<<"$out"
}

run_wrk() {  # CONNECTIONS
  local out
  out="$(wrk -t2 -c"$1" -d"${duration}s" --latency -s "$state/random_id.lua" "$base/")"
  grep -q 'Non-2xx' <<<"$out" && echo "bench: wrk -c$1 had non-2xx answers" >&2
  awk '/requests in/ { n = $1 } /^Requests\/sec:/ { rps = $2 } $1 == "99%" { p99 = $2 }
       END { printf "%d %.0f %s\n", n, rps, p99 }' <<<"$out"
}

echo "cache misses: every lookup from Postgres, random ids 1..$ids; pool $pool_size;" \
  "${duration}s runs, $rounds rounds, $(nproc) cores"
wrk -t2 -c64 -d2s -s "$state/random_id.lua" "$base/" >/dev/null  # connections and buffers made
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  measure "pgbench-c$pool_size" run_pgbench
  measure service-c64 run_wrk 64
  measure service-c8 run_wrk 8
done

echo "medians over $rounds rounds"
for name in "pgbench-c$pool_size" service-c64 service-c8; do
  printf '%-16s %10s req/s   service CPU %6s µs/req   Postgres CPU %6s µs/query\n' "$name" \
    "$(median <"$state/$name.rps")" "$(median <"$state/$name.service_us")" \
    "$(median <"$state/$name.pg_us")"
done
for name in service-c64 service-c8; do
  printf 'ratio %-10s / pgbench-c%s = %s\n' "$name" "$pool_size" \
    "$(round_ratio "$name.rps" "pgbench-c$pool_size.rps")"
done
