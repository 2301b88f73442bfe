#include "model/world.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <limits>

#include "core/random.h"
#include "scenario/schema.h"

namespace geosim {

std::size_t estimate_memory(const ScenarioDef& def) {
  const auto n = static_cast<std::size_t>(def.population.adopters);
  const auto k = static_cast<std::size_t>(def.population.degree);
  std::size_t per_adopter = 2 * sizeof(std::uint8_t) + 3 * sizeof(float) + 2 * sizeof(std::uint16_t);
  std::size_t network = 0;
  switch (def.population.network) {
    case NetworkKind::well_mixed: break;
    case NetworkKind::small_world: network = n * (k + 1) * sizeof(std::uint32_t); break;
    // Links are built as a list of both ends (2 m entries per adopter) before the rows are filled.
    case NetworkKind::scale_free: network = n * (2 * k + k + 2) * sizeof(std::uint32_t); break;
  }
  const std::size_t cells = def.nations.size() * sector_count * (def.labs.size() + 1);
  // Per-block sums: a double and a count per cell and block; block sizes grow to keep them under 32M cells.
  const std::size_t block_cells = std::min((n / 16384 + 1) * cells, std::size_t{32} << 20);
  return n * per_adopter + network + block_cells * (sizeof(double) + sizeof(std::int64_t));
}

std::size_t available_memory() {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return 0;
  char line[256];
  std::size_t kib = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "MemAvailable: %zu kB", &kib) == 1) break;
  std::fclose(f);
  return kib * 1024;
}

World::World(ScenarioDef def)
    : def_(std::move(def)), pop_(make_population(def_)), net_(make_network(def_.population, def_.seed)) {
  labs_.resize(def_.labs.size());
  for (std::size_t j = 0; j < labs_.size(); ++j) {
    labs_[j].capability = def_.labs[j].capability;
    labs_[j].price = def_.labs[j].price;
  }
  nation_risk_ = origin_risk(def_);
  usage_.options = def_.labs.size() + 1;
  const std::size_t cells = def_.nations.size() * sector_count * usage_.options;
  usage_.weight.assign(cells, 0.0);
  usage_.count.assign(cells, 0);
  // Before the first month nobody has adopted: all weight sits on "no model".
  for (std::size_t i = 0; i < pop_.count(); ++i) {
    std::size_t at = (pop_.nation[i] * sector_count + pop_.sector[i]) * usage_.options + def_.labs.size();
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
  if (changed) nation_risk_ = origin_risk(def_);
}

namespace {

/// Draws one option by the logit rule. `nbr_share[j]` is the share of neighbours' weight on lab j.
/// `utility` is scratch space for L values.
std::uint16_t choose(const ChoiceTables& t, const BehaviourDef& b, std::size_t cell, std::size_t nation, double risk_sensitivity,
                     const double* nbr_share, double* utility, std::uint16_t current, double u) {
  const std::size_t L = t.labs;
  const std::uint8_t* avail = t.available.data() + cell * L;
  const double* base = t.base_utility.data() + cell * L;
  const double* risk = t.risk.data() + nation * L;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < L; ++j) {
    if (!avail[j]) continue;
    double v = base[j] - b.w_origin_risk * risk_sensitivity * risk[j] + b.w_neighbours * nbr_share[j];
    if (current != no_model && j != current) v -= b.w_switching;
    utility[j] = v;
    best = std::max(best, v);
  }
  if (best == -std::numeric_limits<double>::infinity()) return no_model;  // every option is closed to this adopter
  double total = 0;
  for (std::size_t j = 0; j < L; ++j)
    if (avail[j]) total += (utility[j] = std::exp(utility[j] - best));
  double target = u * total, run = 0;
  std::size_t last = L;
  for (std::size_t j = 0; j < L; ++j) {
    if (!avail[j]) continue;
    run += utility[j];
    last = j;
    if (target < run) return static_cast<std::uint16_t>(j);
  }
  return static_cast<std::uint16_t>(last);  // rounding left target at the very top
}

}  // namespace

void World::update_adopters(std::uint32_t month_index, const ChoiceTables& tables) {
  const std::size_t n = pop_.count(), L = def_.labs.size(), options = usage_.options;
  const std::size_t cells = def_.nations.size() * sector_count * options;
  const std::size_t blocks = (n + block_size_ - 1) / block_size_;
  const auto& b = def_.behaviour;
  const double p_month = b.bass_p / 12.0, q_month = b.bass_q / 12.0, revisit = b.revisit_rate / 12.0;
  const bool first_month = months_done_ == 0;
  const double initial = def_.population.initial_adoption;

  // Well-mixed populations see the world's shares of last month.
  std::vector<double> world_share(L, 0.0);
  double world_adopted = 0;
  {
    double total = 0;
    for (std::size_t c = 0; c < usage_.weight.size(); ++c) {
      total += usage_.weight[c];
      std::size_t j = c % options;
      if (j < L) world_share[j] += usage_.weight[c], world_adopted += usage_.weight[c];
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
  // Share of i's neighbours' weight (last month) on each lab, into nbr[0..L).
  auto lab_shares = [&](std::size_t i, double* nbr) {
    if (mixed) {
      std::copy(world_share.begin(), world_share.end(), nbr);
      return;
    }
    std::fill(nbr, nbr + L, 0.0);
    double total = 0;
    for (std::uint32_t k : net_.of(i)) {
      double w = std::fabs(wprev[k]);
      total += w;
      if (prev[k] != no_model) nbr[prev[k]] += w;
    }
    if (total > 0)
      for (std::size_t j = 0; j < L; ++j) nbr[j] /= total;
  };

  constexpr std::size_t prefetch_distance = 8;
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t blk) {
    std::vector<double> scratch(2 * L);  // neighbour shares and utilities, reused across the block
    double* nbr = scratch.data();
    double* utility = scratch.data() + L;
    double* w_out = part_weight.data() + blk * cells;
    std::int64_t* c_out = part_count.data() + blk * cells;
    const std::size_t lo = blk * block_size_, hi = std::min(n, lo + block_size_);
    std::array<std::uint32_t, 4> words{};
    for (std::size_t i = lo; i < hi; ++i) {
      // The network walk is latency-bound: ask for the neighbours' weights of an adopter a few steps
      // ahead while this one is computed.
      if (!mixed && i + prefetch_distance < hi)
        for (std::uint32_t k : net_.of(i + prefetch_distance)) __builtin_prefetch(wprev + k);
      // One Philox call serves two consecutive adopters: words 0-1 for even i, 2-3 for odd i.
      if (i == lo || i % 2 == 0) words = philox_words(def_.seed, month_index, i / 2, Purpose::step);
      const std::size_t half = 2 * (i % 2);
      const double u_event = unit_open(words[half]), u_choice = unit_open(words[half + 1]);
      const std::uint16_t current = prev[i];
      const std::size_t nation = pop_.nation[i];
      const std::size_t cell = nation * sector_count + pop_.sector[i];

      std::uint16_t chosen = current;
      if (current == no_model) {
        bool adopts;
        if (first_month && initial > 0) {
          adopts = u_event < initial;
          if (adopts) std::fill(nbr, nbr + L, 0.0);
        } else {
          adopts = u_event < std::min(1.0, p_month + q_month * adopted_share(i));
          if (adopts) lab_shares(i, nbr);
        }
        if (adopts) chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, no_model, u_choice);
      } else {
        const bool forced = !tables.available[cell * L + current];
        if (forced || u_event < revisit) {
          lab_shares(i, nbr);
          chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, forced ? no_model : current, u_choice);
        }
      }
      next[i] = chosen;
      const float size = std::fabs(wprev[i]);
      wnext[i] = chosen == no_model ? -size : size;
      const std::size_t at = cell * options + (chosen == no_model ? L : chosen);
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

void World::step() {
  const Month month = def_.start + months_done_;
  apply_events(month);
  assign_chips(def_, labs_);
  ChoiceTables tables = make_choice_tables(def_, labs_, nation_risk_);
  update_adopters(static_cast<std::uint32_t>(months_done_ + 1), tables);
  compute_outputs();

  std::vector<double> share(def_.labs.size(), 0.0);
  double adopted = 0;
  for (std::size_t c = 0; c < usage_.weight.size(); ++c) {
    std::size_t j = c % usage_.options;
    if (j < def_.labs.size()) share[j] += usage_.weight[c], adopted += usage_.weight[c];
  }
  if (adopted > 0)
    for (auto& s : share) s /= adopted;
  labs_ = advance_labs(def_, labs_, share);
  ++months_done_;
}

}  // namespace geosim
