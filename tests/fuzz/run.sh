#!/usr/bin/env bash
# Fuzzes the scenario loader (tests/fuzz/fuzz_scenario.cpp) with libFuzzer, ASan and UBSan.
# Usage: tests/fuzz/run.sh [SECONDS]   (default 60). A crash leaves crash-* files in build-fuzz/findings/:
# add each to tests/fuzz/regressions/ (the test suite replays that folder) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
jobs=$(nproc 2>/dev/null || echo 2)

CXX=clang++ cmake -S . -B build-fuzz -DGEOSIM_SANITIZE=fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz -j "$jobs" --target fuzz_scenario geosim

# Seeds: every scenario of the project, the test fixtures and the known regressions; a dictionary of
# the schema's key names helps the fuzzer write scenarios that get past the first checks.
corpus=build-fuzz/corpus findings=build-fuzz/findings
mkdir -p "$corpus" "$findings"
cp scenarios/*.yaml tests/data/*.yaml tests/data/bad/*.yaml tests/data/extends/*.yaml tests/fuzz/regressions/* "$corpus"/ 2>/dev/null || true
build-fuzz/geosim schema | grep -E '^[a-z]' | sed 's/\[\]//g' | tr '.' '\n' | sort -u | sed 's/.*/"&"/' >build-fuzz/scenario.dict

# Replay the regressions first: each must load or be refused, never crash.
build-fuzz/tests/fuzz/fuzz_scenario tests/fuzz/regressions/*
build-fuzz/tests/fuzz/fuzz_scenario -max_total_time="$seconds" -timeout=30 -max_len=8192 -dict=build-fuzz/scenario.dict \
  -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" 2>&1 | tail -20
