#include "model/world.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "core/parallel.h"
#include "core/random.h"
#include "core/random_batch.h"
#include "model/logit.h"
#include "model/neighbour_sums.h"
#include "model/parameters.h"

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

World::World(ScenarioDef def)
    : def_(std::move(def)), idx_(def_), pop_(make_population(def_)), net_(make_network(def_.population, def_.seed)) {
  labs_.resize(def_.labs.size());
  for (std::size_t j = 0; j < labs_.size(); ++j) {
    labs_[j].capability = def_.labs[j].capability;
    labs_[j].valuation = def_.labs[j].valuation;
    start_frontier_ = std::max(start_frontier_, def_.labs[j].capability);
    was_open_.push_back(def_.labs[j].open);
  }
  chips_.resize(def_.chipmakers.size());
  for (std::size_t m = 0; m < chips_.size(); ++m) chips_[m].ecosystem = def_.chipmakers[m].ecosystem;
  nations_.resize(def_.nations.size());
  nation_risk_ = origin_risk(def_);
  usage_.options = option_count(def_.labs.size()) + 1;
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
  if (apply_events_at(def_, month)) {
    nation_risk_ = origin_risk(def_);
    idx_ = Index(def_);  // a bloc mix may have changed a lab's dominant bloc
  }
}

void World::add_event(EventDef event) {
  const Month next = def_.start + months_done_;
  if (event.at < next || !(event.at < def_.start + def_.months))
    throw std::invalid_argument("event at " + event.at.str() + ": expected a month from " + next.str() + " to " +
                                (def_.start + (def_.months - 1)).str());
  // Events are applied in list order within a month; the loader keeps file order, so a new one goes last.
  auto pos = std::upper_bound(def_.events.begin(), def_.events.end(), event.at, [](Month m, const EventDef& e) { return m < e.at; });
  def_.events.insert(pos, std::move(event));
}

void World::strand_closed_labs(std::vector<std::uint8_t>& just_closed) {
  just_closed.assign(labs_.size(), 0);
  for (std::size_t j = 0; j < labs_.size(); ++j) {
    const bool open = def_.labs[j].open;
    if (was_open_[j] && !open) {
      // Users of the open weights keep the version they have: it stays open, frozen at today's capability.
      just_closed[j] = 1;
      labs_[j].has_legacy = true;
      labs_[j].legacy_capability = labs_[j].capability;
    }
    was_open_[j] = open;
  }
}

void World::settle_usage(const ChoiceTables& tables) {
  const std::size_t N = def_.nations.size(), L = def_.labs.size(), O = usage_.options - 1;
  std::vector<double> on_option(O, 0.0);
  for (auto& c : chips_) c.usage = 0;
  double total = 0, adopted = 0;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t s = 0; s < sector_count; ++s)
      for (std::size_t o = 0; o <= O; ++o) {
        const double w = usage_.weight[(n * sector_count + s) * usage_.options + o];
        total += w;
        if (o == O) continue;
        adopted += w;
        on_option[o] += w;
        const int chip = tables.hardware[n * O + o];
        if (chip >= 0) chips_[static_cast<std::size_t>(chip)].usage += w;
      }
  if (adopted > 0)
    for (auto& c : chips_) c.usage /= adopted;
  const auto& b = def_.behaviour;
  for (std::size_t j = 0; j < L; ++j) {
    LabState& lab = labs_[j];
    lab.usage_share = adopted > 0 ? on_option[j] / adopted : 0.0;
    // Revenue: the lab's share of the world's token demand at its own price; an open lab is paid only
    // for what its own API serves, and a frozen version earns nothing.
    lab.demand_share = total > 0 ? on_option[j] / total : 0.0;
    lab.revenue = lab.demand_share * token_demand(b, months_done_) * lab.price / 1e6 * (def_.labs[j].open ? b.open_api_share : 1.0);
  }
}

void World::step() {
  const Month month = def_.start + months_done_;
  apply_events(month);
  apply_policy_rules(def_, nations_);
  decide_release(def_, idx_, labs_, months_done_);
  std::vector<std::uint8_t> just_closed;
  strand_closed_labs(just_closed);
  update_supply(def_, idx_, chips_);
  set_prices(def_, chips_, months_done_, labs_);
  const ChoiceTables tables = make_choice_tables(def_, idx_, labs_, chips_, nation_risk_);
  update_adopters(static_cast<std::uint32_t>(months_done_ + 1), tables, just_closed);
  settle_usage(tables);
  settle_money(def_, labs_, chips_);
  compute_outputs(tables);
  labs_ = advance_capability(def_, idx_, labs_);
  advance_ecosystems(def_, labs_, chips_);
  ++months_done_;
}

}  // namespace geosim
