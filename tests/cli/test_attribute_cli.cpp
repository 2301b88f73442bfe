// `geosim attribute` end to end: Shapley shares that add up to the effect, two identical events that
// split their credit evenly, a mechanism that does nothing getting exactly 0, the same files at 1 and 2
// threads and after a kill -9 and a resume, and refusals.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>
#include <sstream>

#include "cli_helpers.h"

using cli::contains;

namespace {

const std::string data = std::string(GEOSIM_TEST_DATA) + "/attribute/";
const std::string small = " --seeds 2 --set population.adopters=1200 --months 24 --quiet";

/// shapley.csv as player -> mean, for one target.
std::map<std::string, double> shares(const cli::fs::path& dir, const std::string& target) {
  std::map<std::string, double> out;
  std::istringstream in(cli::slurp(dir / "shapley.csv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    if (cells.size() >= 6 && cells[0] == target) out[cells[4]] = std::stod(cells[5]);
  }
  return out;
}

std::string outcome(const cli::fs::path& dir) {
  std::string out;
  for (const char* f : {"shapley.csv", "interactions.csv", "coalitions.csv", "report.md"}) out += std::string("--") + f + "\n" + cli::slurp(dir / f);
  return out;
}

}  // namespace

TEST_CASE("attribution over events: the shares add up to the effect and identical events split their credit evenly") {
  const auto dir = cli::fresh_dir("attribute-events");
  const auto r = cli::geosim("attribute " + data + "overlap.yaml --over events" + small + " --threads 2 --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto s = shares(dir, "china-open-gains");
  REQUIRE(s.size() == 5);
  CHECK(s.at("(none: every player off)") == 0);  // with none of the events the what-if is the baseline, seed for seed
  CHECK(s.at("subsidy-a") == s.at("subsidy-b"));  // exactly: the two do the same
  CHECK(s.at("subsidy-a") > 0);
  const double sum = s.at("subsidy-a") + s.at("subsidy-b") + s.at("qwen-cheaper");
  CHECK(sum == doctest::Approx(s.at("(total: every player on)")).epsilon(1e-12));
  // 8 coalitions x 2 seeds on the what-if side, one baseline.
  CHECK(contains(cli::slurp(dir / "report.md"), "All 8 coalitions were run (exact)."));
  CHECK(cli::fs::exists(dir / "figures" / "waterfall-china-open-gains.svg"));
  // The same files on one thread.
  const auto one = cli::fresh_dir("attribute-events-1");
  REQUIRE(cli::geosim("attribute " + data + "overlap.yaml --over events" + small + " --threads 1 --out " + one.string()).code == 0);
  CHECK(outcome(one) == outcome(dir));
  // Killed mid-way and run again: the same files.
  const auto crash = cli::fresh_dir("attribute-events-crash");
  const auto killed = cli::geosim("attribute " + data + "overlap.yaml --over events" + small + " --batch 2 --out " + crash.string(), "GEOSIM_TEST_CRASH_AFTER_BATCHES=3");
  CHECK(killed.code != 0);
  REQUIRE(cli::geosim("attribute " + data + "overlap.yaml --over events" + small + " --out " + crash.string()).code == 0);
  CHECK(outcome(crash) == outcome(dir));
}

TEST_CASE("attribution over mechanisms: a mechanism that does nothing gets exactly 0, and the shares add up") {
  const auto dir = cli::fresh_dir("attribute-mechanisms");
  // The full export ban of 2025-01, by 2026-06: no materials embargo anywhere, so materials do nothing.
  const auto r = cli::geosim("attribute " + std::string(GEOSIM_SOURCE_DIR) + "/scenarios/export-ban-full.yaml --over mechanisms --player export_controls "
                             "--player materials --player distillation --seeds 2 --set population.adopters=1200 --months 96 --quiet "
                             "--output capability_gap_us_china --at 2026-06 --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto s = shares(dir, "capability_gap_us_china@world@2026-06");
  REQUIRE(s.size() == 5);
  CHECK(s.at("materials") == 0);
  CHECK(s.at("export_controls") != 0);
  const double sum = s.at("export_controls") + s.at("materials") + s.at("distillation");
  CHECK(sum == doctest::Approx(s.at("(total: every player on)") - s.at("(none: every player off)")).epsilon(1e-12));
  // With export controls off the ban of 2025-01 cannot act: the effect with none of the players is 0.
  CHECK(s.at("(none: every player off)") == 0);
}

TEST_CASE("what cannot be attributed is refused with what to change") {
  auto refused = [&](const std::string& args, const std::string& message) {
    const auto r = cli::geosim("attribute " + args + small);
    INFO(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, message));
  };
  refused(data + "noid.yaml --over events", "has no id: give each of its events an id");
  refused(data + "overlap.yaml --over events --player subsidy-c", "--player subsidy-c: not one of the what-if's own events or groups; did you mean 'subsidy-a'");
  refused(data + "overlap.yaml --over mechanisms --player exports", "--player exports: not a mechanism");
  refused(data + "overlap.yaml --over events --group both=subsidy-a+nosuch", "'nosuch' is not one of the what-if's own events");
  refused(std::string(GEOSIM_SOURCE_DIR) + "/tests/data/compare/noop.yaml --over events", "the what-if has no events of its own");
  refused(data + "overlap.yaml --over mechanisms --at 2031-01 --output adoption", "--at '2031-01': expected a month from 2023-01 to 2024-12");
}

TEST_CASE("events grouped into one player play as one") {
  const auto dir = cli::fresh_dir("attribute-groups");
  const auto r = cli::geosim("attribute " + data + "overlap.yaml --over events --group subsidies=subsidy-a+subsidy-b" + small + " --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto s = shares(dir, "china-open-gains");
  REQUIRE(s.size() == 4);
  CHECK(s.count("subsidies") == 1);
  CHECK(s.at("subsidies") + s.at("qwen-cheaper") == doctest::Approx(s.at("(total: every player on)")).epsilon(1e-12));
}
