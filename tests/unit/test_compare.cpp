// The statistics of geosim compare: the effect's split into parameter and seed parts against values
// worked by hand and against a simulated random-effects model, and the claim verdicts with the
// parameter that decides a claim found again.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "analysis/compare/claims.h"
#include "analysis/compare/effects.h"

using namespace geosim::compare;

TEST_CASE("an effect's statistics, worked by hand") {
  // Three worlds: effects {1, 3}, {2, 2, 5}, {-1, -3}: means 2, 3, -2.
  Pairs p;
  p.baseline = {{0, 0}, {1, 1, 1}, {10, 10}};
  p.whatif = {{1, 3}, {3, 3, 6}, {9, 7}};
  const EffectStats s = effect_stats(p);
  CHECK(s.points == 3);
  CHECK(s.pairs == 7);
  CHECK(s.mean == doctest::Approx((1 + 3 + 2 + 2 + 5 - 1 - 3) / 7.0));
  CHECK(s.baseline == doctest::Approx(23.0 / 7));
  CHECK(s.point_mean[1] == doctest::Approx(3));
  CHECK(s.share_up == doctest::Approx(2.0 / 3));
  CHECK(s.share_down == doctest::Approx(1.0 / 3));
  // Seed variances 2, 3 and 2 (divisor k - 1): pooled 7/3.
  CHECK(s.sd_seed == doctest::Approx(std::sqrt(7.0 / 3)));
  // Means 2, 3, -2 have variance 7 (divisor 2); less the seed part 7/3 x mean(1/2, 1/3, 1/2) = 7/3 x 4/9.
  CHECK(s.sd_parameter == doctest::Approx(std::sqrt(7 - 7.0 / 3 * 4.0 / 9)));
  // The 5th and 95th percentiles of the means, interpolated: -2 + 0.1 x 4 = -1.6 and 2 + 0.9 x 1 = 2.9.
  CHECK(s.p05 == doctest::Approx(-1.6));
  CHECK(s.p95 == doctest::Approx(2.9));
  // The mean's standard error: the parameter part over 3 worlds and the seed part over 7 pairs.
  CHECK(s.se == doctest::Approx(std::sqrt((7 - 7.0 / 3 * 4.0 / 9) / 3 + 7.0 / 3 / 7)));
}

TEST_CASE("the standard error of a mean effect, from seeds alone and from worlds alone") {
  // One world of four seeds: effects 1, 2, 4, 5 (sd sqrt(10/3)): se = sd / 2.
  Pairs one;
  one.baseline = {{0, 0, 0, 0}};
  one.whatif = {{1, 2, 4, 5}};
  CHECK(effect_stats(one).se == doctest::Approx(std::sqrt(10.0 / 3) / 2));
  // Four worlds of one seed each: effects 1, 2, 4, 5, so no seed part: the means' sd over sqrt(4).
  Pairs four;
  four.baseline = {{0}, {0}, {0}, {0}};
  four.whatif = {{1}, {2}, {4}, {5}};
  CHECK(effect_stats(four).se == doctest::Approx(std::sqrt(10.0 / 3) / 2));
  // A single pair has no spread to estimate.
  Pairs single;
  single.baseline = {{0}};
  single.whatif = {{1}};
  CHECK(std::isnan(effect_stats(single).se));
}

TEST_CASE("equal runs give an effect of exactly 0 in every statistic") {
  Pairs p;
  p.baseline = {{0.3, 0.4}, {0.5, 0.1}};
  p.whatif = p.baseline;
  const EffectStats s = effect_stats(p);
  CHECK(s.mean == 0);
  CHECK(s.p05 == 0);
  CHECK(s.p95 == 0);
  CHECK(s.sd_seed == 0);
  CHECK(s.sd_parameter == 0);
  CHECK(s.share_up == 0);
  CHECK(s.share_down == 0);
  CHECK(std::isnan(s.parameter_share()));
}

TEST_CASE("the split into parameter and seed parts recovers a random-effects model") {
  // effect = a_p + e_ps, a_p ~ N(0.5, 1), e_ps ~ N(0, 0.5^2): 2,000 worlds of 5 seeds.
  std::mt19937_64 gen(3);
  std::normal_distribution<double> world(0.5, 1.0), seed(0.0, 0.5);
  Pairs p;
  p.baseline.assign(2000, std::vector<double>(5, 0.0));
  p.whatif.resize(2000);
  for (auto& w : p.whatif) {
    const double a = world(gen);
    for (int s = 0; s < 5; ++s) w.push_back(a + seed(gen));
  }
  const EffectStats s = effect_stats(p);
  CHECK(s.sd_parameter == doctest::Approx(1.0).epsilon(0.05));
  CHECK(s.sd_seed == doctest::Approx(0.5).epsilon(0.03));
  CHECK(s.parameter_share() == doctest::Approx(0.8).epsilon(0.05));
  CHECK(s.mean == doctest::Approx(0.5).epsilon(0.1));
}

TEST_CASE("a claim is robust, depends on the parameter that decides it, or is not supported") {
  // 200 worlds of two parameters; the effect is 1 where x0 > 0.6 and 0 elsewhere, plus seed noise.
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 0.1);
  const std::size_t n = 200;
  Eigen::MatrixXd x(n, 2);
  auto stats_for = [&](auto effect) {
    Pairs p;
    p.baseline.assign(n, std::vector<double>(4, 0.0));
    p.whatif.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      for (int s = 0; s < 4; ++s) p.whatif[i].push_back(effect(x(static_cast<Eigen::Index>(i), 0)) + noise(gen));
    return effect_stats(p);
  };
  for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), 0) = u(gen), x(static_cast<Eigen::Index>(i), 1) = u(gen);
  geosim::ClaimDef up;
  up.id = "up", up.metric = "m", up.increase = true;
  geosim::ClaimDef down = up;
  down.increase = false;

  const auto depends = judge_claim(up, stats_for([](double x0) { return x0 > 0.6 ? 1.0 : 0.0; }), x, {"x0", "x1"});
  CHECK(depends.verdict == Verdict::depends);
  REQUIRE(depends.deciding == std::vector<std::size_t>{0});
  CHECK(depends.box_text.rfind("x0 >= 0.6", 0) == 0);
  CHECK(depends.box_density > 0.95);
  CHECK(depends.box_coverage > 0.95);
  CHECK(depends.verdict_text.rfind("depends on x0 (holds in ", 0) == 0);
  INFO(depends.tree);
  // The tree's first split is on x0, within 0.01 of 0.6.
  const auto at = depends.tree.find("\n  x0 <= ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(depends.tree.substr(at + 9, 6)) == doctest::Approx(0.6).epsilon(0.02));

  const auto robust = judge_claim(up, stats_for([](double) { return 1.0; }), x, {"x0", "x1"});
  CHECK(robust.verdict == Verdict::robust);
  CHECK(robust.holds == n);
  const auto opposite = judge_claim(down, stats_for([](double) { return 1.0; }), x, {"x0", "x1"});
  CHECK(opposite.verdict == Verdict::not_supported);
  CHECK(opposite.opposite == n);
  const auto none = judge_claim(up, stats_for([](double) { return 0.0; }), x, {"x0", "x1"});
  CHECK(none.verdict == Verdict::not_supported);
  CHECK(none.undecided > 0.9 * n);
}

TEST_CASE("the binomial tail of a restriction's quasi-p-value") {
  CHECK(binomial_tail(0, 5, 0.3) == 1);
  CHECK(binomial_tail(1, 1, 0.5) == doctest::Approx(0.5));
  CHECK(binomial_tail(3, 3, 0.5) == doctest::Approx(0.125));
  CHECK(binomial_tail(2, 4, 0.5) == doctest::Approx(11.0 / 16));
  CHECK(binomial_tail(6, 5, 0.5) == 0);
  CHECK(binomial_tail(3, 10, 0) == 0);
  CHECK(binomial_tail(3, 10, 1) == 1);
}
