// The Gaussian-process emulator against functions whose values are known: it reproduces a linear
// function exactly, learns a smooth nonlinear one to within its stated uncertainty, estimates noise as
// a nugget, and its term selection finds planted terms.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "analysis/calibration/emulator.h"
#include "analysis/sensitivity/designs.h"

using geosim::calibration::Emulator;

namespace {

Eigen::MatrixXd latin(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  const auto d = geosim::analysis::latin_hypercube(rows, dims, seed);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(dims));
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < dims; ++c) x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = d.at(r, c);
  return x;
}

template <class F>
Eigen::VectorXd apply(const Eigen::MatrixXd& x, F f) {
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index r = 0; r < x.rows(); ++r) y[r] = f(x.row(r));
  return y;
}

}  // namespace

TEST_CASE("an emulator reproduces a linear function exactly, with almost no variance") {
  const Eigen::MatrixXd x = latin(40, 3, 1);
  auto f = [](const auto& v) { return 3.0 + 2.0 * v[0] - v[1]; };
  const Emulator em = Emulator::fit(x, apply(x, f));
  const Eigen::MatrixXd t = latin(25, 3, 2);
  Eigen::VectorXd mean, var;
  em.predict(t, mean, var);
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    CHECK(mean[r] == doctest::Approx(f(t.row(r))).epsilon(1e-6));
    CHECK(std::sqrt(var[r]) < 1e-2);
  }
  // The chosen terms name both inputs the function uses, and not the third.
  bool uses0 = false, uses1 = false, uses2 = false;
  for (const auto& term : em.terms()) uses0 |= term.i == 0, uses1 |= term.i == 1, uses2 |= term.i == 2 || term.j == 2;
  CHECK(uses0);
  CHECK(uses1);
  CHECK_FALSE(uses2);
}

TEST_CASE("an emulator learns a smooth nonlinear function within its stated uncertainty") {
  const Eigen::MatrixXd x = latin(120, 4, 3);
  auto f = [](const auto& v) { return std::sin(6 * v[0]) + v[1] * v[1] + 0.3 * v[0] * v[2]; };
  const Emulator em = Emulator::fit(x, apply(x, f));
  const Eigen::MatrixXd t = latin(300, 4, 4);
  Eigen::VectorXd mean, var;
  em.predict(t, mean, var);
  double sq = 0, range_sq = 0;
  int inside = 0;
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    const double truth = f(t.row(r));
    sq += std::pow(mean[r] - truth, 2);
    range_sq += std::pow(truth, 2);
    inside += std::abs(mean[r] - truth) <= 3 * std::sqrt(var[r]) ? 1 : 0;
  }
  const double rmse = std::sqrt(sq / static_cast<double>(t.rows()));
  MESSAGE("rmse " << rmse << ", within 3 sd: " << inside << " of " << t.rows());
  CHECK(rmse < 0.01);
  CHECK(inside >= 0.95 * static_cast<double>(t.rows()));
  // At a training point the emulator is (almost) the data.
  const auto p = em.predict(x.row(7).transpose());
  CHECK(p.mean == doctest::Approx(f(x.row(7))).epsilon(1e-3));
}

TEST_CASE("an emulator of noisy outputs estimates the noise as a nugget") {
  const Eigen::MatrixXd x = latin(200, 2, 5);
  std::mt19937_64 gen(9);
  std::normal_distribution<double> noise(0.0, 0.1);
  const Eigen::VectorXd y = apply(x, [&](const auto& v) { return 2.0 * v[0] + noise(gen); });
  const Emulator em = Emulator::fit(x, y);
  CHECK(em.nugget() > 0.01);
  // The predictive variance of a new observation is about the noise's, 0.01.
  const auto p = em.predict(Eigen::Vector2d(0.5, 0.5));
  CHECK(p.mean == doctest::Approx(1.0).epsilon(0.05));
  CHECK(p.variance > 0.005);
  CHECK(p.variance < 0.02);
}

TEST_CASE("a constant output gives an exact emulator, and refit keeps the hyperparameters") {
  const Eigen::MatrixXd x = latin(20, 2, 6);
  const Emulator c = Emulator::fit(x, Eigen::VectorXd::Constant(20, 4.5));
  const auto p = c.predict(Eigen::Vector2d(0.3, 0.9));
  CHECK(p.mean == 4.5);
  CHECK(p.variance == 0);

  auto f = [](const auto& v) { return std::cos(3 * v[0]) + v[1]; };
  const Emulator em = Emulator::fit(x, apply(x, f));
  const Eigen::MatrixXd more = latin(40, 2, 7);
  const Emulator re = em.refit(more, apply(more, f));
  CHECK(re.lengths() == em.lengths());
  CHECK(re.nugget() == em.nugget());
  CHECK(re.rows() == 40);
}

TEST_CASE("emulator input errors are refused with a message") {
  CHECK_THROWS_AS(Emulator::fit(Eigen::MatrixXd::Zero(5, 2), Eigen::VectorXd::Zero(5)), std::invalid_argument);
  CHECK_THROWS_AS(Emulator::fit(Eigen::MatrixXd::Zero(10, 2), Eigen::VectorXd::Zero(9)), std::invalid_argument);
  Eigen::MatrixXd x = latin(10, 2, 8);
  x(3, 1) = std::nan("");
  CHECK_THROWS_AS(Emulator::fit(x, Eigen::VectorXd::Zero(10)), std::invalid_argument);
}

TEST_CASE("term selection finds planted terms and leaves the others out") {
  const Eigen::MatrixXd x = latin(200, 5, 10);
  // In centred inputs z = 2x - 1: y = 1 + z0 + 2 z1 z3.
  const Eigen::VectorXd y = apply(x, [](const auto& v) { return 1 + (2 * v[0] - 1) + 2 * (2 * v[1] - 1) * (2 * v[3] - 1); });
  const auto terms = geosim::calibration::select_terms(x, y, 20);
  std::vector<std::string> names;
  for (const auto& t : terms) names.push_back(t.text());
  CHECK(std::find(names.begin(), names.end(), "x0") != names.end());
  CHECK(std::find(names.begin(), names.end(), "x1*x3") != names.end());
  CHECK(std::find(names.begin(), names.end(), "x2") == names.end());
  CHECK(std::find(names.begin(), names.end(), "x4") == names.end());
  const auto beta = geosim::calibration::least_squares(x, y, terms);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const double expected = names[t] == "1" ? 1 : names[t] == "x0" ? 1 : names[t] == "x1*x3" ? 2 : 0;
    CHECK(beta[static_cast<Eigen::Index>(t)] == doctest::Approx(expected).epsilon(1e-9));
  }
}

TEST_CASE("digamma matches its known values") {
  CHECK(geosim::calibration::digamma(1.0) == doctest::Approx(-0.5772156649015329).epsilon(1e-12));
  CHECK(geosim::calibration::digamma(0.5) == doctest::Approx(-1.9635100260214235).epsilon(1e-12));
  CHECK(geosim::calibration::digamma(10.0) == doctest::Approx(2.251752589066721).epsilon(1e-12));
  CHECK_THROWS_AS(geosim::calibration::digamma(0.0), std::invalid_argument);
}
