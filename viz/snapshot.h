#pragma once
// What the simulation thread hands the interface: immutable values, shared by pointer. The interface
// keeps whichever snapshot it last read for as long as it likes; the simulation never touches a
// snapshot once published, so neither side waits for the other.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/month.h"
#include "model/scenario_def.h"
#include "model/world.h"

namespace geosim::viz {

/// The outputs of one simulated month, as written to series.csv and indexed for charts.
struct MonthFrame {
  Month month;
  std::vector<OutputRow> rows;                     // in series.csv order
  std::unordered_map<std::string, double> values;  // key: output_key(scope, metric)

  MonthFrame(Month m, std::vector<OutputRow> r);
  /// The value of a key, or NaN when the month has no such row.
  double get(const std::string& key) const;
};

/// The key a frame indexes a row by.
inline std::string output_key(const std::string& scope, const std::string& metric) {
  return scope + "|" + metric;
}

/// Who depends on whom in one month: adopted weight by nation, the lab whose model it uses, and the
/// chipmaker that model runs on for that nation (-1: no chips it may buy).
struct DependencyFlow {
  int nation = 0, lab = 0, chip = -1;
  double weight = 0;
};

/// Agents and flows of the dependency view.
struct DependencyData {
  std::vector<std::string> nations, labs, chips;  // ids
  std::vector<int> nation_bloc, lab_bloc, chip_bloc;  // dominant bloc of each (of its origin)
  std::vector<DependencyFlow> flows;
  double total = 0;  // all adopted weight
};

/// The state of one simulation as the interface sees it.
struct Snapshot {
  std::uint64_t generation = 0;  // counts restarts, so that caches know the history was replaced
  std::string name;
  Month start;
  int total_months = 0;
  std::int64_t adopters = 0;
  std::uint64_t seed = 0;
  bool building = true;   // the world is still being built (large populations take a while)
  bool playing = false;
  std::string error;      // why the simulation stopped, for the user
  double last_step_seconds = 0;
  std::vector<std::shared_ptr<const MonthFrame>> months;  // every simulated month, oldest first
  std::shared_ptr<const ScenarioDef> params;               // parameters in force after the last month
  std::shared_ptr<const DependencyData> dependency;        // of the last month; null before the first
  int months_done() const { return static_cast<int>(months.size()); }
  bool finished() const { return !building && months_done() >= total_months; }
};

}  // namespace geosim::viz
