#pragma once
// `geosim report`: figures (SVG and PDF, drawn with PLplot) and a Markdown report of a sweep store (the
// outcome against each parameter, sensitivity bars with their intervals, ensemble bands over time) or
// of a run folder (its series, against another run's).
#include <string>
#include <vector>

namespace geosim::report {

/// Writes DIR/report.md and DIR/figures/ for a sweep store or a run folder; returns the files written,
/// report.md first. With `against` (another store, such as the baseline's ensemble, or another run
/// folder), series figures draw it in grey and the report compares the two. `series` (METRIC@SCOPE
/// patterns) chooses a run folder's series; a store's report shows those it stored.
std::vector<std::string> write_report(const std::string& path, const std::string& out_dir, const std::string& against = "",
                                      const std::vector<std::string>& series = {});

}  // namespace geosim::report
