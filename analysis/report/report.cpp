#include "analysis/report/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "analysis/report/figures.h"
#include "analysis/report/report_files.h"
#include "analysis/report/run_report.h"
#include "analysis/sweep/summary.h"
#include "analysis/sweep/sweep_def.h"
#include "core/errors.h"
#include "scenario/loader.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;

void sensitivity_section(const sweep::Summary& s, std::size_t r, const fs::path& figures, std::string& md, Outputs& written) {
  const auto& info = s.info;
  const std::string& rec = info.records[r];
  md += "| parameter | SRC |";
  std::string rule = "|---|---|";
  if (!s.sobol.empty()) md += " S1 (95% interval) | ST (95% interval) |", rule += "---|---|";
  if (!s.morris.empty()) md += " μ* ± half-width | σ |", rule += "---|---|";
  md += "\n" + rule + "\n";
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    md += "| `" + info.parameters[i] + "` | " + num(s.regression[r].src[i], 3) + " |";
    if (!s.sobol.empty()) {
      const auto& f = s.sobol[r].first[i];
      const auto& t = s.sobol[r].total[i];
      md.append(" ").append(num(f.value, 3)).append(" (").append(num(f.low, 3)).append(", ").append(num(f.high, 3)).append(") | ");
      md.append(num(t.value, 3)).append(" (").append(num(t.low, 3)).append(", ").append(num(t.high, 3)).append(") |");
    }
    if (!s.morris.empty()) {
      const auto& m = s.morris[r];
      md.append(" ").append(num(m.mu_star[i], 3)).append(" ± ").append(num(m.mu_star_half_width[i], 2)).append(" | ").append(num(m.sigma[i], 3)).append(" |");
    }
    md += "\n";
  }
  md += "\nR² of the linear regression on the point means: " + num(s.regression[r].r_squared, 3) + ".\n\n";

  std::vector<BarSeries> bars;
  std::string what;
  if (!s.sobol.empty()) {
    BarSeries first{"S1", {}, {}, {}}, total{"ST", {}, {}, {}};
    for (const auto& e : s.sobol[r].first) first.value.push_back(e.value), first.low.push_back(e.low), first.high.push_back(e.high);
    for (const auto& e : s.sobol[r].total) total.value.push_back(e.value), total.low.push_back(e.low), total.high.push_back(e.high);
    bars = {first, total};
    what = "Sobol indices (95% bootstrap intervals)";
  } else if (!s.morris.empty()) {
    BarSeries mu{"mu*", {}, {}, {}}, sigma{"sigma", {}, {}, {}};
    const auto& m = s.morris[r];
    for (std::size_t i = 0; i < m.mu_star.size(); ++i) {
      mu.value.push_back(m.mu_star[i]), mu.low.push_back(m.mu_star[i] - m.mu_star_half_width[i]), mu.high.push_back(m.mu_star[i] + m.mu_star_half_width[i]);
      sigma.value.push_back(m.sigma[i]);
    }
    bars = {mu, sigma};
    what = "Morris mu* (95% interval) and sigma";
  } else {
    bars = {BarSeries{"SRC", s.regression[r].src, {}, {}}};
    what = "standardized regression coefficients";
  }
  const std::string name = written.figure(figures / ("sensitivity-" + file_safe(rec)),
                                          [&](const std::string& file) { bar_figure(file, rec + ": " + what, "index", info.parameters, bars); });
  md += "![" + rec + ": " + what + "](figures/" + name + ")\n\n";
}

/// The y label of record r: its name, what it measures and the unit.
std::string record_label(const sweep::StoreInfo& info, std::size_t r) {
  if (r >= info.record_metrics.size() || info.record_metrics[r].empty()) return info.records[r];
  const std::string measured = metric_label(info.record_scopes[r], info.record_metrics[r]);
  return info.records[r].rfind(info.record_metrics[r], 0) == 0 ? measured : info.records[r] + ": " + measured;
}

/// The scenario the sweep varied, for its timeline's events: the sweep file as it ran, if it still
/// loads. Returns false with the reason in `why` when it does not.
bool base_scenario(const sweep::StoreInfo& info, ScenarioDef& def, std::string& why) {
  try {
    const sweep::SweepDef sweep = sweep::load_sweep(info.sweep_file);
    def = load_scenario(sweep.base, sweep.fixed);
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

/// The first categorical parameter of at most 10 levels (the one that colours the outcome figures),
/// or the parameter count when there is none.
std::size_t grouping_parameter(const sweep::StoreInfo& info) {
  for (std::size_t i = 0; i < info.parameters.size(); ++i)
    if (!info.levels[i].empty() && info.levels[i].size() <= 10) return i;
  return info.parameters.size();
}

/// Outcome of record r against each parameter, points coloured by the first categorical parameter's
/// level; a categorical parameter's own panel shows its levels as named ticks.
ScatterFigure outcome_figure(const sweep::Summary& s, std::size_t r) {
  const auto& info = s.info;
  const std::string unit = r < info.record_metrics.size() ? metric_unit(info.record_scopes[r], info.record_metrics[r]) : "";
  ScatterFigure f{record_label(info, r) + " against each parameter", unit.empty() ? info.records[r] : unit, {}, "", {}, {}};
  const auto& levels = info.levels;
  if (const std::size_t i = grouping_parameter(info); i < info.parameters.size()) {
    f.group_label = info.parameters[i], f.groups = levels[i];
    for (std::size_t pt = 0; pt < s.points.size(); ++pt)
      f.group.push_back(static_cast<int>(std::find(levels[i].begin(), levels[i].end(), info.values[pt][i]) - levels[i].begin()));
  }
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    ScatterPanel p;
    p.x_label = info.parameters[i];
    p.x_unit = parameter_unit(info.parameters[i]);
    p.x_levels = levels[i];
    for (std::size_t pt = 0; pt < s.points.size(); ++pt) {
      p.x.push_back(levels[i].empty() ? info.numbers[pt][i]
                                      : static_cast<double>(std::find(levels[i].begin(), levels[i].end(), info.values[pt][i]) - levels[i].begin()));
      p.y.push_back(s.points[pt][r].mean);
      p.y_low.push_back(s.points[pt][r].p05);
      p.y_high.push_back(s.points[pt][r].p95);
    }
    f.panels.push_back(std::move(p));
  }
  return f;
}

/// Per level of each categorical parameter: how many points and the mean of their point means.
std::string level_table(const sweep::Summary& s, std::size_t r) {
  const auto& info = s.info;
  std::string md;
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    if (info.levels[i].empty()) continue;
    md += "| `" + info.parameters[i] + "` | points | mean of point means |\n|---|---|---|\n";
    for (const auto& level : info.levels[i]) {
      double sum = 0;
      std::size_t n = 0;
      for (std::size_t pt = 0; pt < s.points.size(); ++pt)
        if (info.values[pt][i] == level && std::isfinite(s.points[pt][r].mean)) sum += s.points[pt][r].mean, ++n;
      md += "| " + level + " | " + std::to_string(n) + " | " + num(n ? sum / static_cast<double>(n) : std::nan("")) + " |\n";
    }
    md += "\n";
  }
  return md;
}

/// The mean and 5-95% band, month by month, of series request q over a store's successful runs (or
/// only those `keep` accepts, given the run's number).
template <class Keep>
Band series_band(const sweep::Store& store, std::size_t q, const std::string& name, Keep keep) {
  Band band{name, {}, {}, {}};
  auto runs = store.series(q);
  runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const auto& r) { return !keep(r.first); }), runs.end());
  if (runs.empty()) return band;
  const std::size_t months = runs.front().second.size();
  for (std::size_t m = 0; m < months; ++m) {
    std::vector<double> values;
    for (const auto& [run, v] : runs)
      if (m < v.size()) values.push_back(v[m]);
    const sweep::Ensemble e = sweep::ensemble(values);
    band.mean.push_back(e.mean);
    band.low.push_back(std::isnan(e.p05) ? e.mean : e.p05);
    band.high.push_back(std::isnan(e.p95) ? e.mean : e.p95);
  }
  return band;
}

Band series_band(const sweep::Store& store, std::size_t q, const std::string& name) {
  return series_band(store, q, name, [](std::int64_t) { return true; });
}

/// Draws every figure and writes report.md (last) into `dir`.
void compose(const sweep::Store& store, const std::optional<sweep::Store>& against, const sweep::Summary& s, const std::string& store_path,
             const fs::path& dir, Outputs& written) {
  const auto& info = s.info;
  const fs::path figures = dir / "figures";
  std::string md = "# Sweep report: " + info.name + "\n\n";
  md += "Written by `geosim report " + store_path + "`. Design: **" + info.method + "**";
  if (info.method == "saltelli" || info.method == "sobol") md += " (" + info.sequence + " sequence)";
  md += ", " + std::to_string(info.unit.rows) + " points × " + std::to_string(info.replicates) + " replicates = " + std::to_string(info.planned_runs) +
        " runs planned; " + std::to_string(s.runs_ok) + " succeeded, " + std::to_string(s.runs_failed) + " failed, " +
        std::to_string(info.planned_runs - s.runs_ok - s.runs_failed) + " not run yet. Simulated " + info.start.str() + " to " +
        (info.start + (info.months - 1)).str() + ". Store identity " + info.identity + ".\n\n";
  if (!s.note.empty()) md += "> " + s.note + ".\n\n";
  md += "Parameters: ";
  for (std::size_t i = 0; i < info.parameters.size(); ++i) md += (i ? ", `" : "`") + info.parameters[i] + "`";
  md += ".\n\nPoints show each design point's ensemble mean; bars span its 5th to 95th percentile over replicates. "
        "SRC: standardized regression coefficient of the point means on the parameters; a yes/no or named-level parameter enters the "
        "regression as one indicator per level after its first (its SRC, with two levels, is the second level's effect; with more it has "
        "none), and its levels colour the points of every panel. Each figure is also written as a PDF beside its SVG.\n\n";

  for (std::size_t r = 0; r < info.records.size(); ++r) {
    const std::string& rec = info.records[r];
    md += "## " + rec + "\n\n" + record_label(info, r) + ".\n\n";
    if (!info.parameters.empty()) {
      const ScatterFigure outcome = outcome_figure(s, r);  // once, for both the SVG and the PDF
      const std::string name = written.figure(figures / ("outcome-" + file_safe(rec)), [&](const std::string& file) { scatter_figure(file, outcome); });
      md += "![" + rec + " against each parameter](figures/" + name + ")\n\n" + level_table(s, r);
    }
    if (!info.parameters.empty()) sensitivity_section(s, r, figures, md, written);
    else {
      const auto& e = s.points[0][r];
      md += "Ensemble of " + std::to_string(e.n) + " runs: mean " + num(e.mean) + ", 90% interval " + num(e.p05) + " to " + num(e.p95) + ".\n\n";
    }
  }

  if (against) {
    // Single-point stores (ensembles of two scenarios): their recorded numbers side by side.
    const sweep::Summary base = sweep::summarize(*against);
    if (s.points.size() == 1 && base.points.size() == 1) {
      md += "## Against " + base.info.name + "\n\n| record | " + info.name + ": mean (90% interval) | " + base.info.name +
            ": mean (90% interval) | difference of means |\n|---|---|---|---|\n";
      for (std::size_t r = 0; r < info.records.size(); ++r)
        for (std::size_t b = 0; b < base.info.records.size(); ++b) {
          if (base.info.records[b] != info.records[r]) continue;
          const auto& e = s.points[0][r];
          const auto& f = base.points[0][b];
          md += "| " + info.records[r] + " | " + num(e.mean) + " (" + num(e.p05) + " to " + num(e.p95) + ") | " + num(f.mean) + " (" + num(f.p05) + " to " +
                num(f.p95) + ") | " + num(e.mean - f.mean) + " |\n";
        }
      md += "\n";
    }
  }

  ScenarioDef base;
  std::string why;
  std::vector<Marker> markers;
  if (!info.series.empty()) {
    if (base_scenario(info, base, why)) markers = event_markers(base);
    else md += "> Event markers left out: " + why + ".\n\n";
  }
  const std::size_t group = grouping_parameter(info);
  std::map<std::int64_t, std::size_t> point_of;  // run number -> design point, for bands per level
  if (group < info.parameters.size())
    for (const auto& r : store.runs()) point_of[r.run] = r.point;
  for (std::size_t q = 0; q < info.series.size(); ++q) {
    std::vector<Band> bands;
    if (group < info.parameters.size()) {
      // One band per level: a band over all runs would average, say, an open and a closed DeepSeek.
      for (const auto& level : info.levels[group]) {
        bands.push_back(series_band(store, q, level, [&](std::int64_t run) {
          const auto it = point_of.find(run);
          return it != point_of.end() && info.values[it->second][group] == level;
        }));
        bands.back().colour = static_cast<int>(bands.size() - 1);
      }
    } else {
      bands.push_back(series_band(store, q, info.name));
    }
    if (std::all_of(bands.begin(), bands.end(), [](const Band& b) { return b.mean.empty(); })) continue;
    bands.erase(std::remove_if(bands.begin(), bands.end(), [](const Band& b) { return b.mean.empty(); }), bands.end());
    const std::size_t runs = store.series(q).size();
    if (against)
      for (std::size_t b = 0; b < against->info().series.size(); ++b)
        if (against->info().series[b] == info.series[q]) bands.push_back(series_band(*against, b, against->info().name));
    const auto at = info.series[q].rfind('@');
    const std::string label = metric_label(info.series[q].substr(at + 1), info.series[q].substr(0, at));
    const std::string name = written.figure(figures / ("series-" + file_safe(info.series[q])), [&](const std::string& file) {
      band_figure(file, info.series[q] + ": mean and 5-95% band over " + std::to_string(runs) + " runs", axis_label(info.series[q]), info.start.index, bands,
                  markers, group < info.parameters.size() ? info.parameters[group] : "");
    });
    std::string last;
    for (const Band& b : bands)
      last += (last.empty() ? "" : "; ") + (b.colour >= 0 ? "`" + info.parameters[group] + "` = " : "") + b.name + (b.colour < 0 && &b != &bands[0] ? " (grey)" : "") + ": " + num(b.mean.back()) + " (" + num(b.low.back()) +
              " to " + num(b.high.back()) + ")";
    md += "## Series " + info.series[q] + "\n\n" + label + ". Mean over " + std::to_string(runs) + " successful runs" +
          (group < info.parameters.size() ? ", one band per level of `" + info.parameters[group] + "`" : "") +
          ", with the band from the 5th to the 95th percentile; last month: " + last + ".\n\n![" + info.series[q] + "](figures/" + name + ")\n\n";
  }

  written.text(dir / "report.md", md);
}

}  // namespace

std::vector<std::string> write_report(const std::string& path, const std::string& out_dir, const std::string& against_path,
                                      const std::vector<std::string>& series) {
  std::error_code ec;
  const bool folder = fs::is_directory(path, ec);
  if (!against_path.empty() && folder != fs::is_directory(against_path, ec))
    throw BadInput("cannot compare " + path + " with " + against_path + ": give two run folders (geosim run --out) or two sweep stores");
  if (folder) return write_run_report(path, out_dir, against_path, series);
  if (!series.empty()) throw BadInput("--series chooses the series of a run folder's report; a sweep store's report shows the series the sweep stored");
  const sweep::Store store = sweep::Store::open(path);
  std::optional<sweep::Store> against;
  if (!against_path.empty()) against.emplace(sweep::Store::open(against_path));
  const sweep::Summary s = sweep::summarize(store);
  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) { compose(store, against, s, path, dir, written); });
}

}  // namespace geosim::report
