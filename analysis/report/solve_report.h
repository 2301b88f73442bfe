#pragma once
// What `geosim solve` writes beside its store: every evaluation of the search (evaluations.csv), the
// scenario that reproduces the answer (solution.yaml), and a report with the answer, its constraint
// margins and a figure of the search.
#include <string>
#include <vector>

#include "analysis/solve/solve.h"

namespace geosim::report {

/// Writes DIR/report.md, evaluations.csv, solution.yaml and figures/; returns the files written,
/// report.md first.
std::vector<std::string> write_solve_report(const solve::GoalDef& goal, const solve::Solution& s, const std::string& out_dir);

/// The answer and its margins, as lines for a terminal.
std::string solve_summary(const solve::GoalDef& goal, const solve::Solution& s);

}  // namespace geosim::report
