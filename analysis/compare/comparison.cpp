#include "analysis/compare/comparison.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "analysis/sweep/evaluate.h"
#include "core/bytes.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "model/key_path.h"
#include "model/world.h"
#include "scenario/loader.h"
#include "scenario/yaml_text.h"

namespace geosim::compare {
namespace {
namespace fs = std::filesystem;

/// The fields of one CSV line (quoted fields may hold commas and doubled quotes).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

bool is_number(const std::string& text) {
  double x = 0;
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(begin, text.data() + text.size(), x);
  return !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size() && std::isfinite(x);
}

/// The (scope, metric) pairs a scenario's runs write, in the order they write them: one month of a
/// small copy of it.
std::vector<std::pair<std::string, std::string>> written_outputs(ScenarioDef def) {
  if (def.population.network == NetworkKind::well_mixed || def.population.degree < 200)
    def.population.adopters = std::min<std::int64_t>(def.population.adopters, 500);
  set_horizon(def, 1);
  World world(def);
  world.step();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : world.outputs()) out.emplace_back(row.scope, row.metric);
  return out;
}


}  // namespace

const std::vector<std::string>& headline_outputs() {
  static const std::vector<std::string> outputs = {
      "usage_share.china_open@world",          "usage_share.china_open@without:CN", "usage_share.us_closed@world",
      "usage_share.us_open@world",             "influence.china@world",             "capability_gap_us_china@world",
      "revenue_closed_labs@world",             "closed_value_index@world",          "ai_spend@world",
      "rival_model_dependency@nation:US",      "rival_model_dependency@nation:EU",  "chip_purchase_share.huawei@nation:CN",
  };
  return outputs;
}

void read_points(const std::string& path, std::vector<std::string>& parameters, std::vector<std::vector<std::string>>& points) {
  std::istringstream in(read_input(path, "plausible points file"));
  std::string line;
  if (!std::getline(in, line) || line.empty())
    throw BadInput(path + ": no header; a plausible points file starts with a line of scenario key paths (geosim calibrate writes one)");
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a byte-order mark some spreadsheets write
  parameters = csv_fields(line);
  std::set<std::string> seen;
  for (const auto& p : parameters) {
    if (!sweep::schema_key_for(p)) throw BadInput(path + ":1: '" + p + "' is not a scenario key path (see geosim schema); the header names one per column");
    if (!seen.insert(p).second) throw BadInput(path + ":1: '" + p + "' is named twice");
  }
  points.clear();
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    if (line.empty() || line == "\r") continue;
    auto fields = csv_fields(line);
    if (fields.size() != parameters.size())
      throw BadInput(path + ":" + std::to_string(row) + ": " + std::to_string(fields.size()) + " values for " + std::to_string(parameters.size()) + " parameters");
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!is_number(fields[i]))
        throw BadInput(path + ":" + std::to_string(row) + ": " + parameters[i] + " is '" + fields[i] + "', not a number (plausible points vary numbers only)");
    points.push_back(std::move(fields));
  }
  if (points.empty()) throw BadInput(path + ": no points below the header (an empty plausible set: the calibration ruled out everything?)");
}

bool inherited_event(const Comparison& c, const EventDef& e) {
  return !e.id.empty() && std::any_of(c.baseline.events.begin(), c.baseline.events.end(), [&](const EventDef& b) { return b.id == e.id && b.at == e.at; });
}

Comparison load_comparison(const CompareOptions& o) {
  Comparison c;
  c.whatif_path = o.whatif;
  if (o.points == 0 || o.seeds < 2) throw BadInput("--points must be at least 1 and --seeds at least 2 (the seed noise is estimated from them)");
  c.seeds = o.seeds, c.seed_base = o.seed_base;
  // The baseline: given, or the scenario the what-if extends.
  if (!o.baseline.empty()) {
    c.baseline_path = o.baseline;
  } else {
    const Node root = parse_yaml(read_yaml_input(o.whatif, "scenario file"), o.whatif);
    const Node* extends = root.is_map() ? root.find("extends") : nullptr;
    if (!extends || !extends->is_scalar())
      throw BadInput(o.whatif + " extends no scenario: give its baseline too, as the argument after it (WHATIF.yaml BASELINE.yaml)");
    c.baseline_path = resolve_beside(o.whatif, extends->scalar);
  }
  std::vector<Override> sets;
  for (const auto& s : o.sets) sets.push_back(parse_override(s));
  const Node trees[2] = {load_merged_tree(c.baseline_path, sets), load_merged_tree(c.whatif_path, sets)};
  c.baseline = build_scenario(trees[0], fs::path(c.baseline_path).stem().string());
  c.whatif = build_scenario(trees[1], fs::path(c.whatif_path).stem().string());
  // Claims are checked against the months run before a shorter horizon would drop them.
  c.claims = c.whatif.claims;
  const Month end = c.whatif.start + (o.months > 0 ? o.months : c.whatif.months);
  for (const auto& claim : c.claims)
    if (!(claim.at < end))
      throw BadInput("claim '" + claim.id + "' is judged at " + claim.at.str() + ", after the last month run, " + (end + -1).str() + "; give more --months");
  if (o.months > 0) set_horizon(c.baseline, o.months), set_horizon(c.whatif, o.months);
  if (c.baseline.start != c.whatif.start || c.baseline.months != c.whatif.months)
    throw BadInput("the what-if runs " + c.whatif.start.str() + " to " + (c.whatif.start + (c.whatif.months - 1)).str() + " and the baseline " + c.baseline.start.str() +
                   " to " + (c.baseline.start + (c.baseline.months - 1)).str() + ": a comparison needs the same months (give --months to cut both)");

  // The plausible points: given, the baseline's own, or none (the scenarios' own values).
  if (o.plausible == "none") {
    c.points.assign(1, {});
  } else {
    if (!o.plausible.empty()) {
      c.plausible_path = o.plausible;
    } else {
      const Node* p = trees[0].find("plausible");
      if (!p || !p->is_scalar() || p->scalar.empty())
        throw BadInput(c.baseline_path + " names no plausible set (its key 'plausible'): give --plausible FILE.csv (the plausible.csv geosim calibrate writes), "
                       "or --plausible none to compare at the scenarios' own values, with seed noise only");
      c.plausible_path = resolve_beside(p->mark.file, p->scalar);
    }
    read_points(c.plausible_path, c.parameters, c.points);
    if (c.points.size() > o.points) c.points.resize(o.points);
    for (const auto& s : sets)
      if (std::find(c.parameters.begin(), c.parameters.end(), s.path) != c.parameters.end())
        throw BadInput("--set " + s.path + ": that key is varied over the plausible points; leave it out of --set (or out of " + c.plausible_path + ")");
    // A key the what-if sets to a value of its own is its intervention: the what-if keeps it.
    for (const auto& p : c.parameters) {
      const auto b = number_at(c.baseline, p), w = number_at(c.whatif, p);
      if (b && w && *b != *w) c.kept.push_back(p);
    }
  }

  // The outputs: the claims', then those asked for, or the headline ones the scenario writes.
  const auto written = written_outputs(c.baseline);
  auto add = [&](const std::string& metric, const std::string& scope) {
    for (const auto& q : c.outputs)
      if (q.metric == metric && q.scope == scope) return;
    c.outputs.push_back(sweep::SeriesRequest{metric, scope, Mark{"geosim compare", 0, 0}});
  };
  for (const auto& claim : c.claims) add(claim.metric, claim.scope);
  std::vector<sweep::SeriesRequest> asked;
  for (const auto& text : o.outputs.empty() ? headline_outputs() : o.outputs) {
    const auto at = text.find('@');
    asked.push_back(sweep::SeriesRequest{text.substr(0, at), at == std::string::npos ? "world" : text.substr(at + 1), Mark{"--output " + text, 0, 0}});
  }
  if (o.outputs.empty()) {
    for (const auto& q : asked)
      if (std::find(written.begin(), written.end(), std::pair{q.scope, q.metric}) != written.end()) add(q.metric, q.scope);
  } else {
    std::vector<Diagnostic> problems;
    for (const auto& q : sweep::expand_series(asked, written, problems)) {
      if (std::find(written.begin(), written.end(), std::pair{q.scope, q.metric}) == written.end())
        problems.push_back(Diagnostic{q.mark, "no output " + q.metric + "@" + q.scope + " in this scenario (geosim metrics lists them)"});
      add(q.metric, q.scope);
      c.asked.push_back(q);
    }
    if (!problems.empty()) throw DiagnosticError(problems);
  }

  // The two sides: the same points and seeds, each scenario at each point.
  for (int side = 0; side < 2; ++side) {
    sweep::SweepDef& s = c.side[side];
    const ScenarioDef& def = side == 0 ? c.baseline : c.whatif;
    s.name = c.whatif.name + (side == 0 ? ": baseline" : ": what-if");
    s.base = side == 0 ? c.baseline_path : c.whatif_path;
    s.fixed = sets;
    s.months = o.months;
    s.method = "points";
    s.replicates = c.seeds;
    s.common_seeds = true;
    s.seed_base = c.seed_base;
    s.start = def.start;
    s.run_months = def.months;
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < c.parameters.size(); ++i)
      if (side == 0 || std::find(c.kept.begin(), c.kept.end(), c.parameters[i]) == c.kept.end()) columns.push_back(i);
    for (std::size_t i : columns) {
      sweep::Parameter p;
      p.path = c.parameters[i];
      p.mark = Mark{c.plausible_path, 1, 1};
      const KeySpec* key = sweep::schema_key_for(p.path);
      p.key_min = key->min, p.key_max = key->max, p.integer = key->type == KeyType::integer;
      p.a = p.b = std::stod(c.points.front()[i]);
      for (const auto& point : c.points) p.a = std::min(p.a, std::stod(point[i])), p.b = std::max(p.b, std::stod(point[i]));
      s.parameters.push_back(p);
    }
    for (const auto& point : c.points) {
      std::vector<std::string> values;
      for (std::size_t i : columns) values.push_back(point[i]);
      s.given.push_back(values);
    }
    s.points = s.given.size();
    for (const auto& claim : c.claims) s.records.push_back(sweep::Record{claim.id, claim.metric, claim.scope, claim.at, claim.at, Mark{s.base, 0, 0}});
    s.series = c.outputs;
    std::string identity = "geosim compare, side " + std::to_string(side) + "\n" + resolved_yaml(def) + "\n--\n" + std::to_string(c.seeds) + " seeds from " +
                           std::to_string(c.seed_base) + "\n";
    for (const auto& p : s.parameters) identity += p.path + "\n";
    for (const auto& point : s.given)
      for (const auto& v : point) identity += v + ",";
    for (const auto& q : s.series) identity += "\n" + q.metric + "@" + q.scope;
    for (const auto& r : s.records) identity += "\n" + r.name + "=" + r.metric + "@" + r.scope + "@" + r.from.str();
    s.identity = hex64(fnv1a(identity));
    sweep::check_against_model(s, trees[side]);
  }
  return c;
}

}  // namespace geosim::compare
