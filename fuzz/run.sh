#!/usr/bin/env bash
# Runs the built fuzz targets (build/fuzz/fuzz/fuzz_*) one after the other, each for SECONDS on
# a scratch copy of its seed corpus (fuzz/corpus/<target>; the repository's corpus is never
# grown), with its dictionary when there is one. Prints one line per target: executions, coverage
# (edges), the corpus it ended with, and ok or the crashing input's path (kept in
# build/fuzz/artifacts). Exits 1 when a target crashed or broke an invariant. `./lab fuzz` builds
# the targets and calls this (`./lab test` replays the corpora instead: fuzz/replay_main.cpp).
#   fuzz/run.sh [seconds per target, default 60] [target...]
# FUZZ_TIMEOUT (seconds, default 60): one input taking longer is a finding (a hang). Generous,
# since on a loaded 2-core machine a niced fuzzer can wait seconds for the CPU: 10 s gave a false
# timeout there on an input that runs in half a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/fuzz/fuzz"
seconds="${1:-60}"
[[ "$seconds" =~ ^[1-9][0-9]{0,5}$ ]] ||
  { echo "fuzz: seconds must be a whole number from 1 to 999999, not '$seconds'" >&2; exit 2; }
timeout="${FUZZ_TIMEOUT:-60}"
[[ "$timeout" =~ ^[1-9][0-9]{0,4}$ ]] ||
  { echo "fuzz: FUZZ_TIMEOUT must be a whole number of seconds from 1 to 99999, not '$timeout'" >&2; exit 2; }
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for path in "$root"/fuzz/fuzz_*.cpp; do targets+=("$(basename "$path" .cpp)"); done
fi
for target in "${targets[@]}"; do
  [ -x "$bin/$target" ] || { echo "fuzz: $bin/$target is not built (./lab fuzz builds it)" >&2; exit 2; }
done

artifacts="$root/build/fuzz/artifacts"
logs="$root/build/fuzz/logs"
mkdir -p "$artifacts" "$logs"
scratch="$(mktemp -d /tmp/sre-lab-fuzz.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

failed=0
printf '%-22s %12s %8s %18s %8s  %s\n' target executions edges "corpus (files, KB)" seconds result
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  mkdir -p "$corpus"
  cp "$root/fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null || true
  dict=()
  [ -f "$root/fuzz/$target.dict" ] && dict=("-dict=$root/fuzz/$target.dict")
  log="$logs/$target.log"
  started=$SECONDS
  status=0
  "$bin/$target" -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" "${dict[@]}" "$corpus" >"$log" 2>&1 || status=$?
  took=$((SECONDS - started))
  runs="$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")"
  edges="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')"
  files="$(find "$corpus" -type f | wc -l)"
  kb="$(du -sk "$corpus" | awk '{print $1}')"
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    failed=1
    crash="$(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')"
    result="FAILED: ${crash:-see $log} (log: $log)"
    grep -E "invariant broken|ERROR: |SUMMARY" "$log" | head -3 | sed 's/^/    /' >&2
  fi
  printf '%-22s %12s %8s %11s %6s %8s  %s\n' "$target" "${runs:-?}" "${edges:-?}" "$files" \
    "$kb" "$took" "$result"
done
exit "$failed"
