// Checkpoints that must be refused (forged content behind a valid checksum, a path that would destroy
// the run's outputs or another file) and that must be the same file for the same run.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checkpoint_forge.h"
#include "cli_helpers.h"
#include "scenario/loader.h"
#include "model/parameters.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::fresh_dir;
using cli::slurp;

namespace {

/// The position of a parameter among those a checkpoint saves (schema order, agents in turn).
std::size_t parameter_index(const geosim::ScenarioDef& def, const std::string& path) {
  std::size_t index = 0;
  for (const auto& k : geosim::schema()) {
    if (!k.get || k.owner() == geosim::AgentList::events) continue;
    const std::size_t n = k.owner() == geosim::AgentList::none ? 1 : geosim::agent_count(def, k.owner());
    if (k.path == path) return index;
    index += n;
  }
  FAIL("no parameter " << path);
  return 0;
}

}  // namespace

TEST_CASE("a forged checkpoint with a recomputed checksum is refused for what it holds") {
  fs::path dir = fresh_dir("forged");
  fs::create_directories(dir);
  const fs::path ck = dir / "c.ckpt";
  REQUIRE(cli::geosim("run scenarios/baseline.yaml --set population.adopters=2000 --months 24 --threads 1 --quiet --out " + (dir / "o0").string() +
                 " --checkpoint-at 2024-01 --checkpoint " + ck.string())
              .code == 0);
  const std::string good = slurp(ck);
  const geosim::ScenarioDef def = geosim::load_scenario_text(forge::parse(good).parts[2], "c.yaml");
  const std::size_t months = parameter_index(def, "months"), bass_p = parameter_index(def, "behaviour.bass_p");
  auto series_only_header = [&] {
    forge::Checkpoint c = forge::parse(good);
    c.parts[4] = "month,scope,metric,value\n";
    return forge::write(c);
  };
  const std::vector<std::pair<std::string, std::string>> forgeries = {
      {forge::set_number(good, months, 1e9), "the checkpoint's months: expected a whole number in [1, 1200], got 1e+09"},
      {forge::set_number(good, months, std::nan("")), "the checkpoint's months: expected a whole number in [1, 1200], got nan"},
      {forge::set_number(good, months, 12), "the checkpoint's months differs from its scenario's, and no event can change it"},
      {forge::set_number(good, bass_p, std::nan("")), "the checkpoint's behaviour.bass_p: expected a number in [0, 12], got nan"},
      {forge::set_number(good, bass_p, 13), "the checkpoint's behaviour.bass_p: expected a number in [0, 12], got 13"},
      {forge::set_first_lab_capability(good, std::nan("")), "has capability = nan, outside [0, inf]"},
      {forge::set_first_lab_capability(good, -5), "has capability = -5, outside [0, inf]"},
      {series_only_header(), "the checkpoint's series has no months"},
  };
  for (const auto& [data, message] : forgeries) {
    INFO(message);
    std::ofstream(dir / "forged.ckpt", std::ios::binary) << data;
    const fs::path out = dir / "out";
    auto r = cli::geosim("run --resume " + (dir / "forged.ckpt").string() + " --out " + out.string() + " --quiet");
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, message), r.err);
    CHECK_FALSE(contains(r.err, "checksum"));  // the forgery passes the checksum; its content is what gives it away
    CHECK_FALSE(fs::exists(out));
  }
  // The same surgery with the true value back gives a checkpoint that resumes: the forge is faithful.
  std::ofstream(dir / "same.ckpt", std::ios::binary) << forge::set_number(good, bass_p, def.behaviour.bass_p);
  auto same = cli::geosim("run --resume " + (dir / "same.ckpt").string() + " --out " + (dir / "same").string() + " --quiet");
  CHECK_MESSAGE(same.code == 0, same.err);
  CHECK(slurp(dir / "same" / "series.csv") == slurp(dir / "o0" / "series.csv"));
}

TEST_CASE("--checkpoint may not name one of the run's outputs, a folder, or a file that is not a checkpoint") {
  fs::path dir = fresh_dir("ck-collide");
  fs::create_directories(dir / "out");
  const std::string run = "run scenarios/baseline.yaml --set population.adopters=2000 --months 24 --threads 1 --quiet --checkpoint-at 2024-01 --out " +
                          (dir / "out").string() + " --checkpoint ";
  for (const char* name : {"series.csv", "scenario.resolved.yaml", "INCOMPLETE", "history.resolved.yaml"}) {
    INFO(name);
    auto r = cli::geosim(run + (dir / "out" / name).string());
    CHECK(r.code == 2);
    CHECK(contains(r.err, std::string("is the run's own ") + name));
    CHECK(fs::is_empty(dir / "out"));
  }
  auto self = cli::geosim(run + (dir / "out").string());
  CHECK(self.code == 2);
  CHECK(contains(self.err, "is the run's output folder"));
  fs::create_directories(dir / "c.ckpt");
  auto folder = cli::geosim(run + (dir / "c.ckpt").string());
  CHECK(folder.code == 2);
  CHECK(contains(folder.err, "is a folder; name the checkpoint file to write"));
  const fs::path scenario = dir / "mine.yaml";
  fs::copy_file(fs::path(GEOSIM_SOURCE_DIR) / "scenarios/baseline.yaml", scenario);
  auto other = cli::geosim(run + scenario.string());
  CHECK(other.code == 2);
  CHECK(contains(other.err, "exists and is not a geosim checkpoint; refusing to replace it"));
  CHECK(slurp(scenario) == slurp(fs::path(GEOSIM_SOURCE_DIR) / "scenarios/baseline.yaml"));
  CHECK(fs::is_empty(dir / "out"));
  // An earlier checkpoint may be replaced.
  REQUIRE(cli::geosim(run + (dir / "state.ckpt").string()).code == 0);
  auto again = cli::geosim(run + (dir / "state.ckpt").string());
  CHECK_MESSAGE(again.code == 0, again.err);
}

TEST_CASE("the same run writes the same checkpoint, byte for byte") {
  fs::path dir = fresh_dir("ck-same");
  fs::create_directories(dir);
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i) {
    const fs::path ck = dir / ("c" + std::to_string(i) + ".ckpt");
    REQUIRE(cli::geosim("run scenarios/baseline.yaml --set population.adopters=2000 --months 24 --threads 1 --quiet --checkpoint-at 2024-01 --out " +
                   (dir / ("o" + std::to_string(i))).string() + " --checkpoint " + ck.string())
                .code == 0);
    files.push_back(slurp(ck));
  }
  CHECK(files[0].size() > 1000);
  CHECK(files[1] == files[0]);
  CHECK(files[2] == files[0]);
}
