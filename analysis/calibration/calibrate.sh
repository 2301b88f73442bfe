#!/usr/bin/env bash
# Calibration, one command, in two stages (docs/validation.md, "Calibration"):
#   1. a Latin hypercube over the wide ranges of scenarios/calibration/calibrate.yaml;
#   2. a Latin hypercube in a box of +-20% (log) around stage 1's best point (analysis/calibration/refine.py).
# Each stage is ranked by `geosim targets` (most targets met, then the smallest miss, then the largest
# smallest margin inside the bands); the baseline takes stage 2's first point, its values rounded to two
# significant figures. Writes runs/calibration/{stage1,stage2}.db, their rankings and refine.yaml.
# Usage: analysis/calibration/calibrate.sh [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3  # Debian's, with python3-yaml (setup.sh installs it)
[[ -x $python ]] || python=python3
work=runs/calibration
targets=scenarios/calibration/targets.yaml
mkdir -p "$work"
rm -f "$work"/stage1.db* "$work"/stage2.db*
build/geosim sweep scenarios/calibration/calibrate.yaml --store "$work/stage1.db" --quiet ${1:+--threads "$1"}
build/geosim targets "$work/stage1.db" --targets "$targets" --top 100000 >"$work/stage1-ranking.csv"
"$python" analysis/calibration/refine.py scenarios/calibration/calibrate.yaml "$work/stage1-ranking.csv" "$work/refine.yaml" \
  --width 0.2 --samples 2048 --seed 2
build/geosim sweep "$work/refine.yaml" --store "$work/stage2.db" --quiet ${1:+--threads "$1"}
build/geosim targets "$work/stage2.db" --targets "$targets" --top 100000 >"$work/stage2-ranking.csv"
head -16 "$work/stage2-ranking.csv"
