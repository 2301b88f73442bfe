// geosim solve end to end: the files it writes, the same answer and store at 1 and 2 threads and after
// a kill and a resume, the solution scenario, and refusals.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "analysis/sweep/store.h"
#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::slurp;

namespace {

const std::string goal = std::string(GEOSIM_TEST_DATA) + "/solve/bass-goal.yaml";

/// evaluations.csv without its `stored` column (whether an evaluation's runs were in the store already
/// depends on where a resumed search picked up).
std::string without_stored(const std::string& csv) {
  std::stringstream in(csv);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto c2 = line.find(',', line.find(',') + 1), c3 = line.find(',', c2 + 1), c4 = line.find(',', c3 + 1);
    out += line.substr(0, c3) + line.substr(c4) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("solve writes its answer, every evaluation and a scenario that reproduces the answer") {
  const fs::path dir = cli::fresh_dir("solve-files");
  const auto r = cli::geosim("solve " + goal + " --threads 2 --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "geosim solve: bass-least-p: "));
  CHECK(contains(r.out, "answer (evaluation "));
  CHECK(contains(r.out, "behaviour.bass_p = 0.2"));
  for (const char* f : {"solve.db", "report.md", "evaluations.csv", "solution.yaml", "figures/search.svg", "figures/search.pdf"}) CHECK(fs::exists(dir / f));
  const std::string csv = slurp(dir / "evaluations.csv");
  CHECK(csv.rfind("evaluation,stage,wave,stored,repeats,behaviour.bass_p,objective,adoption-above-20pct margin,adoption-above-20pct share met,feasible,runs,failed\n", 0) == 0);
  const std::string report = slurp(dir / "report.md");
  CHECK(contains(report, "## The answer"));
  CHECK(contains(report, "| adoption-above-20pct | 50% |"));
  // The solution scenario is the toy scenario with bass_p set: running it gives the same series as
  // the toy with --set.
  const std::string solution = slurp(dir / "solution.yaml");
  const auto at = solution.find("bass_p: ");
  REQUIRE(at != std::string::npos);
  const std::string p = solution.substr(at + 8, solution.find('}', at) - at - 8);
  REQUIRE(cli::geosim("run " + (dir / "solution.yaml").string() + " --quiet --out " + (dir / "a").string()).code == 0);
  REQUIRE(cli::geosim("run " + std::string(GEOSIM_TEST_DATA) + "/solve/bass.yaml --set behaviour.bass_p=" + p + " --quiet --out " + (dir / "b").string()).code == 0);
  CHECK(slurp(dir / "a" / "series.csv") == slurp(dir / "b" / "series.csv"));
}

TEST_CASE("solve gives the same search and store at 1 and 2 threads, and after a kill and a resume") {
  const fs::path one = cli::fresh_dir("solve-one"), two = cli::fresh_dir("solve-two"), crash = cli::fresh_dir("solve-crash");
  REQUIRE(cli::geosim("solve " + goal + " --threads 1 --quiet --out " + one.string()).code == 0);
  REQUIRE(cli::geosim("solve " + goal + " --threads 2 --quiet --out " + two.string()).code == 0);
  CHECK(slurp(one / "evaluations.csv") == slurp(two / "evaluations.csv"));
  CHECK(slurp(one / "solution.yaml") == slurp(two / "solution.yaml"));
  CHECK(geosim::sweep::Store::open((one / "solve.db").string()).dump() == geosim::sweep::Store::open((two / "solve.db").string()).dump());
  // Killed after 12 stored batches of one run each (an evaluation and a half), then run again.
  const auto killed = cli::geosim("solve " + goal + " --batch 1 --quiet --out " + crash.string(), "GEOSIM_TEST_CRASH_AFTER_BATCHES=12");
  CHECK(killed.code != 0);
  const auto resumed = cli::geosim("solve " + goal + " --out " + crash.string());
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(contains(resumed.out, " from the store"));
  CHECK(without_stored(slurp(crash / "evaluations.csv")) == without_stored(slurp(one / "evaluations.csv")));
  CHECK(slurp(crash / "solution.yaml") == slurp(one / "solution.yaml"));
  CHECK(geosim::sweep::Store::open((crash / "solve.db").string()).dump() == geosim::sweep::Store::open((one / "solve.db").string()).dump());
}

TEST_CASE("solve refuses a bad goal and a store of other runs") {
  const fs::path dir = cli::fresh_dir("solve-refusals");
  fs::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << "base: " << GEOSIM_TEST_DATA << "/solve/bass.yaml\nparameters:\n  - {path: behaviour.bass_p, range: [0.01, 1]}\n"
                                  << "objective: {minimise: {lever: behaviour.bass_p}}\n";
  const auto bad = cli::geosim("solve " + (dir / "bad.yaml").string() + " --out " + (dir / "out").string());
  CHECK(bad.code == 2);
  CHECK(contains(bad.err, "unknown goal key 'objective.minimise'; did you mean 'minimize'?"));
  CHECK(contains(bad.err, "nothing was run"));
  CHECK_FALSE(fs::exists(dir / "out" / "solve.db"));
  // Another goal's runs in the same folder: the store refuses to mix them.
  REQUIRE(cli::geosim("solve " + goal + " --quiet --out " + (dir / "out").string()).code == 0);
  std::ofstream(dir / "other.yaml") << "base: " << GEOSIM_TEST_DATA << "/solve/bass.yaml\nparameters:\n  - {path: behaviour.bass_p, range: [0.01, 0.5]}\n"
                                    << "objective: {minimize: {lever: behaviour.bass_p}}\nconstraints:\n  - {metric: adoption, above: 0.2}\n";
  const auto other = cli::geosim("solve " + (dir / "other.yaml").string() + " --out " + (dir / "out").string());
  CHECK(other.code == 2);
  CHECK(contains(other.err, "solve.db holds the runs of another goal"));
  // A goal that changes only a threshold runs the same runs: it goes on from the store.
  std::string text = slurp(goal);
  text.replace(text.find("above: 0.2,"), 11, "above: 0.25,");
  text.replace(text.find("base: bass.yaml"), 15, "base: " + std::string(GEOSIM_TEST_DATA) + "/solve/bass.yaml");
  std::ofstream(dir / "higher.yaml") << text;
  const auto higher = cli::geosim("solve " + (dir / "higher.yaml").string() + " --out " + (dir / "out").string());
  INFO(higher.err);
  REQUIRE(higher.code == 0);
  const auto from = higher.out.find(" from the store");
  REQUIRE(from != std::string::npos);
  const auto comma = higher.out.rfind(", ", from);
  CHECK(std::stoi(higher.out.substr(comma + 2, from - comma - 2)) > 0);
}
