// Checkpoints, resumed runs, branches and interrupted runs, end to end.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::fresh_dir;
using cli::geosim;
using cli::slurp;

namespace {

const std::string small = " --set population.adopters=20000 --quiet";

std::string lines_before(const std::string& csv, const std::string& month) {
  std::stringstream in(csv);
  std::string out;
  for (std::string l; std::getline(in, l);)
    if (l.rfind("month,", 0) == 0 || l.substr(0, 7) < month) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("a run resumed from a checkpoint gives exactly the series of the uninterrupted run") {
  fs::path full = fresh_dir("full"), first = fresh_dir("first"), resumed = fresh_dir("resumed");
  fs::path ck = fresh_dir("ck") / "state.ckpt";
  fs::create_directories(ck.parent_path());
  REQUIRE(geosim("run scenarios/baseline.yaml --threads 2 --out " + full.string() + small).code == 0);
  auto a = geosim("run scenarios/baseline.yaml --threads 1 --checkpoint-at 2027-01 --checkpoint " + ck.string() + " --out " +
                  first.string() + small);
  REQUIRE_MESSAGE(a.code == 0, a.err);
  REQUIRE(fs::exists(ck));
  auto b = geosim("run --resume " + ck.string() + " --threads 2 --out " + resumed.string() + " --quiet");
  REQUIRE_MESSAGE(b.code == 0, b.err);
  CHECK(slurp(resumed / "series.csv") == slurp(full / "series.csv"));
  CHECK(slurp(first / "series.csv") == slurp(full / "series.csv"));  // checkpointing does not disturb the run
  CHECK(slurp(resumed / "scenario.resolved.yaml") == slurp(full / "scenario.resolved.yaml"));
  CHECK_FALSE(fs::exists(resumed / "INCOMPLETE"));
}

TEST_CASE("a branch shares the history exactly up to the branch month, then follows its own scenario") {
  fs::path base = fresh_dir("base"), branch = fresh_dir("branch"), direct = fresh_dir("direct");
  fs::path ck = fresh_dir("ck2") / "base.ckpt";
  fs::create_directories(ck.parent_path());
  const std::string whatif = std::string(GEOSIM_TEST_DATA) + "/whatif_us_bans.yaml";
  REQUIRE(
      geosim("run scenarios/baseline.yaml --checkpoint-at 2026-01 --checkpoint " + ck.string() + " --out " + base.string() + small).code ==
      0);
  auto r = geosim("run " + whatif + " --from " + ck.string() + " --out " + branch.string() + small);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string b = slurp(base / "series.csv"), w = slurp(branch / "series.csv");
  CHECK(lines_before(w, "2026-01") == lines_before(b, "2026-01"));
  CHECK(w != b);
  CHECK(contains(w, "2027-01,nation:US,rival_model_dependency,0\n"));
  CHECK(fs::exists(branch / "history.resolved.yaml"));
  // Run from the start, the what-if has another history.
  REQUIRE(geosim("run " + whatif + " --out " + direct.string() + small).code == 0);
  CHECK(lines_before(slurp(direct / "series.csv"), "2026-01") != lines_before(b, "2026-01"));
}

TEST_CASE("truncated, corrupted, foreign and mismatched checkpoints are refused") {
  fs::path dir = fresh_dir("bad-ck");
  fs::create_directories(dir);
  fs::path ck = dir / "good.ckpt";
  REQUIRE(geosim("run scenarios/baseline.yaml --months 12 --checkpoint-at 2023-07 --checkpoint " + ck.string() + " --out " +
                 (dir / "run").string() + small)
              .code == 0);
  const std::string good = slurp(ck);
  auto write = [&](const std::string& name, const std::string& data) {
    std::ofstream(dir / name, std::ios::binary) << data;
    return (dir / name).string();
  };
  std::string corrupted = good;
  corrupted[corrupted.size() / 2] ^= 0x5a;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {write("truncated.ckpt", good.substr(0, good.size() / 2)), "the checkpoint is truncated"},
      {write("header.ckpt", good.substr(0, 12)), "the checkpoint is truncated (its header is incomplete)"},
      {write("corrupted.ckpt", corrupted), "the checkpoint is corrupted (its checksum does not match)"},
      {write("foreign.ckpt", "month,scope,metric,value\n"), "not a geosim checkpoint"},
      {(dir / "missing.ckpt").string(), "cannot read checkpoint " + (dir / "missing.ckpt").string() + ": no such file"},
  };
  for (const auto& [file, message] : cases) {
    INFO(file);
    fs::path out = dir / "out";
    auto r = geosim("run --resume " + file + " --out " + out.string());
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, message), r.err);
    CHECK_FALSE(fs::exists(out));
  }
  // Another format version.
  std::string other = good;
  other[8] = 7;
  auto v = geosim("run --resume " + write("version.ckpt", other) + " --out " + (dir / "out").string());
  CHECK(v.code == 2);
  CHECK(contains(v.err, "checkpoint format version 7; this geosim reads version 1"));
  // A branch whose population differs from the checkpoint's.
  auto m = geosim("run scenarios/baseline.yaml --set population.adopters=30000 --from " + ck.string() + " --out " + (dir / "out").string());
  CHECK(m.code == 2);
  CHECK(contains(m.err, "its population differs from the checkpoint's scenario"));
  // A checkpoint month outside the run.
  auto o = geosim("run scenarios/baseline.yaml --months 12 --checkpoint-at 2030-01 --checkpoint " + (dir / "x.ckpt").string() + " --out " +
                  (dir / "out").string() + small);
  CHECK(o.code == 2);
  CHECK(contains(o.err, "--checkpoint-at 2030-01: expected a month"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("an interrupted run stops cleanly and leaves its directory marked incomplete") {
  fs::path out = fresh_dir("interrupted");
  const std::string cmd = std::string(GEOSIM_BIN) + " run " + GEOSIM_SOURCE_DIR +
                          "/scenarios/baseline.yaml --set population.adopters=2000000 --quiet --out " + out.string();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " 2>/dev/null").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the run has started writing, then interrupt it as Ctrl-C would.
  for (int i = 0; i < 200 && !fs::exists(out / "series.csv"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  REQUIRE(fs::exists(out / "INCOMPLETE"));
  CHECK(contains(slurp(out / "INCOMPLETE"), "interrupted after"));
  CHECK(slurp(out / "series.csv").rfind("month,scope,metric,value\n", 0) == 0);
  // run.json says so too, with the months the run did simulate.
  const std::string record = slurp(out / "run.json");
  CHECK(contains(record, "\"status\": \"interrupted\""));
  CHECK(contains(record, "\"first_month\": \"2023-01\""));
}
