#include "analysis/cli/long_command.h"

#include <csignal>
#include <cstdlib>

namespace geosim::cli {
namespace {

std::atomic<bool> flag{false};

extern "C" void on_stop_signal(int) {
  flag = true;
}

}  // namespace

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
