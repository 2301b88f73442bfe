#pragma once
// What `geosim compare` writes beside its two stores: every compared output's effect month by month
// (effects.csv), each claim's verdict (claims.csv), each plausible point's effects (points.csv), and a
// report with the scenarios, the claims, the deciding parameters and figures.
#include <string>
#include <vector>

#include "analysis/compare/run_compare.h"

namespace geosim::report {

/// Writes DIR/report.md, effects.csv, claims.csv, points.csv and figures/ (SVG and PDF); returns the
/// files written, report.md first.
std::vector<std::string> write_compare_report(const compare::Comparison& c, const compare::CompareResult& r, const std::string& out_dir);

/// The claims and their verdicts as lines for a terminal.
std::string compare_summary(const compare::CompareResult& r);

}  // namespace geosim::report
