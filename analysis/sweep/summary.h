#pragma once
// What a sweep store says, summarized: per design point the ensemble statistics of each recorded
// number, and per recorded number the sensitivity of the outcome to each parameter (Sobol indices for
// a Saltelli design, Morris statistics for a Morris design, standardized regression coefficients for
// any design with numeric parameters).
#include <string>
#include <vector>

#include "analysis/sensitivity/indices.h"
#include "core/csv.h"
#include "analysis/sweep/store.h"

namespace geosim::sweep {

/// Ensemble statistics of one recorded number at one design point, over its successful replicates.
struct Ensemble {
  std::size_t n = 0;
  double mean = 0, sd = 0, p05 = 0, p95 = 0;  // sd, p05, p95 NaN when n < 2 (p05/p95: NaN when n == 0)
};

/// Standardized regression coefficients of point means on the parameters (least squares).
struct Regression {
  std::vector<double> src;  // one per parameter (NaN for a constant one, or a categorical one of more than two levels)
  double r_squared = 0;
};

/// The summary of a store.
struct Summary {
  StoreInfo info;
  std::int64_t runs_ok = 0, runs_failed = 0;
  std::vector<std::vector<Ensemble>> points;  // [point][record]
  std::vector<analysis::SobolIndices> sobol;   // [record], Saltelli designs with every point present
  std::vector<analysis::MorrisIndices> morris; // [record], Morris designs with every point present
  std::vector<Regression> regression;          // [record]
  std::string note;                            // why some analysis was not done
};

/// Summarizes a store; `resamples` and `seed` drive the Sobol bootstrap.
Summary summarize(const Store& store, std::size_t resamples = 200, std::uint64_t seed = 1);

/// Ensemble statistics of the values (p05/p95 by linear interpolation between order statistics).
Ensemble ensemble(std::vector<double> values);

using geosim::csv_field;  // sim/core/csv.h, shared with geosim run's files

/// The summary as CSV tables: per point (`points`) and per record and parameter (`sensitivity`).
std::string points_csv(const Summary& s);
std::string sensitivity_csv(const Summary& s);

}  // namespace geosim::sweep
