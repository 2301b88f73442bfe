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
/// `utility` is scratch space for 2 O + 3 values. A frozen open version (o >= L) is open only to the
/// adopter that holds it.
std::uint16_t choose(const ChoiceTables& t, const BehaviourDef& b, std::size_t cell, std::size_t nation, double risk_sensitivity,
                     const double* nbr_share, double* utility, std::uint16_t current, double u) {
  const std::size_t O = t.options, L = O / 2;
  const std::uint8_t* table = t.available.data() + cell * O;
  const double* base = t.base_utility.data() + cell * O;
  const double* risk = t.risk.data() + nation * O;
  for (std::size_t o = 0; o < O; ++o) {
    if (!table[o] || (o >= L && o != current)) {
      utility[o] = closed_option;
      continue;
    }
    double v = base[o] - b.w_origin_risk * risk_sensitivity * risk[o] + b.w_neighbours * nbr_share[o];
    if (current != no_model && o != current) v -= b.w_switching;
    utility[o] = v;
  }
  const std::size_t pick = logit_pick(utility, O, u, utility + O);
  return pick == O ? no_model : static_cast<std::uint16_t>(pick);
}

/// Where, among the draws of philox_words_below, the word of the k-th adopter of a run starting at a
/// multiple of 4 * philox_group lies: adopter 64 g + 4 l + w owns word w of counter 16 g + l.
constexpr std::size_t draw_place(std::size_t k) {
  return k / (4 * philox_group) * (4 * philox_group) + k % 4 * philox_group + k % (4 * philox_group) / 4;
}
/// The inverse of draw_place.
constexpr std::size_t draw_owner(std::size_t place) {
  return place / (4 * philox_group) * (4 * philox_group) + place % philox_group * 4 + place % (4 * philox_group) / philox_group;
}
static_assert(draw_place(draw_owner(77)) == 77 && draw_owner(draw_place(130)) == 130 && draw_place(5) == 17);

}  // namespace

void World::update_adopters(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed) {
  const auto started = std::chrono::steady_clock::now();
  // O choosable options (current and frozen versions of each lab); index O in the sums is "no model".
  const std::size_t n = pop_.count(), L = def_.labs.size(), options = usage_.options, O = options - 1;
  const std::size_t cell_count = def_.nations.size() * sector_count, cells = cell_count * options;
  // Blocks of up to 16 chunks, but at least 16 blocks when the population allows, so that threads can
  // share out even a small world; the sums are exact, so the split cannot change the result.
  const std::size_t block_size = std::clamp((n / 16 + chunk - 1) / chunk, std::size_t{1}, max_block_chunks) * chunk;
  const std::size_t blocks = (n + block_size - 1) / block_size;
  const auto& b = def_.behaviour;
  const double p_month = b.bass_p / 12.0, q_month = b.bass_q / 12.0, revisit = b.revisit_rate / 12.0;
  const double max_hazard = std::min(1.0, p_month + q_month);
  const bool first_month = months_done_ == 0;
  const double initial = def_.population.initial_adoption;
  const bool initial_draw = first_month && initial > 0;

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

  // Users of a lab that just closed its weights hold the frozen open version from now on; their weight
  // moves with them in the sums (exact: see Population).
  std::vector<std::uint16_t> holds(O);
  bool relabel = false;
  for (std::size_t o = 0; o < O; ++o) {
    holds[o] = static_cast<std::uint16_t>(o < L && just_closed[o] ? o + L : o);
    if (holds[o] != o) {
      relabel = true;
      for (std::size_t c = 0; c < cell_count; ++c) {
        const std::size_t from = c * options + o, to = c * options + holds[o];
        usage_.weight[to] += usage_.weight[from], usage_.weight[from] = 0;
        usage_.count[to] += usage_.count[from], usage_.count[from] = 0;
      }
    }
  }
  // Only in a cell where somebody holds an option that is no longer available can a holder be forced
  // to choose again; everywhere else a holder with a quiet draw keeps its option.
  std::vector<std::uint8_t> forced_cell(cell_count, 0);
  bool any_forced = false;
  for (std::size_t c = 0; c < cell_count; ++c)
    for (std::size_t o = 0; o < O; ++o)
      if (usage_.count[c * options + o] > 0 && !tables.available[c * O + o]) forced_cell[c] = 1, any_forced = true;
  // A draw w can change a non-adopter only if unit_open(w) < max_hazard (or, in the first month, the
  // initial share), and a holder only if below the revisit rate: the same tests, on the 32-bit words.
  const std::uint64_t below_none = words_below(initial_draw ? initial : max_hazard), below_hold = words_below(revisit);
  const std::uint64_t below_any = std::max(below_none, below_hold);

  const std::uint16_t* prev = pop_.choice[pop_.cur].data();
  std::uint16_t* next = pop_.choice[1 - pop_.cur].data();
  const float* wprev = pop_.weight[pop_.cur].data();
  float* wnext = pop_.weight[1 - pop_.cur].data();
  const std::uint8_t* nation_of = pop_.nation.data();
  const std::uint8_t* sector_of = pop_.sector.data();
  const bool mixed = net_.well_mixed();

  // Weight of i's neighbours (last month) on each option into nbr[0..O), on "no model" into nbr[O];
  // returns their total. Sizes lie on the 2^-20 grid, so these sums are exact: the weight on some model
  // is total - nbr[O] exactly, and one walk serves both the Bass term and the choice.
  auto neighbour_weights = [&](std::size_t i, double* nbr) {
    std::fill(nbr, nbr + O + 1, 0.0);
    double total = 0;
    for (std::uint32_t k : net_.of(i)) {
      const double w = std::fabs(wprev[k]);
      total += w;
      // no_model is above every option: min sends it to slot O without a branch (whether a neighbour
      // uses a model is a coin toss to the CPU)
      nbr[std::min<std::size_t>(prev[k], O)] += w;
    }
    return total;
  };
  // Share of i's neighbours' weight (last month) on some model, without the sums per option (in a
  // well-mixed population, the world's).
  auto adopted_share = [&](std::size_t i) {
    if (mixed) return world_adopted;
    const auto row = net_.of(i);
    const NeighbourSums s = neighbour_sums(row.data(), row.size(), wprev);
    return s.total > 0 ? s.adopted / s.total : 0.0;
  };
  // Turns the weights of neighbour_weights into shares of the total.
  auto to_shares = [&](double* nbr, double total) {
    if (total > 0)
      for (std::size_t o = 0; o < O; ++o) nbr[o] /= total;  // no branch on which options neighbours use: it vectorizes
  };
  // Share of i's neighbours' weight (last month) on each option, into nbr[0..O) (in a well-mixed
  // population, the world's).
  auto lab_shares = [&](std::size_t i, double* nbr) {
    if (mixed)
      std::copy(world_share.begin(), world_share.end(), nbr);
    else
      to_shares(nbr, neighbour_weights(i, nbr));
  };

  // A non-adopter that walks its neighbours needs their weight per option only if it adopts. While
  // few of them do (early in a diffusion), summing the Bass term alone and walking again for those
  // that adopt is faster; once many do, one walk that sums per option is (on the reference machine,
  // 10% faster for the baseline's first two years, 30% with half the adopters holding a model:
  // docs/performance.md). All ways give the same numbers.
  const bool walk_once = walk_ == Walk::automatic ? p_month + q_month * world_adopted > 0.25 * max_hazard : walk_ == Walk::once;

  // Candidates ahead whose neighbours' state, and whose risk and row, are asked for (measured best on
  // the reference machine; 4 to 12 candidates ahead all did about as well).
  constexpr std::size_t prefetch_ahead = 6, row_ahead = 12;
  std::mutex merge;
  update_work_ = {};
  parallel_for_index(blocks, [&](std::size_t blk) {
    std::vector<double> scratch(3 * O + 4);  // neighbour shares (and "none"), utilities and their exps; reused across the block
    double* nbr = scratch.data();
    double* utility = scratch.data() + O + 1;
    // This block's changes to the sums; exact, so blocks may add them in any order.
    std::vector<double> d_weight(cells, 0.0);
    std::vector<std::int64_t> d_count(cells, 0);
    std::array<std::uint32_t, chunk> words;
    // Adopters whose draw could change them this month, with that draw.
    struct Candidate {
      std::uint32_t index, word;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(block_size / 8);
    std::vector<std::uint32_t> choice_words;
    UpdateWork work;
    std::array<std::uint64_t, chunk / (4 * philox_group)> flagged;
    std::array<std::uint64_t, chunk / (4 * philox_group)> forced{};  // holders in a forced cell; set only when any_forced
    const std::size_t lo = blk * block_size, hi = std::min(n, lo + block_size);
    const auto block_started = std::chrono::steady_clock::now();
    for (std::size_t a = lo; a < hi; a += chunk) {
      const std::size_t e = std::min(hi, a + chunk), len = e - a;
      // Everybody keeps last month's state unless a draw below says otherwise.
      if (relabel)
        for (std::size_t i = a; i < e; ++i) next[i] = prev[i] == no_model ? no_model : holds[prev[i]];
      else
        std::memcpy(next + a, prev + a, len * sizeof(*next));
      std::memcpy(wnext + a, wprev + a, len * sizeof(*wnext));
      // Whether anything happens: word i mod 4 of the call for i / 4 (a is a multiple of 64). Flagged are
      // the adopters whose word is below the larger of the two bounds, a few more than can change.
      constexpr std::size_t group = 4 * philox_group;  // adopters per group of draws
      const std::size_t groups = (len + group - 1) / group;
      philox_words_below(def_.seed, month_index, a / 4, groups, Purpose::step, below_any, words.data(), flagged.data());
      if (any_forced) {
        forced.fill(0);
        for (std::size_t i = a; i < e; ++i)
          if (prev[i] != no_model && forced_cell[nation_of[i] * sector_count + sector_of[i]]) {
            const std::size_t place = draw_place(i - a);
            forced[place / group] |= std::uint64_t{1} << (place % group);
          }
      }
      for (std::size_t g = 0; g < groups; ++g)
        for (std::uint64_t bits = flagged[g] | forced[g]; bits; bits &= bits - 1) {
          const std::size_t bit = static_cast<std::size_t>(std::countr_zero(bits)), place = g * group + bit, k = draw_owner(place);
          if (k >= len) continue;
          // The exact test for the adopter's state (the flag used the larger bound), here rather than
          // in the loop below, so that no memory is asked for on behalf of those it drops.
          const std::size_t i = a + k;
          if (words[place] < (next[i] != no_model ? below_hold : below_none) || (forced[g] >> bit & 1))
            candidates.push_back({static_cast<std::uint32_t>(i), words[place]});
        }
    }
    const auto candidates_started = std::chrono::steady_clock::now();
    // Then the candidates of the whole block, in one stream, so that asking for memory ahead of need
    // runs on from chunk to chunk. First the draws that pick an option, for all of them at once (used
    // only by those that choose).
    const std::size_t found = candidates.size();
    choice_words.resize(found);
    for (std::size_t f = 0; f < found; ++f) choice_words[f] = candidates[f].index;
    philox_first_words(def_.seed, month_index, 0, choice_words.data(), found, Purpose::choose, choice_words.data());
    for (std::size_t f = 0; f < found; ++f) {
      // A candidate's risk and row of the network, then its neighbours' state, lie anywhere in memory:
      // ask for the first row_ahead candidates ahead and for the neighbours' state prefetch_ahead
      // candidates ahead (its row has arrived by then), so that the reads of several candidates overlap
      // instead of waiting one after the other.
      if (f + row_ahead < found) {
        const std::size_t ahead = candidates[f + row_ahead].index;
        __builtin_prefetch(pop_.risk.data() + ahead);  // read by those that choose, a few per cache line
        __builtin_prefetch(nation_of + ahead);
        __builtin_prefetch(sector_of + ahead);
        const std::size_t begin = mixed ? 0 : net_.row_begin(ahead), end = mixed ? 0 : net_.row_end(ahead);
        if (end > begin) {  // a row may span two cache lines
          __builtin_prefetch(net_.neighbours.data() + begin);
          __builtin_prefetch(net_.neighbours.data() + end - 1);
        }
      }
      if (!mixed && f + prefetch_ahead < found)
        for (std::uint32_t k : net_.of(candidates[f + prefetch_ahead].index)) {
          __builtin_prefetch(wprev + k);
          __builtin_prefetch(prev + k);
        }
      const std::size_t i = candidates[f].index;
      const std::uint32_t word = candidates[f].word;
      const double u_event = unit_open(word);
      auto u_choice = [&] { return unit_open(choice_words[f]); };
      const std::uint16_t current = next[i];
      const std::size_t nation = nation_of[i];
      const std::size_t cell = nation * sector_count + sector_of[i];
      std::uint16_t chosen = current;
      // Whether this candidate reads its row of the network (none in a well-mixed population, nor for
      // the initial draw), and its length: counted for the benchmark's bytes moved.
      const bool walks = !mixed && !(current == no_model && initial_draw);
      const std::uint64_t row_length = walks ? net_.row_end(i) - net_.row_begin(i) : 0;
      if (current == no_model) {
        bool adopts;
        work.rows += walks, work.neighbours += row_length;
        if (initial_draw) {
          adopts = u_event < initial;
          if (adopts) std::fill(nbr, nbr + O, 0.0);
        } else if (walk_once && !mixed) {
          const double total = neighbour_weights(i, nbr);
          adopts = u_event < std::min(1.0, p_month + q_month * (total > 0 ? (total - nbr[O]) / total : 0.0));
          if (adopts) to_shares(nbr, total);
        } else {
          adopts = u_event < std::min(1.0, p_month + q_month * adopted_share(i));
          if (adopts) lab_shares(i, nbr);
        }
        if (adopts) {
          chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, no_model, u_choice());
          work.choices += 1, work.choice_neighbours += row_length;
        }
      } else {
        const bool forced = !tables.available[cell * O + current];
        if (forced || u_event < revisit) {
          work.rows += walks, work.neighbours += row_length, work.choices += 1, work.choice_neighbours += row_length;
          lab_shares(i, nbr);
          chosen = choose(tables, b, cell, nation, pop_.risk[i], nbr, utility, forced ? no_model : current, u_choice());
        }
      }
      if (chosen == current) continue;
      const float size = std::fabs(wprev[i]);
      next[i] = chosen;
      wnext[i] = chosen == no_model ? -size : size;
      const std::size_t from = cell * options + (current == no_model ? O : current);
      const std::size_t to = cell * options + (chosen == no_model ? O : chosen);
      d_weight[from] -= size, d_count[from] -= 1;
      d_weight[to] += size, d_count[to] += 1;
    }
    const auto block_done = std::chrono::steady_clock::now();
    work.candidates = found;
    work.stream_seconds = std::chrono::duration<double>(candidates_started - block_started).count();
    work.candidate_seconds = std::chrono::duration<double>(block_done - candidates_started).count();
    std::lock_guard<std::mutex> hold(merge);
    for (std::size_t c = 0; c < cells; ++c) usage_.weight[c] += d_weight[c], usage_.count[c] += d_count[c];
    update_work_ += work;
  });
  pop_.cur = 1 - pop_.cur;
  update_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
