#pragma once
// A calibration file (`geosim calibrate CALIBRATION.yaml`): the runs of a sweep (base scenario, fixed
// keys, months, the parameters' ranges, seeds, what each run records), the targets they are matched
// against, and how the history match runs its waves. Read with the sweep loader's strictness.
#include <string>
#include <vector>

#include "analysis/calibration/history_match.h"
#include "analysis/calibration/targets.h"
#include "analysis/sweep/sweep_def.h"

namespace geosim::calibration {

/// A loaded, checked calibration.
struct CalibrationDef {
  sweep::SweepDef sweep;        // the runs; its method is history_matching and its plan grows by waves
  std::string targets_path;     // resolved against the calibration file
  std::vector<Target> targets;
  std::vector<MatchTarget> match;  // every target's value, then its further conditions, in file order
  std::vector<Expr> values;        // what each matched output is, from a run's records
  MatchOptions options;
  // The base scenario's own point (with the file's `set`): each parameter's value there and its
  // coordinate in the parameter's range (NaN where the scenario gives no number).
  std::vector<double> base_values, base_unit;
};

/// The keys a calibration file may hold, with their meaning (for errors and docs/calibration.md).
const std::vector<sweep::SweepKey>& calibration_keys();

/// Loads and checks a calibration file and its targets; throws DiagnosticError listing every problem.
CalibrationDef load_calibration(const std::string& path);

}  // namespace geosim::calibration
