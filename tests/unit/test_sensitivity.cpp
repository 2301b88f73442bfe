// Sensitivity estimators against the Ishigami function, whose Sobol indices are known exactly, and
// Morris statistics against their exact values on the design's grid.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <stdexcept>

#include "analysis/sensitivity/indices.h"

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double a = 7.0, b = 0.1;

/// Ishigami on the unit cube (each input scaled to [-pi, pi]).
double ishigami(double u1, double u2, double u3) {
  const double x1 = -pi + 2 * pi * u1, x2 = -pi + 2 * pi * u2, x3 = -pi + 2 * pi * u3;
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

std::vector<double> evaluate(const geosim::analysis::Design& d) {
  std::vector<double> y(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r) y[r] = ishigami(d.at(r, 0), d.at(r, 1), d.at(r, 2));
  return y;
}

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function lie within their bootstrap intervals of the analytic values") {
  // Analytic (Ishigami & Homma 1990; Sobol' & Levitan 1999).
  const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2), v2 = a * a / 8, v13 = b * b * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
  const double v = v1 + v2 + v13;
  const std::array<double, 3> first = {v1 / v, v2 / v, 0.0}, total = {(v1 + v13) / v, v2 / v, v13 / v};
  CHECK(first[0] == doctest::Approx(0.3139).epsilon(0.001));
  CHECK(total[2] == doctest::Approx(0.2437).epsilon(0.001));

  using geosim::analysis::Sequence;
  for (Sequence seq : {Sequence::sobol_scrambled, Sequence::sobol, Sequence::random}) {
  const auto design = geosim::analysis::saltelli(seq == Sequence::random ? 20000 : 16384, 3, 42, seq);
  CHECK(design.rows == (seq == Sequence::random ? 20000 : 16384) * 5);
  const auto s = geosim::analysis::sobol_indices(design, evaluate(design), 200, 7);
  for (int i = 0; i < 3; ++i) {
    INFO(geosim::analysis::sequence_name(seq) << ", parameter " << i + 1 << ": S1 " << s.first[i].value << " [" << s.first[i].low << ", "
         << s.first[i].high << "], ST " << s.total[i].value << " [" << s.total[i].low << ", " << s.total[i].high << "]");
    CHECK(s.first[i].low <= first[i]);
    CHECK(first[i] <= s.first[i].high);
    CHECK(s.total[i].low <= total[i]);
    CHECK(total[i] <= s.total[i].high);
    CHECK(s.first[i].high - s.first[i].low < 0.1);  // the interval is informative, not just wide
    CHECK(s.total[i].high - s.total[i].low < 0.1);
  }
  }
}

TEST_CASE("Morris mu* of the Ishigami function lies within its interval of the exact value on the grid") {
  const std::size_t levels = 4;
  const double step = 4.0 / (2 * 3);  // levels / (2 (levels - 1)) = 2/3
  // Exact mu*: each coordinate is uniform on the four levels, and a move pairs level 0 with 2 and 1 with 3.
  auto partner = [&](double x) { return x + step <= 1.0 + 1e-12 ? x + step : x - step; };
  std::array<double, 3> exact{};
  for (int i0 = 0; i0 < 4; ++i0)
    for (int i1 = 0; i1 < 4; ++i1)
      for (int i2 = 0; i2 < 4; ++i2) {
        std::array<double, 3> x = {i0 / 3.0, i1 / 3.0, i2 / 3.0};
        for (int k = 0; k < 3; ++k) {
          auto moved = x;
          moved[k] = partner(x[k]);
          exact[k] += std::abs(ishigami(moved[0], moved[1], moved[2]) - ishigami(x[0], x[1], x[2])) / step / 64.0;
        }
      }
  const auto design = geosim::analysis::morris(2000, 3, levels, 11);
  const auto m = geosim::analysis::morris_indices(design, evaluate(design));
  for (int i = 0; i < 3; ++i) {
    INFO("parameter " << i + 1 << ": mu* " << m.mu_star[i] << ", exact " << exact[i]);
    // (x2 enters as sin^2, whose elementary effects on this grid are all equal: a zero-width interval.)
    CHECK(std::abs(m.mu_star[i] - exact[i]) <= m.mu_star_half_width[i] + 1e-9 * exact[i]);
    CHECK(m.sigma[i] >= 0);
  }
}

TEST_CASE("designs refuse impossible shapes") {
  CHECK_THROWS_AS(geosim::analysis::saltelli(0, 3, 1), std::invalid_argument);
  CHECK_THROWS_AS(geosim::analysis::morris(10, 3, 3, 1), std::invalid_argument);
  auto d = geosim::analysis::saltelli(10, 2, 1);
  CHECK_THROWS_AS(geosim::analysis::sobol_indices(d, std::vector<double>(d.rows - 1), 10, 1), std::invalid_argument);
}

TEST_CASE("an output that does not vary has no Sobol indices (NA), and one resample gives no interval") {
  const auto d = geosim::analysis::saltelli(64, 2, 3);
  const std::vector<double> flat(d.rows, 1.0);
  const auto s = geosim::analysis::sobol_indices(d, flat, 50, 1);
  for (std::size_t i = 0; i < 2; ++i)
    for (const auto& e : {s.first[i], s.total[i]}) {
      CHECK(std::isnan(e.value));
      CHECK(std::isnan(e.low));
      CHECK(std::isnan(e.high));
    }
  const auto d3 = geosim::analysis::saltelli(256, 3, 3);
  const auto varied = geosim::analysis::sobol_indices(d3, evaluate(d3), 1, 1);
  for (const auto& e : varied.first) {
    CHECK(std::isfinite(e.value));
    CHECK(std::isnan(e.low));  // no zero-width interval claiming certainty
    CHECK(std::isnan(e.high));
  }
  CHECK_THROWS_AS(geosim::analysis::sobol_indices(d3, evaluate(d3), geosim::analysis::max_resamples + 1, 1), std::invalid_argument);
}

TEST_CASE("designs larger than 10^7 rows are refused before they are allocated, naming the limit") {
  CHECK(geosim::analysis::design_rows(1000, 12) == 12000u);
  CHECK_FALSE(geosim::analysis::design_rows(4000000000ull, 3));
  CHECK_FALSE(geosim::analysis::design_rows(~std::size_t{0}, 2));  // no overflow
  try {
    geosim::analysis::saltelli(4000000000ull, 1, 1);
    FAIL("accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "a Saltelli design of 4000000000 base points and 1 parameter has 12,000,000,000 rows; geosim makes designs of at most "
                                   "10,000,000 rows (each row is a model run)");
  }
  CHECK_THROWS_AS(geosim::analysis::morris(5000000, 3, 4, 1), std::invalid_argument);
  CHECK_THROWS_AS(geosim::analysis::latin_hypercube(10000001, 1, 1), std::invalid_argument);
}
