// `geosim solve`: the inverse what-if. Searches a goal's levers for the best objective that meets its
// chance constraints over seeds and plausible worlds; every evaluation is stored, rerun to resume.
#include <tbb/global_control.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "analysis/cli/long_command.h"
#include "analysis/report/solve_report.h"
#include "analysis/solve/solve.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"
#include "core/output_file.h"

namespace geosim::solve {
namespace {

struct CommandOptions : cli::LongOptions {
  std::string goal, out;
};

int solve_command(const CommandOptions& o) {
  const GoalDef g = load_goal(o.goal);
  const int threads = o.thread_count();
  sweep::check_sweep_memory(g.sweep, static_cast<std::size_t>(threads));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::string out = o.out.empty() ? (std::filesystem::path("solve") / std::filesystem::path(o.goal).stem()).string() : o.out;
  make_output_dir(out, "--out");
  cli::watch_stop_signals();
  cli::BatchProgress bar(o.quiet);
  const std::size_t per = g.points.size() * g.sweep.replicates;
  const Solution s = run_solve(g, (std::filesystem::path(out) / "solve.db").string(), cli::stop_requested(),
                               [&](std::int64_t done, std::int64_t total) { bar.update("runs of an evaluation", done, total); }, o.batch);
  bar.finish();
  const std::size_t asked = s.evaluations.size();
  const auto files = report::write_solve_report(g, s, out);
  if (s.interrupted) {
    std::fprintf(stderr, "geosim solve: interrupted after %zu evaluations; %s/solve.db holds every run finished so far. Run the same command again to go on.\n",
                 asked, out.c_str());
    return exit_code::interrupted;
  }
  if (!o.quiet) {
    std::printf("geosim solve: %s: %zu evaluations of %zu levers x %zu runs each (%lld runs now in %.1f s, %lld from the store, %d threads)\n", g.name.c_str(), asked,
                g.levers, per, static_cast<long long>(s.runs_run), s.seconds, static_cast<long long>(s.runs_stored), threads);
    std::printf("%s", report::solve_summary(g, s).c_str());
    std::printf("geosim solve: wrote %s\n", files.front().c_str());
  }
  if (!s.any_feasible)
    std::fprintf(stderr, "geosim solve: no lever setting the search tried meets every constraint; %s/report.md shows the closest and its margins\n", out.c_str());
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration solve_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<CommandOptions>();
  auto* cmd = app.add_subcommand("solve", "Search a goal's levers for the best objective that meets its chance constraints (docs/solve.md); rerun to resume");
  cmd->add_option("goal", o->goal, "The goal file: levers, objective, constraints, uncertainty and search")->required();
  cmd->add_option("--out", o->out, "Folder for solve.db, report.md, evaluations.csv, solution.yaml and figures (default: solve/GOAL)");
  cli::add_long_options(*cmd, *o);
  return [cmd, o]() -> int { return *cmd ? cli::refusing_input("geosim solve: goal", [&] { return solve_command(*o); }) : -1; };
}};
// clang-format on

}  // namespace
}  // namespace geosim::solve
