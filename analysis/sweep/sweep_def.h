#pragma once
// A sweep: a base scenario, the parameters to vary and how (the design), replicates and their
// seeds, and what to record from each run. Read from SWEEP.yaml with the scenario loader's strictness.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sensitivity/designs.h"
#include "core/month.h"
#include "scenario/loader.h"

namespace geosim::sweep {

/// How a parameter's values are drawn from the unit interval.
enum class Distribution { levels, uniform, log_uniform, normal, triangular };

/// One varied scenario key.
struct Parameter {
  std::string path;  // as for --set: "behaviour.bass_q", "labs.deepseek.open"
  Mark mark;
  Distribution distribution = Distribution::uniform;
  std::vector<std::string> levels;  // levels: YAML text of each value, in order
  double a = 0, b = 0, c = 0;       // uniform/log_uniform: low, high; normal: mean, sd; triangular: low, mode, high
  double key_min = 0, key_max = 0;  // the scenario key's declared range (normal draws are clipped to it)
  bool integer = false;             // the key holds whole numbers: values are rounded
  bool numeric = true;              // values are numbers (false for levels such as true/false)
  bool from_range = false;          // levels spaced over a range (grid with count): ordered, so their ends bound them

  /// The value for a coordinate u in [0, 1] (levels: the level u selects), as YAML text.
  std::string value_text(double u) const;
  /// The same as a number (NaN for non-numeric levels).
  double value(double u) const;
  /// The coordinate a value has in a range (uniform or log): the inverse of value(); NaN for other
  /// distributions. Outside [0, 1] for a value outside the range.
  double unit_of(double value) const;
};

/// One number recorded from each run: a metric of a scope at a month, or its mean over a window.
struct Record {
  std::string name;    // column name in the store
  std::string metric;  // e.g. "open_share"
  std::string scope;   // "world", "nation:CN", ...
  Month from, to;      // from == to: the value at that month
  Mark mark;
};

/// A whole series stored for every run. As written in the sweep file, metric and scope may hold
/// wildcards ('*': any run of characters, e.g. scope nation:* or metric chip_share.*); a loaded
/// sweep holds only the pairs they matched (expand_series).
struct SeriesRequest {
  std::string metric, scope;
  Mark mark;
};

/// Whether `text` matches `pattern`, in which '*' stands for any run of characters (none included).
bool wildcard_match(const std::string& pattern, const std::string& text);

/// The requests with each wildcard one replaced by the (scope, metric) pairs of `outputs` it matches,
/// in the order of `outputs` (the order a run writes its rows), less pairs already requested before
/// it. A wildcard request that matches nothing adds a problem naming it to `problems`.
std::vector<SeriesRequest> expand_series(const std::vector<SeriesRequest>& requests,
                                         const std::vector<std::pair<std::string, std::string>>& outputs, std::vector<Diagnostic>& problems);

/// A loaded, checked sweep.
struct SweepDef {
  std::string name;
  std::string file;                 // the sweep file as given
  std::string base;                 // the base scenario's path (resolved against the sweep file)
  std::vector<Override> fixed;      // `set:` overrides applied to every run
  int months = 0;                   // > 0: simulate only this many months, as `geosim run --months`
  Month start;                      // first simulated month of every run
  int run_months = 0;               // months every run simulates (the base scenario's, or `months`)
  std::string method = "grid";      // grid, lhs, sobol, saltelli, morris
  std::size_t samples = 0;          // lhs and sobol: points; saltelli: base points
  std::size_t trajectories = 0;     // morris
  std::size_t morris_levels = 4;    // morris grid levels
  analysis::Sequence sequence = analysis::Sequence::sobol_scrambled;
  std::uint64_t design_seed = 1;
  std::vector<Parameter> parameters;
  // Method "points" (made by geosim compare, not a sweep file's): each point's values as YAML text;
  // the parameters' ranges span them.
  std::vector<std::vector<std::string>> given;
  std::size_t replicates = 1;
  bool common_seeds = true;  // replicate r runs with seed base + r at every point (else a seed per run)
  std::uint64_t seed_base = 1;
  std::vector<Record> records;
  std::vector<SeriesRequest> series;
  std::string identity;  // hash of everything that decides the results: the store checks it on resume
  std::size_t points = 0;             // design points, counted before any is made
  std::size_t largest_world = 0;      // bytes of the largest world a run allocates (estimate_memory)
  std::int64_t largest_adopters = 0;  // that world's population
};

/// The schema key a --set path addresses: agents are addressed by id ("labs.deepseek.open" is
/// "labs[].open"); a map keyed by agent ids ("labs.deepseek.affinity.huawei") is its map key. nullptr
/// when the path names no key.
const KeySpec* schema_key_for(const std::string& path);

/// The most runs a sweep may plan: its plan and bookkeeping (a bit and, while pending, 8 bytes a run)
/// are held in memory, and 10^8 runs of even a small world take days on a cluster.
inline constexpr std::int64_t max_sweep_runs = 100'000'000;

/// Bytes a sweep needs beyond its worlds: the plan (values as text and numbers) and the lists of runs.
std::size_t plan_memory(const SweepDef& sweep);

/// Refuses, naming the limit, a sweep whose plan and `concurrent` worlds at once would not fit in
/// memory (core/memory.h), exactly as `geosim run` refuses a population; throws BadInput.
void check_sweep_memory(const SweepDef& sweep, std::size_t concurrent);

/// The scenario of one run: the merged base tree (with its overrides applied) built and cut to the
/// sweep's `months`. Throws DiagnosticError when the scenario is refused.
ScenarioDef build_run_scenario(const SweepDef& sweep, const Node& tree);

/// The keys a sweep file may hold, with their meaning (for errors and docs/sweeps.md).
struct SweepKey {
  std::string path, meaning;
};
const std::vector<SweepKey>& sweep_keys();

/// A file read with the sweep loader: a sweep file, or another file that shares the sweep's keys for
/// its runs but designs its points itself (a calibration file: `geosim calibrate`).
struct SweepFormat {
  const std::vector<SweepKey>* keys;  // the top-level keys the file may hold (nested keys are the sweep's)
  std::string method;                 // the design method it fixes ("" : the file's design.method)
  std::string noun;                   // what the file is called in messages: "sweep", "calibration"
};
const SweepFormat& sweep_format();

/// Collects a file's problems, so that a refusal lists all of them (the sweep, calibration and goal loaders).
struct Problems {
  std::vector<Diagnostic> list;
  void add(const Mark& m, const std::string& msg) { list.push_back(Diagnostic{m, msg}); }
};

/// Refuses top-level keys that the file's format does not know.
void check_top_keys(const Node& root, const SweepFormat& format, Problems& p);

/// The whole number in [min, max] at `n`; else `min`, with a problem naming `what`.
std::uint64_t whole_at(const Node& n, const std::string& what, std::uint64_t min, std::uint64_t max, Problems& p);

/// Loads and checks a sweep file; throws DiagnosticError listing every problem (file:line:col).
SweepDef load_sweep(const std::string& path);

/// The sweep keys of a file already read (`root`, parsed from `text`) in the given format; its other
/// top-level keys are its format's to read. Throws DiagnosticError as load_sweep.
SweepDef sweep_from_tree(const Node& root, const std::string& text, const std::string& path, const SweepFormat& format);

}  // namespace geosim::sweep
