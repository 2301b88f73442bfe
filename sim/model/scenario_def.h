#pragma once
// The plain-data definition of a scenario: what the loader produces and the world starts from.
// Field meanings, units, ranges and defaults are declared once, in model/parameters.cpp; the fields
// here carry no defaults of their own so that there is only one place to look.
#include <array>
#include <cstdint>
#include <map>
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
  double ecosystem_growth{};
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
  std::vector<std::string> rule_ban_sectors;  // sector names
};

/// An AI lab: origin, openness, capability and price.
struct LabDef {
  std::string id, name;
  std::string origin;  // nation id
  bool open{};
  double capability{};
  double capability_growth{};
  double cost{};
  double markup{};
  double subsidy{};
  bool distill{};
  bool distillable{};
  double risk_discount{};
  std::map<std::string, double> affinity;  // chipmaker id -> fit in [0, 1]
  std::string strategy;                    // "fixed" or "adaptive"
  double close_at_share{};
  bool state_backed{};
  double funding{};
  double valuation{};
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
};

/// A value a scenario key can hold; integers travel as doubles, months and choices as strings.
using Value = std::variant<double, bool, std::string, std::vector<std::string>, std::map<std::string, double>>;

/// One change made by a timeline event: schema key `key` (an index into schema()) of agent `agent`.
struct Change {
  std::size_t key = 0;
  std::size_t agent = 0;  // index into the agent list the key belongs to; 0 for behaviour keys
  Value value;
};

/// A timed set of changes, applied at the start of month `at`.
struct EventDef {
  Month at;
  std::string id, note;
  std::vector<Change> changes;
};

/// The whole scenario: everything a run needs, fully resolved (no extends, every default filled).
struct ScenarioDef {
  std::string name, description;
  Month start;
  int months{};
  std::uint64_t seed{};
  PopulationDef population;
  BehaviourDef behaviour;
  std::vector<NationDef> nations;
  std::vector<LabDef> labs;
  std::vector<ChipmakerDef> chipmakers;
  std::vector<EventDef> events;  // sorted by month, then by order of appearance
};

}  // namespace geosim
