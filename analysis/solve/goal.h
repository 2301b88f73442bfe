#pragma once
// A goal file (`geosim solve GOAL.yaml`): the inverse what-if. Levers (scenario keys with bounds), an
// objective over the runs' outputs and the levers, chance constraints over seeds and plausible worlds,
// and how to search. Read with the sweep loader's strictness: the runs are a sweep's (base, set,
// months, parameters as the levers, replicates as the seeds), and every evaluation of the levers adds
// a wave of points to one growing sweep store. docs/solve.md.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sweep/sweep_def.h"

namespace geosim::solve {

/// One term of the objective: the mean of an output over every run of an evaluation (its worlds and
/// seeds), or a lever's value, times a weight.
struct Term {
  bool lever = false;
  std::size_t index = 0;  // the record (an output) or the lever (SweepDef::parameters)
  double weight = 1;
};

/// A chance constraint: in at least `probability` of an evaluation's runs the output is below (or
/// above) the threshold.
struct Constraint {
  std::string name;
  std::size_t record = 0;
  bool above = false;
  double threshold = 0;
  double probability = 1;
};

/// How the levers are searched (NLopt).
struct Search {
  std::string global = "direct";       // direct (NLopt's GN_ORIG_DIRECT_L), isres (GN_ISRES) or none
  std::size_t global_evaluations = 100;
  std::string local = "cobyla";        // cobyla (LN_COBYLA) or none
  std::size_t local_evaluations = 60;
  double tolerance = 1e-3;             // the local search stops when a step moves every lever by less (as a share of its range)
  std::uint64_t seed = 1;              // isres's random numbers
};

/// A loaded, checked goal.
struct GoalDef {
  std::string file, name;
  sweep::SweepDef sweep;          // the runs: method solve; parameters are the levers, then the plausible set's columns
  std::size_t levers = 0;         // the first `levers` parameters are the levers
  ScenarioDef base;               // the base scenario with the goal's set and months, at its own values
  bool maximize = false;
  std::vector<Term> objective;
  std::vector<Constraint> constraints;
  std::string plausible_path;     // "" : the scenario's own values
  std::vector<std::vector<std::string>> points;  // per plausible point, the values of parameters[levers..]
  Search search;
};

/// The keys a goal file may hold, with their meaning (for errors and docs/solve.md).
const std::vector<sweep::SweepKey>& goal_keys();

/// Loads and checks a goal file; throws DiagnosticError listing every problem (file:line:col), or
/// BadInput for a plausible points file that cannot be read.
GoalDef load_goal(const std::string& path);

}  // namespace geosim::solve
