#include "analysis/compare/run_compare.h"

#include <filesystem>
#include <map>

#include "core/errors.h"
#include "core/output_file.h"

namespace geosim::compare {

std::string side_store(const std::string& dir, int side) {
  return (std::filesystem::path(dir) / (side == 0 ? "baseline.db" : "whatif.db")).string();
}

CompareRun run_comparison(const Comparison& c, const std::string& dir, const std::atomic<bool>& stop,
                          const std::function<void(int, std::int64_t, std::int64_t)>& progress, std::size_t batch) {
  make_output_dir(dir, "--out");
  CompareRun out;
  // A folder of another comparison is refused before anything runs, saying what to do.
  for (int side = 0; side < 2; ++side)
    if (std::filesystem::exists(side_store(dir, side)) && sweep::Store::open(side_store(dir, side)).info().identity != c.side[side].identity)
      throw BadInput(dir + " holds the runs of another comparison (other scenarios, points, seeds, outputs, claims or months): give another --out, or "
                     "remove " + side_store(dir, 0) + " and " + side_store(dir, 1) + "; nothing was run");
  for (int side = 0; side < 2 && !out.interrupted; ++side) {
    const sweep::Plan plan = sweep::make_plan(c.side[side]);
    out.side[side] = sweep::run_here(c.side[side], plan, side_store(dir, side), "", stop,
                                     [&](std::int64_t done, std::int64_t total) { progress(side, done, total); }, batch);
    out.interrupted = out.side[side].interrupted;
  }
  return out;
}

CompareResult analyse(const Comparison& c, const sweep::Store& baseline, const sweep::Store& whatif, double min_coverage) {
  CompareResult r;
  const std::size_t points = c.points.size(), seeds = c.seeds;
  // Runs are numbered point * seeds + seed on both sides: the same number is the same point and seed.
  auto pairs_of = [&](const std::map<std::int64_t, double> (&values)[2]) {
    Pairs p;
    p.baseline.resize(points), p.whatif.resize(points);
    for (const auto& [run, b] : values[0]) {
      const auto w = values[1].find(run);
      if (w == values[1].end()) continue;
      const auto point = static_cast<std::size_t>(run) / seeds;
      p.baseline[point].push_back(b), p.whatif[point].push_back(w->second);
    }
    return p;
  };
  for (std::size_t q = 0; q < c.outputs.size(); ++q) {
    std::vector<std::pair<std::int64_t, std::vector<double>>> series[2] = {baseline.series(q), whatif.series(q)};
    const std::size_t months = static_cast<std::size_t>(c.baseline.months);
    std::vector<EffectStats> by_month;
    for (std::size_t m = 0; m < months; ++m) {
      std::map<std::int64_t, double> values[2];
      for (int s = 0; s < 2; ++s)
        for (const auto& [run, v] : series[s])
          if (m < v.size()) values[s][run] = v[m];
      by_month.push_back(effect_stats(pairs_of(values)));
    }
    r.outputs.push_back(std::move(by_month));
  }
  std::vector<sweep::StoredRun> runs[2] = {baseline.runs(), whatif.runs()};
  for (int s = 0; s < 2; ++s)
    for (const auto& run : runs[s]) r.runs_failed[s] += run.ok ? 0 : 1;
  r.x.resize(static_cast<Eigen::Index>(points), static_cast<Eigen::Index>(c.parameters.size()));
  for (std::size_t p = 0; p < points; ++p)
    for (std::size_t i = 0; i < c.parameters.size(); ++i) r.x(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(i)) = std::stod(c.points[p][i]);
  for (std::size_t k = 0; k < c.claims.size(); ++k) {
    std::map<std::int64_t, double> values[2];
    for (int s = 0; s < 2; ++s)
      for (const auto& run : runs[s])
        if (run.ok && k < run.records.size()) values[s][run.run] = run.records[k];
    r.claims.push_back(judge_claim(c.claims[k], effect_stats(pairs_of(values)), r.x, c.parameters, min_coverage));
  }
  return r;
}

}  // namespace geosim::compare
