#pragma once
// The viewer program: a GLFW window with Dear ImGui, one SimRunner for the session (plus one for a
// comparison and an ensemble in the background), and the optional headless script.
#include <string>
#include <vector>

#include "scenario/loader.h"

namespace geosim::viz {

/// What `geosim view` was asked to do.
struct ViewOptions {
  std::string scenario;
  std::vector<Override> overrides;  // --set and --seed
  int frames = 0;                   // > 0: quit after this many frames (headless use)
  std::string screenshot;           // written after the last frame
  std::string script;               // action script (script.h)
  double script_timeout = 1800;     // seconds a script may take to reach its end; 0: no limit
  bool play = false;                // start playing at once
  double speed = 0;                 // months per second; 0: as fast as possible
  int width = 1600, height = 900;
  int threads = 0;
  bool frame_stats = false;         // print frame-time median and 95th percentile at the end
  std::string compare;              // "self" or a scenario file to overlay from the start
  int ensemble = 0;                 // seeds to run in the background from the start
};

/// Runs the viewer until the window is closed, the frame count is reached or the script quits;
/// returns the exit code (0 success, 2 bad input, 1 failure).
int run_viewer(const ViewOptions& options);

}  // namespace geosim::viz
