#include "analysis/cli/long_command.h"

#include <tbb/info.h>

#include <csignal>
#include <cstdlib>

#include "cli/exit_codes.h"
#include "scenario/diagnostics.h"

namespace geosim::cli {
namespace {

std::atomic<bool> flag{false};

extern "C" void on_stop_signal(int) {
  flag = true;
}

}  // namespace

int LongOptions::thread_count() const {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

void add_long_options(CLI::App& cmd, LongOptions& o) {
  cmd.add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(1, 4096));
  cmd.add_option("--batch", o.batch, "Most runs stored per transaction (a batch is also stored every half second)")->check(CLI::Range(1, 1000000));
  cmd.add_flag("--quiet", o.quiet, "No progress bar and no summary");
}

int refusing_input(const std::string& what, const std::function<int()>& command) {
  try {
    return command();
  } catch (const DiagnosticError& e) {
    print_refusal(e, what, "nothing was run");
    return exit_code::bad_input;
  }
}

std::atomic<bool>& stop_requested() {
  return flag;
}

void watch_stop_signals() {
  flag = false;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

BatchProgress::BatchProgress(bool quiet) : quiet_(quiet) {
  if (const char* crash = std::getenv("GEOSIM_TEST_CRASH_AFTER_BATCHES")) crash_after_ = std::atol(crash);
}

void BatchProgress::update(const std::string& unit, std::int64_t done, std::int64_t total) {
  if (!bar_) bar_ = std::make_unique<ProgressBar>(static_cast<int>(total), unit, progress_wanted(quiet_), true);
  bar_->update(static_cast<int>(done));
  if (done == total) finish();
  if (crash_after_ > 0 && ++batches_ == crash_after_) std::raise(SIGKILL);
}

void BatchProgress::finish() {
  if (bar_) bar_->finish(), bar_.reset();
}

}  // namespace geosim::cli
