#include "cli/run_command.h"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
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
#include <map>
#include <optional>
#include <sstream>

#include "cli/checkpoint_file.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/run_record.h"
#include "core/csv.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/memory.h"
#include "core/output_file.h"
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
  std::printf("\nWrote %s/series.csv, %s/scenario.resolved.yaml and %s/run.json\n", out_dir.c_str(), out_dir.c_str(), out_dir.c_str());
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
    return exit_code::bad_input;
  }
}

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted = true;
}

/// A scenario name as a folder name: anything but letters, digits, '-', '_' and '.' becomes '_', and
/// a long name is cut, so that the folder name (with its timestamp) stays within what file systems allow.
std::string file_safe(std::string name) {
  constexpr std::size_t longest = 100;
  if (name.size() > longest) name.resize(longest);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return name.empty() || name[0] == '.' ? "scenario" + name : name;
}

constexpr const char* event_log_header = "month,id,fired_by,condition_met,note";

/// The run's event log: each event applied, in order (month,id,fired_by,condition_met,note; fired_by:
/// date or trigger; condition_met: for a triggered event, the month whose outputs fired it).
std::string event_log_csv(const World& world) {
  std::string out = std::string(event_log_header) + "\n";
  for (const auto& a : world.event_log()) {
    const EventDef& ev = world.params().events[a.event];
    out.append(a.at.str()).append(",").append(csv_field(ev.id)).append(a.triggered ? ",trigger," + (a.at + -1).str() + "," : ",date,,").append(csv_field(ev.note)).append("\n");
  }
  return out;
}

/// The months an earlier run's triggered events fired, from its events.csv: checked against `def`'s
/// triggered events (by id) and period. Throws BadInput naming the file and line.
std::map<std::string, Month> read_event_log(const std::string& path, const ScenarioDef& def) {
  std::istringstream in(read_input(path, "event log"));
  // A log saved by a spreadsheet may end its lines with CR LF.
  auto next_line = [&in](std::string& line) {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  std::string line;
  if (!next_line(line) || line != event_log_header)
    throw BadInput(path + ": not an event log (its first line is not '" + event_log_header + "', as geosim run writes events.csv)");
  std::map<std::string, Month> fired;
  const Month first = def.start, last = def.start + (def.months - 1);
  for (std::size_t next_row = 2, row = 2; next_line(line); row = ++next_row) {
    // A quoted note may hold line breaks: a record ends where its quotes are balanced.
    for (std::string more; std::count(line.begin(), line.end(), '"') % 2 == 1 && next_line(more); ++next_row) line += "\n" + more;
    const std::string at = path + ":" + std::to_string(row) + ": ";
    const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos || c3 == std::string::npos) throw BadInput(at + "expected " + event_log_header);
    if (line.substr(c2 + 1, c3 - c2 - 1) != "trigger") continue;
    const std::string when = line.substr(0, c1), id = line.substr(c1 + 1, c2 - c1 - 1);
    const auto month = parse_month(when);
    if (!month) throw BadInput(at + "month '" + when + "' is not a month written YYYY-MM");
    if (!std::any_of(def.events.begin(), def.events.end(), [&](const EventDef& e) { return e.when && e.id == id; }))
      throw BadInput(at + "'" + id + "' is not one of this scenario's triggered events (a replay fires those by their id)");
    if (*month <= first || last < *month)
      throw BadInput(at + "'" + id + "' takes effect in " + when + ", outside " + (first + 1).str() + " to " + last.str() +
                     " (a trigger fires on a month's outputs, so its event takes effect from the second month of the run)");
    if (fired.count(id)) throw BadInput(at + "'" + id + "' fires a second time (a triggered event fires at most once)");
    fired[id] = *month;
  }
  return fired;
}

/// The files a run writes into its output folder; a checkpoint must be none of them.
const char* const run_outputs[] = {"series.csv", "scenario.resolved.yaml", "history.resolved.yaml", "events.csv", "run.json", "INCOMPLETE"};

/// Refuses a --checkpoint that would destroy something: one of the run's own outputs, a folder, or a
/// file that is not a geosim checkpoint (a scenario, say); and one that cannot be written at all.
void check_checkpoint_path(const std::string& checkpoint, const std::string& out_dir) {
  std::error_code ec;
  auto same = [&](const fs::path& a, const fs::path& b) { return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec); };
  if (same(checkpoint, out_dir)) throw BadInput("--checkpoint " + checkpoint + " is the run's output folder; name a file");
  for (const char* name : run_outputs)
    if (same(checkpoint, fs::path(out_dir) / name) || same(partial_path(checkpoint), fs::path(out_dir) / name))
      throw BadInput("--checkpoint " + checkpoint + " is the run's own " + name + "; give the checkpoint a name of its own (e.g. " +
                     (fs::path(out_dir) / "state.ckpt").string() + ")");
  const fs::file_status st = fs::status(checkpoint, ec);
  if (fs::is_directory(st)) throw BadInput("--checkpoint " + checkpoint + " is a folder; name the checkpoint file to write");
  if (fs::exists(st)) {
    std::ifstream in(checkpoint, std::ios::binary);
    char head[sizeof checkpoint_magic] = {};
    if (!fs::is_regular_file(st) || !in.read(head, sizeof head) || std::string(head, sizeof head) != std::string(checkpoint_magic, sizeof head))
      throw BadInput("--checkpoint " + checkpoint + " exists and is not a geosim checkpoint; refusing to replace it");
  }
  // Find out now, not months into the run, that the checkpoint cannot be written.
  const std::string probe = partial_path(checkpoint);
  if (fs::is_directory(probe, ec) || !std::ofstream(probe, std::ios::binary))
    throw BadInput("--checkpoint " + checkpoint + ": cannot write " + probe + " (does its folder exist?)");
  fs::remove(probe, ec);
}

/// Refuses a population the machine cannot hold (the same check a sweep makes for each of its runs).
void check_memory(const ScenarioDef& def) {
  if (auto shortfall = memory_shortfall(estimate_memory(def)))
    throw BadInput("scenario refused: " + std::to_string(def.population.adopters) + " adopters " + *shortfall +
                   "; lower population.adopters (or the network degree)");
}

/// A resumed checkpoint's embedded series must end the month before the one it resumes at: the run
/// appends to it, and a forged or mixed-up series would make a series.csv that skips or repeats months.
void check_series_so_far(const std::string& series, Month next, const std::string& file) {
  const std::string header(series_header);
  if (series.rfind(header, 0) != 0) throw BadInput(file + ": the checkpoint's series does not start with the series.csv header");
  if (series.size() == header.size()) throw BadInput(file + ": the checkpoint's series has no months");
  if (series.back() != '\n') throw BadInput(file + ": the checkpoint's series ends in the middle of a row");
  const std::size_t last = series.rfind('\n', series.size() - 2) + 1;
  const auto month = parse_month(std::string_view(series).substr(last, 7));
  if (!month || !(*month + 1 == next))
    throw BadInput(file + ": the checkpoint's series ends in " + (month ? month->str() : std::string("an unreadable row")) +
                   ", not the month before " + next.str());
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
  RunRecord record;
  record.started = std::chrono::system_clock::now();
  const auto started = std::chrono::steady_clock::now();
  ScenarioDef def;       // the scenario this run follows from now on
  std::string resolved;  // scenario.resolved.yaml of this run
  std::string history;   // for a branch: the resolved scenario of the shared history
  std::string series_so_far;
  ScenarioDef history_def;  // for a branch: the scenario of the shared history
  CheckpointFile loaded;
  const bool continuing = !options.resume.empty() || !options.from.empty();
  const std::string checkpoint_in = options.resume.empty() ? options.from : options.resume;
  if (continuing) loaded = read_checkpoint(checkpoint_in);
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
      if (!why.empty()) throw BadInput(options.scenario + " cannot branch from " + options.from + ": " + why + "; nothing was written");
      history = loaded.scenario_yaml;
      history_def = base;
    }
  } catch (const DiagnosticError& e) {
    print_refusal(e);
    return exit_code::bad_input;
  }
  const std::string out_dir = options.out.empty() ? "runs/" + file_safe(def.name) + "-" + timestamp() : options.out;
  check_output_dir(out_dir, "--out");
  std::optional<Month> checkpoint_at;
  if (!options.checkpoint_at.empty()) {
    checkpoint_at = parse_month(options.checkpoint_at);
    const Month first = continuing ? loaded.month : def.start;
    if (!checkpoint_at || *checkpoint_at <= first || def.start + def.months < *checkpoint_at)
      throw BadInput("--checkpoint-at " + options.checkpoint_at + ": expected a month YYYY-MM after " + first.str() + " and at most " +
                     (def.start + def.months).str() + "; nothing was written");
    check_checkpoint_path(options.checkpoint, out_dir);
  }
  check_memory(def);

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  record.command_line = options.command_line;
  record.scenario = def.name;
  record.scenario_file = options.scenario;
  record.resolved_yaml = resolved;
  record.resumed_from = options.resume;
  record.branched_from = options.from;
  record.seed = def.seed;
  // The loops run in this thread's arena, which holds as many threads as TBB found cores: a --threads
  // above that is not what runs.
  record.threads = std::min(threads, tbb::this_task_arena::max_concurrency());
  record.threads_requested = options.threads;
  const std::string marker = out_dir + "/INCOMPLETE";
  interrupted = false;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  auto t0 = std::chrono::steady_clock::now();
  World world(def);
  if (!options.replay_events.empty()) {
    if (continuing) throw BadInput("--replay-events replays a run from its first month; not with --resume or --from");
    world.replay_triggers(read_event_log(options.replay_events, def));
  }
  if (continuing) {
    ByteReader state(loaded.state);
    try {
      world.load_state(state, options.from.empty() ? nullptr : &history_def);
    } catch (const std::runtime_error& e) {
      throw BadInput(checkpoint_in + ": " + e.what() + "; nothing was written");
    }
    if (!(def.start + world.months_done() == loaded.month))
      throw BadInput(checkpoint_in + ": the checkpoint says it resumes at " + loaded.month.str() + " but its state is at " +
                     (def.start + world.months_done()).str() + "; nothing was written");
    check_series_so_far(loaded.series, loaded.month, checkpoint_in);
    series_so_far = loaded.series;
  }
  make_output_dir(out_dir, "--out");
  // The marker goes first and leaves last: a directory holding it is not a finished run.
  write_file_atomically(marker, "geosim run started; not finished. Delete this directory or run again.\n");
  std::error_code no_record;
  fs::remove(out_dir + "/run.json", no_record);  // an earlier run's, in a reused folder, is not this run's
  try {
    write_file_atomically(out_dir + "/scenario.resolved.yaml", resolved);
    if (!history.empty()) write_file_atomically(out_dir + "/history.resolved.yaml", history);
    SeriesWriter series(out_dir + "/series.csv", series_so_far);
    ProgressBar bar(def.months - world.months_done(), "months", progress_wanted(options.quiet));
    const int first = world.months_done();
    // run.json is written as the run ends, finished or interrupted; a failed run keeps its INCOMPLETE marker instead.
    auto write_record = [&](const char* status) {
      record.status = status;
      if (world.months_done() > first) record.first_month = (def.start + first).str(), record.last_month = world.last_month().str();
      record.ended = std::chrono::system_clock::now();
      record.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      write_file_atomically(out_dir + "/run.json", run_record_json(record));
    };
    auto checkpoint_due = [&] { return checkpoint_at && def.start + world.months_done() == *checkpoint_at; };
    auto save_checkpoint = [&] {
      series.flush();
      ByteWriter state;
      world.save_state(state);
      write_checkpoint(options.checkpoint,
                       {def.name, resolved, *checkpoint_at, read_input(out_dir + "/series.csv", "series", max_checkpoint_input), state.data()});
    };
    while (!world.done()) {
      if (checkpoint_due()) save_checkpoint();
      if (interrupted) {
        series.close();
        bar.finish();
        write_record("interrupted");
        write_file_atomically(marker, "geosim run interrupted after " + (def.start + (world.months_done() - 1)).str() +
                                          "; series.csv is incomplete.\n");
        std::fprintf(stderr, "geosim: interrupted after %s; %s is marked incomplete\n",
                     (def.start + (world.months_done() - 1)).str().c_str(), out_dir.c_str());
        return exit_code::interrupted;
      }
      world.step();
      series.write(world.last_month(), world.outputs());
      bar.update(world.months_done() - first);
    }
    if (checkpoint_due()) save_checkpoint();
    series.close();
    write_file_atomically(out_dir + "/events.csv", event_log_csv(world));
    bar.finish();
    write_record("finished");
  } catch (const std::exception& e) {
    // The marker stays, saying why: a folder with a half-written series.csv never looks finished.
    try {
      write_file_atomically(marker, std::string("geosim run failed: ") + e.what() + "; series.csv is incomplete.\n");
    } catch (const std::exception&) {
      // The disk that refused the series may refuse this too; the marker written at the start remains.
    }
    throw;
  }
  fs::remove(marker);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!options.quiet) print_summary(world, out_dir, seconds, record.threads);
  return exit_code::ok;
}

}  // namespace geosim
