// `geosim targets STORE --targets FILE`: how the runs of a sweep store meet calibration targets.
// One design point (an ensemble of the baseline): a table per target. Many points (a calibration
// sweep): the points ranked by targets met, then by how far the others miss.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include "analysis/calibration/targets.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"
#include "core/errors.h"

namespace geosim::calibration {
namespace {

std::string fmt(double v) {
  if (std::isnan(v)) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

struct Options {
  std::string store, targets, format = "markdown";
  std::size_t top = 10;
  long point = -1;  // -1: not given
  bool point_given = false;
};

/// A target's band, with those of its further conditions ("between 1e+09 and 4e+09; revenue_2024 ...").
std::string bands(const Target& t) {
  std::string out = t.band();
  for (const auto& c : t.also) out += "; " + c.name + " " + c.band();
  return out;
}

/// "mean (p05 to p95)" of an ensemble.
std::string cell(const sweep::Ensemble& v) {
  return fmt(v.mean) + " (" + fmt(v.p05) + " to " + fmt(v.p95) + ")";
}

void print_point(const std::vector<Target>& targets, const std::vector<TargetResult>& results, const std::string& format) {
  if (format == "csv") {
    // One row per condition; a further condition's row is named target/condition and says whether the
    // whole target is met.
    std::printf("target,mean,sd,p05,p95,n,min,max,met\n");
    auto row = [&](const std::string& name, const Condition& c, const sweep::Ensemble& v, bool met) {
      std::printf("%s,%.17g,%.17g,%.17g,%.17g,%zu,%s,%s,%s\n", name.c_str(), v.mean, v.sd, v.p05, v.p95, v.n, c.min ? fmt(*c.min).c_str() : "",
                  c.max ? fmt(*c.max).c_str() : "", met ? "yes" : "no");
    };
    for (std::size_t t = 0; t < targets.size(); ++t) {
      row(targets[t].id, targets[t], results[t].value, results[t].met);
      for (std::size_t c = 0; c < targets[t].also.size(); ++c)
        row(targets[t].id + "/" + targets[t].also[c].name, targets[t].also[c], results[t].also[c], results[t].met);
    }
    return;
  }
  std::printf("| target | claim | published figure | band | model: mean (90%% interval), runs | met |\n|---|---|---|---|---|---|\n");
  for (std::size_t t = 0; t < targets.size(); ++t) {
    std::string values = cell(results[t].value);
    for (std::size_t c = 0; c < targets[t].also.size(); ++c) values += "; " + targets[t].also[c].name + " " + cell(results[t].also[c]);
    std::printf("| %s | %s | %s | %s | %s, %zu | %s |\n", targets[t].id.c_str(), targets[t].claim.c_str(), targets[t].source.c_str(),
                bands(targets[t]).c_str(), values.c_str(), results[t].value.n, results[t].met ? "**met**" : "missed");
  }
}

int targets_command(const Options& o) {
  if (o.point_given && o.point < 0)
    throw std::invalid_argument("--point " + std::to_string(o.point) + ": expected the number of a design point, 0 or more");
  const sweep::Store store = sweep::Store::open(o.store);
  const auto& info = store.info();
  const std::vector<Target> targets = load_targets(o.targets, info);
  const auto results = evaluate_targets(targets, store);
  if (results.empty()) throw BadInput(o.store + " has no design points");
  if (results.size() == 1 || o.point >= 0) {
    const auto p = static_cast<std::size_t>(std::max(0L, o.point));
    if (p >= results.size()) throw std::invalid_argument("--point " + std::to_string(p) + ": the store has " + std::to_string(results.size()) + " points");
    print_point(targets, results[p], o.format);
    return exit_code::ok;
  }
  // Rank points: most targets met first, then the smallest total miss of the others, then (among
  // points that miss nothing) the largest smallest margin: the point whose every value lies furthest
  // inside its band.
  std::vector<std::size_t> order(results.size());
  std::iota(order.begin(), order.end(), 0);
  struct Score {
    int met = 0;
    double miss = 0, margin = INFINITY;
  };
  auto score = [&](std::size_t p) {
    Score s;
    for (std::size_t t = 0; t < targets.size(); ++t)
      s.met += results[p][t].met ? 1 : 0, s.miss += results[p][t].miss, s.margin = std::min(s.margin, results[p][t].margin);
    return s;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Score sa = score(a), sb = score(b);
    if (sa.met != sb.met) return sa.met > sb.met;
    if (sa.miss != sb.miss) return sa.miss < sb.miss;
    return sa.margin > sb.margin;
  });
  std::printf("point,met,miss,margin");
  for (const auto& p : info.parameters) std::printf(",%s", p.c_str());
  for (const auto& t : targets) {
    std::printf(",%s", t.id.c_str());
    for (const auto& c : t.also) std::printf(",%s/%s", t.id.c_str(), c.name.c_str());
  }
  std::printf("\n");
  for (std::size_t i = 0; i < std::min(o.top, order.size()); ++i) {
    const std::size_t p = order[i];
    const Score sc = score(p);
    std::printf("%zu,%d,%.4g,%.4g", p, sc.met, sc.miss, sc.margin);
    for (double v : info.numbers[p]) std::printf(",%.6g", v);
    for (const auto& r : results[p]) {
      std::printf(",%.4g", r.value.mean);
      for (const auto& c : r.also) std::printf(",%.4g", c.mean);
    }
    std::printf("\n");
  }
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration targets_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("targets", "Check a sweep store against calibration targets (one point: a table; many: points ranked)");
  cmd->add_option("store", o->store, "Sweep store written by geosim sweep")->required();
  cmd->add_option("--targets", o->targets, "Targets file (see docs/validation.md)")->required();
  cmd->add_option("--format", o->format, "markdown (default) or csv, for the table of one point")->check(CLI::IsMember({"markdown", "csv"}));
  cmd->add_option("--top", o->top, "Many points: how many of the best to list");
  auto* point_opt = cmd->add_option("--point", o->point, "Many points: show the table of this design point (0, 1, ...)");
  return [cmd, o, point_opt]() -> int {
    if (!*cmd) return -1;
    o->point_given = point_opt->count() > 0;
    try {
      return targets_command(*o);
    } catch (const DiagnosticError& e) {
      print_refusal(e, "geosim targets: targets file", "nothing was checked");
      return exit_code::bad_input;
    }  // anything else: main() maps it to its exit code (cli/exit_codes.h)
  };
}};
// clang-format on

}  // namespace
}  // namespace geosim::calibration
