#pragma once
// The changing state of the agents that are not adopters (tens of them, handled serially) and the
// indices that tie them together. docs/model.md 1.2 names every quantity.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// A model line's changing state. Line l < L is lab l's main line; the rest follow ScenarioDef::lines.
struct LineState {
  double capability = 0;         // capability-months of its current version
  double start_capability = 0;   // the capability its `cost` was given for (the scenario's, before any jump)
  double cost = 0;               // serving cost of its current version on reference chips, USD per 1M tokens
  double frozen_cost = 0;        // the same for its frozen open version
  double price = 0;              // API price (closed) or hosted price on its lab's own chips (open), USD per 1M tokens
  double perf = 0;               // performance per dollar of its lab's chip purchases for it
  double usage_share = 0;        // share of the world's adopted weight on its current version
  double demand_share = 0;       // share of the world's total weight (adopters or not) on it
  double revenue = 0;            // USD per month
  double served = 0;             // tokens per month its current version served (Σ over nations of share of weight times demand)
  bool offered_open = false;     // open and active at the end of last month: closing then strands its users
  bool has_frozen = false;       // it stopped being offered open once: a frozen open version exists
  double frozen_capability = 0;  // capability of that version
};

/// A lab's changing state: money and compute, shared by its lines.
struct LabState {
  double compute_factor = 0;  // its lines' own capability growth from the compute it bought, capability-months per month
  double spend = 0;           // compute spend, USD per month
  double revenue = 0;         // its lines' revenue, USD per month
  double revenue_avg = 0;     // 12-month moving average of revenue
  double valuation = 0;       // USD
};

/// A chipmaker's changing state.
struct ChipState {
  double ecosystem = 1;  // software maturity in (0, 1]
  double capacity = 0;   // compute it can deliver per month at reference prices before materials shortfalls; grows toward demand
  double supply = 1;     // share of capacity its materials allow
  double rationed = 1;   // share of this month's compute demand it delivered
  double demand = 0;     // compute asked of it, USD per month at reference prices
  double usage = 0;      // share of the world's adopted weight running on its chips
};

/// A nation's changing state: its dependency rule, and its demand for AI work beyond the exogenous
/// path (docs/model.md 3.10).
struct NationState {
  int months_above = 0;         // consecutive months with rival dependency above its rule threshold
  bool rule_active = false;     // the dependency rule has banned rival models
  double rival_dependency = 0;  // last month's rival_model_dependency
  double log_multiplier = 0;    // Ψ_n: ln of this month's demand over the exogenous path
  double tokens = 0;            // this month's token demand at full adoption, T(τ) e^Ψ_n
  double price_index = 0;       // last month's usage-weighted price its adopters paid
  double capability_index = 0;  // last month's usage-weighted capability they used
  double price_start = 0;       // the first month's price index
  double capability_start = 0;  // the first month's capability index
};

/// Number of model lines: one main line per lab, then the further lines.
inline std::size_t line_count(const ScenarioDef& def) {
  return def.labs.size() + def.lines.size();
}

/// The keys of line l.
inline const LineKeys& line_keys(const ScenarioDef& def, std::size_t l) {
  return l < def.labs.size() ? def.labs[l].line : def.lines[l - def.labs.size()].keys;
}

/// The id of line l (a main line's is its lab's).
inline const std::string& line_id(const ScenarioDef& def, std::size_t l) {
  return l < def.labs.size() ? def.labs[l].id : def.lines[l - def.labs.size()].id;
}

/// Options an adopter can hold: line l's current version (l < lines) or its frozen open version
/// (lines + l).
inline std::size_t option_count(std::size_t lines) {
  return 2 * lines;
}

/// Whether an id list (a ban list, an access list) names `id`.
inline bool contains(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

/// Indices of agents referred to by id, and each lab's dominant origin bloc; rebuilt when an event
/// changes the scenario.
struct Index {
  std::vector<int> lab_origin;          // nation index per lab
  std::vector<std::uint8_t> lab_bloc;   // dominant bloc of each lab's origin
  std::vector<int> chip_origin;         // nation index per chipmaker
  std::vector<std::size_t> line_lab;    // lab index per line
  explicit Index(const ScenarioDef& def);
  /// Nation index of line l's lab.
  std::size_t line_origin(std::size_t l) const { return static_cast<std::size_t>(lab_origin[line_lab[l]]); }
};

}  // namespace geosim
