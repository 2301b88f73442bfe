// A run's event log (events.csv), its replay (--replay-events) and triggered events across a checkpoint,
// end to end with the library's adaptive scenario (scenarios/export-ban-signpost.yaml).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::geosim;
using cli::slurp;

namespace {

const std::string signpost = "scenarios/export-ban-signpost.yaml";
const std::string small = " --set population.adopters=3000 --months 60 --threads 1 --quiet";

/// Runs `args` (a scenario and options) into `out`; fails the test if the run fails.
void run(const std::string& args, const fs::path& out) {
  const auto r = geosim("run " + args + small + " --out " + out.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
}

/// The log's row for `id`, without its note ("" if absent).
std::string row_of(const std::string& log, const std::string& id) {
  const auto at = log.find("," + id + ",");
  if (at == std::string::npos) return "";
  const auto begin = log.rfind('\n', at) + 1;
  const std::string row = log.substr(begin, log.find('\n', at) - begin);
  return row.substr(0, row.find(',', row.find(',', row.find(',', row.find(',') + 1) + 1) + 1));
}

}  // namespace

TEST_CASE("a run logs every event it applied, and a triggered one with the month its condition was met") {
  const auto dir = scratch::fresh("events-log");
  run(signpost, dir / "run");
  const std::string log = slurp(dir / "run" / "events.csv");
  CHECK(log.rfind("month,id,fired_by,condition_met,note\n", 0) == 0);
  // The baseline's dated events, then the ban once the signpost has held six months.
  CHECK(row_of(log, "us-controls-2023-10") == "2023-10,us-controls-2023-10,date,");
  CHECK(row_of(log, "gemma-2024-02") == "2024-02,gemma-2024-02,date,");
  const std::string fired = row_of(log, "ban-on-signpost");
  REQUIRE(!fired.empty());
  CHECK(contains(fired, ",ban-on-signpost,trigger,"));
  // condition_met is the month before the one the event took effect.
  const auto month = fired.substr(0, 7), met = fired.substr(fired.rfind(',') + 1);
  CHECK(met.size() == 7);
  CHECK(met < month);
  // The condition held in the six months up to `met` and not in the month before them: the series says so.
  const std::string series = slurp(dir / "run" / "series.csv");
  int held = 0;
  for (std::size_t at = series.find("\n"); at != std::string::npos; at = series.find('\n', at + 1)) {
    const std::string line = series.substr(at + 1, series.find('\n', at + 1) - at - 1);
    if (line.find(",without:CN,usage_share.china_open,") == std::string::npos || line.substr(0, 7) > met) continue;
    held = std::stod(line.substr(line.rfind(',') + 1)) > 0.035 ? held + 1 : 0;
  }
  CHECK(held >= 6);
}

TEST_CASE("a replayed event log gives the same run, and a changed one the run with the event at its month") {
  const auto dir = scratch::fresh("events-replay");
  run(signpost, dir / "run");
  run(signpost + " --replay-events " + (dir / "run" / "events.csv").string(), dir / "replay");
  CHECK(slurp(dir / "replay" / "series.csv") == slurp(dir / "run" / "series.csv"));
  CHECK(slurp(dir / "replay" / "events.csv") == slurp(dir / "run" / "events.csv"));

  // The ban fired in 2027-06 instead: the same as the ban dated 2027-06.
  // Saved with CR LF line ends, as a spreadsheet may, and a note with a comma, a quote and a line
  // break, quoted as events.csv quotes notes.
  std::ofstream(dir / "late.csv") << "month,id,fired_by,condition_met,note\r\n2023-10,us-controls-2023-10,date,,\"first, \"\"dated\"\"\nrow\"\n"
                                  << "2027-06,ban-on-signpost,trigger,2027-05,moved by hand\r\n";
  run(signpost + " --replay-events " + (dir / "late.csv").string(), dir / "late");
  std::ofstream(dir / "dated.yaml") << "extends: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nevents:\n"
                                    << "  - {id: ban-dated, at: 2027-06, set: {chipmakers.nvidia_export.export_banned_to: [CN, RU]}}\n";
  run((dir / "dated.yaml").string(), dir / "dated");
  CHECK(slurp(dir / "late" / "series.csv") == slurp(dir / "dated" / "series.csv"));
  CHECK(slurp(dir / "late" / "series.csv") != slurp(dir / "run" / "series.csv"));
  CHECK(row_of(slurp(dir / "late" / "events.csv"), "ban-on-signpost") == "2027-06,ban-on-signpost,trigger,2027-05");

  // A log without the triggered event: it never fires, and the run is the baseline's.
  std::ofstream(dir / "none.csv") << "month,id,fired_by,condition_met,note\n2023-10,us-controls-2023-10,date,,\n";
  run(signpost + " --replay-events " + (dir / "none.csv").string(), dir / "none");
  run("scenarios/baseline.yaml", dir / "baseline");
  CHECK(slurp(dir / "none" / "series.csv") == slurp(dir / "baseline" / "series.csv"));
}

TEST_CASE("a run resumed from a checkpoint keeps its triggers' counts") {
  // In the 3,000-adopter run the signpost holds from 2027-01 and the ban comes in 2027-07: cut at the
  // start of 2027-04, three months into the count.
  const auto dir = scratch::fresh("events-checkpoint");
  run(signpost, dir / "full");
  const auto ck = dir / "cut.ckpt";
  run(signpost + " --checkpoint-at 2027-04 --checkpoint " + ck.string(), dir / "first");
  CHECK(contains(slurp(dir / "full" / "events.csv"), "\n2027-07,ban-on-signpost,trigger,2027-06,"));
  const auto r = geosim("run --resume " + ck.string() + " --quiet --out " + (dir / "resumed").string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(slurp(dir / "resumed" / "series.csv") == slurp(dir / "full" / "series.csv"));
  CHECK(slurp(dir / "resumed" / "events.csv") == slurp(dir / "full" / "events.csv"));
}

TEST_CASE("an event log that cannot be replayed is refused with what is wrong") {
  const auto dir = scratch::fresh("events-refused");
  auto refused = [&](const std::string& name, const std::string& text, const std::string& message, const std::string& extra = "") {
    std::ofstream(dir / name) << text;
    const auto r = geosim("run " + signpost + small + extra + " --replay-events " + (dir / name).string() + " --out " + (dir / ("out-" + name)).string());
    INFO(name);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, message));
    CHECK_FALSE(fs::exists(dir / ("out-" + name) / "series.csv"));
  };
  const std::string header = "month,id,fired_by,condition_met,note\n";
  refused("series.csv", "month,scope,metric,value\n2023-01,world,adoption,0.1\n", "not an event log (its first line is not 'month,id,fired_by,condition_met,note'");
  refused("unknown.csv", header + "2026-01,no-such-event,trigger,2025-12,\n", ":2: 'no-such-event' is not one of this scenario's triggered events");
  refused("outside.csv", header + "2040-01,ban-on-signpost,trigger,2039-12,\n", ":2: 'ban-on-signpost' takes effect in 2040-01, outside 2023-02 to 2027-12");
  refused("first.csv", header + "2023-01,ban-on-signpost,trigger,2022-12,\n", ":2: 'ban-on-signpost' takes effect in 2023-01, outside 2023-02 to 2027-12");
  refused("month.csv", header + "2023-13,ban-on-signpost,trigger,2023-12,\n", ":2: month '2023-13' is not a month written YYYY-MM");
  refused("twice.csv", header + "2026-01,ban-on-signpost,trigger,2025-12,\n2026-05,ban-on-signpost,trigger,2026-04,\n",
          ":3: 'ban-on-signpost' fires a second time");
  // Line numbers count a quoted note's line breaks.
  refused("lines.csv", header + "2023-10,us-controls-2023-10,date,,\"two\nlines\"\nxx\n", ":4: expected month,id,fired_by,condition_met,note");
  refused("short.csv", header + "2026-01,ban-on-signpost\n", ":2: expected month,id,fired_by,condition_met,note");
  refused("empty.csv", "", "not an event log");
  const auto missing = geosim("run " + signpost + small + " --replay-events " + (dir / "missing.csv").string() + " --out " + (dir / "out-missing").string());
  CHECK(missing.code == 2);
  CHECK(contains(missing.err, "cannot read event log " + (dir / "missing.csv").string()));
  // A resumed run has its triggers' state from the checkpoint already.
  const auto ck = dir / "cut.ckpt";
  run(signpost + " --checkpoint-at 2024-01 --checkpoint " + ck.string(), dir / "first");
  std::ofstream(dir / "log.csv") << header;
  const auto resumed = geosim("run --resume " + ck.string() + " --replay-events " + (dir / "log.csv").string() + " --quiet --out " + (dir / "resumed").string());
  CHECK(resumed.code == 2);
  CHECK(contains(resumed.err, "--replay-events replays a run from its first month; not with --resume or --from"));
}
