#pragma once
// `geosim compare`: a what-if against its baseline on the same plausible parameter points and the
// same seeds (common random numbers). Each side is a sweep over those points, stored in its own sweep
// store, so that a comparison is resumable like any sweep and each side can be reported on alone.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sweep/sweep_def.h"

namespace geosim::compare {

/// What the command line asks for.
struct CompareOptions {
  std::string whatif, baseline;  // baseline "": the scenario the what-if extends
  std::string plausible;         // a CSV of points ("" : the baseline's `plausible` key; "none": the scenarios' own values)
  std::size_t points = 50, seeds = 5;
  std::uint64_t seed_base = 1;
  std::vector<std::string> sets;     // KEY=VALUE, applied to both scenarios
  int months = 0;                    // > 0: simulate only this many months
  std::vector<std::string> outputs;  // METRIC@SCOPE patterns; empty: the claims' outputs and the headline ones
};

/// A comparison ready to run: its two sides and what it compares.
struct Comparison {
  std::string whatif_path, baseline_path, plausible_path;  // plausible_path "": no plausible set
  ScenarioDef whatif, baseline;                             // as run (the `set`s and months applied), at their own values
  std::vector<std::string> parameters;                      // the plausible set's key paths
  std::vector<std::vector<std::string>> points;             // per point, per parameter: the value as YAML text
  std::vector<std::string> kept;                            // parameters the what-if sets itself: it keeps its own value
  std::size_t seeds = 0;
  std::uint64_t seed_base = 1;
  std::vector<ClaimDef> claims;                             // the what-if's
  std::vector<sweep::SeriesRequest> outputs;                // compared month by month
  std::vector<sweep::SeriesRequest> asked;                  // those --output named, expanded (none without --output)
  sweep::SweepDef side[2];                                  // 0: the baseline, 1: the what-if
};

/// Loads both scenarios and the plausible points and builds the two sweeps; throws DiagnosticError
/// (a refused scenario) or BadInput (an option, a plausible file) naming what to change.
Comparison load_comparison(const CompareOptions& options);

/// Whether the what-if's event `e` is the baseline's own: the baseline has one with its id (not empty)
/// and month (for a triggered event, its id).
bool inherited_event(const Comparison& c, const EventDef& e);

/// Reads a CSV of parameter points (a header of key paths, one row per point, values as YAML text).
/// Throws BadInput naming the file, line and what is wrong.
void read_points(const std::string& path, std::vector<std::string>& parameters, std::vector<std::vector<std::string>>& points);

/// The outputs compared when none are asked for (besides the claims'), those the scenario writes.
const std::vector<std::string>& headline_outputs();

}  // namespace geosim::compare
