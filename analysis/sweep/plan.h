#pragma once
// A sweep's design expanded into design points and runs: which values each point gives the varied
// keys, and which seed each run uses. A pure function of the sweep, so any process (a resumed
// sweep, an MPI rank, a shard, `geosim analyze`) recomputes exactly the same plan.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sweep/sweep_def.h"

namespace geosim::sweep {

/// The design points of a sweep.
struct Plan {
  analysis::Design unit;                         // one row per point: coordinates in [0, 1]
  std::vector<std::vector<std::string>> values;  // per point, per parameter: the value as YAML text
  std::vector<std::vector<double>> numbers;      // the same as numbers (NaN for non-numeric levels)
  std::size_t replicates = 1;

  std::size_t points() const { return values.size(); }
  std::int64_t runs() const { return static_cast<std::int64_t>(points() * replicates); }
};

/// Expands the sweep's design.
Plan make_plan(const SweepDef& sweep);

/// One run: a design point, a replicate and its seed. Runs are numbered point * replicates + replicate.
struct RunKey {
  std::int64_t run = 0;
  std::size_t point = 0, replicate = 0;
  std::uint64_t seed = 0;
};

/// The key of run number `run`.
RunKey run_key(const SweepDef& sweep, const Plan& plan, std::int64_t run);

}  // namespace geosim::sweep
