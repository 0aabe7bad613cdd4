# What the wrk benchmarks share (sourced, not run): a private state dir and the cleanup of what
# was started, a lab from `up`, readiness, warming the cache, one wrk run, medians.
# The caller sets `root`; start_lab sets `pg_port` and `redis_port`.

check_whole_number() {  # NAME VALUE
  [[ "$2" =~ ^[1-9][0-9]{0,3}$ ]] ||
    { echo "bench: $1 must be a whole number from 1 to 9999, not '$2'" >&2; exit 2; }
}

pids=()
make_state() {  # a private state dir; everything in `pids` is stopped on exit
  state="$(mktemp -d /tmp/sre-lab-bench.XXXXXX)"
  chmod 755 "$state"
  trap cleanup EXIT
}
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$state"
}

wait_ready() {  # PORT
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$state"/*.log >&2
  exit 1
}

# start_lab BINARY PORT: Postgres and Redis from `up` (its own service, on PORT, is not measured:
# the measured services are started alike, by `serve`).
start_lab() {
  pg_port="${BENCH_PG_PORT:-55442}"
  redis_port="${BENCH_REDIS_PORT:-56389}"
  SRE_LAB_TRACING=off SRE_LAB_CONSOLE=off "$1" up --state-dir "$state/lab" --port "$2" \
    --pg-port "$pg_port" --redis-port "$redis_port" --gateway off >"$state/up.log" 2>&1 &
  pids+=($!)
  wait_ready "$2"
}

warm_cache() {  # PORT: ids 1..1000 into Redis
  curl -fs -o /dev/null "http://127.0.0.1:$1/products/[1-1000]"
  curl -fs "http://127.0.0.1:$1/products/1000" | grep -q '"source":"cache"' ||
    { echo "bench: warm-up failed" >&2; exit 1; }
}

# A fresh process is slower until its pools, buffers and connections exist (a traced one ~4 %
# over its first 5 s); every service gets the same unmeasured load first.
warm_up() {  # PORT
  wrk -t2 -c64 -d"${BENCH_WARMUP:-3}s" -s "$root/bench/random_product.lua" \
    "http://127.0.0.1:$1/" >/dev/null
}

# wrk_run NAME PORT: one run on random cache-hit ids, its req/s appended to $state/NAME
wrk_run() {
  local out rps p99
  out="$(wrk -t2 -c64 -d"${duration}s" --latency -s "$root/bench/random_product.lua" \
    "http://127.0.0.1:$2/")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  grep -q 'Non-2xx' <<<"$out" && echo "bench: $1 had non-2xx answers" >&2
  printf '%-18s %12s req/s   p99 %8s\n' "$1" "$rps" "$p99"
  echo "$rps" >>"$state/$1"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# round_ratio A B: the median over rounds of A's run / B's run (runs of a round are minutes
# apart at most, while this machine's speed drifts by ±15 % over longer)
round_ratio() { paste "$state/$1" "$state/$2" | awk '{printf "%.4f\n", $1 / $2}' | median; }
