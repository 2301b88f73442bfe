#pragma once
// What `geosim calibrate` writes beside its store: the waves and the not-ruled-out region's size,
// each emulator and how it did on held-out runs, the targets that conflict, the plausible sample,
// and a report with the emulators' validation figures.
#include <string>
#include <vector>

#include "analysis/calibration/calibrate.h"

namespace geosim::report {

/// Writes DIR/report.md, waves.csv, emulators.csv, conflicts.csv, plausible.csv and figures/ (SVG and
/// PDF); returns the files written, report.md first.
std::vector<std::string> write_calibration_report(const calibration::CalibrationDef& def, const calibration::Calibration& c, const std::string& store,
                                                  const std::string& out_dir);

/// The waves as a table for a terminal: wave, points, runs, emulators used, NROY share, conflicts.
std::string calibration_summary(const calibration::CalibrationDef& def, const calibration::Calibration& c);

}  // namespace geosim::report
