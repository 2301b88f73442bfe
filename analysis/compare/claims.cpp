#include "analysis/compare/claims.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "analysis/discovery/tree.h"

namespace geosim::compare {
namespace {

/// Shares of the plausible worlds at which a claim is judged.
constexpr double kRobust = 0.9, kUnsupported = 0.1;
/// A point's effect counts as a direction when it is more than this many standard errors from 0.
constexpr double kNoise = 2.0;
/// A restriction of the chosen box counts when its quasi-p-value is below this.
constexpr double kSignificant = 0.05;

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * share);
  return buf;
}

std::string value_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::robust: return "robust";
    case Verdict::depends: return "depends";
    case Verdict::not_supported: return "not supported";
  }
  return "";
}

double binomial_tail(std::size_t k, std::size_t n, double q) {
  if (k == 0) return 1;
  if (k > n) return 0;
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  double total = 0;
  const double lq = std::log(q), lr = std::log1p(-q);
  for (std::size_t i = k; i <= n; ++i) {
    const double di = static_cast<double>(i), dn = static_cast<double>(n);
    total += std::exp(std::lgamma(dn + 1) - std::lgamma(di + 1) - std::lgamma(dn - di + 1) + di * lq + (dn - di) * lr);
  }
  return std::min(1.0, total);
}

ClaimResult judge_claim(const ClaimDef& claim, const EffectStats& stats, const Eigen::MatrixXd& x, const std::vector<std::string>& names, double min_coverage) {
  ClaimResult r;
  r.claim = claim;
  r.stats = stats;
  const double direction = claim.increase ? 1 : -1;
  const double seed_sd = std::isfinite(stats.sd_seed) ? stats.sd_seed : 0;
  r.point_class.assign(stats.point_mean.size(), 0);
  std::vector<std::size_t> rows;  // points with a pair
  for (std::size_t p = 0; p < stats.point_mean.size(); ++p) {
    if (stats.point_pairs[p] == 0) continue;
    rows.push_back(p);
    const double e = direction * stats.point_mean[p];
    const double se = seed_sd / std::sqrt(static_cast<double>(stats.point_pairs[p]));
    if (e > kNoise * se && e > 0) r.point_class[p] = 1, ++r.holds;
    else if (e < -kNoise * se && e < 0) r.point_class[p] = -1, ++r.opposite;
    else ++r.undecided;
  }
  const double n = static_cast<double>(rows.size());
  const double holds = n > 0 ? static_cast<double>(r.holds) / n : 0;
  const std::string shares = "holds in " + percent(holds) + ", the opposite in " + percent(n > 0 ? static_cast<double>(r.opposite) / n : 0) +
                             ", within seed noise in " + percent(n > 0 ? static_cast<double>(r.undecided) / n : 0) + " of " +
                             std::to_string(rows.size()) + " plausible world" + (rows.size() == 1 ? "" : "s");
  if (rows.empty()) {
    r.verdict = Verdict::not_supported;
    r.verdict_text = "not supported (no pair of runs succeeded)";
    return r;
  }
  if (holds >= kRobust) {
    r.verdict = Verdict::robust;
    r.verdict_text = "robust (" + shares + ")";
    return r;
  }
  if (holds < kUnsupported) {
    r.verdict = Verdict::not_supported;
    r.verdict_text = "not supported (" + shares + ")";
    return r;
  }
  r.verdict = Verdict::depends;
  // Which parameters decide it: the worlds where it holds are PRIM's cases of interest.
  Eigen::MatrixXd xs(static_cast<Eigen::Index>(rows.size()), x.cols());
  std::vector<bool> interest;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    xs.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(rows[i]));
    interest.push_back(r.point_class[rows[i]] == 1);
  }
  r.p_values.assign(static_cast<std::size_t>(x.cols()), kNaN);
  if (x.cols() > 0) {
    r.trajectory = discovery::prim_peel(xs, interest);
    r.chosen = discovery::choose_box(r.trajectory, min_coverage);
    const discovery::Box& box = r.trajectory[r.chosen];
    // Each restriction tested as the EMA Workbench does: how likely the box would hold as many cases
    // of interest if that parameter's bounds were dropped (its density then that of the wider box).
    std::size_t in_box = 0, of_interest = 0;
    auto inside = [&](Eigen::Index i, Eigen::Index skip) {
      for (Eigen::Index j = 0; j < xs.cols(); ++j)
        if (j != skip && (xs(i, j) < box.lower[static_cast<std::size_t>(j)] || xs(i, j) > box.upper[static_cast<std::size_t>(j)])) return false;
      return true;
    };
    for (Eigen::Index i = 0; i < xs.rows(); ++i)
      if (inside(i, -1)) ++in_box, of_interest += interest[static_cast<std::size_t>(i)] ? 1 : 0;
    for (Eigen::Index j = 0; j < xs.cols(); ++j) {
      const double lo = xs.col(j).minCoeff(), hi = xs.col(j).maxCoeff();
      if (!(box.lower[static_cast<std::size_t>(j)] > lo || box.upper[static_cast<std::size_t>(j)] < hi)) continue;
      std::size_t wide = 0, wide_interest = 0;
      for (Eigen::Index i = 0; i < xs.rows(); ++i)
        if (inside(i, j)) ++wide, wide_interest += interest[static_cast<std::size_t>(i)] ? 1 : 0;
      r.p_values[static_cast<std::size_t>(j)] = binomial_tail(of_interest, in_box, static_cast<double>(wide_interest) / static_cast<double>(wide));
      if (r.p_values[static_cast<std::size_t>(j)] < kSignificant) r.deciding.push_back(static_cast<std::size_t>(j));
    }
    std::stable_sort(r.deciding.begin(), r.deciding.end(), [&](std::size_t a, std::size_t b) { return r.p_values[a] < r.p_values[b]; });
    for (std::size_t j : r.deciding) {
      const double lo = xs.col(static_cast<Eigen::Index>(j)).minCoeff(), hi = xs.col(static_cast<Eigen::Index>(j)).maxCoeff();
      std::string part;
      if (box.lower[j] > lo) part += names[j] + " >= " + value_text(box.lower[j]);
      if (box.upper[j] < hi) part += (part.empty() ? "" : " and ") + names[j] + " <= " + value_text(box.upper[j]);
      r.box_text += (r.box_text.empty() ? "" : " and ") + part;
    }
    if (!r.deciding.empty()) {
      std::size_t kept = 0, kept_interest = 0, total_interest = 0;
      for (Eigen::Index i = 0; i < xs.rows(); ++i) {
        const bool of = interest[static_cast<std::size_t>(i)];
        total_interest += of ? 1 : 0;
        bool in = true;
        for (std::size_t j : r.deciding) in = in && xs(i, static_cast<Eigen::Index>(j)) >= box.lower[j] && xs(i, static_cast<Eigen::Index>(j)) <= box.upper[j];
        if (in) ++kept, kept_interest += of ? 1 : 0;
      }
      r.box_density = kept ? static_cast<double>(kept_interest) / static_cast<double>(kept) : kNaN;
      r.box_coverage = static_cast<double>(kept_interest) / static_cast<double>(total_interest);
    }
    r.tree = discovery::tree_text(discovery::grow_tree(xs, interest, {3, std::max<std::size_t>(5, rows.size() / 20)}), names);
  }
  if (r.deciding.empty()) {
    r.verdict_text = "depends (" + shares + "; no parameter's range isolates where it holds)";
  } else {
    std::string on;
    for (std::size_t i = 0; i < r.deciding.size(); ++i) on += (i == 0 ? "" : i + 1 == r.deciding.size() ? " and " : ", ") + names[r.deciding[i]];
    r.verdict_text = "depends on " + on + " (" + shares + "; it holds in " + percent(r.box_density) + " of the worlds with " + r.box_text + ", which hold " +
                     percent(r.box_coverage) + " of those where it holds)";
  }
  return r;
}

}  // namespace geosim::compare
