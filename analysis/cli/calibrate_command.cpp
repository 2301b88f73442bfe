// `geosim calibrate`: history matching of a scenario's parameters against calibration targets, in
// waves of runs stored in a SQLite store that a rerun resumes; writes the waves, the emulators'
// diagnostics, the conflicting targets and the plausible sample beside it.
#include <tbb/global_control.h>

#include <cstdio>
#include <memory>
#include <filesystem>

#include "analysis/calibration/calibrate.h"
#include "analysis/report/calibration_report.h"
#include "analysis/cli/long_command.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::calibration {
namespace {

struct CalibrateOptions : cli::LongOptions {
  std::string file, store, out;
};

/// The report folder beside a store: hm.db gives hm-calibration.
std::string default_out(const std::string& store) {
  std::filesystem::path p(store);
  return (p.parent_path() / (p.stem().string() + "-calibration")).string();
}

int calibrate_command(const CalibrateOptions& o) {
  const CalibrationDef def = load_calibration(o.file);
  const int threads = o.thread_count();
  sweep::check_sweep_memory(def.sweep, static_cast<std::size_t>(threads));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  cli::watch_stop_signals();
  cli::BatchProgress bar(o.quiet);
  sweep::ProgressFn progress = [&](std::int64_t done, std::int64_t total) { bar.update("runs", done, total); };
  const Calibration c = run_calibration(def, o.store, cli::stop_requested(), progress, o.batch);
  bar.finish();
  const std::string out = o.out.empty() ? default_out(o.store) : o.out;
  const auto files = report::write_calibration_report(def, c, o.store, out);
  if (!o.quiet || c.interrupted) {
    std::printf("geosim calibrate: %s, %zu parameters, %zu matched outputs, %zu seeds per point, %d threads; store %s\n%s", def.sweep.name.c_str(),
                def.sweep.parameters.size(), def.match.size(), def.sweep.replicates, threads, o.store.c_str(), report::calibration_summary(def, c).c_str());
    std::printf("geosim calibrate: wrote %s (plausible sample: %s)\n", files.front().c_str(), (std::filesystem::path(out) / "plausible.csv").string().c_str());
  }
  if (c.interrupted) {
    std::fprintf(stderr, "geosim calibrate: interrupted; the store holds every run finished so far. Run the same command again to go on.\n");
    return exit_code::interrupted;
  }
  if (c.match.empty) std::fprintf(stderr, "geosim calibrate: no point of the space is left: no candidate met every target (see conflicts.csv)\n");
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration calibrate_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<CalibrateOptions>();
  auto* cmd = app.add_subcommand("calibrate", "History-match a scenario's parameters to calibration targets in waves (CALIBRATION.yaml); rerun to resume");
  cmd->add_option("calibration", o->file, "Calibration file (see docs/calibration.md)")->required();
  cmd->add_option("--store", o->store, "SQLite store of the waves' runs (created, or resumed when it exists)")->required();
  cmd->add_option("--out", o->out, "Folder for report.md, waves.csv, emulators.csv, conflicts.csv, plausible.csv and figures (default: STORE's name with -calibration)");
  cli::add_long_options(*cmd, *o);
  return [cmd, o]() -> int { return *cmd ? cli::refusing_input("geosim calibrate: calibration", [&] { return calibrate_command(*o); }) : -1; };
}};
// clang-format on

}  // namespace
}  // namespace geosim::calibration
