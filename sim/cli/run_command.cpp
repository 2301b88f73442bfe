#include "cli/run_command.h"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/checkpoint_file.h"
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

int validate_command(const std::string& scenario, const std::vector<Override>& overrides) {
  try {
    ScenarioDef def = load_scenario(scenario, overrides);
    std::printf("%s: ok: scenario '%s', %s to %s, %lld adopters, %zu nations, %zu labs (%zu model lines), %zu chipmakers, %zu events\n",
                scenario.c_str(), def.name.c_str(), def.start.str().c_str(), (def.start + (def.months - 1)).str().c_str(),
                static_cast<long long>(def.population.adopters), def.nations.size(), def.labs.size(), def.labs.size() + def.lines.size(),
                def.chipmakers.size(), def.events.size());

    return 0;
  } catch (const DiagnosticError& e) {
    print_refusal(e);
    return 2;
  }
}

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted = true;
}

/// A scenario name as a folder name: anything but letters, digits, '-', '_' and '.' becomes '_'.
std::string file_safe(std::string name) {
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return name.empty() || name[0] == '.' ? "scenario" + name : name;
}

/// Reads a whole file; throws std::runtime_error when it cannot.
std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

/// Refuses a population the machine cannot hold; returns an exit code, or 0 to go on.
int check_memory(const ScenarioDef& def) {
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
  return 0;
}

/// The scenario a branch may start from a checkpoint of: same start, population, seed and agents.
std::string branch_mismatch(const ScenarioDef& base, const ScenarioDef& whatif, Month at) {
  if (base.start != whatif.start) return "it starts in " + whatif.start.str() + ", the checkpoint's scenario in " + base.start.str();
  if (!(at < whatif.start + whatif.months)) return "it ends before the branch month " + at.str();
  if (base.seed != whatif.seed) return "its seed differs from the checkpoint's scenario";
  const auto& a = base.population;
  const auto& b = whatif.population;
  if (a.adopters != b.adopters || a.sector_weights != b.sector_weights || a.size_sigma != b.size_sigma || a.risk_sigma != b.risk_sigma ||
      a.network != b.network || a.degree != b.degree || a.rewire != b.rewire || a.initial_adoption != b.initial_adoption)
    return "its population differs from the checkpoint's scenario";
  auto ids = [](const auto& list) {
    std::vector<std::string> out;
    for (const auto& x : list) out.push_back(x.id);
    return out;
  };
  if (ids(base.nations) != ids(whatif.nations) || ids(base.labs) != ids(whatif.labs) || ids(base.lines) != ids(whatif.lines) ||
      ids(base.chipmakers) != ids(whatif.chipmakers))
    return "its nations, labs, lines or chipmakers (or their order) differ from the checkpoint's scenario";
  for (std::size_t n = 0; n < base.nations.size(); ++n)
    if (base.nations[n].adopter_weight != whatif.nations[n].adopter_weight) return "its nations' adopter weights differ";
  return "";
}

}  // namespace

int run_command(const RunOptions& options) {
  ScenarioDef def;       // the scenario this run follows from now on
  std::string resolved;  // scenario.resolved.yaml of this run
  std::string history;   // for a branch: the resolved scenario of the shared history
  std::string series_so_far;
  ScenarioDef history_def;  // for a branch: the scenario of the shared history
  CheckpointFile loaded;
  const bool continuing = !options.resume.empty() || !options.from.empty();
  try {
    if (continuing) loaded = read_checkpoint(options.resume.empty() ? options.from : options.resume);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "geosim: %s; nothing was written\n", e.what());
    return 2;
  }
  try {
    if (!options.resume.empty()) {
      def = load_scenario_text(loaded.scenario_yaml, options.resume + " (its scenario)");
      resolved = loaded.scenario_yaml;
    } else {
      def = load_scenario(options.scenario, options.overrides);
      if (options.months > 0) {
        std::size_t dropped = set_horizon(def, options.months);
        if (dropped > 0 && !options.quiet)
          std::fprintf(stderr, "geosim: --months %d ends the run in %s; %zu later event%s will not happen\n", options.months,
                       (def.start + (def.months - 1)).str().c_str(), dropped, dropped == 1 ? "" : "s");
      }
      resolved = resolved_yaml(def);
    }
    if (!options.from.empty()) {
      ScenarioDef base = load_scenario_text(loaded.scenario_yaml, options.from + " (its scenario)");
      std::string why = branch_mismatch(base, def, loaded.month);
      if (!why.empty()) {
        std::fprintf(stderr, "geosim: %s cannot branch from %s: %s; nothing was written\n", options.scenario.c_str(), options.from.c_str(),
                     why.c_str());
        return 2;
      }
      history = loaded.scenario_yaml;
      history_def = base;
    }
  } catch (const DiagnosticError& e) {
    print_refusal(e);
    return 2;
  }
  std::optional<Month> checkpoint_at;
  if (!options.checkpoint_at.empty()) {
    checkpoint_at = parse_month(options.checkpoint_at);
    const Month first = continuing ? loaded.month : def.start;
    if (!checkpoint_at || *checkpoint_at <= first || def.start + def.months < *checkpoint_at) {
      std::fprintf(stderr, "geosim: --checkpoint-at %s: expected a month YYYY-MM after %s and at most %s; nothing was written\n",
                   options.checkpoint_at.c_str(), first.str().c_str(), (def.start + def.months).str().c_str());
      return 2;
    }
    // Find out now, not months into the run, that the checkpoint cannot be written.
    const std::string probe = options.checkpoint + ".partial";
    if (!std::ofstream(probe, std::ios::binary)) {
      std::fprintf(stderr, "geosim: --checkpoint %s: cannot write there; nothing was written\n", options.checkpoint.c_str());
      return 2;
    }
    fs::remove(probe);
  }
  if (int code = check_memory(def)) return code;

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::string out_dir = options.out.empty() ? "runs/" + file_safe(def.name) + "-" + timestamp() : options.out;
  const std::string marker = out_dir + "/INCOMPLETE";
  interrupted = false;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  try {
    auto t0 = std::chrono::steady_clock::now();
    World world(def);
    if (continuing) {
      ByteReader state(loaded.state);
      try {
        world.load_state(state, options.from.empty() ? nullptr : &history_def);
      } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "geosim: %s: %s; nothing was written\n", (options.resume.empty() ? options.from : options.resume).c_str(),
                     e.what());
        return 2;
      }
      series_so_far = loaded.series;
    }
    fs::create_directories(out_dir);
    // The marker goes first and leaves last: a directory holding it is not a finished run.
    write_text(marker, "geosim run started; not finished. Delete this directory or run again.\n");
    write_text(out_dir + "/scenario.resolved.yaml", resolved);
    if (!history.empty()) write_text(out_dir + "/history.resolved.yaml", history);
    SeriesWriter series(out_dir + "/series.csv", series_so_far);
    ProgressBar bar(def.months - world.months_done(), "months", progress_wanted(options.quiet));
    const int first = world.months_done();
    auto checkpoint_due = [&] { return checkpoint_at && def.start + world.months_done() == *checkpoint_at; };
    auto save_checkpoint = [&] {
      series.flush();
      ByteWriter state;
      world.save_state(state);
      write_checkpoint(options.checkpoint, {def.name, resolved, *checkpoint_at, read_text(out_dir + "/series.csv"), state.data()});
    };
    while (!world.done()) {
      if (checkpoint_due()) save_checkpoint();
      if (interrupted) {
        series.close();
        bar.finish();
        write_text(marker,
                   "geosim run interrupted after " + (def.start + (world.months_done() - 1)).str() + "; series.csv is incomplete.\n");
        std::fprintf(stderr, "geosim: interrupted after %s; %s is marked incomplete\n",
                     (def.start + (world.months_done() - 1)).str().c_str(), out_dir.c_str());
        return 130;
      }
      world.step();
      series.write(world.last_month(), world.outputs());
      bar.update(world.months_done() - first);
    }
    if (checkpoint_due()) save_checkpoint();
    series.close();
    bar.finish();
    fs::remove(marker);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!options.quiet) print_summary(world, out_dir, seconds, threads);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "geosim: internal failure: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace geosim
