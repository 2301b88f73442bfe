#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace geosim {

ProgressBar::ProgressBar(int total, std::string unit, bool enabled, bool show_rate)
    : total_(total), unit_(std::move(unit)), enabled_(enabled), show_rate_(show_rate), start_(std::chrono::steady_clock::now()), last_draw_() {}

void ProgressBar::update(int done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  // Redraw at most 20 times a second: the bar must never cost the simulation time.
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(50)) return;
  last_draw_ = now;
  const int width = 30;
  int filled = total_ > 0 ? done * width / total_ : width;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double left = done > 0 ? elapsed * (total_ - done) / done : 0.0;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  if (show_rate_)
    std::fprintf(stderr, "\r[%s] %d/%d %s, %.1f %s/s, %.0f s left ", bar.c_str(), done, total_, unit_.c_str(), elapsed > 0 ? done / elapsed : 0.0,
                 unit_.c_str(), left);
  else
    std::fprintf(stderr, "\r[%s] %d/%d %s, %.0f s left ", bar.c_str(), done, total_, unit_.c_str(), left);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%*s\r", 90, "");
  std::fflush(stderr);
}

bool progress_wanted(bool quiet) {
  return !quiet && isatty(fileno(stderr));
}

}  // namespace geosim
