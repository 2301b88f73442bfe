#pragma once
// Quantiles of a sample, for ensemble bands (the viewer) and ensemble statistics (sweeps).
#include <cmath>
#include <vector>

namespace geosim {

/// The q-quantile of sorted values, interpolating linearly between order statistics (R's type 7);
/// NaN when there are none.
inline double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < sorted.size() ? sorted[i] * (1 - frac) + sorted[i + 1] * frac : sorted[i];
}

}  // namespace geosim
