#include "analysis/compare/effects.h"

#include <algorithm>
#include <cmath>

#include "analysis/sweep/summary.h"

namespace geosim::compare {

double EffectStats::parameter_share() const {
  const double p = sd_parameter * sd_parameter, s = sd_seed * sd_seed;
  return p + s > 0 ? p / (p + s) : kNaN;
}

EffectStats effect_stats(const Pairs& in) {
  EffectStats st;
  const std::size_t n = in.baseline.size();
  st.point_mean.assign(n, kNaN);
  st.point_pairs.assign(n, 0);
  std::vector<double> all_b, all_w, means;
  double sum = 0, seed_var = 0, inverse_k = 0;
  std::size_t with_var = 0;
  for (std::size_t p = 0; p < n; ++p) {
    const auto& b = in.baseline[p];
    const auto& w = in.whatif[p];
    const std::size_t k = b.size();
    st.point_pairs[p] = k;
    if (k == 0) continue;
    double point_sum = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double e = w[i] - b[i];
      point_sum += e, sum += e;
      all_b.push_back(b[i]), all_w.push_back(w[i]);
    }
    const double m = point_sum / static_cast<double>(k);
    st.point_mean[p] = m;
    means.push_back(m);
    inverse_k += 1.0 / static_cast<double>(k);
    if (k >= 2) {
      double ss = 0;
      for (std::size_t i = 0; i < k; ++i) ss += std::pow(w[i] - b[i] - m, 2);
      seed_var += ss / static_cast<double>(k - 1);
      ++with_var;
    }
    if (m > 0) st.share_up += 1;
    if (m < 0) st.share_down += 1;
  }
  st.points = means.size();
  st.pairs = all_b.size();
  if (st.pairs == 0) return st;
  st.share_up /= static_cast<double>(st.points);
  st.share_down /= static_cast<double>(st.points);
  st.mean = sum / static_cast<double>(st.pairs);
  const sweep::Ensemble b = sweep::ensemble(all_b), w = sweep::ensemble(all_w), e = sweep::ensemble(means);
  st.baseline = b.mean, st.whatif = w.mean;
  st.baseline_p05 = b.p05, st.baseline_p95 = b.p95, st.whatif_p05 = w.p05, st.whatif_p95 = w.p95;
  if (st.points == 1) st.p05 = st.p95 = means.front();
  else st.p05 = e.p05, st.p95 = e.p95;
  if (with_var > 0) st.sd_seed = std::sqrt(seed_var / static_cast<double>(with_var));
  // The point means' variance holds the parameter part and each point's seed noise over its pairs;
  // the latter is taken out (a random-effects estimate, floored at 0).
  if (st.points >= 2 && with_var > 0) {
    const double between = e.sd * e.sd - seed_var / static_cast<double>(with_var) * inverse_k / static_cast<double>(st.points);
    st.sd_parameter = std::sqrt(std::max(0.0, between));
  } else if (st.points == 1) {
    st.sd_parameter = 0;
  }
  // The mean over the pairs carries each part's variance over its count: the worlds' over the worlds,
  // the seeds' over the pairs. Without a seed part, the point means' spread stands for both.
  if (with_var > 0) {
    const double param = st.points >= 2 ? st.sd_parameter * st.sd_parameter / static_cast<double>(st.points) : 0;
    st.se = std::sqrt(param + st.sd_seed * st.sd_seed / static_cast<double>(st.pairs));
  } else if (st.points >= 2) {
    st.se = e.sd / std::sqrt(static_cast<double>(st.points));
  }
  return st;
}

}  // namespace geosim::compare
