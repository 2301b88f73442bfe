// `geosim compare`: a what-if against its baseline over the calibration's plausible parameter points,
// both on the same seeds; each claim judged robust, dependent on some parameters, or not supported.
#include <tbb/global_control.h>

#include <cstdio>
#include <memory>
#include <filesystem>

#include "analysis/cli/long_command.h"
#include "analysis/compare/run_compare.h"
#include "analysis/report/compare_report.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::compare {
namespace {

struct CommandOptions : cli::LongOptions {
  CompareOptions compare;
  std::string out;
  double min_coverage = 0.5;
};

/// compare/<what-if's file name>, in the working folder.
std::string default_out(const std::string& whatif) {
  return (std::filesystem::path("compare") / std::filesystem::path(whatif).stem()).string();
}

int compare_command(const CommandOptions& o) {
  const Comparison c = load_comparison(o.compare);
  const int threads = o.thread_count();
  for (const auto& side : c.side) sweep::check_sweep_memory(side, static_cast<std::size_t>(threads));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  cli::watch_stop_signals();
  cli::BatchProgress bar(o.quiet);
  const std::string out = o.out.empty() ? default_out(o.compare.whatif) : o.out;
  const CompareRun run = run_comparison(c, out, cli::stop_requested(),
                                       [&](int side, std::int64_t done, std::int64_t total) { bar.update(side == 0 ? "baseline runs" : "what-if runs", done, total); },
                                       o.batch);
  bar.finish();
  if (run.interrupted) {
    std::fprintf(stderr, "geosim compare: interrupted; the stores in %s hold every run finished so far. Run the same command again to go on.\n", out.c_str());
    return exit_code::interrupted;
  }
  const auto baseline = sweep::Store::open(side_store(out, 0)), whatif = sweep::Store::open(side_store(out, 1));
  const CompareResult r = analyse(c, baseline, whatif, o.min_coverage);
  const auto files = report::write_compare_report(c, r, out);
  if (!o.quiet) {
    const auto ran = run.side[0].ran + run.side[1].ran;
    const double seconds = run.side[0].seconds + run.side[1].seconds;
    std::printf("geosim compare: %s against %s, %zu points x %zu seeds x 2 scenarios = %lld runs (%lld run now in %.1f s, %.1f runs/s, %d threads)\n",
                c.whatif.name.c_str(), c.baseline.name.c_str(), c.points.size(), c.seeds, static_cast<long long>(run.side[0].planned + run.side[1].planned),
                static_cast<long long>(ran), seconds, seconds > 0 ? static_cast<double>(ran) / seconds : 0.0, threads);
    std::printf("%s", report::compare_summary(r).c_str());
    std::printf("geosim compare: wrote %s\n", files.front().c_str());
  }
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration compare_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<CommandOptions>();
  auto* cmd = app.add_subcommand("compare", "Run a what-if and its baseline on the same plausible points and seeds; judge its claims (docs/compare.md); rerun to resume");
  cmd->add_option("whatif", o->compare.whatif, "The what-if scenario")->required();
  cmd->add_option("baseline", o->compare.baseline, "The baseline (default: the scenario the what-if extends)");
  cmd->add_option("--plausible", o->compare.plausible, "CSV of parameter points (default: the baseline's `plausible` key); 'none': the scenarios' own values, seed noise only");
  cmd->add_option("--points", o->compare.points, "Plausible points used, the first N of the file")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--seeds", o->compare.seeds, "Seeds per point, the same for both scenarios")->check(CLI::Range(2, 10000))->capture_default_str();
  cmd->add_option("--seed-base", o->compare.seed_base, "First seed")->check(CLI::Range(0.0, 9007199254740991.0))->capture_default_str();
  cmd->add_option("--set", o->compare.sets, "KEY=VALUE applied to both scenarios, as geosim run --set (repeatable)");
  cmd->add_option("--months", o->compare.months, "Simulate only this many months")->check(CLI::Range(1, 1200));
  cmd->add_option("--output", o->compare.outputs, "METRIC@SCOPE to compare, '*' matching any characters (repeatable; default: the claims' and the headline outputs)");
  cmd->add_option("--min-coverage", o->min_coverage, "Smallest coverage of the PRIM box shown for a claim that depends")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--out", o->out, "Folder for the two stores, report.md, effects.csv, claims.csv, points.csv and figures (default: compare/WHATIF)");
  cli::add_long_options(*cmd, *o);
  return [cmd, o]() -> int { return *cmd ? cli::refusing_input("geosim compare: scenario", [&] { return compare_command(*o); }) : -1; };
}};
// clang-format on

}  // namespace
}  // namespace geosim::compare
