#!/bin/bash
# Compares the adopter update of two builds of geosim_bench on a 2-core machine: both run at the same
# time, one per core, so that they share the machine's state; which core each gets, and which starts
# first, rotate over every four rounds, so that a slower core or a head start cancels out. Prints each
# round's ratio (new over old, update adopter-months per second at 1 thread) and their geometric mean.
#
#   tests/bench/compare_builds.sh OLD_BENCH NEW_BENCH [ROUNDS] [SCENARIO] [ADOPTERS]
#   e.g. tests/bench/compare_builds.sh /tmp/old/geosim_bench build/tests/geosim_bench 8 scenarios/baseline.yaml 200000
#
# At 10^6 adopters and more the two runs compete for memory bandwidth unevenly; there, also compare
# runs taken in turns (geosim_bench --sizes N --threads 1 --repeats 1, alternating builds).
set -euo pipefail
old=$1 new=$2 rounds=${3:-8} scenario=${4:-scenarios/baseline.yaml} adopters=${5:-200000}
[ "$(nproc)" -ge 2 ] || { echo "compare_builds.sh: needs 2 cores" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { taskset -c "$2" "$1" --sizes "$adopters" --threads 1 --months 24 --repeats 1 --scenario "$scenario" >"$out/$3" 2>&1; }
rate() { awk -v n="$adopters" '$1 == n && $2 == 1 {print $3; exit}' "$out/$1"; }  # the first table's row
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then c_old=0 c_new=1; else c_old=1 c_new=0; fi
  if [ $(((r - 1) / 2 % 2)) = 0 ]; then
    run "$old" $c_old old & run "$new" $c_new new &
  else
    run "$new" $c_new new & run "$old" $c_old old &
  fi
  wait
  echo "$(rate old) $(rate new)"
done | awk '{r = $2 / $1; l += log(r); printf "round %d: old %s new %s ratio %.3f\n", NR, $1, $2, r}
            END {printf "new/old, geometric mean of %d rounds: %.3f\n", NR, exp(l / NR)}'
