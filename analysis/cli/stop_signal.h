#pragma once
// Ctrl-C and SIGTERM for the long analysis commands (sweep, calibrate, compare): the signal only sets
// a flag, which the runners read between runs, so that runs in flight finish and are stored.
#include <atomic>

namespace geosim::cli {

/// Set by SIGINT or SIGTERM once watch_stop_signals() has run.
std::atomic<bool>& stop_requested();

/// Clears the flag and routes SIGINT and SIGTERM to it.
void watch_stop_signals();

}  // namespace geosim::cli
