#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then under
# ThreadSanitizer (see sim/core/parallel.h for how the parallel loops are made visible to TSan).
# Called by `./setup.sh sanitize`, which installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc 2>/dev/null || echo 2)

echo "== ASan + UBSan"
cmake -S . -B build-asan -DGEOSIM_SANITIZE=address -DGEOSIM_VIEWER=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/ci/lsan.supp":print_suppressions=0 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== TSan"
cmake -S . -B build-tsan -DGEOSIM_SANITIZE=thread -DGEOSIM_VIEWER=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-tsan -j "$jobs"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build-tsan --output-on-failure -j "$jobs"
