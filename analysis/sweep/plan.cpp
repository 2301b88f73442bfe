#include "analysis/sweep/plan.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/random.h"

namespace geosim::sweep {

Plan make_plan(const SweepDef& s) {
  Plan plan;
  plan.replicates = s.replicates;
  const std::size_t k = s.parameters.size();
  analysis::Design& d = plan.unit;
  if (s.method == "grid") {
    // Every combination of levels, the first parameter varying slowest. A level i of n sits at the
    // middle of its cell, (i + 0.5) / n, which Parameter::value_text maps back to level i.
    std::size_t total = 1;
    for (const auto& p : s.parameters) {
      if (total > 10000000 / std::max<std::size_t>(1, p.levels.size())) throw std::invalid_argument("the grid has more than 10^7 points");
      total *= p.levels.size();
    }
    d.dims = k, d.rows = total, d.values.resize(total * k);
    for (std::size_t r = 0; r < total; ++r) {
      std::size_t rest = r;
      for (std::size_t i = k; i-- > 0;) {
        const std::size_t n = s.parameters[i].levels.size();
        d.values[r * k + i] = (static_cast<double>(rest % n) + 0.5) / static_cast<double>(n);
        rest /= n;
      }
    }
  } else if (s.method == "lhs") {
    d = analysis::latin_hypercube(s.samples, k, s.design_seed);
  } else if (s.method == "sobol") {
    d = analysis::sequence_points(s.samples, k, s.design_seed, s.sequence);
  } else if (s.method == "saltelli") {
    d = analysis::saltelli(s.samples, k, s.design_seed, s.sequence);
  } else if (s.method == "morris") {
    d = analysis::morris(s.trajectories, k, s.morris_levels, s.design_seed);
  } else if (s.method == "points") {
    // Values given as they are: the coordinate only places each in its parameter's span.
    d.dims = k, d.rows = s.given.size(), d.values.resize(d.rows * k);
    plan.values = s.given;
    plan.numbers.assign(d.rows, std::vector<double>(k));
    for (std::size_t r = 0; r < d.rows; ++r)
      for (std::size_t i = 0; i < k; ++i) {
        const Parameter& p = s.parameters[i];
        if (p.distribution == Distribution::levels) {  // a yes/no or named level: its place among the levels
          const auto at = std::find(p.levels.begin(), p.levels.end(), s.given[r][i]);
          if (at == p.levels.end()) throw std::invalid_argument("point " + std::to_string(r) + ": '" + s.given[r][i] + "' is not a level of " + p.path);
          plan.numbers[r][i] = p.value((static_cast<double>(at - p.levels.begin()) + 0.5) / static_cast<double>(p.levels.size()));
          d.values[r * k + i] = (static_cast<double>(at - p.levels.begin()) + 0.5) / static_cast<double>(p.levels.size());
          continue;
        }
        const double x = std::stod(s.given[r][i]);
        plan.numbers[r][i] = x;
        d.values[r * k + i] = p.b > p.a ? std::clamp(p.unit_of(x), 0.0, 1.0) : 0.5;
      }
    return plan;
  } else {
    throw std::invalid_argument("unknown design method '" + s.method + "'");
  }
  plan.values.resize(d.rows);
  plan.numbers.resize(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r)
    for (std::size_t i = 0; i < k; ++i) {
      plan.values[r].push_back(s.parameters[i].value_text(d.at(r, i)));
      plan.numbers[r].push_back(s.parameters[i].value(d.at(r, i)));
    }
  return plan;
}

RunKey run_key(const SweepDef& s, const Plan& plan, std::int64_t run) {
  if (run < 0 || run >= plan.runs()) throw std::out_of_range("run " + std::to_string(run) + " is not in the sweep");
  RunKey key;
  key.run = run;
  key.point = static_cast<std::size_t>(run) / plan.replicates;
  key.replicate = static_cast<std::size_t>(run) % plan.replicates;
  if (s.common_seeds) {
    key.seed = s.seed_base + key.replicate;
  } else {
    // A seed per run from the counter-based generator: 53 bits, the range of the scenario's seed key.
    const auto w = philox_words(s.seed_base, 0, static_cast<std::uint64_t>(run), Purpose::design, 13);
    key.seed = (static_cast<std::uint64_t>(w[1] & 0x1FFFFFu) << 32) | w[0];
  }
  return key;
}

}  // namespace geosim::sweep
