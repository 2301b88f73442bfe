// `geosim calibrate` end to end: the waves, their files and the plausible sample; the same store and
// files at 1 and 2 threads and after a kill -9 and a resume; calibration files refused with a message.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "analysis/sweep/store.h"
#include "cli_helpers.h"

using cli::contains;

namespace {

const std::string small = std::string(GEOSIM_TEST_DATA) + "/calibration/small.yaml";

/// waves.csv without its timing columns (run_seconds, runs_per_second), which no two runs share.
std::string waves_without_times(const cli::fs::path& file) {
  std::istringstream in(cli::slurp(file));
  std::string out, line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (i != 5 && i != 6) out += cells[i] + ",";
    out += "\n";
  }
  return out;
}

/// Everything a calibration leaves that must not depend on threads or interruptions.
std::string outcome(const cli::fs::path& store, const cli::fs::path& out) {
  return geosim::sweep::Store::open(store.string()).dump() + "\n--waves\n" + waves_without_times(out / "waves.csv") + "--emulators\n" +
         cli::slurp(out / "emulators.csv") + "--conflicts\n" + cli::slurp(out / "conflicts.csv") + "--plausible\n" + cli::slurp(out / "plausible.csv");
}

const std::string& reference() {
  static const std::string ref = [] {
    const auto dir = cli::fresh_dir("calibrate-reference");
    cli::fs::create_directories(dir);
    const auto r = cli::geosim("calibrate " + small + " --store " + (dir / "ref.db").string() + " --out " + (dir / "ref").string() + " --threads 2 --quiet");
    INFO(r.err);
    REQUIRE(r.code == 0);
    return outcome(dir / "ref.db", dir / "ref");
  }();
  return ref;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("geosim calibrate runs its waves and writes the waves, emulators, conflicts and the plausible sample") {
  const auto dir = cli::fresh_dir("calibrate-run");
  cli::fs::create_directories(dir);
  const auto r = cli::geosim("calibrate " + small + " --store " + (dir / "hm.db").string() + " --threads 1");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "small-calibration, 3 parameters, 2 matched outputs, 3 seeds per point, 1 threads"));
  // The default report folder sits beside the store, named after it.
  const auto out = dir / "hm-calibration";
  for (const char* f : {"report.md", "waves.csv", "emulators.csv", "conflicts.csv", "plausible.csv", "figures/nroy.svg", "figures/nroy.pdf",
                        "figures/validation-wave-1.svg", "figures/validation-wave-2.svg", "figures/plausible-ranges.svg"})
    CHECK_MESSAGE(cli::fs::exists(out / f), f);
  CHECK(outcome(dir / "hm.db", out) == reference());
  // Two waves of 30 points x 3 seeds in the store, its waves recorded.
  const auto store = geosim::sweep::Store::open((dir / "hm.db").string());
  CHECK(store.info().method == "history_matching");
  REQUIRE(store.info().waves.size() == 2);
  CHECK(store.info().waves[1] == std::pair<std::size_t, std::size_t>{30, 30});
  CHECK(store.runs().size() == 180);
  // The plausible sample: a header of the parameters, then 100 points inside their ranges.
  const std::string plausible = cli::slurp(out / "plausible.csv");
  CHECK(plausible.rfind("behaviour.utility.openness,behaviour.openness_weight.enterprise,behaviour.utility.origin_risk\n", 0) == 0);
  CHECK(lines(plausible) == 101);
  std::istringstream rows(plausible);
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) {
    double a = 0, b = 0, c = 0;
    char comma = 0;
    std::istringstream(row) >> a >> comma >> b >> comma >> c;
    CHECK(a >= 0.2);
    CHECK(a <= 2.0);
    CHECK(b >= 0.05);
    CHECK(b <= 0.8);
    CHECK(c >= 1.0);
    CHECK(c <= 6.0);
  }
  // Wave 2 keeps less of the space than wave 1; both rows in waves.csv.
  const std::string waves = cli::slurp(out / "waves.csv");
  CHECK(lines(waves) == 3);
  // Run again: every run is stored, nothing runs, the files are the same.
  const auto again = cli::geosim("calibrate " + small + " --store " + (dir / "hm.db").string() + " --threads 2 --quiet");
  REQUIRE(again.code == 0);
  CHECK(outcome(dir / "hm.db", out) == reference());
}

TEST_CASE("a calibration killed mid-way and run again ends with the uninterrupted store and files") {
  const auto dir = cli::fresh_dir("calibrate-crash");
  cli::fs::create_directories(dir);
  const std::string store = (dir / "crash.db").string(), out = (dir / "crash").string();
  // Killed after the 12th batch of at most 10 runs: inside wave 2 (wave 1 has 90 runs), or in wave 1
  // on a machine slow enough that half-second batches come first.
  const auto killed = cli::geosim("calibrate " + small + " --store " + store + " --out " + out + " --threads 2 --batch 10 --quiet",
                                  "GEOSIM_TEST_CRASH_AFTER_BATCHES=12");
  CHECK(killed.code != 0);
  const auto partial = geosim::sweep::Store::open(store).runs().size();
  INFO("runs stored before the kill: " << partial);
  CHECK(partial > 0);
  CHECK(partial < 180);
  const auto resumed = cli::geosim("calibrate " + small + " --store " + store + " --out " + out + " --threads 1 --quiet");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(outcome(store, out) == reference());
}

TEST_CASE("calibration files that cannot be run are refused with what to change") {
  const auto dir = cli::fresh_dir("calibrate-refusals");
  cli::fs::create_directories(dir);
  std::ifstream in(small);
  std::stringstream text;
  text << in.rdbuf();
  std::ofstream(dir / "targets.yaml") << cli::slurp(std::string(GEOSIM_TEST_DATA) + "/calibration/targets.yaml");
  auto refused = [&](const std::string& from, const std::string& to, const std::string& message) {
    std::string changed = text.str();
    const auto at = changed.find(from);
    REQUIRE(at != std::string::npos);
    changed.replace(at, from.size(), to);
    changed.replace(changed.find("../../../scenarios"), 18, std::string(GEOSIM_SOURCE_DIR) + "/scenarios");
    std::ofstream(dir / "c.yaml") << changed;
    const auto r = cli::geosim("calibrate " + (dir / "c.yaml").string() + " --store " + (dir / "c.db").string());
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, message));
    CHECK_FALSE(cli::fs::exists(dir / "c.db"));
  };
  refused("replicates: 3", "replicates: 1", "needs at least 2");
  refused("history_matching: {", "history_matching: {wavs: 3, ", "unknown calibration key 'history_matching.wavs'; did you mean 'waves'");
  refused("months: 24", "months: 24\ndesign: {method: lhs}", "unknown calibration key 'design'");
  refused("range: [0.2, 2.0]", "normal: {mean: 1, sd: 0.2}", "history matching rules out parts of the parameters' ranges; give it a range");
  refused("targets: targets.yaml", "targets: missing.yaml", "missing.yaml");
  refused("seed: 5}", "seed: 5, nth: 0}", "history_matching.nth: expected a whole number in [1, 1000]");
  refused("seed: 5}", "seed: 5, nth: [1, 50]}", "history_matching.nth: 50 is more than the");
  // A target without its uncertainties.
  std::string targets = cli::slurp(dir / "targets.yaml");
  targets.replace(targets.find("    observation_sd: 0.002\n"), 26, "");
  std::ofstream(dir / "targets.yaml") << targets;
  refused("seed: 5}", "seed: 5}", "outside has no observation_sd: history matching needs each target's observation error");
}
