#include "model/world.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/parallel.h"
#include "core/random.h"
#include "scenario/schema.h"

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
      network = n * (k + 1) * sizeof(std::uint32_t);
      break;
    // Links are built as a list of both ends (2 m entries per adopter) before the rows are filled.
    case NetworkKind::scale_free:
      network = n * (2 * k + k + 2) * sizeof(std::uint32_t);
      break;
  }
  const std::size_t cells = def.nations.size() * sector_count * (option_count(def.labs.size()) + 1);
  // Per-block sums: a double and a count per cell and block; block sizes grow to keep them under 32M cells.
  const std::size_t block_cells = std::min((n / 16384 + 1) * cells, std::size_t{32} << 20);
  return n * per_adopter + network + block_cells * (sizeof(double) + sizeof(std::int64_t));
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
  // Fixed block boundaries make the per-block sums, and so the totals, independent of threads. Blocks
  // grow only when the per-block tables would take too much memory.
  const std::size_t max_blocks = std::max<std::size_t>(1, (std::size_t{32} << 20) / std::max<std::size_t>(1, cells));
  while ((pop_.count() + block_size_ - 1) / block_size_ > max_blocks) block_size_ *= 2;
}

void World::apply_events(Month month) {
  bool changed = false;
  for (const auto& ev : def_.events) {
    if (ev.at != month) continue;
    for (const auto& c : ev.changes) schema()[c.key].set(def_, c.agent, c.value);
    changed = true;
  }
  if (changed) {
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

namespace {

/// Draws one option by the logit rule. `nbr_share[o]` is the share of neighbours' weight on option o;
/// `utility` is scratch space for as many values. A frozen open version (o >= L) is open only to the
/// adopter that holds it.
std::uint16_t choose(const ChoiceTables& t, const BehaviourDef& b, std::size_t cell, std::size_t nation, double risk_sensitivity,
                     const double* nbr_share, double* utility, std::uint16_t current, double u) {
  const std::size_t O = t.options, L = O / 2;
  const std::uint8_t* table = t.available.data() + cell * O;
  auto open_to_me = [&](std::size_t o) { return table[o] && (o < L || o == current); };
  const double* base = t.base_utility.data() + cell * O;
  const double* risk = t.risk.data() + nation * O;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t o = 0; o < O; ++o) {
    if (!open_to_me(o)) continue;
    double v = base[o] - b.w_origin_risk * risk_sensitivity * risk[o] + b.w_neighbours * nbr_share[o];
    if (current != no_model && o != current) v -= b.w_switching;
    utility[o] = v;
    best = std::max(best, v);
  }
  if (best == -std::numeric_limits<double>::infinity()) return no_model;  // every option is closed to this adopter
  double total = 0;
  for (std::size_t o = 0; o < O; ++o)
    if (open_to_me(o)) total += (utility[o] = std::exp(utility[o] - best));
  const double target = u * total;
  double run = 0;
  std::size_t last = O;
  for (std::size_t o = 0; o < O; ++o) {
    if (!open_to_me(o)) continue;
    run += utility[o];
    last = o;
    if (target < run) return static_cast<std::uint16_t>(o);
  }
  return static_cast<std::uint16_t>(last);  // rounding left the target at the very top
}

}  // namespace

void World::update_adopters(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed) {
  // O choosable options (current and frozen versions of each lab); index O in the sums is "no model".
  const std::size_t n = pop_.count(), L = def_.labs.size(), options = usage_.options, O = options - 1;
  const std::size_t cells = def_.nations.size() * sector_count * options;
  const std::size_t blocks = (n + block_size_ - 1) / block_size_;
  const auto& b = def_.behaviour;
  const double p_month = b.bass_p / 12.0, q_month = b.bass_q / 12.0, revisit = b.revisit_rate / 12.0;
  const double max_hazard = std::min(1.0, p_month + q_month);
  const bool first_month = months_done_ == 0;
  const double initial = def_.population.initial_adoption;

  // Well-mixed populations see the world's shares of last month.
  std::vector<double> world_share(O, 0.0);
  double world_adopted = 0;
  {
    double total = 0;
    for (std::size_t c = 0; c < usage_.weight.size(); ++c) {
      total += usage_.weight[c];
      std::size_t o = c % options;
      if (o < O) world_share[o] += usage_.weight[c], world_adopted += usage_.weight[c];
    }
    for (auto& s : world_share) s /= total;
    world_adopted /= total;
  }

  std::vector<double> part_weight(blocks * cells, 0.0);
  std::vector<std::int64_t> part_count(blocks * cells, 0);
  const std::uint16_t* prev = pop_.choice[pop_.cur].data();
  std::uint16_t* next = pop_.choice[1 - pop_.cur].data();

  const float* wprev = pop_.weight[pop_.cur].data();
  float* wnext = pop_.weight[1 - pop_.cur].data();
  const bool mixed = net_.well_mixed();

  // Share of i's neighbours' weight (last month) on some model.
  auto adopted_share = [&](std::size_t i) {
    if (mixed) return world_adopted;
    double total = 0, adopted = 0;
    for (std::uint32_t k : net_.of(i)) {
      double w = wprev[k];
      total += std::fabs(w);
      adopted += w > 0 ? w : 0.0;
    }
    return total > 0 ? adopted / total : 0.0;
  };
  // Share of i's neighbours' weight (last month) on each option, into nbr[0..O).
  auto lab_shares = [&](std::size_t i, double* nbr) {
    if (mixed) {
      std::copy(world_share.begin(), world_share.end(), nbr);
      return;
    }
    std::fill(nbr, nbr + O, 0.0);
    double total = 0;
    for (std::uint32_t k : net_.of(i)) {
      double w = std::fabs(wprev[k]);
      total += w;
      if (prev[k] != no_model) nbr[prev[k]] += w;
    }
    if (total > 0)
      for (std::size_t o = 0; o < O; ++o) nbr[o] /= total;
  };

  parallel_for_index(blocks, [&](std::size_t blk) {
    std::vector<double> scratch(2 * O);  // neighbour shares and utilities, reused across the block
    double* nbr = scratch.data();
    double* utility = scratch.data() + O;
    double* w_out = part_weight.data() + blk * cells;
    std::int64_t* c_out = part_count.data() + blk * cells;
    const std::size_t lo = blk * block_size_, hi = std::min(n, lo + block_size_);
    std::array<std::uint32_t, 4> words{};
    for (std::size_t i = lo; i < hi; ++i) {
      // Whether anything happens: one Philox call serves four consecutive adopters, a word each. The
      // draw that picks an option is made only by those who choose.
      if (i == lo || i % 4 == 0) words = philox_words(def_.seed, month_index, i / 4, Purpose::step);
      const double u_event = unit_open(words[i % 4]);
      auto u_choice = [&] { return unit_open(philox_words(def_.seed, month_index, i, Purpose::choose)[0]); };
      std::uint16_t current = prev[i];
      // Users of a lab that just closed its weights hold the frozen open version from now on.
      if (current < L && just_closed[current]) current = static_cast<std::uint16_t>(current + L);
      const std::size_t nation = pop_.nation[i];
      const std::size_t cell = nation * sector_count + pop_.sector[i];

      std::uint16_t chosen = current;
      if (current == no_model) {
        bool adopts;
        if (first_month && initial > 0) {
          adopts = u_event < initial;
          if (adopts) std::fill(nbr, nbr + O, 0.0);
        } else {
          // No neighbourhood can raise the hazard above p + q: skip the network walk when even that
          // would not make this adopter adopt (the same decision, without the random reads).
          adopts = u_event < max_hazard && u_event < std::min(1.0, p_month + q_month * adopted_share(i));
          if (adopts) lab_shares(i, nbr);
        }
        if (adopts) chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, no_model, u_choice());
      } else {
        const bool forced = !tables.available[cell * O + current];
        if (forced || u_event < revisit) {
          lab_shares(i, nbr);
          chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, forced ? no_model : current, u_choice());
        }
      }
      next[i] = chosen;
      const float size = std::fabs(wprev[i]);
      wnext[i] = chosen == no_model ? -size : size;
      const std::size_t at = cell * options + (chosen == no_model ? O : chosen);
      w_out[at] += size;
      c_out[at] += 1;
    }
  });

  // Fixed combining order: block 0, 1, 2, ... whatever thread computed them.
  std::fill(usage_.weight.begin(), usage_.weight.end(), 0.0);
  std::fill(usage_.count.begin(), usage_.count.end(), 0);
  for (std::size_t blk = 0; blk < blocks; ++blk)
    for (std::size_t c = 0; c < cells; ++c) {
      usage_.weight[c] += part_weight[blk * cells + c];
      usage_.count[c] += part_count[blk * cells + c];
    }
  pop_.cur = 1 - pop_.cur;
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
