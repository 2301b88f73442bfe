#include "analysis/calibration/emulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace geosim::calibration {
namespace {

constexpr double kMinLength = 0.02, kMaxLength = 20;  // correlation lengths on the [0, 1] scale of an input
constexpr double kMinNugget = 1e-8, kMaxNugget = 10;  // as a share of the process variance

Eigen::MatrixXd centred(const Eigen::MatrixXd& x) {
  return (2.0 * x.array() - 1.0).matrix();
}

double bic(double rss, std::size_t n, std::size_t p) {
  const double nn = static_cast<double>(n);
  return nn * std::log(std::max(rss / nn, 1e-300)) + static_cast<double>(p) * std::log(nn);
}

/// Minimizes f from `start` by Nelder and Mead's simplex (reflection 1, expansion 2, contraction and
/// shrink 1/2), with initial steps `step`, for at most `evaluations` calls. Deterministic.
template <class F>
Eigen::VectorXd nelder_mead(F&& f, const Eigen::VectorXd& start, double step, std::size_t evaluations) {
  const auto d = static_cast<std::size_t>(start.size());
  std::vector<Eigen::VectorXd> pts(d + 1, start);
  std::vector<double> val(d + 1);
  for (std::size_t i = 0; i < d; ++i) pts[i + 1][static_cast<Eigen::Index>(i)] += step;
  std::size_t used = 0;
  auto eval = [&](const Eigen::VectorXd& p) {
    ++used;
    const double v = f(p);
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();
  };
  for (std::size_t i = 0; i <= d; ++i) val[i] = eval(pts[i]);
  std::vector<std::size_t> order(d + 1);
  while (used < evaluations) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return val[a] < val[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[d - 1];
    if (std::abs(val[worst] - val[best]) < 1e-7 * (1 + std::abs(val[best]))) break;
    Eigen::VectorXd centroid = Eigen::VectorXd::Zero(start.size());
    for (std::size_t i = 0; i <= d; ++i)
      if (i != worst) centroid += pts[i];
    centroid /= static_cast<double>(d);
    const Eigen::VectorXd reflected = centroid + (centroid - pts[worst]);
    const double fr = eval(reflected);
    if (fr < val[best]) {
      const Eigen::VectorXd expanded = centroid + 2.0 * (centroid - pts[worst]);
      const double fe = eval(expanded);
      if (fe < fr) pts[worst] = expanded, val[worst] = fe;
      else pts[worst] = reflected, val[worst] = fr;
    } else if (fr < val[second]) {
      pts[worst] = reflected, val[worst] = fr;
    } else {
      const bool outside = fr < val[worst];
      const Eigen::VectorXd contracted = outside ? Eigen::VectorXd(centroid + 0.5 * (reflected - centroid)) : Eigen::VectorXd(centroid + 0.5 * (pts[worst] - centroid));
      const double fc = eval(contracted);
      if (fc < (outside ? fr : val[worst])) {
        pts[worst] = contracted, val[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= d; ++i)
          if (i != best) pts[i] = pts[best] + 0.5 * (pts[i] - pts[best]), val[i] = eval(pts[i]);
      }
    }
  }
  const auto at = static_cast<std::size_t>(std::min_element(val.begin(), val.end()) - val.begin());
  return pts[at];
}

}  // namespace

std::string Term::text(const std::vector<std::string>& names) const {
  // Appended, not "x" + ...: GCC 12 warns falsely about that form (its bug 105651).
  auto name = [&](int v) { return static_cast<std::size_t>(v) < names.size() ? names[static_cast<std::size_t>(v)] : std::string("x").append(std::to_string(v)); };
  if (i < 0) return "1";
  if (j < 0) return name(i);
  if (j == i) return name(i) + "^2";
  return name(i) + "*" + name(j);
}

Eigen::VectorXd least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<Term>& terms) {
  const Eigen::MatrixXd z = centred(x);
  Eigen::MatrixXd h(x.rows(), static_cast<Eigen::Index>(terms.size()));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (std::size_t t = 0; t < terms.size(); ++t) h(r, static_cast<Eigen::Index>(t)) = terms[t].at(z.row(r).transpose());
  return h.colPivHouseholderQr().solve(y);
}

std::vector<Term> select_terms(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::size_t max_terms) {
  const Eigen::Index n = x.rows();
  const auto k = static_cast<int>(x.cols());
  const Eigen::MatrixXd z = centred(x);
  std::vector<Term> chosen{Term{}};
  // An orthonormal basis of the chosen columns (modified Gram-Schmidt, twice for stability) and the
  // residual: a candidate's RSS reduction is (q'r)^2 for q its normalized part orthogonal to the basis.
  std::vector<Eigen::VectorXd> basis{Eigen::VectorXd::Constant(n, 1.0 / std::sqrt(static_cast<double>(n)))};
  Eigen::VectorXd residual = y.array() - y.mean();
  auto orthogonal = [&](Eigen::VectorXd c) {
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& q : basis) c -= q.dot(c) * q;
    return c;
  };
  auto column = [&](const Term& t) {
    Eigen::VectorXd c(n);
    for (Eigen::Index r = 0; r < n; ++r) c[r] = t.at(z.row(r).transpose());
    return c;
  };
  const double total = residual.squaredNorm();
  auto grow = [&](std::vector<Term> candidates) {
    // Once the terms explain the output to rounding, any further "improvement" is rounding too.
    while (chosen.size() < max_terms && !candidates.empty() && residual.squaredNorm() > 1e-20 * total) {
      double best_drop = 0;
      std::size_t best = candidates.size();
      Eigen::VectorXd best_q;
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        const Eigen::VectorXd raw = column(candidates[c]);
        const Eigen::VectorXd q = orthogonal(raw);
        const double norm2 = q.squaredNorm();
        if (norm2 <= 1e-10 * std::max(raw.squaredNorm(), 1e-300)) continue;  // collinear with the chosen terms
        const double drop = std::pow(q.dot(residual), 2) / norm2;
        if (drop > best_drop) best_drop = drop, best = c, best_q = q / std::sqrt(norm2);
      }
      if (best == candidates.size()) return;
      const double rss = residual.squaredNorm();
      if (!(bic(rss - best_drop, static_cast<std::size_t>(n), chosen.size() + 1) < bic(rss, static_cast<std::size_t>(n), chosen.size()))) return;
      chosen.push_back(candidates[best]);
      basis.push_back(best_q);
      residual -= best_q.dot(residual) * best_q;
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(best));
    }
  };
  std::vector<Term> linear;
  for (int i = 0; i < k; ++i) linear.push_back(Term{i, -1});
  grow(linear);
  // Every square and product, not only of the variables chosen so far: an output may depend on two
  // inputs only through their product (no linear trace of either).
  std::vector<Term> second;
  for (int a = 0; a < k; ++a)
    for (int b = a; b < k; ++b) second.push_back(Term{a, b});
  grow(second);
  return chosen;
}

Eigen::MatrixXd Emulator::basis(const Eigen::MatrixXd& x) const {
  const Eigen::MatrixXd z = centred(x);
  Eigen::MatrixXd h(x.rows(), static_cast<Eigen::Index>(terms_.size()));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (std::size_t t = 0; t < terms_.size(); ++t) h(r, static_cast<Eigen::Index>(t)) = terms_[t].at(z.row(r).transpose());
  return h;
}

Eigen::MatrixXd Emulator::correlation(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
  const auto m = static_cast<Eigen::Index>(active_.size());
  Eigen::MatrixXd as(a.rows(), m), bs(b.rows(), m);
  for (Eigen::Index c = 0; c < m; ++c) {
    as.col(c) = a.col(active_[static_cast<std::size_t>(c)]) / lengths_[static_cast<std::size_t>(c)];
    bs.col(c) = b.col(active_[static_cast<std::size_t>(c)]) / lengths_[static_cast<std::size_t>(c)];
  }
  Eigen::MatrixXd d = (-2.0 * as * bs.transpose()).colwise() + as.rowwise().squaredNorm();
  d.rowwise() += bs.rowwise().squaredNorm().transpose();
  return (-d.array().max(0.0)).exp().matrix();
}

double Emulator::build(const Eigen::MatrixXd& x, const Eigen::VectorXd& ys) {
  const Eigen::Index n = x.rows();
  const auto p = static_cast<Eigen::Index>(terms_.size());
  x_ = x;
  h_ = basis(x);
  Eigen::MatrixXd r = correlation(x, x);
  r.diagonal().array() += nugget_;
  chol_.compute(r);
  if (chol_.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
  rinv_h_ = chol_.solve(h_);
  gram_.compute(h_.transpose() * rinv_h_);
  if (gram_.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
  beta_ = gram_.solve(h_.transpose() * chol_.solve(ys));
  const Eigen::VectorXd e = ys - h_ * beta_;
  alpha_ = chol_.solve(e);
  sigma2_ = e.dot(alpha_) / static_cast<double>(n - p);
  if (!(sigma2_ > 0)) return -std::numeric_limits<double>::infinity();
  const double log_det_r = 2.0 * chol_.matrixLLT().diagonal().array().log().sum();
  const double log_det_g = 2.0 * gram_.matrixLLT().diagonal().array().log().sum();
  return -0.5 * (static_cast<double>(n - p) * std::log(sigma2_) + log_det_r + log_det_g);
}

Emulator Emulator::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const EmulatorOptions& o) {
  if (x.rows() != y.size()) throw std::invalid_argument("emulator: " + std::to_string(x.rows()) + " input rows but " + std::to_string(y.size()) + " outputs");
  if (x.rows() < 8) throw std::invalid_argument("emulator: at least 8 points are needed to fit an emulator, got " + std::to_string(x.rows()));
  if (x.cols() < 1) throw std::invalid_argument("emulator: the inputs have no columns");
  if (!x.allFinite() || !y.allFinite()) throw std::invalid_argument("emulator: an input or output is not a finite number");
  Emulator em;
  em.dims_ = static_cast<std::size_t>(x.cols());
  em.centre_ = y.mean();
  const double sd = std::sqrt((y.array() - em.centre_).square().sum() / static_cast<double>(y.size() - 1));
  if (!(sd > 1e-12 * std::max(1.0, std::abs(em.centre_)))) {
    em.constant_ = true, em.terms_ = {Term{}}, em.x_ = x;
    return em;
  }
  em.scale_ = sd;
  const Eigen::VectorXd ys = (y.array() - em.centre_) / sd;
  const std::size_t n = static_cast<std::size_t>(x.rows());
  em.terms_ = select_terms(x, ys, std::max<std::size_t>(1, std::min(o.max_terms, n / 4)));
  // Few inputs: all of them correlate (a variable of no effect gets a long length); many: those the
  // chosen terms use, the rest go into the nugget.
  if (em.dims_ <= o.max_active)
    for (int v = 0; v < static_cast<int>(em.dims_); ++v) em.active_.push_back(v);
  for (const Term& t : em.terms_)
    for (int v : {t.i, t.j})
      if (v >= 0 && std::find(em.active_.begin(), em.active_.end(), v) == em.active_.end() && em.active_.size() < o.max_active) em.active_.push_back(v);
  if (em.active_.empty()) {
    // No term beat the criterion: the process still needs a variable to correlate over; take the one
    // whose linear or squared term tracks the output best.
    const Eigen::MatrixXd z = centred(x);
    double best = -1;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      for (int power = 1; power <= 2; ++power) {
        Eigen::VectorXd c = z.col(j).array().pow(power);
        c.array() -= c.mean();
        const double cn = c.norm();
        const double corr = cn > 0 ? std::abs(c.dot(ys)) / cn : 0;
        if (corr > best) best = corr, em.active_ = {static_cast<int>(j)};
      }
  }
  const auto m = static_cast<Eigen::Index>(em.active_.size());
  // Hyperparameters in logs: each active variable's correlation length, then the nugget.
  auto unpack = [&](const Eigen::VectorXd& p) {
    em.lengths_.resize(static_cast<std::size_t>(m));
    for (Eigen::Index c = 0; c < m; ++c) em.lengths_[static_cast<std::size_t>(c)] = std::clamp(std::exp(p[c]), kMinLength, kMaxLength);
    em.nugget_ = std::clamp(std::exp(p[m]), kMinNugget, kMaxNugget);
  };
  Eigen::VectorXd start(m + 1);
  start.head(m).setConstant(std::log(0.5));
  start[m] = std::log(0.05);
  auto objective = [&](const Eigen::VectorXd& p) {
    unpack(p);
    return -em.build(x, ys);
  };
  // A simplex can collapse onto a ridge of the likelihood: restart from the best point found, with
  // fresh steps, while that still improves it (at most three restarts).
  Eigen::VectorXd best = start;
  double best_value = objective(start);
  for (int round = 0; round < 4; ++round) {
    const Eigen::VectorXd found = nelder_mead(objective, best, 1.0, o.max_evaluations / 4);
    const double value = objective(found);
    const bool better = value < best_value - 1e-6 * (1 + std::abs(best_value));
    if (value < best_value) best = found, best_value = value;
    if (!better) break;
  }
  unpack(best);
  if (!std::isfinite(em.build(x, ys))) {
    // Numerically singular at the optimum found: a larger nugget always makes the matrix definite.
    em.nugget_ = std::max(em.nugget_, 1e-4);
    em.build(x, ys);
  }
  return em;
}

Emulator Emulator::refit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) const {
  if (x.rows() != y.size() || x.rows() < static_cast<Eigen::Index>(terms_.size()) + 2 || static_cast<std::size_t>(x.cols()) != dims_)
    throw std::invalid_argument("emulator: refit needs as many outputs as input rows of the same width, and more rows than terms");
  if (!x.allFinite() || !y.allFinite()) throw std::invalid_argument("emulator: an input or output is not a finite number");
  Emulator em = *this;
  em.centre_ = y.mean();
  const double sd = std::sqrt((y.array() - em.centre_).square().sum() / static_cast<double>(y.size() - 1));
  em.constant_ = constant_ || !(sd > 1e-12 * std::max(1.0, std::abs(em.centre_)));
  em.x_ = x;
  if (em.constant_) return em;
  em.scale_ = sd;
  if (!std::isfinite(em.build(x, (y.array() - em.centre_) / sd))) {
    em.nugget_ = std::max(em.nugget_, 1e-4);
    em.build(x, (y.array() - em.centre_) / sd);
  }
  return em;
}

void Emulator::predict(const Eigen::MatrixXd& x, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const {
  if (static_cast<std::size_t>(x.cols()) != dims_) throw std::invalid_argument("emulator: predicting at points of the wrong width");
  if (constant_) {
    mean = Eigen::VectorXd::Constant(x.rows(), centre_);
    variance = Eigen::VectorXd::Zero(x.rows());
    return;
  }
  const Eigen::MatrixXd hx = basis(x);
  const Eigen::MatrixXd r = correlation(x, x_);  // rows: the new points
  mean = hx * beta_ + r * alpha_;
  const Eigen::MatrixXd v = chol_.matrixL().solve(r.transpose());
  const Eigen::MatrixXd u = hx.transpose() - rinv_h_.transpose() * r.transpose();
  const Eigen::MatrixXd w = gram_.matrixL().solve(u);
  variance = (sigma2_ * ((1.0 + nugget_) - v.colwise().squaredNorm().array() + w.colwise().squaredNorm().array()).max(0.0)).matrix();
  mean = (mean.array() * scale_ + centre_).matrix();
  variance *= scale_ * scale_;
}

Prediction Emulator::predict(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  Eigen::VectorXd m, v;
  predict(Eigen::MatrixXd(x.transpose()), m, v);
  return {m[0], v[0]};
}

double digamma(double x) {
  if (!(x > 0)) throw std::invalid_argument("digamma: x must be positive");
  double result = 0;
  while (x < 12) result -= 1 / x, x += 1;
  const double f = 1 / (x * x);
  // Asymptotic series: ln x - 1/(2x) - 1/(12x^2) + 1/(120x^4) - 1/(252x^6) + 1/(240x^8) - 1/(132x^10).
  return result + std::log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

}  // namespace geosim::calibration
