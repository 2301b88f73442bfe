#pragma once
// Calibration targets: a number computed from a run's recorded values (a record, or a ratio, a
// difference, a sum or a per-year fold of others) and the band it should fall in. Read from YAML;
// evaluated on every successful run of a sweep store, and summarized per design point.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sweep/summary.h"

namespace geosim::calibration {

/// A value computed from one run's records.
struct Expr {
  enum class Op { record, ratio, difference, sum, fold_per_year, number };
  Op op = Op::record;
  std::size_t record = 0;  // index into the store's records (Op::record)
  double number = 0;       // Op::number
  std::vector<Expr> args;
  /// The value for one run's records (NaN if any part is not finite).
  double eval(const std::vector<double>& records) const;
};

/// One target: what it says, where the figure comes from, the value and its band.
struct Target {
  std::string id, claim, source;
  Expr value;
  std::optional<double> min, max;
  /// "between 6 and 15", "at most 0.25", ...
  std::string band() const;
  bool met(double v) const { return (!min || v >= *min) && (!max || v <= *max); }
  /// How far v lies outside the band, relative to the band's scale (0 inside).
  double miss(double v) const;
};

/// Loads targets, checking every record name against the store's; throws DiagnosticError.
std::vector<Target> load_targets(const std::string& path, const sweep::StoreInfo& store);

/// A target at one design point: the value's ensemble over the point's successful runs.
struct TargetResult {
  sweep::Ensemble value;
  bool met = false;  // the ensemble mean lies in the band
};

/// Per design point, per target.
std::vector<std::vector<TargetResult>> evaluate_targets(const std::vector<Target>& targets, const sweep::Store& store);

}  // namespace geosim::calibration
