#pragma once
// `geosim run`: one headless run, from a scenario file to an output directory.
#include <string>
#include <vector>

#include "scenario/loader.h"

namespace geosim {

/// Options of `geosim run` as given on the command line.
struct RunOptions {
  std::string scenario;
  std::string out;                  // empty: runs/<name>-<timestamp>
  std::vector<Override> overrides;  // --set, then --seed
  int months = 0;                   // --months: simulate this many months (0: as the scenario says)
  int threads = 0;                  // 0: all cores
  bool quiet = false;
  std::string checkpoint_at;  // YYYY-MM: save the state at the start of this month ...
  std::string checkpoint;     // ... into this file
  std::string resume;         // continue the run saved in this checkpoint (no scenario)
  std::string from;           // start `scenario` from the state saved in this checkpoint (a branch)
  std::string replay_events;  // an events.csv of an earlier run: its triggered events fire when they did there
  std::vector<std::string> command_line;  // argv, for run.json
};

/// Runs a scenario; returns the process exit code (0 ok, 2 bad input, 1 internal failure).
int run_command(const RunOptions& options);

/// Loads and checks a scenario without running it; returns the exit code.
int validate_command(const std::string& scenario, const std::vector<Override>& overrides);

}  // namespace geosim
