// The geosim program end to end: files written, exit codes, byte-for-byte reproducibility.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.h"

namespace fs = std::filesystem;

using cli::contains;
using cli::fresh_dir;
using cli::geosim;
using cli::slurp;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

const std::string small = " --set population.adopters=3000 --months 24 --quiet";

}  // namespace

TEST_CASE("run writes a tidy series and a resolved scenario that reproduces it byte for byte") {
  fs::path out = fresh_dir("run");
  auto r = geosim("run scenarios/baseline.yaml --out " + out.string() + small);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  REQUIRE(fs::exists(out / "series.csv"));
  REQUIRE(fs::exists(out / "scenario.resolved.yaml"));
  auto rows = lines(slurp(out / "series.csv"));
  REQUIRE(rows.size() > 24);
  CHECK(rows[0] == "month,scope,metric,value");
  std::size_t per_month = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::stringstream ss(rows[i]);
    std::string month, scope, metric, value;
    std::getline(ss, month, ',');
    std::getline(ss, scope, ',');
    std::getline(ss, metric, ',');
    std::getline(ss, value, ',');
    CHECK(month.size() == 7);
    CHECK(!scope.empty());
    CHECK(!metric.empty());
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    CHECK(*end == '\0');
    if (month == "2023-01") ++per_month;
  }
  CHECK((rows.size() - 1) == per_month * 24);
  CHECK(contains(slurp(out / "series.csv"), "2024-12,world,adoption,"));
  CHECK(contains(slurp(out / "series.csv"), "nation:CN,rival_model_dependency"));

  fs::path again = fresh_dir("again");
  auto r2 = geosim("run " + (out / "scenario.resolved.yaml").string() + " --quiet --out " + again.string());
  REQUIRE_MESSAGE(r2.code == 0, r2.err);
  CHECK(slurp(again / "series.csv") == slurp(out / "series.csv"));
}

TEST_CASE("run prints a summary with the headline metrics of the last month") {
  fs::path out = fresh_dir("summary");
  auto r = geosim("run scenarios/baseline.yaml --set population.adopters=3000 --months 12 --out " + out.string());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "Headline metrics in 2023-12"));
  CHECK(contains(r.out, "capability gap US - China"));
  CHECK(contains(r.out, "deepseek"));
  CHECK(r.err.find('\r') == std::string::npos);  // no progress bar when stderr is not a terminal
}

TEST_CASE("the thread count does not change the series") {
  fs::path one = fresh_dir("t1"), two = fresh_dir("t2"), four = fresh_dir("t4");
  REQUIRE(geosim("run scenarios/baseline.yaml --threads 1 --out " + one.string() + small).code == 0);
  REQUIRE(geosim("run scenarios/baseline.yaml --threads 2 --out " + two.string() + small).code == 0);
  REQUIRE(geosim("run scenarios/baseline.yaml --threads 4 --out " + four.string() + small).code == 0);
  CHECK(slurp(one / "series.csv") == slurp(two / "series.csv"));
  CHECK(slurp(one / "series.csv") == slurp(four / "series.csv"));
}

TEST_CASE("--seed changes the draws and is recorded in the resolved scenario") {
  fs::path a = fresh_dir("seed");
  REQUIRE(geosim("run scenarios/baseline.yaml --seed 99 --out " + a.string() + small).code == 0);
  CHECK(contains(slurp(a / "scenario.resolved.yaml"), "seed: 99\n"));
  CHECK(contains(slurp(a / "scenario.resolved.yaml"), "months: 24\n"));
}

TEST_CASE("broken scenarios exit 2, name file:line:col, and write nothing") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unknown_key.yaml", "unknown_key.yaml:3:1: error: unknown key 'monthz' at the top level; did you mean 'months'?"},
      {"wrong_type.yaml", "wrong_type.yaml:5:13: error: 'population.adopters': expected a whole number"},
      {"out_of_range.yaml", "out_of_range.yaml:7:11: error: 'behaviour.bass_q': expected a number in [0, 12], got '40'"},
      {"missing_required.yaml", "missing_required.yaml:8:5: error: missing required key 'origin' in lab 'x'"},
      {"duplicate_id.yaml", "duplicate_id.yaml:8:9: error: duplicate id 'A' in nations"},
      {"unknown_reference.yaml", "unknown_reference.yaml:10:21: error: 'origin' in lab 'x': 'USA' is not a declared nation"},
      {"event_outside.yaml",
       "event_outside.yaml:12:9: error: event at 2030-01 in event #2 is outside the simulated period 2024-01 to 2025-12"},
      {"malformed.yaml", "malformed.yaml:6:"},
      {"missing_extends.yaml", "missing_extends.yaml:2:10: error: extends: file 'nowhere.yaml' not found"},
      {"circular_a.yaml", "error: circular extends: circular_a.yaml -> circular_b.yaml -> circular_a.yaml"},
  };
  for (const auto& [file, message] : cases) {
    INFO(file);
    fs::path out = fresh_dir("bad-" + file);
    auto r = geosim(std::string("run ") + GEOSIM_TEST_DATA + "/bad/" + file + " --quiet --out " + out.string());
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, message), r.err);
    CHECK(contains(r.err, "nothing was written"));
    CHECK_FALSE(fs::exists(out));
    CHECK(geosim(std::string("validate ") + GEOSIM_TEST_DATA + "/bad/" + file).code == 2);
  }
}

TEST_CASE("bad command lines exit 2") {
  fs::path out = fresh_dir("badcli");
  CHECK(geosim("run scenarios/baseline.yaml --set population.adopters=-5 --out " + out.string()).code == 2);
  CHECK(geosim("run scenarios/baseline.yaml --set labs.nosuch.open=true --out " + out.string()).code == 2);
  CHECK(geosim("run scenarios/baseline.yaml --months 0 --out " + out.string()).code == 2);
  CHECK(geosim("run scenarios/baseline.yaml --set nonsense --out " + out.string()).code == 2);
  CHECK(geosim("run --no-such-flag scenarios/baseline.yaml").code == 2);
  CHECK(geosim("run no/such/file.yaml --out " + out.string()).code == 2);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("validate accepts every scenario in scenarios/ and schema lists every key") {
  for (const auto& entry : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    auto r = geosim("validate " + entry.path().string());
    CHECK_MESSAGE(r.code == 0, entry.path().string() << ": " << r.err);
    CHECK(contains(r.out, ": ok: scenario"));
  }
  auto s = geosim("schema");
  CHECK(s.code == 0);
  for (const char* key : {"population.network.kind", "behaviour.bass_p", "labs[].affinity", "chipmakers[].export_banned_to", "events[].at"})
    CHECK_MESSAGE(contains(s.out, key), key);
  auto md = geosim("schema --format markdown");
  CHECK(md.code == 0);
  CHECK(contains(md.out, "| `behaviour.bass_q` | a number in [0, 12] | per year | 0.38 | yes |"));
}

TEST_CASE("a population that would not fit in memory is refused before anything is allocated") {
  fs::path out = fresh_dir("memory");
  auto r = geosim("run scenarios/baseline.yaml --set population.adopters=1000000 --out " + out.string(), "GEOSIM_MEMORY_LIMIT=20M");
  CHECK(r.code == 2);
  CHECK_MESSAGE(contains(r.err, "1000000 adopters need about 48 MiB, but GEOSIM_MEMORY_LIMIT=20M allows 20 MiB"), r.err);
  CHECK_FALSE(fs::exists(out));
  auto ok = geosim("run scenarios/baseline.yaml --set population.adopters=1000 --months 2 --quiet --out " + out.string(),
                   "GEOSIM_MEMORY_LIMIT=1G");
  CHECK(ok.code == 0);
  auto bad = geosim("run scenarios/baseline.yaml --out " + fresh_dir("memory2").string(), "GEOSIM_MEMORY_LIMIT=lots");
  CHECK(bad.code == 2);
  CHECK(contains(bad.err, "GEOSIM_MEMORY_LIMIT='lots' is not a byte count"));
  // Sizes small and large are written in units that show them (not "0.00 GiB"), and hexadecimal is no byte count.
  auto tiny = geosim("run scenarios/baseline.yaml --set population.adopters=2000 --out " + out.string(), "GEOSIM_MEMORY_LIMIT=16");
  CHECK(tiny.code == 2);
  CHECK_MESSAGE(contains(tiny.err, "but GEOSIM_MEMORY_LIMIT=16 allows 16 bytes"), tiny.err);
  auto hex = geosim("run scenarios/baseline.yaml --out " + out.string(), "GEOSIM_MEMORY_LIMIT=0x10");
  CHECK(hex.code == 2);
  CHECK(contains(hex.err, "GEOSIM_MEMORY_LIMIT='0x10' is not a byte count"));
}

TEST_CASE("every scenario in scenarios/ runs its whole horizon with a small population") {
  int scenarios = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    ++scenarios;
    fs::path out = fresh_dir("all-" + entry.path().stem().string());
    auto r = geosim("run " + entry.path().string() + " --set population.adopters=1500 --quiet --out " + out.string());
    CHECK_MESSAGE(r.code == 0, entry.path().string() << ": " << r.err);
    CHECK(contains(slurp(out / "series.csv"), "2035-12,world,adoption,"));
  }
  CHECK(scenarios >= 11);
}
