#include "analysis/calibration/calibrate.h"

#include <stdexcept>

namespace geosim::calibration {
namespace {

/// Thrown out of a wave's simulation when the user stopped the calibration.
struct Stopped {};

/// Each point's outcome per matched output, over the point's successful runs in the store.
std::vector<std::vector<PointOutcome>> outcomes(const CalibrationDef& def, const sweep::Store& store, std::size_t first, std::size_t count) {
  std::vector<std::vector<std::vector<double>>> values(count, std::vector<std::vector<double>>(def.match.size()));
  for (const auto& run : store.runs()) {
    if (!run.ok || run.point < first || run.point >= first + count) continue;
    for (std::size_t m = 0; m < def.match.size(); ++m) values[run.point - first][m].push_back(def.values[m].eval(run.records));
  }
  std::vector<std::vector<PointOutcome>> out(count);
  for (std::size_t p = 0; p < count; ++p)
    for (std::size_t m = 0; m < def.match.size(); ++m) out[p].push_back(outcome_of(values[p][m], def.match[m].log_scale));
  return out;
}

}  // namespace

Calibration run_calibration(const CalibrationDef& def, const std::string& store_path, const std::atomic<bool>& stop, const sweep::ProgressFn& progress,
                            std::size_t batch) {
  const sweep::SweepDef& sw = def.sweep;
  const std::size_t k = sw.parameters.size();
  sweep::Store store = sweep::Store::for_sweep(store_path, sw, sweep::Plan{analysis::Design{0, k, {}}, {}, {}, sw.replicates}, "");
  Calibration out;
  Simulator simulate = [&](std::size_t wave, const Eigen::MatrixXd& proposed) {
    // A wave the store already holds keeps its stored design: the runs were made at those points.
    if (wave > store.info().waves.size()) {
      sweep::Plan all = sweep::stored_plan(store.info());
      const std::size_t first = all.points();
      all.unit.rows += static_cast<std::size_t>(proposed.rows());
      for (Eigen::Index r = 0; r < proposed.rows(); ++r) {
        std::vector<std::string> values;
        std::vector<double> numbers;
        for (std::size_t i = 0; i < k; ++i) {
          const double u = proposed(r, static_cast<Eigen::Index>(i));
          all.unit.values.push_back(u);
          values.push_back(sw.parameters[i].value_text(u));
          numbers.push_back(sw.parameters[i].value(u));
        }
        all.values.push_back(values);
        all.numbers.push_back(numbers);
      }
      store.append_wave(all, first, sw);
    }
    const auto [first, count] = store.info().waves.at(wave - 1);
    const sweep::Plan plan = sweep::stored_plan(store.info());
    const auto done = store.finished_runs();
    std::vector<std::int64_t> todo;
    for (std::size_t p = first; p < first + count; ++p)
      for (std::size_t r = 0; r < plan.replicates; ++r)
        if (!done[p * plan.replicates + r]) todo.push_back(static_cast<std::int64_t>(p * plan.replicates + r));
    WaveRecord rec;
    rec.wave = wave, rec.points = count;
    rec.runs = static_cast<std::int64_t>(count * plan.replicates);
    rec.already_done = rec.runs - static_cast<std::int64_t>(todo.size());
    if (!todo.empty()) {
      const sweep::SweepOutcome o = sweep::run_local(sw, plan, store, todo, stop, progress, batch);
      rec.ran = o.ran, rec.failed = o.failed, rec.seconds = o.seconds;
      if (o.interrupted) {
        out.waves.push_back(rec);
        throw Stopped{};
      }
    }
    out.waves.push_back(rec);
    WaveRuns runs;
    runs.design.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(k));
    for (std::size_t p = 0; p < count; ++p)
      for (std::size_t i = 0; i < k; ++i) runs.design(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(i)) = plan.unit.at(first + p, i);
    runs.outcomes = outcomes(def, store, first, count);
    return runs;
  };
  try {
    out.match = history_match(k, def.match, def.options, simulate);
  } catch (const Stopped&) {
    out.interrupted = true;
  }
  return out;
}

std::vector<std::vector<std::string>> plausible_values(const CalibrationDef& def, const MatchResult& match) {
  std::vector<std::vector<std::string>> out;
  if (match.screenings.empty()) return out;
  const Eigen::MatrixXd& s = match.screenings.back().accepted;
  for (Eigen::Index r = 0; r < s.rows() && static_cast<std::size_t>(r) < def.options.sample; ++r) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < def.sweep.parameters.size(); ++i) row.push_back(def.sweep.parameters[i].value_text(s(r, static_cast<Eigen::Index>(i))));
    out.push_back(row);
  }
  return out;
}

}  // namespace geosim::calibration
