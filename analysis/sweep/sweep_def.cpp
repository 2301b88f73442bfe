#include "analysis/sweep/sweep_def.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>

#include "analysis/sensitivity/sobol_sequence.h"
#include "analysis/sweep/evaluate.h"
#include "core/bytes.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/memory.h"
#include "model/output_catalog.h"
#include "model/parameters.h"
#include "model/series.h"
#include "scenario/yaml_text.h"

namespace geosim::sweep {
namespace fs = std::filesystem;

const std::vector<SweepKey>& sweep_keys() {
  static const std::vector<SweepKey> keys = {
      {"name", "Name of the sweep (text; default: the file's name)"},
      {"base", "The base scenario file, relative to the sweep file (required)"},
      {"set", "Map of scenario key paths to values applied to every run, as `geosim run --set`"},
      {"months", "Simulate only this many months, as `geosim run --months` (events after the end are dropped)"},
      {"design.method", "grid, lhs, sobol, saltelli or morris (default grid)"},
      {"design.samples", "lhs and sobol: number of points; saltelli: number of base points N (runs N (k + 2))"},
      {"design.trajectories", "morris: number of trajectories r (points r (k + 1))"},
      {"design.levels", "morris: number of grid levels, even (default 4)"},
      {"design.sequence", "sobol and saltelli: sobol-scrambled (default), sobol or random"},
      {"design.seed", "Seed of the design's random numbers and scrambling (default 1)"},
      {"parameters", "List of the scenario keys to vary, each with path and one of levels, range, normal, triangular (grid: may be empty)"},
      {"parameters[].path", "Scenario key path as for --set, e.g. behaviour.bass_q or labs.deepseek.open"},
      {"parameters[].levels", "List of values (grid only); any YAML values the key accepts"},
      {"parameters[].range", "[low, high]: uniform on the interval (grid: `count` evenly spaced values)"},
      {"parameters[].scale", "linear (default) or log: a range spaced or drawn uniformly in the logarithm"},
      {"parameters[].count", "grid with a range: number of values, at least 2"},
      {"parameters[].normal", "{mean, sd}: normal distribution, clipped to the key's declared range"},
      {"parameters[].triangular", "[low, mode, high]: triangular distribution"},
      {"replicates", "Runs per design point, each with its own seed (default 1)"},
      {"seeds.rule", "common (default): replicate r uses seed base + r at every point; independent: a seed per run"},
      {"seeds.base", "First seed (default 1)"},
      {"record", "List of numbers recorded per run (at least one)"},
      {"record[].metric", "Metric name, as in docs/outputs.md"},
      {"record[].scope", "world (default), nation:<id>, lab:<id> or chipmaker:<id>"},
      {"record[].at", "YYYY-MM: the value at that month (default: the last month)"},
      {"record[].mean", "[YYYY-MM, YYYY-MM]: the mean over that window, both ends included"},
      {"record[].name", "Column name in the store (default metric, scope and month joined)"},
      {"series", "List of {metric, scope} whose whole monthly series is stored for every run; '*' in either matches any run of characters"},
      {"series[].metric", "Metric name, or a pattern such as chip_share.* or usage_share.*_open"},
      {"series[].scope", "Scope (default world), or a pattern such as nation:* or *"},
  };
  return keys;
}

namespace {

std::vector<std::string> keys_under(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& k : sweep_keys()) {
    if (k.path.rfind(prefix, 0) != 0) continue;
    std::string rest = k.path.substr(prefix.size());
    rest = rest.substr(0, rest.find_first_of(".["));
    if (std::find(out.begin(), out.end(), rest) == out.end()) out.push_back(rest);
  }
  return out;
}

/// Refuses keys of a map that the sweep format does not know.
void check_keys(const Node& map, const std::string& prefix, Problems& p) {
  const auto allowed = keys_under(prefix);
  for (const auto& e : map.map)
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      p.add(e.key_mark, "unknown sweep key '" + prefix + e.key + "'" + did_you_mean(e.key, allowed));
}

double number_at(const Node& n, const std::string& what, Problems& p) {
  const auto v = parse_number(n);
  if (!v) p.add(n.mark, what + ": expected a number, got " + n.describe());
  return v.value_or(0);
}

std::string text_at(const Node& n, const std::string& what, Problems& p) {
  if (!n.is_scalar()) p.add(n.mark, what + ": expected a text, got " + n.describe());
  return n.scalar;
}

Month month_at(const Node& n, const std::string& what, Problems& p) {
  if (n.is_scalar())
    if (auto m = parse_month(n.scalar)) return *m;
  p.add(n.mark, what + ": expected a month written YYYY-MM, got " + n.describe());
  return Month{};
}


Parameter parse_parameter(const Node& item, const std::string& method, Problems& p) {
  Parameter par;
  par.mark = item.mark;
  if (!item.is_map()) {
    p.add(item.mark, "parameters: each entry is a map with 'path' and one of levels, range, normal, triangular; got " + item.describe());
    return par;
  }
  check_keys(item, "parameters[].", p);
  const Node* path = item.find("path");
  if (!path) {
    p.add(item.mark, "parameters: missing required key 'path' (the scenario key to vary, e.g. behaviour.bass_q)");
    return par;
  }
  par.path = text_at(*path, "parameters[].path", p);
  par.mark = path->mark;
  const KeySpec* key = schema_key_for(par.path);
  if (!key) {
    std::vector<std::string> names;
    for (const auto& k : schema()) names.push_back(k.path);
    p.add(path->mark, "'" + par.path + "' is not a scenario key path (see geosim schema; agents are addressed by id, e.g. labs.deepseek.open)" +
                          did_you_mean(par.path, names));
    return par;
  }
  const bool numeric_key = key->type == KeyType::integer || key->type == KeyType::real || key->type == KeyType::ref_map;
  par.integer = key->type == KeyType::integer;
  par.key_min = key->min, par.key_max = key->max;
  int given = 0;
  for (const char* k : {"levels", "range", "normal", "triangular"}) given += item.find(k) ? 1 : 0;
  if (given != 1) {
    p.add(item.mark, "parameter '" + par.path + "': give exactly one of levels, range, normal, triangular");
    return par;
  }
  const Node* scale = item.find("scale");
  const Node* count = item.find("count");
  if (const Node* levels = item.find("levels")) {
    par.distribution = Distribution::levels;
    if (method != "grid") p.add(levels->mark, "parameter '" + par.path + "': levels are for the grid design; " + method + " needs a range or a distribution");
    if (!levels->is_seq() || levels->seq.empty()) p.add(levels->mark, "parameter '" + par.path + "': levels must be a non-empty list");
    for (const auto& v : levels->seq) {
      par.levels.push_back(node_yaml(v));
      if (!parse_number(v)) par.numeric = false;
    }
  } else if (const Node* range = item.find("range")) {
    if (!range->is_seq() || range->seq.size() != 2) {
      p.add(range->mark, "parameter '" + par.path + "': range must be [low, high]");
      return par;
    }
    const std::size_t problems_before = p.list.size();
    par.a = number_at(range->seq[0], "range low", p);
    par.b = number_at(range->seq[1], "range high", p);
    if (p.list.size() == problems_before && !(par.a < par.b)) p.add(range->mark, "parameter '" + par.path + "': range needs low < high");
    par.distribution = Distribution::uniform;
    if (scale) {
      const std::string s = text_at(*scale, "scale", p);
      if (s == "log") par.distribution = Distribution::log_uniform;
      else if (s != "linear") p.add(scale->mark, "scale: expected linear or log, got '" + s + "'");
      if (s == "log" && !(par.a > 0)) p.add(range->mark, "parameter '" + par.path + "': a log scale needs a range above 0");
    }
    if (method == "grid") {
      if (!count) p.add(range->mark, "parameter '" + par.path + "': a grid over a range needs 'count' (the number of values)");
      else {
        const auto n = whole_at(*count, "count", 2, 100000, p);
        for (std::uint64_t i = 0; i < n; ++i) {
          const double u = static_cast<double>(i) / static_cast<double>(n - 1);
          par.levels.push_back(par.value_text(u));
        }
        par.distribution = Distribution::levels;
        par.from_range = true;
      }
    }
  } else if (const Node* normal = item.find("normal")) {
    par.distribution = Distribution::normal;
    const Node* mean = normal->is_map() ? normal->find("mean") : nullptr;
    const Node* sd = normal->is_map() ? normal->find("sd") : nullptr;
    if (!mean || !sd || normal->map.size() != 2) p.add(normal->mark, "parameter '" + par.path + "': normal must be {mean: M, sd: S}");
    else {
      par.a = number_at(*mean, "normal mean", p);
      par.b = number_at(*sd, "normal sd", p);
      if (!(par.b > 0)) p.add(sd->mark, "parameter '" + par.path + "': sd must be above 0");
    }
  } else if (const Node* tri = item.find("triangular")) {
    par.distribution = Distribution::triangular;
    if (!tri->is_seq() || tri->seq.size() != 3) p.add(tri->mark, "parameter '" + par.path + "': triangular must be [low, mode, high]");
    else {
      par.a = number_at(tri->seq[0], "triangular low", p), par.c = number_at(tri->seq[1], "triangular mode", p);
      par.b = number_at(tri->seq[2], "triangular high", p);
      if (!(par.a <= par.c && par.c <= par.b && par.a < par.b)) p.add(tri->mark, "parameter '" + par.path + "': triangular needs low <= mode <= high, low < high");
    }
  }
  if ((par.distribution == Distribution::normal || par.distribution == Distribution::triangular) && method == "history_matching")
    p.add(item.mark, "parameter '" + par.path + "': history matching rules out parts of the parameters' ranges; give it a range (with scale: log if it spans decades)");
  if ((par.distribution == Distribution::normal || par.distribution == Distribution::triangular) && method == "solve")
    p.add(item.mark, "lever '" + par.path + "': solve searches a lever between its bounds; give it a range (with scale: log if it spans decades)");
  if (par.distribution != Distribution::levels && method == "grid")
    p.add(item.mark, "parameter '" + par.path + "': the grid design takes levels, or a range with count");
  if (par.distribution != Distribution::levels && !numeric_key)
    p.add(item.mark, method == "solve" ? "lever '" + par.path + "' is " + describe_expected(*key) + ": solve searches numbers between bounds; a yes/no or text key cannot be a lever (compare its settings with geosim compare)"
                                       : "parameter '" + par.path + "' is " + describe_expected(*key) + ": give it levels (and use the grid design)");
  if (scale && !item.find("range")) p.add(scale->mark, "scale applies to a range");
  if (count && (!item.find("range") || method != "grid")) p.add(count->mark, "count applies to a range in the grid design");
  if (numeric_key && par.distribution != Distribution::levels && par.distribution != Distribution::normal) {
    const double low = par.a, high = par.b;
    if (low < key->min || high > key->max)
      p.add(item.mark, "parameter '" + par.path + "': values from " + std::to_string(low) + " to " + std::to_string(high) + " leave the key's range; " +
                           describe_expected(*key));
  }
  return par;
}

Record parse_record(const Node& item, Month start, Month end, Problems& p) {
  Record r;
  r.mark = item.mark;
  if (!item.is_map()) {
    p.add(item.mark, "record: each entry is a map with 'metric' and optionally scope, at or mean, name; got " + item.describe());
    return r;
  }
  check_keys(item, "record[].", p);
  const Node* metric = item.find("metric");
  if (!metric) p.add(item.mark, "record: missing required key 'metric'");
  else r.metric = text_at(*metric, "record[].metric", p);
  r.scope = item.find("scope") ? text_at(*item.find("scope"), "record[].scope", p) : "world";
  r.from = r.to = end + -1;
  const std::size_t problems_before = p.list.size();
  if (item.find("at") && item.find("mean")) p.add(item.mark, "record: give 'at' or 'mean', not both");
  if (const Node* at = item.find("at")) r.from = r.to = month_at(*at, "record[].at", p);
  if (const Node* mean = item.find("mean")) {
    if (!mean->is_seq() || mean->seq.size() != 2) p.add(mean->mark, "record[].mean: expected [YYYY-MM, YYYY-MM]");
    else {
      r.from = month_at(mean->seq[0], "record[].mean", p), r.to = month_at(mean->seq[1], "record[].mean", p);
      if (r.to < r.from) p.add(mean->mark, "record[].mean: the window ends before it starts");
    }
  }
  // A month already refused is not also reported as outside the period.
  if (p.list.size() == problems_before && (r.from < start || !(r.to < end)))
    p.add(item.mark, "record '" + r.metric + "': " + r.from.str() + (r.from == r.to ? "" : " to " + r.to.str()) + " is outside the simulated period " +
                         start.str() + " to " + (end + -1).str());
  if (const Node* name = item.find("name")) r.name = text_at(*name, "record[].name", p);
  else r.name = r.metric + (r.scope == "world" ? "" : "@" + r.scope) + "@" + r.from.str() + (r.from == r.to ? "" : ".." + r.to.str());
  return r;
}

/// Inverse of the standard normal distribution function, by bisection on erfc (exact to rounding).
double normal_quantile(double u) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < u ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}


}  // namespace

void check_top_keys(const Node& root, const SweepFormat& format, Problems& p) {
  std::vector<std::string> allowed;
  for (const auto& k : *format.keys) {
    const std::string head = k.path.substr(0, k.path.find_first_of(".["));
    if (std::find(allowed.begin(), allowed.end(), head) == allowed.end()) allowed.push_back(head);
  }
  for (const auto& e : root.map)
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      p.add(e.key_mark, "unknown " + format.noun + " key '" + e.key + "'" + did_you_mean(e.key, allowed));
}

std::uint64_t whole_at(const Node& n, const std::string& what, std::uint64_t min, std::uint64_t max, Problems& p) {
  const auto v = parse_whole_number(n);
  if (!v || *v < static_cast<double>(min) || *v > static_cast<double>(max)) {
    p.add(n.mark, what + ": expected a whole number in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + n.describe());
    return min;
  }
  return static_cast<std::uint64_t>(*v);
}


const KeySpec* schema_key_for(const std::string& path) {
  const std::string key = address_of(path).schema_path;
  if (key.empty()) return nullptr;
  if (const KeySpec* k = find_key(key)) return k;
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) return nullptr;
  const KeySpec* parent = find_key(key.substr(0, dot));
  return parent && parent->type == KeyType::ref_map ? parent : nullptr;
}

double Parameter::value(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  double v = 0;
  switch (distribution) {
    case Distribution::levels: {
      auto i = std::min(levels.size() - 1, static_cast<std::size_t>(u * static_cast<double>(levels.size())));
      double x = 0;
      const std::string& t = levels[i];
      auto r = std::from_chars(t.data() + (t.size() > 1 && t[0] == '+' ? 1 : 0), t.data() + t.size(), x);
      return r.ec == std::errc{} && r.ptr == t.data() + t.size() ? x : std::nan("");
    }
    case Distribution::uniform: v = a * (1 - u) + b * u; break;  // exact at both ends
    case Distribution::log_uniform: v = std::exp(std::log(a) + u * (std::log(b) - std::log(a))); break;
    case Distribution::normal:
      v = std::clamp(a + b * normal_quantile(std::clamp(u, 1e-12, 1 - 1e-12)), key_min, key_max);
      break;
    case Distribution::triangular: {
      const double f = (c - a) / (b - a);
      v = u < f ? a + std::sqrt(u * (b - a) * (c - a)) : b - std::sqrt((1 - u) * (b - a) * (b - c));
      break;
    }
  }
  return integer ? std::round(v) : v;
}

double Parameter::unit_of(double v) const {
  if (distribution == Distribution::uniform) return (v - a) / (b - a);
  if (distribution == Distribution::log_uniform) return v > 0 ? (std::log(v) - std::log(a)) / (std::log(b) - std::log(a)) : std::nan("");
  return std::nan("");
}

std::string Parameter::value_text(double u) const {
  if (distribution == Distribution::levels)
    return levels[std::min(levels.size() - 1, static_cast<std::size_t>(std::clamp(u, 0.0, 1.0) * static_cast<double>(levels.size())))];
  return format_value(value(u));
}

std::size_t plan_memory(const SweepDef& s) {
  // Per value: its coordinate and number (8 bytes each) and its text (a std::string, 32 bytes, with
  // the text on the heap past 15 characters); per run a pending entry and a bit of the finished list.
  const std::size_t values = s.points * s.parameters.size();
  const std::size_t runs = s.points * s.replicates;
  return values * (8 + 8 + 32 + 32) + s.points * 3 * 24 + runs * 8 + runs / 8;
}

void check_sweep_memory(const SweepDef& s, std::size_t concurrent) {
  const std::size_t worlds = std::max<std::size_t>(1, std::min<std::size_t>(concurrent, s.points * s.replicates));
  const std::size_t need = plan_memory(s) + worlds * s.largest_world;
  if (auto shortfall = memory_shortfall(need))
    throw BadInput("sweep refused: " + std::to_string(worlds) + " run" + (worlds == 1 ? "" : "s") + " at once of up to " +
                   std::to_string(s.largest_adopters) + " adopters, and the plan of " + std::to_string(s.points) + " point" + (s.points == 1 ? "" : "s") + ", " + *shortfall +
                   "; lower population.adopters, the threads (--threads) or the design's size; nothing was run");
}

ScenarioDef build_run_scenario(const SweepDef& sweep, const Node& tree) {
  ScenarioDef def = build_scenario(tree, fs::path(sweep.base).stem().string());
  if (sweep.months > 0) set_horizon(def, sweep.months);
  return def;
}

bool wildcard_match(const std::string& pattern, const std::string& text) {
  // Greedy with one backtrack point: the last '*' seen absorbs one more character on a mismatch.
  std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++, resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p, ++t;
    } else if (star != std::string::npos) {
      p = star + 1, t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

/// Why a wildcard request matched nothing, with what it could have matched (the declared metrics of
/// the scope kind it names, from the output catalog).
std::string no_match(const SeriesRequest& q, const std::vector<std::pair<std::string, std::string>>& outputs) {
  const std::string shown = "series {metric: " + q.metric + ", scope: " + q.scope + "}";
  bool scope_matches = false;
  for (const auto& [scope, metric] : outputs) scope_matches |= wildcard_match(q.scope, scope);
  if (!scope_matches)
    return shown + ": no scope of this scenario matches '" + q.scope + "' (world, sector:<sector>, without:<id>, nation:<id>, lab:<id>, line:<id>, chipmaker:<id>)";
  std::string declared;
  ScopeKind kind;
  if (scope_kind_of(q.scope, kind))
    for (const auto& m : metric_catalog())
      if (m.scope == kind) declared += (declared.empty() ? "" : ", ") + m.name;
  return shown + ": no metric matching '" + q.metric + "' is written for the scopes matching '" + q.scope + "'" +
         (declared.empty() ? "" : " (their metrics: " + declared + "; see docs/outputs.md)");
}

}  // namespace

std::vector<SeriesRequest> expand_series(const std::vector<SeriesRequest>& requests,
                                         const std::vector<std::pair<std::string, std::string>>& outputs, std::vector<Diagnostic>& problems) {
  std::vector<SeriesRequest> out;
  std::set<std::pair<std::string, std::string>> requested;
  for (const auto& q : requests) {
    if (q.metric.find('*') == std::string::npos && q.scope.find('*') == std::string::npos) {
      out.push_back(q);
      requested.insert({q.scope, q.metric});
      continue;
    }
    bool matched = false;
    for (const auto& [scope, metric] : outputs) {
      if (!wildcard_match(q.scope, scope) || !wildcard_match(q.metric, metric)) continue;
      matched = true;
      if (requested.insert({scope, metric}).second) out.push_back(SeriesRequest{metric, scope, q.mark});
    }
    if (!matched) problems.push_back(Diagnostic{q.mark, no_match(q, outputs)});
  }
  return out;
}

const SweepFormat& sweep_format() {
  static const SweepFormat format{&sweep_keys(), "", "sweep"};
  return format;
}

SweepDef load_sweep(const std::string& path) {
  // Read once: the text is hashed into the identity too, and a pipe cannot be read twice.
  const std::string text = read_yaml_input(path, "sweep file");
  return sweep_from_tree(parse_yaml(text, path), text, path, sweep_format());
}

SweepDef sweep_from_tree(const Node& root, const std::string& text, const std::string& path, const SweepFormat& format) {
  Problems p;
  const Mark top{path, 1, 1};
  if (!root.is_map()) throw DiagnosticError(Diagnostic{top, "expected a map of " + format.noun + " keys at the top of the file, got " + root.describe()});
  check_top_keys(root, format, p);
  SweepDef s;
  if (!format.method.empty()) s.method = format.method;
  s.file = path;
  s.name = root.find("name") ? text_at(*root.find("name"), "name", p) : fs::path(path).stem().string();
  const Node* base = root.find("base");
  if (!base) throw DiagnosticError(Diagnostic{top, "missing required key 'base' (the scenario the sweep varies, relative to this file)"});
  s.base = resolve_beside(path, text_at(*base, "base", p));
  if (!fs::exists(s.base)) p.add(base->mark, "the base scenario '" + s.base + "' does not exist");
  if (const Node* set = root.find("set")) {
    if (!set->is_map()) p.add(set->mark, "set: expected a map of scenario key paths to values");
    for (const auto& e : set->map) s.fixed.push_back(Override{e.key, node_yaml(e.value), e.key_mark, e.value});
  }
  if (const Node* m = root.find("months")) s.months = static_cast<int>(whole_at(*m, "months", 1, 1200, p));
  if (const Node* design = format.method.empty() ? root.find("design") : nullptr) {
    if (!design->is_map()) p.add(design->mark, "design: expected a map");
    check_keys(*design, "design.", p);
    if (const Node* m = design->find("method")) {
      s.method = text_at(*m, "design.method", p);
      const std::vector<std::string> methods = {"grid", "lhs", "sobol", "saltelli", "morris"};
      if (std::find(methods.begin(), methods.end(), s.method) == methods.end())
        p.add(m->mark, "design.method: expected grid, lhs, sobol, saltelli or morris, got '" + s.method + "'" + did_you_mean(s.method, methods));
    }
    if (const Node* n = design->find("samples")) s.samples = whole_at(*n, "design.samples", 1, 10000000, p);
    if (const Node* n = design->find("trajectories")) s.trajectories = whole_at(*n, "design.trajectories", 1, 1000000, p);
    if (const Node* n = design->find("levels")) {
      s.morris_levels = whole_at(*n, "design.levels", 2, 1000, p);
      if (s.morris_levels % 2) p.add(n->mark, "design.levels: Morris levels must be even");
    }
    if (const Node* n = design->find("seed")) s.design_seed = whole_at(*n, "design.seed", 0, 1ull << 53, p);
    if (const Node* n = design->find("sequence")) {
      try {
        s.sequence = analysis::parse_sequence(text_at(*n, "design.sequence", p));
      } catch (const std::exception& e) {
        p.add(n->mark, std::string("design.sequence: ") + e.what());
      }
    }
  }
  const bool sampled = s.method == "lhs" || s.method == "sobol" || s.method == "saltelli";
  if (sampled && s.samples == 0) p.add(top, "design.samples is required for the " + s.method + " design");
  if (s.method == "morris" && s.trajectories == 0) p.add(top, "design.trajectories is required for the morris design");
  // A grid without parameters is one point: an ensemble of the base scenario over replicates.
  const Node* params = root.find("parameters");
  if (params && !params->is_seq()) p.add(params->mark, "parameters: expected a list of the scenario keys to vary");
  else if ((!params || params->seq.empty()) && s.method != "grid")
    p.add(params ? params->mark : top, "parameters: the " + s.method + " design needs at least one parameter (a grid without any is an ensemble)");
  else if (params)
    for (const auto& item : params->seq) s.parameters.push_back(parse_parameter(item, s.method, p));
  std::set<std::string> seen;
  for (const auto& par : s.parameters)
    if (!par.path.empty() && !seen.insert(par.path).second) p.add(par.mark, "parameter '" + par.path + "' is varied twice");
  if (s.method == "saltelli" && s.sequence != analysis::Sequence::random && 2 * s.parameters.size() > analysis::SobolSequence::max_dims)
    p.add(top, "a Saltelli design on the Sobol sequence takes at most " + std::to_string(analysis::SobolSequence::max_dims / 2) +
                   " parameters; use design.sequence: random for more");
  if (const Node* n = root.find("replicates")) s.replicates = whole_at(*n, "replicates", 1, 100000, p);
  // Sizes are counted here, before any design point, plan or list of runs is made (or checked against
  // the model, which takes a millisecond per level): a grid of 10^15 points is refused at once.
  if (p.list.empty()) {
    // The count in floating point for the message (10^15 overflows nothing there), in whole numbers for the check.
    double count = 1;
    std::optional<std::size_t> points;
    if (!format.method.empty()) {
      points = 0;  // the format's own design counts its points
    } else if (s.method == "grid") {
      points = 1;
      for (const auto& par : s.parameters) {
        const std::size_t n = std::max<std::size_t>(1, par.levels.size());
        count *= static_cast<double>(n);
        points = points ? analysis::design_rows(*points, n) : points;
      }
    } else if (s.method == "lhs" || s.method == "sobol") {
      points = s.samples, count = static_cast<double>(s.samples);
    } else {
      const std::size_t units = s.method == "saltelli" ? s.samples : s.trajectories;
      const std::size_t per = s.parameters.size() + (s.method == "saltelli" ? 2 : 1);
      points = analysis::design_rows(units, per), count = static_cast<double>(units) * static_cast<double>(per);
    }
    const Node* design = root.find("design");
    const Mark at = design ? design->mark : top;
    char shown[32];
    std::snprintf(shown, sizeof shown, count < 1e12 ? "%.0f" : "%.3g", count);
    if (!points || *points > analysis::max_design_rows)
      p.add(at, "the " + s.method + " design has " + shown + " points; a sweep has at most " + std::to_string(analysis::max_design_rows) +
                    " design points (fewer samples, levels or parameters)");
    else if (static_cast<std::int64_t>(*points) > max_sweep_runs / static_cast<std::int64_t>(s.replicates))
      p.add(at, std::to_string(*points) + " points x " + std::to_string(s.replicates) + " replicates are more than the " + std::to_string(max_sweep_runs) +
                    " runs a sweep may plan; fewer points or replicates (or shards of separate sweeps)");
    else
      s.points = *points;
  }
  // A swept horizon must not be overridden: `months` would replace each run's own months silently.
  for (const auto& par : s.parameters)
    if (par.path == "months" && s.months > 0)
      p.add(par.mark, "parameter 'months' is varied, but the sweep's 'months: " + std::to_string(s.months) +
                          "' sets every run's months; remove one of them");
  if (const Node* seeds = root.find("seeds")) {
    if (!seeds->is_map()) p.add(seeds->mark, "seeds: expected a map with rule and base");
    check_keys(*seeds, "seeds.", p);
    if (const Node* rule = seeds->find("rule")) {
      const std::string r = text_at(*rule, "seeds.rule", p);
      if (r == "independent") s.common_seeds = false;
      else if (r != "common") p.add(rule->mark, "seeds.rule: expected common or independent, got '" + r + "'");
    }
    if (const Node* b = seeds->find("base")) s.seed_base = whole_at(*b, "seeds.base", 0, 1ull << 53, p);
  }

  // The base scenario with the fixed overrides: its period bounds the recorded months, and it must load.
  Node base_tree;
  ScenarioDef base_def;
  bool base_ok = false;
  if (p.list.empty()) {
    try {
      base_tree = load_merged_tree(s.base, s.fixed);
      base_def = build_run_scenario(s, base_tree);
      base_ok = true;
    } catch (const DiagnosticError& e) {
      for (const auto& d : e.diagnostics()) p.list.push_back(d);
    }
  }
  const Node* record = root.find("record");
  if (!record || !record->is_seq() || record->seq.empty())
    p.add(record ? record->mark : top, "record: expected a non-empty list of what to record from each run (metric, scope, at or mean)");
  else if (base_ok)
    for (const auto& item : record->seq) s.records.push_back(parse_record(item, base_def.start, base_def.start + base_def.months, p));
  std::set<std::string> names;
  for (const auto& r : s.records) {
    if (!names.insert(r.name).second) p.add(r.mark, "record name '" + r.name + "' is used twice; give each a distinct name");
    // Both are columns of the store's runs table.
    for (const auto& par : s.parameters)
      if (r.name == par.path) p.add(r.mark, "record name '" + r.name + "' is also a parameter's path (both are columns of the store); rename the record");
  }
  if (const Node* series = root.find("series")) {
    if (!series->is_seq()) p.add(series->mark, "series: expected a list of {metric, scope}");
    else
      for (const auto& item : series->seq) {
        if (!item.is_map()) {
          p.add(item.mark, "series: each entry is {metric, scope}");
          continue;
        }
        check_keys(item, "series[].", p);
        for (const auto& par : s.parameters)
          if (par.path == "start")
            p.add(item.mark, "series are stored by month from each run's start, and 'start' is varied: their months would not line up; "
                             "record numbers at calendar months instead");
        SeriesRequest q;
        q.mark = item.mark;
        if (const Node* m = item.find("metric")) q.metric = text_at(*m, "series[].metric", p);
        else p.add(item.mark, "series: missing required key 'metric'");
        q.scope = item.find("scope") ? text_at(*item.find("scope"), "series[].scope", p) : "world";
        s.series.push_back(q);
      }
  }
  if (!p.list.empty()) throw DiagnosticError(p.list);

  // Identity: the sweep file and the resolved base scenario (a changed base file changes the results).
  s.start = base_def.start;
  s.run_months = base_def.months;
  s.identity = hex64(fnv1a(text + "\n--\n" + resolved_yaml(base_def)));
  check_against_model(s, base_tree);
  return s;
}

}  // namespace geosim::sweep
