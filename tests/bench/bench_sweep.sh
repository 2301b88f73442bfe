#!/usr/bin/env bash
# Sweep throughput: runs per second of a sweep at 1 and 2 threads, median of REPS fresh sweeps each,
# and the speed-up, measured in one invocation so that the ratio compares like with like.
# Usage: tests/bench/bench_sweep.sh [SWEEP.yaml] [REPS]   (default: scenarios/sweeps/china-open-sobol.yaml, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
sweep=${1:-scenarios/sweeps/china-open-sobol.yaml}
reps=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A rate
for threads in 1 2; do
  for ((i = 0; i < reps; i++)); do
    rm -f "$tmp"/s.db*
    build/geosim sweep "$sweep" --store "$tmp/s.db" --threads "$threads" | grep -Eo '[0-9.]+ runs/s' | cut -d' ' -f1 >>"$tmp/rate$threads"
  done
  rate[$threads]=$(median <"$tmp/rate$threads")
done
runs=$(build/geosim sweep "$sweep" --store "$tmp/s.db" --threads 2 | grep -Eo '= [0-9]+ runs' | grep -Eo '[0-9]+')
echo "sweep: $sweep ($runs runs), median of $reps"
printf '%-8s %12s\n' threads 'runs/s'
printf '%-8s %12s\n' 1 "${rate[1]}" 2 "${rate[2]}"
awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN {printf "speed-up 1 -> 2 threads: %.2fx\n", b / a}'
