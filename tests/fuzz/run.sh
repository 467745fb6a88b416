#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# run.sh — runs the libFuzzer targets of tests/fuzz one after the other (one process each, nice'd:
# the build machine is small). Used by `make fuzz` and `make fuzz-ci`.
#   run.sh BUILD_DIR SECONDS [--replay] [target...]
# Per target: with --replay, first replays the committed corpus (tests/fuzz/corpus/<target>) and
# the seed files once; then fuzzes for SECONDS (0 = skip), growing a working corpus under
# BUILD_DIR/fuzz-corpus/<target> (never the repository). Crashes land in
# BUILD_DIR/fuzz-artifacts/<target>/. Each run appends "date target seconds result" to
# BUILD_DIR/fuzz-runs.tsv. Exits non-zero if any target found something.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$1"; seconds="$2"; shift 2
replay=0
if [[ "${1:-}" == "--replay" ]]; then replay=1; shift; fi
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(message framer uri digest proxy)

status=0
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/fuzz_$t"
  [[ -x "$bin" ]] || { echo "fuzz: $bin missing (build it first)"; exit 2; }
  seeds=("$here/corpus/$t")
  dict="$here/sip.dict"; max_len=16384
  case "$t" in
    message|framer|proxy) seeds+=("$root/tests/data/torture" "$root/tests/data/bugs") ;;
    digest) dict="$here/digest.dict"; max_len=4096 ;;
    uri) max_len=4096 ;;
  esac
  work="$build/fuzz-corpus/$t"; art="$build/fuzz-artifacts/$t/"
  mkdir -p "$work" "$art"
  opts=(-timeout=10 -rss_limit_mb=2048 -max_len=$max_len -dict="$dict" -artifact_prefix="$art"
        -print_final_stats=1)
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  if (( replay )); then
    echo "=== fuzz: replaying corpus of $t"
    if ! nice -n 10 "$bin" "${opts[@]}" -runs=0 "${seeds[@]}" > "$build/fuzz-$t-replay.log" 2>&1; then
      echo "fuzz: $t FAILED on the committed corpus; see $build/fuzz-$t-replay.log"; tail -40 "$build/fuzz-$t-replay.log"
      status=1
    fi
  fi
  if (( seconds > 0 )); then
    echo "=== fuzz: $t for ${seconds}s"
    start=$(date +%s)
    nice -n 10 "$bin" "${opts[@]}" -max_total_time="$seconds" "$work" "${seeds[@]}" > "$build/fuzz-$t.log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    result=ok; (( rc != 0 )) && result="FINDING(rc=$rc)"
    printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$took" "$result" >> "$build/fuzz-runs.tsv"
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/fuzz-$t.log" | tail -3
    if (( rc != 0 )); then
      echo "fuzz: $t found something (rc=$rc) after ${took}s; artifacts in $art; log $build/fuzz-$t.log"
      grep -E "ERROR|INVARIANT|runtime error|SUMMARY" "$build/fuzz-$t.log" | head -5
      status=1
    fi
  fi
done
exit $status
