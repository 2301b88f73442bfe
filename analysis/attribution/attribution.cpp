#include "analysis/attribution/attribution.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "analysis/sweep/evaluate.h"
#include "core/bytes.h"
#include "core/errors.h"
#include "model/parameters.h"
#include "scenario/diagnostics.h"
#include "scenario/loader.h"

namespace geosim::attribution {
namespace {

/// The mechanisms a scenario can switch off (docs/model.md 3.15): the `mechanisms.` keys of the schema, in its order.
const std::vector<std::string>& mechanism_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& key : schema())
      if (key.path.rfind("mechanisms.", 0) == 0) out.push_back(key.path.substr(11));
    return out;
  }();
  return names;
}

bool mechanism_on(const ScenarioDef& def, const std::string& name) {
  return std::get<bool>(find_key("mechanisms." + name)->get(def, 0));
}

std::vector<Player> mechanism_players(const AttributeOptions& o, const compare::Comparison& c, std::vector<std::string>& left_out) {
  const auto& names = mechanism_names();
  for (const auto& p : o.players)
    if (std::find(names.begin(), names.end(), p) == names.end()) {
      std::string all;
      for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
      throw BadInput("--player " + p + ": not a mechanism" + did_you_mean(p, names) + " (mechanisms: " + all + ")");
    }
  std::vector<Player> out;
  for (const auto& name : o.players.empty() ? names : o.players) {
    if (!mechanism_on(c.baseline, name) || !mechanism_on(c.whatif, name)) {
      if (!o.players.empty()) throw BadInput("--player " + name + ": the mechanism is switched off in the " +
                                             std::string(mechanism_on(c.baseline, name) ? "what-if" : "baseline") + " already");
      left_out.push_back(name + " (off in a scenario already)");
      continue;
    }
    out.push_back(Player{name, {"mechanisms." + name}});
  }
  return out;
}

std::vector<Player> event_players(const AttributeOptions& o, const compare::Comparison& c, std::vector<std::string>& left_out) {
  // The what-if's own events: those the baseline does not have, with the same id and month.
  std::vector<std::string> own;
  for (const auto& e : c.whatif.events) {
    if (compare::inherited_event(c, e)) continue;
    if (e.id.empty()) throw BadInput("the what-if's event at " + e.at.str() + " has no id: give each of its events an id to attribute over events");
    if (!e.enabled) {
      left_out.push_back(e.id + " (disabled)");
      continue;
    }
    own.push_back(e.id);
  }
  std::vector<Player> out;
  std::vector<std::string> grouped;
  for (const auto& g : o.groups) {
    const auto eq = g.find('=');
    if (eq == std::string::npos || eq == 0) throw BadInput("--group '" + g + "': expected NAME=ID+ID (events of the what-if that play as one)");
    Player p{g.substr(0, eq), {}};
    for (std::size_t at = eq + 1; at <= g.size();) {
      const auto plus = std::min(g.find('+', at), g.size());
      const std::string id = g.substr(at, plus - at);
      if (std::find(own.begin(), own.end(), id) == own.end()) throw BadInput("--group " + p.name + ": '" + id + "' is not one of the what-if's own events" + did_you_mean(id, own));
      if (std::find(grouped.begin(), grouped.end(), id) != grouped.end()) throw BadInput("--group " + p.name + ": event '" + id + "' is in two groups");
      grouped.push_back(id);
      p.keys.push_back("events." + id + ".enabled");
      at = plus + 1;
    }
    out.push_back(p);
  }
  for (const auto& id : own)
    if (std::find(grouped.begin(), grouped.end(), id) == grouped.end()) out.push_back(Player{id, {"events." + id + ".enabled"}});
  if (!o.players.empty()) {
    std::vector<Player> chosen;
    std::vector<std::string> names;
    for (const auto& p : out) names.push_back(p.name);
    for (const auto& name : o.players) {
      const auto at = std::find_if(out.begin(), out.end(), [&](const Player& p) { return p.name == name; });
      if (at == out.end()) throw BadInput("--player " + name + ": not one of the what-if's own events or groups" + did_you_mean(name, names));
      chosen.push_back(*at);
    }
    out = chosen;
  }
  return out;
}


}  // namespace

Attribution load_attribution(const AttributeOptions& o) {
  if (o.over != "mechanisms" && o.over != "events") throw BadInput("--over '" + o.over + "': expected mechanisms or events");
  AttributeOptions opts = o;
  if (opts.compare.plausible.empty()) opts.compare.plausible = "none";  // the scenarios' own values unless points are asked for
  Attribution a;
  a.over_events = o.over == "events";
  a.comparison = compare::load_comparison(opts.compare);
  const compare::Comparison& c = a.comparison;
  a.players = a.over_events ? event_players(o, c, a.left_out) : mechanism_players(o, c, a.left_out);
  const std::size_t k = a.players.size();
  if (k == 0) throw BadInput(std::string("nothing to attribute over: ") + (a.over_events ? "the what-if has no events of its own" : "every mechanism is off already"));
  if (k > 32) throw BadInput("at most 32 players, got " + std::to_string(k) + " (group events with --group)");
  a.orders = sampled_orders(k, o.orders, o.order_seed);
  a.coalitions = coalitions_needed(k, a.orders);

  // What is attributed: the claims at their months, then each --output at --at.
  for (const auto& claim : c.claims) a.targets.push_back(Target{claim.id, claim.metric, claim.scope, claim.at, true});
  const Month last = c.whatif.start + (c.whatif.months - 1);
  Month at = last;
  if (!o.at.empty()) {
    const auto m = parse_month(o.at);
    if (!m || *m < c.whatif.start || last < *m)
      throw BadInput("--at '" + o.at + "': expected a month from " + c.whatif.start.str() + " to " + last.str());
    at = *m;
  }
  for (const auto& q : c.asked) {
    const std::string name = q.metric + "@" + q.scope + "@" + at.str();
    if (std::none_of(a.targets.begin(), a.targets.end(), [&](const Target& t) { return t.name == name; }))
      a.targets.push_back(Target{name, q.metric, q.scope, at, false});
  }
  if (a.targets.empty()) throw BadInput("nothing to attribute: the what-if states no claims; give --output METRIC@SCOPE (at --at, default the last month)");

  // Each side: every coalition at every point (the baseline over events runs no coalition: it has none of the events).
  for (int side = 0; side < 2; ++side) {
    sweep::SweepDef s = c.side[side];
    const bool switched = side == 1 || !a.over_events;
    std::vector<sweep::Parameter> params;
    if (switched)
      for (const auto& p : a.players)
        for (const auto& key : p.keys) {
          sweep::Parameter par;
          par.path = key;
          par.mark = Mark{"--over " + o.over, 0, 0};
          par.distribution = sweep::Distribution::levels;
          par.levels = {"false", "true"};
          par.numeric = false;
          params.push_back(par);
        }
    params.insert(params.end(), s.parameters.begin(), s.parameters.end());
    std::vector<std::vector<std::string>> given;
    for (std::size_t ci = 0; ci < (switched ? a.coalitions.size() : 1); ++ci)
      for (const auto& point : s.given) {
        std::vector<std::string> row;
        if (switched)
          for (std::size_t p = 0; p < k; ++p)
            for (std::size_t key = 0; key < a.players[p].keys.size(); ++key) row.push_back(a.coalitions[ci] >> p & 1 ? "true" : "false");
        row.insert(row.end(), point.begin(), point.end());
        given.push_back(row);
      }
    if (given.size() * s.replicates > static_cast<std::size_t>(sweep::max_sweep_runs))
      throw BadInput("the attribution needs more than " + std::to_string(sweep::max_sweep_runs) + " runs a side: fewer points, seeds or players");
    s.parameters = params;
    s.given = given;
    s.points = given.size();
    s.records.clear();
    for (const auto& t : a.targets) s.records.push_back(sweep::Record{t.name, t.metric, t.scope, t.at, t.at, Mark{s.base, 0, 0}});
    s.series.clear();
    s.name = c.whatif.name + (side == 0 ? ": baseline, attributed over " : ": what-if, attributed over ") + o.over;
    std::string identity = s.identity + "\nattribute over " + o.over + "\n";
    for (const auto& p : a.players) {
      identity += p.name + ":";
      for (const auto& key : p.keys) identity += key + ",";
      identity += "\n";
    }
    for (Coalition cm : a.coalitions) identity += std::to_string(cm) + ",";
    for (const auto& t : a.targets) identity += "\n" + t.name + "=" + t.metric + "@" + t.scope + "@" + t.at.str();
    s.identity = hex64(fnv1a(identity));
    sweep::check_against_model(s, load_merged_tree(s.base, s.fixed));
    a.side[side] = std::move(s);
  }
  return a;
}

std::vector<TargetResult> analyse(const Attribution& a, const sweep::Store& baseline, const sweep::Store& whatif) {
  const std::size_t P = a.comparison.points.size(), K = a.comparison.seeds, C = a.coalitions.size(), k = a.players.size();
  // Records per run number, successful runs only.
  auto records = [](const sweep::Store& s) {
    std::map<std::int64_t, std::vector<double>> out;
    for (const auto& r : s.runs())
      if (r.ok) out[r.run] = r.records;
    return out;
  };
  const auto base = records(baseline), what = records(whatif);
  std::map<Coalition, std::size_t> index;
  for (std::size_t i = 0; i < C; ++i) index[a.coalitions[i]] = i;
  const Coalition all = k >= 32 ? ~Coalition{0} : (Coalition{1} << k) - 1;
  std::vector<TargetResult> out(a.targets.size());
  for (std::size_t t = 0; t < a.targets.size(); ++t) {
    TargetResult& res = out[t];
    compare::Pairs total, none;
    std::vector<compare::Pairs> phi(k);
    auto sized = [&](compare::Pairs& p) { p.baseline.assign(P, {}), p.whatif.assign(P, {}); };
    sized(total), sized(none);
    for (auto& p : phi) sized(p);
    res.coalition_mean.assign(C, 0.0);
    if (a.orders.empty()) res.interaction.assign(k * k, 0.0);
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t r = 0; r < K; ++r) {
        std::vector<double> v(C);
        bool complete = true;
        for (std::size_t ci = 0; ci < C && complete; ++ci) {
          const auto w = what.find(static_cast<std::int64_t>((ci * P + p) * K + r));
          const auto b = base.find(static_cast<std::int64_t>(((a.over_events ? 0 : ci) * P + p) * K + r));
          complete = w != what.end() && b != base.end();
          if (complete) v[ci] = w->second[t] - b->second[t];
        }
        if (!complete) continue;
        const auto game = [&](Coalition s) { return v[index.at(s)]; };
        const auto values = shapley(k, game, a.orders);
        auto add = [&](compare::Pairs& pairs, double x) { pairs.baseline[p].push_back(0.0), pairs.whatif[p].push_back(x); };
        add(total, game(all));
        add(none, game(0));
        for (std::size_t i = 0; i < k; ++i) add(phi[i], values[i]);
        if (a.orders.empty()) {
          const auto inter = interactions(k, game);
          for (std::size_t i = 0; i < inter.size(); ++i) res.interaction[i] += inter[i];
        }
        for (std::size_t ci = 0; ci < C; ++ci) res.coalition_mean[ci] += v[ci];
        ++res.pairs;
      }
    if (res.pairs > 0) {
      for (double& x : res.interaction) x /= static_cast<double>(res.pairs);
      for (double& x : res.coalition_mean) x /= static_cast<double>(res.pairs);
    }
    res.total = compare::effect_stats(total);
    res.none = compare::effect_stats(none);
    for (auto& p : phi) res.shapley.push_back(compare::effect_stats(p));
  }
  return out;
}

}  // namespace geosim::attribution
