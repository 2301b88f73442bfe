// `geosim attribute`: a what-if's effect split among the model's mechanisms or the what-if's own
// events by Shapley values, every coalition run on the same points and seeds; rerun to resume.
#include <tbb/global_control.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "analysis/attribution/attribution.h"
#include "analysis/cli/long_command.h"
#include "analysis/compare/run_compare.h"
#include "analysis/report/attribution_report.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::attribution {
namespace {

struct CommandOptions : cli::LongOptions {
  AttributeOptions attribute;
  std::string out;
};

int attribute_command(const CommandOptions& o) {
  const Attribution a = load_attribution(o.attribute);
  const int threads = o.thread_count();
  for (const auto& side : a.side) sweep::check_sweep_memory(side, static_cast<std::size_t>(threads));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  cli::watch_stop_signals();
  cli::BatchProgress bar(o.quiet);
  const std::string out = o.out.empty() ? (std::filesystem::path("attribute") / (std::filesystem::path(o.attribute.compare.whatif).stem().string() + "-" + o.attribute.over)).string()
                                        : o.out;
  // The sides are run as a comparison's are: the same folder layout, checks and resume.
  compare::Comparison sides = a.comparison;
  sides.side[0] = a.side[0], sides.side[1] = a.side[1];
  const auto run = compare::run_comparison(sides, out, cli::stop_requested(),
                                           [&](int side, std::int64_t done, std::int64_t total) { bar.update(side == 0 ? "baseline runs" : "what-if runs", done, total); },
                                           o.batch);
  bar.finish();
  if (run.interrupted) {
    std::fprintf(stderr, "geosim attribute: interrupted; the stores in %s hold every run finished so far. Run the same command again to go on.\n", out.c_str());
    return exit_code::interrupted;
  }
  const auto results = analyse(a, sweep::Store::open(compare::side_store(out, 0)), sweep::Store::open(compare::side_store(out, 1)));
  const auto files = report::write_attribution_report(a, results, out);
  if (!o.quiet) {
    const auto ran = run.side[0].ran + run.side[1].ran;
    const double seconds = run.side[0].seconds + run.side[1].seconds;
    std::printf("geosim attribute: %s against %s over %zu %s, %zu coalitions%s x %zu points x %zu seeds = %lld runs (%lld run now in %.1f s, %.1f runs/s, %d threads)\n",
                a.comparison.whatif.name.c_str(), a.comparison.baseline.name.c_str(), a.players.size(), a.over_events ? "events" : "mechanisms",
                a.coalitions.size(), a.orders.empty() ? "" : " (sampled orders)", a.comparison.points.size(), a.comparison.seeds,
                static_cast<long long>(run.side[0].planned + run.side[1].planned), static_cast<long long>(ran), seconds,
                seconds > 0 ? static_cast<double>(ran) / seconds : 0.0, threads);
    std::printf("%s", report::attribution_summary(a, results).c_str());
    std::printf("geosim attribute: wrote %s\n", files.front().c_str());
  }
  return exit_code::ok;
}

// clang-format off
const geosim::cli::Registration attribute_registration{[](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<CommandOptions>();
  auto* cmd = app.add_subcommand("attribute", "Split a what-if's effect among the model's mechanisms or its events by Shapley values (docs/attribute.md); rerun to resume");
  cmd->add_option("whatif", o->attribute.compare.whatif, "The what-if scenario")->required();
  cmd->add_option("baseline", o->attribute.compare.baseline, "The baseline (default: the scenario the what-if extends)");
  cmd->add_option("--over", o->attribute.over, "Players: the model's mechanisms, or the what-if's own events")->check(CLI::IsMember({"mechanisms", "events"}))->capture_default_str();
  cmd->add_option("--player", o->attribute.players, "Only these players (mechanism names, or event ids and group names; repeatable)");
  cmd->add_option("--group", o->attribute.groups, "NAME=ID+ID: events that play as one player (repeatable)");
  cmd->add_option("--output", o->attribute.compare.outputs, "METRIC@SCOPE to attribute at --at, besides the claims ('*' matches any characters; repeatable)");
  cmd->add_option("--at", o->attribute.at, "Month of the --output values (default: the last month run)");
  cmd->add_option("--plausible", o->attribute.compare.plausible, "CSV of parameter points to attribute over (default: none, the scenarios' own values)");
  cmd->add_option("--points", o->attribute.compare.points, "Plausible points used, the first N of the file")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--seeds", o->attribute.compare.seeds, "Seeds per point and coalition, the same for both scenarios")->check(CLI::Range(2, 10000))->capture_default_str();
  cmd->add_option("--seed-base", o->attribute.compare.seed_base, "First seed")->check(CLI::Range(0.0, 9007199254740991.0))->capture_default_str();
  cmd->add_option("--set", o->attribute.compare.sets, "KEY=VALUE applied to both scenarios, as geosim run --set (repeatable)");
  cmd->add_option("--months", o->attribute.compare.months, "Simulate only this many months")->check(CLI::Range(1, 1200));
  cmd->add_option("--orders", o->attribute.orders, "Orders of the players sampled when there are more than 12")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--order-seed", o->attribute.order_seed, "Seed of the sampled orders")->capture_default_str();
  cmd->add_option("--out", o->out, "Folder for the two stores, report.md, shapley.csv, interactions.csv, coalitions.csv and figures (default: attribute/WHATIF-OVER)");
  cli::add_long_options(*cmd, *o);
  return [cmd, o]() -> int { return *cmd ? cli::refusing_input("geosim attribute: scenario", [&] { return attribute_command(*o); }) : -1; };
}};
// clang-format on

}  // namespace
}  // namespace geosim::attribution
