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
  std::string text;  // the line as written, without its comment (for messages)
};

/// Parses a script; throws std::invalid_argument "FILE:LINE: ..." naming the first bad line.
std::vector<ScriptAction> parse_script(const std::string& text, const std::string& file);

/// Reads and parses a script file; throws std::invalid_argument when it cannot.
std::vector<ScriptAction> load_script(const std::string& file);

/// Refuses, before the window opens, a script that can never finish on a run of `months` months from
/// `start`: a wait for the end reached while nothing plays (no play, or a pause, step or run-to since
/// the last one), or a run-to outside the run. `playing` says whether the session plays from the start
/// (--play). Throws std::invalid_argument "FILE:LINE: ..." naming the first such line. What cannot be
/// decided here (a simulation that fails, a background run that never ends) the viewer's
/// --script-timeout catches.
void check_script_can_finish(const std::vector<ScriptAction>& script, Month start, int months, bool playing, const std::string& file);

}  // namespace geosim::viz
