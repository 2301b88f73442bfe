#!/usr/bin/env bash
# Fuzzes the scenario loader (tests/fuzz/fuzz_scenario.cpp) with libFuzzer, ASan and UBSan.
# Usage: tests/fuzz/run.sh [SECONDS]   (default 60). A crash leaves crash-* files in build-fuzz/findings/:
# add each to tests/fuzz/regressions/ (the test suite replays that folder) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
jobs=$(nproc 2>/dev/null || echo 2)

CXX=clang++ cmake -S . -B build-fuzz -DGEOSIM_SANITIZE=fuzz -DGEOSIM_VIEWER=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz -j "$jobs" --target fuzz_scenario geosim

# Seeds: every scenario of the project, the test fixtures and the known regressions; a dictionary of
# the schema's key names helps the fuzzer write scenarios that get past the first checks.
corpus=build-fuzz/corpus findings=build-fuzz/findings
mkdir -p "$corpus" "$findings"
cp scenarios/*.yaml tests/data/*.yaml tests/data/bad/*.yaml tests/data/extends/*.yaml tests/fuzz/regressions/* "$corpus"/ 2>/dev/null || true
build-fuzz/geosim schema | grep -E '^[a-z]' | sed 's/\[\]//g' | tr '.' '\n' | sort -u | sed 's/.*/"&"/' >build-fuzz/scenario.dict

# Replay the regressions first: each must load or be refused, never crash.
timeout --kill-after=10 300 build-fuzz/tests/fuzz/fuzz_scenario -rss_limit_mb=2048 -malloc_limit_mb=2048 tests/fuzz/regressions/*
# A wall-clock limit on top of libFuzzer's own: its out-of-memory handler has been seen to hang for
# over an hour instead of exiting, and CI must end either way. An input that hits a limit is a failure.
log=build-fuzz/fuzz.log
status=0
timeout --kill-after=30 $((seconds + 300)) build-fuzz/tests/fuzz/fuzz_scenario -max_total_time="$seconds" -timeout=30 \
  -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=8192 -dict=build-fuzz/scenario.dict -artifact_prefix="$findings/" \
  -print_final_stats=1 "$corpus" >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  grep -E -A40 'ERROR|SUMMARY|Test unit written' "$log" | head -80 || tail -40 "$log"
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "fuzz: the fuzzer did not stop within $((seconds + 300)) s (exit $status); the input it was on is unknown, see $log" >&2
  fi
  echo "fuzz: FAILED (exit $status); inputs that broke the loader are in $findings/" >&2
  exit 1
fi
tail -12 "$log"
