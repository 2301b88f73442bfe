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

void print_point(const std::vector<Target>& targets, const std::vector<TargetResult>& results, const std::string& format) {
  if (format == "csv") {
    std::printf("target,mean,sd,p05,p95,n,min,max,met\n");
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const auto& v = results[t].value;
      std::printf("%s,%.17g,%.17g,%.17g,%.17g,%zu,%s,%s,%s\n", targets[t].id.c_str(), v.mean, v.sd, v.p05, v.p95, v.n,
                  targets[t].min ? fmt(*targets[t].min).c_str() : "", targets[t].max ? fmt(*targets[t].max).c_str() : "", results[t].met ? "yes" : "no");
    }
    return;
  }
  std::printf("| target | claim | published figure | band | model: mean (90%% interval), runs | met |\n|---|---|---|---|---|---|\n");
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const auto& v = results[t].value;
    std::printf("| %s | %s | %s | %s | %s (%s to %s), %zu | %s |\n", targets[t].id.c_str(), targets[t].claim.c_str(), targets[t].source.c_str(),
                targets[t].band().c_str(), fmt(v.mean).c_str(), fmt(v.p05).c_str(), fmt(v.p95).c_str(), v.n, results[t].met ? "**met**" : "missed");
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
  // Rank points: most targets met first, then the smallest total miss of the others.
  std::vector<std::size_t> order(results.size());
  std::iota(order.begin(), order.end(), 0);
  auto score = [&](std::size_t p) {
    int met = 0;
    double miss = 0;
    for (std::size_t t = 0; t < targets.size(); ++t) met += results[p][t].met ? 1 : 0, miss += targets[t].miss(results[p][t].value.mean);
    return std::pair{met, miss};
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto [ma, da] = score(a);
    const auto [mb, db] = score(b);
    return ma != mb ? ma > mb : da < db;
  });
  std::printf("point,met,miss");
  for (const auto& p : info.parameters) std::printf(",%s", p.c_str());
  for (const auto& t : targets) std::printf(",%s", t.id.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < std::min(o.top, order.size()); ++i) {
    const std::size_t p = order[i];
    const auto [met, miss] = score(p);
    std::printf("%zu,%d,%.4g", p, met, miss);
    for (double v : info.numbers[p]) std::printf(",%.6g", v);
    for (const auto& r : results[p]) std::printf(",%.4g", r.value.mean);
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
