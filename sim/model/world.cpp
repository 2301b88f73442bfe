#include "model/world.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "model/labs.h"
#include "model/parameters.h"
#include "model/policy.h"
#include "model/release.h"
#include "model/series.h"

namespace geosim {

std::size_t estimate_memory(const ScenarioDef& def) {
  const auto n = static_cast<std::size_t>(def.population.adopters);
  const auto k = static_cast<std::size_t>(def.population.degree);
  std::size_t per_adopter = 2 * sizeof(std::uint8_t) + 3 * sizeof(float) + 2 * sizeof(std::uint16_t);
  std::size_t network = 0;
  switch (def.population.network) {
    case NetworkKind::well_mixed:
      break;
    case NetworkKind::small_world:
      network = n * k * sizeof(std::uint32_t);  // rows of one length: no offsets
      break;
    // Links are built as a list of both ends (2 m entries per adopter) before the rows are filled.
    case NetworkKind::scale_free:
      network = n * (2 * k + k + 2) * sizeof(std::uint32_t);
      break;
  }
  return n * per_adopter + network;
}

namespace {

/// The scenario as a world runs it: its switched-off mechanisms held off from the first month.
ScenarioDef switched_off(ScenarioDef def) {
  switch_off_mechanisms(def);
  return def;
}

}  // namespace

World::World(ScenarioDef def)
    : def_(switched_off(std::move(def))), idx_(def_), pop_(make_population(def_)), net_(make_network(def_.population, def_.seed)) {
  lines_.resize(line_count(def_));
  for (std::size_t l = 0; l < lines_.size(); ++l) {
    const LineKeys& keys = line_keys(def_, l);
    lines_[l].capability = lines_[l].start_capability = keys.capability;
    lines_[l].offered_open = keys.open && keys.active;
  }
  labs_.resize(def_.labs.size());
  for (std::size_t j = 0; j < labs_.size(); ++j) labs_[j].valuation = def_.labs[j].valuation;
  chips_.resize(def_.chipmakers.size());
  for (std::size_t m = 0; m < chips_.size(); ++m) chips_[m].ecosystem = def_.chipmakers[m].ecosystem, chips_[m].capacity = def_.chipmakers[m].capacity;
  nations_.resize(def_.nations.size());
  trigger_run_.assign(def_.events.size(), 0);
  fired_at_.assign(def_.events.size(), -1);
  nation_risk_ = origin_risk(def_);
  usage_.options = option_count(lines_.size()) + 1;
  const std::size_t cells = def_.nations.size() * sector_count * usage_.options;
  usage_.weight.assign(cells, 0.0);
  usage_.count.assign(cells, 0);
  // Before the first month nobody has adopted: all weight sits on "no model".
  for (std::size_t i = 0; i < pop_.count(); ++i) {
    std::size_t at = (pop_.nation[i] * sector_count + pop_.sector[i]) * usage_.options + usage_.options - 1;
    usage_.weight[at] += pop_.size(i);
    usage_.count[at] += 1;
  }
}

void World::apply_events(Month month) {
  bool changed = false;
  // Dated events first, then triggered ones fired for this month: the order of params().events.
  for (std::size_t e = 0; e < def_.events.size(); ++e) {
    const EventDef& ev = def_.events[e];
    if (!ev.enabled || (ev.when ? fired_at_[e] != month.index : ev.at != month)) continue;
    for (const auto& c : ev.changes) {
      apply_change(def_, c);
      // A capability set by an event is a release jump: the line's current version has it from now on.
      set_state(schema()[c.key], c.agent, c.value);
    }
    changed = true;
  }
  if (changed) {
    switch_off_mechanisms(def_);
    nation_risk_ = origin_risk(def_);
    idx_ = Index(def_);  // a bloc mix may have changed a lab's dominant bloc
  }
}

void World::check_triggers(Month month) {
  if (replaying_) return;
  for (std::size_t e = 0; e < def_.events.size(); ++e) {
    const EventDef& ev = def_.events[e];
    if (!ev.when || !ev.enabled || fired_at_[e] >= 0) continue;
    const TriggerDef& t = *ev.when;
    const double v = find_output(outputs_, t.scope, t.metric);
    const bool holds = t.above ? v > *t.above : v < *t.below;
    trigger_run_[e] = holds ? trigger_run_[e] + 1 : 0;
    if (trigger_run_[e] >= t.months) fired_at_[e] = (month + 1).index;
  }
}

std::vector<World::AppliedEvent> World::event_log() const {
  std::vector<AppliedEvent> log;
  const Month next = def_.start + months_done_;
  for (Month m = def_.start; m < next; m = m + 1)
    for (std::size_t e = 0; e < def_.events.size(); ++e) {
      const EventDef& ev = def_.events[e];
      if (ev.enabled && (ev.when ? fired_at_[e] == m.index : ev.at == m)) log.push_back({m, e, ev.when.has_value()});
    }
  return log;
}

void World::replay_triggers(const std::map<std::string, Month>& fired) {
  if (months_done_ > 0) throw std::logic_error("replay_triggers: the world has already run");
  for (std::size_t e = 0; e < def_.events.size(); ++e) {
    if (!def_.events[e].when) continue;
    const auto at = fired.find(def_.events[e].id);
    fired_at_[e] = at == fired.end() ? -1 : at->second.index;
  }
  replaying_ = true;
}

void World::set_state(const KeySpec& key, std::size_t agent, const Value& value) {
  if (!key.sets_state) return;
  const double v = std::get<double>(value);
  switch (key.owner()) {
    case AgentList::labs:
      lines_[agent].capability = v;
      break;
    case AgentList::lines:
      lines_[def_.labs.size() + agent].capability = v;
      break;
    case AgentList::chipmakers:
      chips_[agent].capacity = v;
      break;
    default:
      throw std::logic_error("set_state: key " + key.path + " replaces no state");
  }
}

void World::add_event(EventDef event) {
  const Month next = def_.start + months_done_;
  if (event.at < next || !(event.at < def_.start + def_.months))
    throw std::invalid_argument("event at " + event.at.str() + ": expected a month from " + next.str() + " to " +
                                (def_.start + (def_.months - 1)).str());
  // Events are applied in list order within a month; the loader keeps file order, so a new one goes
  // last among those dated (triggered events follow every dated one).
  auto pos = std::upper_bound(def_.events.begin(), def_.events.end(), event, applies_before);
  const auto at = pos - def_.events.begin();
  def_.events.insert(pos, std::move(event));
  trigger_run_.insert(trigger_run_.begin() + at, 0);
  fired_at_.insert(fired_at_.begin() + at, -1);
}

void World::settle_usage(const ChoiceTables& tables) {
  const std::size_t N = def_.nations.size(), L = lines_.size(), S = sector_count, O = usage_.options - 1, M = chips_.size();
  UsageTotals& u = totals_;
  u.on.assign(N * O, 0.0);
  u.nation_total.assign(N, 0.0);
  u.nation_adopted.assign(N, 0.0);
  u.world_on.assign(O, 0.0);
  u.world_total = u.world_adopted = 0;
  // The sums are exact (sizes on the 2^-20 grid), so their order cannot change them.
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t o = 0; o <= O; ++o) {
        const double w = usage_.weight[(n * S + s) * usage_.options + o];
        u.nation_total[n] += w;
        if (o == O) continue;
        u.on[n * O + o] += w;
        u.nation_adopted[n] += w;
      }
  for (std::size_t n = 0; n < N; ++n) {
    u.world_total += u.nation_total[n];
    u.world_adopted += u.nation_adopted[n];
    for (std::size_t o = 0; o < O; ++o) u.world_on[o] += u.on[n * O + o];
  }
  const auto& b = def_.behaviour;
  auto ratio = [](double a, double c) { return c > 0 ? a / c : 0.0; };
  for (std::size_t l = 0; l < L; ++l) {
    LineState& line = lines_[l];
    line.usage_share = ratio(u.world_on[l], u.world_adopted);
    line.demand_share = ratio(u.world_on[l], u.world_total);
    // Revenue: the tokens the line serves, each nation's share of the world's weight on it times that
    // nation's demand, at the line's own price; an open line is paid only for what its lab's own API
    // serves, and a frozen version earns nothing.
    line.served = 0;
    for (std::size_t n = 0; n < N; ++n) line.served += ratio(u.on[n * O + l], u.world_total) * nations_[n].tokens;
    line.revenue = line.served * line.price / 1e6 * (line_keys(def_, l).open ? b.open_api_share : 1.0);
  }
  // Chipmakers' share of usage, the price and capability indices (each nation's demand reads its own
  // next month), and each nation's rival dependency (its rule reads it next month).
  for (auto& c : chips_) c.usage = 0;
  double active = 0;
  for (std::size_t l = 0; l < L; ++l) active += line_keys(def_, l).active ? 1 : 0;
  u.nation_paid.assign(N, 0.0);
  u.price_paid = 0;
  double capability_used = 0;
  for (std::size_t n = 0; n < N; ++n) {
    double rival = 0, paid = 0, used = 0;
    for (std::size_t o = 0; o < O; ++o) {
      const double w = u.on[n * O + o];
      const double* share = market_.shares(tables.chips[n * O + o]);
      for (std::size_t m = 0; m < M; ++m) chips_[m].usage += w * share[m];
      u.price_paid += w * tables.price[n * O + o];
      capability_used += w * tables.capability[o];
      paid += w * tables.price[n * O + o];
      used += w * tables.capability[o];
      if (is_rival(nation_risk_, N, n, idx_.line_origin(o % L), b.rival_threshold)) rival += w;
    }
    NationState& nation = nations_[n];
    u.nation_paid[n] = paid;
    nation.rival_dependency = ratio(rival, u.nation_adopted[n]);
    if (u.nation_adopted[n] > 0) {
      nation.price_index = paid / u.nation_adopted[n];
      nation.capability_index = used / u.nation_adopted[n];
    } else {  // what its adopters would pay for, and get from, the lines on offer
      nation.price_index = nation.capability_index = 0;
      for (std::size_t l = 0; l < L; ++l)
        if (line_keys(def_, l).active) nation.price_index += tables.price[n * O + l] / active, nation.capability_index += lines_[l].capability / active;
    }
    if (months_done_ == 0) nation.price_start = nation.price_index, nation.capability_start = nation.capability_index;
  }
  if (u.world_adopted > 0) {
    for (auto& c : chips_) c.usage /= u.world_adopted;
    u.price_index = u.price_paid / u.world_adopted;
    u.capability_index = capability_used / u.world_adopted;
  } else {
    u.price_index = u.capability_index = 0;
    for (std::size_t l = 0; l < L; ++l)
      if (line_keys(def_, l).active) u.price_index += lines_[l].price / active, u.capability_index += lines_[l].capability / active;
  }
}

void World::step() {
  const Month month = def_.start + months_done_;
  apply_events(month);
  update_demand(def_.behaviour, nations_, months_done_);
  apply_policy_rules(def_, nations_);
  decide_release(def_, idx_, lines_, months_done_);
  std::vector<std::uint8_t> just_closed;
  strand(def_, lines_, just_closed);
  update_supply(def_, idx_, chips_);
  market_ = make_chip_market(def_, chips_);
  set_prices(def_, idx_, market_, months_done_, lines_);
  const ChoiceTables tables = make_choice_tables(def_, idx_, lines_, market_, nation_risk_);
  update_adopters(static_cast<std::uint32_t>(months_done_ + 1), tables, just_closed);
  settle_usage(tables);
  settle_money(def_, idx_, market_, lines_, months_done_, labs_, chips_);
  compute_outputs(tables);
  check_triggers(month);
  lines_ = advance_capability(def_, idx_, lines_, labs_);
  advance_chipmakers(def_, lines_, chips_);
  ++months_done_;
}

}  // namespace geosim
