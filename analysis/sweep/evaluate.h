#pragma once
// Runs one run of a sweep: the base scenario with the point's values and the run's seed, simulated
// to the end, reduced to the recorded numbers and series.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sweep/plan.h"

namespace geosim::sweep {

/// What one run produced.
struct RunResult {
  std::int64_t run = 0;
  bool ok = false;
  std::string error;                // why the run failed (ok == false)
  std::vector<double> records;      // one per SweepDef::records
  std::vector<double> series;       // per SweepDef::series request, one value per month
};

/// Evaluates runs of one sweep; thread-safe (each run builds its own world).
class Evaluator {
 public:
  Evaluator(const SweepDef& sweep, const Plan& plan);
  RunResult run(std::int64_t run) const;

 private:
  const SweepDef& sweep_;
  const Plan& plan_;
  Node base_;  // the merged base scenario with the sweep's `set`
};

/// Checks a loaded sweep against the model: every level and range end gives a scenario the loader
/// accepts whose period holds every recorded month, and every recorded metric and scope exists.
/// Throws DiagnosticError listing problems. Sets the sweep's largest world (for the memory check).
/// `base` is the merged base scenario with the sweep's `set`.
void check_against_model(SweepDef& sweep, const Node& base);

}  // namespace geosim::sweep
