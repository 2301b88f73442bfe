#pragma once
// Runs a sweep's pending runs into its store: on the threads of this process, or handed out to MPI
// ranks. Either way each run's result is a pure function of (sweep, run number), so the store ends
// with the same rows however the work was split, interrupted or resumed.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sweep/store.h"

namespace geosim::sweep {

/// How a sweep went.
struct SweepOutcome {
  std::int64_t planned = 0, already_done = 0, ran = 0, failed = 0;
  double seconds = 0;
  bool interrupted = false;
};

/// Called with (runs finished so far in this invocation, runs to do in it) after each stored batch.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;

/// A shard of a sweep: the runs whose number is `index` modulo `count`.
struct Shard {
  std::int64_t index = 0, count = 1;
  std::string text() const { return count == 1 ? std::string() : std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "I/N" strictly ("" is the whole sweep); throws std::invalid_argument naming --shard.
Shard parse_shard(const std::string& text);

/// The runs of the plan that `shard` ("" or "i/n": run % n == i) owns and the store does not hold yet.
std::vector<std::int64_t> pending_runs(const Plan& plan, const Store& store, const std::string& shard);

/// Runs `todo` on this process's threads (oneTBB; the thread count is whatever tbb::global_control
/// allows), storing results in batches of at most `batch` runs, one transaction each. Stops starting runs once `stop` is set.
SweepOutcome run_local(const SweepDef& sweep, const Plan& plan, Store& store, const std::vector<std::int64_t>& todo, const std::atomic<bool>& stop,
                       const ProgressFn& progress, std::size_t batch = 256);

/// Opens (or resumes) the store at `store_path` and runs the runs of `shard` it does not hold yet on
/// this process's threads: what `geosim sweep` does without MPI.
SweepOutcome run_here(const SweepDef& sweep, const Plan& plan, const std::string& store_path, const std::string& shard, const std::atomic<bool>& stop,
                      const ProgressFn& progress, std::size_t batch);

/// Whether this process was started by mpirun.
bool launched_by_mpi();

/// MPI sweep: rank 0 owns the store and hands runs one by one to the other ranks as they ask for
/// work; every rank must call this with the same sweep. Returns the outcome on rank 0 (workers
/// return an outcome with ran = runs they computed). `store_path`/`shard` are used on rank 0 only.
SweepOutcome run_mpi(const SweepDef& sweep, const Plan& plan, const std::string& store_path, const std::string& shard, const std::atomic<bool>& stop,
                     const ProgressFn& progress, std::size_t batch, int& rank);

}  // namespace geosim::sweep
