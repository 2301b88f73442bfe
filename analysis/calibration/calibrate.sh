#!/usr/bin/env bash
# Calibration, one command: run the calibration sweep (scenarios/calibration/calibrate.yaml) into
# a fresh runs/calibration/calibrate.db and list the 15 points that meet the most targets.
# Usage: analysis/calibration/calibrate.sh [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p runs/calibration
rm -f runs/calibration/calibrate.db runs/calibration/calibrate.db-*
build/geosim sweep scenarios/calibration/calibrate.yaml --store runs/calibration/calibrate.db ${1:+--threads "$1"}
build/geosim targets runs/calibration/calibrate.db --targets scenarios/calibration/targets.yaml --top 15 | tee runs/calibration/ranking.csv
