#pragma once
// The lever panel: sliders and toggles for nations' policies, export controls, labs and a few
// behaviour parameters. Values are read from the parameters in force (through the schema's getters)
// and a change is handed on as a key path and YAML value, which the session records as a timed event.
#include <functional>
#include <string>
#include <vector>

#include "model/scenario_def.h"

namespace geosim::viz {

/// A change the user made this frame: key path (as in events) and YAML value.
using PullLever = std::function<void(const std::string& path, const std::string& value)>;

/// What the lever panel remembers between frames.
struct LeverPanelState {
  int nation = 0, lab = 0, chip = 0, line = 0;
  // Values pulled but not yet in force (they take effect next month), shown instead of the current ones.
  std::vector<std::pair<std::string, std::string>> pending;
  int pending_since = -1;  // months done when the first pending value was pulled
};

/// Which agents a lever acts on: the panel's sections.
enum class LeverGroup { nation, chipmaker, lab, line, behaviour };

/// One lever on one key; `lo`/`hi` are the slider's range (narrower than the schema's, to be usable).
struct LeverDef {
  LeverGroup group = LeverGroup::behaviour;
  const char* key = "";  // schema path, e.g. "nations[].deny_frontier_access"
  const char* label = "";
  double lo = 0, hi = 1;
  bool log = false;
};

/// Every lever the panel draws, in order (tests check that each names a key an event may set).
const std::vector<LeverDef>& lever_defs();

/// Draws the lever panel for the parameters in force; calls `pull` for each change.
void draw_levers(LeverPanelState& state, const ScenarioDef& params, int months_done, const PullLever& pull);

}  // namespace geosim::viz
