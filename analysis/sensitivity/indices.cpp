#include "analysis/sensitivity/indices.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/random.h"

namespace geosim::analysis {
namespace {

/// First-order (Saltelli et al. 2010, with f(B) centred on the sample mean) and total (Jansen 1999)
/// indices over the given base points.
void estimate(const Design& d, const std::vector<double>& y, const std::vector<std::size_t>& points, std::vector<double>& first,
              std::vector<double>& total) {
  const std::size_t k = d.dims, stride = k + 2;
  double sum = 0, sum2 = 0;
  for (auto b : points) {
    const double ya = y[b * stride], yb = y[b * stride + k + 1];
    sum += ya + yb;
    sum2 += ya * ya + yb * yb;
  }
  const double n = 2.0 * static_cast<double>(points.size());
  const double mean = sum / n, var = sum2 / n - mean * mean;
  first.assign(k, 0.0);
  total.assign(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    double s1 = 0, st = 0;
    for (auto b : points) {
      const double ya = y[b * stride], yb = y[b * stride + k + 1], yab = y[b * stride + 1 + i];
      s1 += (yb - mean) * (yab - ya);  // centred: same expectation, far smaller variance when the mean is large
      st += (ya - yab) * (ya - yab);
    }
    const double m = static_cast<double>(points.size());
    // An output that does not vary has no variance to apportion: the indices are undefined, not 0.
    first[i] = var > 0 ? s1 / m / var : std::nan("");
    total[i] = var > 0 ? 0.5 * st / m / var : std::nan("");
  }
}

/// The q-quantile of the finite values, NaN when there are none (resamples of a constant output).
double percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const auto hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

SobolIndices sobol_indices(const Design& d, const std::vector<double>& y, std::size_t resamples, std::uint64_t seed) {
  if (d.dims == 0 || d.rows % (d.dims + 2) != 0 || y.size() != d.rows)
    throw std::invalid_argument("Sobol indices need one output per row of a Saltelli design (rows a multiple of parameters + 2)");
  if (resamples > max_resamples)
    throw std::invalid_argument(std::to_string(resamples) + " bootstrap resamples: at most " + std::to_string(max_resamples) + " are drawn");
  const std::size_t base = d.rows / (d.dims + 2);
  std::vector<std::size_t> all(base);
  for (std::size_t b = 0; b < base; ++b) all[b] = b;
  std::vector<double> first, total;
  estimate(d, y, all, first, total);

  std::vector<std::vector<double>> boot_first(d.dims), boot_total(d.dims);
  std::vector<std::size_t> pick(base);
  std::vector<double> f, t;
  for (std::size_t r = 0; r < resamples; ++r) {
    for (std::size_t b = 0; b < base; ++b)
      pick[b] = static_cast<std::size_t>(unit_open(philox_words(seed, static_cast<std::uint32_t>(r), b, Purpose::design, 7)[0]) *
                                         static_cast<double>(base)) %
                base;
    estimate(d, y, pick, f, t);
    for (std::size_t i = 0; i < d.dims; ++i) boot_first[i].push_back(f[i]), boot_total[i].push_back(t[i]);
  }
  SobolIndices out;
  for (std::size_t i = 0; i < d.dims; ++i) {
    // Without two resamples there is no interval; a zero-width one would claim certainty.
    Estimate e1{first[i], std::nan(""), std::nan("")}, et{total[i], std::nan(""), std::nan("")};
    if (resamples > 1 && std::isfinite(first[i])) {
      e1.low = percentile(boot_first[i], 0.025), e1.high = percentile(boot_first[i], 0.975);
      et.low = percentile(boot_total[i], 0.025), et.high = percentile(boot_total[i], 0.975);
    }
    out.first.push_back(e1);
    out.total.push_back(et);
  }
  return out;
}

MorrisIndices morris_indices(const Design& d, const std::vector<double>& y) {
  if (d.dims == 0 || d.rows % (d.dims + 1) != 0 || y.size() != d.rows)
    throw std::invalid_argument("Morris indices need one output per row of a Morris design (rows a multiple of parameters + 1)");
  const std::size_t k = d.dims, trajectories = d.rows / (k + 1);
  std::vector<std::vector<double>> effects(k);
  for (std::size_t t = 0; t < trajectories; ++t)
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t r = t * (k + 1) + s;
      // The parameter that moved between rows r and r + 1.
      std::size_t moved = k;
      for (std::size_t i = 0; i < k; ++i)
        if (d.at(r + 1, i) != d.at(r, i)) moved = i;
      if (moved == k) throw std::invalid_argument("a Morris trajectory has two equal consecutive rows");
      effects[moved].push_back((y[r + 1] - y[r]) / (d.at(r + 1, moved) - d.at(r, moved)));
    }
  MorrisIndices out;
  for (std::size_t i = 0; i < k; ++i) {
    const auto& e = effects[i];
    double mu = 0, mu_star = 0;
    for (double x : e) mu += x, mu_star += std::abs(x);
    const double n = static_cast<double>(e.size());
    mu /= n;
    mu_star /= n;
    double var = 0;
    for (double x : e) var += (x - mu) * (x - mu);
    double abs_var = 0;
    for (double x : e) abs_var += (std::abs(x) - mu_star) * (std::abs(x) - mu_star);
    out.mu.push_back(mu);
    out.mu_star.push_back(mu_star);
    out.sigma.push_back(n > 1 ? std::sqrt(var / (n - 1)) : 0.0);
    out.mu_star_half_width.push_back(n > 1 ? 1.96 * std::sqrt(abs_var / (n - 1) / n) : 0.0);
  }
  return out;
}

}  // namespace geosim::analysis
