#pragma once
// run.json: what a run's output folder says about how it was made (docs/outputs.md, "run.json"):
// the program's version and commit, the command line, seed, threads, times and the scenario.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace geosim {

/// The facts of one `geosim run`, gathered as it goes and written as run.json at its end.
struct RunRecord {
  std::vector<std::string> command_line;  // argv, as given
  std::string status = "finished";        // finished or interrupted
  std::string scenario;                   // the scenario's name
  std::string scenario_file;              // as given; empty for --resume
  std::string resolved_yaml;              // scenario.resolved.yaml's text (hashed)
  std::string resumed_from, branched_from;  // checkpoint files of --resume and --from
  std::uint64_t seed = 0;
  int threads = 0;            // threads the run's parallel loops could use
  int threads_requested = 0;  // --threads; 0: not given (all cores)
  std::string first_month, last_month;  // the months this invocation simulated (empty: none)
  std::chrono::system_clock::time_point started, ended;
  double elapsed_seconds = 0;
};

/// A time as UTC ISO 8601 to the millisecond, e.g. "2026-12-01T14:03:07.250Z".
std::string utc_iso8601(std::chrono::system_clock::time_point t);

/// The hash run.json gives of a resolved scenario: "fnv1a64:" and 16 hex digits (FNV-1a, 64 bits, of
/// the bytes of scenario.resolved.yaml).
std::string scenario_hash(const std::string& resolved_yaml);

/// run.json's text: one JSON object, members in a fixed order (docs/outputs.md lists them).
std::string run_record_json(const RunRecord& record);

}  // namespace geosim
