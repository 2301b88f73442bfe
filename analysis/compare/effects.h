#pragma once
// The what-if's effect, run by run: what-if minus baseline at the same plausible point and seed
// (common random numbers), and its distribution split into a parameter part (how the point means
// differ across plausible worlds) and a seed part (how runs differ at one point). docs/compare.md.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace geosim::compare {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Paired values at each point: baseline and what-if of each seed both runs of which succeeded.
struct Pairs {
  std::vector<std::vector<double>> baseline, whatif;  // [point][pair]
};

/// The effect's statistics over the pairs.
struct EffectStats {
  std::size_t points = 0, pairs = 0;              // points with at least one pair; pairs
  double baseline = kNaN, whatif = kNaN;          // means over the pairs
  double baseline_p05 = kNaN, baseline_p95 = kNaN, whatif_p05 = kNaN, whatif_p95 = kNaN;  // over the pairs' runs
  double mean = kNaN;                             // mean effect over the pairs
  double p05 = kNaN, p95 = kNaN;                  // 5th and 95th percentiles of the points' mean effects
  double sd_parameter = kNaN, sd_seed = kNaN;     // the two parts of the effect's spread
  double se = kNaN;                               // standard error of `mean` (both parts; docs/attribute.md)
  double share_up = 0, share_down = 0;            // of the points, those whose mean effect is above / below 0
  std::vector<double> point_mean;                 // per point (NaN without a pair)
  std::vector<std::size_t> point_pairs;           // per point
  /// The parameter part's share of the effect's variance (NaN when both parts are 0 or unknown).
  double parameter_share() const;
};

/// The statistics of paired values (docs/compare.md gives each formula).
EffectStats effect_stats(const Pairs& pairs);

}  // namespace geosim::compare
