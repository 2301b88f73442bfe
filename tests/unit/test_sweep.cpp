// Sweeps: the Sobol sequence and the other designs, the sweep file's refusals, plans and seeds, and
// the ensemble and regression summaries of a store.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "../scratch.h"
#include "analysis/sensitivity/designs.h"
#include "analysis/sensitivity/sobol_sequence.h"
#include "analysis/sweep/plan.h"
#include "analysis/calibration/targets.h"
#include "analysis/sweep/summary.h"
#include "core/errors.h"

namespace fs = std::filesystem;
using geosim::analysis::SobolSequence;

namespace {

/// Writes a sweep file next to nothing else and returns its path; the base is the project's baseline.
std::string sweep_file(const std::string& name, const std::string& body) {
  const fs::path dir = scratch::root() / "sweep-tests";
  fs::create_directories(dir);
  const fs::path p = dir / (name + ".yaml");
  std::ofstream(p) << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset:\n  population.adopters: 400\nmonths: 12\n" << body;
  return p.string();
}

const std::string ok_body = R"(design:
  method: lhs
  samples: 8
parameters:
  - path: behaviour.bass_q
    range: [0.1, 0.6]
record:
  - metric: adoption
)";

/// The first diagnostic of a refused sweep.
geosim::Diagnostic refusal(const std::string& name, const std::string& body) {
  try {
    geosim::sweep::load_sweep(sweep_file(name, body));
  } catch (const geosim::DiagnosticError& e) {
    REQUIRE(!e.diagnostics().empty());
    return e.diagnostics().front();
  }
  FAIL("the sweep was accepted");
  return {};
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the Sobol table's polynomials are primitive, and primitivity is decided correctly") {
  for (std::size_t d = 2; d <= SobolSequence::max_dims; ++d) {
    INFO("dimension " << d);
    CHECK(geosim::analysis::is_primitive_polynomial(geosim::analysis::sobol_polynomial(d)));
  }
  CHECK(geosim::analysis::is_primitive_polynomial(0b10011));   // x^4 + x + 1
  CHECK_FALSE(geosim::analysis::is_primitive_polynomial(0b10101));  // x^4 + x^2 + 1 = (x^2 + x + 1)^2
  CHECK_FALSE(geosim::analysis::is_primitive_polynomial(0b11111));  // x^4+x^3+x^2+x+1: irreducible, order 5, not 15
  CHECK_FALSE(geosim::analysis::is_primitive_polynomial(0b1001));   // x^3 + 1 = (x + 1)(x^2 + x + 1)
}

TEST_CASE("the Sobol sequence starts as published and stratifies every dimension") {
  const SobolSequence plain(SobolSequence::max_dims, false, 0);
  double p[SobolSequence::max_dims];
  plain.point(1, p);
  CHECK(p[0] == 0.5);
  CHECK(p[1] == 0.5);
  plain.point(2, p);
  CHECK(p[0] == 0.25);
  CHECK(p[1] == 0.75);
  plain.point(3, p);
  CHECK(p[0] == 0.75);
  CHECK(p[1] == 0.25);
  for (bool scrambled : {false, true}) {
    const SobolSequence seq(SobolSequence::max_dims, scrambled, 99);
    const int m = 10, n = 1 << m;
    std::vector<std::vector<int>> count(SobolSequence::max_dims, std::vector<int>(n));
    for (int i = 0; i < n; ++i) {
      seq.point(static_cast<std::uint64_t>(i), p);
      for (std::size_t d = 0; d < SobolSequence::max_dims; ++d) count[d][static_cast<int>(p[d] * n)]++;
    }
    for (std::size_t d = 0; d < SobolSequence::max_dims; ++d) {
      INFO("dimension " << d + 1 << (scrambled ? ", scrambled" : ""));
      CHECK(std::all_of(count[d].begin(), count[d].end(), [](int c) { return c == 1; }));
    }
  }
}

TEST_CASE("the first two Sobol dimensions form a (0, m, 2)-net, scrambled or not") {
  // Every dyadic box of area 2^-m holds exactly one of the first 2^m points.
  for (bool scrambled : {false, true}) {
    const SobolSequence seq(2, scrambled, 5);
    const int m = 8, n = 1 << m;
    for (int a = 0; a <= m; ++a) {
      const int nx = 1 << a, ny = 1 << (m - a);
      std::vector<int> boxes(static_cast<std::size_t>(n));
      double p[2];
      for (int i = 0; i < n; ++i) {
        seq.point(static_cast<std::uint64_t>(i), p);
        boxes[static_cast<std::size_t>(static_cast<int>(p[0] * nx) * ny + static_cast<int>(p[1] * ny))]++;
      }
      INFO("boxes " << nx << " x " << ny << (scrambled ? ", scrambled" : ""));
      CHECK(std::all_of(boxes.begin(), boxes.end(), [](int c) { return c == 1; }));
    }
  }
}

TEST_CASE("a Latin hypercube puts one point in each stratum of every column") {
  const auto d = geosim::analysis::latin_hypercube(97, 5, 3);
  for (std::size_t k = 0; k < 5; ++k) {
    std::set<int> strata;
    for (std::size_t r = 0; r < d.rows; ++r) strata.insert(static_cast<int>(d.at(r, k) * 97));
    CHECK(strata.size() == 97);
  }
  CHECK(geosim::analysis::latin_hypercube(97, 5, 3).values == d.values);
  CHECK(geosim::analysis::latin_hypercube(97, 5, 4).values != d.values);
}

TEST_CASE("a valid sweep loads, and its plan and seeds follow the documented rules") {
  const auto s = geosim::sweep::load_sweep(sweep_file("grid", R"(design:
  method: grid
parameters:
  - path: behaviour.bass_q
    range: [0.1, 0.5]
    count: 3
  - path: labs.deepseek.open
    levels: [true, false]
replicates: 2
seeds: {rule: common, base: 10}
record:
  - {metric: adoption, mean: [2023-06, 2023-12]}
)"));
  CHECK(s.records.front().name == "adoption@2023-06..2023-12");
  const auto plan = geosim::sweep::make_plan(s);
  REQUIRE(plan.points() == 6);
  CHECK(plan.runs() == 12);
  // The first parameter varies slowest.
  CHECK(plan.values[0] == std::vector<std::string>{"0.1", "true"});
  CHECK(plan.values[1] == std::vector<std::string>{"0.1", "false"});
  CHECK(plan.values[2] == std::vector<std::string>{"0.3", "true"});
  CHECK(plan.values[5] == std::vector<std::string>{"0.5", "false"});
  CHECK(std::isnan(plan.numbers[0][1]));
  // Common seeds: replicate r of every point runs with base + r.
  CHECK(geosim::sweep::run_key(s, plan, 0).seed == 10);
  CHECK(geosim::sweep::run_key(s, plan, 1).seed == 11);
  CHECK(geosim::sweep::run_key(s, plan, 7).seed == 11);
  CHECK(geosim::sweep::run_key(s, plan, 7).point == 3);
  CHECK_THROWS(geosim::sweep::run_key(s, plan, 12));
}

TEST_CASE("distributions map the unit interval as documented") {
  geosim::sweep::Parameter p;
  p.distribution = geosim::sweep::Distribution::log_uniform, p.a = 0.01, p.b = 1;
  CHECK(p.value(0.5) == doctest::Approx(0.1));
  p.distribution = geosim::sweep::Distribution::normal, p.a = 2, p.b = 0.5, p.key_min = 0, p.key_max = 10;
  CHECK(p.value(0.5) == doctest::Approx(2).epsilon(1e-9));
  CHECK(p.value(0.975) == doctest::Approx(2 + 0.5 * 1.959964).epsilon(1e-6));
  CHECK(p.value(1e-9) >= 0);  // clipped to the key's range
  p.distribution = geosim::sweep::Distribution::triangular, p.a = 0, p.c = 1, p.b = 4;
  CHECK(p.value(0.25) == doctest::Approx(1));  // the mode sits at F = (c - a) / (b - a)
  p.distribution = geosim::sweep::Distribution::uniform, p.a = 1, p.b = 9, p.integer = true;
  CHECK(p.value(0.3) == 3);  // 3.4 rounded for a whole-number key
}

TEST_CASE("sweep files are refused with file, line and what was expected") {
  auto d = refusal("unknown", ok_body + "replicate: 3\n");
  CHECK(d.mark.line == 13);
  CHECK(has(d.message, "unknown sweep key 'replicate'"));
  CHECK(has(d.message, "did you mean 'replicates'"));
  d = refusal("method", "design:\n  method: latin\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.6]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "expected grid, lhs, sobol, saltelli or morris"));
  d = refusal("levels-lhs", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, levels: [0.1, 0.2]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "levels are for the grid design"));
  d = refusal("out-of-range", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 70]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "leave the key's range"));
  d = refusal("not-a-key", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_qq, range: [0.1, 0.2]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "not a scenario key path"));
  CHECK(has(d.message, "behaviour.bass_q"));
  d = refusal("no-agent", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: labs.deepsek.capability, range: [1, 2]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "no entry with id 'deepsek' in labs"));
  d = refusal("boolean-range", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: labs.deepseek.open, range: [0, 1]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "give it levels"));
  d = refusal("metric", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.2]}\nrecord:\n  - metric: adoptoin\n");
  CHECK(d.mark.line == 9);
  CHECK(has(d.message, "did you mean 'adoption'"));
  d = refusal("scope", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.2]}\nrecord:\n  - {metric: adoption, scope: nation:XX}\n");
  CHECK(has(d.message, "no scope 'nation:XX'"));
  d = refusal("month", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.2]}\nrecord:\n  - {metric: adoption, at: 2030-01}\n");
  CHECK(has(d.message, "outside the simulated period 2023-01 to 2023-12"));
  d = refusal("samples", "design: {method: saltelli}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.2]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "design.samples is required"));
  d = refusal("twice", "design: {method: lhs, samples: 4}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.2]}\n  - {path: behaviour.bass_q, range: [0.1, 0.3]}\nrecord:\n  - metric: adoption\n");
  CHECK(has(d.message, "varied twice"));
  CHECK_THROWS_AS(geosim::sweep::load_sweep("/nonexistent/sweep.yaml"), geosim::DiagnosticError);
}

TEST_CASE("ensemble statistics and regression coefficients have their textbook values") {
  std::vector<double> v;
  for (int i = 1; i <= 20; ++i) v.push_back(i);
  const auto e = geosim::sweep::ensemble(v);
  CHECK(e.n == 20);
  CHECK(e.mean == doctest::Approx(10.5));
  CHECK(e.sd == doctest::Approx(std::sqrt(35.0)));
  CHECK(e.p05 == doctest::Approx(1.95));
  CHECK(e.p95 == doctest::Approx(19.05));
  CHECK(std::isnan(geosim::sweep::ensemble({3.0}).sd));
  CHECK(geosim::sweep::ensemble({}).n == 0);
}

TEST_CASE("every sweep in scenarios/sweeps loads, and docs/sweeps.md documents every sweep key") {
  std::size_t sweeps = 0;
  for (const char* folder : {"sweeps", "calibration"})
  for (const auto& entry : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "scenarios" / folder)) {
    // targets.yaml holds targets, and a calibration file (history_matching) has its own test.
    if (entry.path().extension() != ".yaml" || entry.path().filename() == "targets.yaml" || entry.path().filename() == "history-match.yaml") continue;
    INFO(entry.path().string());
    const auto s = geosim::sweep::load_sweep(entry.path().string());
    CHECK(geosim::sweep::make_plan(s).runs() > 0);
    ++sweeps;
  }
  CHECK(sweeps >= 5);
  std::ifstream in(fs::path(GEOSIM_SOURCE_DIR) / "docs" / "sweeps.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& key : geosim::sweep::sweep_keys()) {
    INFO(key.path);
    CHECK(has(doc, "| `" + key.path + "` |"));
  }
}

TEST_CASE("a grid without parameters is an ensemble of the base scenario") {
  const auto s = geosim::sweep::load_sweep(sweep_file("ensemble", "replicates: 5\nrecord:\n  - metric: adoption\n"));
  const auto plan = geosim::sweep::make_plan(s);
  CHECK(plan.points() == 1);
  CHECK(plan.runs() == 5);
  CHECK(geosim::sweep::run_key(s, plan, 4).seed == 5);
  CHECK(refusal("lhs-without", "design: {method: lhs, samples: 4}\nrecord:\n  - metric: adoption\n").message.find("needs at least one parameter") !=
        std::string::npos);
}

TEST_CASE("calibration targets compute their values and bands as documented") {
  const fs::path dir = scratch::fresh("calibration-targets");
  geosim::sweep::StoreInfo info;
  info.records = {"a", "b", "c"};
  auto load = [&](const std::string& text) {
    std::ofstream(dir / "targets.yaml") << text;
    return geosim::calibration::load_targets((dir / "targets.yaml").string(), info);
  };
  const auto t = load(R"(targets:
  - {id: R, value: {ratio: [a, b]}, max: 0.25}
  - {id: D, value: {difference: [{sum: [a, b]}, c]}, min: 1, max: 2}
  - {id: F, value: {fold_per_year: [a, b, 6]}, min: 5}
)");
  REQUIRE(t.size() == 3);
  const std::vector<double> run = {8, 2, 8.5};
  CHECK(t[0].value.eval(run) == doctest::Approx(4));
  CHECK_FALSE(t[0].met(4));
  CHECK(t[0].band() == "at most 0.25");
  CHECK(t[1].value.eval(run) == doctest::Approx(1.5));
  CHECK(t[1].met(1.5));
  CHECK(t[1].miss(2.5) == doctest::Approx(0.5));  // half the band's width above it
  CHECK(t[2].value.eval(run) == doctest::Approx(16));  // (8 / 2)^(12 / 6)
  try {
    load("targets:\n  - {id: X, value: {ratoi: [a, d]}, max: 1}\n  - {id: Y, value: e}\n");
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    REQUIRE(e.diagnostics().size() == 3);
    CHECK(has(e.diagnostics()[0].message, "unknown operation 'ratoi'; did you mean 'ratio'"));
    CHECK(has(e.diagnostics()[1].message, "no record is named 'e'"));
    CHECK(has(e.diagnostics()[2].message, "needs min, max or both"));
  }
}

TEST_CASE("sweep sizes are counted before anything is made, and refused naming the limit") {
  // 10^4 points x 10^5 replicates: 10^9 runs (the list of pending runs alone took 8 GB).
  auto d = refusal("runs-1e9", "design: {method: lhs, samples: 10000}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.6]}\n"
                               "replicates: 100000\nrecord:\n  - metric: adoption\n");
  CHECK(d.message == "10000 points x 100000 replicates are more than the 100000000 runs a sweep may plan; fewer points or replicates (or shards of separate sweeps)");
  // Saltelli at the largest accepted sample count with 16 parameters: 1.8e8 points.
  std::string params;
  for (const char* key : {"bass_q", "bass_p", "revisit_rate", "utility.price", "utility.capability", "utility.openness", "utility.origin_risk",
                          "utility.neighbours", "utility.switching_cost", "openness_weight.enterprise", "openness_weight.public",
                          "openness_weight.developer", "rival_threshold", "distillation_rate", "community_rate", "compute_elasticity"})
    params += std::string("  - {path: behaviour.") + key + ", range: [0.1, 0.5]}\n";
  d = refusal("saltelli-1e7", "design: {method: saltelli, samples: 10000000}\nparameters:\n" + params + "record:\n  - metric: adoption\n");
  CHECK(d.message == "the saltelli design has 180000000 points; a sweep has at most 10000000 design points (fewer samples, levels or parameters)");
  // A grid of 10^15 points, refused at once (it took 5.5 minutes of checking every level first).
  const auto t0 = std::chrono::steady_clock::now();
  d = refusal("grid-1e15", "design: {method: grid}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.6], count: 100000}\n"
                           "  - {path: behaviour.bass_p, range: [0.01, 0.1], count: 100000}\n  - {path: behaviour.revisit_rate, range: [0.1, 1], count: 100000}\n"
                           "record:\n  - metric: adoption\n");
  CHECK(d.message == "the grid design has 1e+15 points; a sweep has at most 10000000 design points (fewer samples, levels or parameters)");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  // A grid over a range is checked at its ends only: 100,000 levels load in well under a second.
  const auto t1 = std::chrono::steady_clock::now();
  const auto wide = geosim::sweep::load_sweep(sweep_file("grid-wide", "design: {method: grid}\nparameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.6], count: 100000}\n"
                                                                        "record:\n  - metric: adoption\n"));
  CHECK(wide.points == 100000);
  CHECK(std::chrono::steady_clock::now() - t1 < std::chrono::seconds(2));
}

TEST_CASE("a sweep whose worlds do not fit in memory is refused as geosim run refuses the population") {
  const fs::path file = scratch::fresh("sweep-memory") / "big-population.yaml";
  std::ofstream(file) << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset: {population.adopters: 50000000}\nmonths: 12\n"
                      << "design: {method: grid}\nparameters:\n  - {path: behaviour.bass_q, levels: [0.3]}\nreplicates: 64\nrecord:\n  - metric: adoption\n";
  const auto s = geosim::sweep::load_sweep(file.string());
  CHECK(s.largest_adopters == 50000000);
  ::setenv("GEOSIM_MEMORY_LIMIT", "200M", 1);
  try {
    geosim::sweep::check_sweep_memory(s, 1);
    FAIL("accepted");
  } catch (const geosim::BadInput& e) {
    CHECK(has(e.what(), "1 run at once of up to 50000000 adopters"));
    CHECK(has(e.what(), "need about 2.3 GiB, but GEOSIM_MEMORY_LIMIT=200M allows 200 MiB"));
  }
  ::setenv("GEOSIM_MEMORY_LIMIT", "64G", 1);
  CHECK_NOTHROW(geosim::sweep::check_sweep_memory(s, 1));
  CHECK_THROWS_AS(geosim::sweep::check_sweep_memory(s, 64), geosim::BadInput);   // 64 worlds at once do not fit
  ::unsetenv("GEOSIM_MEMORY_LIMIT");
}

TEST_CASE("records must lie in every run's period, whatever months or start a point gives it") {
  const std::string records = "record:\n  - {metric: adoption, name: adoption_end}\n  - {metric: adoption, mean: [2023-01, 2023-12], name: adoption_2023}\n";
  // A swept months beside the sweep's own `months` would be overridden without a word.
  auto d = refusal("months-override", "design: {method: grid}\nparameters:\n  - {path: months, levels: [6, 12]}\n" + records);
  CHECK(d.message == "parameter 'months' is varied, but the sweep's 'months: 12' sets every run's months; remove one of them");
  // Without it, the 6-month runs never reach the recorded months: refused, not stored as 0.
  const fs::path dir = scratch::fresh("sweep-horizon");
  auto refused = [&](const std::string& name, const std::string& body) {
    std::ofstream(dir / (name + ".yaml")) << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset: {population.adopters: 400, months: 12, events: []}\n" << body;
    try {
      geosim::sweep::load_sweep((dir / (name + ".yaml")).string());
    } catch (const geosim::DiagnosticError& e) {
      return e.diagnostics();
    }
    FAIL("accepted");
    return std::vector<geosim::Diagnostic>{};
  };
  auto ds = refused("months-short", "design: {method: grid}\nparameters:\n  - {path: months, levels: [6, 12]}\n" + records);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].message == "record 'adoption_end': 2023-12 is outside the period 2023-01 to 2023-06 of the runs with months = 6; record months every run simulates");
  CHECK(has(ds[1].message, "record 'adoption_2023': 2023-01 to 2023-12 is outside the period 2023-01 to 2023-06"));
  // A swept start moves the period: the recorded calendar months must be in each.
  ds = refused("start", "design: {method: grid}\nparameters:\n  - {path: start, levels: [2023-01, 2030-01]}\nrecord:\n  - {metric: adoption, at: 2023-06}\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "record 'adoption@2023-06': 2023-06 is outside the period 2030-01 to 2030-12 of the runs with start = 2030-01; record months every run simulates");
  ds = refused("start-series", "design: {method: grid}\nparameters:\n  - {path: start, levels: [2023-01, 2023-02]}\nrecord:\n  - {metric: adoption, at: 2023-06}\n"
                               "series:\n  - {metric: adoption}\n");
  CHECK(has(ds[0].message, "series are stored by month from each run's start, and 'start' is varied"));
  // Longer runs are fine: every recorded month is simulated.
  std::ofstream(dir / "months-long.yaml") << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset: {population.adopters: 400, months: 12, events: []}\n"
                                          << "design: {method: grid}\nparameters:\n  - {path: months, levels: [12, 24]}\n" << records;
  CHECK_NOTHROW(geosim::sweep::load_sweep((dir / "months-long.yaml").string()));
}

TEST_CASE("targets whose band is empty, or whose ids repeat, are refused") {
  const fs::path dir = scratch::fresh("calibration-bad");
  geosim::sweep::StoreInfo info;
  info.records = {"a"};
  std::ofstream(dir / "t.yaml") << "targets:\n  - {id: T, value: a, min: 0.9, max: 0.1}\n  - {id: T, value: a, max: 1}\n";
  try {
    geosim::calibration::load_targets((dir / "t.yaml").string(), info);
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].str() == (dir / "t.yaml").string() + ":2:38: error: target 'T': min 0.9 is above max 0.1; no value could meet it (swapped?)");
    CHECK(e.diagnostics()[1].str() == (dir / "t.yaml").string() + ":3:10: error: target id 'T' is used twice; give each target its own id");
  }
}

TEST_CASE("a problem in a sweep's set names one place: the sweep file's line and column") {
  const fs::path file = scratch::fresh("sweep-set") / "set-unknown.yaml";
  std::ofstream(file) << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset: {population.adopters: 400, nosuch: 1}\nmonths: 12\n"
                      << "record:\n  - metric: adoption\n";
  try {
    geosim::sweep::load_sweep(file.string());
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK_MESSAGE(e.diagnostics().front().str().rfind(file.string() + ":2:33: error: unknown key 'nosuch' at the top level", 0) == 0, e.diagnostics().front().str());
  }
}

TEST_CASE("'*' in a series pattern matches any run of characters, none included") {
  using geosim::sweep::wildcard_match;
  CHECK(wildcard_match("nation:*", "nation:CN"));
  CHECK_FALSE(wildcard_match("nation:*", "lab:deepseek"));
  CHECK(wildcard_match("*", ""));
  CHECK(wildcard_match("*", "world"));
  CHECK(wildcard_match("chip_share.*", "chip_share.nvidia_export"));
  CHECK_FALSE(wildcard_match("chip_share.*", "chips_bought.nvidia"));
  CHECK(wildcard_match("usage_share.*_open", "usage_share.china_open"));
  CHECK_FALSE(wildcard_match("usage_share.*_open", "usage_share.china_closed"));
  CHECK(wildcard_match("*ab", "aab"));  // the star must give back what it took
  CHECK(wildcard_match("*a*b", "xxaxxb"));
  CHECK(wildcard_match("a**", "a"));
  CHECK_FALSE(wildcard_match("a*b", "axxbc"));
  CHECK(wildcard_match("adoption", "adoption"));
  CHECK_FALSE(wildcard_match("adoption", "adoptions"));
}

TEST_CASE("series patterns become every output they match, in the order a run writes them") {
  const auto s = geosim::sweep::load_sweep(sweep_file("series-patterns", R"(record:
  - metric: adoption
series:
  - {metric: adoption, scope: "nation:*"}
  - {metric: chip_share.*, scope: nation:CN}
  - {metric: "usage_share.*_open"}
  - {metric: adoption, scope: nation:EU}
  - {metric: "*", scope: "line:*"}
  - {metric: price, scope: "*"}
)"));
  std::vector<std::string> got;
  for (const auto& q : s.series) got.push_back(q.scope + "/" + q.metric);
  std::vector<std::string> want;
  for (const char* n : {"US", "CN", "EU", "UK", "JP", "KR", "TW", "IN", "GULF", "SEA", "LATAM", "AF", "RU"}) want.push_back(std::string("nation:") + n + "/adoption");
  for (const char* m : {"nvidia", "nvidia_export", "amd", "huawei", "cambricon"}) want.push_back(std::string("nation:CN/chip_share.") + m);
  for (const char* b : {"us", "china", "nonaligned"}) want.push_back(std::string("world/usage_share.") + b + "_open");
  want.push_back("nation:EU/adoption");  // named on its own: kept as written, as before patterns
  // The baseline's two labs with a second line (google: gemma, alibaba: qwen-max) have line scopes.
  for (const char* line : {"google", "alibaba", "qwen-max", "gemma"})
    for (const char* m : {"usage_share", "stranded_share", "capability", "price", "revenue", "open", "active"})
      want.push_back(std::string("line:") + line + "/" + m);
  // price of every scope that has one: nations, labs; the lines' are requested already.
  std::vector<std::string> prices;
  for (const auto& g : got)
    if (g.size() > 6 && g.compare(g.size() - 6, 6, "/price") == 0 && g.rfind("line:", 0) != 0) prices.push_back(g);
  CHECK(prices == std::vector<std::string>{"lab:openai/price", "lab:anthropic/price", "lab:google/price", "lab:meta/price", "lab:mistral/price",
                                           "lab:deepseek/price", "lab:alibaba/price", "lab:baidu/price"});
  REQUIRE(got.size() == want.size() + prices.size());
  CHECK(std::vector<std::string>(got.begin(), got.begin() + static_cast<long>(want.size())) == want);
}

TEST_CASE("a series pattern that matches nothing is refused, naming it and what its scopes declare") {
  auto d = refusal("series-no-scope", "record:\n  - metric: adoption\nseries:\n  - {metric: adoption, scope: \"natoin:*\"}\n");
  CHECK(has(d.message, "series {metric: adoption, scope: natoin:*}: no scope of this scenario matches 'natoin:*'"));
  CHECK(d.mark.line == 8);
  d = refusal("series-no-metric", "record:\n  - metric: adoption\nseries:\n  - {metric: chip_shar.*, scope: nation:CN}\n");
  CHECK(has(d.message, "no metric matching 'chip_shar.*' is written for the scopes matching 'nation:CN'"));
  CHECK(has(d.message, "chip_share.<chipmaker>"));  // from the output catalog
  d = refusal("series-lab-metric", "record:\n  - metric: adoption\nseries:\n  - {metric: valuation*, scope: \"nation:*\"}\n");
  CHECK(has(d.message, "no metric matching 'valuation*'"));
  // YAML reads a plain * as an alias (docs/sweeps.md: quote it).
  d = refusal("series-alias", "record:\n  - metric: adoption\nseries:\n  - {metric: *, scope: lab:deepseek}\n");
  CHECK(has(d.message, "alias"));
  // A plain request keeps its own message.
  d = refusal("series-plain", "record:\n  - metric: adoption\nseries:\n  - {metric: adoptoin, scope: nation:CN}\n");
  CHECK(has(d.message, "no metric 'adoptoin'"));
}
