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

}  // namespace geosim::report
