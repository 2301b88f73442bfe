#pragma once
// The benchmarks' summary statistic: medians, so that one noisy run on a shared machine does not move a figure.
#include <algorithm>
#include <vector>

namespace geosim::bench {

/// Median of v (the mean of the middle two for an even count); v must not be empty.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace geosim::bench
