#include "cli/run_command.h"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/progress.h"
#include "core/memory.h"
#include "model/series.h"
#include "model/world.h"

namespace fs = std::filesystem;

namespace geosim {
namespace {

std::string timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

void print_summary(const World& world, const std::string& out_dir, double seconds, int threads) {
  const auto& def = world.params();
  const auto& rows = world.outputs();
  auto get = [&](const std::string& scope, const std::string& metric) { return find_output(rows, scope, metric); };
  std::printf("geosim run: %s, %s to %s, %lld adopters, seed %llu, %d threads, %.2f s\n", def.name.c_str(), def.start.str().c_str(),
              world.last_month().str().c_str(), static_cast<long long>(def.population.adopters), static_cast<unsigned long long>(def.seed),
              threads, seconds);
  std::printf("\nHeadline metrics in %s (world)\n", world.last_month().str().c_str());
  auto line = [](const char* label, double v, const char* unit) {
    if (std::isnan(v)) return;
    std::printf("  %-34s %12.4g %s\n", label, v, unit);
  };
  line("adoption (size-weighted share)", get("world", "adoption"), "");
  for (const char* bloc : {"us", "china", "nonaligned"})
    for (const char* open : {"closed", "open"}) {
      std::string label = std::string("usage share, ") + bloc + " " + open;
      line(label.c_str(), get("world", std::string("usage_share.") + bloc + "_" + open), "");
    }
  line("capability gap US - China", get("world", "capability_gap_us_china"), "capability-months");
  line("lag of best open behind closed", get("world", "open_closed_lag"), "capability-months");
  for (const char* bloc : {"us", "china", "nonaligned"}) {
    std::string label = std::string("influence, ") + bloc;
    line(label.c_str(), get("world", std::string("influence.") + bloc), "share of queries");
  }
  line("price index", get("world", "price_index"), "USD per 1M tokens");
  line("price of the start's frontier", get("world", "price_fixed_capability"), "USD per 1M tokens");
  line("closed labs' revenue", get("world", "revenue_closed_labs") / 1e9, "billion USD per month");
  line("closed-lab value index", get("world", "closed_value_index"), "x first month");
  line("stranded adopters", get("world", "stranded_adopters"), "");
  line("compute lost to materials", get("world", "compute_lost_materials"), "share of demand");
  std::printf("\n  %-20s %6s %12s %12s %12s %14s\n", "lab", "open", "usage share", "capability", "price", "valuation");
  for (const auto& lab : def.labs) {
    std::string scope = "lab:" + lab.id;
    std::printf("  %-20s %6s %12.4f %12.1f %12.4g %14.4g\n", lab.id.c_str(), get(scope, "open") > 0 ? "yes" : "no",
                get(scope, "usage_share"), get(scope, "capability"), get(scope, "price"), get(scope, "valuation"));
  }
  std::printf("\n  %-20s %36s\n", "nation", "rival model / hardware dependency");
  for (const auto& nation : def.nations) {
    std::string scope = "nation:" + nation.id;
    std::printf("  %-20s %17.4f %18.4f\n", nation.id.c_str(), get(scope, "rival_model_dependency"),
                get(scope, "rival_hardware_dependency"));
  }
  std::printf("\nWrote %s/series.csv and %s/scenario.resolved.yaml\n", out_dir.c_str(), out_dir.c_str());
}

}  // namespace

void print_diagnostics(const DiagnosticError& error) {
  for (const auto& d : error.diagnostics()) std::cerr << d.str() << "\n";
  std::cerr << "geosim: scenario refused (" << error.diagnostics().size() << " problem" << (error.diagnostics().size() == 1 ? "" : "s")
            << "); nothing was written\n";
}

int validate_command(const std::string& scenario, const std::vector<Override>& overrides) {
  try {
    ScenarioDef def = load_scenario(scenario, overrides);
    std::printf("%s: ok: scenario '%s', %s to %s, %lld adopters, %zu nations, %zu labs, %zu chipmakers, %zu events\n", scenario.c_str(),
                def.name.c_str(), def.start.str().c_str(), (def.start + (def.months - 1)).str().c_str(),
                static_cast<long long>(def.population.adopters), def.nations.size(), def.labs.size(), def.chipmakers.size(),
                def.events.size());
    return 0;
  } catch (const DiagnosticError& e) {
    print_diagnostics(e);
    return 2;
  }
}

int run_command(const RunOptions& options) {
  ScenarioDef def;
  try {
    def = load_scenario(options.scenario, options.overrides);
    if (options.months > 0) {
      std::size_t dropped = set_horizon(def, options.months);
      if (dropped > 0 && !options.quiet)
        std::fprintf(stderr, "geosim: --months %d ends the run in %s; %zu later event%s will not happen\n", options.months,
                     (def.start + (def.months - 1)).str().c_str(), dropped, dropped == 1 ? "" : "s");
    }
  } catch (const DiagnosticError& e) {
    print_diagnostics(e);
    return 2;
  }
  std::size_t have = 0;
  try {
    have = available_memory();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "geosim: %s; nothing was written\n", e.what());
    return 2;
  }
  const std::size_t need = estimate_memory(def);
  if (have > 0 && need > have) {
    std::fprintf(stderr,
                 "geosim: scenario refused: %lld adopters need about %.2f GiB but only %.2f GiB of memory is available; "
                 "lower population.adopters (or the network degree); nothing was written\n",
                 static_cast<long long>(def.population.adopters), static_cast<double>(need) / (1 << 30),
                 static_cast<double>(have) / (1 << 30));
    return 2;
  }
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));

  std::string out_dir = options.out.empty() ? "runs/" + def.name + "-" + timestamp() : options.out;
  try {
    auto t0 = std::chrono::steady_clock::now();
    World world(def);
    fs::create_directories(out_dir);
    {
      std::ofstream resolved(out_dir + "/scenario.resolved.yaml", std::ios::binary);
      resolved << resolved_yaml(def);
      if (!resolved) throw std::runtime_error("cannot write " + out_dir + "/scenario.resolved.yaml");
    }
    SeriesWriter series(out_dir + "/series.csv");
    ProgressBar bar(def.months, "months", progress_wanted(options.quiet));
    while (!world.done()) {
      world.step();
      series.write(world.last_month(), world.outputs());
      bar.update(world.months_done());
    }
    series.close();
    bar.finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!options.quiet) print_summary(world, out_dir, seconds, threads);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "geosim: internal failure: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace geosim
