#include "analysis/solve/goal.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "analysis/compare/comparison.h"
#include "analysis/sweep/evaluate.h"
#include "core/bytes.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "model/key_path.h"
#include "model/series.h"
#include "scenario/diagnostics.h"
#include "scenario/tree.h"
#include "scenario/yaml_text.h"

namespace geosim::solve {
namespace fs = std::filesystem;

const std::vector<sweep::SweepKey>& goal_keys() {
  static const std::vector<sweep::SweepKey> keys = [] {
    std::vector<sweep::SweepKey> out;
    // The runs are a sweep's, without its design (the search makes the points), series or records
    // (the objective and constraints say what each run records).
    for (const auto& k : sweep::sweep_keys()) {
      if (k.path.rfind("design", 0) == 0 || k.path.rfind("series", 0) == 0 || k.path.rfind("record", 0) == 0 || k.path == "seeds.rule") continue;
      if (k.path.rfind("parameters[].", 0) == 0 && k.path != "parameters[].path" && k.path != "parameters[].range" && k.path != "parameters[].scale") continue;
      out.push_back(k);
    }
    for (auto& k : out)
      if (k.path == "parameters") k.meaning = "List of the levers: scenario keys the search sets, each with path and a range (default: the key's declared range, when that is finite)";
      else if (k.path == "parameters[].range") k.meaning = "[low, high]: the lever's bounds";
      else if (k.path == "parameters[].scale") k.meaning = "linear (default) or log: the search moves in the logarithm of the lever";
      else if (k.path == "replicates") k.meaning = "Seeds at each plausible point of every evaluation, the same for every evaluation (default 4)";
      else if (k.path == "seeds.base") k.meaning = "First seed (default 1)";
      else if (k.path == "name") k.meaning = "Name of the goal (text; default: the file's name)";
      else if (k.path == "base") k.meaning = "The scenario the levers act on, relative to the goal file (required)";
    out.push_back({"objective.minimize", "A term, or a list of terms, whose weighted sum the search makes as small as it can (give minimize or maximize)"});
    out.push_back({"objective.maximize", "A term, or a list of terms, whose weighted sum the search makes as large as it can"});
    out.push_back({"objective.minimize[].metric", "An output term: the metric, as in docs/outputs.md, averaged over every run of an evaluation"});
    out.push_back({"objective.minimize[].scope", "The output's scope (default world)"});
    out.push_back({"objective.minimize[].at", "YYYY-MM: the output at that month (default: the last month)"});
    out.push_back({"objective.minimize[].mean", "[YYYY-MM, YYYY-MM]: the output's mean over that window"});
    out.push_back({"objective.minimize[].lever", "A lever term instead: a lever's path, its value (what the lever costs, say)"});
    out.push_back({"objective.minimize[].weight", "The term's weight in the sum (default 1)"});
    out.push_back({"constraints", "List of chance constraints, each an output below or above a threshold in at least a share of the runs"});
    out.push_back({"constraints[].name", "Name in reports (default: constraint N, N its place in the list from 1)"});
    out.push_back({"constraints[].metric", "The output's metric (required)"});
    out.push_back({"constraints[].scope", "The output's scope (default world)"});
    out.push_back({"constraints[].at", "YYYY-MM: the output at that month (default: the last month)"});
    out.push_back({"constraints[].mean", "[YYYY-MM, YYYY-MM]: the output's mean over that window"});
    out.push_back({"constraints[].below", "The output must be below this (give below or above)"});
    out.push_back({"constraints[].above", "The output must be above this"});
    out.push_back({"constraints[].probability", "Share of an evaluation's runs (plausible points x seeds) in which it must hold, in (0, 1] (default 1: every run)"});
    out.push_back({"uncertainty.plausible", "A CSV of plausible parameter points, relative to the goal file, or none (default: the base scenario's 'plausible' key, else none)"});
    out.push_back({"uncertainty.points", "Plausible points each evaluation runs, the first N of the file (default 10)"});
    out.push_back({"search.global", "direct (default; NLopt's GN_ORIG_DIRECT_L, deterministic), isres (GN_ISRES, seeded) or none"});
    out.push_back({"search.global_evaluations", "Most evaluations of the global search (default 100)"});
    out.push_back({"search.local", "cobyla (default; NLopt's LN_COBYLA, from the best point found) or none"});
    out.push_back({"search.local_evaluations", "Most evaluations of the local polish (default 60)"});
    out.push_back({"search.tolerance", "The local polish stops when a step moves every lever by less than this share of its range (default 0.001)"});
    out.push_back({"search.seed", "Seed of isres's random numbers (default 1)"});
    return out;
  }();
  return keys;
}

namespace {

using sweep::Problems;

/// Refuses keys of `map` not in `allowed`, naming the section.
void check_keys(const Node& map, const std::string& section, const std::vector<std::string>& allowed, Problems& p) {
  for (const auto& e : map.map)
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      p.add(e.key_mark, "unknown goal key '" + section + e.key + "'" + did_you_mean(e.key, allowed));
}

std::optional<double> number_of(const Node& n, const std::string& what, Problems& p) {
  const auto v = parse_number(n);
  if (!v || !std::isfinite(*v)) {
    p.add(n.mark, what + ": expected a number, got " + n.describe());
    return std::nullopt;
  }
  return v;
}

/// A record entry for the sweep loader, made from an objective term or a constraint: its output keys
/// as written (with their marks), under `name`.
Node record_of(const Node& item, const std::string& name) {
  Node r = item;
  r.map.clear();
  for (const auto& e : item.map)
    if (e.key == "metric" || e.key == "scope" || e.key == "at" || e.key == "mean") r.map.push_back(e);
  Node text;
  text.kind = Node::Kind::scalar;
  text.scalar = name;
  text.mark = item.mark;
  r.map.push_back(Node::Entry{"name", item.mark, text});
  return r;
}

/// A lever given without bounds takes its key's declared range, when that is one a search can cover.
void default_ranges(Node& params, Problems& p) {
  if (!params.is_seq()) return;
  for (auto& item : params.seq) {
    if (!item.is_map() || !item.find("path") || !item.find("path")->is_scalar()) continue;
    if (item.find("range") || item.find("levels") || item.find("normal") || item.find("triangular")) continue;
    const std::string& path = item.find("path")->scalar;
    const KeySpec* key = sweep::schema_key_for(path);
    if (!key) continue;  // the sweep loader names the unknown path
    const bool numeric = key->type == KeyType::integer || key->type == KeyType::real || key->type == KeyType::ref_map;
    if (!numeric || !(key->max - key->min <= 1e9)) {
      p.add(item.mark, "lever '" + path + "': its key has no range a search can cover (" + describe_expected(*key) + "); give the lever a range: [low, high]");
      continue;
    }
    Node range = parse_yaml("[" + format_value(key->min) + ", " + format_value(key->max) + "]", item.mark.file);
    relocate(range, item.mark);
    item.map.push_back(Node::Entry{"range", item.mark, range});
  }
}


}  // namespace

GoalDef load_goal(const std::string& path) {
  const std::string text = read_yaml_input(path, "goal file");
  const Node root = parse_yaml(text, path);
  const Mark top{path, 1, 1};
  if (!root.is_map()) throw DiagnosticError(Diagnostic{top, "expected a map of goal keys at the top of the file, got " + root.describe()});
  Problems p;
  sweep::check_top_keys(root, sweep::SweepFormat{&goal_keys(), "solve", "goal"}, p);

  GoalDef g;
  g.file = path;
  Node tree = root;
  tree.erase("objective"), tree.erase("constraints"), tree.erase("uncertainty"), tree.erase("search");
  if (!tree.find("replicates")) tree.map.push_back(Node::Entry{"replicates", top, parse_yaml("4", path)});
  if (Node* params = tree.find("parameters")) default_ranges(*params, p);

  // The objective's terms and the constraints become the runs' records.
  Node records = parse_yaml("[]", path);
  std::vector<std::string> lever_paths;
  if (const Node* params = root.find("parameters"); params && params->is_seq())
    for (const auto& item : params->seq)
      if (item.is_map() && item.find("path") && item.find("path")->is_scalar()) lever_paths.push_back(item.find("path")->scalar);
  const Node* objective = root.find("objective");
  if (!objective) {
    p.add(top, "missing required key 'objective' (minimize or maximize: an output, a lever, or a list of them)");
  } else if (!objective->is_map()) {
    p.add(objective->mark, "objective: expected a map with minimize or maximize, got " + objective->describe());
  } else {
    check_keys(*objective, "objective.", {"minimize", "maximize"}, p);
    const Node* min = objective->find("minimize");
    const Node* max = objective->find("maximize");
    if ((min != nullptr) == (max != nullptr)) p.add(objective->mark, "objective: give exactly one of minimize and maximize");
    g.maximize = max != nullptr;
    const std::string section = g.maximize ? "objective.maximize" : "objective.minimize";
    if (const Node* terms = min ? min : max) {
      std::vector<const Node*> items;
      if (terms->is_seq()) {
        for (const auto& t : terms->seq) items.push_back(&t);
        if (items.empty()) p.add(terms->mark, section + ": the list is empty; give at least one term");
      } else {
        items.push_back(terms);
      }
      for (const Node* item : items) {
        if (!item->is_map()) {
          p.add(item->mark, section + ": each term is a map with metric (an output) or lever, and optionally weight; got " + item->describe());
          continue;
        }
        check_keys(*item, section + ".", {"metric", "scope", "at", "mean", "lever", "weight"}, p);
        Term t;
        if (const Node* w = item->find("weight")) t.weight = number_of(*w, section + ".weight", p).value_or(1);
        const Node* lever = item->find("lever");
        if (lever && item->find("metric")) {
          p.add(item->mark, section + ": a term is an output (metric) or a lever, not both");
        } else if (lever) {
          for (const char* k : {"scope", "at", "mean"})
            if (item->find(k)) p.add(item->find(k)->mark, section + ": '" + k + "' belongs to an output term; a lever term has lever and weight");
          const auto at = lever->is_scalar() ? std::find(lever_paths.begin(), lever_paths.end(), lever->scalar) : lever_paths.end();
          if (at == lever_paths.end())
            p.add(lever->mark, section + ".lever: '" + node_yaml(*lever) + "' is not one of the goal's levers (parameters[].path)" +
                                   did_you_mean(lever->is_scalar() ? lever->scalar : "", lever_paths));
          t.lever = true;
          t.index = static_cast<std::size_t>(at - lever_paths.begin());
        } else if (item->find("metric")) {
          t.index = records.seq.size();
          records.seq.push_back(record_of(*item, "objective." + std::to_string(g.objective.size() + 1)));
        } else {
          p.add(item->mark, section + ": a term needs metric (an output) or lever");
        }
        g.objective.push_back(t);
      }
    }
  }
  std::set<std::string> names;
  if (const Node* cs = root.find("constraints")) {
    if (!cs->is_seq()) p.add(cs->mark, "constraints: expected a list of {metric, scope, at or mean, below or above, probability}");
    for (std::size_t i = 0; cs->is_seq() && i < cs->seq.size(); ++i) {
      const Node& item = cs->seq[i];
      if (!item.is_map()) {
        p.add(item.mark, "constraints: each is a map with metric, below or above, and optionally scope, at or mean, probability, name; got " + item.describe());
        continue;
      }
      check_keys(item, "constraints[].", {"name", "metric", "scope", "at", "mean", "below", "above", "probability"}, p);
      Constraint c;
      if (!item.find("metric")) p.add(item.mark, "constraints: missing required key 'metric'");
      const Node* below = item.find("below");
      const Node* above = item.find("above");
      if ((below != nullptr) == (above != nullptr)) p.add(item.mark, "constraints: give exactly one of below and above (the threshold the output must stay on the right side of)");
      c.above = above != nullptr;
      if (const Node* t = above ? above : below) c.threshold = number_of(*t, c.above ? "constraints[].above" : "constraints[].below", p).value_or(0);
      if (const Node* pr = item.find("probability")) {
        c.probability = number_of(*pr, "constraints[].probability", p).value_or(1);
        if (!(c.probability > 0 && c.probability <= 1)) p.add(pr->mark, "constraints[].probability: expected a share in (0, 1], got " + pr->describe());
      }
      if (const Node* n = item.find("name"); n && n->is_scalar()) c.name = n->scalar;
      else c.name = "constraint " + std::to_string(i + 1);
      if (!names.insert(c.name).second) p.add(item.mark, "constraint name '" + c.name + "' is used twice; give each a distinct name");
      c.record = records.seq.size();
      records.seq.push_back(record_of(item, "constraint." + std::to_string(i + 1)));
      g.constraints.push_back(c);
    }
  }
  if (records.seq.empty() && p.list.empty())
    p.add(top, "the objective has only lever terms and there are no constraints: nothing would be simulated; add an output term or a constraint");
  tree.map.push_back(Node::Entry{"record", top, records});

  std::string plausible;  // as written, relative to the goal file
  std::size_t points = 10;
  if (const Node* u = root.find("uncertainty")) {
    if (!u->is_map()) p.add(u->mark, "uncertainty: expected a map with plausible and points");
    else {
      check_keys(*u, "uncertainty.", {"plausible", "points"}, p);
      if (const Node* pl = u->find("plausible")) {
        if (!pl->is_scalar() || pl->scalar.empty()) p.add(pl->mark, "uncertainty.plausible: expected the path of a CSV of plausible points, or none");
        else plausible = pl->scalar == "none" ? "none" : resolve_beside(path, pl->scalar);
      }
      if (const Node* n = u->find("points")) points = sweep::whole_at(*n, "uncertainty.points", 1, 100000, p);
    }
  }
  if (const Node* s = root.find("search")) {
    if (!s->is_map()) p.add(s->mark, "search: expected a map with global, global_evaluations, local, local_evaluations, tolerance, seed");
    else {
      check_keys(*s, "search.", {"global", "global_evaluations", "local", "local_evaluations", "tolerance", "seed"}, p);
      Search& o = g.search;
      if (const Node* n = s->find("global")) {
        o.global = n->is_scalar() ? n->scalar : "";
        if (o.global != "direct" && o.global != "isres" && o.global != "none")
          p.add(n->mark, "search.global: expected direct, isres or none, got " + n->describe() + did_you_mean(o.global, {"direct", "isres", "none"}));
      }
      if (const Node* n = s->find("local")) {
        o.local = n->is_scalar() ? n->scalar : "";
        if (o.local != "cobyla" && o.local != "none") p.add(n->mark, "search.local: expected cobyla or none, got " + n->describe() + did_you_mean(o.local, {"cobyla", "none"}));
      }
      if (const Node* n = s->find("global_evaluations")) o.global_evaluations = sweep::whole_at(*n, "search.global_evaluations", 1, 1000000, p);
      if (const Node* n = s->find("local_evaluations")) o.local_evaluations = sweep::whole_at(*n, "search.local_evaluations", 1, 1000000, p);
      if (const Node* n = s->find("seed")) o.seed = sweep::whole_at(*n, "search.seed", 0, 4294967295u, p);
      if (const Node* n = s->find("tolerance")) {
        o.tolerance = number_of(*n, "search.tolerance", p).value_or(1e-3);
        if (!(o.tolerance > 0 && o.tolerance < 1)) p.add(n->mark, "search.tolerance: expected a share of a lever's range in (0, 1), got " + n->describe());
      }
      if (o.global == "none" && o.local == "none") p.add(s->mark, "search: global and local are both none: nothing would search");
    }
  }
  if (!p.list.empty()) throw DiagnosticError(p.list);

  static const std::vector<sweep::SweepKey> format_keys = [] {
    auto keys = goal_keys();
    keys.push_back({"record", "made from the objective and the constraints"});
    return keys;
  }();
  static const sweep::SweepFormat format{&format_keys, "solve", "goal"};
  g.sweep = sweep::sweep_from_tree(tree, text, path, format);
  sweep::SweepDef& s = g.sweep;
  g.name = s.name;
  g.levers = s.parameters.size();
  if (g.levers == 0) throw DiagnosticError(Diagnostic{root.find("parameters") ? root.find("parameters")->mark : top, "parameters: give at least one lever"});
  if (g.levers > 40) throw DiagnosticError(Diagnostic{root.find("parameters")->mark, "parameters: at most 40 levers (a search over more takes more evaluations than a run can afford)"});
  for (const auto& lever : s.parameters)
    if (lever.distribution == sweep::Distribution::levels)
      throw DiagnosticError(Diagnostic{lever.mark, "lever '" + lever.path + "': solve searches a lever between bounds; give it a range"});
  const Node base_tree = load_merged_tree(s.base, s.fixed);
  g.base = sweep::build_run_scenario(s, base_tree);

  // The plausible points: given, the base scenario's own set, or none (its own values).
  if (plausible.empty()) {
    const Node* pl = base_tree.find("plausible");
    if (pl && pl->is_scalar() && !pl->scalar.empty()) plausible = resolve_beside(pl->mark.file, pl->scalar);
  }
  std::vector<std::string> columns;
  if (!plausible.empty() && plausible != "none") {
    g.plausible_path = plausible;
    std::vector<std::vector<std::string>> all;
    compare::read_points(plausible, columns, all);
    if (all.size() > points) all.resize(points);
    for (const auto& f : s.fixed)
      if (std::find(columns.begin(), columns.end(), f.path) != columns.end())
        throw DiagnosticError(Diagnostic{f.origin, "set: " + f.path + " is varied over the plausible points (" + plausible + "); leave it out of set"});
    // A lever is the search's to set: its column of the plausible set is left out.
    std::vector<std::size_t> kept;
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (std::none_of(s.parameters.begin(), s.parameters.begin() + static_cast<long>(g.levers), [&](const sweep::Parameter& l) { return l.path == columns[c]; }))
        kept.push_back(c);
    for (const auto& row : all) {
      std::vector<std::string> values;
      for (std::size_t c : kept) values.push_back(row[c]);
      g.points.push_back(values);
    }
    for (std::size_t c : kept) {
      sweep::Parameter par;
      par.path = columns[c];
      par.mark = Mark{plausible, 1, 1};
      const KeySpec* key = sweep::schema_key_for(par.path);
      par.key_min = key->min, par.key_max = key->max, par.integer = key->type == KeyType::integer;
      par.a = par.b = std::stod(all.front()[c]);
      for (const auto& row : all) par.a = std::min(par.a, std::stod(row[c])), par.b = std::max(par.b, std::stod(row[c]));
      s.parameters.push_back(par);
    }
  } else {
    g.points.assign(1, {});
  }
  if (!s.common_seeds) throw DiagnosticError(Diagnostic{top, "seeds.rule: a solve compares evaluations on the same seeds; leave the rule common"});

  // The store's identity: what decides each run (the scenario, the levers' paths and bounds, the
  // plausible points, the seeds and what a run records), not the objective's weights, the
  // thresholds or the search, so that a changed goal of the same runs goes on from the stored ones.
  std::string identity = "geosim solve\n" + resolved_yaml(g.base) + "\n--\n";
  for (std::size_t i = 0; i < s.parameters.size(); ++i) {
    const auto& par = s.parameters[i];
    identity += par.path + (i < g.levers ? " " + format_value(par.a) + " " + format_value(par.b) + (par.distribution == sweep::Distribution::log_uniform ? " log" : "") : "") + "\n";
  }
  for (const auto& row : g.points)
    for (const auto& v : row) identity += v + ",";
  identity += "\n" + std::to_string(s.replicates) + " seeds from " + std::to_string(s.seed_base);
  for (const auto& r : s.records) identity += "\n" + r.name + "=" + r.metric + "@" + r.scope + "@" + r.from.str() + ".." + r.to.str();
  s.identity = hex64(fnv1a(identity));
  s.points = 0;  // the search makes them
  sweep::check_against_model(s, base_tree);
  return g;
}

}  // namespace geosim::solve
