#pragma once
// The simulated world and its month step. A month reads the state left by the previous month and
// writes the next (adopter choices are double-buffered), so the order in which adopters are visited,
// and the number of threads visiting them, cannot change the result.
//
// One month, in order (World::step; docs/model.md 1.3 and section 3 describe each stage):
//   1. events dated this month change parameters (and capability jumps the lines' state);
//   2. the demand multiplier moves toward its long-run level;
//   3. nations' policy rules, from last month's dependency;
//   4. release decisions of labs' main lines; lines no longer offered open strand their users;
//   5. materials supply, the chip market under export rules, serving costs and prices, choice tables;
//   6. adopters update (parallel, fixed blocks);
//   7. usage is summed per (nation, sector, option); shares, revenue, indices, dependency;
//   8. revenue turns into valuation and compute, rationed by chipmakers' capacity;
//   9. outputs for the month;
//  10. lines' capability and chipmakers' ecosystems advance to next month.
//
// Where each mechanism of docs/model.md lives:
//   diffusion (Bass) and choice (logit), neighbour effects, switching cost .... adopter_update.cpp
//   origin risk, rivals, bans, frontier access, product attributes ........... market.cpp (choice tables)
//   export controls, tiers, licence fees, buyer bans, chip purchase shares ... market.cpp (make_chip_market)
//   serving costs, markups, commoditization, hosting, subsidies .............. market.cpp (set_prices)
//   hardware affinity and ecosystems ......................................... market.cpp (effective_perf, advance_ecosystems)
//   materials supply ........................................................ market.cpp (update_supply), labs.cpp (rationing)
//   release strategy, loss leaders, stranding ................................ release.cpp
//   demand response to price and capability (Jevons) ........................ labs.cpp (update_demand)
//   revenue, valuation, compute bought ....................................... world.cpp (settle_usage), labs.cpp (settle_money)
//   capability growth, distillation, community ............................... labs.cpp (advance_capability)
//   dependency rules ......................................................... policy.cpp
//   outputs .................................................................. outputs.cpp, declared in output_catalog.cpp
#include <cstdint>
#include <string>
#include <map>
#include <vector>

#include "core/bytes.h"
#include "model/market.h"
#include "model/network.h"
#include "model/population.h"
#include "model/scenario_def.h"
#include "model/parameters.h"
#include "model/state.h"

namespace geosim {

/// One value of one month's outputs: a metric for a scope (world, nation:ID, lab:ID, chipmaker:ID).
struct OutputRow {
  std::string scope;
  std::string metric;
  double value = 0;
};

/// Usage summed over adopters: size-weighted and by count, per (nation, sector, option).
struct Usage {
  std::size_t options = 0;     // 2 lines + 1: current versions, frozen open versions, "no model"
  std::vector<double> weight;  // [(n * S + s) * options + o]
  std::vector<std::int64_t> count;
};

/// A month's usage weight summed per (nation, option), per nation and for the world (docs/outputs.md,
/// "Sums"); exact, like the cells it sums.
struct UsageTotals {
  std::vector<double> on;              // [n * O + o]: W_{n,o}
  std::vector<double> nation_total;    // W_n, adopters or not
  std::vector<double> nation_adopted;  // A_n
  std::vector<double> world_on;        // [o]
  double world_total = 0, world_adopted = 0;
  double price_paid = 0;            // Σ_n Σ_o W_{n,o} P_{n,o}, nations outer and options inner, one running sum
  std::vector<double> nation_paid;  // Σ_o W_{n,o} P_{n,o} of each nation
  double price_index = 0, capability_index = 0;  // the world's
};


/// Bytes a World for this scenario will allocate at its peak (adopters, network and its construction),
/// computed before anything is allocated.
std::size_t estimate_memory(const ScenarioDef& def);

/// A whole simulation: scenario, adopters, network, labs, and the month it has reached.
class World {
 public:
  explicit World(ScenarioDef def);

  /// Simulates one month; outputs() then describes it.
  void step();
  /// Schedules an event for a month not yet simulated (a lever pulled in the viewer) after the events
  /// already dated that month, exactly as if the scenario had listed it last; throws
  /// std::invalid_argument for a month already simulated or after the run's end.
  void add_event(EventDef event);
  /// An event applied at a month: its index in params().events, and whether a trigger fired it.
  struct AppliedEvent {
    Month at;
    std::size_t event = 0;
    bool triggered = false;
  };
  /// Every enabled event applied so far, in the order applied (the run's event log, events.csv).
  std::vector<AppliedEvent> event_log() const;
  /// Fires each triggered event at the month given for its id instead of by its condition, and never
  /// those not named (a replay of a run's event log: the same series). Before the first month only.
  void replay_triggers(const std::map<std::string, Month>& fired);
  bool done() const { return months_done_ >= def_.months; }
  int months_done() const { return months_done_; }
  /// The month the last step simulated.
  Month last_month() const { return def_.start + (months_done_ - 1); }
  const std::vector<OutputRow>& outputs() const { return outputs_; }
  const Usage& usage() const { return usage_; }
  const ScenarioDef& params() const { return def_; }
  const std::vector<LabState>& labs() const { return labs_; }
  const std::vector<LineState>& lines() const { return lines_; }
  const ChipMarket& chip_market() const { return market_; }
  const std::vector<ChipState>& chips() const { return chips_; }
  const Population& population() const { return pop_; }
  const Network& network() const { return net_; }
  /// Appends the whole changing state (parameters in force, adopters' options, labs, chipmakers,
  /// nations, the month reached) to `out`; the unchanging part is rebuilt from the scenario.
  void save_state(ByteWriter& out) const;
  /// Restores a state saved by a world of the same population and agents, with the parameters in
  /// force then (including labs' own release decisions and bans fired by rules). For a branch,
  /// `history` is the scenario the saved run followed: every parameter on which this world's scenario
  /// and `history` differ at the month reached (each with its events before that month applied) takes
  /// this world's value, so that a what-if changes exactly what it names. Throws std::runtime_error
  /// when the data does not fit this world.
  void load_state(ByteReader& in, const ScenarioDef* history = nullptr);

  /// How non-adopters that walk their neighbours sum them: decided each month from the share expected
  /// to adopt (automatic), or always in one walk, or always the Bass sum first (for tests: all three give
  /// the same numbers).
  enum class Walk { automatic, once, bass_first };
  void set_walk(Walk walk) { walk_ = walk; }

  /// Wall-clock seconds the last month's adopter update took (for benchmarks).
  double update_seconds() const { return update_seconds_; }
  /// What the last month's adopter update had to read beyond each adopter's own state (for benchmarks).
  struct UpdateWork {
    std::uint64_t rows = 0;              // network rows read: non-adopters whose draw could make them adopt, holders that reconsider
    std::uint64_t neighbours = 0;        // entries of those rows (each: an index and a neighbour's weight)
    std::uint64_t choices = 0;           // adopters that chose (each: its nation, sector and risk)
    std::uint64_t choice_neighbours = 0; // their neighbours (each: the neighbour's option)
    std::uint64_t candidates = 0;        // adopters whose draw could change them, handled one by one
    // Seconds spent, summed over threads, in the pass over every adopter (copy of last month's state,
    // event draws, flags) and in the candidates' pass (walks, draws of an option, choices).
    double stream_seconds = 0, candidate_seconds = 0;

    /// Adds another block's counts and times.
    UpdateWork& operator+=(const UpdateWork& o) {
      rows += o.rows, neighbours += o.neighbours, choices += o.choices, choice_neighbours += o.choice_neighbours;
      candidates += o.candidates, stream_seconds += o.stream_seconds, candidate_seconds += o.candidate_seconds;
      return *this;
    }
  };
  /// The last month's work, counted only after set_count_work(true) (an instance of the update that
  /// counts, so that ordinary runs do not pay for it).
  const UpdateWork& update_work() const { return update_work_; }
  void set_count_work(bool on) { count_work_ = on; }
  /// Bytes held by adopters and network.
  std::size_t adopter_bytes() const { return pop_.bytes() + net_.bytes(); }

 private:
  void apply_events(Month month);
  /// After a month's outputs: counts the months each triggered event's condition has held, and fires
  /// those whose count reaches their `for` (they apply at the start of the next month).
  void check_triggers(Month month);
  /// For a key whose event value also replaces state (KeySpec::sets_state): a line's capability (a
  /// release jump), a chipmaker's capacity.
  void set_state(const KeySpec& key, std::size_t agent, const Value& value);
  void update_adopters(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed);
  template <bool counting>
  void update_adopters_as(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed);
  void settle_usage(const ChoiceTables& tables);
  void compute_outputs(const ChoiceTables& tables);

  ScenarioDef def_;
  Index idx_;
  Population pop_;
  Network net_;
  std::vector<LineState> lines_;
  std::vector<LabState> labs_;
  std::vector<ChipState> chips_;
  std::vector<NationState> nations_;
  ChipMarket market_;          // this month's
  std::vector<double> nation_risk_;
  double closed_value_start_ = -1;
  double start_frontier_ = -1;  // best capability on offer in the first month
  // Per event (params().events order): months in a row its trigger's condition has held, and the month
  // index it applies at once fired (-1: not fired; a dated event's stay -1).
  std::vector<int> trigger_run_, fired_at_;
  bool replaying_ = false;      // triggers fire only as replay_triggers said
  Usage usage_;                // of the last simulated month (and, before the first, the empty start)
  UsageTotals totals_;         // of the last simulated month

  std::vector<OutputRow> outputs_;
  int months_done_ = 0;
  double update_seconds_ = 0;
  UpdateWork update_work_;
  Walk walk_ = Walk::automatic;
  bool count_work_ = false;
  // Adopters are updated in parallel blocks, and within a block in chunks whose random words fit in L1.
  static constexpr std::size_t chunk = 1 << 10, max_block_chunks = 16;
};

}  // namespace geosim
