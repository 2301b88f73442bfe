#pragma once
// `geosim report RUN_DIR [--against RUN_DIR]`: a report of one run folder (written by geosim run
// --out), or of a what-if against its baseline: chosen series month by month, both runs on one
// figure, the scenarios' events marked, and a table of values and differences.
#include <string>
#include <vector>

namespace geosim::report {

/// The series a run report shows when none are asked for (METRIC@SCOPE, '*' matching any characters).
const std::vector<std::string>& default_run_series();

/// Writes DIR/report.md and DIR/figures/* for run folder `run` (against run folder `against`, when
/// given) showing `series` (METRIC@SCOPE patterns; "@world" may be left out), or the defaults.
std::vector<std::string> write_run_report(const std::string& run, const std::string& out_dir, const std::string& against, std::vector<std::string> series);

/// The ensemble of several run folders (the same scenario at several seeds, say), for `geosim analyze
/// RUN_DIR...`: per series and month, over the runs that have a value, as CSV with the columns
/// month,scope,metric,runs,mean,sd,p05,p95 (the statistics of geosim analyze's points.csv). `series`
/// (METRIC@SCOPE patterns) chooses series; empty: every series of the first run. The runs must cover
/// the same months; throws BadInput otherwise.
std::string run_ensemble_csv(const std::vector<std::string>& run_dirs, const std::vector<std::string>& series);

}  // namespace geosim::report
