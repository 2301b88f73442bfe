#pragma once
// The simulated world and its month step. A month reads the state left by the previous month and
// writes the next (adopter choices are double-buffered), so the order in which adopters are visited,
// and the number of threads visiting them, cannot change the result.
//
// One month, in order:
//   1. apply the timeline events dated this month (policies and parameters in force);
//   2. labs pick chips under export controls; choice tables are built from labs' state;
//   3. adopters (parallel, fixed blocks): non-adopters adopt by the Bass hazard and choose a model by
//      the logit rule; adopters revisit at a rate, or are forced to when their model is removed;
//   4. usage is summed per (nation, sector, lab) in fixed block order;
//   5. outputs for the month are computed;
//   6. labs advance to next month's capability and price, reading this month's usage.
#include <cstdint>
#include <string>
#include <vector>

#include "model/labs.h"
#include "model/network.h"
#include "model/population.h"
#include "model/scenario_def.h"

namespace geosim {

/// One value of one month's outputs: a metric for a scope (world, nation:ID, lab:ID, chipmaker:ID).
struct OutputRow {
  std::string scope;
  std::string metric;
  double value = 0;
};

/// Usage summed over adopters: size-weighted and by count, per (nation, sector, option).
struct Usage {
  std::size_t options = 0;      // labs + 1; the last option is "no model"
  std::vector<double> weight;   // [(n * S + s) * options + j]
  std::vector<std::int64_t> count;
};

/// Bytes a World for this scenario will allocate at its peak (adopters, network and its construction,
/// per-block sums), computed before anything is allocated.
std::size_t estimate_memory(const ScenarioDef& def);

/// Memory the system can still give this process (MemAvailable), or 0 when unknown.
std::size_t available_memory();

/// A whole simulation: scenario, adopters, network, labs, and the month it has reached.
class World {
 public:
  explicit World(ScenarioDef def);

  /// Simulates one month; outputs() then describes it.
  void step();
  bool done() const { return months_done_ >= def_.months; }
  int months_done() const { return months_done_; }
  /// The month the last step simulated.
  Month last_month() const { return def_.start + (months_done_ - 1); }
  const std::vector<OutputRow>& outputs() const { return outputs_; }
  const Usage& usage() const { return usage_; }
  const ScenarioDef& params() const { return def_; }
  const std::vector<LabState>& labs() const { return labs_; }
  const Population& population() const { return pop_; }
  /// Bytes held by adopters and network.
  std::size_t adopter_bytes() const { return pop_.bytes() + net_.bytes(); }

 private:
  void apply_events(Month month);
  void update_adopters(std::uint32_t month_index, const ChoiceTables& tables);
  void compute_outputs();

  ScenarioDef def_;
  Population pop_;
  Network net_;
  std::vector<LabState> labs_;
  std::vector<double> nation_risk_;
  Usage usage_;  // of the last simulated month (and, before the first, the empty start)
  std::vector<OutputRow> outputs_;
  int months_done_ = 0;
  std::size_t block_size_ = 1 << 14;
};

}  // namespace geosim
