// `geosim sweep` and `geosim merge`: many runs of a scenario into one SQLite store, on this machine's
// threads, across MPI ranks, or split into shards for cluster array jobs.
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdio>
#include <memory>

#include "analysis/sweep/runner.h"
#include "analysis/cli/long_command.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::sweep {
namespace {

int refused(const DiagnosticError& e) {
  print_refusal(e, "geosim sweep: sweep", "nothing was run");
  return exit_code::bad_input;
}

struct SweepOptions {
  std::string sweep, store, shard;
  int threads = 0;
  std::size_t batch = 256;
  bool quiet = false;
};

int sweep_command(SweepOptions o) {
  o.shard = parse_shard(o.shard).text();  // checked and written one way before any store is opened
  SweepDef sweep;
  try {
    sweep = load_sweep(o.sweep);
  } catch (const DiagnosticError& e) {
    return refused(e);
  }
  const int threads = o.threads > 0 ? o.threads : tbb::info::default_concurrency();
  // Each thread holds one world (an MPI rank one); checked before the plan is made, like geosim run.
  check_sweep_memory(sweep, launched_by_mpi() ? 1 : static_cast<std::size_t>(threads));
  const Plan plan = make_plan(sweep);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  cli::watch_stop_signals();
  cli::BatchProgress bar(o.quiet);
  ProgressFn progress = [&](std::int64_t done, std::int64_t total) { bar.update("runs", done, total); };
  SweepOutcome out;
  int rank = 0;
  if (launched_by_mpi()) {
    out = run_mpi(sweep, plan, o.store, o.shard, cli::stop_requested(), progress, o.batch, rank);
    if (rank != 0) return 0;
  } else {
    out = run_here(sweep, plan, o.store, o.shard, cli::stop_requested(), progress, o.batch);
  }
  bar.finish();
  if (!o.quiet || out.interrupted)
    std::printf("geosim sweep: %s, %s design, %zu points x %zu replicates = %lld runs%s; %lld already stored, %lld run now (%lld failed) in %.1f s, %.2f runs/s, %d threads; store %s\n",
                sweep.name.c_str(), sweep.method.c_str(), plan.points(), plan.replicates, static_cast<long long>(out.planned),
                o.shard.empty() ? "" : (" (shard " + o.shard + ")").c_str(), static_cast<long long>(out.already_done), static_cast<long long>(out.ran),
                static_cast<long long>(out.failed), out.seconds, out.seconds > 0 ? static_cast<double>(out.ran) / out.seconds : 0.0, threads, o.store.c_str());
  if (out.interrupted) {
    std::fprintf(stderr, "geosim sweep: interrupted; the store holds every run finished so far. Run the same command again to finish the rest.\n");
    return exit_code::interrupted;
  }
  if (out.failed > 0) std::fprintf(stderr, "geosim sweep: %lld runs failed; their errors are in the store's runs table (status 'failed')\n", static_cast<long long>(out.failed));
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration sweep_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<SweepOptions>();
  auto* cmd = app.add_subcommand("sweep", "Run every point of a sweep (SWEEP.yaml) into a SQLite store; rerun to resume");
  cmd->add_option("sweep", o->sweep, "Sweep file (see docs/sweeps.md)")->required();
  cmd->add_option("--store", o->store, "SQLite store to write (created, or resumed when it exists)")->required();
  cmd->add_option("--threads", o->threads, "Threads (default: all cores)")->check(CLI::Range(1, 4096));
  cmd->add_option("--shard", o->shard, "Run only shard I of N (runs with number % N == I), e.g. 0/4; join shard stores with geosim merge");
  cmd->add_option("--batch", o->batch, "Most runs stored per transaction (a batch is also stored every half second)")->check(CLI::Range(1, 1000000));
  cmd->add_flag("--quiet", o->quiet, "No progress bar and no summary");
  return [cmd, o]() -> int {
    if (!*cmd) return -1;
    try {
      return sweep_command(*o);
    } catch (const DiagnosticError& e) {
      return refused(e);
    }  // anything else: main() maps it to its exit code (cli/exit_codes.h)
  };
}};

const geosim::cli::Registration merge_registration{[](CLI::App& app) -> std::function<int()> {
  struct Options { std::string out; std::vector<std::string> inputs; };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("merge", "Join the stores of a sweep's shards into one store");
  cmd->add_option("--out", o->out, "Store to write (created if missing)")->required();
  cmd->add_option("stores", o->inputs, "Shard stores of the same sweep")->required();
  return [cmd, o]() -> int {
    if (!*cmd) return -1;
    const auto runs = Store::merge(o->out, o->inputs);
    const auto info = Store::open(o->out).info();
    std::printf("geosim merge: %s holds %lld of the sweep's %lld runs\n", o->out.c_str(), static_cast<long long>(runs), static_cast<long long>(info.planned_runs));
    return exit_code::ok;
  };
}};
// clang-format on

}  // namespace
}  // namespace geosim::sweep
