#!/usr/bin/env bash
# The lab guide's experiments (docs/lab-guide.md, Parts 3 and 4) as a learner runs them: `sre-lab
# up` in a scratch state dir on free loopback ports, then the guide's curl commands, with the
# guide's own 10 s latency for the pool experiment, checking what the guide says we will see.
#   tests/e2e/lab_guide.sh path/to/sre-lab
set -euo pipefail

binary="$1"
state="$(mktemp -d /tmp/sre-lab-e2e.XXXXXX)"
chmod 755 "$state"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }
port=$(free_port); pg_port=$(free_port); redis_port=$(free_port); gateway_port=$(free_port)
B="http://127.0.0.1:$port"

"$binary" up --state-dir "$state/lab" --port "$port" --pg-port "$pg_port" --redis-port "$redis_port" \
  --gateway-port "$gateway_port" >"$state/up.log" 2>&1 &
lab_pid=$!
cleanup() {
  kill -TERM "$lab_pid" 2>/dev/null || true
  wait "$lab_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

passed=0
failures=0
check() {  # check NAME COMMAND...: runs the command as the condition, reports
  local name="$1"; shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" <<<"$1"; }
number() { grep -o "\"$2\":[0-9.]*" <<<"$1" | head -1 | cut -d: -f2; }
count() { grep -o -- "$2" <<<"$1" | wc -l; }

for _ in $(seq 1 300); do
  curl -fs "$B/readyz" >/dev/null 2>&1 && break
  kill -0 "$lab_pid" 2>/dev/null || { cat "$state/up.log"; exit 1; }
  sleep 0.2
done

# Setting up
first=$(curl -s "$B/products/1"); second=$(curl -s "$B/products/1")
check "first read comes from the database" contains "$first" '"source":"database"'
check "second read comes from the cache" contains "$second" '"source":"cache"'

# 3.1 Saturation
curl -s -X POST "$B/chaos/clear_cache" >/dev/null
bulk=$(curl -s "$B/products/bulk/test?requests=15")
p50=$(number "$bulk" p50); p99=$(number "$bulk" p99)
check "3.1 all 15 lookups served" contains "$bulk" '"by_status":{"200":15}'
check "3.1 p99 ($p99 ms) well above p50 ($p50 ms)" awk -v a="$p99" -v b="$p50" 'BEGIN { exit !(a > 1.5 * b) }'

# 3.2 Circuit breaker
curl -s -X POST "$B/chaos/configure" -d '{"db_failure_rate": 1.0}' >/dev/null
codes=""
for i in $(seq 101 108); do codes+="$(curl -s -o /dev/null -w '%{http_code}' "$B/products/$i") "; done
state_now=$(curl -s "$B/resilience")
check "3.2 breaker OPEN after repeated failures ($codes)" contains "$state_now" '"state":"OPEN"'
rejected_time=$(curl -s -o /dev/null -w '%{time_total}' "$B/products/109")
check "3.2 a rejected call is instant (${rejected_time}s)" awk -v t="$rejected_time" 'BEGIN { exit !(t < 0.05) }'
check "3.2 the flight recorder says why" contains "$state_now" '"reason":"failure rate'

# 4.2 Graceful degradation (breaker still OPEN): a seen product comes back stale
curl -s -X POST "$B/chaos/reset" >/dev/null; curl -s -X POST "$B/resilience/reset" >/dev/null
curl -s "$B/products/21" >/dev/null
curl -s -X POST "$B/chaos/clear_cache" >/dev/null
curl -s -X POST "$B/resilience/configure" -d '{"mode": "forced_open"}' >/dev/null
stale=$(curl -s "$B/products/21"); unseen=$(curl -s -w ' %{http_code}' "$B/products/9876")
check "4.2 seen product answers fallback_emergency" contains "$stale" '"source":"fallback_emergency","stale":true'
check "4.2 never-seen product answers an emergency record" contains "$unseen" '"source":"fallback_emergency","stale":null} 200'
curl -s -X POST "$B/resilience/configure" -d '{"fallback_without_copy": "error"}' >/dev/null
unseen=$(curl -s -o /dev/null -w '%{http_code}' "$B/products/9877")
check "4.2 never-seen product is 503 with fallback_without_copy error" test "$unseen" = 503
curl -s -X POST "$B/resilience/configure" -d '{"mode": "normal", "fallback_without_copy": "emergency"}' >/dev/null

# 4.1 Pool exhaustion, with the guide's 10 s
curl -s -X POST "$B/resilience/configure" -d '{"db_pool_timeout_s": 0}' >/dev/null
curl -s -X POST "$B/chaos/configure" -d '{"db_latency": 10.0}' >/dev/null
curl -s -X POST "$B/chaos/clear_cache" >/dev/null
bulk=$(curl -s "$B/products/bulk/test?requests=10")
check "4.1 five lookups held the five connections" contains "$bulk" '"by_status":{"200":5,"503":5}'
check "4.1 the other five were Pool Exhausted" test "$(count "$bulk" '"error":"Pool Exhausted"')" -eq 5
curl -s -X POST "$B/chaos/reset" >/dev/null; curl -s -X POST "$B/resilience/reset" >/dev/null

# 4.3 Memory leak
for _ in 1 2 3; do curl -s -X POST "$B/chaos/leak" >/dev/null; done
check "4.3 leak size is 30 MB" contains "$(curl -s "$B/chaos")" '"size_mb":30'
check "4.3 DELETE frees it" contains "$(curl -s -X DELETE "$B/chaos/leak")" '"freed_mb":30'

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
