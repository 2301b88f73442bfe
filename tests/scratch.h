#pragma once
// A scratch folder per test process, $TMPDIR/geosim-tests-<pid>, removed with everything in it when the
// process ends, so that test runs neither pile up files nor collide when two run at once. Set
// GEOSIM_KEEP_TEST_FILES to keep it (to look at the viewer's screenshots, say).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace scratch {

/// This process's scratch folder (not created until a test asks for a folder in it).
inline const std::filesystem::path& root() {
  struct Root {
    std::filesystem::path path = std::filesystem::temp_directory_path() / ("geosim-tests-" + std::to_string(::getpid()));
    ~Root() {
      if (std::getenv("GEOSIM_KEEP_TEST_FILES")) return;
      std::error_code ignored;  // a test that failed may have left files open: nothing to do about it here
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Root root;
  return root.path;
}

/// The path of `name` in the scratch folder, with whatever a test before left there removed.
inline std::filesystem::path cleared(const std::string& name) {
  const std::filesystem::path d = root() / name;
  std::filesystem::remove_all(d);
  return d;
}

/// An empty folder `name` in the scratch folder, created.
inline std::filesystem::path fresh(const std::string& name) {
  const std::filesystem::path d = cleared(name);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace scratch
