// Saving and restoring a world's changing state (checkpoints, resumed runs, branches).
//
// The agents' states are written field by field in a fixed order: their structs have padding whose
// bytes are whatever the heap held, so writing them whole made the same run give different files.
// Everything read back is checked as the loader checks a scenario (kinds, ranges, choices, the agents
// named) and every state field against its range: a checkpoint's checksum proves only that the file is
// intact, and anyone can recompute it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/series.h"
#include "model/world.h"
#include "model/key_path.h"
#include "model/parameters.h"
#include "model/value_check.h"

namespace geosim {
namespace {

// 2: sizes on the 2^-20 grid (Population::size_quantum); 3: agents' states field by field; 4: model v2
// (lines, demand per nation, chipmakers' capacity).
constexpr std::uint32_t state_format = 5;  // 5: triggered events' counts and firing months

void put_value(ByteWriter& out, const Value& v) {
  out.put<std::uint8_t>(static_cast<std::uint8_t>(v.index()));
  switch (v.index()) {
    case 0:
      out.put(std::get<double>(v));
      break;
    case 1:
      out.put<std::uint8_t>(std::get<bool>(v));
      break;
    case 2:
      out.put_string(std::get<std::string>(v));
      break;
    case 3: {
      const auto& list = std::get<std::vector<std::string>>(v);
      out.put<std::uint64_t>(list.size());
      for (const auto& s : list) out.put_string(s);
      break;
    }
    case 4: {
      const auto& map = std::get<std::map<std::string, double>>(v);
      out.put<std::uint64_t>(map.size());
      for (const auto& [k, d] : map) {
        out.put_string(k);
        out.put(d);
      }
      break;
    }
  }
}

Value get_value(ByteReader& in) {
  switch (in.get<std::uint8_t>()) {
    case 0:
      return in.get<double>();
    case 1:
      return in.get<std::uint8_t>() != 0;
    case 2:
      return in.get_string();
    case 3: {
      const auto n = in.get<std::uint64_t>();
      if (n > 100000) throw std::runtime_error("checkpoint holds an impossibly long list");
      std::vector<std::string> list;
      for (std::uint64_t i = 0; i < n; ++i) list.push_back(in.get_string());
      return list;
    }
    case 4: {
      const auto n = in.get<std::uint64_t>();
      if (n > 100000) throw std::runtime_error("checkpoint holds an impossibly long map");
      std::map<std::string, double> map;
      for (std::uint64_t i = 0; i < n; ++i) {
        std::string key = in.get_string();
        map[key] = in.get<double>();
      }
      return map;
    }
    default:
      throw std::runtime_error("checkpoint holds an unknown kind of value");
  }
  return {};
}

/// The values a numeric state field may take.
struct Range {
  double low, high;
};
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr Range non_negative{0, inf}, unit{0, 1 + 1e-9};  // shares may round a hair past 1
constexpr Range log_multiplier{-30, 30};                       // model.md 3.10 keeps it there

// The fields of each agent state, in the order a checkpoint stores them, with the values each may take
// (S is the state or a const state; f(name, field, range)). A field added to LabState, ChipState or
// NationState is one line here; the static_asserts below fail to compile until it is.
template <class S, class F>
constexpr void line_fields(S& s, F&& f) {
  f("capability", s.capability, non_negative);
  f("start_capability", s.start_capability, non_negative);
  f("cost", s.cost, non_negative);
  f("frozen_cost", s.frozen_cost, non_negative);
  f("price", s.price, non_negative);
  f("perf", s.perf, non_negative);
  f("usage_share", s.usage_share, unit);
  f("demand_share", s.demand_share, unit);
  f("revenue", s.revenue, non_negative);
  f("served", s.served, non_negative);
  f("offered_open", s.offered_open, unit);
  f("has_frozen", s.has_frozen, unit);
  f("frozen_capability", s.frozen_capability, non_negative);
}

template <class S, class F>
constexpr void lab_fields(S& s, F&& f) {
  f("compute_factor", s.compute_factor, non_negative);
  f("spend", s.spend, non_negative);
  f("revenue", s.revenue, non_negative);
  f("revenue_avg", s.revenue_avg, non_negative);
  f("valuation", s.valuation, non_negative);
}

template <class S, class F>
constexpr void chip_fields(S& s, F&& f) {
  f("capacity", s.capacity, non_negative);
  f("ecosystem", s.ecosystem, unit);
  f("supply", s.supply, unit);
  f("rationed", s.rationed, unit);
  f("demand", s.demand, non_negative);
  f("usage", s.usage, unit);
}

template <class S, class F>
constexpr void nation_fields(S& s, F&& f) {
  f("months_above", s.months_above, non_negative);  // and at most the months done, checked apart
  f("rule_active", s.rule_active, unit);
  f("rival_dependency", s.rival_dependency, unit);
  f("log_multiplier", s.log_multiplier, log_multiplier);
  f("tokens", s.tokens, non_negative);
  f("price_index", s.price_index, non_negative);
  f("capability_index", s.capability_index, non_negative);
  f("price_start", s.price_start, non_negative);
  f("capability_start", s.capability_start, non_negative);
}

constexpr auto line_visit = [](auto& s, auto&& f) { line_fields(s, f); };
constexpr auto lab_visit = [](auto& s, auto&& f) { lab_fields(s, f); };
constexpr auto chip_visit = [](auto& s, auto&& f) { chip_fields(s, f); };
constexpr auto nation_visit = [](auto& s, auto&& f) { nation_fields(s, f); };

/// The number of members of an aggregate, by the largest brace initializer it accepts.
struct AnyField {
  template <class T>
  operator T() const;
};
template <class T, class... Given>
constexpr std::size_t member_count() {
  if constexpr (requires { T{Given{}..., AnyField{}}; })
    return member_count<T, Given..., AnyField>();
  else
    return sizeof...(Given);
}
template <class T, class Visit>
constexpr std::size_t visited_count(Visit visit) {
  T s{};
  std::size_t n = 0;
  visit(s, [&](const char*, auto&, Range) { ++n; });
  return n;
}
static_assert(visited_count<LineState>(line_visit) == member_count<LineState>(),
              "LineState has a field the checkpoint does not save: add it to line_fields");
static_assert(visited_count<LabState>(lab_visit) == member_count<LabState>(),
              "LabState has a field the checkpoint does not save: add it to lab_fields");
static_assert(visited_count<ChipState>(chip_visit) == member_count<ChipState>(),
              "ChipState has a field the checkpoint does not save: add it to chip_fields");
static_assert(visited_count<NationState>(nation_visit) == member_count<NationState>(),
              "NationState has a field the checkpoint does not save: add it to nation_fields");

// Fields are stored with fixed widths whatever the platform's int or bool.
void put_field(ByteWriter& out, double v) { out.put(v); }
void put_field(ByteWriter& out, int v) { out.put<std::int32_t>(v); }
void put_field(ByteWriter& out, bool v) { out.put<std::uint8_t>(v ? 1 : 0); }
void get_field(ByteReader& in, double& v) { v = in.get<double>(); }
void get_field(ByteReader& in, int& v) { v = in.get<std::int32_t>(); }
void get_field(ByteReader& in, bool& v) {
  const auto b = in.get<std::uint8_t>();
  if (b > 1) throw std::runtime_error("the checkpoint holds a true/false state field of value " + std::to_string(b));
  v = b == 1;
}

template <class S, class Fields>
void put_states(ByteWriter& out, const std::vector<S>& states, Fields fields) {
  out.put<std::uint64_t>(states.size());
  for (const S& s : states) fields(s, [&](const char*, const auto& field, Range) { put_field(out, field); });
}

/// Reads `expected` states and checks every field against its range; `what` names an agent for messages.
template <class S, class Fields, class Name>
std::vector<S> get_states(ByteReader& in, std::size_t expected, Fields fields, Name what) {
  if (in.get<std::uint64_t>() != expected) throw std::runtime_error("the checkpoint's state does not fit this scenario (other agents)");
  std::vector<S> states(expected);
  for (std::size_t i = 0; i < expected; ++i)
    fields(states[i], [&](const char* name, auto& field, Range r) {
      get_field(in, field);
      const double v = static_cast<double>(field);
      if (!(v >= r.low && v <= r.high))
        throw std::runtime_error("the checkpoint's " + what(i) + " has " + name + " = " + format_value(v) + ", outside [" + format_value(r.low) +
                                 ", " + format_value(r.high) + "]");
    });
  return states;
}

/// "labs.deepseek.open", "behaviour.bass_p": a parameter as events name it.
std::string parameter_name(const KeySpec& k, std::size_t i, const ScenarioDef& def) {
  return key_path_of(k, k.owner() == AgentList::none ? "" : agent_id(def, k.owner(), i));
}

/// The keys whose values make up the parameters in force, in a fixed order.
template <class F>
void for_each_parameter(const ScenarioDef& def, F&& f) {
  for (const auto& k : schema()) {
    if (!k.get || k.owner() == AgentList::events || k.owner() == AgentList::claims) continue;
    const std::size_t n = k.owner() == AgentList::none ? 1 : agent_count(def, k.owner());
    for (std::size_t i = 0; i < n; ++i) f(k, i);
  }
}


/// Reads the saved parameters over `saved`, each checked as the loader checks a value (its kind and
/// range, the agents it names) before it is stored: a number cast to a whole-number field must be one.
void read_parameters(ByteReader& in, ScenarioDef& saved) {
  const ScenarioDef agents = saved;  // ids cannot change, so references are checked against these
  for_each_parameter(agents, [&](const KeySpec& k, std::size_t i) {
    const Value v = get_value(in);
    if (v.index() != k.get(agents, i).index()) throw std::runtime_error("the checkpoint's parameters do not fit this scenario");
    if (auto problem = value_problem(k, v, agents))
      throw std::runtime_error("the checkpoint's " + parameter_name(k, i, agents) + ": " + *problem);
    k.set(saved, i, v);
  });
}

/// The keys no event may change must equal the scenario's the run followed, and every nation keep a
/// bloc alignment (the loader's checks across keys).
void check_parameters(const ScenarioDef& saved, const ScenarioDef& followed) {
  for_each_parameter(saved, [&](const KeySpec& k, std::size_t i) {
    if (!k.settable && !(k.get(saved, i) == k.get(followed, i)))
      throw std::runtime_error("the checkpoint's " + parameter_name(k, i, saved) +
                               " differs from its scenario's, and no event can change it (a damaged or edited checkpoint?)");
  });
  for (const auto& n : saved.nations)
    if (!(n.bloc[0] + n.bloc[1] + n.bloc[2] > 0))
      throw std::runtime_error("the checkpoint's nation '" + n.id + "' has all bloc weights zero");
}

}  // namespace

void World::save_state(ByteWriter& out) const {
  out.put(state_format);
  out.put<std::int32_t>(months_done_);
  std::uint64_t count = 0;
  for_each_parameter(def_, [&](const KeySpec&, std::size_t) { ++count; });
  out.put(count);
  for_each_parameter(def_, [&](const KeySpec& k, std::size_t i) { put_value(out, k.get(def_, i)); });
  out.put<std::int32_t>(pop_.cur);
  out.put_vector(pop_.choice[pop_.cur]);
  out.put_vector(pop_.weight[pop_.cur]);
  put_states(out, lines_, line_visit);
  put_states(out, labs_, lab_visit);
  put_states(out, chips_, chip_visit);
  put_states(out, nations_, nation_visit);
  out.put_vector(usage_.weight);
  out.put_vector(usage_.count);
  out.put(closed_value_start_);
  out.put(start_frontier_);
  // Triggered events only, in list order: events added during a run (add_event) are dated, so a world
  // made again from the scenario has the same triggered events whatever was added to the saved one.
  std::vector<std::int32_t> run, fired;
  for (std::size_t e = 0; e < def_.events.size(); ++e)
    if (def_.events[e].when) run.push_back(trigger_run_[e]), fired.push_back(fired_at_[e]);
  out.put_vector(run);
  out.put_vector(fired);
}

void World::load_state(ByteReader& in, const ScenarioDef* history) {
  if (in.get<std::uint32_t>() != state_format) throw std::runtime_error("the checkpoint's state is of another format version");
  const int months = in.get<std::int32_t>();
  if (months < 0 || months > def_.months) throw std::runtime_error("the checkpoint's month lies outside this scenario's period");
  std::uint64_t count = 0;
  for_each_parameter(def_, [&](const KeySpec&, std::size_t) { ++count; });
  if (in.get<std::uint64_t>() != count) throw std::runtime_error("the checkpoint comes from a scenario with other agents");
  ScenarioDef saved = def_;
  read_parameters(in, saved);
  check_parameters(saved, history ? *history : def_);
  const int cur = in.get<std::int32_t>();
  auto choice = in.get_vector<std::uint16_t>();
  auto weight = in.get_vector<float>();
  auto lines = get_states<LineState>(in, lines_.size(), line_visit, [&](std::size_t l) { return "line '" + line_id(def_, l) + "'"; });
  auto labs = get_states<LabState>(in, labs_.size(), lab_visit, [&](std::size_t j) { return "lab '" + def_.labs[j].id + "'"; });
  auto chips = get_states<ChipState>(in, chips_.size(), chip_visit, [&](std::size_t m) { return "chipmaker '" + def_.chipmakers[m].id + "'"; });
  auto nations = get_states<NationState>(in, nations_.size(), nation_visit, [&](std::size_t n) { return "nation '" + def_.nations[n].id + "'"; });
  auto usage_weight = in.get_vector<double>();
  auto usage_count = in.get_vector<std::int64_t>();
  const double closed_value_start = in.get<double>(), start_frontier = in.get<double>();
  // The saved trigger states belong to the triggered events of the scenario the saved run followed.
  const auto run = in.get_vector<std::int32_t>(), fired = in.get_vector<std::int32_t>();
  std::vector<const EventDef*> followed;
  for (const auto& ev : history ? history->events : def_.events)
    if (ev.when) followed.push_back(&ev);
  if (run.size() != followed.size() || fired.size() != followed.size())
    throw std::runtime_error("the checkpoint's triggered events do not fit this scenario's (" + std::to_string(run.size()) + " saved, " +
                             std::to_string(followed.size()) + " here)");
  for (std::size_t e = 0; e < run.size(); ++e) {
    // A trigger counts at most the months run; it fires for a month after the first, at most the one after the last run.
    if (run[e] < 0 || run[e] > months || (fired[e] != -1 && (fired[e] <= def_.start.index || fired[e] > (def_.start + months).index)))
      throw std::runtime_error("the checkpoint's triggered event '" + followed[e]->id + "' has a state no run could reach");
  }
  if (!in.done() || (cur != 0 && cur != 1) || choice.size() != pop_.count() || weight.size() != pop_.count() ||
      usage_weight.size() != usage_.weight.size() || usage_count.size() != usage_.count.size())
    throw std::runtime_error("the checkpoint's state does not fit this scenario (other population, agents or format)");
  for (auto c : choice)
    if (c != no_model && c >= option_count(lines_.size()))
      throw std::runtime_error("the checkpoint holds an adopter option that does not exist");
  for (std::size_t n = 0; n < nations.size(); ++n)
    if (nations[n].months_above > months)
      throw std::runtime_error("the checkpoint's nation '" + def_.nations[n].id + "' counts more months above its rule's threshold than have passed");
  // -1 until the first month has set it.
  if (!(closed_value_start == -1 || (closed_value_start >= 0 && std::isfinite(closed_value_start))) ||
      !(start_frontier == -1 || (start_frontier >= 0 && std::isfinite(start_frontier))))
    throw std::runtime_error("the checkpoint's reference values for the closed-lab value index or the starting frontier are not finite");
  // The adopters' sizes are rebuilt from the scenario; the saved ones must be the same, signed by state,
  // and the saved sums must be theirs (the month's update only adds changes to them).
  const float* rebuilt = pop_.weight[pop_.cur].data();
  std::vector<double> sum_weight(usage_.weight.size(), 0.0);
  std::vector<std::int64_t> sum_count(usage_.count.size(), 0);
  for (std::size_t i = 0; i < weight.size(); ++i) {
    if (std::fabs(weight[i]) != std::fabs(rebuilt[i]) || (weight[i] > 0) != (choice[i] != no_model))
      throw std::runtime_error("the checkpoint's adopters do not fit this scenario's population (other sizes or seed)");
    const std::size_t at = (pop_.nation[i] * sector_count + pop_.sector[i]) * usage_.options +
                           (choice[i] == no_model ? usage_.options - 1 : choice[i]);
    sum_weight[at] += std::fabs(weight[i]);
    sum_count[at] += 1;
  }
  if (sum_weight != usage_weight || sum_count != usage_count)
    throw std::runtime_error("the checkpoint's usage sums do not match its adopters");
  months_done_ = months;
  pop_.cur = cur;
  pop_.choice[cur] = std::move(choice);
  pop_.weight[cur] = std::move(weight);
  lines_ = std::move(lines);
  labs_ = std::move(labs);
  chips_ = std::move(chips);
  nations_ = std::move(nations);
  usage_.weight = std::move(usage_weight);
  usage_.count = std::move(usage_count);
  closed_value_start_ = closed_value_start;
  start_frontier_ = start_frontier;
  // A branch keeps the state of each triggered event the history had by the same id; its own start afresh.
  trigger_run_.assign(def_.events.size(), 0);
  fired_at_.assign(def_.events.size(), -1);
  for (std::size_t e = 0, k = 0; e < def_.events.size(); ++e) {
    if (!def_.events[e].when) continue;
    std::size_t h = k++;
    if (history) h = std::find_if(followed.begin(), followed.end(), [&](const EventDef* f) { return f->id == def_.events[e].id; }) - followed.begin();
    if (h < followed.size()) trigger_run_[e] = run[h], fired_at_[e] = fired[h];
  }
  if (history) {
    // A branch: the what-if's differences from the history, both as they stand at the branch month,
    // laid over the parameters in force.
    const Month at = def_.start + months_done_;
    const ScenarioDef mine = parameters_before(def_, at), theirs = parameters_before(*history, at);
    for_each_parameter(mine, [&](const KeySpec& k, std::size_t i) {
      if (k.get(mine, i) == k.get(theirs, i)) return;
      k.set(saved, i, k.get(mine, i));
      // A capability or capacity the what-if gives differently replaces the state at the branch.
      set_state(k, i, k.get(mine, i));
    });
  }
  def_ = std::move(saved);
  switch_off_mechanisms(def_);  // a what-if may switch off what its history had on
  nation_risk_ = origin_risk(def_);
  idx_ = Index(def_);
}

}  // namespace geosim
