#include "analysis/report/solve_report.h"

#include <cmath>
#include <filesystem>

#include "analysis/report/figures.h"
#include "analysis/report/report_files.h"
#include "analysis/solve/solution_yaml.h"
#include "analysis/sweep/summary.h"
#include "model/series.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;
using namespace solve;

/// A constraint in words: "usage_share.china_open@without:CN at 2028-12 below 0.03 in at least 80% of runs".
std::string constraint_text(const GoalDef& g, const Constraint& c) {
  const sweep::Record& r = g.sweep.records[c.record];
  char share[32];
  std::snprintf(share, sizeof share, "%g%%", 100 * c.probability);
  return metric_label(r.scope, r.metric) + (r.from == r.to ? " at " + r.from.str() : " over " + r.from.str() + " to " + r.to.str()) + (c.above ? " above " : " below ") +
         num(c.threshold) + " in at least " + share + " of the runs";
}

std::string term_text(const GoalDef& g, const Term& t) {
  std::string w = t.weight == 1 ? "" : num(t.weight) + " × ";
  if (t.lever) return w + "`" + g.sweep.parameters[t.index].path + "`";
  const sweep::Record& r = g.sweep.records[t.index];
  return w + "the mean of " + metric_label(r.scope, r.metric) + (r.from == r.to ? " at " + r.from.str() : " over " + r.from.str() + " to " + r.to.str());
}

/// The base scenario as solution.yaml, in `dir`, should name it.
std::string base_from(const fs::path& dir, const std::string& base) {
  std::error_code ec;
  const fs::path rel = fs::relative(fs::absolute(base, ec), fs::absolute(dir, ec), ec);
  return ec || rel.empty() ? fs::absolute(base).string() : rel.string();
}

}  // namespace

std::string solve_summary(const GoalDef& g, const Solution& s) {
  if (s.evaluations.empty()) return "  no evaluation finished\n";
  const Evaluation& e = s.evaluations[s.best];
  std::string out = std::string("  ") + (e.feasible ? "answer" : "no lever setting met every constraint; the closest") + " (evaluation " + std::to_string(s.best + 1) +
                    ", " + e.stage + "): objective " + num(e.objective) + "\n";
  for (std::size_t i = 0; i < g.levers; ++i) out += "    " + g.sweep.parameters[i].path + " = " + e.texts[i] + "\n";
  for (std::size_t c = 0; c < g.constraints.size(); ++c)
    out += "    " + g.constraints[c].name + ": margin " + num(e.margins[c]) + ", met in " + num(100 * e.met_share[c], 3) + "% of runs (at least " +
           num(100 * g.constraints[c].probability, 3) + "% needed)\n";
  return out;
}

std::vector<std::string> write_solve_report(const GoalDef& g, const Solution& s, const std::string& out_dir) {
  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) {
    // evaluations.csv: one row per evaluation the search asked for.
    std::string csv = "evaluation,stage,wave,stored,repeats";
    for (std::size_t i = 0; i < g.levers; ++i) csv += "," + sweep::csv_field(g.sweep.parameters[i].path);
    csv += ",objective";
    for (const auto& c : g.constraints) csv += "," + sweep::csv_field(c.name + " margin") + "," + sweep::csv_field(c.name + " share met");
    csv += ",feasible,runs,failed\n";
    for (std::size_t n = 0; n < s.evaluations.size(); ++n) {
      const Evaluation& e = s.evaluations[n];
      csv += std::to_string(n + 1) + "," + e.stage + "," + std::to_string(e.wave + 1) + "," + (e.stored ? "yes" : "no") + "," +
             (e.repeats >= 0 ? std::to_string(e.repeats + 1) : "");
      for (const auto& t : e.texts) csv.append(",").append(sweep::csv_field(t));
      csv.append(",").append(format_or_na(e.objective));
      for (std::size_t c = 0; c < g.constraints.size(); ++c) csv.append(",").append(format_or_na(e.margins[c])).append(",").append(format_or_na(e.met_share[c]));
      csv += std::string(",") + (e.feasible ? "yes" : "no") + "," + std::to_string(e.runs) + "," + std::to_string(e.failed) + "\n";
    }
    written.text(dir / "evaluations.csv", csv);

    const std::size_t per = g.points.size() * g.sweep.replicates;
    std::string md = "# Solve: " + g.name + "\n\n";
    md += "Goal `" + g.file + "`: " + std::string(g.maximize ? "maximize " : "minimize ");
    for (std::size_t t = 0; t < g.objective.size(); ++t) md += (t ? " + " : "") + term_text(g, g.objective[t]);
    md += g.constraints.empty() ? "" : ", subject to:\n\n";
    for (const auto& c : g.constraints) md += "- **" + c.name + "**: " + constraint_text(g, c) + "\n";
    md += "\nEach evaluation of the levers runs `" + g.sweep.base + "` at " + std::to_string(g.points.size()) + " parameter point" +
          (g.points.size() == 1 ? "" : "s") + (g.plausible_path.empty() ? " (its own values)" : " of `" + g.plausible_path + "`") + " with the same " +
          std::to_string(g.sweep.replicates) + " seeds: " + std::to_string(per) + " runs ([solve.md](solve.md)).\n\n";
    if (s.evaluations.empty()) {
      md += "**No evaluation finished**" + std::string(s.interrupted ? " before the search was stopped." : ".") + "\n";
    } else {
      const Evaluation& e = s.evaluations[s.best];
      md += e.feasible ? "## The answer\n\n" : "## No lever setting found meets every constraint\n\nThe closest (the largest worst margin):\n\n";
      md += "Evaluation " + std::to_string(s.best + 1) + " (" + e.stage + " search): objective **" + num(e.objective) + "**.\n\n| lever | value | bounds |\n|---|---|---|\n";
      for (std::size_t i = 0; i < g.levers; ++i) {
        const auto& p = g.sweep.parameters[i];
        md += "| `" + p.path + "` | " + e.texts[i] + " | " + num(p.a) + " to " + num(p.b) + (p.distribution == sweep::Distribution::log_uniform ? " (log)" : "") + " |\n";
      }
      if (!g.constraints.empty()) {
        md += "\n| constraint | required share | share met | margin |\n|---|---|---|---|\n";
        for (std::size_t c = 0; c < g.constraints.size(); ++c)
          md += "| " + g.constraints[c].name + " | " + num(100 * g.constraints[c].probability, 3) + "% | " + num(100 * e.met_share[c], 3) + "% | " + num(e.margins[c]) + " |\n";
        md += "\nA margin is how far the deciding run (the one at the required share, counting from the right side) lies inside the threshold: "
              "positive when the constraint is met.\n";
      }
      md += "\n`solution.yaml` is this scenario: `geosim run " + (dir / "solution.yaml").string() +
            (g.sweep.months > 0 ? " --months " + std::to_string(g.sweep.months) : "") + "` runs it at the scenario's own parameter values.\n";
      if (!e.feasible && !e.error.empty()) md += "\n> A run of this evaluation failed: " + e.error + "\n";
    }
    std::size_t global = 0, local = 0, repeats = 0;
    for (const auto& e : s.evaluations) (e.stage == "global" ? global : local) += 1, repeats += e.repeats >= 0 ? 1 : 0;
    md += "\n## The search\n\n" + std::to_string(s.evaluations.size()) + " evaluations (" + std::to_string(global) + " global, " + std::to_string(local) + " local; " +
          std::to_string(repeats) + " asked again and taken from memory): " + std::to_string(s.runs_run) + " runs run now in " + num(s.seconds, 3) + " s, " +
          std::to_string(s.runs_stored) + " read from the store.";
    if (!s.global_result.empty()) md += " Global search (" + g.search.global + "): " + s.global_result + ".";
    if (!s.local_result.empty()) md += " Local polish (" + g.search.local + "): " + s.local_result + ".";
    if (s.interrupted) md += " **Interrupted**: run the same command again to go on.";
    md += " `evaluations.csv` lists every evaluation.\n\n";
    if (!s.evaluations.empty()) {
      ScatterFigure f;
      f.title = "The search, evaluation by evaluation";
      f.y_label = "value";
      f.group_label = "evaluation";
      f.groups = {"meets every constraint", "misses a constraint", "the answer"};
      ScatterPanel objective;
      objective.x_label = "evaluation", objective.x_unit = "objective";
      std::vector<ScatterPanel> margins(g.constraints.size());
      for (std::size_t c = 0; c < g.constraints.size(); ++c) margins[c].x_label = "evaluation", margins[c].x_unit = "margin: " + g.constraints[c].name;
      for (std::size_t n = 0; n < s.evaluations.size(); ++n) {
        const Evaluation& e = s.evaluations[n];
        if (!std::isfinite(e.objective)) continue;
        objective.x.push_back(static_cast<double>(n + 1)), objective.y.push_back(e.objective);
        for (std::size_t c = 0; c < g.constraints.size(); ++c) margins[c].x.push_back(static_cast<double>(n + 1)), margins[c].y.push_back(e.margins[c]);
        f.group.push_back(n == s.best ? 2 : e.feasible ? 0 : 1);
      }
      if (!objective.x.empty()) {
        f.panels.push_back(objective);
        for (auto& m : margins) f.panels.push_back(m);
        md += "![the search](figures/" + written.figure(dir / "figures" / "search", [&](const std::string& path) { scatter_figure(path, f); }) + ")\n";
      }
    }

    if (!s.evaluations.empty()) {
      const Evaluation& e = s.evaluations[s.best];
      std::vector<std::pair<std::string, std::string>> settings;
      for (const auto& f : g.sweep.fixed) settings.emplace_back(f.path, f.value);
      for (const auto& lever : lever_settings(g, e)) settings.push_back(lever);
      std::vector<std::string> comment = {"geosim solve " + g.file + ": the levers of evaluation " + std::to_string(s.best + 1) + " (" + e.stage + " search), " +
                                              (e.feasible ? "which meets every constraint" : "the closest to meeting every constraint (none met them all)") + ".",
                                          "Objective " + num(e.objective) + " over " + std::to_string(per) + " runs per evaluation; report.md has the margins."};
      if (g.sweep.months > 0) comment.push_back("The goal ran " + std::to_string(g.sweep.months) + " months: geosim run solution.yaml --months " + std::to_string(g.sweep.months));
      written.text(dir / "solution.yaml", solve::scenario_with(base_from(dir, g.sweep.base), g.name + "-solution", settings, comment));
    }
    written.text(dir / "report.md", md);
  });
}

}  // namespace geosim::report
