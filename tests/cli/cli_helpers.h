#pragma once
// Running the geosim program from tests: exit code, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
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

/// A per-process scratch path for a test (tests/scratch.h), removed if it exists; not created, since
/// some tests check that geosim creates it.
inline fs::path fresh_dir(const std::string& name) { return scratch::cleared(name); }

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace cli
