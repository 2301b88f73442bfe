#include "model/parameters.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "model/value_check.h"

namespace geosim {
namespace {

// ---- where a key's value lives -------------------------------------------------------------------

template <class Owner>
Owner& owner_of(ScenarioDef& d, std::size_t i);
template <>
ScenarioDef& owner_of<ScenarioDef>(ScenarioDef& d, std::size_t) {
  return d;
}
template <>
PopulationDef& owner_of<PopulationDef>(ScenarioDef& d, std::size_t) {
  return d.population;
}
template <>
BehaviourDef& owner_of<BehaviourDef>(ScenarioDef& d, std::size_t) {
  return d.behaviour;
}
template <>
NationDef& owner_of<NationDef>(ScenarioDef& d, std::size_t i) {
  return d.nations.at(i);
}
template <>
LabDef& owner_of<LabDef>(ScenarioDef& d, std::size_t i) {
  return d.labs.at(i);
}
template <>
LineDef& owner_of<LineDef>(ScenarioDef& d, std::size_t i) {
  return d.lines.at(i);
}
template <>
ChipmakerDef& owner_of<ChipmakerDef>(ScenarioDef& d, std::size_t i) {
  return d.chipmakers.at(i);
}

// ---- Value <-> field conversions (the loader has already checked type and range) -----------------

void assign(double& f, const Value& v) {
  f = std::get<double>(v);
}
void assign(int& f, const Value& v) {
  f = static_cast<int>(std::llround(std::get<double>(v)));
}
void assign(std::int64_t& f, const Value& v) {
  f = std::llround(std::get<double>(v));
}
void assign(std::uint64_t& f, const Value& v) {
  f = static_cast<std::uint64_t>(std::llround(std::get<double>(v)));
}
void assign(bool& f, const Value& v) {
  f = std::get<bool>(v);
}
void assign(std::string& f, const Value& v) {
  f = std::get<std::string>(v);
}
void assign(std::vector<std::string>& f, const Value& v) {
  f = std::get<std::vector<std::string>>(v);
}
void assign(std::map<std::string, double>& f, const Value& v) {
  f = std::get<std::map<std::string, double>>(v);
}
void assign(Month& f, const Value& v) {
  auto m = parse_month(std::get<std::string>(v));
  if (!m) throw std::logic_error("month value not validated: " + std::get<std::string>(v));
  f = *m;
}
/// The network kinds' names, in NetworkKind's order: the one place they are spelt.
const std::vector<std::string> network_names = {"well_mixed", "small_world", "scale_free"};

void assign(NetworkKind& f, const Value& v) {
  const auto at = std::find(network_names.begin(), network_names.end(), std::get<std::string>(v));
  if (at == network_names.end()) throw std::logic_error("network kind not validated: " + std::get<std::string>(v));
  f = static_cast<NetworkKind>(at - network_names.begin());
}

Value to_value(double f) {
  return f;
}
Value to_value(int f) {
  return static_cast<double>(f);
}
Value to_value(std::int64_t f) {
  return static_cast<double>(f);
}
Value to_value(std::uint64_t f) {
  return static_cast<double>(f);
}
Value to_value(bool f) {
  return f;
}
Value to_value(const std::string& f) {
  return f;
}
Value to_value(const std::vector<std::string>& f) {
  return f;
}
Value to_value(const std::map<std::string, double>& f) {
  return f;
}
Value to_value(Month f) {
  return f.str();
}
Value to_value(NetworkKind f) {
  return network_names.at(static_cast<std::size_t>(f));
}

// ---- declaration helpers ------------------------------------------------------------------------

KeySpec spec(std::string path, KeyType type, std::string def, std::string unit, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = type;
  k.required = def.empty();
  k.default_text = std::move(def);
  k.unit = std::move(unit);
  k.doc = std::move(doc);
  return k;
}

KeySpec number(std::string path, KeyType type, double lo, double hi, std::string def, std::string unit, std::string doc) {
  KeySpec k = spec(std::move(path), type, std::move(def), std::move(unit), std::move(doc));
  k.min = lo;
  k.max = hi;
  return k;
}

KeySpec optional(KeySpec k) {
  k.required = false;
  return k;
}

KeySpec settable(KeySpec k) {
  k.settable = true;
  return k;
}

KeySpec refers(KeySpec k, AgentList list) {
  k.ref = list;
  return k;
}

KeySpec choices(KeySpec k, std::vector<std::string> c) {
  k.choices = std::move(c);
  return k;
}

/// Binds a declared key to the field `access(owner)` and appends it.
template <class Owner, class Access>
void add(std::vector<KeySpec>& out, KeySpec k, Access access) {
  k.set = [access](ScenarioDef& d, std::size_t i, const Value& v) { assign(access(owner_of<Owner>(d, i)), v); };
  k.get = [access](const ScenarioDef& d, std::size_t i) { return to_value(access(owner_of<Owner>(const_cast<ScenarioDef&>(d), i))); };
  out.push_back(std::move(k));
}

const std::vector<std::string> sector_choices(sector_names.begin(), sector_names.end());

/// Declares the keys of a model line under `list` ("labs[]" for a lab's main line, "lines[]"), bound to
/// the LineKeys that `keys` finds in the owner; `what` names the line in the keys' meanings.
template <class Owner, class Keys>
void line_keys(std::vector<KeySpec>& s, const std::string& list, const std::string& what, Keys keys) {
  using K = KeyType;
  auto at = [&](const char* key) { return list + "." + key; };
  add<Owner>(s, settable(spec(at("open"), K::boolean, "", "", "Whether " + what + " is released as open weights.")),
             [keys](Owner& o) -> auto& { return keys(o).open; });
  {
    KeySpec k = settable(number(at("capability"), K::real, 0, 1000, "", "capability-months",
                                "Capability of " + what + " at the start, in months of frontier progress (the 2023-01 frontier is 100); an event sets its current capability (a release jump)."));
    k.sets_state = true;
    add<Owner>(s, std::move(k), [keys](Owner& o) -> auto& { return keys(o).capability; });
  }
  add<Owner>(s, number(at("cost"), K::real, 0.0001, 10000, "", "USD per 1M tokens",
                       "Cost of serving " + what + " at the start's prices, on reference chips with a mature ecosystem, at its starting capability."),
             [keys](Owner& o) -> auto& { return keys(o).cost; });
  add<Owner>(s, settable(number(at("markup"), K::real, 0, 100, "2", "fraction of cost", "Markup of the API price of " + what + " over its serving cost while closed, before commoditization.")),
             [keys](Owner& o) -> auto& { return keys(o).markup; });
  {
    KeySpec k = settable(refers(spec(at("affinity"), K::ref_map, "{}", "fit", "How well " + what + " runs on each chipmaker's platform, 0 to 1; chipmakers not named get 1."), AgentList::chipmakers));
    k.min = 0;
    k.max = 1;
    add<Owner>(s, std::move(k), [keys](Owner& o) -> auto& { return keys(o).affinity; });
  }
  add<Owner>(s, settable(number(at("distillable"), K::real, 0, 1, "1", "share",
                                "Share of the gap to " + what + " that other labs can close by distillation while it is closed (0: outputs guarded; open weights are always fully distillable).")),
             [keys](Owner& o) -> auto& { return keys(o).distillable; });
  add<Owner>(s, settable(number(at("distill_leak"), K::real, 0, 1, "0.3", "share",
                                "Share of that distillability still reaching labs of nations the line's origin guards against (nations[].distillation_guard): intermediaries, published outputs.")),
             [keys](Owner& o) -> auto& { return keys(o).distill_leak; });
  add<Owner>(s, settable(number(at("support"), K::real, 0, 1, "0", "score", "Vendor support of " + what + ": service levels, help with integration, indemnities (0 none, 1 full).")),
             [keys](Owner& o) -> auto& { return keys(o).support; });
  add<Owner>(s, settable(number(at("compliance"), K::real, 0, 1, "0", "score", "Compliance of " + what + ": certifications, data residency, audit trails (0 none, 1 full).")),
             [keys](Owner& o) -> auto& { return keys(o).compliance; });
  add<Owner>(s, settable(number(at("trust"), K::real, 0, 1, "0", "score", "Reputation of " + what + " for safety and reliability with buyers (0 none, 1 full), apart from its origin.")),
             [keys](Owner& o) -> auto& { return keys(o).trust; });
}


std::vector<KeySpec> declare() {
  using K = KeyType;
  std::vector<KeySpec> s;
  // clang-format off

  // -- top level
  add<ScenarioDef>(s, optional(spec("name", K::text, "", "", "Short name of the scenario; defaults to the file name without .yaml.")),
                   [](ScenarioDef& d) -> auto& { return d.name; });
  add<ScenarioDef>(s, optional(spec("description", K::text, "", "", "What the scenario is and which claim it tests.")),
                   [](ScenarioDef& d) -> auto& { return d.description; });
  add<ScenarioDef>(s, spec("start", K::month, "", "month", "First simulated month, YYYY-MM."),
                   [](ScenarioDef& d) -> auto& { return d.start; });
  add<ScenarioDef>(s, number("months", K::integer, 1, 1200, "", "months", "Number of months simulated."),
                   [](ScenarioDef& d) -> auto& { return d.months; });
  add<ScenarioDef>(s, number("seed", K::integer, 0, 9007199254740991.0, "1", "id number", "Seed of every random draw; same seed, same results."),
                   [](ScenarioDef& d) -> auto& { return d.seed; });

  // -- population
  add<PopulationDef>(s, number("population.adopters", K::integer, 1, 100000000, "100000", "adopters", "Number of simulated adopters (firms, developers, public bodies)."),
                     [](PopulationDef& p) -> auto& { return p.adopters; });
  add<PopulationDef>(s, number("population.initial_adoption", K::real, 0, 1, "0", "share", "Share of adopters (by count) already using a model in the first month; they choose by the logit rule."),
                     [](PopulationDef& p) -> auto& { return p.initial_adoption; });
  add<PopulationDef>(s, number("population.sectors.enterprise", K::real, 0, 1, "0.6", "weight", "Relative share of adopters that are enterprises."),
                     [](PopulationDef& p) -> auto& { return p.sector_weights[0]; });
  add<PopulationDef>(s, number("population.sectors.public", K::real, 0, 1, "0.1", "weight", "Relative share of adopters that are public bodies."),
                     [](PopulationDef& p) -> auto& { return p.sector_weights[1]; });
  add<PopulationDef>(s, number("population.sectors.developer", K::real, 0, 1, "0.3", "weight", "Relative share of adopters that are independent developers and start-ups."),
                     [](PopulationDef& p) -> auto& { return p.sector_weights[2]; });
  add<PopulationDef>(s, number("population.size_sigma", K::real, 0, 4, "1.0", "log units", "Spread (log-normal sigma) of adopter size, the weight of an adopter's AI usage."),
                     [](PopulationDef& p) -> auto& { return p.size_sigma; });
  add<PopulationDef>(s, number("population.risk_sigma", K::real, 0, 2, "0.3", "log units", "Spread (log-normal sigma, mean 1) of adopters' sensitivity to origin risk."),
                     [](PopulationDef& p) -> auto& { return p.risk_sigma; });
  add<PopulationDef>(s, choices(spec("population.network.kind", K::choice, "small_world", "", "Social network: well_mixed (everyone sees the world's shares), small_world (Watts-Strogatz ring, rewired) or scale_free (preferential attachment)."),
                                network_names),
                     [](PopulationDef& p) -> auto& { return p.network; });
  add<PopulationDef>(s, number("population.network.degree", K::integer, 2, 64, "8", "neighbours", "Mean number of neighbours each adopter watches (even for small_world)."),
                     [](PopulationDef& p) -> auto& { return p.degree; });
  add<PopulationDef>(s, number("population.network.rewire", K::real, 0, 1, "0.1", "probability", "small_world: probability that a ring link is rewired to a random adopter."),
                     [](PopulationDef& p) -> auto& { return p.rewire; });

  // -- behaviour
  auto beh = [&s](KeySpec k, auto access) { add<BehaviourDef>(s, settable(std::move(k)), access); };
  beh(number("behaviour.bass_p", K::real, 0, 12, "0.03", "per year", "Bass innovation coefficient p: adoption hazard without any adopting neighbour (Sultan et al. 1990 mean)."),
      [](BehaviourDef& b) -> auto& { return b.bass_p; });
  beh(number("behaviour.bass_q", K::real, 0, 12, "0.38", "per year", "Bass imitation coefficient q: extra hazard when every neighbour has adopted (Sultan et al. 1990 mean)."),
      [](BehaviourDef& b) -> auto& { return b.bass_q; });
  beh(number("behaviour.revisit_rate", K::real, 0, 12, "0.5", "per year", "Rate at which an adopter reconsiders its model."),
      [](BehaviourDef& b) -> auto& { return b.revisit_rate; });
  beh(number("behaviour.utility.capability", K::real, 0, 10, "0.08", "per capability-month", "Logit weight of a model's capability."),
      [](BehaviourDef& b) -> auto& { return b.w_capability; });
  beh(number("behaviour.utility.price", K::real, 0, 10, "0.6", "per log(USD per 1M tokens)", "Logit weight of the log of a model's price (higher: more price-sensitive)."),
      [](BehaviourDef& b) -> auto& { return b.w_price; });
  beh(number("behaviour.utility.openness", K::real, 0, 10, "1.0", "utility", "Logit weight of open weights (fine-tuning, sovereignty), times the sector's openness weight."),
      [](BehaviourDef& b) -> auto& { return b.w_openness; });
  beh(number("behaviour.utility.origin_risk", K::real, 0, 20, "2.0", "per unit risk", "Logit weight of the risk of a model's origin as the adopter's nation sees it."),
      [](BehaviourDef& b) -> auto& { return b.w_origin_risk; });
  beh(number("behaviour.utility.neighbours", K::real, 0, 20, "1.0", "per unit share", "Logit weight of the size-weighted share of neighbours using the model."),
      [](BehaviourDef& b) -> auto& { return b.w_neighbours; });
  beh(number("behaviour.utility.switching_cost", K::real, 0, 20, "1.5", "utility", "Utility lost by switching away from the model in use."),
      [](BehaviourDef& b) -> auto& { return b.w_switching; });
  beh(number("behaviour.utility.support", K::real, 0, 10, "1.0", "per unit score", "Logit weight of a line's vendor support, times the sector's attribute weight."),
      [](BehaviourDef& b) -> auto& { return b.w_support; });
  beh(number("behaviour.utility.compliance", K::real, 0, 10, "1.0", "per unit score", "Logit weight of a line's compliance, times the sector's attribute weight."),
      [](BehaviourDef& b) -> auto& { return b.w_compliance; });
  beh(number("behaviour.utility.trust", K::real, 0, 10, "1.0", "per unit score", "Logit weight of a line's reputation for safety and reliability, times the sector's attribute weight."),
      [](BehaviourDef& b) -> auto& { return b.w_trust; });
  beh(number("behaviour.openness_weight.enterprise", K::real, 0, 5, "0.5", "factor", "How much enterprises value open weights."),
      [](BehaviourDef& b) -> auto& { return b.openness_weight[0]; });
  beh(number("behaviour.openness_weight.public", K::real, 0, 5, "1.0", "factor", "How much public bodies value open weights (sovereignty)."),
      [](BehaviourDef& b) -> auto& { return b.openness_weight[1]; });
  beh(number("behaviour.openness_weight.developer", K::real, 0, 5, "1.5", "factor", "How much developers value open weights (fine-tuning)."),
      [](BehaviourDef& b) -> auto& { return b.openness_weight[2]; });
  beh(number("behaviour.attribute_weight.enterprise", K::real, 0, 5, "1.0", "factor", "How much enterprises value support, compliance and trust."),
      [](BehaviourDef& b) -> auto& { return b.attribute_weight[0]; });
  beh(number("behaviour.attribute_weight.public", K::real, 0, 5, "1.0", "factor", "How much public bodies value support, compliance and trust."),
      [](BehaviourDef& b) -> auto& { return b.attribute_weight[1]; });
  beh(number("behaviour.attribute_weight.developer", K::real, 0, 5, "0.3", "factor", "How much developers value support, compliance and trust."),
      [](BehaviourDef& b) -> auto& { return b.attribute_weight[2]; });
  beh(number("behaviour.risk_weight.enterprise", K::real, 0, 5, "1.0", "factor", "How much enterprises weigh origin risk (times utility.origin_risk)."),
      [](BehaviourDef& b) -> auto& { return b.risk_weight[0]; });
  beh(number("behaviour.risk_weight.public", K::real, 0, 5, "1.0", "factor", "How much public bodies weigh origin risk (times utility.origin_risk)."),
      [](BehaviourDef& b) -> auto& { return b.risk_weight[1]; });
  beh(number("behaviour.risk_weight.developer", K::real, 0, 5, "1.0", "factor", "How much developers weigh origin risk (times utility.origin_risk)."),
      [](BehaviourDef& b) -> auto& { return b.risk_weight[2]; });
  beh(number("behaviour.hostility.us_china", K::real, 0, 1, "1.0", "risk", "Risk a fully US-aligned nation sees in a fully China-aligned origin, and the reverse."),
      [](BehaviourDef& b) -> auto& { return b.hostility_us_china; });
  beh(number("behaviour.hostility.us_nonaligned", K::real, 0, 1, "0.2", "risk", "Risk between the US bloc and non-aligned nations."),
      [](BehaviourDef& b) -> auto& { return b.hostility_us_nonaligned; });
  beh(number("behaviour.hostility.china_nonaligned", K::real, 0, 1, "0.2", "risk", "Risk between the China bloc and non-aligned nations."),
      [](BehaviourDef& b) -> auto& { return b.hostility_china_nonaligned; });
  beh(number("behaviour.rival_threshold", K::real, 0, 1, "0.5", "risk", "Origin risk at or above which a nation counts the origin as a rival (bans, dependency)."),
      [](BehaviourDef& b) -> auto& { return b.rival_threshold; });
  beh(number("behaviour.distillation_rate", K::real, 0, 1, "0.05", "per month", "Fraction of the gap to the best model a lab can distil from that it closes each month."),
      [](BehaviourDef& b) -> auto& { return b.distillation_rate; });
  beh(number("behaviour.community_rate", K::real, 0, 10, "0.5", "capability-months per month", "Extra capability growth of an open line per unit of its own world usage share (community contributions)."),
      [](BehaviourDef& b) -> auto& { return b.community_rate; });
  beh(number("behaviour.compute_elasticity", K::real, 0, 2, "0.5", "exponent", "Elasticity of capability growth to the compute a lab buys (spend times performance per dollar), before saturation."),
      [](BehaviourDef& b) -> auto& { return b.compute_elasticity; });
  beh(number("behaviour.tokens_per_month", K::real, 0, 1e18, "2e14", "tokens per month", "World demand for AI tokens at the start if every adopter had adopted; grows by demand_growth; turns usage shares into revenue."),
      [](BehaviourDef& b) -> auto& { return b.tokens_per_month; });
  beh(number("behaviour.demand_growth", K::real, 0, 10, "1.0", "fraction per year", "Growth of token demand per year at the start (1: doubling); the growth rate itself halves every demand_growth_halflife years."),
      [](BehaviourDef& b) -> auto& { return b.demand_growth; });
  beh(number("behaviour.demand_growth_halflife", K::real, 0.1, 30, "3", "years", "Years in which the growth rate of token demand halves."),
      [](BehaviourDef& b) -> auto& { return b.demand_growth_halflife; });
  beh(number("behaviour.demand_price_elasticity", K::real, 0, 5, "1.2", "elasticity",
             "Long-run elasticity of token demand to the usage-weighted price index (above 1: spending grows as prices fall, as Jevons found for coal)."),
      [](BehaviourDef& b) -> auto& { return b.demand_price_elasticity; });
  beh(number("behaviour.demand_capability_elasticity", K::real, 0, 1, "0.01", "per capability-month",
             "Long-run growth of log token demand per capability-month gained by the usage-weighted capability index (better models find more uses)."),
      [](BehaviourDef& b) -> auto& { return b.demand_capability_elasticity; });
  beh(number("behaviour.demand_adjustment", K::real, 0, 1, "0.05", "per month",
             "Share of the gap between log demand and its long-run level closed each month: the short-run elasticity is this times the long-run one."),
      [](BehaviourDef& b) -> auto& { return b.demand_adjustment; });
  beh(number("behaviour.cost_decline", K::real, 0, 0.99, "0.6", "fraction per year", "Fraction by which the cost of serving a lab's models falls each year (algorithms and hardware)."),
      [](BehaviourDef& b) -> auto& { return b.cost_decline; });
  beh(number("behaviour.capability_cost", K::real, 0, 1, "0.05", "log USD per capability-month", "Serving cost grows by exp(this) per capability-month a model gains over the lab's starting model."),
      [](BehaviourDef& b) -> auto& { return b.capability_cost; });
  beh(number("behaviour.commoditization", K::real, 0, 1, "0.5", "fraction", "How much open models of similar capability erode a closed lab's markup (1: the whole markup at full open usage)."),
      [](BehaviourDef& b) -> auto& { return b.commoditization; });
  beh(number("behaviour.commoditization_window", K::real, 0, 120, "12", "capability-months", "An open model erodes a closed lab's markup when its capability is within this distance below the closed lab's, or above it."),
      [](BehaviourDef& b) -> auto& { return b.commoditization_window; });
  beh(number("behaviour.hosting_margin", K::real, 0, 5, "0.3", "fraction", "Margin of hosts over serving cost for open weights."),
      [](BehaviourDef& b) -> auto& { return b.hosting_margin; });
  beh(number("behaviour.open_api_share", K::real, 0, 1, "0.2", "fraction", "Share of an open lab's usage served (and paid) through its own API."),
      [](BehaviourDef& b) -> auto& { return b.open_api_share; });
  beh(number("behaviour.strategy_interval", K::integer, 0, 120, "12", "months", "How often adaptive labs reconsider open versus closed release (0: never)."),
      [](BehaviourDef& b) -> auto& { return b.strategy_interval; });
  beh(number("behaviour.close_retention", K::real, 0, 1, "0.6", "fraction", "Share of its usage a lab expects to keep after closing its weights, in its release decision."),
      [](BehaviourDef& b) -> auto& { return b.close_retention; });
  beh(number("behaviour.influence_value", K::real, 0, 1e12, "5e8", "USD per month per unit usage share", "Value to a lab of diffusion, talent and influence from open release, per unit of world usage share."),
      [](BehaviourDef& b) -> auto& { return b.influence_value; });
  beh(number("behaviour.state_influence_multiplier", K::real, 1, 100, "3", "factor", "How much more a state-backed lab values influence."),
      [](BehaviourDef& b) -> auto& { return b.state_influence_multiplier; });
  beh(number("behaviour.strategy_hysteresis", K::real, 0, 10, "0.2", "fraction", "A lab changes its release strategy only when the other payoff is larger by this fraction."),
      [](BehaviourDef& b) -> auto& { return b.strategy_hysteresis; });
  beh(number("behaviour.materials_substitution", K::real, 0, 1, "0.2", "fraction", "Share of embargoed critical materials a chipmaker can replace from other sources."),
      [](BehaviourDef& b) -> auto& { return b.materials_substitution; });
  beh(number("behaviour.valuation_multiple", K::real, 0, 200, "15", "years of revenue", "Valuation over annual revenue for a lab with flat revenue."),
      [](BehaviourDef& b) -> auto& { return b.valuation_multiple; });
  beh(number("behaviour.growth_multiple", K::real, 0, 200, "20", "years of revenue per unit growth", "Extra valuation multiple per unit of monthly revenue growth over its 12-month average."),
      [](BehaviourDef& b) -> auto& { return b.growth_multiple; });
  beh(number("behaviour.invest_rate", K::real, 0, 2, "0.3", "fraction per year", "Share of its valuation a lab spends on compute each year."),
      [](BehaviourDef& b) -> auto& { return b.invest_rate; });
  beh(number("behaviour.reference_compute_spend", K::real, 1, 1e12, "3e8", "USD per month",
             "Compute spend on reference chips at which a lab of research efficiency 1 at the reference capability advances one capability-month a month."),
      [](BehaviourDef& b) -> auto& { return b.reference_compute_spend; });
  beh(number("behaviour.reference_capability", K::real, 0, 1000, "100", "capability-months", "Capability at which reference_compute_spend buys one capability-month a month."),
      [](BehaviourDef& b) -> auto& { return b.reference_capability; });
  beh(number("behaviour.research_compute_growth", K::real, 0, 20, "2.0", "fraction per year",
             "Growth per year of the research a dollar of compute buys (hardware price-performance and algorithms; 2: three times as much each year)."),
      [](BehaviourDef& b) -> auto& { return b.research_compute_growth; });
  beh(number("behaviour.compute_per_capability", K::real, 0, 1, "0.12", "log compute per capability-month",

             "How much more compute a lab needs to advance for each capability-month it stands above the reference capability: e^(12 x this) per capability-year (0.12: about 4x)."),
      [](BehaviourDef& b) -> auto& { return b.compute_per_capability; });
  beh(number("behaviour.ecosystem_growth", K::real, 0, 1, "0.05", "per month", "Rate at which a chipmaker's software ecosystem matures with its installed base and the models optimized for it."),
      [](BehaviourDef& b) -> auto& { return b.ecosystem_growth; });
  beh(number("behaviour.capacity_expansion", K::real, 0, 1, "0.04", "per month",
             "Share of the gap between the compute asked of a chipmaker and its capacity that it closes each month by expanding (fabs and supply take one to two years); capacity never shrinks."),
      [](BehaviourDef& b) -> auto& { return b.capacity_expansion; });
  beh(number("behaviour.chip_choice_sensitivity", K::real, 0, 100, "8", "exponent",
             "How strongly buyers (labs for their compute, hosts of open weights) concentrate their chip purchases on the chipmaker with the best performance per dollar: shares grow as performance to this power (0: equal shares)."),
      [](BehaviourDef& b) -> auto& { return b.chip_choice_sensitivity; });

  // -- nations
  add<NationDef>(s, spec("nations[].id", K::id, "", "", "Unique id of the nation, used by references."),
                 [](NationDef& n) -> auto& { return n.id; });
  add<NationDef>(s, optional(spec("nations[].name", K::text, "", "", "Display name; defaults to the id.")),
                 [](NationDef& n) -> auto& { return n.name; });
  for (int b = 0; b < bloc_count; ++b) {
    add<NationDef>(s, settable(number(std::string("nations[].bloc.") + bloc_names[b], K::real, 0, 1, "0", "weight",
                                      std::string("Weight of the nation's alignment with the ") + bloc_names[b] + " bloc (weights are normalized; at least one must be positive).")),
                   [b](NationDef& n) -> auto& { return n.bloc[b]; });
  }
  add<NationDef>(s, number("nations[].adopter_weight", K::real, 0, 1e6, "1", "weight", "Relative share of the world's adopters in this nation."),
                 [](NationDef& n) -> auto& { return n.adopter_weight; });
  add<NationDef>(s, settable(refers(spec("nations[].deny_frontier_access", K::ref_list, "[]", "", "Nations whose adopters this nation's closed lines may not serve (their labs may still distil from them: see distillation_guard)."), AgentList::nations)),
                 [](NationDef& n) -> auto& { return n.deny_frontier_access; });
  add<NationDef>(s, settable(choices(spec("nations[].ban_rival_models_in", K::choice_list, "[]", "", "Sectors in which this nation's adopters may not use models from rival origins."), sector_choices)),
                 [](NationDef& n) -> auto& { return n.ban_rival_models_in; });
  add<NationDef>(s, settable(number("nations[].open_release_penalty", K::real, 0, 1e12, "0", "USD per month", "Regulatory cost this nation imposes on its labs that release open weights.")),
                 [](NationDef& n) -> auto& { return n.open_release_penalty; });
  add<NationDef>(s, settable(refers(spec("nations[].materials_export_ban", K::ref_list, "[]", "", "Nations whose chipmakers may not buy this nation's critical materials (rare earths, copper, gallium)."), AgentList::nations)),
                 [](NationDef& n) -> auto& { return n.materials_export_ban; });
  add<NationDef>(s, settable(number("nations[].rule_ban_threshold", K::real, 0, 1, "0", "share", "Rule: ban rival models in rule_ban_sectors once rival_model_dependency exceeds this for rule_ban_lag months (0: no rule).")),
                 [](NationDef& n) -> auto& { return n.rule_ban_threshold; });
  add<NationDef>(s, settable(number("nations[].rule_ban_lag", K::integer, 1, 120, "6", "months", "Months the dependency must stay above the threshold before the rule bans.")),
                 [](NationDef& n) -> auto& { return n.rule_ban_lag; });
  add<NationDef>(s, settable(choices(spec("nations[].rule_ban_sectors", K::choice_list, "[public]", "", "Sectors the dependency rule bans rival models in."), sector_choices)),
                 [](NationDef& n) -> auto& { return n.rule_ban_sectors; });
  add<NationDef>(s, settable(refers(spec("nations[].chip_buy_ban", K::ref_list, "[]", "", "Chipmakers whose chips this nation tells its labs and hosts not to buy (a buyer-side ban)."), AgentList::chipmakers)),
                 [](NationDef& n) -> auto& { return n.chip_buy_ban; });
  add<NationDef>(s, settable(refers(spec("nations[].distillation_guard", K::ref_list, "[]", "", "Nations whose labs can distil from this nation's closed lines only through leaks (each line's distill_leak), not through their APIs."), AgentList::nations)),
                 [](NationDef& n) -> auto& { return n.distillation_guard; });


  // -- labs
  add<LabDef>(s, spec("labs[].id", K::id, "", "", "Unique id of the lab."), [](LabDef& l) -> auto& { return l.id; });
  add<LabDef>(s, optional(spec("labs[].name", K::text, "", "", "Display name; defaults to the id.")), [](LabDef& l) -> auto& { return l.name; });
  add<LabDef>(s, refers(spec("labs[].origin", K::ref, "", "", "Nation the lab belongs to."), AgentList::nations),
              [](LabDef& l) -> auto& { return l.origin; });
  line_keys<LabDef>(s, "labs[]", "the lab's main line", [](LabDef& l) -> LineKeys& { return l.line; });
  add<LabDef>(s, settable(number("labs[].research_efficiency", K::real, 0, 100, "1.0", "factor",
                                 "Multiplies the compute the lab's research learns from (algorithms, engineering; 1: the frontier labs' of 2023; 0: no own research).")),
              [](LabDef& l) -> auto& { return l.research_efficiency; });

  add<LabDef>(s, settable(number("labs[].subsidy", K::real, 0, 1, "0", "fraction of price", "State subsidy cutting the price of all the lab's lines (can push it below cost: dumping).")),
              [](LabDef& l) -> auto& { return l.subsidy; });
  add<LabDef>(s, settable(spec("labs[].distill", K::boolean, "true", "", "Whether the lab distils from better lines of other labs it can reach (behaviour.distillation_rate).")),
              [](LabDef& l) -> auto& { return l.distill; });
  add<LabDef>(s, settable(number("labs[].risk_discount", K::real, 0, 1, "0", "share", "Share of the lab's origin risk adopters no longer perceive, e.g. because a trusted platform of their own bloc hosts its models; bans and dependency still count the origin.")),
              [](LabDef& l) -> auto& { return l.risk_discount; });

  add<LabDef>(s, settable(choices(spec("labs[].strategy", K::choice, "fixed", "", "fixed: keeps its release strategy unless an event changes it; adaptive: reconsiders open versus closed every strategy_interval months."),
                                  {"fixed", "adaptive"})),
              [](LabDef& l) -> auto& { return l.strategy; });
  add<LabDef>(s, settable(number("labs[].close_at_share", K::real, 0, 1, "0", "share", "Loss leader: an open lab closes its next versions once the world usage share of its main line (current version) reaches this (0: never).")),
              [](LabDef& l) -> auto& { return l.close_at_share; });
  add<LabDef>(s, settable(spec("labs[].state_backed", K::boolean, "false", "", "Whether the state backs the lab; it then weighs influence more in its release decision.")),
              [](LabDef& l) -> auto& { return l.state_backed; });
  add<LabDef>(s, settable(number("labs[].funding", K::real, 0, 1e12, "0", "USD per month", "Compute spend paid from outside the lab's own valuation (a parent company, a state).")),
              [](LabDef& l) -> auto& { return l.funding; });
  add<LabDef>(s, number("labs[].valuation", K::real, 0, 1e14, "0", "USD", "Valuation at the start."),
              [](LabDef& l) -> auto& { return l.valuation; });

  // -- lines: further model lines of labs (a lab's main line is described by the lab's own keys)
  add<LineDef>(s, spec("lines[].id", K::id, "", "", "Unique id of the line, among labs' and lines' ids (a lab's main line has the lab's id)."),
               [](LineDef& l) -> auto& { return l.id; });
  add<LineDef>(s, optional(spec("lines[].name", K::text, "", "", "Display name; defaults to the id.")), [](LineDef& l) -> auto& { return l.name; });
  add<LineDef>(s, refers(spec("lines[].lab", K::ref, "", "", "Lab that fields the line: it grows at the lab's pace, earns for it and follows its origin."), AgentList::labs),
               [](LineDef& l) -> auto& { return l.lab; });
  line_keys<LineDef>(s, "lines[]", "the line", [](LineDef& l) -> LineKeys& { return l.keys; });
  add<LineDef>(s, settable(spec("lines[].active", K::boolean, "true", "", "Whether the line is on offer (false: declared for an event to launch it later; set false by an event to withdraw it).")),
               [](LineDef& l) -> auto& { return l.keys.active; });

  // -- chipmakers
  add<ChipmakerDef>(s, spec("chipmakers[].id", K::id, "", "", "Unique id of the chipmaker."), [](ChipmakerDef& c) -> auto& { return c.id; });
  add<ChipmakerDef>(s, optional(spec("chipmakers[].name", K::text, "", "", "Display name; defaults to the id.")), [](ChipmakerDef& c) -> auto& { return c.name; });
  add<ChipmakerDef>(s, refers(spec("chipmakers[].origin", K::ref, "", "", "Nation the chipmaker belongs to (its export controls apply)."), AgentList::nations),
                    [](ChipmakerDef& c) -> auto& { return c.origin; });
  add<ChipmakerDef>(s, settable(number("chipmakers[].perf_per_dollar", K::real, 0.001, 100, "", "relative", "Compute per dollar of its chips, relative to a reference chip.")),
                    [](ChipmakerDef& c) -> auto& { return c.perf_per_dollar; });
  add<ChipmakerDef>(s, settable(refers(spec("chipmakers[].export_banned_to", K::ref_list, "[]", "", "Nations whose labs may not buy this chipmaker's chips (export controls of its origin nation)."), AgentList::nations)),
                    [](ChipmakerDef& c) -> auto& { return c.export_banned_to; });
  {
    KeySpec k = settable(number("chipmakers[].capacity", K::real, 0, 1e15, "1e15", "USD per month",
                                "Compute it can deliver per month at the start, valued at reference prices, before materials shortfalls; it then grows toward demand (behaviour.capacity_expansion); an event sets it anew."));
    k.sets_state = true;
    add<ChipmakerDef>(s, std::move(k), [](ChipmakerDef& c) -> auto& { return c.capacity; });
  }
  add<ChipmakerDef>(s, number("chipmakers[].ecosystem", K::real, 0.05, 1, "1", "fraction", "Maturity of its software ecosystem at the start; multiplies the performance labs get from its chips."),
                    [](ChipmakerDef& c) -> auto& { return c.ecosystem; });
  {
    KeySpec k = settable(refers(spec("chipmakers[].materials_from", K::ref_map, "{}", "share", "Share of its critical materials (rare earths, copper, gallium) bought from each nation."), AgentList::nations));
    k.min = 0;
    k.max = 1;
    add<ChipmakerDef>(s, std::move(k), [](ChipmakerDef& c) -> auto& { return c.materials_from; });
  }
  {
    KeySpec k = settable(refers(spec("chipmakers[].export_tier", K::ref_map, "{}", "share",
                                     "Export tiers: share of its chips' performance per dollar that buyers of each nation may get (a performance cap such as an export-grade chip; 0 bans); nations not named get 1."),
                                AgentList::nations));
    k.min = 0;
    k.max = 1;
    add<ChipmakerDef>(s, std::move(k), [](ChipmakerDef& c) -> auto& { return c.export_tier; });
  }
  {
    KeySpec k = settable(refers(spec("chipmakers[].licence_fee", K::ref_map, "{}", "share of price",
                                     "Licence fee on sales to each nation, as a share of the sale price paid to the chipmaker's government and passed on to buyers; nations not named pay none."),
                                AgentList::nations));
    k.min = 0;
    k.max = 1;
    add<ChipmakerDef>(s, std::move(k), [](ChipmakerDef& c) -> auto& { return c.licence_fee; });
  }
  add<ScenarioDef>(s, refers(spec("outputs.without", K::ref_list, "[]", "", "Nations to leave out of like-for-like world shares: for each, the outputs of scope without:<id> (e.g. usage outside China)."), AgentList::nations),
                   [](ScenarioDef& d) -> auto& { return d.outputs_without; });


  // -- mechanisms: fixed for a run (not settable), each held off by switch_off_mechanisms
  {
    auto mech = [&s](const char* name, bool MechanismsDef::*field, const std::string& off) {
      add<ScenarioDef>(s, spec(std::string("mechanisms.") + name, K::boolean, "true", "", "Off (false): " + off + " (docs/model.md 3.15)."),
                       [field](ScenarioDef& d) -> auto& { return d.mechanisms.*field; });
    };
    mech("commoditization", &MechanismsDef::commoditization,
         "open lines never erode closed markups (behaviour.commoditization held at 0)");
    mech("hardware", &MechanismsDef::hardware,
         "every line runs equally well on every chipmaker and every ecosystem is mature (affinities cleared, ecosystems held at 1)");
    mech("export_controls", &MechanismsDef::export_controls,
         "chipmakers sell to every nation at full performance and no fee (export bans, tiers and licence fees cleared; buyers' own bans stay)");
    mech("distillation", &MechanismsDef::distillation,
         "no lab distils from another (behaviour.distillation_rate held at 0)");
    mech("release", &MechanismsDef::release,
         "labs never change their release strategy themselves: no loss leader, no adaptive review (labs' close_at_share and behaviour.strategy_interval held at 0); events still do");
    mech("materials", &MechanismsDef::materials,
         "no materials shortfall (nations' materials_export_ban cleared)");
    mech("origin_risk", &MechanismsDef::origin_risk,
         "adopters weigh no origin risk in their choice (behaviour.utility.origin_risk held at 0); bans and dependency still count rivals");
    mech("neighbours", &MechanismsDef::neighbours,
         "adopters' choices ignore what their neighbours use (behaviour.utility.neighbours held at 0); adoption still imitates");
    mech("demand_response", &MechanismsDef::demand_response,
         "demand follows its exogenous path alone (behaviour.demand_price_elasticity and demand_capability_elasticity held at 0)");
  }

  // -- events: read by the loader into EventDef, not bound to a field
  {
    KeySpec k = optional(spec("events[].at", K::month, "", "month", "Month at whose start the event's changes take effect; inside the simulated period (or give when)."));
    s.push_back(k);
    s.push_back(optional(spec("events[].id", K::id, "", "", "Optional id; a scenario that extends another replaces or removes the event with this id.")));
    s.push_back(optional(spec("events[].note", K::text, "", "", "What happened, with its source.")));
    s.push_back(optional(spec("events[].enabled", K::boolean, "true", "", "false: the event is read and checked but never applied (to see what it does: geosim attribute --over events).")));
    s.push_back(optional(spec("events[].when.metric", K::text, "", "", "A triggered event (instead of at): the output whose value fires it, as in docs/outputs.md.")));
    s.push_back(optional(spec("events[].when.scope", K::text, "world", "", "The output's scope: world, nation:<id>, without:<id>, lab:<id>, line:<id>, chipmaker:<id> or sector:<name>.")));
    s.push_back(optional(number("events[].when.above", K::real, -1e300, 1e300, "", "the output's unit", "Fires when the output is above this (give above or below)...")));
    s.push_back(optional(number("events[].when.below", K::real, -1e300, 1e300, "", "the output's unit", "...or below this.")));
    s.push_back(optional(number("events[].when.for", K::integer, 1, 1200, "1", "months", "Months in a row the condition must hold at a month's end; the event applies at the start of the next.")));
    s.push_back(spec("events[].set", K::changes, "", "", "Map from key paths (e.g. chipmakers.nvidia.export_banned_to, labs.meta.open, behaviour.bass_q) to new values; only keys marked settable."));
  }

  // -- what geosim compare reads (docs/compare.md): read by the loader, never by the model
  {
    // Set by the loader but not read back as a parameter: it never reaches a run, an event or a checkpoint.
    KeySpec k = optional(spec("plausible", K::text, "", "", "The calibration's plausible parameter points, a CSV that geosim calibrate writes, relative to the file that sets this key; geosim compare runs what-ifs over them."));
    k.set = [](ScenarioDef& d, std::size_t, const Value& v) { d.plausible = std::get<std::string>(v); };
    s.push_back(std::move(k));
  }
  s.push_back(spec("claims[].id", K::id, "", "", "Id of the claim; a scenario that extends another replaces or removes the claim with this id."));
  s.push_back(optional(spec("claims[].text", K::text, "", "", "The claim in words, with its source.")));
  s.push_back(spec("claims[].metric", K::text, "", "", "The output the claim is about, as in docs/outputs.md (e.g. usage_share.china_open)."));
  s.push_back(optional(spec("claims[].scope", K::text, "world", "", "The output's scope: world, nation:<id>, without:<id>, lab:<id>, line:<id>, chipmaker:<id> or sector:<name>.")));
  s.push_back(spec("claims[].at", K::month, "", "month", "The month at which the claim is judged; inside the simulated period."));
  s.push_back(choices(spec("claims[].effect", K::choice, "", "", "What the scenario does to the output against the baseline it extends: increase or decrease."), {"increase", "decrease"}));
  // clang-format on
  return s;
}

/// A number as a user reads it; `whole` writes every digit, where "%g" would round the seed's largest
/// value, 2^53 - 1, to 9.0072e+15.
std::string fmt_number(double v, bool whole = false) {
  char buf[32];
  std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%g", v);
  return buf;
}

}  // namespace

AgentList KeySpec::owner() const {
  if (path.rfind("nations[]", 0) == 0) return AgentList::nations;
  if (path.rfind("labs[]", 0) == 0) return AgentList::labs;
  if (path.rfind("lines[]", 0) == 0) return AgentList::lines;
  if (path.rfind("chipmakers[]", 0) == 0) return AgentList::chipmakers;
  if (path.rfind("events[]", 0) == 0) return AgentList::events;
  if (path.rfind("claims[]", 0) == 0) return AgentList::claims;
  return AgentList::none;
}

std::string KeySpec::local_path() const {
  auto pos = path.find("[].");
  return pos == std::string::npos ? path : path.substr(pos + 3);
}

const std::vector<KeySpec>& schema() {
  static const std::vector<KeySpec> keys = declare();
  return keys;
}

const KeySpec* find_key(const std::string& path) {
  for (const auto& k : schema())
    if (k.path == path) return &k;
  return nullptr;
}

const RetiredKey* retired_key(const std::string& path) {
  static const std::vector<RetiredKey> retired = {
      {"labs[].capability_growth", false,
       "model v2 has no capability_growth: a lab's pace comes from the compute it buys against what its capability needs "
       "(model.md 3.11), and research_efficiency (default 1) scales that compute; drop the key or set research_efficiency "
       "(scenario-format.md, 'From model v1')"},
      {"labs[].distillable", true,
       "in model v2 distillable is the share of distillation access a closed line gives (0 to 1): write 0 for false and 1 for true "
       "(scenario-format.md, 'From model v1')"},
  };
  for (const auto& r : retired)
    if (r.path == path) return &r;
  return nullptr;
}

std::size_t key_index(const KeySpec& key) {
  return static_cast<std::size_t>(&key - schema().data());
}

const char* agent_list_name(AgentList list) {
  switch (list) {
    case AgentList::nations:
      return "nations";
    case AgentList::labs:
      return "labs";
    case AgentList::lines:
      return "lines";
    case AgentList::chipmakers:
      return "chipmakers";
    case AgentList::events:
      return "events";
    case AgentList::claims:
      return "claims";
    case AgentList::none:
      break;
  }
  return "";
}

AgentList agent_list_named(const std::string& name) {
  for (AgentList list : {AgentList::nations, AgentList::labs, AgentList::lines, AgentList::chipmakers, AgentList::events, AgentList::claims})
    if (name == agent_list_name(list)) return list;
  return AgentList::none;
}

const char* agent_noun(AgentList list) {
  switch (list) {
    case AgentList::nations:
      return "nation";
    case AgentList::labs:
      return "lab";
    case AgentList::lines:
      return "line";
    case AgentList::chipmakers:
      return "chipmaker";
    case AgentList::events:
      return "event";
    case AgentList::claims:
      return "claim";
    case AgentList::none:
      break;
  }
  return "";
}

std::string describe_expected(const KeySpec& k) {
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& c : v) out += (out.empty() ? "" : ", ") + c;
    return out;
  };
  switch (k.type) {
    case KeyType::integer:
      return "a whole number in [" + fmt_number(k.min, true) + ", " + fmt_number(k.max, true) + "]";
    case KeyType::real:
      return "a number in [" + fmt_number(k.min) + ", " + fmt_number(k.max) + "]";
    case KeyType::boolean:
      return "true or false";
    case KeyType::text:
      return "a text";
    case KeyType::month:
      return "a month written YYYY-MM";
    case KeyType::choice:
      return "one of: " + join(k.choices);
    case KeyType::choice_list:
      return "a list of: " + join(k.choices);
    case KeyType::ref:
      return std::string("the id of a declared ") + agent_noun(k.ref);
    case KeyType::ref_list:
      return std::string("a list of ids of declared ") + agent_list_name(k.ref);
    case KeyType::ref_map:
      return std::string("a map from ") + agent_noun(k.ref) + " ids to numbers in [" + fmt_number(k.min) + ", " + fmt_number(k.max) + "]";
    case KeyType::id:
      return "an id of at most " + std::to_string(max_id_length) + " letters, digits, '_' and '-'";
    case KeyType::changes:
      return "a map from key paths to values";
  }
  return "";
}

std::size_t agent_count(const ScenarioDef& def, AgentList list) {
  switch (list) {
    case AgentList::nations:
      return def.nations.size();
    case AgentList::labs:
      return def.labs.size();
    case AgentList::lines:
      return def.lines.size();
    case AgentList::chipmakers:
      return def.chipmakers.size();
    case AgentList::events:
      return def.events.size();
    case AgentList::claims:
      return def.claims.size();
    case AgentList::none:
      break;
  }
  return 1;
}

const std::string& agent_id(const ScenarioDef& def, AgentList list, std::size_t index) {
  switch (list) {
    case AgentList::nations:
      return def.nations.at(index).id;
    case AgentList::labs:
      return def.labs.at(index).id;
    case AgentList::lines:
      return def.lines.at(index).id;
    case AgentList::chipmakers:
      return def.chipmakers.at(index).id;
    case AgentList::events:
      return def.events.at(index).id;
    case AgentList::claims:
      return def.claims.at(index).id;
    case AgentList::none:
      break;
  }
  throw std::logic_error("agent_id: not an agent list");
}

void switch_off_mechanisms(ScenarioDef& def) {
  const MechanismsDef& m = def.mechanisms;
  BehaviourDef& b = def.behaviour;
  if (!m.commoditization) b.commoditization = 0;
  if (!m.hardware) {
    for (auto& lab : def.labs) lab.line.affinity.clear();
    for (auto& line : def.lines) line.keys.affinity.clear();
    for (auto& c : def.chipmakers) c.ecosystem = 1;
  }
  if (!m.export_controls)
    for (auto& c : def.chipmakers) c.export_banned_to.clear(), c.export_tier.clear(), c.licence_fee.clear();
  if (!m.distillation) b.distillation_rate = 0;
  if (!m.release) {
    b.strategy_interval = 0;
    for (auto& lab : def.labs) lab.close_at_share = 0;
  }
  if (!m.materials)
    for (auto& n : def.nations) n.materials_export_ban.clear();
  if (!m.origin_risk) b.w_origin_risk = 0;
  if (!m.neighbours) b.w_neighbours = 0;
  if (!m.demand_response) b.demand_price_elasticity = 0, b.demand_capability_elasticity = 0;
}

void apply_change(ScenarioDef& def, const Change& change) {
  schema().at(change.key).set(def, change.agent, change.value);
}

bool apply_events_at(ScenarioDef& def, Month month) {
  bool any = false;
  for (const auto& ev : def.events) {
    if (ev.when || ev.at != month || !ev.enabled) continue;
    for (const auto& c : ev.changes) apply_change(def, c);
    any = true;
  }
  if (any) switch_off_mechanisms(def);
  return any;
}

ScenarioDef parameters_before(ScenarioDef def, Month month) {
  for (const auto& ev : def.events)
    if (!ev.when && ev.at < month && ev.enabled)
      for (const auto& c : ev.changes) apply_change(def, c);
  switch_off_mechanisms(def);
  return def;
}

}  // namespace geosim
