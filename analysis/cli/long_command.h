#pragma once
// What the long analysis commands (sweep, calibrate, compare) share: Ctrl-C and SIGTERM only set a
// flag, which the runners read between runs, so that runs in flight finish and are stored; and a
// progress bar fed after each stored batch, with the crash hook the resume tests use.
#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cli/progress.h"

namespace geosim::cli {

/// What every long command takes besides its own options.
struct LongOptions {
  int threads = 0;          // 0: every core
  std::size_t batch = 256;  // most runs stored per transaction
  bool quiet = false;
  /// The threads to run on: `threads`, or every core.
  int thread_count() const;
};

/// Adds --threads, --batch and --quiet to `cmd`.
void add_long_options(CLI::App& cmd, LongOptions& o);

/// Runs `command`; an input file it refuses (a DiagnosticError) is reported as `what` ("geosim solve:
/// goal") with "nothing was run" and exit code 2. Anything else goes on to main() (cli/exit_codes.h).
int refusing_input(const std::string& what, const std::function<int()>& command);

/// Set by SIGINT or SIGTERM once watch_stop_signals() has run.
std::atomic<bool>& stop_requested();

/// Clears the flag and routes SIGINT and SIGTERM to it.
void watch_stop_signals();

/// The progress of a command's stored batches: a bar per phase (a sweep, a calibration wave, a side of
/// a comparison) on a terminal, and, for the resume tests, GEOSIM_TEST_CRASH_AFTER_BATCHES=N: the
/// process kills itself by SIGKILL right after the N-th stored batch, as a killed job would die.
class BatchProgress {
 public:
  explicit BatchProgress(bool quiet);
  /// After a stored batch: `done` of the phase's `total` runs; a finished phase closes its bar.
  void update(const std::string& unit, std::int64_t done, std::int64_t total);
  /// Clears an unfinished bar (an interrupted phase) before a summary is printed.
  void finish();

 private:
  bool quiet_;
  long crash_after_ = 0, batches_ = 0;
  std::unique_ptr<ProgressBar> bar_;
};

}  // namespace geosim::cli
