#include "analysis/report/compare_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "analysis/report/figures.h"
#include "analysis/report/report_files.h"
#include "analysis/sweep/summary.h"
#include "model/series.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;
using namespace compare;

std::string percent(double share) {
  if (std::isnan(share)) return "–";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * share);
  return buf;
}

std::string output_name(const sweep::SeriesRequest& q) {
  return q.metric + "@" + q.scope;
}

/// "METRIC (UNIT)", with the scope when it is not the world.
std::string output_label(const sweep::SeriesRequest& q) {
  return metric_label(q.scope, q.metric);
}

/// The what-if's own events: those the baseline does not have (by id and month).
std::vector<Marker> whatif_markers(const Comparison& c) {
  std::vector<Marker> out;
  for (const auto& e : c.whatif.events) {
    if (!inherited_event(c, e) && !e.when && e.enabled) out.push_back({e.at.index, e.at.str() + " " + (e.id.empty() ? e.note : e.id)});
  }
  return out;
}

/// Months shown in tables: each December, and the last month.
std::vector<std::size_t> table_months(const Comparison& c) {
  std::vector<std::size_t> out;
  const auto months = static_cast<std::size_t>(c.baseline.months);
  for (std::size_t m = 0; m < months; ++m)
    if ((c.baseline.start + static_cast<int>(m)).str().substr(5) == "12" || m + 1 == months) out.push_back(m);
  return out;
}

std::string effects_csv(const Comparison& c, const CompareResult& r) {
  std::string out = "output,metric,scope,month,points,pairs,baseline,whatif,effect,effect_p05,effect_p95,sd_parameter,sd_seed,parameter_share,share_up,share_down\n";
  for (std::size_t q = 0; q < c.outputs.size(); ++q)
    for (std::size_t m = 0; m < r.outputs[q].size(); ++m) {
      const EffectStats& e = r.outputs[q][m];
      out += sweep::csv_field(output_name(c.outputs[q])) + "," + sweep::csv_field(c.outputs[q].metric) + "," + sweep::csv_field(c.outputs[q].scope) + "," +
             (c.baseline.start + static_cast<int>(m)).str() + "," + std::to_string(e.points) + "," + std::to_string(e.pairs);
      for (double v : {e.baseline, e.whatif, e.mean, e.p05, e.p95, e.sd_parameter, e.sd_seed, e.parameter_share(), e.share_up, e.share_down})
        out.append(",").append(format_or_na(v));
      out += "\n";
    }
  return out;
}

std::string claims_csv(const Comparison& c, const CompareResult& r) {
  std::string out = "claim,metric,scope,at,effect,mean,p05,p95,sd_parameter,sd_seed,points,holds,opposite,within_noise,verdict,deciding,box,box_density,box_coverage,text\n";
  for (const ClaimResult& k : r.claims) {
    std::string deciding;
    for (std::size_t j : k.deciding) deciding += (deciding.empty() ? "" : " ") + c.parameters[j];
    out += sweep::csv_field(k.claim.id) + "," + sweep::csv_field(k.claim.metric) + "," + sweep::csv_field(k.claim.scope) + "," + k.claim.at.str() + "," +
           (k.claim.increase ? "increase" : "decrease");
    for (double v : {k.stats.mean, k.stats.p05, k.stats.p95, k.stats.sd_parameter, k.stats.sd_seed}) out.append(",").append(format_or_na(v));
    out += "," + std::to_string(k.stats.points) + "," + std::to_string(k.holds) + "," + std::to_string(k.opposite) + "," + std::to_string(k.undecided) + "," +
           verdict_name(k.verdict) + "," + sweep::csv_field(deciding) + "," + sweep::csv_field(k.box_text) + "," + format_or_na(k.box_density) + "," +
           format_or_na(k.box_coverage) + "," + sweep::csv_field(k.claim.text) + "\n";
  }
  return out;
}

std::string points_csv(const Comparison& c, const CompareResult& r) {
  std::string out = "point";
  for (const auto& p : c.parameters) out += "," + sweep::csv_field(p);
  for (const auto& k : r.claims) out += "," + sweep::csv_field(k.claim.id + ".effect") + "," + sweep::csv_field(k.claim.id + ".pairs") + "," + sweep::csv_field(k.claim.id + ".class");
  out += "\n";
  for (std::size_t p = 0; p < c.points.size(); ++p) {
    out += std::to_string(p);
    for (const auto& v : c.points[p]) out.append(",").append(sweep::csv_field(v));
    for (const auto& k : r.claims)
      out.append(",").append(format_or_na(k.stats.point_mean[p])).append(",").append(std::to_string(k.stats.point_pairs[p])).append(",")
          .append(k.stats.point_pairs[p] == 0 ? "none" : k.point_class[p] > 0 ? "holds" : k.point_class[p] < 0 ? "opposite" : "noise");
    out += "\n";
  }
  return out;
}

std::string claim_section(const Comparison& c, const CompareResult& r, const ClaimResult& k, const fs::path& figures, Outputs& written) {
  const sweep::SeriesRequest q{k.claim.metric, k.claim.scope, {}};
  std::string md = "### " + k.claim.id + ": " + verdict_name(k.verdict) + "\n\n";
  if (!k.claim.text.empty()) md += "> " + k.claim.text + "\n\n";
  md += "The what-if should **" + std::string(k.claim.increase ? "raise" : "lower") + "** " + output_label(q) + " at " + k.claim.at.str() + ". Verdict: " + k.verdict_text + ".\n\n";
  md += "Effect (what-if minus baseline, same world and seed): mean " + num(k.stats.mean, 3) + ", 5–95% over the plausible worlds " + num(k.stats.p05, 3) + " to " +
        num(k.stats.p95, 3) + "; standard deviation over the worlds (parameters) " + num(k.stats.sd_parameter, 3) + ", between seeds of one world " +
        num(k.stats.sd_seed, 3) + ". A world counts when its mean effect over its seeds lies more than two standard errors (seed sd / √seeds) from 0.\n\n";
  if (k.verdict == Verdict::depends && !k.trajectory.empty()) {
    md += "**Which parameters decide it** (PRIM over the " + std::to_string(k.stats.points) +
          " worlds, the cases of interest those where the claim holds; box chosen at coverage ≥ 0.5, each restriction kept when its quasi-p-value is below 0.05):\n\n";
    md += "| parameter | restricted to | quasi-p |\n|---|---|---|\n";
    const discovery::Box& box = k.trajectory[k.chosen];
    for (std::size_t j = 0; j < c.parameters.size(); ++j) {
      if (std::isnan(k.p_values[j])) continue;
      const bool kept = std::find(k.deciding.begin(), k.deciding.end(), j) != k.deciding.end();
      md += "| `" + c.parameters[j] + "` | " + num(box.lower[j], 3) + " to " + num(box.upper[j], 3) + " | " + num(k.p_values[j], 2) + (kept ? "" : " (not kept)") + " |\n";
    }
    md += "\nThe peeling trajectory (each box one peel further; the box shown is marked):\n\n";
    ScatterPanel traj;
    traj.x_label = "coverage (share of the worlds where it holds inside the box)";
    std::vector<int> group;
    for (std::size_t b = 0; b < k.trajectory.size(); ++b) {
      traj.x.push_back(k.trajectory[b].coverage), traj.y.push_back(k.trajectory[b].density);
      group.push_back(b == k.chosen ? 1 : 0);
    }
    ScatterFigure tf{k.claim.id + ": PRIM's peeling trajectory", "density (share holding)", {traj}, "box", {"peeled", "shown"}, group};
    md += "![trajectory](figures/" + written.figure(figures / ("claim-" + file_safe(k.claim.id) + "-trajectory"), [&](const std::string& f) { scatter_figure(f, tf); }) +
          ")\n\n";
    if (!k.deciding.empty()) {
      ScatterFigure sf;
      sf.title = k.claim.id + ": each world's mean effect against its deciding parameters";
      sf.y_label = "effect";
      sf.group_label = "the claim";
      sf.groups = {"holds", "opposite", "within seed noise"};
      for (std::size_t i = 0; i < std::min<std::size_t>(3, k.deciding.size()); ++i) {
        ScatterPanel p;
        const std::size_t j = k.deciding[i];
        p.x_label = c.parameters[j];
        p.x_unit = parameter_unit(c.parameters[j]);
        for (std::size_t w = 0; w < c.points.size(); ++w) {
          if (k.stats.point_pairs[w] == 0) continue;
          p.x.push_back(r.x(static_cast<Eigen::Index>(w), static_cast<Eigen::Index>(j)));
          p.y.push_back(k.stats.point_mean[w]);
          if (i == 0) sf.group.push_back(k.point_class[w] > 0 ? 0 : k.point_class[w] < 0 ? 1 : 2);
        }
        sf.panels.push_back(std::move(p));
      }
      md += "![deciding parameters](figures/" +
            written.figure(figures / ("claim-" + file_safe(k.claim.id) + "-parameters"), [&](const std::string& f) { scatter_figure(f, sf); }) + ")\n\n";
    }
    md += "A classification tree of the same worlds (share of worlds where the claim holds):\n\n```\n" + k.tree + "```\n\n";
  }
  return md;
}

std::string output_section(const Comparison& c, const CompareResult& r, std::size_t q, const fs::path& figures, Outputs& written) {
  const sweep::SeriesRequest& out = c.outputs[q];
  const auto& months = r.outputs[q];
  std::string md = "### " + output_label(out) + "\n\n";
  md += "| month | baseline | what-if | effect | 5–95% over worlds | sd parameters | sd seeds | parameters' share | worlds up / down |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t m : table_months(c)) {
    const EffectStats& e = months[m];
    md += "| " + (c.baseline.start + static_cast<int>(m)).str() + " | " + num(e.baseline, 3) + " | " + num(e.whatif, 3) + " | " + num(e.mean, 3) + " | " +
          num(e.p05, 3) + " to " + num(e.p95, 3) + " | " + num(e.sd_parameter, 3) + " | " + num(e.sd_seed, 3) + " | " + percent(e.parameter_share()) + " | " +
          percent(e.share_up) + " / " + percent(e.share_down) + " |\n";
  }
  const std::string unit = metric_unit(out.scope, out.metric);
  Band effect{"effect, 5-95% of worlds", {}, {}, {}}, noise{"seed noise alone (90%)", {}, {}, {}};
  Band whatif{c.whatif.name + " (5-95% of runs)", {}, {}, {}}, baseline{c.baseline.name + " (5-95% of runs)", {}, {}, {}};
  noise.outline = true, baseline.outline = true;
  for (const EffectStats& e : months) {
    effect.mean.push_back(e.mean), effect.low.push_back(e.p05), effect.high.push_back(e.p95);
    const double half = std::isnan(e.sd_seed) ? 0 : 1.645 * e.sd_seed;
    noise.low.push_back(e.mean - half), noise.high.push_back(e.mean + half);
    whatif.mean.push_back(e.whatif), whatif.low.push_back(e.whatif_p05), whatif.high.push_back(e.whatif_p95);
    baseline.mean.push_back(e.baseline), baseline.low.push_back(e.baseline_p05), baseline.high.push_back(e.baseline_p95);
  }
  const auto markers = whatif_markers(c);
  const std::string stem = file_safe(output_name(out));
  md += "\n![effect](figures/" + written.figure(figures / ("effect-" + stem), [&](const std::string& f) {
    band_figure(f, "Effect on " + output_label(out), unit.empty() ? "effect" : "effect (" + unit + ")", c.baseline.start.index, {effect, noise}, markers);
  }) + ")\n";
  md += "![levels](figures/" + written.figure(figures / ("levels-" + stem), [&](const std::string& f) {
    band_figure(f, output_label(out), unit.empty() ? out.metric : unit, c.baseline.start.index, {whatif, baseline}, markers);
  }) + ")\n\n";
  return md;
}

}  // namespace

std::string compare_summary(const CompareResult& r) {
  std::string out;
  if (r.claims.empty()) out += "  (the what-if declares no claims; effects.csv holds every output's effect)\n";
  for (const ClaimResult& k : r.claims) {
    char line[512];
    std::snprintf(line, sizeof line, "  %-28s %-9s %s@%s at %s: effect %s (5-95%% over worlds %s to %s); %s\n", k.claim.id.c_str(),
                  k.claim.increase ? "increase" : "decrease", k.claim.metric.c_str(), k.claim.scope.c_str(), k.claim.at.str().c_str(), num(k.stats.mean, 3).c_str(),
                  num(k.stats.p05, 3).c_str(), num(k.stats.p95, 3).c_str(), verdict_name(k.verdict));
    out += line;
  }
  return out;
}

std::vector<std::string> write_compare_report(const Comparison& c, const CompareResult& r, const std::string& out_dir) {
  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) {
    const fs::path figures = dir / "figures";
    written.text(dir / "effects.csv", effects_csv(c, r));
    written.text(dir / "claims.csv", claims_csv(c, r));
    written.text(dir / "points.csv", points_csv(c, r));
    std::string md = "# " + c.whatif.name + " against " + c.baseline.name + "\n\n";
    auto described = [](const std::string& d) {
      const auto end = d.find_last_not_of(" \n");
      return end == std::string::npos ? std::string("(no description)") : d.substr(0, end + 1);
    };
    md += "**What-if** (`" + c.whatif_path + "`): " + described(c.whatif.description) + "\n\n";
    md += "**Baseline** (`" + c.baseline_path + "`): " + described(c.baseline.description) + "\n\n";
    const auto markers = whatif_markers(c);
    if (!markers.empty()) {
      md += "The what-if's own events:";
      for (const auto& m : markers) md += " " + m.label + ";";
      md.back() = '.';
      md += "\n\n";
    }
    md += "Both scenarios ran at the same " + std::to_string(c.points.size()) + " parameter point" + (c.points.size() == 1 ? "" : "s");
    if (c.plausible_path.empty()) md += " (their own values: no plausible set, so the spread is seed noise alone)";
    else md += " (the first of the plausible sample `" + c.plausible_path + "`, " + std::to_string(c.parameters.size()) + " parameters)";
    md += ", each with the same " + std::to_string(c.seeds) + " seeds (" + std::to_string(c.seed_base) + " to " + std::to_string(c.seed_base + c.seeds - 1) +
          "), from " + c.baseline.start.str() + " to " + (c.baseline.start + (c.baseline.months - 1)).str() + ". An effect is the what-if's value minus the "
          "baseline's in the same world with the same seed (common random numbers); its spread splits into a part from the parameters (how the worlds' "
          "mean effects differ) and a part from the seeds (how runs of one world differ) ([compare.md](compare.md)).";
    if (!c.kept.empty()) {
      md += " The what-if sets its own value of";
      for (const auto& k : c.kept) md += " `" + k + "`";
      md += ": it keeps that value at every point, where the baseline takes the point's.";
    }
    if (r.runs_failed[0] + r.runs_failed[1] > 0)
      md += " " + std::to_string(r.runs_failed[0]) + " baseline and " + std::to_string(r.runs_failed[1]) + " what-if runs failed; their pairs are left out.";
    md += "\n\n## Claims\n\n";
    if (r.claims.empty()) md += "The what-if declares no claims (`claims:` in its file).\n\n";
    else {
      md += "| claim | output | at | claimed | effect: mean (5–95% over worlds) | sd parameters | sd seeds | holds / opposite / noise | verdict |\n"
            "|---|---|---|---|---|---|---|---|---|\n";
      for (const ClaimResult& k : r.claims) {
        const sweep::SeriesRequest q{k.claim.metric, k.claim.scope, {}};
        std::string verdict = verdict_name(k.verdict);
        if (k.verdict == Verdict::depends && !k.deciding.empty()) {
          verdict += " on";
          for (std::size_t i = 0; i < k.deciding.size(); ++i) verdict += (i ? ", `" : " `") + c.parameters[k.deciding[i]] + "`";
        }
        md += "| " + k.claim.id + " | " + output_label(q) + " | " + k.claim.at.str() + " | " + (k.claim.increase ? "increase" : "decrease") + " | " +
              num(k.stats.mean, 3) + " (" + num(k.stats.p05, 3) + " to " + num(k.stats.p95, 3) + ") | " + num(k.stats.sd_parameter, 3) + " | " +
              num(k.stats.sd_seed, 3) + " | " + std::to_string(k.holds) + " / " + std::to_string(k.opposite) + " / " + std::to_string(k.undecided) + " | **" +
              verdict + "** |\n";
      }
      md += "\n";
      for (const ClaimResult& k : r.claims) md += claim_section(c, r, k, figures, written);
    }
    md += "## Effects month by month\n\nEach output's effect in December of each year and in the last month; `effects.csv` holds every month. "
          "Figures: the effect's mean with the 5–95% band of the worlds' mean effects, and the 90% band of seed noise alone around the mean (dashed); "
          "then both scenarios' levels (5–95% of their runs), the what-if's own events marked.\n\n";
    for (std::size_t q = 0; q < c.outputs.size(); ++q) md += output_section(c, r, q, figures, written);
    md += "## Files\n\n- `baseline.db`, `whatif.db`: the two sides' sweep stores (`geosim report whatif.db --against baseline.db` draws them as a sweep "
          "report); run the same `geosim compare` again to resume.\n- `effects.csv`: every output's effect, every month.\n- `claims.csv`: each claim's "
          "statistics and verdict.\n- `points.csv`: each world's parameters, and per claim its mean effect and whether it holds there.\n";
    written.text(dir / "report.md", md);
  });
}

}  // namespace geosim::report
