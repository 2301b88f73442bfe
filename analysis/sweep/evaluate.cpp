#include "analysis/sweep/evaluate.h"

#include <filesystem>
#include <new>
#include <set>
#include <system_error>

#include "model/world.h"

namespace geosim::sweep {
namespace {

/// The scenario of a point given by one value per parameter, with a seed.
ScenarioDef scenario_for(const SweepDef& s, const Node& base, const std::vector<std::string>& values, std::uint64_t seed) {
  Node tree = base;
  std::vector<Override> overrides;
  for (std::size_t i = 0; i < values.size(); ++i)
    overrides.push_back(Override{s.parameters[i].path, values[i], s.parameters[i].mark, std::nullopt});
  overrides.push_back(Override{"seed", std::to_string(seed), Mark{"the sweep's seed rule", 0, 0}, std::nullopt});
  apply_overrides(tree, overrides);
  return build_run_scenario(s, tree);
}

/// Index of (scope, metric) in a world's output rows, or -1.
long find_row(const std::vector<OutputRow>& rows, const std::string& scope, const std::string& metric) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].scope == scope && rows[i].metric == metric) return static_cast<long>(i);
  return -1;
}

}  // namespace

Evaluator::Evaluator(const SweepDef& sweep, const Plan& plan) : sweep_(sweep), plan_(plan), base_(load_merged_tree(sweep.base, sweep.fixed)) {}

RunResult Evaluator::run(std::int64_t run) const {
  RunResult out;
  out.run = run;
  try {
    const RunKey key = run_key(sweep_, plan_, run);
    World world(scenario_for(sweep_, base_, plan_.values[key.point], key.seed));
    const Month start = world.params().start;  // this run's own: `start` may be a parameter
    std::vector<long> record_rows(sweep_.records.size(), -1), series_rows(sweep_.series.size(), -1);
    std::vector<double> sums(sweep_.records.size(), 0.0);
    std::vector<int> summed(sweep_.records.size(), 0);
    std::vector<std::vector<double>> series(sweep_.series.size());
    while (!world.done()) {
      world.step();
      const Month month = start + (world.months_done() - 1);
      const auto& rows = world.outputs();
      // Rows come in a fixed order, so the first month's positions hold; checked, and searched again if not.
      auto row_of = [&](long& cached, const std::string& scope, const std::string& metric) -> double {
        if (cached < 0 || static_cast<std::size_t>(cached) >= rows.size() || rows[cached].scope != scope || rows[cached].metric != metric)
          cached = find_row(rows, scope, metric);
        if (cached < 0) throw std::runtime_error("the run has no metric " + metric + " for scope " + scope + " in " + month.str());
        return rows[static_cast<std::size_t>(cached)].value;
      };
      for (std::size_t i = 0; i < sweep_.records.size(); ++i) {
        const Record& r = sweep_.records[i];
        if (month < r.from || r.to < month) continue;
        sums[i] += row_of(record_rows[i], r.scope, r.metric);
        ++summed[i];
      }
      for (std::size_t i = 0; i < sweep_.series.size(); ++i) series[i].push_back(row_of(series_rows[i], sweep_.series[i].scope, sweep_.series[i].metric));
    }
    for (std::size_t i = 0; i < sweep_.records.size(); ++i) {
      const Record& r = sweep_.records[i];
      // A month the run never simulated has no value: the run fails rather than store a 0 (the sweep
      // is checked against this up front; a run must not rely on that).
      if (summed[i] != r.to - r.from + 1)
        throw std::runtime_error("record '" + r.name + "': " + r.from.str() + (r.from == r.to ? "" : " to " + r.to.str()) +
                                 " is not all inside this run's period " + start.str() + " to " + world.last_month().str());
      out.records.push_back(sums[i] / static_cast<double>(summed[i]));
    }
    for (const auto& s : series) out.series.insert(out.series.end(), s.begin(), s.end());
    out.ok = true;
  } catch (const DiagnosticError& e) {
    out.error = e.diagnostics().empty() ? e.what() : e.diagnostics().front().str();
    for (std::size_t i = 1; i < e.diagnostics().size(); ++i) out.error += "; " + e.diagnostics()[i].str();
  } catch (const std::bad_alloc&) {
    throw;  // the machine, not the run: leave the run pending so that a rerun retries it
  } catch (const std::system_error&) {
    throw;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  if (!out.ok) out.records.clear(), out.series.clear();
  return out;
}

void check_against_model(SweepDef& s, const Node& base) {
  std::vector<Diagnostic> problems;
  const std::size_t k = s.parameters.size();
  /// Each record's months must lie in every run's period (runs may differ in `months` and `start`).
  auto check_period = [&](const ScenarioDef& def, const std::string& which) {
    const Month end = def.start + def.months;
    for (const auto& r : s.records)
      if (r.from < def.start || !(r.to < end))
        problems.push_back(Diagnostic{r.mark, "record '" + r.name + "': " + r.from.str() + (r.from == r.to ? "" : " to " + r.to.str()) +
                                                  " is outside the period " + def.start.str() + " to " + (end + -1).str() + " of the runs with " + which +
                                                  "; record months every run simulates"});
  };
  auto consider_memory = [&](const ScenarioDef& def) {
    const std::size_t bytes = estimate_memory(def);
    if (bytes > s.largest_world) s.largest_world = bytes, s.largest_adopters = def.population.adopters;
  };
  // Each parameter at each of its levels (or, for values spaced over a range or drawn from one, both
  // ends, which bound the rest), the others at their lowest.
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<double> us;
    const Parameter& p = s.parameters[i];
    if (p.distribution == Distribution::levels && !p.from_range)
      for (std::size_t l = 0; l < p.levels.size(); ++l) us.push_back((static_cast<double>(l) + 0.5) / static_cast<double>(p.levels.size()));
    else
      us = {0.0, 1.0};
    for (double u : us) {
      std::vector<std::string> values;
      for (std::size_t j = 0; j < k; ++j) values.push_back(s.parameters[j].value_text(j == i ? u : 0.0));
      try {
        const ScenarioDef def = scenario_for(s, base, values, s.seed_base);
        check_period(def, p.path + " = " + values[i]);
        consider_memory(def);
      } catch (const DiagnosticError& e) {
        for (const auto& d : e.diagnostics())
          problems.push_back(Diagnostic{p.mark, "with " + p.path + " = " + values[i] + " the scenario is refused: " +
                                                    (d.mark.str() == p.mark.str() ? d.message : d.str())});
        break;
      }
    }
  }
  if (!problems.empty()) throw DiagnosticError(problems);

  // One month of a small world lists every scope and metric a run writes.
  std::vector<std::string> values;
  for (const auto& p : s.parameters) values.push_back(p.value_text(0.0));
  ScenarioDef def = scenario_for(s, base, values, s.seed_base);
  consider_memory(def);  // a sweep without parameters has this one world
  if (def.population.network == NetworkKind::well_mixed || def.population.degree < 200)
    def.population.adopters = std::min<std::int64_t>(def.population.adopters, 500);
  set_horizon(def, 1);
  World world(def);
  world.step();
  std::set<std::string> scopes, metrics;
  std::set<std::pair<std::string, std::string>> pairs;
  std::vector<std::pair<std::string, std::string>> outputs;  // in the order a run writes them
  for (const auto& row : world.outputs()) {
    scopes.insert(row.scope), metrics.insert(row.metric), pairs.insert({row.scope, row.metric});
    outputs.emplace_back(row.scope, row.metric);
  }
  s.series = expand_series(s.series, outputs, problems);
  auto check = [&](const std::string& scope, const std::string& metric, const Mark& mark) {
    if (pairs.count({scope, metric})) return;
    const std::vector<std::string> ms(metrics.begin(), metrics.end()), ss(scopes.begin(), scopes.end());
    if (!scopes.count(scope))
      problems.push_back(Diagnostic{mark, "no scope '" + scope + "' in this scenario (world, nation:<id>, lab:<id>, chipmaker:<id>)" + did_you_mean(scope, ss)});
    else if (!metrics.count(metric))
      problems.push_back(Diagnostic{mark, "no metric '" + metric + "' (see docs/outputs.md)" + did_you_mean(metric, ms)});
    else
      problems.push_back(Diagnostic{mark, "metric '" + metric + "' is not written for scope '" + scope + "' (see docs/outputs.md)"});
  };
  for (const auto& r : s.records) check(r.scope, r.metric, r.mark);
  for (const auto& q : s.series) check(q.scope, q.metric, q.mark);
  if (!problems.empty()) throw DiagnosticError(problems);
}

}  // namespace geosim::sweep
