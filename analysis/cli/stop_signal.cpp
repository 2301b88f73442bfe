#include "analysis/cli/stop_signal.h"

#include <csignal>

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

}  // namespace geosim::cli
