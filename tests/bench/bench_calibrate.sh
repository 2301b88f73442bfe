#!/usr/bin/env bash
# A calibration wave's cost: the runs per second of its runs and the seconds of its emulators and
# screening (the rest of the command's time), at 1 and 2 threads, median of REPS fresh one-wave
# calibrations each, measured in one invocation so that the ratios compare like with like.
# Usage: tests/bench/bench_calibrate.sh [CALIBRATION.yaml] [REPS]
#        (default: scenarios/calibration/history-match.yaml cut to its first wave, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
source=${1:-scenarios/calibration/history-match.yaml}
reps=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One wave, in the source's folder so that its base and targets resolve as they do for the source.
one="$(dirname "$source")/.bench-one-wave.yaml"
sed -E 's/^(  waves:).*/\1 1/' "$source" >"$one"
trap 'rm -rf "$tmp" "$one"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A rate rest
for threads in 1 2; do
  for ((i = 0; i < reps; i++)); do
    rm -rf "$tmp"/c.db* "$tmp"/out
    start=$(date +%s.%N)
    build/geosim calibrate "$one" --store "$tmp/c.db" --out "$tmp/out" --threads "$threads" --quiet
    end=$(date +%s.%N)
    IFS=, read -r seconds per_second < <(awk -F, 'NR == 2 {print $6 "," $7}' "$tmp/out/waves.csv")
    echo "$per_second" >>"$tmp/rate$threads"
    awk -v s="$start" -v e="$end" -v r="$seconds" 'BEGIN {print e - s - r}' >>"$tmp/rest$threads"
  done
  rate[$threads]=$(median <"$tmp/rate$threads")
  rest[$threads]=$(median <"$tmp/rest$threads")
done
runs=$(awk -F, 'NR == 2 {print $4}' "$tmp/out/waves.csv")
echo "calibration wave: $source, first wave ($runs runs), median of $reps"
printf '%-8s %12s %28s\n' threads 'runs/s' 'emulators + screening, s'
printf '%-8s %12.1f %28.1f\n' 1 "${rate[1]}" "${rest[1]}" 2 "${rate[2]}" "${rest[2]}"
awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN {printf "runs speed-up 1 -> 2 threads: %.2fx\n", b / a}'
