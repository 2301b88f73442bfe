// run.json: every run's folder says what made it (version, commit, command line, seed, threads,
// times, the scenario and a hash of it), as valid JSON written atomically.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <regex>

#include "../json_reader.h"
#include "cli_helpers.h"
#include "core/bytes.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::slurp;

namespace {

const std::string small = " --set population.adopters=3000 --months 24 --quiet";

/// Seconds since the epoch of an ISO 8601 UTC time as run.json writes it ("2026-12-01T14:03:07.250Z").
double epoch_seconds(const std::string& iso) {
  std::tm tm{};
  int ms = 0;
  REQUIRE_MESSAGE(std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) == 7, iso);
  tm.tm_year -= 1900, tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + ms / 1000.0;
}

/// What `git rev-parse HEAD` says of the source folder, or "" when it is not a git checkout.
std::string source_head() {
  const fs::path file = cli::fresh_dir("head.txt");
  const std::string cmd = std::string("git -C ") + GEOSIM_SOURCE_DIR + " rev-parse HEAD >" + file.string() + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return "";
  std::string head = slurp(file);
  while (!head.empty() && head.back() == '\n') head.pop_back();
  return head;
}

/// Whether the commit a binary recorded is the source's HEAD, or, when commits were made since the
/// build, one of HEAD's ancestors (the binary was built from that older commit).
bool is_head_or_ancestor(std::string commit, const std::string& head) {
  if (commit.size() > 6 && commit.compare(commit.size() - 6, 6, "-dirty") == 0) commit.resize(commit.size() - 6);
  if (commit == head) return true;
  if (commit.find_first_not_of("0123456789abcdef") != std::string::npos || commit.size() != 40) return false;
  MESSAGE("the binary was built from " << commit << ", an older commit than HEAD " << head << ": rebuild to record HEAD");
  return std::system((std::string("git -C ") + GEOSIM_SOURCE_DIR + " merge-base --is-ancestor " + commit + " " + head).c_str()) == 0;
}

}  // namespace

TEST_CASE("geosim run writes run.json: version, commit, command line, seed, threads, times, scenario and its hash") {
  const fs::path out = cli::fresh_dir("run-json");
  const double before = static_cast<double>(std::time(nullptr));
  const std::string args = "run scenarios/baseline.yaml --seed 42 --threads 1 --out " + out.string() + small;
  const auto r = cli::geosim(args);
  const double after = static_cast<double>(std::time(nullptr)) + 1;
  REQUIRE_MESSAGE(r.code == 0, r.err);
  REQUIRE(fs::exists(out / "run.json"));
  CHECK_FALSE(fs::exists(out / "run.json.partial"));
  const auto j = json_test::parse(slurp(out / "run.json"));

  CHECK(j["geosim_version"].text == GEOSIM_VERSION);
  // The commit of this checkout (the build records it), or "unknown" when the source is no checkout.
  const std::string head = source_head();
  const std::string commit = j["git_commit"].text;
  if (head.empty()) CHECK(commit == "unknown");
  else CHECK_MESSAGE(is_head_or_ancestor(commit, head), commit << " vs HEAD " << head);
  CHECK(std::regex_match(commit, std::regex("unknown|[0-9a-f]{40}(-dirty)?")));

  // The command line word by word, as the shell passed it.
  std::vector<std::string> words = {GEOSIM_BIN};
  std::istringstream split(args);
  for (std::string w; split >> w;) words.push_back(w);
  const auto& line = j["command_line"];
  REQUIRE(line.items.size() == words.size());
  for (std::size_t i = 0; i < words.size(); ++i) CHECK(line.items[i].text == words[i]);

  CHECK(j["status"].text == "finished");
  CHECK(j["scenario"].text == "baseline");
  CHECK(j["scenario_file"].text == "scenarios/baseline.yaml");
  CHECK(j["resumed_from"].is_null());
  CHECK(j["branched_from"].is_null());
  CHECK(j["seed"].text == "42");
  CHECK(j["threads"].number == 1);
  CHECK(j["threads_requested"].number == 1);
  CHECK(j["first_month"].text == "2023-01");
  CHECK(j["last_month"].text == "2024-12");

  // The hash is FNV-1a of the resolved scenario written beside it, so a reader can check the pair.
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(geosim::fnv1a(slurp(out / "scenario.resolved.yaml"))));
  CHECK(j["resolved_scenario_hash"].text == std::string("fnv1a64:") + hex);

  const double started = epoch_seconds(j["started_utc"].text), ended = epoch_seconds(j["ended_utc"].text);
  CHECK(started >= before - 1);
  CHECK(ended <= after);
  CHECK(started <= ended);
  const double elapsed = j["elapsed_seconds"].number;
  CHECK(elapsed > 0);
  CHECK(std::abs(elapsed - (ended - started)) < 0.05);  // two clocks, read a moment apart

  // All cores when --threads is not given: at least one, and "requested" says it was not.
  const fs::path all = cli::fresh_dir("run-json-all");
  REQUIRE(cli::geosim("run scenarios/baseline.yaml --out " + all.string() + small).code == 0);
  const auto k = json_test::parse(slurp(all / "run.json"));
  CHECK(k["threads"].number >= 1);
  CHECK(k["threads_requested"].is_null());
  CHECK(cli::contains(slurp(all / "scenario.resolved.yaml"), "\nseed: " + k["seed"].text + "\n"));  // the baseline's own
  CHECK(k["resolved_scenario_hash"].text != j["resolved_scenario_hash"].text);  // another seed, another scenario
}

TEST_CASE("run.json of a resumed run and of a branch names their checkpoint and the months they simulated") {
  const fs::path dir = cli::fresh_dir("run-json-resume");
  fs::create_directories(dir);
  const std::string ck = (dir / "base.ckpt").string();
  REQUIRE(cli::geosim("run scenarios/baseline.yaml --checkpoint-at 2024-01 --checkpoint " + ck + " --out " + (dir / "base").string() + small).code == 0);
  const auto resumed = cli::geosim("run --resume " + ck + " --out " + (dir / "resumed").string() + " --quiet");
  REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
  const auto j = json_test::parse(slurp(dir / "resumed" / "run.json"));
  CHECK(j["resumed_from"].text == ck);
  CHECK(j["scenario_file"].is_null());
  CHECK(j["first_month"].text == "2024-01");
  CHECK(j["last_month"].text == "2024-12");
  // The same scenario as the run it continues.
  CHECK(j["resolved_scenario_hash"].text == json_test::parse(slurp(dir / "base" / "run.json"))["resolved_scenario_hash"].text);

  const auto branch = cli::geosim("run scenarios/ai-dumping.yaml --from " + ck + " --out " + (dir / "branch").string() + small);
  REQUIRE_MESSAGE(branch.code == 0, branch.err);
  const auto b = json_test::parse(slurp(dir / "branch" / "run.json"));
  CHECK(b["branched_from"].text == ck);
  CHECK(b["scenario_file"].text == "scenarios/ai-dumping.yaml");
  CHECK(b["first_month"].text == "2024-01");
}

TEST_CASE("run.json is written whole or not at all, and a reused folder drops the last run's") {
  const fs::path out = cli::fresh_dir("run-json-full");
  fs::create_directories(out);
  std::ofstream(out / "run.json") << "{\"status\": \"finished\", \"from\": \"an earlier run\"}\n";
  // The disk is full for run.json (its partial file is /dev/full): the run fails with exit 1, keeps
  // its INCOMPLETE marker, and leaves neither the earlier run.json nor a partial one.
  fs::create_symlink("/dev/full", out / "run.json.partial");
  const auto r = cli::geosim("run scenarios/baseline.yaml --out " + out.string() + small);
  CHECK(r.code == 1);
  CHECK(contains(r.err, "run.json"));
  CHECK(fs::exists(out / "INCOMPLETE"));
  CHECK_FALSE(fs::exists(out / "run.json"));
  CHECK_FALSE(fs::exists(fs::symlink_status(out / "run.json.partial")));
  // Run again into the same folder: a finished run with its own run.json.
  REQUIRE(cli::geosim("run scenarios/baseline.yaml --out " + out.string() + small).code == 0);
  CHECK(json_test::parse(slurp(out / "run.json"))["status"].text == "finished");
  CHECK_FALSE(fs::exists(out / "INCOMPLETE"));
}

TEST_CASE("the build records the commit of a git checkout, and \"unknown\" for a source folder without one") {
  // cmake/build_info.cmake as the build runs it, on a folder that is no checkout (a release tarball).
  const fs::path dir = cli::fresh_dir("build-info");
  fs::create_directories(dir / "src");
  const std::string run_script = std::string(GEOSIM_CMAKE) + " -DGEOSIM_SOURCE_DIR=" + (dir / "src").string() + " -DGEOSIM_OUTPUT=" +
                                 (dir / "info.h").string() + " -DGEOSIM_VERSION=9.8.7 -P " + GEOSIM_SOURCE_DIR + "/cmake/build_info.cmake";
  REQUIRE(std::system(run_script.c_str()) == 0);
  const std::string header = slurp(dir / "info.h");
  CHECK(contains(header, "#define GEOSIM_VERSION \"9.8.7\""));
  CHECK(contains(header, "#define GEOSIM_GIT_COMMIT \"unknown\""));
  // `geosim --version` says the same as run.json.
  const auto v = cli::geosim("--version");
  CHECK(v.code == 0);
  const fs::path out = cli::fresh_dir("run-json-version");
  REQUIRE(cli::geosim("run scenarios/baseline.yaml --out " + out.string() + small).code == 0);
  const std::string commit = json_test::parse(slurp(out / "run.json"))["git_commit"].text;
  CHECK(v.out == std::string("geosim ") + GEOSIM_VERSION + " (commit " + commit + ")\n");
  const std::string head = source_head();
  if (!head.empty()) CHECK(is_head_or_ancestor(commit, head));
}
