#pragma once
// A one-line progress bar on a terminal: months done and time left.
#include <chrono>
#include <string>

namespace geosim {

/// Draws "[#####.....] 34/156 months, 3 s left" on stderr when enabled; silent otherwise.
class ProgressBar {
 public:
  /// With `show_rate`, the bar also shows units per second ("12.5 runs/s").
  ProgressBar(int total, std::string unit, bool enabled, bool show_rate = false);
  void update(int done);
  /// Clears the bar so that the summary starts on a clean line.
  void finish();

 private:
  int total_;
  std::string unit_;
  bool enabled_, show_rate_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// Whether a progress bar belongs on stderr: it is a terminal and --quiet was not given.
bool progress_wanted(bool quiet);

}  // namespace geosim
