// History matching on toy models whose truth is known: the true point survives every wave at the
// 3-sigma cutoff while the region around it shrinks, two targets that no point can meet together are
// reported as a conflict, and the waves are the same whatever the thread count.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "analysis/calibration/calibration_def.h"
#include "analysis/calibration/history_match.h"

using namespace geosim::calibration;

namespace {

/// A stochastic toy model of three parameters and four outputs; seed noise of sd 0.02.
std::vector<double> toy(const Eigen::VectorXd& x, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> noise(0.0, 0.02);
  return {x[0] + 0.5 * x[1] * x[1] + noise(gen), std::sin(3 * x[1]) + x[2] + noise(gen), x[0] * x[2] + noise(gen), x[0] + noise(gen)};
}

const Eigen::Vector3d truth(0.3, 0.6, 0.7);

/// Observation of output `i` at the truth (its expectation), as a point band with small errors.
MatchTarget observed(const std::string& name, double value) {
  MatchTarget t;
  t.name = name;
  t.low = t.high = value;
  t.observation_sd = 0.01;
  t.discrepancy_sd = 0.01;
  return t;
}

/// Runs the toy model at every design point with `seeds` seeds; outputs `which` become the targets.
Simulator toy_simulator(std::vector<std::size_t> which, std::size_t seeds) {
  return [which, seeds](std::size_t wave, const Eigen::MatrixXd& design) {
    WaveRuns runs{design, {}};
    for (Eigen::Index r = 0; r < design.rows(); ++r) {
      std::vector<std::vector<double>> values(which.size());
      for (std::size_t s = 0; s < seeds; ++s) {
        const auto y = toy(design.row(r).transpose(), wave * 1000003 + static_cast<std::uint64_t>(r) * 101 + s);
        for (std::size_t t = 0; t < which.size(); ++t) values[t].push_back(y[which[t]]);
      }
      std::vector<PointOutcome> out;
      for (const auto& v : values) out.push_back(outcome_of(v, false));
      runs.outcomes.push_back(out);
    }
    return runs;
  };
}

MatchOptions toy_options() {
  MatchOptions o;
  o.waves = 3;
  o.points = 60;
  o.candidates = 40000;
  o.sample = 500;
  o.seed = 7;
  return o;
}

bool truth_kept(const MatchResult& r, const std::vector<MatchTarget>& targets, double cutoff) {
  for (const auto& fit : r.fits) {
    const Eigen::MatrixXd imp = implausibility(fit, targets, truth.transpose());
    if (ruled_out(imp.row(0), fit.nth, cutoff)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("history matching keeps the true point of a toy model and shrinks the region around it") {
  const std::vector<MatchTarget> targets = {observed("f1", 0.3 + 0.5 * 0.36), observed("f2", std::sin(1.8) + 0.7), observed("f3", 0.21)};
  const MatchOptions o = toy_options();
  const MatchResult r = history_match(3, targets, o, toy_simulator({0, 1, 2}, 4));
  REQUIRE(r.fits.size() == 3);
  REQUIRE_FALSE(r.empty);
  CHECK(truth_kept(r, targets, o.cutoff));
  // Every emulator was used, and validated on the held-out fifth of its wave.
  for (const auto& fit : r.fits)
    for (const auto& t : fit.targets) {
      CHECK(t.used);
      CHECK(t.validation.held_out == 12);
    }
  // The region shrinks wave by wave, to a small part of the cube around the truth.
  for (std::size_t w = 1; w < r.screenings.size(); ++w) {
    MESSAGE("wave " << w + 1 << ": NROY " << r.screenings[w].nroy_fraction << " of the cube");
    CHECK(r.screenings[w].nroy_fraction <= r.screenings[w - 1].nroy_fraction * 1.05);
  }
  CHECK(r.screenings.back().nroy_fraction < 0.05);
  const Eigen::MatrixXd& sample = r.screenings.back().accepted;
  REQUIRE(sample.rows() > 0);
  const Eigen::RowVectorXd centre = sample.colwise().mean();
  CHECK(std::abs(centre[0] - truth[0]) < 0.1);
  CHECK(std::abs(centre[1] - truth[1]) < 0.1);
  CHECK(std::abs(centre[2] - truth[2]) < 0.1);
  // The sample is the region the emulators keep: not one of its points is ruled out by any wave.
  for (const auto& fit : r.fits) {
    const Eigen::MatrixXd imp = implausibility(fit, targets, sample);
    for (Eigen::Index i = 0; i < sample.rows(); ++i) CHECK_FALSE(ruled_out(imp.row(i), fit.nth, o.cutoff));
  }
  CHECK(conflicts(r.screenings.back(), r.fits.back()).empty());
}

TEST_CASE("two targets that no point meets together are reported as a conflict") {
  // Outputs 0 and 3 both rise with x0 (x0 + x1^2 / 2, and x0): asking for 0.95 of the first and 0.1
  // of the second needs x1 near 1.3, outside the cube; each alone is easy.
  std::vector<MatchTarget> targets = {observed("high", 0.95), observed("low", 0.1), observed("f2", std::sin(1.8) + 0.7)};
  MatchOptions o = toy_options();
  o.waves = 1;
  const MatchResult r = history_match(3, targets, o, toy_simulator({0, 3, 1}, 4));
  const auto found = conflicts(r.screenings.front(), r.fits.front());
  REQUIRE(found.size() == 1);
  CHECK(found[0].a == 0);
  CHECK(found[0].b == 1);
  CHECK(found[0].a_alone > 0);
  CHECK(found[0].b_alone > 0);
  // Under the largest-implausibility rule nothing survives; the match says so.
  CHECK(r.empty);
  CHECK(unreachable(r.screenings.front(), r.fits.front()).empty());
  // Under the second-largest rule a point failing only one of the two survives.
  o.nth = {2};
  const MatchResult r2 = history_match(3, targets, o, toy_simulator({0, 3, 1}, 4));
  CHECK_FALSE(r2.empty);
  CHECK(conflicts(r2.screenings.front(), r2.fits.front()).size() == 1);
}

TEST_CASE("history matching gives the same waves on 1 and 2 threads") {
  const std::vector<MatchTarget> targets = {observed("f1", 0.48), observed("f2", std::sin(1.8) + 0.7), observed("f3", 0.21)};
  MatchOptions o = toy_options();
  o.waves = 2;
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return history_match(3, targets, o, toy_simulator({0, 1, 2}, 3));
  };
  const MatchResult a = run(1), b = run(2);
  REQUIRE(a.screenings.size() == b.screenings.size());
  for (std::size_t w = 0; w < a.screenings.size(); ++w) {
    CHECK(a.screenings[w].accepted == b.screenings[w].accepted);
    CHECK(a.screenings[w].nroy_fraction == b.screenings[w].nroy_fraction);
  }
  REQUIRE(a.points.size() == b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) CHECK(a.points[i].unit == b.points[i].unit);
}

TEST_CASE("the outcome of a point's runs and the implausibility rules") {
  const PointOutcome o = outcome_of({1.0, 3.0, std::nan(""), 2.0}, false);
  CHECK(o.n == 3);
  CHECK(o.mean == 2.0);
  CHECK(o.variance == 1.0);
  const PointOutcome l = outcome_of({std::exp(1.0), std::exp(3.0), -1.0, 0.0}, true);
  CHECK(l.n == 2);
  CHECK(l.mean == doctest::Approx(2.0));
  CHECK(std::isnan(outcome_of({}, false).mean));
  Eigen::RowVectorXd row(4);
  row << 0.5, 3.5, std::nan(""), 2.9;
  CHECK(ruled_out(row, 1, 3.0));
  CHECK_FALSE(ruled_out(row, 2, 3.0));
  CHECK_FALSE(ruled_out(row, 4, 3.0));  // fewer targets used than the rule counts: nothing is ruled out
  MatchTarget band;
  band.low = 1, band.high = 2;
  CHECK(band.distance(1.5) == 0);
  CHECK(band.distance(0.5) == 0.5);
  CHECK(band.distance(2.25) == 0.25);
}

TEST_CASE("the baseline's calibration file loads with its targets, and docs/calibration.md documents every calibration key") {
  const std::string dir = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/calibration/";
  const CalibrationDef c = load_calibration(dir + "history-match.yaml");
  CHECK(c.sweep.method == "history_matching");
  CHECK(c.sweep.parameters.size() == 25);
  CHECK(c.sweep.replicates == 4);
  // T1..T9 with T7 in two and T8's two further conditions: twelve matched outputs.
  REQUIRE(c.match.size() == 12);
  CHECK(c.match[0].name == "T1");
  CHECK(c.match[10].name == "T8/growth");
  CHECK(c.match[4].log_scale);                   // T5, a fall factor per year
  CHECK(c.match[4].low == doctest::Approx(std::log(5.0)));
  CHECK(std::isinf(c.match[0].low));             // T1 has only a maximum
  for (const auto& m : c.match) CHECK(m.observation_sd > 0);
  CHECK(c.options.nth_of(1) == 2);
  CHECK(c.options.nth_of(5) == 1);               // the list's last entry repeats
  // The baseline's own values lie inside the calibrated ranges.
  for (double u : c.base_unit) {
    CHECK(u >= 0);
    CHECK(u <= 1);
  }
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/calibration.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& key : calibration_keys()) {
    INFO(key.path);
    CHECK(doc.find("| `" + key.path + "` |") != std::string::npos);
  }
}
