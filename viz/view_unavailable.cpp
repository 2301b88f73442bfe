// `geosim view` in a build without the viewer (-DGEOSIM_VIEWER=OFF): say so, instead of CLI11's
// generic "unknown subcommand".
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::viz {
namespace {

const geosim::cli::Registration view_unavailable{[](CLI::App& app) -> std::function<int()> {
  auto* cmd = app.add_subcommand("view", "The live viewer (not in this build: configure with -DGEOSIM_VIEWER=ON)");
  cmd->allow_extras();
  return [cmd]() -> int {
    if (!*cmd) return -1;
    std::fprintf(stderr,
                 "geosim view: this geosim was built without the viewer (-DGEOSIM_VIEWER=OFF). Install libimgui-dev, libglfw3-dev, libgl-dev "
                 "and libpng-dev, configure with -DGEOSIM_VIEWER=ON and rebuild; geosim run and sweep work without it.\n");
    return exit_code::bad_input;
  };
}};

}  // namespace
}  // namespace geosim::viz
