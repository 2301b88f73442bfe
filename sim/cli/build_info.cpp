#include "cli/build_info.h"

// Generated into the build folder on every build; the one file that includes it, so that a new
// commit recompiles this file alone.
#include "geosim_build_info.h"

namespace geosim {

std::string build_version() {
  return GEOSIM_VERSION;
}

std::string build_commit() {
  return GEOSIM_GIT_COMMIT;
}

}  // namespace geosim
