// `geosim report STORE --out DIR`: the Markdown report and SVG figures of a sweep store.
#include <cstdio>
#include <memory>

#include "analysis/report/report.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"

namespace geosim::report {
namespace {

const geosim::cli::Registration report_registration{[](CLI::App& app) -> std::function<int()> {
  struct Options {
    std::string store, out, against;
    std::vector<std::string> series;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("report", "Write a Markdown report with SVG and PDF figures of a sweep store or a run folder");
  cmd->add_option("store", o->store, "Sweep store written by geosim sweep, or run folder written by geosim run --out")->required();
  cmd->add_option("--out", o->out, "Folder for report.md and figures/")->required();
  cmd->add_option("--against", o->against, "Another store (e.g. the baseline's ensemble) or run folder (e.g. the baseline run) to draw and compare against");
  cmd->add_option("--series", o->series, "Run folders: a series to show as METRIC[@SCOPE], '*' matching any characters (repeatable; default: world usage shares, prices, spend, revenue, gap, stranding)");
  return [cmd, o]() -> int {
    if (!*cmd) return -1;
    const auto files = write_report(o->store, o->out, o->against, o->series);
    std::printf("geosim report: wrote %s and %zu figures (SVG and PDF)\n", files.front().c_str(), (files.size() - 1) / 2);
    return exit_code::ok;
  };
}};

}  // namespace
}  // namespace geosim::report
