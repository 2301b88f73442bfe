// The adopter update (docs/model.md 3.9): the parallel part of a month, where 99% of a run's time goes.
//
// Design note.
// - Every adopter reads only last month's state (its own and its neighbours') and writes this month's,
//   into the other half of double buffers (Population::choice, Population::weight). Blocks of adopters
//   can therefore run on any thread in any order and give the same result.
// - Only a few adopters change in a month (3.5% in the baseline): non-adopters whose Bass draw comes
//   out, holders whose revisit draw does, and holders whose option was withdrawn. A first pass over
//   every adopter copies last month's state and draws the event words of purpose 8 four adopters per
//   Philox call; it keeps as candidates those whose word lies below the larger of the two bounds (the
//   test on 32-bit words equals the test on the uniforms). A second pass handles the candidates one by
//   one: that pass costs 50-100 ns each, the first about 1 ns per adopter (docs/performance.md).
// - Sums of usage are exact: sizes lie on a 2^-20 grid (Population), so a block's changes can be added
//   to last month's sums in any order and still equal the sums over all adopters bit for bit. Each block
//   keeps its own changes and adds them once, under a lock.
// - Candidates' rows of the network and their neighbours' state lie anywhere in memory: the candidates'
//   pass asks for them several candidates ahead (__builtin_prefetch), so that reads overlap.
// - A non-adopter needs its neighbours' weight per option only when it adopts: while few adopt, one
//   vectorized walk sums the Bass term alone (neighbour_sums.h) and a second walk serves those that
//   adopt; once many adopt, one walk that sums per option is cheaper (the walk choice below).
// - The logit pick (logit.h) has a vectorized fast path that gives the same picks as the exact one.
// - Counting the work done (World::UpdateWork, for benchmarks) is compiled into a separate instance of
//   the update, so that the ordinary run does not pay for it.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>

#include "core/parallel.h"
#include "core/random.h"
#include "core/random_batch.h"
#include "model/logit.h"
#include "model/neighbour_sums.h"
#include "model/world.h"

namespace geosim {
namespace {

/// Draws one option by the logit rule. `nbr_share[o]` is the share of neighbours' weight on option o;
/// `utility` is scratch space for 2 O + 3 values. A frozen open version (o >= L) is open only to the
/// adopter that holds it, so the pick runs over the L current versions and, for its holder, the one
/// frozen version after them: the same options in the same order as over all 2 L, and the same pick
/// (the others would only add zeros to the running sums), for about half the work.
std::uint16_t choose(const ChoiceTables& t, const BehaviourDef& b, std::size_t cell, double risk_sensitivity, const double* nbr_share,
                     double* utility, std::uint16_t current, double u) {
  const std::size_t O = t.options, L = O / 2;
  const std::uint8_t* table = t.available.data() + cell * O;
  const double* base = t.base_utility.data() + cell * O;
  const double* risk = t.risk.data() + cell * O;
  auto value = [&](std::size_t o) {
    double v = base[o] - risk_sensitivity * risk[o] + b.w_neighbours * nbr_share[o];
    if (current != no_model && o != current) v -= b.w_switching;
    return v;
  };
  for (std::size_t o = 0; o < L; ++o) utility[o] = table[o] ? value(o) : closed_option;
  const bool holds_frozen = current != no_model && current >= L && table[current];
  if (holds_frozen) utility[L] = value(current);
  const std::size_t n = L + (holds_frozen ? 1 : 0);
  const std::size_t pick = logit_pick(utility, n, u, utility + n);
  return pick == n ? no_model : pick == L ? current : static_cast<std::uint16_t>(pick);
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
  if (count_work_)
    update_adopters_as<true>(month_index, tables, just_closed);
  else
    update_adopters_as<false>(month_index, tables, just_closed);
}

template <bool counting>
void World::update_adopters_as(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed) {
  const auto started = std::chrono::steady_clock::now();
  // O choosable options (current and frozen versions of each lab); index O in the sums is "no model".
  const std::size_t n = pop_.count(), L = lines_.size(), options = usage_.options, O = options - 1;
  const std::size_t cell_count = def_.nations.size() * sector_count;
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
  // Turns the weights of neighbour_weights into shares of the total: for the current versions, the only
  // options a chooser may pick besides a frozen version it holds (whose share the caller adds).
  auto to_shares = [&](double* nbr, double total) {
    if (total > 0)
      for (std::size_t o = 0; o < L; ++o) nbr[o] /= total;  // no branch on which options neighbours use: it vectorizes
  };
  auto frozen_share = [&](double* nbr, double total, std::uint16_t held) {
    if (total > 0 && held != no_model && held >= L) nbr[held] /= total;
  };
  // Share of i's neighbours' weight (last month) on each option, into nbr[0..O) (in a well-mixed
  // population, the world's).
  auto lab_shares = [&](std::size_t i, double* nbr, std::uint16_t held) {
    if (mixed) {
      std::copy(world_share.begin(), world_share.end(), nbr);
    } else {
      const double total = neighbour_weights(i, nbr);
      to_shares(nbr, total);
      frozen_share(nbr, total, held);
    }
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

    std::array<std::uint32_t, chunk> words;
    // Adopters whose draw could change them this month, with that draw.
    struct Candidate {
      std::uint32_t index, word;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(block_size / 8);
    std::vector<std::uint32_t> choice_words;
    [[maybe_unused]] UpdateWork work;
    std::array<std::uint64_t, chunk / (4 * philox_group)> flagged;
    std::array<std::uint64_t, chunk / (4 * philox_group)> forced{};  // holders in a forced cell; set only when any_forced
    const std::size_t lo = blk * block_size, hi = std::min(n, lo + block_size);
    // This block's changes to the sums; exact, so blocks may add them in any order. Nations hold
    // contiguous ranges of adopters, so a block touches only the cells of the nations it spans: one or
    // two of them, whose cells alone it keeps and adds under the lock.
    const std::size_t first_cell = nation_of[lo] * sector_count * options, end_cell = (nation_of[hi - 1] + 1) * sector_count * options;
    std::vector<double> d_weight(end_cell - first_cell, 0.0);
    std::vector<std::int64_t> d_count(end_cell - first_cell, 0);
    std::chrono::steady_clock::time_point block_started, candidates_started;
    if constexpr (counting) block_started = std::chrono::steady_clock::now();
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
    if constexpr (counting) candidates_started = std::chrono::steady_clock::now();
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
      // the initial draw), and its length: counted for the benchmark's bytes moved (and, when not
      // counting, dropped by the compiler).
      [[maybe_unused]] const bool walks = !mixed && !(current == no_model && initial_draw);
      [[maybe_unused]] const std::uint64_t row_length = walks ? net_.row_end(i) - net_.row_begin(i) : 0;
      if (current == no_model) {
        bool adopts;
        if constexpr (counting) work.rows += walks, work.neighbours += row_length;
        if (initial_draw) {
          adopts = u_event < initial;
          if (adopts) std::fill(nbr, nbr + O, 0.0);
        } else if (walk_once && !mixed) {
          const double total = neighbour_weights(i, nbr);
          adopts = u_event < std::min(1.0, p_month + q_month * (total > 0 ? (total - nbr[O]) / total : 0.0));
          if (adopts) to_shares(nbr, total);
        } else {
          adopts = u_event < std::min(1.0, p_month + q_month * adopted_share(i));
          if (adopts) lab_shares(i, nbr, no_model);
        }
        if (adopts) {
          chosen = choose(tables, b, cell, pop_.risk[i], nbr, utility, no_model, u_choice());
          if constexpr (counting) work.choices += 1, work.choice_neighbours += row_length;
        }
      } else {
        const bool forced = !tables.available[cell * O + current];
        if (forced || u_event < revisit) {
          if constexpr (counting) work.rows += walks, work.neighbours += row_length, work.choices += 1, work.choice_neighbours += row_length;
          lab_shares(i, nbr, current);
          chosen = choose(tables, b, cell, pop_.risk[i], nbr, utility, forced ? no_model : current, u_choice());

        }
      }
      if (chosen == current) continue;
      const float size = std::fabs(wprev[i]);
      next[i] = chosen;
      wnext[i] = chosen == no_model ? -size : size;
      const std::size_t from = cell * options + (current == no_model ? O : current) - first_cell;
      const std::size_t to = cell * options + (chosen == no_model ? O : chosen) - first_cell;
      d_weight[from] -= size, d_count[from] -= 1;
      d_weight[to] += size, d_count[to] += 1;
    }
    if constexpr (counting) {
      const auto block_done = std::chrono::steady_clock::now();
      work.candidates = found;
      work.stream_seconds = std::chrono::duration<double>(candidates_started - block_started).count();
      work.candidate_seconds = std::chrono::duration<double>(block_done - candidates_started).count();
    }
    std::lock_guard<std::mutex> hold(merge);
    for (std::size_t c = first_cell; c < end_cell; ++c) usage_.weight[c] += d_weight[c - first_cell], usage_.count[c] += d_count[c - first_cell];

    if constexpr (counting) update_work_ += work;
  });
  pop_.cur = 1 - pop_.cur;
  update_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace geosim
