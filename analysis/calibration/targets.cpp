#include "analysis/calibration/targets.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "scenario/diagnostics.h"

namespace geosim::calibration {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Expr parse_expr(const Node& n, const std::vector<std::string>& records, std::vector<Diagnostic>& problems) {
  Expr e;
  if (const auto x = parse_number(n)) {
    e.op = Expr::Op::number, e.number = *x;
    return e;
  }
  if (n.is_scalar()) {
    for (std::size_t i = 0; i < records.size(); ++i)
      if (records[i] == n.scalar) {
        e.op = Expr::Op::record, e.record = i;
        return e;
      }
    problems.push_back(Diagnostic{n.mark, "no record is named '" + n.scalar + "'" + did_you_mean(n.scalar, records)});
    return e;
  }
  if (!n.is_map() || n.map.size() != 1 || !n.map[0].value.is_seq()) {
    problems.push_back(Diagnostic{n.mark, "expected a record name, a number, or one of {ratio: [a, b]}, {difference: [a, b]}, {sum: [a, ...]}, "
                                          "{product: [a, ...]}, {fold_per_year: [from, to, months]}"});
    return e;
  }
  const auto& [op, mark, args] = n.map[0];
  std::size_t arity = 0;
  if (op == "ratio") e.op = Expr::Op::ratio, arity = 2;
  else if (op == "difference") e.op = Expr::Op::difference, arity = 2;
  else if (op == "fold_per_year") e.op = Expr::Op::fold_per_year, arity = 3;
  else if (op == "sum") e.op = Expr::Op::sum;
  else if (op == "product") e.op = Expr::Op::product;
  else {
    problems.push_back(Diagnostic{mark, "unknown operation '" + op + "'" + did_you_mean(op, {"ratio", "difference", "sum", "product", "fold_per_year"})});
    return e;
  }
  if ((arity && args.seq.size() != arity) || args.seq.empty())
    problems.push_back(Diagnostic{args.mark, op + " takes " + (arity ? std::to_string(arity) : std::string("one or more")) + " values"});
  for (const auto& a : args.seq) e.args.push_back(parse_expr(a, records, problems));
  return e;
}

}  // namespace

double Expr::eval(const std::vector<double>& r) const {
  switch (op) {
    case Op::number: return number;
    case Op::record: return record < r.size() ? r[record] : std::nan("");
    case Op::ratio: return args[0].eval(r) / args[1].eval(r);
    case Op::difference: return args[0].eval(r) - args[1].eval(r);
    case Op::sum: {
      double s = 0;
      for (const auto& a : args) s += a.eval(r);
      return s;
    }
    case Op::product: {
      double p = 1;
      for (const auto& a : args) p *= a.eval(r);
      return p;
    }
    case Op::fold_per_year: return std::pow(args[0].eval(r) / args[1].eval(r), 12.0 / args[2].eval(r));
  }
  return std::nan("");
}

std::string Condition::band() const {
  if (min && max) return "between " + num(*min) + " and " + num(*max);
  if (min) return "at least " + num(*min);
  if (max) return "at most " + num(*max);
  return "any";
}

namespace {

/// The scale misses and margins are measured on: a band's width, or a one-sided bound's size.
double band_scale(const Condition& c) {
  const double scale = c.min && c.max ? *c.max - *c.min : std::max(std::fabs(c.min.value_or(0)), std::fabs(c.max.value_or(0)));
  return scale > 0 ? scale : 1.0;
}

}  // namespace

double Condition::miss(double v) const {
  if (!std::isfinite(v)) return INFINITY;
  const double s = band_scale(*this);
  if (min && v < *min) return (*min - v) / s;
  if (max && v > *max) return (v - *max) / s;
  return 0;
}

double Condition::margin(double v) const {
  if (!std::isfinite(v)) return -INFINITY;
  const double s = band_scale(*this);
  double m = INFINITY;
  if (min) m = std::min(m, (v - *min) / s);
  if (max) m = std::min(m, (*max - v) / s);
  return m;
}

std::vector<Target> load_targets(const std::string& path, const sweep::StoreInfo& store) {
  return load_targets(path, store.records);
}

std::vector<Target> load_targets(const std::string& path, const std::vector<std::string>& records) {
  const Node root = parse_yaml_file(path, path, "targets file");
  std::vector<Diagnostic> problems;
  const Node* list = root.is_map() ? root.find("targets") : nullptr;
  if (!list || !list->is_seq() || list->seq.empty())
    throw DiagnosticError(Diagnostic{Mark{path, 1, 1}, "expected 'targets:', a list of {id, claim, source, value, min, max}"});
  std::vector<Target> out;
  // A value with its band, from a map with value and min and/or max (and, for a further condition, a name).
  auto read_condition = [&](const Node& item, Condition& c, const std::string& what) {
    c.mark = item.mark;
    if (const Node* v = item.find("value")) c.value = parse_expr(*v, records, problems);
    else problems.push_back(Diagnostic{item.mark, what + " needs a value"});
    for (const char* bound : {"min", "max"})
      if (const Node* b = item.find(bound)) {
        const auto x = parse_number(*b);
        if (!x) problems.push_back(Diagnostic{b->mark, std::string(bound) + ": expected a number"});
        else (std::string(bound) == "min" ? c.min : c.max) = *x;
      }
    if (!c.min && !c.max) problems.push_back(Diagnostic{item.mark, what + " needs min, max or both"});
    if (c.min && c.max && *c.min > *c.max)
      problems.push_back(Diagnostic{item.find("max")->mark, what + ": min " + num(*c.min) + " is above max " + num(*c.max) +
                                                              "; no value could meet it (swapped?)"});
    for (const char* key : {"observation_sd", "discrepancy_sd"})
      if (const Node* b = item.find(key)) {
        const auto x = parse_number(*b);
        if (!x || !std::isfinite(*x) || *x < 0) problems.push_back(Diagnostic{b->mark, what + ": " + key + ": expected a number at least 0, got " + b->describe()});
        else (std::string(key) == "observation_sd" ? c.observation_sd : c.discrepancy_sd) = *x;
      }
    if (const Node* sc = item.find("scale")) {
      if (sc->is_scalar() && sc->scalar == "log") c.log_scale = true;
      else if (!sc->is_scalar() || sc->scalar != "linear") problems.push_back(Diagnostic{sc->mark, what + ": scale: expected linear or log, got " + sc->describe()});
      if (c.log_scale && ((c.min && *c.min <= 0) || (c.max && *c.max <= 0)))
        problems.push_back(Diagnostic{sc->mark, what + ": a log scale needs a band above 0 (the band is matched on its logarithm)"});
    }
  };
  const std::vector<std::string> target_keys = {"id", "claim", "source", "value", "min", "max", "also", "observation_sd", "discrepancy_sd", "scale"};
  const std::vector<std::string> condition_keys = {"name", "value", "min", "max", "observation_sd", "discrepancy_sd", "scale"};
  for (const auto& item : list->seq) {
    Target t;
    if (!item.is_map()) {
      problems.push_back(Diagnostic{item.mark, "each target is a map with id, claim, source, value and min and/or max"});
      continue;
    }
    for (const auto& e : item.map)
      if (std::find(target_keys.begin(), target_keys.end(), e.key) == target_keys.end())
        problems.push_back(Diagnostic{e.key_mark, "unknown target key '" + e.key + "'" + did_you_mean(e.key, target_keys)});
    auto text = [&](const Node& n, const char* key) { return n.find(key) && n.find(key)->is_scalar() ? n.find(key)->scalar : std::string(); };
    t.id = text(item, "id"), t.claim = text(item, "claim"), t.source = text(item, "source");
    if (t.id.empty()) problems.push_back(Diagnostic{item.mark, "a target needs an id"});
    read_condition(item, t, "target '" + t.id + "'");
    if (const Node* also = item.find("also")) {
      if (!also->is_seq()) problems.push_back(Diagnostic{also->mark, "also: expected a list of {name, value, min and/or max}"});
      else
        for (const auto& c : also->seq) {
          Condition cond;
          if (!c.is_map()) {
            problems.push_back(Diagnostic{c.mark, "each further condition is a map with name, value and min and/or max"});
            continue;
          }
          for (const auto& e : c.map)
            if (std::find(condition_keys.begin(), condition_keys.end(), e.key) == condition_keys.end())
              problems.push_back(Diagnostic{e.key_mark, "unknown key '" + e.key + "' in a further condition" + did_you_mean(e.key, condition_keys)});
          cond.name = text(c, "name");
          if (cond.name.empty()) problems.push_back(Diagnostic{c.mark, "a further condition of target '" + t.id + "' needs a name"});
          read_condition(c, cond, "condition '" + cond.name + "' of target '" + t.id + "'");
          t.also.push_back(std::move(cond));
        }
    }
    for (const auto& before : out)
      if (!t.id.empty() && before.id == t.id)
        problems.push_back(Diagnostic{item.find("id")->mark, "target id '" + t.id + "' is used twice; give each target its own id"});
    out.push_back(std::move(t));
  }
  if (!problems.empty()) throw DiagnosticError(problems);
  return out;
}

std::vector<std::vector<TargetResult>> evaluate_targets(const std::vector<Target>& targets, const sweep::Store& store) {
  const std::size_t points = store.info().unit.rows;
  // Per point, per target: the values of its main condition, then of each further one, over the runs.
  std::vector<std::vector<std::vector<std::vector<double>>>> values(points);
  for (auto& p : values) {
    p.resize(targets.size());
    for (std::size_t t = 0; t < targets.size(); ++t) p[t].resize(1 + targets[t].also.size());
  }
  for (const auto& run : store.runs()) {
    if (!run.ok || run.point >= points) continue;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      values[run.point][t][0].push_back(targets[t].value.eval(run.records));
      for (std::size_t c = 0; c < targets[t].also.size(); ++c) values[run.point][t][c + 1].push_back(targets[t].also[c].value.eval(run.records));
    }
  }
  std::vector<std::vector<TargetResult>> out(points);
  for (std::size_t p = 0; p < points; ++p)
    for (std::size_t t = 0; t < targets.size(); ++t) {
      TargetResult r;
      r.value = sweep::ensemble(values[p][t][0]);
      r.met = r.value.n > 0 && targets[t].met(r.value.mean);
      r.miss = targets[t].miss(r.value.mean);
      r.margin = targets[t].margin(r.value.mean);
      for (std::size_t c = 0; c < targets[t].also.size(); ++c) {
        r.also.push_back(sweep::ensemble(values[p][t][c + 1]));
        r.met = r.met && r.also.back().n > 0 && targets[t].also[c].met(r.also.back().mean);
        r.miss += targets[t].also[c].miss(r.also.back().mean);
        r.margin = std::min(r.margin, targets[t].also[c].margin(r.also.back().mean));
      }
      out[p].push_back(r);
    }
  return out;
}

}  // namespace geosim::calibration
