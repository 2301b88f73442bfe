// `geosim view`: added to the program from here, so that sim/ does not depend on the viewer
// (sim/cli/command_registry.h).
#include <memory>

#include "cli/command_registry.h"
#include "cli/exit_codes.h"
#include "viz/app.h"

namespace geosim::viz {
namespace {

const geosim::cli::Registration view_registration{[](CLI::App& app) -> std::function<int()> {
  struct Options {
    ViewOptions view;
    std::vector<std::string> sets;
    std::string seed, size = "1600x900";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("view", "Open the live viewer: charts and dependency view as the world runs, levers to pull mid-run");
  cmd->add_option("scenario", o->view.scenario, "Scenario file (YAML)")->required();
  cmd->add_option("--set", o->sets, "Override a scenario key, as for run (e.g. --set population.adopters=20000)");
  auto* seed_opt = cmd->add_option("--seed", o->seed, "Seed of every random draw (overrides the scenario's seed)");
  cmd->add_flag("--play", o->view.play, "Start playing at once");
  cmd->add_option("--speed", o->view.speed, "Months per second while playing; 0 (default): as fast as possible")->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--frames", o->view.frames, "Quit after this many frames (headless use; implies --play unless a script drives it)")
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--screenshot", o->view.screenshot, "Write the last frame to this PNG file (with --frames)");
  cmd->add_option("--script", o->view.script, "Drive the viewer with an action script (docs/viewer.md)");
  cmd->add_option("--script-timeout", o->view.script_timeout,
                  "Seconds the script may take to reach its end before the viewer stops with exit code 1 (0: no limit)")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
  cmd->add_option("--compare", o->view.compare, "Overlay another scenario file, or 'self' (the session without its levers)");
  cmd->add_option("--ensemble", o->view.ensemble, "Run this many seeds in the background and draw their mean and 5-95% band")
      ->check(CLI::Range(2, 64));
  cmd->add_option("--size", o->size, "Window size WIDTHxHEIGHT");
  cmd->add_option("--threads", o->view.threads, "Simulation threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--frame-stats", o->view.frame_stats, "Print the frame time's median and 95th percentile at the end");
  return [cmd, o, seed_opt]() -> int {
    if (!*cmd) return -1;
    if (!o->view.screenshot.empty() && o->view.frames == 0) {
      std::fprintf(stderr, "geosim view: --screenshot needs --frames N (the frame to capture); a script can use its screenshot action\n");
      return exit_code::bad_input;
    }
    if (auto x = o->size.find('x'); x != std::string::npos) {
      try {
        o->view.width = std::stoi(o->size.substr(0, x));
        o->view.height = std::stoi(o->size.substr(x + 1));
      } catch (const std::exception&) {
        x = std::string::npos;
      }
    }
    if (o->size.find('x') == std::string::npos || o->view.width < 640 || o->view.height < 480 || o->view.width > 8192 || o->view.height > 8192) {
      std::fprintf(stderr, "geosim view: --size %s: expected WIDTHxHEIGHT from 640x480 to 8192x8192, e.g. 1600x900\n", o->size.c_str());
      return exit_code::bad_input;
    }
    for (const auto& s : o->sets) o->view.overrides.push_back(parse_override(s));
    if (seed_opt->count() > 0) o->view.overrides.push_back(seed_override(o->seed));
    return run_viewer(o->view);
  };
}};

}  // namespace
}  // namespace geosim::viz
