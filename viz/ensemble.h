#pragma once
// Ensemble band: the session's scenario run with N seeds in the background, month by month in step,
// summarized per output as mean and 5-95% band for the charts.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/quantile.h"
#include "model/scenario_def.h"

namespace geosim::viz {

/// Mean and 5% / 95% quantiles of one output over the seeds in one month.
struct BandStats {
  double low = 0, mean = 0, high = 0;
};

/// One month of the ensemble, keyed like MonthFrame (output_key).
struct EnsembleMonth {
  std::unordered_map<std::string, BandStats> stats;
};

/// What the ensemble has computed so far; immutable once published.
struct EnsembleSnapshot {
  int seeds = 0;
  int total_months = 0;
  std::vector<std::shared_ptr<const EnsembleMonth>> months;
  std::string error;
  bool finished() const { return !error.empty() || static_cast<int>(months.size()) >= total_months; }
};


/// Runs `seeds` copies of a scenario (seeds def.seed, def.seed + 1, ...) on a background thread.
class EnsembleRunner {
 public:
  EnsembleRunner(ScenarioDef def, int seeds);
  ~EnsembleRunner();
  EnsembleRunner(const EnsembleRunner&) = delete;
  EnsembleRunner& operator=(const EnsembleRunner&) = delete;
  std::shared_ptr<const EnsembleSnapshot> snapshot() const { return snapshot_.load(); }

 private:
  void run(ScenarioDef def, int seeds);
  std::atomic<bool> quit_{false};
  std::atomic<std::shared_ptr<const EnsembleSnapshot>> snapshot_;
  std::thread thread_;
};

}  // namespace geosim::viz
