#include "analysis/calibration/targets.h"

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

Expr parse_expr(const Node& n, const sweep::StoreInfo& store, std::vector<Diagnostic>& problems) {
  Expr e;
  if (const auto x = parse_number(n)) {
    e.op = Expr::Op::number, e.number = *x;
    return e;
  }
  if (n.is_scalar()) {
    for (std::size_t i = 0; i < store.records.size(); ++i)
      if (store.records[i] == n.scalar) {
        e.op = Expr::Op::record, e.record = i;
        return e;
      }
    problems.push_back(Diagnostic{n.mark, "the store records no '" + n.scalar + "'" + did_you_mean(n.scalar, store.records)});
    return e;
  }
  if (!n.is_map() || n.map.size() != 1 || !n.map[0].value.is_seq()) {
    problems.push_back(Diagnostic{n.mark, "expected a record name, a number, or one of {ratio: [a, b]}, {difference: [a, b]}, {sum: [a, ...]}, "
                                          "{fold_per_year: [from, to, months]}"});
    return e;
  }
  const auto& [op, mark, args] = n.map[0];
  std::size_t arity = 0;
  if (op == "ratio") e.op = Expr::Op::ratio, arity = 2;
  else if (op == "difference") e.op = Expr::Op::difference, arity = 2;
  else if (op == "fold_per_year") e.op = Expr::Op::fold_per_year, arity = 3;
  else if (op == "sum") e.op = Expr::Op::sum;
  else {
    problems.push_back(Diagnostic{mark, "unknown operation '" + op + "'" + did_you_mean(op, {"ratio", "difference", "sum", "fold_per_year"})});
    return e;
  }
  if ((arity && args.seq.size() != arity) || args.seq.empty())
    problems.push_back(Diagnostic{args.mark, op + " takes " + (arity ? std::to_string(arity) : std::string("one or more")) + " values"});
  for (const auto& a : args.seq) e.args.push_back(parse_expr(a, store, problems));
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
    case Op::fold_per_year: return std::pow(args[0].eval(r) / args[1].eval(r), 12.0 / args[2].eval(r));
  }
  return std::nan("");
}

std::string Target::band() const {
  if (min && max) return "between " + num(*min) + " and " + num(*max);
  if (min) return "at least " + num(*min);
  if (max) return "at most " + num(*max);
  return "any";
}

double Target::miss(double v) const {
  if (!std::isfinite(v)) return INFINITY;
  const double scale = min && max ? *max - *min : std::max(std::fabs(min.value_or(0)), std::fabs(max.value_or(0)));
  const double s = scale > 0 ? scale : 1.0;
  if (min && v < *min) return (*min - v) / s;
  if (max && v > *max) return (v - *max) / s;
  return 0;
}

std::vector<Target> load_targets(const std::string& path, const sweep::StoreInfo& store) {
  const Node root = parse_yaml_file(path, path, "targets file");
  std::vector<Diagnostic> problems;
  const Node* list = root.is_map() ? root.find("targets") : nullptr;
  if (!list || !list->is_seq() || list->seq.empty())
    throw DiagnosticError(Diagnostic{Mark{path, 1, 1}, "expected 'targets:', a list of {id, claim, source, value, min, max}"});
  std::vector<Target> out;
  for (const auto& item : list->seq) {
    Target t;
    if (!item.is_map()) {
      problems.push_back(Diagnostic{item.mark, "each target is a map with id, claim, source, value and min and/or max"});
      continue;
    }
    for (const auto& e : item.map)
      if (e.key != "id" && e.key != "claim" && e.key != "source" && e.key != "value" && e.key != "min" && e.key != "max")
        problems.push_back(Diagnostic{e.key_mark, "unknown target key '" + e.key + "'" + did_you_mean(e.key, {"id", "claim", "source", "value", "min", "max"})});
    auto text = [&](const char* key) { return item.find(key) && item.find(key)->is_scalar() ? item.find(key)->scalar : std::string(); };
    t.id = text("id"), t.claim = text("claim"), t.source = text("source");
    if (t.id.empty()) problems.push_back(Diagnostic{item.mark, "a target needs an id"});
    if (const Node* v = item.find("value")) t.value = parse_expr(*v, store, problems);
    else problems.push_back(Diagnostic{item.mark, "target '" + t.id + "' needs a value"});
    for (const char* bound : {"min", "max"})
      if (const Node* b = item.find(bound)) {
        const auto x = parse_number(*b);
        if (!x) problems.push_back(Diagnostic{b->mark, std::string(bound) + ": expected a number"});
        else (std::string(bound) == "min" ? t.min : t.max) = *x;
      }
    if (!t.min && !t.max) problems.push_back(Diagnostic{item.mark, "target '" + t.id + "' needs min, max or both"});
    if (t.min && t.max && *t.min > *t.max)
      problems.push_back(Diagnostic{item.find("max")->mark, "target '" + t.id + "': min " + num(*t.min) + " is above max " + num(*t.max) +
                                                                "; no value could meet it (swapped?)"});
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
  std::vector<std::vector<std::vector<double>>> values(points, std::vector<std::vector<double>>(targets.size()));
  for (const auto& run : store.runs()) {
    if (!run.ok || run.point >= points) continue;
    for (std::size_t t = 0; t < targets.size(); ++t) values[run.point][t].push_back(targets[t].value.eval(run.records));
  }
  std::vector<std::vector<TargetResult>> out(points);
  for (std::size_t p = 0; p < points; ++p)
    for (std::size_t t = 0; t < targets.size(); ++t) {
      TargetResult r;
      r.value = sweep::ensemble(values[p][t]);
      r.met = r.value.n > 0 && targets[t].met(r.value.mean);
      out[p].push_back(r);
    }
  return out;
}

}  // namespace geosim::calibration
