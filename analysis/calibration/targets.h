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
  enum class Op { record, ratio, difference, sum, product, fold_per_year, number };
  Op op = Op::record;
  std::size_t record = 0;  // index into the store's records (Op::record)
  double number = 0;       // Op::number
  std::vector<Expr> args;
  /// The value for one run's records (NaN if any part is not finite).
  double eval(const std::vector<double>& records) const;
};

/// A value and the band it should fall in.
struct Condition {
  std::string name;  // for a target's further conditions: what the value is
  Expr value;
  std::optional<double> min, max;
  // For history matching (geosim calibrate): the standard deviations of the observation's error and
  // of the model's structural discrepancy, on the matching scale (log units when log_scale).
  std::optional<double> observation_sd, discrepancy_sd;
  bool log_scale = false;
  Mark mark;  // where it is written
  /// "between 6 and 15", "at most 0.25", ...
  std::string band() const;
  bool met(double v) const { return (!min || v >= *min) && (!max || v <= *max); }
  /// How far v lies outside the band, relative to the band's scale (0 inside).
  double miss(double v) const;
  /// How far v lies inside the band from its nearer bound, on the same scale (negative outside).
  double margin(double v) const;
};

/// One target: what it says, where the figure comes from, the value and its band, and any further
/// conditions it needs as well (a level and a growth, say): it is met when all are.
struct Target : Condition {
  std::string id, claim, source;
  std::vector<Condition> also;
};

/// Loads targets, checking every record name against `records`; throws DiagnosticError.
std::vector<Target> load_targets(const std::string& path, const std::vector<std::string>& records);
/// The same against a store's records.
std::vector<Target> load_targets(const std::string& path, const sweep::StoreInfo& store);

/// A target at one design point: the ensembles over the point's successful runs of its value and of
/// each further condition's.
struct TargetResult {
  sweep::Ensemble value;
  std::vector<sweep::Ensemble> also;
  bool met = false;  // every ensemble mean lies in its band
  /// How far the means lie outside their bands, summed (0 when met).
  double miss = 0;
  /// The smallest margin of the means inside their bands.
  double margin = 0;

};


/// Per design point, per target.
std::vector<std::vector<TargetResult>> evaluate_targets(const std::vector<Target>& targets, const sweep::Store& store);

}  // namespace geosim::calibration
