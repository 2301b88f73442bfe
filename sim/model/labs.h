#pragma once
// The agent side of a month that is not adopters: labs, chipmakers and nations. All of it concerns
// tens of agents and runs serially; the adopters (world.cpp) are the parallel part.
//
// market.cpp: chips under export controls and materials supply, serving costs and prices, the choice
//             tables adopters read, chipmakers' ecosystems.
// labs.cpp:   release strategy (adaptive, loss leader), capability growth, revenue, valuation, compute.
// policy.cpp: nations' rule-triggered bans.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// A lab's changing state.
struct LabState {
  double capability = 0;         // capability-months
  double cost = 0;               // serving cost of its current model on reference chips, USD per 1M tokens
  double legacy_cost = 0;        // the same for its frozen open version
  double price = 0;              // API price (closed) or hosted price on its own chips (open), USD per 1M tokens
  int chip = -1;                 // chipmaker it trains and serves on, or -1 when it may buy none
  double perf = 0;               // effective performance per dollar on that chip
  double compute_factor = 0;     // multiplier of its own capability growth from compute bought
  double spend = 0;              // compute spend, USD per month
  double revenue = 0;            // USD per month
  double revenue_avg = 0;        // 12-month moving average of revenue
  double valuation = 0;          // USD
  double usage_share = 0;        // share of the world's adopted weight on its current version
  double demand_share = 0;       // share of the world's total weight (adopters or not) on it
  bool has_legacy = false;       // it closed once: a frozen open version is still in use
  double legacy_capability = 0;  // capability of that version
};

/// A chipmaker's changing state.
struct ChipState {
  double ecosystem = 1;  // software maturity in (0, 1]
  double supply = 1;     // share of capacity its materials allow
  double rationed = 1;   // share of last month's demand it could deliver
  double demand = 0;     // compute asked of it, USD per month at reference prices
  double usage = 0;      // share of the world's adopted weight running on its chips
};

/// A nation's changing state (policy rules).
struct NationState {
  int months_above = 0;         // consecutive months with rival dependency above its rule threshold
  bool rule_active = false;     // the dependency rule has banned rival models
  double rival_dependency = 0;  // last month's rival_model_dependency
};

/// Whether an id list (a ban list, an access list) names `id`.
inline bool contains(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

/// Options an adopter can hold: lab j's current version (j < L) or the frozen open version of a lab
/// that closed (L + j).
inline std::size_t option_count(std::size_t labs) {
  return 2 * labs;
}

/// Indices of agents referred to by id, and each lab's dominant origin bloc; rebuilt when an event
/// changes the scenario.
struct Index {
  std::vector<int> lab_origin;         // nation index per lab
  std::vector<int> chip_origin;        // nation index per chipmaker
  std::vector<std::uint8_t> lab_bloc;  // dominant bloc of each lab's origin
  explicit Index(const ScenarioDef& def);
};

/// Per (nation, sector, option) tables an adopter's choice reads this month.
struct ChoiceTables {
  std::size_t options = 0;              // 2 L
  std::vector<std::uint8_t> available;  // [(n * S + s) * options + o]
  std::vector<double> base_utility;     // [(n * S + s) * options + o]: capability, price, openness
  std::vector<double> risk;             // [n * options + o]: origin risk as nation n sees it
  std::vector<double> price;            // [n * options + o]: price an adopter of nation n pays, USD per 1M tokens
  std::vector<int> hardware;            // [n * options + o]: chipmaker the model runs on for nation n, or -1
};

// ---- market.cpp -----------------------------------------------------------------------------------

/// Risk each nation sees in each nation as an origin: b_n^T H b_o with normalized bloc mixes.
std::vector<double> origin_risk(const ScenarioDef& def);  // [viewer * N + origin]

/// Dominant bloc of a nation (ties go to the earlier bloc: us, china, nonaligned).
Bloc dominant_bloc(const NationDef& nation);

/// Index of a nation or chipmaker id, or -1.
int index_of_nation(const ScenarioDef& def, const std::string& id);
int index_of_chipmaker(const ScenarioDef& def, const std::string& id);

/// Sets each chipmaker's supply from materials export bans.
void update_supply(const ScenarioDef& def, const Index& idx, std::vector<ChipState>& chips);

/// Effective performance per dollar of lab j's models on chipmaker m for buyers of nation `buyer`, or
/// 0 when the buyer may not buy m's chips.
double effective_perf(const ScenarioDef& def, const std::vector<ChipState>& chips, std::size_t j, std::size_t m, int buyer);

/// Chooses each lab's chips and sets its serving cost-based price (markups, commoditization, subsidy).
void set_prices(const ScenarioDef& def, const std::vector<ChipState>& chips, int months_done, std::vector<LabState>& labs);

/// Price lab j charges, or would charge, as a closed lab: serving cost times a markup that open usage
/// of similar capability erodes, less its subsidy.
double closed_price(const ScenarioDef& def, const std::vector<LabState>& labs, std::size_t j);

/// Price of lab j's open weights served by hosts at `cost` on chips of performance `perf`: cost plus
/// hosting margin, less the lab's subsidy.
double hosted_price(const ScenarioDef& def, double cost, std::size_t j, double perf);

/// Builds this month's choice tables.
ChoiceTables make_choice_tables(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs,
                                const std::vector<ChipState>& chips, const std::vector<double>& nation_risk);

/// Advances chipmakers' ecosystems from this month's usage on their chips.
void advance_ecosystems(const ScenarioDef& def, const std::vector<LabState>& labs, std::vector<ChipState>& chips);

// ---- labs.cpp -------------------------------------------------------------------------------------

/// Token demand per month at full adoption in month index `months_done` (0 for the first month):
/// D0 exp(G H' (1 - 2^(-tau / 12 H))), G = ln(1 + demand_growth), H' = H / ln 2, H the half-life in years.
double token_demand(const BehaviourDef& b, int months_done);

/// Release decisions at the start of a month: the loss-leader rule and adaptive labs' payoff
/// comparison, from last month's usage. Changes def.labs[j].open.
void decide_release(ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs, int months_done);

/// Payoffs a lab compares when deciding (USD per month): open release and closed release.
struct ReleasePayoff {
  double open = 0, closed = 0;
};
ReleasePayoff release_payoff(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs, std::size_t j, int months_done);

/// Revenue, valuation and compute purchases after a month's usage; rations chipmakers' capacity.
void settle_money(const ScenarioDef& def, std::vector<LabState>& labs, std::vector<ChipState>& chips);

/// Capability for next month: own growth from compute, distillation, community. Reads `labs`, returns the next.
std::vector<LabState> advance_capability(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs);

// ---- policy.cpp -----------------------------------------------------------------------------------

/// Applies nations' dependency rules from last month's dependency; returns whether any ban changed.
bool apply_policy_rules(ScenarioDef& def, std::vector<NationState>& nations);

}  // namespace geosim
