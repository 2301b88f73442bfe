#include "analysis/solve/solve.h"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>

#include "core/errors.h"
#include "model/key_path.h"
#include "model/series.h"

namespace geosim::solve {

double chance_margin(std::vector<double> values, bool above, double threshold, double probability) {
  if (values.empty()) return std::nan("");
  const std::size_t n = values.size();
  // j = ⌈p n⌉, with p n a hair above a whole number taken as that number (0.8 x 10 is 8.000000000000002).
  const auto j = static_cast<std::size_t>(std::clamp(std::ceil(probability * static_cast<double>(n) - 1e-9), 1.0, static_cast<double>(n)));
  std::sort(values.begin(), values.end());
  return above ? values[n - j] - threshold : threshold - values[j - 1];
}

std::vector<std::pair<std::string, std::string>> lever_settings(const GoalDef& goal, const Evaluation& e) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < goal.levers; ++i) out.emplace_back(goal.sweep.parameters[i].path, e.texts[i]);
  return out;
}

namespace {

/// Thrown out of an evaluation when the user stopped the search.
struct Stopped {};

/// A constraint's scale for the search: its threshold's size, so that margins of different outputs
/// weigh alike (1 for a threshold of 0).
double scale_of(const Constraint& c) {
  return c.threshold != 0 ? std::abs(c.threshold) : 1.0;
}

/// Evaluations of the levers, each a wave of the store, run once and read back after.
class Evaluator {
 public:
  Evaluator(const GoalDef& g, sweep::Store& store, const std::atomic<bool>& stop, const sweep::ProgressFn& progress, std::size_t batch, Solution& out)
      : g_(g), store_(store), stop_(stop), progress_(progress), batch_(batch), out_(out) {
    const auto& info = store_.info();
    for (std::size_t w = 0; w < info.waves.size(); ++w) {
      const auto& values = info.values.at(info.waves[w].first);
      known_[std::vector<std::string>(values.begin(), values.begin() + static_cast<long>(g_.levers))] = w;
    }
  }

  /// The evaluation at unit coordinates `u` of the levers (the search's space, [0, 1] each), listed as
  /// asked for by the search; with `listed` false (a constraint asked at the point the objective was
  /// just asked at) an evaluation already made is returned as it is.
  const Evaluation& at(const std::vector<double>& u, const std::string& stage, bool listed = true) {
    Evaluation e;
    e.stage = stage;
    for (std::size_t i = 0; i < g_.levers; ++i) {
      const double x = std::clamp(u[i], 0.0, 1.0);
      e.texts.push_back(g_.sweep.parameters[i].value_text(x));
      e.levers.push_back(g_.sweep.parameters[i].value(x));
    }
    if (const auto c = cache_.find(e.texts); c != cache_.end()) {
      if (!listed) return out_.evaluations[c->second];
      Evaluation again = out_.evaluations[c->second];
      again.stage = stage;
      again.repeats = static_cast<long>(c->second);
      out_.evaluations.push_back(again);
      return out_.evaluations.back();
    }
    const auto known = known_.find(e.texts);
    e.wave = known != known_.end() ? known->second : append(e.texts, u);
    run_wave(e);
    summarise(e);
    cache_[e.texts] = out_.evaluations.size();
    out_.evaluations.push_back(e);
    return out_.evaluations.back();
  }

 private:
  /// Adds the levers' points (one per plausible point) as a new wave; returns its number.
  std::size_t append(const std::vector<std::string>& texts, const std::vector<double>& u) {
    sweep::Plan all = sweep::stored_plan(store_.info());
    const std::size_t first = all.points();
    const std::size_t k = g_.sweep.parameters.size();
    for (const auto& point : g_.points) {
      std::vector<std::string> values = texts;
      values.insert(values.end(), point.begin(), point.end());
      std::vector<double> numbers;
      for (std::size_t i = 0; i < k; ++i) {
        const sweep::Parameter& par = g_.sweep.parameters[i];
        numbers.push_back(i < g_.levers ? par.value(std::clamp(u[i], 0.0, 1.0)) : std::stod(values[i]));
        all.unit.values.push_back(i < g_.levers ? std::clamp(u[i], 0.0, 1.0) : par.b > par.a ? std::clamp((numbers.back() - par.a) / (par.b - par.a), 0.0, 1.0) : 0.5);
      }
      all.values.push_back(values);
      all.numbers.push_back(numbers);
      ++all.unit.rows;
    }
    all.unit.dims = k;
    store_.append_wave(all, first, g_.sweep);
    known_[texts] = store_.info().waves.size() - 1;
    return store_.info().waves.size() - 1;
  }

  /// Runs what the store lacks of the evaluation's wave.
  void run_wave(Evaluation& e) {
    const auto [first, count] = store_.info().waves.at(e.wave);
    const sweep::Plan plan = sweep::stored_plan(store_.info());
    const auto done = store_.finished_runs();
    std::vector<std::int64_t> todo;
    for (std::size_t r = first * plan.replicates; r < (first + count) * plan.replicates; ++r)
      if (!done[r]) todo.push_back(static_cast<std::int64_t>(r));
    e.stored = todo.empty();
    out_.runs_stored += static_cast<std::int64_t>(count * plan.replicates - todo.size());
    if (todo.empty()) return;
    const sweep::SweepOutcome o = sweep::run_local(g_.sweep, plan, store_, todo, stop_, progress_, batch_);
    out_.runs_run += o.ran;
    out_.seconds += o.seconds;
    if (o.interrupted) throw Stopped{};
  }

  /// The objective and the constraints' margins from the wave's runs.
  void summarise(Evaluation& e) const {
    const auto [first, count] = store_.info().waves.at(e.wave);
    const auto replicates = static_cast<std::int64_t>(store_.info().replicates);
    const auto runs = store_.runs(static_cast<std::int64_t>(first) * replicates, static_cast<std::int64_t>(first + count) * replicates);
    std::vector<std::vector<double>> values(g_.sweep.records.size());
    for (const auto& r : runs) {
      ++e.runs;
      if (!r.ok) {
        ++e.failed;
        if (e.error.empty()) e.error = r.error;
        continue;
      }
      for (std::size_t i = 0; i < values.size(); ++i) values[i].push_back(r.records[i]);
    }
    const bool whole = e.failed == 0 && e.runs == count * static_cast<std::size_t>(replicates);
    e.objective = 0;
    for (const Term& t : g_.objective) {
      if (t.lever) {
        e.objective += t.weight * e.levers[t.index];
        continue;
      }
      double sum = 0;
      for (double v : values[t.index]) sum += v;
      e.objective += t.weight * sum / static_cast<double>(values[t.index].size());
    }
    if (!whole) e.objective = std::nan("");
    e.feasible = whole && std::isfinite(e.objective);
    for (const Constraint& c : g_.constraints) {
      const auto& v = values[c.record];
      const double margin = whole ? chance_margin(v, c.above, c.threshold, c.probability) : std::nan("");
      std::size_t held = 0;
      for (double x : v) held += (c.above ? x > c.threshold : x < c.threshold) ? 1 : 0;
      e.margins.push_back(margin);
      e.met_share.push_back(v.empty() ? std::nan("") : static_cast<double>(held) / static_cast<double>(v.size()));
      if (!(margin > 0)) e.feasible = false;
    }
  }

  const GoalDef& g_;
  sweep::Store& store_;
  const std::atomic<bool>& stop_;
  const sweep::ProgressFn& progress_;
  std::size_t batch_;
  Solution& out_;
  std::map<std::vector<std::string>, std::size_t> known_;  // lever texts -> the store's wave
  std::map<std::vector<std::string>, std::size_t> cache_;  // lever texts -> the first evaluation of them
};

/// The better of two evaluations for the goal: feasible before infeasible; among feasible ones the
/// better objective; among infeasible ones the smaller worst shortfall; failed ones last.
bool better(const GoalDef& g, const Evaluation& a, const Evaluation& b) {
  if (a.feasible != b.feasible) return a.feasible;
  if (a.feasible) return g.maximize ? a.objective > b.objective : a.objective < b.objective;
  auto worst = [&](const Evaluation& e) {
    if (!std::isfinite(e.objective)) return -std::numeric_limits<double>::infinity();
    double w = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < g.constraints.size(); ++i) w = std::min(w, e.margins[i] / scale_of(g.constraints[i]));
    return w;
  };
  return worst(a) > worst(b);
}

/// The best of the evaluations by the goal's ranking (the first of equals); 0 when there are none.
std::size_t best_of(const GoalDef& g, const std::vector<Evaluation>& evaluations) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < evaluations.size(); ++i)
    if (better(g, evaluations[i], evaluations[best])) best = i;
  return best;
}

/// A lever's value as a search's start, in [0, 1]: the middle when the value is not in its range's terms.
double start_of(const sweep::Parameter& lever, std::optional<double> value) {
  const double u = value ? lever.unit_of(*value) : std::nan("");
  return std::isfinite(u) ? std::clamp(u, 0.0, 1.0) : 0.5;
}

/// What NLopt's callbacks need: the evaluator, the stage, and a failure to carry out of NLopt.
struct Context {
  const GoalDef* goal;
  Evaluator* evaluator;
  std::string stage;
  std::size_t budget = 0, used = 0;  // evaluations the stage may ask for, and has asked for
  nlopt::opt* opt = nullptr;
  std::exception_ptr failure;
};

struct ConstraintData {
  Context* context;
  std::size_t index;
};

/// Runs `f` for NLopt: an exception (a stop, a failed store) stops the search and is rethrown after.
template <class F>
double guarded(Context& c, F f) {
  if (c.failure) return HUGE_VAL;
  try {
    return f();
  } catch (...) {
    c.failure = std::current_exception();
    c.opt->force_stop();
    return HUGE_VAL;
  }
}

double objective_fn(unsigned n, const double* x, double* /*grad*/, void* data) {
  auto& c = *static_cast<Context*>(data);
  return guarded(c, [&] {
    // NLopt's DIRECT checks its budget once per sweep of the box: the stage keeps to it exactly.
    if (c.used >= c.budget) {
      c.opt->force_stop();
      return HUGE_VAL;
    }
    ++c.used;
    const Evaluation& e = c.evaluator->at(std::vector<double>(x, x + n), c.stage);
    if (!std::isfinite(e.objective)) return HUGE_VAL;
    return c.goal->maximize ? -e.objective : e.objective;
  });
}

double constraint_fn(unsigned n, const double* x, double* /*grad*/, void* data) {
  auto& d = *static_cast<ConstraintData*>(data);
  return guarded(*d.context, [&] {
    // NLopt asks for the objective first at the same point: the evaluation comes from the cache.
    const Evaluation& e = d.context->evaluator->at(std::vector<double>(x, x + n), d.context->stage, false);
    const double m = e.margins[d.index];
    return std::isfinite(m) ? -m / scale_of(d.context->goal->constraints[d.index]) : HUGE_VAL;
  });
}

const char* reason(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "success";
    case nlopt::STOPVAL_REACHED: return "stop value reached";
    case nlopt::FTOL_REACHED: return "objective tolerance reached";
    case nlopt::XTOL_REACHED: return "lever tolerance reached";
    case nlopt::MAXEVAL_REACHED: return "evaluations used up";
    case nlopt::MAXTIME_REACHED: return "time used up";
    default: return "stopped";
  }
}

/// Runs one stage of the search from `x`; returns NLopt's reason for stopping. Rethrows a failure
/// (or the user's stop) raised in an evaluation.
std::string run_stage(nlopt::opt& opt, Context& c, std::vector<double>& x) {
  c.opt = &opt;
  opt.set_lower_bounds(std::vector<double>(x.size(), 0.0));
  opt.set_upper_bounds(std::vector<double>(x.size(), 1.0));
  opt.set_min_objective(objective_fn, &c);
  std::vector<ConstraintData> data;
  data.reserve(c.goal->constraints.size());
  for (std::size_t i = 0; i < c.goal->constraints.size(); ++i) {
    data.push_back(ConstraintData{&c, i});
    opt.add_inequality_constraint(constraint_fn, &data.back(), 0.0);
  }
  std::string why;
  try {
    double f = 0;
    why = reason(opt.optimize(x, f));
  } catch (const nlopt::forced_stop&) {
    why = c.used >= c.budget ? "evaluations used up" : "stopped";
  } catch (const nlopt::roundoff_limited&) {
    why = "roundoff limited";
  } catch (const std::runtime_error& e) {
    if (!c.failure) why = std::string("NLopt failed: ") + e.what();
  }
  if (c.failure) std::rethrow_exception(c.failure);
  return why;
}

}  // namespace

Solution run_solve(const GoalDef& g, const std::string& store_path, const std::atomic<bool>& stop, const sweep::ProgressFn& progress, std::size_t batch) {
  const std::size_t k = g.levers;
  std::error_code ec;
  if (std::filesystem::exists(store_path, ec)) {
    // Said here, in the terms of a goal, before the store's own refusal in the terms of a sweep.
    const std::string found = sweep::Store::open(store_path).info().identity;
    if (found != g.sweep.identity)
      throw BadInput(store_path + " holds the runs of another goal (another base scenario or set, other levers or bounds, plausible points, seeds or "
                     "outputs; identity " + found + ", this goal's " + g.sweep.identity + "): give another --out, or restore the goal. A goal that "
                     "changes only its objective's weights, thresholds, probabilities or search goes on from the same store.");
  }
  sweep::Store store = sweep::Store::for_sweep(store_path, g.sweep, sweep::Plan{analysis::Design{0, g.sweep.parameters.size(), {}}, {}, {}, g.sweep.replicates}, "");
  Solution out;
  Evaluator evaluator(g, store, stop, progress, batch, out);
  // Where a search with no global stage starts: the scenario's own lever values, inside the bounds.
  std::vector<double> x(k);
  for (std::size_t i = 0; i < k; ++i) x[i] = start_of(g.sweep.parameters[i], number_at(g.base, g.sweep.parameters[i].path));
  try {
    if (g.search.global != "none") {
      nlopt::opt global(g.search.global == "isres" ? nlopt::GN_ISRES : nlopt::GN_ORIG_DIRECT_L, static_cast<unsigned>(k));
      if (g.search.global == "isres") nlopt::srand(g.search.seed);
      global.set_maxeval(static_cast<int>(g.search.global_evaluations));
      Context c{&g, &evaluator, "global", g.search.global_evaluations, 0, nullptr, nullptr};
      out.global_result = run_stage(global, c, x);
    }
    if (g.search.local != "none") {
      // From the best evaluation so far (the global stage's), by the goal's own ranking.
      if (!out.evaluations.empty()) {
        const Evaluation& best = out.evaluations[best_of(g, out.evaluations)];
        for (std::size_t i = 0; i < k; ++i) x[i] = start_of(g.sweep.parameters[i], best.levers[i]);
      }
      nlopt::opt local(nlopt::LN_COBYLA, static_cast<unsigned>(k));
      local.set_maxeval(static_cast<int>(g.search.local_evaluations));
      local.set_xtol_abs(g.search.tolerance);
      local.set_initial_step(std::vector<double>(k, 0.1));
      Context c{&g, &evaluator, "local", g.search.local_evaluations, 0, nullptr, nullptr};
      out.local_result = run_stage(local, c, x);
    }
  } catch (const Stopped&) {
    out.interrupted = true;
  }
  out.best = best_of(g, out.evaluations);
  out.any_feasible = !out.evaluations.empty() && out.evaluations[out.best].feasible;
  return out;
}

}  // namespace geosim::solve
