#pragma once
// `geosim report`: figures (SVG, drawn with PLplot) and a Markdown report of a sweep store: the outcome
// against each parameter, sensitivity bars with their intervals, and ensemble bands over time.
#include <string>
#include <vector>

namespace geosim::report {

/// Writes DIR/report.md and DIR/figures/*.svg for the store; returns the files written. With
/// `against` (another store, such as the baseline's ensemble), series figures draw its band in grey
/// and, when both stores are single ensembles, the report compares their recorded numbers.
std::vector<std::string> write_report(const std::string& store_path, const std::string& out_dir, const std::string& against = "");

}  // namespace geosim::report
