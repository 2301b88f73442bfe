#pragma once
// The benchmarks' summary statistic: medians, so that one noisy run on a shared machine does not move a figure.
#include <algorithm>
#include <chrono>
#include <vector>

namespace geosim::bench {

/// Median of v (the mean of the middle two for an even count); v must not be empty.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// Median of `runs` timings of f(), in seconds.
template <class F>
double median_seconds(int runs, F&& f) {
  std::vector<double> seconds;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return median(seconds);
}

}  // namespace geosim::bench
