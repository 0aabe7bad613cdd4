#!/usr/bin/env bash
# The load generator against wrk, on a private nginx that answers a fixed ~300-byte JSON.
# 1. Closed loop, turn about for ROUNDS rounds: `wrk -t2 -c64` and `sre-lab load --connections 64`
#    (2 threads each); prints each run, the medians, and sre-lab/wrk both as the ratio of the
#    medians and as the median of the rounds' ratios (the goal: at least 0.9). The machine's
#    noise moves single runs by 10-20 %; the round's ratio compares runs seconds apart.
#    CPU seconds of each generator (user + system) over its answers give its cost per request.
# 2. The unloaded round trip: one connection, one thread, wrk and sre-lab load, p50 and p99.
# 3. Open loop at RATE/s (default 2000, which nginx sustains easily): p50, p99, p99.9, and the
#    generator's CPU per request at that rate.
# nginx runs from its own config in a temp dir on a free loopback port, `daemon off`, and is
# stopped by its pid. Needs a Release build, wrk, nginx and python3.
#   bench/load_generator.sh [seconds per run, default 5] [rounds, default 3]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$root/build/release/src/cli/sre-lab"
duration="${1:-5}"
rounds="${2:-3}"
rate="${BENCH_RATE:-2000}"
workers="${BENCH_NGINX_WORKERS:-1}"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"

[ -x "$binary" ] || { echo "bench: build first (./lab build)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
[ -x "$nginx" ] || { echo "bench: nginx is missing (apt-get install nginx)" >&2; exit 2; }

dir="$(mktemp -d /tmp/sre-lab-load-bench.XXXXXX)"
chmod 755 "$dir"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
body='{"id":4242,"name":"Ergonomic Steel Chair 4242","description":"A fixed answer of about three hundred bytes, shaped like a product of the catalog, so the generators parse what the lab serves.","category":"furniture","price":129.99,"stock":17,"source":"cache"}'

cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$body';
    }
  }
}
CONF

"$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
nginx_pid=$!
cleanup() {
  kill -TERM "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$url/" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$dir/error.log" >&2; exit 1; }
  sleep 0.1
done

# cpu_of FILE COMMAND...: runs COMMAND with its stdout in FILE, writes "user+system seconds" to
# FILE.cpu (bash's `time` of the child).
cpu_of() {
  local out="$1"; shift
  local TIMEFORMAT='%3U %3S'
  { time "$@" >"$out" 2>"$out.err"; } 2>"$out.time"
  awk '{print $1 + $2}' "$out.time" >"$out.cpu"
}

# wrk's "Requests/sec" and its 50% / 99% latency (in ms).
wrk_field() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
wrk_ms() {
  awk -v k="$2" '$1 == k { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.3f", v }' "$1"
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "nginx $workers worker(s) on $url, $(nproc) cores; ${duration}s per run, $rounds rounds"
echo
echo "closed loop, 64 connections, 2 threads"
printf '  %-5s %-10s %12s %10s %10s %14s\n' round generator req/s p50_ms p99_ms cpu_us/request
: >"$dir/wrk.rps"; : >"$dir/load.rps"; : >"$dir/wrk.cpu_us"; : >"$dir/load.cpu_us"; : >"$dir/ratio"
for round in $(seq 1 "$rounds"); do
  cpu_of "$dir/wrk.out" wrk -t2 -c64 -d"${duration}s" --latency "$url/"
  rps="$(wrk_field "$dir/wrk.out" Requests/sec:)"
  cpu_us="$(awk -v c="$(cat "$dir/wrk.out.cpu")" -v r="$rps" -v d="$duration" \
    'BEGIN {printf "%.2f", c * 1e6 / (r * d)}')"
  printf '  %-5s %-10s %12.0f %10s %10s %14s\n' "$round" wrk "$rps" \
    "$(wrk_ms "$dir/wrk.out" 50%)" "$(wrk_ms "$dir/wrk.out" 99%)" "$cpu_us"
  echo "$rps" >>"$dir/wrk.rps"; echo "$cpu_us" >>"$dir/wrk.cpu_us"

  cpu_of "$dir/load.out" "$binary" load --target "$url" --path / --connections 64 --threads 2 \
    --duration "${duration}s" --quiet --json "$dir/load.json"
  rps="$(json "$dir/load.json" "d['totals']['rate']")"
  answered="$(json "$dir/load.json" "d['totals']['answered']")"
  cpu_us="$(awk -v c="$(cat "$dir/load.out.cpu")" -v n="$answered" 'BEGIN {printf "%.2f", c * 1e6 / n}')"
  printf '  %-5s %-10s %12.0f %10.3f %10.3f %14s\n' "$round" sre-lab "$rps" \
    "$(json "$dir/load.json" "d['totals']['latency_ms']['p50']")" \
    "$(json "$dir/load.json" "d['totals']['latency_ms']['p99']")" "$cpu_us"
  echo "$rps" >>"$dir/load.rps"; echo "$cpu_us" >>"$dir/load.cpu_us"
  awk -v a="$rps" -v b="$(tail -1 "$dir/wrk.rps")" 'BEGIN {print a / b}' >>"$dir/ratio"
done
wrk_median="$(median <"$dir/wrk.rps")"
load_median="$(median <"$dir/load.rps")"
printf '  median: wrk %.0f req/s (%s us CPU/request), sre-lab load %.0f req/s (%s us CPU/request)\n' \
  "$wrk_median" "$(median <"$dir/wrk.cpu_us")" "$load_median" "$(median <"$dir/load.cpu_us")"
awk -v a="$load_median" -v b="$wrk_median" -v r="$(median <"$dir/ratio")" \
  'BEGIN {printf "  sre-lab load / wrk = %.3f (ratio of the medians), %.3f (median of the rounds), goal >= 0.9\n", a / b, r}'

echo
echo "unloaded round trip: 1 connection, 1 thread"
wrk -t1 -c1 -d"${duration}s" --latency "$url/" >"$dir/wrk1.out"
printf '  %-10s p50 %8s ms   p99 %8s ms\n' wrk "$(wrk_ms "$dir/wrk1.out" 50%)" "$(wrk_ms "$dir/wrk1.out" 99%)"
"$binary" load --target "$url" --path / --connections 1 --threads 1 --duration "${duration}s" \
  --quiet --json "$dir/one.json" >/dev/null
printf '  %-10s p50 %8.3f ms   p99 %8.3f ms\n' sre-lab \
  "$(json "$dir/one.json" "d['totals']['latency_ms']['p50']")" \
  "$(json "$dir/one.json" "d['totals']['latency_ms']['p99']")"

echo
echo "open loop at $rate/s, 2 threads (latency from each request's due time)"
cpu_of "$dir/open.out" "$binary" load --target "$url" --path / --rate "$rate" --threads 2 \
  --duration "${duration}s" --quiet --json "$dir/open.json"
answered="$(json "$dir/open.json" "d['totals']['answered']")"
printf '  answered %s of %s due, dropped %s, errors %s\n' "$answered" \
  "$(json "$dir/open.json" "d['totals']['scheduled']")" \
  "$(json "$dir/open.json" "d['totals']['dropped']")" \
  "$(json "$dir/open.json" "d['totals']['connect_errors'] + d['totals']['timeouts'] + d['totals']['io_errors']")"
printf '  p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms\n' \
  "$(json "$dir/open.json" "d['totals']['latency_ms']['p50']")" \
  "$(json "$dir/open.json" "d['totals']['latency_ms']['p99']")" \
  "$(json "$dir/open.json" "d['totals']['latency_ms']['p999']")" \
  "$(json "$dir/open.json" "d['totals']['latency_ms']['max']")"
printf '  send lag (due -> written, the generator'"'"'s own delay) p50 %.3f ms   p99 %.3f ms   max %.3f ms\n' \
  "$(json "$dir/open.json" "d['totals']['send_lag_ms']['p50']")" \
  "$(json "$dir/open.json" "d['totals']['send_lag_ms']['p99']")" \
  "$(json "$dir/open.json" "d['totals']['send_lag_ms']['max']")"
awk -v c="$(cat "$dir/open.out.cpu")" -v n="$answered" -v r="$rate" \
  'BEGIN {printf "  generator CPU %.2f us/request (%.1f%% of one core at this rate)\n", c * 1e6 / n, c * 1e6 / n * r / 1e4}'
