// Saving and restoring a world's changing state (checkpoints, resumed runs, branches).
#include <cmath>
#include <stdexcept>

#include "model/world.h"
#include "model/parameters.h"

namespace geosim {
namespace {

constexpr std::uint32_t state_format = 3;  // 2: sizes on the 2^-20 grid (Population::size_quantum); 3: model v2 (lines, demand)

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

/// The keys whose values make up the parameters in force, in a fixed order.
template <class F>
void for_each_parameter(const ScenarioDef& def, F&& f) {
  for (const auto& k : schema()) {
    if (!k.get || k.owner() == AgentList::events) continue;
    const std::size_t n = k.owner() == AgentList::none ? 1 : agent_count(def, k.owner());
    for (std::size_t i = 0; i < n; ++i) f(k, i);
  }
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
  out.put_vector(lines_);
  out.put_vector(labs_);
  out.put_vector(chips_);
  out.put_vector(nations_);
  out.put_vector(usage_.weight);
  out.put_vector(usage_.count);
  out.put(closed_value_start_);
  out.put(start_frontier_);
}

void World::load_state(ByteReader& in, const ScenarioDef* history) {
  if (in.get<std::uint32_t>() != state_format) throw std::runtime_error("the checkpoint's state is of another format version");
  const int months = in.get<std::int32_t>();
  if (months < 0 || months > def_.months) throw std::runtime_error("the checkpoint's month lies outside this scenario's period");
  std::uint64_t count = 0;
  for_each_parameter(def_, [&](const KeySpec&, std::size_t) { ++count; });
  if (in.get<std::uint64_t>() != count) throw std::runtime_error("the checkpoint comes from a scenario with other agents");
  ScenarioDef saved = def_;
  for_each_parameter(saved, [&](const KeySpec& k, std::size_t i) {
    Value v = get_value(in);
    if (v.index() != k.get(saved, i).index()) throw std::runtime_error("the checkpoint's parameters do not fit this scenario");
    k.set(saved, i, v);
  });
  const int cur = in.get<std::int32_t>();
  auto choice = in.get_vector<std::uint16_t>();
  auto weight = in.get_vector<float>();
  auto lines = in.get_vector<LineState>();
  auto labs = in.get_vector<LabState>();
  auto chips = in.get_vector<ChipState>();
  auto nations = in.get_vector<NationState>();
  auto usage_weight = in.get_vector<double>();
  auto usage_count = in.get_vector<std::int64_t>();
  const double closed_value_start = in.get<double>(), start_frontier = in.get<double>();
  if (!in.done() || (cur != 0 && cur != 1) || choice.size() != pop_.count() || weight.size() != pop_.count() ||
      lines.size() != lines_.size() || labs.size() != labs_.size() || chips.size() != chips_.size() || nations.size() != nations_.size() ||
      usage_weight.size() != usage_.weight.size() || usage_count.size() != usage_.count.size())
    throw std::runtime_error("the checkpoint's state does not fit this scenario (other population, agents or format)");
  for (auto c : choice)
    if (c != no_model && c >= option_count(labs_.size()))
      throw std::runtime_error("the checkpoint holds an adopter option that does not exist");

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
  if (history) {
    // A branch: the what-if's differences from the history, both as they stand at the branch month,
    // laid over the parameters in force.
    const Month at = def_.start + months_done_;
    const ScenarioDef mine = parameters_before(def_, at), theirs = parameters_before(*history, at);
    for_each_parameter(mine, [&](const KeySpec& k, std::size_t i) {
      if (k.get(mine, i) == k.get(theirs, i)) return;
      k.set(saved, i, k.get(mine, i));
      // A capability the what-if gives differently is a jump its line makes at the branch.
      if (k.sets_state) set_state(k, i, k.get(mine, i));
    });

  }
  def_ = std::move(saved);
  nation_risk_ = origin_risk(def_);
  idx_ = Index(def_);
}

}  // namespace geosim
