#pragma once
// What the two kinds of report (of a sweep store, of run folders) share: the files they write, each
// complete or absent, and how they name and label what they show.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analysis/report/figures.h"
#include "core/output_file.h"

namespace geosim {
struct ScenarioDef;
}

namespace geosim::report {

/// The files one report writes, each complete or absent. PLplot does not say when a write fails (a
/// full disk): a figure is drawn into NAME.partial and renamed only if it is a regular file that ends
/// as its format ends. When anything fails, every file this report wrote goes too, so a report.md
/// (written last) never stands beside figures of another report.
class Outputs {
 public:
  /// Draws `draw(path)` as STEM.svg and STEM.pdf; returns the SVG's file name (for report.md).
  template <class Draw>
  std::string figure(const std::filesystem::path& stem, Draw draw) {
    for (const char* ext : {".svg", ".pdf"}) {
      const std::filesystem::path path = stem.string() + ext;
      const std::string tmp = partial_name(path.string(), ext);
      draw_apart([&] { draw(tmp); }, path.string());
      finish_figure(tmp, path);
    }
    return stem.filename().string() + ".svg";
  }
  /// Writes a text file atomically.
  void text(const std::filesystem::path& path, const std::string& text);
  /// Removes every file written so far.
  void discard();
  const std::vector<std::string>& written() const { return written_; }

 private:
  /// Runs `draw` in a child process. PLplot cannot fail gracefully: when its PDF driver cannot save
  /// (a full disk) it calls exit from within its own clean-up, which fails again, until the stack
  /// overflows. Apart, that kills only the child; the report then fails with a message. A
  /// FigureFailure the child throws is thrown again here with its message.
  static void draw_apart(const std::function<void()>& draw, const std::string& path);
  /// NAME.partial.EXT: PLplot chooses nothing by the name, but the figure functions choose the format by it.
  static std::string partial_name(const std::string& path, const std::string& ext);
  /// Renames a complete figure into place, or removes it and throws WriteFailure.
  void finish_figure(const std::string& tmp, const std::filesystem::path& path);
  std::vector<std::string> written_;
};

/// Runs `compose(outputs, dir)` into `out_dir` (created with its figures/ folder); on any failure
/// removes what it wrote (and the folders, when it made them) and rethrows. Returns the files written,
/// report.md (which compose writes last) first.
template <class Compose>
std::vector<std::string> write_report_files(const std::string& out_dir, Compose compose) {
  namespace fs = std::filesystem;
  const fs::path dir(out_dir), figures = dir / "figures";
  std::error_code ec;
  const bool had_dir = fs::exists(dir, ec), had_figures = fs::exists(figures, ec);
  make_output_dir(figures.string(), "--out");
  Outputs written;
  try {
    compose(written, dir);
  } catch (...) {
    written.discard();
    if (!had_figures) fs::remove(figures, ec);  // only when empty: a folder of the user's stays
    if (!had_dir) fs::remove(dir, ec);
    throw;
  }
  std::vector<std::string> files = written.written();
  if (!files.empty()) std::rotate(files.begin(), files.end() - 1, files.end());
  return files;
}

/// A number with `digits` significant digits; "–" for NaN.
std::string num(double v, int digits = 4);

/// A file name from a record or series name: letters, digits, '-', '_' and '.'.
std::string file_safe(const std::string& name);

/// "METRIC (UNIT)" from the output declarations, with the scope when it is not the world; the bare
/// name when the metric is not declared.
std::string metric_label(const std::string& scope, const std::string& metric);

/// The unit of the scenario key at `path` ("labs.deepseek.open"), from its declaration; "" when it has none.
std::string parameter_unit(const std::string& path);

/// The unit of `metric` in `scope` from the output declarations; "" when it is not declared.
std::string metric_unit(const std::string& scope, const std::string& metric);

/// The value axis label of a series figure for "METRIC@SCOPE" (the title names the series): its
/// unit, or the metric when it has none.
std::string axis_label(const std::string& series);

/// Event markers for a scenario's timeline: "YYYY-MM id" at each enabled dated event's month (when a
/// triggered event fires depends on the run: a run's events.csv says).
std::vector<Marker> event_markers(const ScenarioDef& def);

}  // namespace geosim::report
