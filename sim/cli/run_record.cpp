#include "cli/run_record.h"

#include <cstdio>
#include <ctime>

#include "cli/build_info.h"
#include "core/bytes.h"
#include "core/json.h"

namespace geosim {

std::string utc_iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>((ms % 1000 + 1000) % 1000));
  return buf;
}

std::string scenario_hash(const std::string& resolved_yaml) {
  return "fnv1a64:" + hex64(fnv1a(resolved_yaml));
}

std::string run_record_json(const RunRecord& r) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? std::string("null") : json::quote(s); };
  json::Object o(2);
  o.text("geosim_version", build_version())
      .text("git_commit", build_commit())
      .raw("command_line", json::strings(r.command_line))
      .text("status", r.status)
      .text("scenario", r.scenario)
      .raw("scenario_file", text_or_null(r.scenario_file))
      .text("resolved_scenario_hash", scenario_hash(r.resolved_yaml))
      .raw("resumed_from", text_or_null(r.resumed_from))
      .raw("branched_from", text_or_null(r.branched_from))
      .raw("seed", json::whole(r.seed))
      .raw("threads", json::whole(static_cast<std::uint64_t>(r.threads)))
      .raw("threads_requested", r.threads_requested > 0 ? json::whole(static_cast<std::uint64_t>(r.threads_requested)) : "null")
      .raw("first_month", text_or_null(r.first_month))
      .raw("last_month", text_or_null(r.last_month))
      .text("started_utc", utc_iso8601(r.started))
      .text("ended_utc", utc_iso8601(r.ended))
      .real("elapsed_seconds", r.elapsed_seconds);
  return o.str() + "\n";
}

}  // namespace geosim
