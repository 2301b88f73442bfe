// `geosim compare` end to end: a what-if that changes nothing has an effect of exactly 0; a strong one
// is judged robust and its opposite not supported; the stores and files are the same at 1 and 2
// threads and after a kill -9 and a resume; what cannot be compared is refused with what to change.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "analysis/sweep/store.h"
#include "cli_helpers.h"

using cli::contains;

namespace {

const std::string data = std::string(GEOSIM_TEST_DATA) + "/compare/";
const std::string small = " --plausible " + data + "plausible.csv --points 6 --seeds 4 --set population.adopters=3000 --months 24 --quiet";

/// The rows of a CSV file, split at commas (the fields compared here hold none).
std::vector<std::vector<std::string>> rows(const cli::fs::path& file) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(cli::slurp(file));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    out.push_back(cells);
  }
  return out;
}

std::size_t column(const std::vector<std::vector<std::string>>& table, const std::string& name) {
  const auto& header = table.front();
  const auto at = std::find(header.begin(), header.end(), name);
  REQUIRE(at != header.end());
  return static_cast<std::size_t>(at - header.begin());
}

/// Everything a comparison leaves that must not depend on threads or interruptions.
std::string outcome(const cli::fs::path& dir) {
  std::string out;
  for (const char* store : {"baseline.db", "whatif.db"}) out += geosim::sweep::Store::open((dir / store).string()).dump();
  for (const char* file : {"effects.csv", "claims.csv", "points.csv", "report.md"}) out += std::string("--") + file + "\n" + cli::slurp(dir / file);
  return out;
}

const std::string& reference() {
  static const std::string ref = [] {
    const auto dir = cli::fresh_dir("compare-reference");
    const auto r = cli::geosim("compare " + data + "subsidy.yaml" + small + " --threads 2 --out " + dir.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return outcome(dir);
  }();
  return ref;
}

}  // namespace

TEST_CASE("a what-if that changes nothing has an effect of exactly 0 on every output, every month") {
  const auto dir = cli::fresh_dir("compare-noop");
  const auto r = cli::geosim("compare " + data + "noop.yaml" + small + " --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto effects = rows(dir / "effects.csv");
  REQUIRE(effects.size() > 24);
  for (const char* col : {"effect", "effect_p05", "effect_p95", "sd_parameter", "sd_seed", "share_up", "share_down"}) {
    const std::size_t c = column(effects, col);
    for (std::size_t i = 1; i < effects.size(); ++i) CHECK_MESSAGE(effects[i][c] == "0", col << " in row " << i);
  }
  // Its claim: every world within seed noise, so not supported.
  const auto claims = rows(dir / "claims.csv");
  REQUIRE(claims.size() == 2);
  CHECK(claims[1][column(claims, "holds")] == "0");
  CHECK(claims[1][column(claims, "within_noise")] == "6");
  CHECK(claims[1][column(claims, "verdict")] == "not supported");
}

TEST_CASE("geosim compare judges a strong claim robust and its opposite not supported, and writes its report") {
  const auto dir = cli::fresh_dir("compare-subsidy");
  const auto r = cli::geosim("compare " + data + "subsidy.yaml" + small + " --threads 1 --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(outcome(dir) == reference());
  const auto claims = rows(dir / "claims.csv");
  REQUIRE(claims.size() == 3);
  CHECK(claims[1][0] == "china-open-gains");
  CHECK(claims[1][column(claims, "verdict")] == "robust");
  CHECK(std::stod(claims[1][column(claims, "mean")]) > 0.05);
  CHECK(std::stod(claims[1][column(claims, "p05")]) > 0);
  CHECK(claims[2][column(claims, "verdict")] == "not supported");
  CHECK(claims[2][column(claims, "opposite")] == claims[1][column(claims, "holds")]);
  // Both parts of the spread are there: the worlds differ, and so do seeds within one.
  CHECK(std::stod(claims[1][column(claims, "sd_parameter")]) > 0);
  CHECK(std::stod(claims[1][column(claims, "sd_seed")]) > 0);
  // The what-if's own openness weight is its intervention: kept at every point, and said so.
  const std::string report = cli::slurp(dir / "report.md");
  CHECK(contains(report, "The what-if sets its own value of `behaviour.utility.openness`"));
  CHECK(contains(report, "| china-open-gains | usage_share.china_open (share of adopted weight) | 2024-12 | increase |"));
  for (const char* f : {"figures/effect-usage_share.china_open-world.svg", "figures/effect-usage_share.china_open-world.pdf",
                        "figures/levels-usage_share.china_open-world.svg"})
    CHECK_MESSAGE(cli::fs::exists(dir / f), f);
  // The what-if side ran openness at 1.5 everywhere, the baseline side at the points' values.
  const auto whatif = geosim::sweep::Store::open((dir / "whatif.db").string()).info();
  const auto baseline = geosim::sweep::Store::open((dir / "baseline.db").string()).info();
  CHECK(whatif.parameters == std::vector<std::string>{"behaviour.utility.price"});
  CHECK(baseline.parameters == std::vector<std::string>{"behaviour.utility.openness", "behaviour.utility.price"});
  CHECK(baseline.values[2][0] == "1.6");
  // Rerun: nothing left to run, the same files.
  const auto again = cli::geosim("compare " + data + "subsidy.yaml" + small + " --threads 2 --out " + dir.string());
  REQUIRE(again.code == 0);
  CHECK(outcome(dir) == reference());
}

TEST_CASE("a comparison killed mid-way and run again ends with the uninterrupted stores and files") {
  const auto dir = cli::fresh_dir("compare-crash");
  // 24 runs a side in batches of at most 4 (fewer when half a second passes first): killed after the
  // 8th, in the what-if's runs unless the machine is slow.
  const auto killed = cli::geosim("compare " + data + "subsidy.yaml" + small + " --threads 2 --batch 4 --out " + dir.string(), "GEOSIM_TEST_CRASH_AFTER_BATCHES=8");
  CHECK(killed.code != 0);
  std::size_t stored = 0;
  for (const char* store : {"baseline.db", "whatif.db"})
    if (cli::fs::exists(dir / store)) stored += geosim::sweep::Store::open((dir / store).string()).runs().size();
  INFO("runs stored before the kill: " << stored);
  CHECK(stored > 0);
  CHECK(stored < 48);
  const auto resumed = cli::geosim("compare " + data + "subsidy.yaml" + small + " --threads 1 --out " + dir.string());
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(outcome(dir) == reference());
}

TEST_CASE("what cannot be compared is refused with what to change") {
  const auto dir = cli::fresh_dir("compare-refusals");
  cli::fs::create_directories(dir);
  auto refused = [&](const std::string& args, const std::string& message) {
    const auto r = cli::geosim("compare " + args);
    INFO(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, message));
  };
  std::ofstream(dir / "alone.yaml") << cli::slurp(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml");
  refused((dir / "alone.yaml").string() + " --plausible none", "extends no scenario: give its baseline too");
  std::ofstream(dir / "bad-header.csv") << "behaviour.utility.opennes\n1\n";
  refused(data + "noop.yaml --plausible " + (dir / "bad-header.csv").string(), "'behaviour.utility.opennes' is not a scenario key path");
  std::ofstream(dir / "text.csv") << "behaviour.utility.openness\nhigh\n";
  refused(data + "noop.yaml --plausible " + (dir / "text.csv").string(), "text.csv:2: behaviour.utility.openness is 'high', not a number");
  std::ofstream(dir / "empty.csv") << "behaviour.utility.openness\n";
  refused(data + "noop.yaml --plausible " + (dir / "empty.csv").string(), "no points below the header");
  refused(data + "noop.yaml --plausible " + data + "plausible.csv --set behaviour.utility.price=1", "--set behaviour.utility.price: that key is varied over the plausible points");
  refused(data + "noop.yaml --plausible none --months 12", "claim 'no-change' is judged at 2024-12, after the last month run, 2023-12");
  refused(data + "noop.yaml --plausible none --output nosuch@world", "no output nosuch@world");
  refused(data + "noop.yaml --plausible none --seeds 1", "--seeds");
  // A folder holding another comparison's runs is left alone.
  const auto out = dir / "other";
  REQUIRE(cli::geosim("compare " + data + "noop.yaml --plausible none --seeds 2 --set population.adopters=500 --months 24 --quiet --out " + out.string()).code == 0);
  refused(data + "subsidy.yaml --plausible none --seeds 2 --set population.adopters=500 --months 24 --out " + out.string(), "holds the runs of another comparison");
}

TEST_CASE("with --plausible none the comparison runs at the scenarios' own values: seed noise alone") {
  const auto dir = cli::fresh_dir("compare-none");
  const auto r = cli::geosim("compare " + data + "subsidy.yaml --plausible none --seeds 3 --set population.adopters=2000 --months 24 --quiet --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto claims = rows(dir / "claims.csv");
  CHECK(claims[1][column(claims, "points")] == "1");
  CHECK(claims[1][column(claims, "sd_parameter")] == "0");
  CHECK(contains(cli::slurp(dir / "report.md"), "no plausible set, so the spread is seed noise alone"));
}
