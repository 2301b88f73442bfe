#pragma once
// Subcommands that modules outside sim/ (analysis, the viewer) add to the geosim program, so that
// the simulation never depends on them: each module registers a setup function from its own source
// file, which its CMakeLists adds to the program.
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace geosim::cli {

/// Adds a subcommand to `app` and returns what runs it: the runner returns the exit code, or -1 when
/// its subcommand was not the one chosen.
using CommandSetup = std::function<std::function<int()>(CLI::App& app)>;

/// Every registered setup, in registration order.
inline std::vector<CommandSetup>& registered_commands() {
  static std::vector<CommandSetup> commands;
  return commands;
}

/// Registers a setup at static initialization: `static Registration r{setup};` in a module's file.
struct Registration {
  explicit Registration(CommandSetup setup) { registered_commands().push_back(std::move(setup)); }
};

}  // namespace geosim::cli
