#pragma once
// `geosim solve`: searches the levers of a goal with NLopt, a global search then a local polish, each
// evaluation of the levers running every plausible point with every seed (common random numbers, so
// that evaluations differ by the levers alone). Every evaluation is a wave of points in one growing
// sweep store: a rerun replays the search, which is deterministic, reading the evaluations stored and
// running only the rest. docs/solve.md.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/solve/goal.h"
#include "analysis/sweep/runner.h"

namespace geosim::solve {

/// One evaluation of the levers, as the search asked for it.
struct Evaluation {
  std::string stage;                // "global" or "local"
  std::size_t wave = 0;             // its points in the store (waves in the order first run)
  bool stored = false;              // its runs were in the store already (a resumed search)
  long repeats = -1;                // the search asked for these levers before: that evaluation's index
  std::vector<double> levers;       // the levers' values
  std::vector<std::string> texts;   // the same as YAML text, as the runs set them
  double objective = 0;             // the weighted sum (NaN when a run failed)
  std::vector<double> margins;      // per constraint: how far the deciding run is on the right side (> 0: met)
  std::vector<double> met_share;    // per constraint: share of the runs in which it holds
  bool feasible = false;            // every constraint met (by the share of runs, exactly)
  std::size_t runs = 0, failed = 0;
  std::string error;                // a failed run's message
};

/// A search as far as it went.
struct Solution {
  std::vector<Evaluation> evaluations;  // in the order the search asked for them (a point asked again is listed again)
  std::size_t best = 0;                 // the answer: the best feasible evaluation, else the one closest to feasible
  bool any_feasible = false;
  bool interrupted = false;             // stopped by the user: the store holds every finished run
  std::string global_result, local_result;  // NLopt's reason for stopping each stage ("" when not run)
  std::int64_t runs_run = 0, runs_stored = 0;
  double seconds = 0;                   // running the new runs
};

/// The margin of a chance constraint over an evaluation's run values: with n values and j = ⌈p n⌉,
/// threshold − (j-th smallest) for below, (j-th largest) − threshold for above; > 0 exactly when at
/// least j values are strictly on the right side.
double chance_margin(std::vector<double> values, bool above, double threshold, double probability);

/// Runs, or resumes, the search; `progress` is called after each stored batch of an evaluation's runs.
Solution run_solve(const GoalDef& goal, const std::string& store_path, const std::atomic<bool>& stop, const sweep::ProgressFn& progress,
                   std::size_t batch = 256);

/// The goal's levers at an evaluation as key paths and YAML values, in lever order.
std::vector<std::pair<std::string, std::string>> lever_settings(const GoalDef& goal, const Evaluation& e);

}  // namespace geosim::solve
