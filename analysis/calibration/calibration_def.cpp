#include "analysis/calibration/calibration_def.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/bytes.h"
#include "core/input_file.h"
#include "model/key_path.h"
#include "scenario/loader.h"
#include "scenario/yaml_text.h"
#include "scenario/diagnostics.h"
#include "scenario/tree.h"

namespace geosim::calibration {

const std::vector<sweep::SweepKey>& calibration_keys() {
  static const std::vector<sweep::SweepKey> keys = [] {
    std::vector<sweep::SweepKey> out;
    // The runs are a sweep's, without its design (the waves make it) and without series.
    for (const auto& k : sweep::sweep_keys())
      if (k.path.rfind("design", 0) != 0 && k.path.rfind("series", 0) != 0) out.push_back(k);
    for (auto& k : out)
      if (k.path == "parameters") k.meaning = "List of the scenario keys to calibrate, each with path and range (scale: log for ranges that span decades)";
      else if (k.path == "replicates") k.meaning = "Runs per design point, at least 2: their spread is each target's ensemble variance (default 4)";
      else if (k.path == "record") k.meaning = "List of numbers recorded per run, which the targets' values are computed from";
    out.push_back({"targets", "The targets file, relative to this file: each target's value, band, observation_sd and discrepancy_sd (required)"});
    out.push_back({"history_matching.waves", "Most waves (default 4)"});
    out.push_back({"history_matching.points", "Design points per wave (default 200)"});
    out.push_back({"history_matching.cutoff", "Implausibility cutoff (default 3)"});
    out.push_back({"history_matching.nth", "Rule out a point when its nth largest implausibility exceeds the cutoff: a whole number, or a list with one per wave, the last repeating; at most the number of matched outputs (default 1)"});
    out.push_back({"history_matching.candidates", "Most candidate points screened after each wave (default 200000)"});
    out.push_back({"history_matching.sample", "Points of the plausible sample written after the last wave (default 1000)"});
    out.push_back({"history_matching.max_training", "Most runs' points an emulator is fitted to, the newest kept (default 500)"});
    out.push_back({"history_matching.seed", "Seed of the first wave's Latin hypercube and of every candidate draw (default 1)"});
    return out;
  }();
  return keys;
}

CalibrationDef load_calibration(const std::string& path) {
  const std::string text = read_yaml_input(path, "calibration file");
  const Node root = parse_yaml(text, path);
  static const sweep::SweepFormat format{&calibration_keys(), "history_matching", "calibration"};
  std::vector<Diagnostic> problems;
  const Mark top{path, 1, 1};
  CalibrationDef c;
  // A wave's runs need replicates to estimate the ensemble variance: 4 unless the file says otherwise.
  Node tree = root;
  if (tree.is_map() && !tree.find("replicates")) tree.map.push_back(Node::Entry{"replicates", top, parse_yaml("4", path)});
  try {
    c.sweep = sweep::sweep_from_tree(tree, text, path, format);
  } catch (const DiagnosticError& e) {
    problems = e.diagnostics();
  }
  const Node* hm = root.is_map() ? root.find("history_matching") : nullptr;
  MatchOptions& o = c.options;
  auto whole = [&](const Node& n, const std::string& what, double lo, double hi) -> std::size_t {
    const auto v = parse_whole_number(n);
    if (!v || *v < lo || *v > hi) {
      char range[96];
      std::snprintf(range, sizeof range, "[%.0f, %.0f]", lo, hi);
      problems.push_back(Diagnostic{n.mark, "history_matching." + what + ": expected a whole number in " + range + ", got " + n.describe()});
      return static_cast<std::size_t>(lo);
    }
    return static_cast<std::size_t>(*v);
  };
  if (hm) {
    if (!hm->is_map()) problems.push_back(Diagnostic{hm->mark, "history_matching: expected a map of waves, points, cutoff, nth, candidates, sample, seed"});
    std::vector<std::string> allowed;
    for (const auto& k : calibration_keys())
      if (k.path.rfind("history_matching.", 0) == 0) allowed.push_back(k.path.substr(17));
    for (const auto& e : hm->map)
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
        problems.push_back(Diagnostic{e.key_mark, "unknown calibration key 'history_matching." + e.key + "'" + did_you_mean(e.key, allowed)});
    if (const Node* n = hm->find("waves")) o.waves = whole(*n, "waves", 1, 50);
    if (const Node* n = hm->find("points")) o.points = whole(*n, "points", 10, 100000);
    if (const Node* n = hm->find("candidates")) o.candidates = whole(*n, "candidates", 1000, 100000000);
    if (const Node* n = hm->find("sample")) o.sample = whole(*n, "sample", 1, 1000000);
    if (const Node* n = hm->find("max_training")) o.max_training = whole(*n, "max_training", 20, 5000);
    if (const Node* n = hm->find("seed")) o.seed = whole(*n, "seed", 0, 9007199254740991.0);
    if (const Node* n = hm->find("cutoff")) {
      const auto v = parse_number(*n);
      if (!v || !(*v > 0) || !std::isfinite(*v)) problems.push_back(Diagnostic{n->mark, "history_matching.cutoff: expected a number above 0, got " + n->describe()});
      else o.cutoff = *v;
    }
    if (const Node* n = hm->find("nth")) {
      o.nth.clear();
      if (n->is_seq() && !n->seq.empty())
        for (const auto& item : n->seq) o.nth.push_back(whole(item, "nth", 1, 1000));
      else if (n->is_scalar()) o.nth.push_back(whole(*n, "nth", 1, 1000));
      else problems.push_back(Diagnostic{n->mark, "history_matching.nth: expected a whole number or a list of them, one per wave"});
    }
  }
  if (!problems.empty()) throw DiagnosticError(problems);
  if (c.sweep.replicates < 2)
    problems.push_back(Diagnostic{root.find("replicates")->mark, "replicates: history matching estimates each target's ensemble variance from the spread of "
                                                                 "a point's runs, so it needs at least 2 (4 or more is better)"});
  const Node* targets = root.find("targets");
  if (!targets) throw DiagnosticError(Diagnostic{top, "missing required key 'targets' (the targets file the runs are matched against, relative to this file)"});
  if (!targets->is_scalar()) throw DiagnosticError(Diagnostic{targets->mark, "targets: expected the path of a targets file, got " + targets->describe()});
  c.targets_path = resolve_beside(path, targets->scalar);
  std::vector<std::string> records;
  for (const auto& r : c.sweep.records) records.push_back(r.name);
  c.targets = load_targets(c.targets_path, records);
  // Every target's value and further conditions are matched: each needs its uncertainties.
  auto add = [&](const Condition& cond, const std::string& name) {
    for (const auto& [sd, key] : {std::pair{cond.observation_sd, "observation_sd"}, std::pair{cond.discrepancy_sd, "discrepancy_sd"}})
      if (!sd)
        problems.push_back(Diagnostic{cond.mark, name + " has no " + key + ": history matching needs each target's observation error and model discrepancy "
                                                 "(standard deviations on its scale; 0 says there is none)"});
    MatchTarget m;
    m.name = name;
    m.log_scale = cond.log_scale;
    if (cond.min) m.low = cond.log_scale ? std::log(*cond.min) : *cond.min;
    if (cond.max) m.high = cond.log_scale ? std::log(*cond.max) : *cond.max;
    m.observation_sd = cond.observation_sd.value_or(0);
    m.discrepancy_sd = cond.discrepancy_sd.value_or(0);
    c.match.push_back(m);
    c.values.push_back(cond.value);
  };
  for (const auto& t : c.targets) {
    add(t, t.id);
    for (const auto& cond : t.also) add(cond, t.id + "/" + cond.name);
  }
  // An nth above the number of matched outputs would rule out nothing, silently.
  for (const std::size_t nth : o.nth)
    if (nth > c.match.size()) {
      problems.push_back(Diagnostic{hm && hm->find("nth") ? hm->find("nth")->mark : top, "history_matching.nth: " + std::to_string(nth) + " is more than the " + std::to_string(c.match.size()) +
                                                            " matched outputs, so no point could ever be ruled out; give at most " + std::to_string(c.match.size())});
      break;
    }
  if (!problems.empty()) throw DiagnosticError(problems);
  c.sweep.points = o.waves * o.points;
  const ScenarioDef base = sweep::build_run_scenario(c.sweep, load_merged_tree(c.sweep.base, c.sweep.fixed));
  // The identity covers everything that decides a wave's design and runs: the file but for `waves`
  // and `sample` (a finished calibration may go on for more waves, or write a larger sample), the
  // resolved base scenario, and the targets, which decide where later waves look.
  Node decisive = root;
  if (Node* h = decisive.find("history_matching"); h && h->is_map()) h->erase("waves"), h->erase("sample");
  const std::string targets_text = read_yaml_input(c.targets_path, "targets file");
  c.sweep.identity = hex64(fnv1a(node_yaml(decisive) + "\n--\n" + resolved_yaml(base) + "\n--\n" + targets_text));
  for (const auto& p : c.sweep.parameters) {
    const double v = number_at(base, p.path).value_or(std::nan(""));
    c.base_values.push_back(v);
    c.base_unit.push_back(p.unit_of(v));
  }
  return c;
}

}  // namespace geosim::calibration
