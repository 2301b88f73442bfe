#include "analysis/sweep/summary.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

#include "core/quantile.h"
#include "model/series.h"

namespace geosim::sweep {
namespace {

/// Appends ",text" (GCC 12 warns falsely about `"," + std::string` temporaries: its bug 105651).
void cell(std::string& out, const std::string& text) {
  out += ',';
  out += text;
}

/// SRC: regress standardized y on the standardized parameters (QR least squares). A categorical
/// parameter enters as one 0/1 indicator per level after its first; with two levels its SRC is that
/// indicator's coefficient (the effect of the second level), with more it has none (NaN).
Regression regress(const StoreInfo& info, const std::vector<double>& y, const std::vector<bool>& present) {
  const std::size_t k = info.parameters.size();
  Regression reg;
  reg.src.assign(k, std::nan(""));
  std::vector<std::size_t> rows, cols;
  for (std::size_t p = 0; p < y.size(); ++p)
    if (present[p]) rows.push_back(p);
  auto standardize = [&](auto value, Eigen::VectorXd& out) {
    out.resize(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) out(static_cast<Eigen::Index>(r)) = value(rows[r]);
    const double mean = out.mean();
    const double sd = std::sqrt((out.array() - mean).square().sum() / std::max<double>(1, static_cast<double>(rows.size()) - 1));
    if (!(sd > 0) || !std::isfinite(sd)) return false;
    out = (out.array() - mean) / sd;
    return true;
  };
  Eigen::VectorXd ys;
  if (rows.size() < 3 || !standardize([&](std::size_t p) { return y[p]; }, ys)) {
    reg.r_squared = std::nan("");
    return reg;
  }
  std::vector<Eigen::VectorXd> xs;
  std::vector<std::size_t> levels_of(k, 0);
  for (std::size_t i = 0; i < k; ++i) {
    Eigen::VectorXd x;
    const std::vector<std::string>& levels = info.levels[i];
    if (levels.empty()) {
      if (standardize([&](std::size_t p) { return info.numbers[p][i]; }, x)) cols.push_back(i), xs.push_back(x);
      continue;
    }
    levels_of[i] = levels.size();
    for (std::size_t l = 1; l < levels.size(); ++l)
      if (standardize([&](std::size_t p) { return info.values[p][i] == levels[l] ? 1.0 : 0.0; }, x)) cols.push_back(i), xs.push_back(x);
  }
  if (cols.empty() || rows.size() <= cols.size()) {
    reg.r_squared = std::nan("");
    return reg;
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t c = 0; c < cols.size(); ++c) X.col(static_cast<Eigen::Index>(c)) = xs[c];
  const Eigen::VectorXd beta = X.colPivHouseholderQr().solve(ys);
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (levels_of[cols[c]] <= 2) reg.src[cols[c]] = beta(static_cast<Eigen::Index>(c));
  const double ss_res = (ys - X * beta).squaredNorm(), ss_tot = ys.squaredNorm();
  reg.r_squared = 1.0 - ss_res / ss_tot;
  return reg;
}

}  // namespace

Ensemble ensemble(std::vector<double> values) {
  Ensemble e;
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  e.n = values.size();
  if (e.n == 0) {
    e.mean = e.sd = e.p05 = e.p95 = std::nan("");
    return e;
  }
  double sum = 0;
  for (double v : values) sum += v;
  e.mean = sum / static_cast<double>(e.n);
  if (e.n < 2) {
    e.sd = e.p05 = e.p95 = std::nan("");
    return e;
  }
  double ss = 0;
  for (double v : values) ss += (v - e.mean) * (v - e.mean);
  e.sd = std::sqrt(ss / static_cast<double>(e.n - 1));
  std::sort(values.begin(), values.end());
  e.p05 = quantile(values, 0.05), e.p95 = quantile(values, 0.95);
  return e;
}

Summary summarize(const Store& store, std::size_t resamples, std::uint64_t seed) {
  Summary s;
  s.info = store.info();
  const std::size_t points = s.info.unit.rows, records = s.info.records.size();
  std::vector<std::vector<std::vector<double>>> values(points, std::vector<std::vector<double>>(records));
  for (const StoredRun& r : store.runs()) {
    (r.ok ? s.runs_ok : s.runs_failed)++;
    if (!r.ok || r.point >= points) continue;
    for (std::size_t i = 0; i < records; ++i) values[r.point][i].push_back(r.records[i]);
  }
  s.points.resize(points);
  std::size_t missing = 0;
  std::vector<bool> present(points);
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t i = 0; i < records; ++i) s.points[p].push_back(ensemble(values[p][i]));
    present[p] = records > 0 && s.points[p][0].n > 0;
    missing += present[p] ? 0 : 1;
  }
  for (std::size_t i = 0; i < records; ++i) {
    std::vector<double> y(points);
    for (std::size_t p = 0; p < points; ++p) y[p] = s.points[p][i].mean;
    s.regression.push_back(regress(s.info, y, present));
    if (missing) continue;
    // The design's estimators take one output per design row: the ensemble mean at that point.
    if (s.info.method == "saltelli") s.sobol.push_back(analysis::sobol_indices(s.info.unit, y, resamples, seed));
    if (s.info.method == "morris") s.morris.push_back(analysis::morris_indices(s.info.unit, y));
  }
  if (missing && (s.info.method == "saltelli" || s.info.method == "morris"))
    s.note = std::to_string(missing) + " of " + std::to_string(points) + " design points have no successful run yet, so " +
             (s.info.method == "saltelli" ? "Sobol indices" : "Morris statistics") + " are left out (finish the sweep, or see the failed runs)";
  return s;
}

std::string points_csv(const Summary& s) {
  std::string out = "point";
  for (const auto& p : s.info.parameters) cell(out, p);
  for (const auto& r : s.info.records)
    for (const char* stat : {".n", ".mean", ".sd", ".p05", ".p95"}) cell(out, r + stat);
  out += "\n";
  for (std::size_t p = 0; p < s.points.size(); ++p) {
    out += std::to_string(p);
    for (std::size_t i = 0; i < s.info.parameters.size(); ++i)
      cell(out, !s.info.levels[i].empty() ? csv_field(s.info.values[p][i]) : format_or_na(s.info.numbers[p][i]));
    for (const Ensemble& e : s.points[p]) {
      cell(out, std::to_string(e.n));
      for (double v : {e.mean, e.sd, e.p05, e.p95}) cell(out, format_or_na(v));
    }
    out += "\n";
  }
  return out;
}

std::string sensitivity_csv(const Summary& s) {
  std::string out = "record,parameter,src,r_squared";
  if (!s.sobol.empty()) out += ",S1,S1_low,S1_high,ST,ST_low,ST_high";
  if (!s.morris.empty()) out += ",mu,mu_star,mu_star_half_width,sigma";
  out += "\n";
  for (std::size_t r = 0; r < s.info.records.size(); ++r)
    for (std::size_t i = 0; i < s.info.parameters.size(); ++i) {
      out += s.info.records[r];
      cell(out, s.info.parameters[i]);
      cell(out, format_or_na(s.regression[r].src[i]));
      cell(out, format_or_na(s.regression[r].r_squared));
      if (!s.sobol.empty()) {
        const auto& f = s.sobol[r].first[i];
        const auto& t = s.sobol[r].total[i];
        for (double v : {f.value, f.low, f.high, t.value, t.low, t.high}) cell(out, format_or_na(v));
      }
      if (!s.morris.empty()) {
        const auto& m = s.morris[r];
        for (double v : {m.mu[i], m.mu_star[i], m.mu_star_half_width[i], m.sigma[i]}) cell(out, format_or_na(v));
      }
      out += "\n";
    }
  return out;
}

}  // namespace geosim::sweep
