#pragma once
// The plain-data definition of a scenario: what the loader produces and the world starts from.
// Field meanings, units, ranges and defaults are declared once, in model/parameters.cpp; the fields
// here carry no defaults of their own so that there is only one place to look.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/month.h"

namespace geosim {

/// Geopolitical blocs; a nation is a weighted mix of them.
enum class Bloc : std::uint8_t { us = 0, china = 1, nonaligned = 2 };
inline constexpr int bloc_count = 3;
inline constexpr std::array<const char*, bloc_count> bloc_names = {"us", "china", "nonaligned"};

/// Kinds of adopters; sectors weigh openness differently and can be subject to bans.
enum class Sector : std::uint8_t { enterprise = 0, public_sector = 1, developer = 2 };
inline constexpr int sector_count = 3;
inline constexpr std::array<const char*, sector_count> sector_names = {"enterprise", "public", "developer"};

/// Who an adopter watches when deciding.
enum class NetworkKind : std::uint8_t { well_mixed, small_world, scale_free };

/// Adopter population and its social network.
struct PopulationDef {
  std::int64_t adopters{};
  double initial_adoption{};
  std::array<double, sector_count> sector_weights{};
  double size_sigma{};
  double risk_sigma{};
  NetworkKind network{};
  int degree{};
  double rewire{};
};

/// Behaviour parameters shared by all adopters and labs.
struct BehaviourDef {
  double bass_p{};
  double bass_q{};
  double revisit_rate{};
  double w_capability{};
  double w_price{};
  double w_openness{};
  double w_origin_risk{};
  double w_neighbours{};
  double w_switching{};
  std::array<double, sector_count> openness_weight{};
  double hostility_us_china{};
  double hostility_us_nonaligned{};
  double hostility_china_nonaligned{};
  double rival_threshold{};
  double distillation_rate{};
  double community_rate{};
  double compute_elasticity{};
  double tokens_per_month{};
  double demand_growth{};
  double demand_growth_halflife{};
  double cost_decline{};
  double capability_cost{};
  double commoditization{};
  double commoditization_window{};
  double hosting_margin{};
  double open_api_share{};
  int strategy_interval{};
  double close_retention{};
  double influence_value{};
  double state_influence_multiplier{};
  double strategy_hysteresis{};
  double materials_substitution{};
  double valuation_multiple{};
  double growth_multiple{};
  double invest_rate{};
  double reference_compute_spend{};
  double reference_capability{};
  double compute_per_capability{};
  double research_compute_growth{};


  double ecosystem_growth{};
  double capacity_expansion{};
  // Product attributes, origin risk by sector, chip purchases, demand response.
  double w_support{};
  double w_compliance{};
  double w_trust{};
  std::array<double, sector_count> attribute_weight{};
  std::array<double, sector_count> risk_weight{};
  double chip_choice_sensitivity{};
  double demand_price_elasticity{};
  double demand_capability_elasticity{};
  double demand_adjustment{};
};

/// A nation: bloc alignment, demand for AI, and its policy levers.
struct NationDef {
  std::string id, name;
  std::array<double, bloc_count> bloc{};
  double adopter_weight{};
  std::vector<std::string> deny_frontier_access;  // nation ids
  std::vector<std::string> ban_rival_models_in;   // sector names
  double open_release_penalty{};
  std::vector<std::string> materials_export_ban;  // nation ids
  double rule_ban_threshold{};
  int rule_ban_lag{};
  std::vector<std::string> rule_ban_sectors;    // sector names
  std::vector<std::string> chip_buy_ban;        // chipmaker ids this nation's labs and hosts may not buy
  std::vector<std::string> distillation_guard;  // nation ids whose labs reach this nation's closed lines only through leaks
};

/// What a model line offers: one of a lab's models (a lab's main line is described by the lab's keys).
struct LineKeys {
  bool open{};
  double capability{};  // at the start; an event sets the line's current capability (a release jump)
  double cost{};
  double markup{};
  std::map<std::string, double> affinity;   // chipmaker id -> fit in [0, 1]
  double distillable{};                     // share of the gap to this line others can close by distillation
  double distill_leak{};                    // share of that which reaches distillers the line's origin guards against
  double support{}, compliance{}, trust{};  // product attributes in [0, 1] beyond capability
  bool active = true;                       // offered to adopters (a main line always is)
};

/// An AI lab: origin, research pace and money; its main line (`line`) is the model it is known by.
struct LabDef {
  std::string id, name;
  std::string origin;  // nation id
  LineKeys line;       // the main line, whose id is the lab's
  double research_efficiency{};
  double subsidy{};
  bool distill{};
  double risk_discount{};
  std::string strategy;                    // "fixed" or "adaptive"
  double close_at_share{};
  bool state_backed{};
  double funding{};
  double valuation{};
};

/// A further model line of a lab (an open tier beside a closed one, a line launched later).
struct LineDef {
  std::string id, name;
  std::string lab;  // lab id
  LineKeys keys;
};

/// A chipmaker: origin and performance per dollar.
struct ChipmakerDef {
  std::string id, name;
  std::string origin;  // nation id
  double perf_per_dollar{};
  std::vector<std::string> export_banned_to;  // nation ids whose labs may not buy its chips
  double capacity{};
  double ecosystem{};
  std::map<std::string, double> materials_from;  // nation id -> share of critical inputs
  std::map<std::string, double> export_tier;     // nation id -> share of the chip's performance it may buy there (default 1)
  std::map<std::string, double> licence_fee;     // nation id -> licence fee as a share of the sale price (default 0)
};

/// A value a scenario key can hold; integers travel as doubles, months and choices as strings.
using Value = std::variant<double, bool, std::string, std::vector<std::string>, std::map<std::string, double>>;

/// One change made by a timeline event: schema key `key` (an index into schema()) of agent `agent`.
struct Change {
  std::size_t key = 0;
  std::size_t agent = 0;  // index into the agent list the key belongs to; 0 for behaviour keys
  Value value;
};

/// A signpost that fires an event (an adaptive policy): an output of the run above or below a
/// threshold at the end of `months` months in a row (docs/model.md 3.3).
struct TriggerDef {
  std::string metric, scope = "world";
  std::optional<double> above, below;  // exactly one is set
  int months = 1;
};

/// A set of changes, applied at the start of month `at`, or, with a trigger, at the start of the month
/// after the trigger's condition has held.
struct EventDef {
  Month at;  // unused for a triggered event
  std::string id, note;
  std::vector<Change> changes;
  bool enabled = true;  // false: read and checked, never applied (what a what-if's attribution switches)
  std::optional<TriggerDef> when;
};

/// The order events apply in: dated ones by month, then triggered ones (a stable sort by it keeps
/// file order within each).
inline bool applies_before(const EventDef& a, const EventDef& b) {
  return !a.when && (b.when || a.at < b.at);
}

/// The model's mechanisms, each of which a scenario may switch off to see what it contributes: off,
/// it holds the keys that drive it at neutral values for the whole run (docs/model.md 3.15).
struct MechanismsDef {
  bool commoditization = true, hardware = true, export_controls = true, distillation = true, release = true, materials = true,
       origin_risk = true, neighbours = true, demand_response = true;
};

/// A claim a what-if scenario tests: the direction its effect on one output should take at a month
/// (against the baseline it extends). The model never reads it; `geosim compare` does.
struct ClaimDef {
  std::string id, metric, scope = "world", text;
  Month at;
  bool increase = true;  // the claimed effect raises the output (false: lowers it)
};

/// The whole scenario: everything a run needs, fully resolved (no extends, every default filled).
struct ScenarioDef {
  std::string name, description;
  std::string plausible;  // the calibration's plausible points (a CSV), as written: relative to the file that sets it
  Month start;
  int months{};
  std::uint64_t seed{};
  PopulationDef population;
  BehaviourDef behaviour;
  std::vector<NationDef> nations;
  std::vector<LabDef> labs;
  std::vector<LineDef> lines;  // further lines; every lab also has its main line
  std::vector<ChipmakerDef> chipmakers;
  std::vector<std::string> outputs_without;  // nation ids: usage of the world without each (like-for-like)
  MechanismsDef mechanisms;

  std::vector<EventDef> events;  // sorted by month, then by order of appearance
  std::vector<ClaimDef> claims;  // in order of appearance
};

}  // namespace geosim
