#pragma once
// `geosim calibrate`: a history match whose waves run the model into a calibration store (a sweep
// store that grows by waves). Each wave's design is stored before its runs; a calibration resumed
// after a crash reads the stored designs and runs, refits the same emulators and goes on where it
// stopped, so it ends with what an uninterrupted one would have.
#include <atomic>
#include <string>
#include <vector>

#include "analysis/calibration/calibration_def.h"
#include "analysis/sweep/runner.h"

namespace geosim::calibration {

/// How one wave's runs went.
struct WaveRecord {
  std::size_t wave = 0, points = 0;
  std::int64_t runs = 0, already_done = 0, ran = 0, failed = 0;
  double seconds = 0;  // running the wave's pending runs
};

/// A calibration as far as it went.
struct Calibration {
  MatchResult match;
  std::vector<WaveRecord> waves;
  bool interrupted = false;  // stopped during a wave's runs: the store holds every run finished
};

/// Runs, or resumes, the calibration in the store at `store_path` on this process's threads.
/// `progress` is called after each stored batch of a wave's runs with (done, to do in this wave).
Calibration run_calibration(const CalibrationDef& def, const std::string& store_path, const std::atomic<bool>& stop, const sweep::ProgressFn& progress,
                            std::size_t batch = 256);

/// The values of the plausible sample (the last screening's accepted points, at most options.sample)
/// as YAML texts, per point and parameter.
std::vector<std::vector<std::string>> plausible_values(const CalibrationDef& def, const MatchResult& match);

}  // namespace geosim::calibration
