#pragma once
// A viewer session as a scenario: the file the user opened, the command line's overrides and seed, and
// every lever pulled so far as a timed event. Written out, it is a scenario that extends the opened
// file and, run headless with `geosim run`, reproduces the session's series.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "scenario/loader.h"

namespace geosim::viz {

/// One lever pull: a settable scenario key given a new value (YAML text) from a month on.
struct LeverPull {
  Month at;
  std::string path;   // key path as in events, e.g. chipmakers.nvidia.export_banned_to
  std::string value;  // YAML, e.g. "[CN, RU]", "0.3", "false"
  std::string event_id;
};

/// The scenario a viewer session runs. Thread-safe: the simulation thread records pulls while the
/// interface reads.
class Session {
 public:
  /// Loads `scenario_path` with `overrides` (a "seed" override sets the seed); throws DiagnosticError
  /// when the scenario is refused.
  Session(std::string scenario_path, std::vector<Override> overrides);

  const std::string& scenario_path() const { return path_; }
  std::uint64_t seed() const;
  /// Seed of the next restart.
  void set_seed(std::uint64_t seed);

  /// The session as scenario text whose `extends` is relative to directory `dir`.
  std::string yaml(const std::string& dir) const;
  /// The scenario with every lever pulled so far.
  ScenarioDef def() const;
  /// The scenario without levers (overrides and seed applied): what a comparison starts from.
  ScenarioDef def_without_levers() const;

  /// Records `path` = `value` from month `at` and returns the event a running world must add;
  /// throws DiagnosticError (nothing recorded) when the scenario would refuse it.
  EventDef pull(Month at, const std::string& path, const std::string& value);
  std::vector<LeverPull> pulls() const;
  void clear_pulls();

  /// Writes the session as a scenario file (complete or not at all); throws WriteFailure when it cannot.
  void save(const std::string& file) const;

 private:
  std::string yaml_locked(const std::string& dir, const std::vector<LeverPull>& pulls) const;
  ScenarioDef load_locked(const std::vector<LeverPull>& pulls) const;

  mutable std::mutex mutex_;
  std::string path_;
  std::vector<Override> overrides_;  // without the seed
  std::uint64_t seed_ = 0;
  std::vector<LeverPull> pulls_;
  int next_id_ = 1;
};

}  // namespace geosim::viz
