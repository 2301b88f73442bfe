#pragma once
// Action scripts that drive the viewer without a person (tests, users' reports). One action a line;
// '#' starts a comment:
//   play | pause | step                 the play controls
//   run-to YYYY-MM                      play until that month is simulated, then pause (waits)
//   wait-end                            wait until the last month is simulated
//   frames N                            let N frames pass
//   set KEY=VALUE                       pull a lever (key path and YAML value as in events)
//   compare self | FILE                 overlay the session without levers, or another scenario
//   ensemble N                          run N seeds in the background and draw their band
//   wait-compare | wait-ensemble        wait until that background run has finished
//   save-scenario FILE | save-series FILE | screenshot FILE
//   quit
#include <string>
#include <vector>

#include "core/month.h"

namespace geosim::viz {

/// One parsed script line.
struct ScriptAction {
  enum class Kind { play, pause, step, run_to, wait_end, frames, set, compare, ensemble, wait_compare, wait_ensemble,
                    save_scenario, save_series, screenshot, quit };
  Kind kind = Kind::play;
  std::string arg;  // file, key path or "self"
  std::string value;
  Month month;
  int count = 0;
  int line = 0;
};

/// Parses a script; throws std::invalid_argument "FILE:LINE: ..." naming the first bad line.
std::vector<ScriptAction> parse_script(const std::string& text, const std::string& file);

/// Reads and parses a script file; throws std::invalid_argument when it cannot.
std::vector<ScriptAction> load_script(const std::string& file);

}  // namespace geosim::viz
