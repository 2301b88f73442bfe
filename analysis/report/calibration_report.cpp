#include "analysis/report/calibration_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/report/figures.h"
#include "analysis/report/report_files.h"
#include "analysis/sweep/summary.h"
#include "model/series.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;
using namespace calibration;

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, share >= 0.01 ? "%.1f%%" : "%.2g%%", 100 * share);
  return buf;
}

std::vector<std::string> parameter_names(const CalibrationDef& def) {
  std::vector<std::string> names;
  for (const auto& p : def.sweep.parameters) names.push_back(p.path);
  return names;
}

/// Key paths shortened for a figure's axis to their last two parts ("labs.deepseek.funding" is
/// "deepseek.funding"), each kept whole when another path ends the same way.
std::vector<std::string> short_names(const std::vector<std::string>& paths) {
  auto suffix = [](const std::string& p) {
    const auto last = p.rfind('.');
    const auto before = last == std::string::npos || last == 0 ? std::string::npos : p.rfind('.', last - 1);
    return before == std::string::npos ? p : p.substr(before + 1);
  };
  std::vector<std::string> out;
  for (const auto& p : paths) {
    const std::string s = suffix(p);
    out.push_back(std::count_if(paths.begin(), paths.end(), [&](const std::string& q) { return suffix(q) == s; }) == 1 ? s : p);
  }
  return out;
}

std::string terms_text(const Emulator& em, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& t : em.terms()) out += (out.empty() ? "" : " + ") + t.text(names);
  return out;
}

const WaveRecord* record_of(const Calibration& c, std::size_t wave) {
  for (const auto& w : c.waves)
    if (w.wave == wave) return &w;
  return nullptr;
}

/// Runs per second of a wave's runs made in this invocation; NaN when none were.
double run_rate(const WaveRecord* r) {
  return r && r->seconds > 0 ? static_cast<double>(r->ran) / r->seconds : std::nan("");
}

std::size_t used_count(const WaveFit& f) {
  return static_cast<std::size_t>(std::count_if(f.targets.begin(), f.targets.end(), [](const TargetFit& t) { return t.used; }));
}

std::string waves_csv(const CalibrationDef& def, const Calibration& c) {
  std::string out = "wave,nth,points,runs,failed_runs,run_seconds,runs_per_second,emulators_used,targets,candidates,considered,accepted,box_volume,nroy_fraction,nroy_se\n";
  const auto& m = c.match;
  for (std::size_t w = 0; w < m.fits.size(); ++w) {
    const WaveRecord* r = record_of(c, w + 1);
    const Screening& s = m.screenings[w];
    out += std::to_string(w + 1) + "," + std::to_string(m.fits[w].nth) + "," + std::to_string(r ? r->points : 0) + "," + std::to_string(r ? r->runs : 0) + "," +
           std::to_string(r ? r->failed : 0) + "," + format_value(r ? r->seconds : 0) + "," +
           format_or_na(run_rate(r)) + "," + std::to_string(used_count(m.fits[w])) + "," +
           std::to_string(def.match.size()) + "," + std::to_string(s.drawn) + "," + std::to_string(s.considered) + "," + std::to_string(s.accepted.rows()) + "," +
           format_value(s.box_volume) + "," + format_value(s.nroy_fraction) + "," + format_value(s.nroy_se) + "\n";
  }
  return out;
}

std::string emulators_csv(const CalibrationDef& def, const Calibration& c) {
  const auto names = parameter_names(def);
  std::string out = "wave,target,used,why_not,training_points,terms,active,lengths,nugget,process_sd,held_out,within_3sd,false_rule_outs,inflation\n";
  for (const WaveFit& f : c.match.fits)
    for (std::size_t t = 0; t < f.targets.size(); ++t) {
      const TargetFit& tf = f.targets[t];
      std::string active, lengths;
      if (tf.used)
        for (std::size_t a = 0; a < tf.mean.active().size(); ++a) {
          active += (a ? " " : "") + names[static_cast<std::size_t>(tf.mean.active()[a])];
          lengths.append(a ? " " : "").append(format_value(tf.mean.lengths()[a]));
        }
      const Validation& v = tf.validation;
      out += std::to_string(f.wave) + "," + sweep::csv_field(def.match[t].name) + "," + (tf.used ? "yes" : "no") + "," + sweep::csv_field(tf.why_not) + "," +
             std::to_string(tf.training) + "," + sweep::csv_field(tf.used ? terms_text(tf.mean, names) : "") + "," + active + "," + lengths + "," +
             (tf.used ? format_value(tf.mean.nugget()) : "NA") + "," + (tf.used ? format_value(std::sqrt(tf.mean.sigma2())) : "NA") + "," +
             std::to_string(v.held_out) + "," + std::to_string(v.within) + "," + std::to_string(v.false_rule_outs) + "," + format_value(v.inflation) + "\n";
    }
  return out;
}

std::string conflicts_csv(const CalibrationDef& def, const Calibration& c) {
  std::string out = "wave,kind,target_a,target_b,a_alone,b_alone,considered\n";
  for (std::size_t w = 0; w < c.match.fits.size(); ++w) {
    const Screening& s = c.match.screenings[w];
    for (std::size_t t : unreachable(s, c.match.fits[w]))
      out += std::to_string(w + 1) + ",unreachable," + sweep::csv_field(def.match[t].name) + ",,0,," + std::to_string(s.considered) + "\n";
    for (const Conflict& k : conflicts(s, c.match.fits[w]))
      out += std::to_string(w + 1) + ",conflict," + sweep::csv_field(def.match[k.a].name) + "," + sweep::csv_field(def.match[k.b].name) + "," +
             std::to_string(k.a_alone) + "," + std::to_string(k.b_alone) + "," + std::to_string(k.considered) + "\n";
  }
  return out;
}

std::string plausible_csv(const CalibrationDef& def, const Calibration& c) {
  std::string out;
  for (std::size_t i = 0; i < def.sweep.parameters.size(); ++i) out += (i ? "," : "") + sweep::csv_field(def.sweep.parameters[i].path);
  out += "\n";
  for (const auto& row : plausible_values(def, c.match)) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + sweep::csv_field(row[i]);
    out += "\n";
  }
  return out;
}

/// How each wave's emulators judge the base scenario's own values of the parameters.
std::string base_point_section(const CalibrationDef& def, const MatchResult& m) {
  std::string outside;
  for (std::size_t i = 0; i < def.base_unit.size(); ++i)
    if (!(def.base_unit[i] >= 0 && def.base_unit[i] <= 1)) outside += (outside.empty() ? "" : ", ") + def.sweep.parameters[i].path;
  if (!outside.empty()) return "Not assessed: the base scenario's value of " + outside + " lies outside the calibrated range.\n";
  Eigen::RowVectorXd x(static_cast<Eigen::Index>(def.base_unit.size()));
  for (std::size_t i = 0; i < def.base_unit.size(); ++i) x[static_cast<Eigen::Index>(i)] = def.base_unit[i];
  std::string md = "The base scenario's values of the parameters (with the calibration's `set`), judged by each wave's emulators:\n\n"
                   "| wave | largest implausibility | second largest | ruled out |\n|---|---|---|---|\n";
  for (const WaveFit& f : m.fits) {
    const Eigen::MatrixXd imp = implausibility(f, def.match, x);
    std::vector<std::pair<double, std::size_t>> order;
    for (Eigen::Index t = 0; t < imp.cols(); ++t)
      if (!std::isnan(imp(0, t))) order.emplace_back(imp(0, t), static_cast<std::size_t>(t));
    std::sort(order.begin(), order.end(), std::greater<>());
    auto cell = [&](std::size_t i) { return i < order.size() ? num(order[i].first, 3) + " (" + def.match[order[i].second].name + ")" : std::string("–"); };
    md += "| " + std::to_string(f.wave) + " | " + cell(0) + " | " + cell(1) + " | " + (ruled_out(imp.row(0), f.nth, def.options.cutoff) ? "**yes**" : "no") + " |\n";
  }
  return md;
}

}  // namespace

std::string calibration_summary(const CalibrationDef& def, const Calibration& c) {
  std::string out = "wave  points   runs  failed  runs/s  emulators  NROY share of the space (candidates kept)  conflicts\n";
  const auto& m = c.match;
  for (std::size_t w = 0; w < m.fits.size(); ++w) {
    const WaveRecord* r = record_of(c, w + 1);
    const Screening& s = m.screenings[w];
    char line[256];
    const double rate = run_rate(r);
    std::snprintf(line, sizeof line, "%4zu  %6zu  %5lld  %6lld  %6s  %4zu of %-3zu  %10s +- %-9s (%zu of %zu)  %zu\n", w + 1, r ? r->points : 0,
                  static_cast<long long>(r ? r->runs : 0), static_cast<long long>(r ? r->failed : 0), std::isnan(rate) ? "-" : num(rate, 3).c_str(),
                  used_count(m.fits[w]), def.match.size(), percent(s.nroy_fraction).c_str(), percent(s.nroy_se).c_str(), static_cast<std::size_t>(s.accepted.rows()),
                  s.drawn, conflicts(s, m.fits[w]).size() + unreachable(s, m.fits[w]).size());
    out += line;
  }
  return out;
}

std::vector<std::string> write_calibration_report(const CalibrationDef& def, const Calibration& c, const std::string& store, const std::string& out_dir) {
  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) {
    const fs::path figures = dir / "figures";
    const auto& m = c.match;
    const auto names = parameter_names(def);
    written.text(dir / "waves.csv", waves_csv(def, c));
    written.text(dir / "emulators.csv", emulators_csv(def, c));
    written.text(dir / "conflicts.csv", conflicts_csv(def, c));
    written.text(dir / "plausible.csv", plausible_csv(def, c));

    std::string md = "# Calibration " + def.sweep.name + ": history matching\n\n";
    md += "Calibration file `" + def.sweep.file + "`, targets `" + def.targets_path + "`, store `" + store + "`; base scenario `" + def.sweep.base + "`. ";
    md += std::to_string(def.sweep.parameters.size()) + " parameters, " + std::to_string(def.match.size()) + " matched outputs, " +
          std::to_string(def.sweep.replicates) + " seeds per point, implausibility cutoff " + num(def.options.cutoff, 3) + ". ";
    if (c.interrupted) md += "**Interrupted**: the last wave's runs did not finish; run the same command again to go on. ";
    if (m.empty) md += "**No point of the space is left**: no candidate met every target within the cutoff (see the conflicts below). ";
    md += "\n\n## Waves\n\nThe share of the space not ruled out (NROY) is estimated from candidates drawn uniformly in the box around the "
          "previous wave's NROY sample, times the box's volume (± one standard error).\n\n";
    md += "| wave | rule | points | runs (failed) | runs/s | emulators used | candidates kept | NROY share |\n|---|---|---|---|---|---|---|---|\n";
    for (std::size_t w = 0; w < m.fits.size(); ++w) {
      const WaveRecord* r = record_of(c, w + 1);
      const Screening& s = m.screenings[w];
      const double rate = run_rate(r);
      md += "| " + std::to_string(w + 1) + " | " + (m.fits[w].nth == 1 ? std::string("largest") : std::to_string(m.fits[w].nth) + "th largest") + " > " +
            num(def.options.cutoff, 3) + " | " + std::to_string(r ? r->points : 0) + " | " + std::to_string(r ? r->runs : 0) + " (" +
            std::to_string(r ? r->failed : 0) + ") | " + num(rate, 3) + " | " + std::to_string(used_count(m.fits[w])) + " of " + std::to_string(def.match.size()) +
            " | " + std::to_string(s.accepted.rows()) + " of " + std::to_string(s.drawn) + " | " + percent(s.nroy_fraction) + " ± " + percent(s.nroy_se) + " |\n";
    }
    if (!m.screenings.empty()) {
      std::vector<std::string> waves;
      BarSeries share{"NROY share", {}, {}, {}};
      for (std::size_t w = 0; w < m.screenings.size(); ++w) {
        waves.push_back("wave " + std::to_string(w + 1));
        share.value.push_back(m.screenings[w].nroy_fraction);
        share.low.push_back(std::max(0.0, m.screenings[w].nroy_fraction - m.screenings[w].nroy_se));
        share.high.push_back(m.screenings[w].nroy_fraction + m.screenings[w].nroy_se);
      }
      const std::string f = written.figure(figures / "nroy", [&](const std::string& file) {
        bar_figure(file, "Share of the parameter space not ruled out, after each wave", "share of the space", waves, {share});
      });
      md += "\n![NROY share per wave](figures/" + f + ")\n";
    }

    md += "\n## Conflicts\n\nTwo targets conflict in a wave when, among the candidates no earlier wave ruled out, each target alone is met "
          "(implausibility at most the cutoff under this wave's emulator) by some candidate and both together by none.\n\n";
    bool any = false;
    for (std::size_t w = 0; w < m.fits.size(); ++w) {
      for (std::size_t t : unreachable(m.screenings[w], m.fits[w]))
        md += "- wave " + std::to_string(w + 1) + ": **" + def.match[t].name + "** is met by none of " + std::to_string(m.screenings[w].considered) + " candidates\n",
            any = true;
      for (const Conflict& k : conflicts(m.screenings[w], m.fits[w]))
        md += "- wave " + std::to_string(w + 1) + ": **" + def.match[k.a].name + "** and **" + def.match[k.b].name + "** conflict: " + std::to_string(k.a_alone) +
                  " and " + std::to_string(k.b_alone) + " of " + std::to_string(k.considered) + " candidates meet each alone, none both\n",
            any = true;
    }
    if (!any) md += "None: every pair of targets is met together somewhere in each wave's region.\n";

    md += "\n## The base scenario's own point\n\n" + base_point_section(def, m) + "\n";

    md += "\n## Emulators\n\nEach wave fits an emulator per target to the seed means of its runs and of the earlier runs it has not ruled out, "
          "validated on every fifth point of the wave before it is refitted to all of them; its standard deviation is inflated (×1.5, ×2, ×3) "
          "until at least 95% of the held-out points lie within 3 of it and none is wrongly ruled out, or it is not used. `emulators.csv` holds "
          "the terms, correlation lengths and nugget of each.\n\n";
    for (const WaveFit& f : m.fits) {
      md += "### Wave " + std::to_string(f.wave) + "\n\n| target | used | points | held out within 3 sd | wrongly ruled out | sd × | regression terms |\n|---|---|---|---|---|---|---|\n";
      ScatterFigure fig;
      fig.title = "Wave " + std::to_string(f.wave) + ": emulator (± 3 sd) against the held-out runs' seed means";
      fig.y_label = "emulated";
      for (std::size_t t = 0; t < f.targets.size(); ++t) {
        const TargetFit& tf = f.targets[t];
        const Validation& v = tf.validation;
        md += "| " + def.match[t].name + (def.match[t].log_scale ? " (log)" : "") + " | " + (tf.used ? "yes" : "no: " + tf.why_not) + " | " +
              std::to_string(tf.training) + " | " + std::to_string(v.within) + " of " + std::to_string(v.held_out) + " | " + std::to_string(v.false_rule_outs) +
              " | " + num(v.inflation, 2) + " | " + (tf.used ? terms_text(tf.mean, names) : "") + " |\n";
        if (v.simulated.empty()) continue;
        ScatterPanel p;
        p.x_label = "simulated " + def.match[t].name + (def.match[t].log_scale ? " (log)" : "");
        for (std::size_t i = 0; i < v.simulated.size(); ++i) {
          p.x.push_back(v.simulated[i]);
          p.y.push_back(v.predicted[i]);
          p.y_low.push_back(v.predicted[i] - 3 * v.inflation * v.sd[i]);
          p.y_high.push_back(v.predicted[i] + 3 * v.inflation * v.sd[i]);
        }
        fig.panels.push_back(std::move(p));
      }
      if (!fig.panels.empty()) {
        const std::string name = written.figure(figures / ("validation-wave-" + std::to_string(f.wave)), [&](const std::string& file) { scatter_figure(file, fig); });
        md += "\n![wave " + std::to_string(f.wave) + " validation](figures/" + name + ")\n";
      }
      md += "\n";
    }

    const auto sample = plausible_values(def, m);
    md += "## The plausible sample\n\n`plausible.csv` holds " + std::to_string(sample.size()) + " points not ruled out after the last wave (a uniform sample "
          "of the NROY region, one column per parameter): `geosim compare` runs what-ifs over them. Their spread within each parameter's range:\n\n";
    if (!m.screenings.empty() && m.screenings.back().accepted.rows() > 0) {
      const Eigen::MatrixXd& acc = m.screenings.back().accepted;
      md += "| parameter | range | plausible 5% | 95% | share of the range |\n|---|---|---|---|---|\n";
      BarSeries spread{"", {}, {}, {}, true};
      for (std::size_t i = 0; i < def.sweep.parameters.size(); ++i) {
        std::vector<double> col(static_cast<std::size_t>(acc.rows()));
        for (Eigen::Index r = 0; r < acc.rows(); ++r) col[static_cast<std::size_t>(r)] = acc(r, static_cast<Eigen::Index>(i));
        const sweep::Ensemble e = sweep::ensemble(col);
        const auto& p = def.sweep.parameters[i];
        md += "| `" + p.path + "` | " + num(p.a, 3) + " to " + num(p.b, 3) + (p.distribution == sweep::Distribution::log_uniform ? " (log)" : "") + " | " +
              num(p.value(e.p05), 3) + " | " + num(p.value(e.p95), 3) + " | " + percent(e.p95 - e.p05) + " |\n";
        std::sort(col.begin(), col.end());
        spread.value.push_back(col[col.size() / 2]);
        spread.low.push_back(e.p05);
        spread.high.push_back(e.p95);
      }
      const std::string f = written.figure(figures / "plausible-ranges", [&](const std::string& file) {
        bar_figure(file, "Plausible sample: median and 5-95% in each range (0: its low end, 1: its high end)", "position in the range", short_names(names),
                   {spread});
      });
      md += "\n![plausible ranges](figures/" + f + ")\n";
    }
    written.text(dir / "report.md", md);
  });
}

}  // namespace geosim::report
