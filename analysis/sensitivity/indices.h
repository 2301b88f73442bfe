#pragma once
// Sensitivity indices from a design's outputs: Sobol first-order and total (Saltelli 2010, Jansen
// 1999 estimators) with bootstrap intervals, and Morris's mu* and sigma.
#include <cstdint>
#include <vector>

#include "analysis/sensitivity/designs.h"

namespace geosim::analysis {

/// An estimate with its 95% bootstrap interval. NaN (written NA) where there is none: every index of an
/// output that does not vary (nothing to apportion), and the interval with fewer than 2 resamples.
struct Estimate {
  double value = 0, low = 0, high = 0;
};

/// The most bootstrap resamples: each re-estimates every index over all base points.
inline constexpr std::size_t max_resamples = 100'000;

/// Sobol indices of each parameter.
struct SobolIndices {
  std::vector<Estimate> first, total;
};

/// Estimates Sobol indices from outputs y of a saltelli() design (one output per row, same order);
/// `resamples` (at most max_resamples) bootstrap resamples of the base points, keyed by `seed`.
SobolIndices sobol_indices(const Design& design, const std::vector<double>& y, std::size_t resamples, std::uint64_t seed);

/// Morris statistics of each parameter.
struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma;
  std::vector<double> mu_star_half_width;  // half-width of mu*'s 95% interval (1.96 standard errors)
};

/// Computes Morris statistics from outputs y of a morris() design (one output per row, same order).
MorrisIndices morris_indices(const Design& design, const std::vector<double>& y);

}  // namespace geosim::analysis
