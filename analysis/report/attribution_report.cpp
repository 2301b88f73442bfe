#include "analysis/report/attribution_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "analysis/report/figures.h"
#include "analysis/report/report_files.h"
#include "analysis/sweep/summary.h"
#include "model/series.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;
using namespace attribution;

/// The players in a coalition, joined by '+' ("none" for the empty one).
std::string members(const Attribution& a, Coalition c) {
  std::string out;
  for (std::size_t p = 0; p < a.players.size(); ++p)
    if (c >> p & 1) out += (out.empty() ? "" : "+") + a.players[p].name;
  return out.empty() ? "none" : out;
}

/// Players in decreasing order of the size of their mean share.
std::vector<std::size_t> by_size(const TargetResult& r) {
  std::vector<std::size_t> order(r.shapley.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return std::abs(r.shapley[x].mean) > std::abs(r.shapley[y].mean); });
  return order;
}

std::string share_of(double part, double whole) {
  if (!(std::abs(whole) > 0) || !std::isfinite(part)) return "–";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * part / whole);
  return buf;
}

}  // namespace

std::string attribution_summary(const Attribution& a, const std::vector<TargetResult>& r) {
  std::string out;
  for (std::size_t t = 0; t < a.targets.size(); ++t) {
    const TargetResult& res = r[t];
    out += "  " + a.targets[t].name + " (" + a.targets[t].metric + "@" + a.targets[t].scope + " at " + a.targets[t].at.str() + "): effect " +
           num(res.total.mean, 3) + " = " + num(res.none.mean, 3) + " with none of the players";
    for (std::size_t p : by_size(res)) out += ", " + a.players[p].name + " " + num(res.shapley[p].mean, 3);
    out += "\n";
  }
  return out;
}

std::vector<std::string> write_attribution_report(const Attribution& a, const std::vector<TargetResult>& r, const std::string& out_dir) {
  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) {
    const fs::path figures = dir / "figures";
    const auto& c = a.comparison;
    const std::size_t k = a.players.size();
    std::string shap = "target,metric,scope,month,player,mean,ci_low,ci_high,p05,p95,sd_parameter,sd_seed,share_of_effect\n";
    std::string inter = "target,player_a,player_b,interaction\n";
    std::string coal = "target,coalition,players_on,mean_effect\n";
    for (std::size_t t = 0; t < a.targets.size(); ++t) {
      const Target& tg = a.targets[t];
      const TargetResult& res = r[t];
      const std::string head = sweep::csv_field(tg.name) + "," + sweep::csv_field(tg.metric) + "," + sweep::csv_field(tg.scope) + "," + tg.at.str() + ",";
      auto row = [&](const std::string& player, const compare::EffectStats& e) {
        shap += head + sweep::csv_field(player);
        for (double v : {e.mean, e.mean - 1.96 * e.se, e.mean + 1.96 * e.se, e.p05, e.p95, e.sd_parameter, e.sd_seed}) shap.append(",").append(format_or_na(v));
        shap.append(",").append(format_or_na(std::abs(res.total.mean) > 0 ? e.mean / res.total.mean : std::nan(""))).append("\n");
      };
      row("(none: every player off)", res.none);
      for (std::size_t p = 0; p < k; ++p) row(a.players[p].name, res.shapley[p]);
      row("(total: every player on)", res.total);
      for (std::size_t i = 0; i < k && !res.interaction.empty(); ++i)
        for (std::size_t j = i + 1; j < k; ++j)
          inter.append(sweep::csv_field(tg.name)).append(",").append(sweep::csv_field(a.players[i].name)).append(",").append(sweep::csv_field(a.players[j].name))
              .append(",").append(format_or_na(res.interaction[i * k + j])).append("\n");
      for (std::size_t ci = 0; ci < a.coalitions.size(); ++ci)
        coal.append(sweep::csv_field(tg.name)).append(",").append(std::to_string(a.coalitions[ci])).append(",").append(sweep::csv_field(members(a, a.coalitions[ci])))
            .append(",").append(format_or_na(res.coalition_mean[ci])).append("\n");
    }
    written.text(dir / "shapley.csv", shap);
    written.text(dir / "interactions.csv", inter);
    written.text(dir / "coalitions.csv", coal);

    std::string md = "# " + c.whatif.name + " against " + c.baseline.name + ": attributed over " + (a.over_events ? "its events" : "the model's mechanisms") + "\n\n";
    md += "Each value below is the what-if's effect (what-if minus baseline in the same world with the same seed), split among " + std::to_string(k) +
          " player" + (k == 1 ? "" : "s") + " by Shapley values: each player's share is its added effect, averaged over every order in which the players "
          "could be switched on ([attribute.md](attribute.md)). ";
    md += a.orders.empty() ? "All " + std::to_string(a.coalitions.size()) + " coalitions were run (exact). "
                           : std::to_string(a.orders.size()) + " orders were sampled, through " + std::to_string(a.coalitions.size()) + " coalitions. ";
    md += "Both scenarios ran at " + std::to_string(c.points.size()) + " parameter point" + (c.points.size() == 1 ? "" : "s") +
          (c.plausible_path.empty() ? " (their own values)" : " of `" + c.plausible_path + "`") + " with the same " + std::to_string(c.seeds) +
          " seeds. The interval of a mean is ±1.96 standard errors from both parts of its spread; the 5–95% range is over the worlds' "
          "mean effects, and the spread splits into parameter and seed parts as in [compare.md](compare.md). The waterfall's bars show " +
          (c.points.size() >= 2 ? std::string("the 5–95% range over the worlds. ") : std::string("the interval of the mean. ")) +
          "The shares add up exactly to the effect with every player on less the effect with none.\n\n";
    md += "Players: ";
    for (std::size_t p = 0; p < k; ++p) {
      md += (p ? ", " : "") + std::string("`") + a.players[p].name + "`";
      if (a.over_events && a.players[p].keys.size() > 1) {
        md += " (";
        for (std::size_t i = 0; i < a.players[p].keys.size(); ++i) md += (i ? " + " : "") + a.players[p].keys[i].substr(7, a.players[p].keys[i].size() - 15);
        md += ")";
      }
    }
    md += ".";
    if (!a.left_out.empty()) {
      md += " Left out:";
      for (const auto& l : a.left_out) md += " " + l + ";";
      md.back() = '.';
    }
    md += "\n\n";
    for (std::size_t t = 0; t < a.targets.size(); ++t) {
      const Target& tg = a.targets[t];
      const TargetResult& res = r[t];
      md += "## " + tg.name + "\n\n" + metric_label(tg.scope, tg.metric) + " at " + tg.at.str() + ", over " + std::to_string(res.pairs) + " (world, seed) pairs.\n\n";
      md += "| player | share: mean (95% interval of the mean) | 5–95% over worlds | sd parameters | sd seeds | of the effect |\n|---|---|---|---|---|---|\n";
      auto line = [&](const std::string& name, const compare::EffectStats& e) {
        md += "| " + name + " | " + num(e.mean, 3) + " (" + num(e.mean - 1.96 * e.se, 3) + " to " + num(e.mean + 1.96 * e.se, 3) + ") | " +
              (e.points >= 2 ? num(e.p05, 3) + " to " + num(e.p95, 3) : std::string("one world")) + " | " + num(e.sd_parameter, 3) + " | " +
              num(e.sd_seed, 3) + " | " + share_of(e.mean, res.total.mean) + " |\n";
      };
      line("with none of the players", res.none);
      std::vector<WaterfallStep> steps;
      for (std::size_t p : by_size(res)) {
        line("`" + a.players[p].name + "`", res.shapley[p]);
        const auto& e = res.shapley[p];
        // Over several worlds the bars show their spread; in one, the mean's interval from the seeds.
        steps.push_back(res.total.points >= 2 ? WaterfallStep{a.players[p].name, e.mean, e.p05, e.p95}
                                              : WaterfallStep{a.players[p].name, e.mean, e.mean - 1.96 * e.se, e.mean + 1.96 * e.se});
      }
      line("**every player on: the effect**", res.total);
      const std::string unit = metric_unit(tg.scope, tg.metric);
      md += "\n![waterfall](figures/" +
            written.figure(figures / ("waterfall-" + file_safe(tg.name)), [&](const std::string& f) {
              waterfall_figure(f, tg.name + ": the effect, player by player", unit.empty() ? "effect" : "effect (" + unit + ")", "none of them", res.none.mean, steps,
                               "the effect");
            }) + ")\n\n";
      if (!res.interaction.empty() && k >= 2) {
        std::vector<std::pair<double, std::pair<std::size_t, std::size_t>>> pairs;
        for (std::size_t i = 0; i < k; ++i)
          for (std::size_t j = i + 1; j < k; ++j) pairs.push_back({res.interaction[i * k + j], {i, j}});
        std::stable_sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) { return std::abs(x.first) > std::abs(y.first); });
        md += "The largest pairwise interactions (how much more two players add together than apart; `interactions.csv` has every pair):\n\n"
              "| players | interaction |\n|---|---|\n";
        for (std::size_t i = 0; i < std::min<std::size_t>(5, pairs.size()); ++i)
          md += "| `" + a.players[pairs[i].second.first].name + "` and `" + a.players[pairs[i].second.second].name + "` | " + num(pairs[i].first, 3) + " |\n";
        md += "\n";
      }
    }
    md += "## Files\n\n- `baseline.db`, `whatif.db`: the two sides' stores, every coalition at every point and seed; run the same command again to "
          "resume.\n- `shapley.csv`: each value's shares, with none and every player on.\n- `interactions.csv`: every pair's interaction index (exact "
          "attributions).\n- `coalitions.csv`: each coalition's mean effect.\n";
    written.text(dir / "report.md", md);
  });
}

}  // namespace geosim::report
