#pragma once
// Running a comparison's two sides into their stores, and reading the pairs back as effects.
#include <Eigen/Core>
#include <atomic>
#include <string>
#include <vector>

#include "analysis/compare/claims.h"
#include "analysis/compare/comparison.h"
#include "analysis/sweep/runner.h"

namespace geosim::compare {

/// The stores of a comparison's sides in its folder.
std::string side_store(const std::string& dir, int side);

/// How running both sides went.
struct CompareRun {
  sweep::SweepOutcome side[2];
  bool interrupted = false;
};

/// Runs, or resumes, both sides (the baseline first) into DIR/baseline.db and DIR/whatif.db on this
/// process's threads; `progress(side, done, total)` after each stored batch.
CompareRun run_comparison(const Comparison& c, const std::string& dir, const std::atomic<bool>& stop,
                          const std::function<void(int, std::int64_t, std::int64_t)>& progress, std::size_t batch = 256);

/// What a comparison found.
struct CompareResult {
  std::vector<std::vector<EffectStats>> outputs;  // [output][month]
  std::vector<ClaimResult> claims;
  Eigen::MatrixXd x;                               // each point's parameter values
  std::size_t runs_failed[2] = {0, 0};
};

/// Pairs the two stores' runs (same point, same seed) and computes every output's effect month by
/// month and every claim's verdict.
CompareResult analyse(const Comparison& c, const sweep::Store& baseline, const sweep::Store& whatif, double min_coverage = 0.5);

}  // namespace geosim::compare
