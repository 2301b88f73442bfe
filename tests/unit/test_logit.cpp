// The logit pick: its fast path (a polynomial exp with AVX2) must pick exactly what the definition with
// the C library's exp picks, including when the draw falls on a boundary between two options.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/random.h"
#include "model/logit.h"

namespace {

/// Uniform in [0, 1) from a counter: the tests' own reproducible draws.
double draw(std::uint64_t counter, std::uint32_t word) {
  return geosim::unit_open(geosim::philox_words(99, 0, counter, geosim::Purpose::choose)[word]);
}

}  // namespace

TEST_CASE("the fast path's exp is within 2e-14 of the C library's, far inside the pick's margin") {
  // A dense grid over [-708, 0] plus the values near 0 where most utilities lie; below -708 the
  // polynomial gives e^-708, an absolute error under 1e-307.
  std::vector<double> d;
  for (int k = 0; k <= 708000; ++k) d.push_back(-k * 1e-3);
  for (int k = 1; k <= 1000; ++k) d.push_back(-k * 1e-9);
  d.push_back(-0.0);
  std::vector<double> out(d.size(), 7.0);
  if (!geosim::logit_fast_path_available()) {
    // No AVX2 and FMA: the fast path does not exist. It must say so and write nothing; the accuracy
    // check is reported as skipped (doctest prints the warning, CTest shows "Skipped": its
    // SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt matches it), not passed in silence.
    REQUIRE_FALSE(geosim::logit_poly_exp(d.data(), d.size(), out.data()));  // REQUIRE: a failure must not read as a skip
    REQUIRE(std::all_of(out.begin(), out.end(), [](double v) { return v == 7.0; }));
    WARN_MESSAGE(false, "SKIPPED: this CPU has no AVX2 and FMA, so the fast path's accuracy cannot be checked here");
    return;
  }
  REQUIRE(geosim::logit_poly_exp(d.data(), d.size(), out.data()));
  double worst = 0;
  for (std::size_t k = 0; k < d.size(); ++k) worst = std::max(worst, std::fabs(out[k] / std::exp(d[k]) - 1));
  MESSAGE("largest relative error " << worst);
  CHECK(worst < 2e-14);
  CHECK(out.back() == 1.0);
  const double below[] = {-709.0, -1e4, -HUGE_VAL};
  double tiny[3];
  geosim::logit_poly_exp(below, 3, tiny);
  for (double t : tiny) CHECK((t >= 0 && t < 1e-307));
}

TEST_CASE("the fast logit pick equals the exact one, and decides nearly always") {
  std::size_t cases = 0, decided = 0;
  std::vector<double> v, scratch;
  for (std::uint64_t c = 0; c < 200000; ++c) {
    const std::size_t n = 1 + static_cast<std::size_t>(draw(c, 0) * 40);  // 1 to 40 options, any remainder mod 4
    const double spread = std::pow(10.0, 5 * draw(c, 1) - 2);  // utilities within 0.01 to 1000 of each other (exp underflows)
    const double offset = (draw(c, 2) - 0.5) * 2000;
    v.assign(n, 0.0);
    scratch.assign(n + 3, 0.0);
    for (std::size_t o = 0; o < n; ++o) {
      const auto w = geosim::philox_words(99, 1, c * 64 + o, geosim::Purpose::choose);
      v[o] = geosim::unit_open(w[0]) < 0.3 ? geosim::closed_option : offset + spread * (geosim::unit_open(w[1]) - 0.5);
    }
    const double u = draw(c, 3);
    const std::size_t exact = geosim::logit_pick_exact(v.data(), n, u, scratch.data());
    const std::size_t fast = geosim::logit_pick_fast(v.data(), n, u, scratch.data());
    ++cases;
    if (fast != geosim::logit_undecided) {
      ++decided;
      CHECK_MESSAGE(fast == exact, "case " << c);
    }
    CHECK(geosim::logit_pick(v.data(), n, u, scratch.data()) == exact);
  }
  MESSAGE("fast path decided " << decided << " of " << cases << " picks");
  if (geosim::logit_fast_path_available())
    CHECK(decided >= cases - cases / 10000);
  else
    CHECK(decided == 0);
}

TEST_CASE("a draw on the boundary between two options is left to the exact pick") {
  // u * total equal to a running sum, or one rounding step either side of it: the fast path must not
  // decide, and logit_pick must give the exact path's option.
  const std::vector<double> v = {0.3, geosim::closed_option, -1.2, 2.0, 0.7, -0.4};
  std::vector<double> e(v.size() + 3);
  double best = 2.0, total = 0;
  for (double x : v)
    if (x != geosim::closed_option) total += std::exp(x - best);
  std::size_t undecided = 0;
  double run = 0;
  for (std::size_t o = 0; o + 1 < v.size(); ++o) {
    if (v[o] == geosim::closed_option) continue;
    run += std::exp(v[o] - best);
    for (double u : {std::nextafter(run / total, 0.0), run / total, std::nextafter(run / total, 1.0)}) {
      const std::size_t exact = geosim::logit_pick_exact(v.data(), v.size(), u, e.data());
      undecided += geosim::logit_pick_fast(v.data(), v.size(), u, e.data()) == geosim::logit_undecided;
      CHECK(geosim::logit_pick(v.data(), v.size(), u, e.data()) == exact);
    }
  }
  if (geosim::logit_fast_path_available()) CHECK(undecided == 12);  // 4 open options before the last, 3 draws each
}

TEST_CASE("the logit pick's edge cases: nothing open, one option, a NaN or infinite utility") {
  std::vector<double> e(16);
  const double closed = geosim::closed_option;
  const std::vector<double> none = {closed, closed, closed};
  CHECK(geosim::logit_pick(none.data(), 3, 0.5, e.data()) == 3);
  const std::vector<double> one = {closed, closed, closed, closed, 4.0};
  for (double u : {0.0, 0.5, 0.999999})
    CHECK(geosim::logit_pick(one.data(), 5, u, e.data()) == 4);
  for (double odd : {std::nan(""), HUGE_VAL}) {
    const std::vector<double> v = {0.5, odd, 1.0};
    for (double u : {0.0, 0.3, 0.9}) {
      CHECK(geosim::logit_pick_fast(v.data(), 3, u, e.data()) == geosim::logit_undecided);
      CHECK(geosim::logit_pick(v.data(), 3, u, e.data()) == geosim::logit_pick_exact(v.data(), 3, u, e.data()));
    }
  }
  // Equal utilities: each of four options takes a quarter of the draws.
  const std::vector<double> equal = {1.0, 1.0, 1.0, 1.0};
  CHECK(geosim::logit_pick(equal.data(), 4, 0.10, e.data()) == 0);
  CHECK(geosim::logit_pick(equal.data(), 4, 0.30, e.data()) == 1);
  CHECK(geosim::logit_pick(equal.data(), 4, 0.60, e.data()) == 2);
  CHECK(geosim::logit_pick(equal.data(), 4, 0.90, e.data()) == 3);
}
