#pragma once
// What this geosim binary is: its version and the git commit of the source it was built from, as the
// build recorded them (cmake/build_info.cmake). run.json and `geosim --version` print them.
#include <string>

namespace geosim {

/// The project's version, from CMakeLists.txt's project() (e.g. "0.1.0").
std::string build_version();

/// The commit the binary was built from (40 hex digits, "-dirty" appended when tracked files had
/// changes), or "unknown" when it was not built from a git checkout (a release tarball).
std::string build_commit();

}  // namespace geosim
