#pragma once
// The simulated world and its month step. A month reads the state left by the previous month and
// writes the next (adopter choices are double-buffered), so the order in which adopters are visited,
// and the number of threads visiting them, cannot change the result.
//
// One month, in order (docs/model.md describes each step):
//   1. apply the timeline events dated this month;
//   2. nations' policy rules, from last month's dependency;
//   3. labs' release decisions, from last month's usage; a lab that closed strands its open users;
//   4. materials supply, chips under export controls, serving costs and prices;
//   5. choice tables; adopters update (parallel, fixed blocks): non-adopters adopt by the Bass hazard
//      and choose by the logit rule; adopters revisit at a rate, or must when their option is removed;
//   6. usage is summed per (nation, sector, option) in fixed block order;
//   7. revenue, valuation, compute bought and rationed by chipmakers' capacity;
//   8. outputs for the month;
//   9. labs' capability and chipmakers' ecosystems advance to next month.
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "model/labs.h"
#include "model/network.h"
#include "model/population.h"
#include "model/scenario_def.h"

namespace geosim {

/// One value of one month's outputs: a metric for a scope (world, nation:ID, lab:ID, chipmaker:ID).
struct OutputRow {
  std::string scope;
  std::string metric;
  double value = 0;
};

/// Usage summed over adopters: size-weighted and by count, per (nation, sector, option).
struct Usage {
  std::size_t options = 0;     // 2 labs + 1: current versions, frozen open versions, "no model"
  std::vector<double> weight;  // [(n * S + s) * options + j]
  std::vector<std::int64_t> count;
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
  bool done() const { return months_done_ >= def_.months; }
  int months_done() const { return months_done_; }
  /// The month the last step simulated.
  Month last_month() const { return def_.start + (months_done_ - 1); }
  const std::vector<OutputRow>& outputs() const { return outputs_; }
  const Usage& usage() const { return usage_; }
  const ScenarioDef& params() const { return def_; }
  const std::vector<LabState>& labs() const { return labs_; }
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
  void strand_closed_labs(std::vector<std::uint8_t>& just_closed);
  void update_adopters(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed);
  template <bool counting>
  void update_adopters_as(std::uint32_t month_index, const ChoiceTables& tables, const std::vector<std::uint8_t>& just_closed);
  void settle_usage(const ChoiceTables& tables);
  void compute_outputs(const ChoiceTables& tables);

  ScenarioDef def_;
  Index idx_;
  Population pop_;
  Network net_;
  std::vector<LabState> labs_;
  std::vector<ChipState> chips_;
  std::vector<NationState> nations_;
  std::vector<std::uint8_t> was_open_;
  std::vector<double> nation_risk_;
  double closed_value_start_ = -1;
  double start_frontier_ = 0;  // best capability in the first month
  Usage usage_;                // of the last simulated month (and, before the first, the empty start)
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
