#pragma once
// What `geosim attribute` writes beside its two stores: each player's Shapley share of every attributed
// value (shapley.csv), the pairwise interactions (interactions.csv), each coalition's mean effect
// (coalitions.csv), and a report with a waterfall figure per value.
#include <string>
#include <vector>

#include "analysis/attribution/attribution.h"

namespace geosim::report {

/// Writes DIR/report.md, shapley.csv, interactions.csv, coalitions.csv and figures/; returns the files
/// written, report.md first.
std::vector<std::string> write_attribution_report(const attribution::Attribution& a, const std::vector<attribution::TargetResult>& r,
                                                  const std::string& out_dir);

/// Each attributed value's total and players' shares, as lines for a terminal.
std::string attribution_summary(const attribution::Attribution& a, const std::vector<attribution::TargetResult>& r);

}  // namespace geosim::report
