#pragma once
// A Gaussian-process emulator of one model output over the unit cube of its parameters: a regression
// surface chosen by forward selection (linear terms, then squares and products of inputs),
// plus a Gaussian process on the chosen ("active") variables for what the surface misses,
// with a nugget for seed noise and for the variables left out. The standard construction of history
// matching (Vernon et al. 2010; Andrianakis et al. 2015); docs/calibration.md gives every formula.
#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

namespace geosim::calibration {

/// A regression term: 1, x_i, x_i^2 or x_i x_j of the centred inputs z = 2x - 1.
struct Term {
  int i = -1, j = -1;  // i < 0: the constant; j < 0: linear in i; j == i: square; else the product
  double at(const Eigen::Ref<const Eigen::VectorXd>& z) const { return i < 0 ? 1.0 : j < 0 ? z[i] : z[i] * z[j]; }
  /// "1", "x3", "x3^2", "x3*x5", with names[i] for xi when names are given.
  std::string text(const std::vector<std::string>& names = {}) const;
};

/// How an emulator is built.
struct EmulatorOptions {
  std::size_t max_terms = 20;   // most regression terms, the constant included (also at most n / 4)
  std::size_t max_active = 8;   // most active variables of the Gaussian process
  std::size_t max_evaluations = 400;  // likelihood evaluations in the hyperparameter search
};

/// The emulator's answer at one point: the expected output and the variance of that expectation.
struct Prediction {
  double mean = 0, variance = 0;
};

/// A fitted emulator. Copyable; predictions are const and thread-safe.
class Emulator {
 public:
  /// Fits inputs `x` (rows in [0, 1]^k) to outputs `y`: selects terms, then the correlation lengths
  /// and nugget by restricted maximum likelihood. Throws std::invalid_argument for fewer than 8 rows,
  /// a size mismatch or a non-finite value.
  static Emulator fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const EmulatorOptions& options = {});

  /// The same terms, correlation lengths and nugget refitted to other data (the regression
  /// coefficients and the variance re-estimated): how an emulator validated on part of its data
  /// is then built on all of it.
  Emulator refit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) const;

  /// Mean and variance at one point in [0, 1]^k.
  Prediction predict(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Means and variances at each row of `x` (a batch: one triangular solve for all rows).
  void predict(const Eigen::MatrixXd& x, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;

  const std::vector<Term>& terms() const { return terms_; }
  const std::vector<int>& active() const { return active_; }    // input index of each active variable
  const std::vector<double>& lengths() const { return lengths_; }  // correlation length of each, on the x scale
  double nugget() const { return nugget_; }  // as a share of the process variance
  double sigma2() const { return sigma2_ * scale_ * scale_; }  // process variance, in the output's units squared
  std::size_t dims() const { return dims_; }
  std::size_t rows() const { return static_cast<std::size_t>(x_.rows()); }

 private:
  /// Builds the fit for fixed terms and hyperparameters; returns the restricted log-likelihood.
  double build(const Eigen::MatrixXd& x, const Eigen::VectorXd& y_standard);
  Eigen::MatrixXd basis(const Eigen::MatrixXd& x) const;
  Eigen::MatrixXd correlation(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;

  std::size_t dims_ = 0;
  std::vector<Term> terms_;
  std::vector<int> active_;
  std::vector<double> lengths_;
  double nugget_ = 1e-6;
  double centre_ = 0, scale_ = 1;  // the output standardized: (y - centre) / scale
  // The fit on standardized outputs.
  Eigen::MatrixXd x_;                 // training inputs
  Eigen::MatrixXd h_;                 // their basis rows
  Eigen::LLT<Eigen::MatrixXd> chol_;  // of the correlation matrix plus nugget
  Eigen::LLT<Eigen::MatrixXd> gram_;  // of H' R^-1 H
  Eigen::MatrixXd rinv_h_;            // R^-1 H
  Eigen::VectorXd beta_, alpha_;      // regression coefficients; R^-1 (y - H beta)
  double sigma2_ = 0;                 // process variance of the standardized output
  bool constant_ = false;             // every output equal: the emulator is that value, exactly
};

/// Forward selection of regression terms for `y` on inputs `x` by the Bayesian information criterion:
/// linear terms first, then squares and pairwise products of any inputs. Exposed for tests.
std::vector<Term> select_terms(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::size_t max_terms);

/// Least-squares fit of `y` on the terms: coefficients, in the order of the terms.
Eigen::VectorXd least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<Term>& terms);

/// The digamma function psi(x) for x > 0 (bias of a log sample variance: docs/calibration.md).
double digamma(double x);

}  // namespace geosim::calibration
