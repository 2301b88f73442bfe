#pragma once
// Running the geosim program from tests: exit code, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "../scratch.h"

namespace cli {

namespace fs = std::filesystem;

/// What a run of the program gave.
struct Result {
  int code = -1;
  std::string out, err;
};

/// The whole content of a file ("" if it cannot be read).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs geosim with `args` (already shell-quoted where needed) and environment assignments `env`,
/// capturing output and exit code.
inline Result geosim(const std::string& args, const std::string& env = "") {
  static int counter = 0;  // one pair of capture files per call
  const fs::path& dir = scratch::root();
  fs::create_directories(dir);
  fs::path out = dir / ("out" + std::to_string(counter)), err = dir / ("err" + std::to_string(counter++));
  std::string cmd =
      std::string("cd ") + GEOSIM_SOURCE_DIR + " && " + env + " " + GEOSIM_BIN + " " + args + " >" + out.string() + " 2>" + err.string();
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// A sweep of 10 points x 3 replicates of a 600-adopter world over two years (under a second), written
/// into `dir`, and a finished store of it (or of one of its shards) made by `geosim sweep`.
inline fs::path small_sweep(const fs::path& dir) {
  const fs::path file = dir / "small.yaml";
  std::ofstream(file) << "name: small\nbase: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\n"
                      << "set: {population.adopters: 600}\nmonths: 24\ndesign: {method: lhs, samples: 10, seed: 3}\n"
                         "parameters:\n  - {path: behaviour.bass_q, range: [0.1, 0.6]}\n  - {path: behaviour.utility.price, range: [0.2, 2.0]}\n"
                         "replicates: 3\nrecord:\n  - {metric: usage_share.china_open, name: china_open_end}\n"
                         "  - {metric: adoption, mean: [2024-01, 2024-12], name: adoption_2024}\nseries:\n  - {metric: usage_share.china_open}\n";
  return file;
}
inline fs::path small_store(const fs::path& dir, const std::string& name = "s.db", const std::string& shard = "") {
  const fs::path store = dir / name;
  const Result r = geosim("sweep " + small_sweep(dir).string() + " --store " + store.string() + " --threads 1 --quiet" +
                          (shard.empty() ? "" : " --shard " + shard));
  if (r.code != 0) throw std::runtime_error("the small sweep failed: " + r.err);
  return store;
}

/// A per-process scratch path for a test (tests/scratch.h), removed if it exists; not created, since
/// some tests check that geosim creates it.
inline fs::path fresh_dir(const std::string& name) { return scratch::cleared(name); }

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace cli
