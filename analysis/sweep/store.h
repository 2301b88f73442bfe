#pragma once
// The results store of a sweep: one SQLite file (WAL) with the sweep's definition, its design points,
// one row per finished run (parameters, seed, status, recorded numbers) and, when asked for, whole
// series. Runs are written in batches, one transaction each, so a crash loses at most the batch in
// flight and a rerun of the same command finishes the rest.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "analysis/sweep/evaluate.h"

struct sqlite3;

namespace geosim::sweep {

/// A finished run as stored.
struct StoredRun {
  std::int64_t run = 0;
  std::size_t point = 0, replicate = 0;
  std::uint64_t seed = 0;
  bool ok = false;
  std::string error;
  std::vector<double> records;  // NaN where the run failed
};

/// What a store says about its sweep, enough to analyse it without the sweep file.
struct StoreInfo {
  std::string name, method, sequence, identity, shard;
  std::size_t replicates = 1, samples = 0, trajectories = 0, morris_levels = 0;
  std::uint64_t design_seed = 0;
  Month start;
  int months = 0;
  std::int64_t planned_runs = 0;
  std::vector<std::string> parameters;      // key paths
  std::vector<std::string> records;         // record names
  std::vector<std::string> record_metrics;  // each record's metric
  std::vector<std::string> record_scopes;   // and its scope ("world", "nation:CN", ...)
  std::vector<std::string> series;          // "metric@scope" of each series request
  analysis::Design unit;                    // design points in [0, 1]
  std::vector<std::vector<double>> numbers; // per point, per parameter (NaN for non-numeric levels)
  std::vector<std::vector<std::string>> values;  // per point, per parameter: the value as YAML text
  // Per parameter: its levels as YAML text, in the order design points first use them, for a
  // categorical one (non-numeric levels such as true/false at some point); empty for a numeric one.
  std::vector<std::vector<std::string>> levels;
  std::string sweep_file;                   // the sweep file, as the sweep ran
  // A store whose plan grows (grows_by_waves: a calibration's waves, a solve's evaluations): per wave
  // its first point and its number of points, in order, covering every point. Empty for a sweep.
  std::vector<std::pair<std::size_t, std::size_t>> waves;
};

/// Whether stores of a design method grow by waves of points that the method chooses as it goes:
/// history_matching (geosim calibrate) and solve (geosim solve), not a sweep's fixed design.
bool grows_by_waves(const std::string& method);

/// The plan of every point a store holds, as stored (for a growing store, its waves' points so far).
Plan stored_plan(const StoreInfo& info);

/// An open store.
class Store {
 public:
  /// Opens `path` for `sweep`, creating it if needed. An existing store must come from the same sweep
  /// (same identity) and the same shard ("" for a whole sweep, "i/n" for a shard).
  static Store for_sweep(const std::string& path, const SweepDef& sweep, const Plan& plan, const std::string& shard);
  /// Opens an existing store for reading.
  static Store open(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const StoreInfo& info() const { return info_; }
  /// Which runs have a row (finished, successfully or not), indexed by run number: a bit per planned
  /// run, so that resuming a sweep of 10^8 runs does not take gigabytes of set nodes.
  std::vector<bool> finished_runs() const;
  /// Adds a wave's design points to a growing store (grows_by_waves): `all` is the plan of every wave so
  /// far, its points from `first` on are the new wave's. One transaction, with the planned runs.
  void append_wave(const Plan& all, std::size_t first, const SweepDef& sweep);
  /// Writes a batch of results in one transaction.
  void write(const std::vector<RunResult>& batch, const Plan& plan, const SweepDef& sweep);
  /// Every run row, in run order; or those numbered from `first` up to, not including, `last`.
  std::vector<StoredRun> runs(std::int64_t first = 0, std::int64_t last = INT64_MAX) const;
  /// Series request `request` of every successful run: run numbers and their monthly values.
  std::vector<std::pair<std::int64_t, std::vector<double>>> series(std::size_t request) const;
  /// All stored results as canonical text (no timestamps or shard labels): two stores with the same
  /// rows give the same text, whatever order the rows were written in.
  std::string dump() const;
  /// Joins shard stores into `out` (created if missing); refuses stores of another sweep and runs
  /// stored twice with different results. Returns the number of runs in `out`.
  static std::int64_t merge(const std::string& out, const std::vector<std::string>& inputs);

 private:
  Store(sqlite3* db, std::string path);
  /// Reads the store's description, checking that it is whole: every meta value, every design point
  /// of every parameter, every column of the runs table (throws BadInput naming what is damaged).
  void load_info();
  sqlite3* db_ = nullptr;
  std::string path_;
  StoreInfo info_;
};

}  // namespace geosim::sweep
