#include "viz/script.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/errors.h"
#include "core/input_file.h"

namespace geosim::viz {
namespace {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

}  // namespace

std::vector<ScriptAction> parse_script(const std::string& text, const std::string& file) {
  using K = ScriptAction::Kind;
  std::vector<ScriptAction> out;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string s = trim(raw.substr(0, raw.find('#')));
    if (s.empty()) continue;
    const auto space = s.find_first_of(" \t");
    const std::string verb = s.substr(0, space);
    const std::string arg = space == std::string::npos ? "" : trim(s.substr(space));
    auto fail = [&](const std::string& why) { throw std::invalid_argument(file + ":" + std::to_string(line) + ": " + why); };
    ScriptAction a;
    a.line = line;
    a.text = s;
    auto no_arg = [&](K k) {
      if (!arg.empty()) fail("'" + verb + "' takes nothing after it");
      a.kind = k;
    };
    auto file_arg = [&](K k) {
      if (arg.empty()) fail("'" + verb + "' needs a file name");
      a.kind = k;
      a.arg = arg;
    };
    auto count_arg = [&](K k) {
      try {
        std::size_t used = 0;
        a.count = std::stoi(arg, &used);
        if (used != arg.size() || a.count < 1) throw std::invalid_argument("");
      } catch (const std::exception&) {
        fail("'" + verb + "' needs a whole number above 0, not '" + arg + "'");
      }
      a.kind = k;
    };
    if (verb == "play") no_arg(K::play);
    else if (verb == "pause") no_arg(K::pause);
    else if (verb == "step") no_arg(K::step);
    else if (verb == "wait-end") no_arg(K::wait_end);
    else if (verb == "wait-compare") no_arg(K::wait_compare);
    else if (verb == "wait-ensemble") no_arg(K::wait_ensemble);
    else if (verb == "quit") no_arg(K::quit);
    else if (verb == "frames") count_arg(K::frames);
    else if (verb == "ensemble") count_arg(K::ensemble);
    else if (verb == "compare") file_arg(K::compare);
    else if (verb == "save-scenario") file_arg(K::save_scenario);
    else if (verb == "save-series") file_arg(K::save_series);
    else if (verb == "screenshot") file_arg(K::screenshot);
    else if (verb == "run-to") {
      auto m = parse_month(arg);
      if (!m) fail("'run-to' needs a month written YYYY-MM, not '" + arg + "'");
      a.kind = K::run_to;
      a.month = *m;
    } else if (verb == "set") {
      const auto eq = arg.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) fail("'set' needs KEY=VALUE, e.g. set labs.deepseek.open=false");
      a.kind = K::set;
      a.arg = trim(arg.substr(0, eq));
      a.value = trim(arg.substr(eq + 1));
    } else {
      fail("unknown action '" + verb + "' (expected play, pause, step, run-to, wait-end, frames, set, compare, ensemble, "
           "wait-compare, wait-ensemble, save-scenario, save-series, screenshot or quit)");
    }
    out.push_back(std::move(a));
  }
  return out;
}

void check_script_can_finish(const std::vector<ScriptAction>& script, Month start, int months, bool playing, const std::string& file) {
  using K = ScriptAction::Kind;
  // What the script's play controls leave the run doing, action by action: whether it advances by
  // itself, and the most months it can have simulated (it never goes past where its controls take it).
  bool moving = playing;
  int most_done = playing ? months : 0;
  const Month last = start + (months - 1);
  for (const ScriptAction& a : script) {
    auto fail = [&](const std::string& why) { throw std::invalid_argument(file + ":" + std::to_string(a.line) + ": '" + a.text + "'" + why); };
    switch (a.kind) {
      case K::play: moving = true, most_done = months; break;
      case K::pause: moving = false; break;
      case K::step: moving = false, most_done = std::min(months, most_done + 1); break;
      case K::run_to:
        if (a.month < start || last < a.month)
          fail(": expected a month from " + start.str() + " to " + last.str() + " (the months the run simulates)");
        // Paused, it plays to that month and pauses; playing, it waits for the run to end.
        most_done = moving ? months : std::max(most_done, a.month - start + 1);
        moving = false;
        break;
      case K::wait_end:
        if (!moving && most_done < months)
          fail(" can never finish: it waits for " + last.str() + " but nothing plays the run there" +
               (most_done > 0 ? " (the run is paused here)" : " (no 'play' before it)") + "; add 'play' before it");
        moving = false, most_done = months;
        break;
      case K::quit: return;  // what follows never runs
      default: break;
    }
  }
}

std::vector<ScriptAction> load_script(const std::string& file) {
  try {
    return parse_script(read_input(file, "viewer script"), file);
  } catch (const BadInput& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace geosim::viz
