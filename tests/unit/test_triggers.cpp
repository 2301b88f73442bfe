// Triggered events (adaptive policies, docs/model.md 3.3): when they fire, in what order they apply,
// what a run records of them, replays, checkpoints and the refusals of a bad `when`.
#include <doctest/doctest.h>

#include <map>
#include <optional>

#include "core/bytes.h"
#include "fixtures.h"
#include "model/series.h"
#include "model/world.h"

namespace {

/// Two nations, a closed US lab x and an open Chinese lab y, 36 months from 2024-01; `events` is the
/// text after "events:" (" []" or a list).
std::string scenario(const std::string& events) {
  return "start: 2024-01\nmonths: 36\nseed: 4\npopulation: {adopters: 4000, initial_adoption: 0.05}\n"
         "nations:\n  - {id: A, bloc: {us: 1}}\n  - {id: B, bloc: {china: 1}}\n"
         "labs:\n  - {id: x, origin: A, open: false, capability: 100, cost: 2}\n"
         "  - {id: y, origin: B, open: true, capability: 90, cost: 1}\n"
         "chipmakers:\n  - {id: c, origin: A, perf_per_dollar: 1}\n"
         "events:" +
         events + "\n";
}

/// A whole run: each month's outputs, the event log and the parameters in force at the end.
struct Trace {
  std::vector<std::vector<geosim::OutputRow>> months;
  std::vector<geosim::World::AppliedEvent> log;
  geosim::ScenarioDef end;
  double at(std::size_t month, const std::string& scope, const std::string& metric) const {
    return geosim::find_output(months.at(month), scope, metric);
  }
};

/// Runs scenario(events), its triggers replayed from `replay` if given.
Trace trace(const std::string& events, std::optional<std::map<std::string, geosim::Month>> replay = std::nullopt) {
  geosim::World w(geosim::load_scenario_text(scenario(events), "trigger.yaml"));
  if (replay) w.replay_triggers(*replay);
  Trace t;
  while (!w.done()) {
    w.step();
    t.months.push_back(w.outputs());
  }
  t.log = w.event_log();
  t.end = w.params();
  return t;
}

/// Whether two runs wrote the same rows, month by month, for months [from, to).
bool same_months(const Trace& a, const Trace& b, std::size_t from, std::size_t to) {
  for (std::size_t m = from; m < to; ++m) {
    if (a.months.at(m).size() != b.months.at(m).size()) return false;
    for (std::size_t i = 0; i < a.months[m].size(); ++i)
      if (!(a.months[m][i].value == b.months[m][i].value) && !(std::isnan(a.months[m][i].value) && std::isnan(b.months[m][i].value)))
        return false;
  }
  return true;
}

/// The month index (0 = the start) a trigger on `plain`'s series fires for, by the rule of 3.3 written
/// out again: the count of months in a row the condition held reaches `months` at the end of month k,
/// so the event applies in month k + 1.
std::optional<std::size_t> expected_firing(const Trace& plain, const std::string& scope, const std::string& metric, bool above,
                                           double threshold, int months) {
  int run = 0;
  for (std::size_t k = 0; k < plain.months.size(); ++k) {
    const double v = plain.at(k, scope, metric);
    run = (above ? v > threshold : v < threshold) ? run + 1 : 0;
    if (run >= months) return k + 1;
  }
  return std::nullopt;
}

std::string month_text(std::size_t k) { return (geosim::Month::from_year_month(2024, 1) + static_cast<int>(k)).str(); }

}  // namespace

TEST_CASE("a trigger fires at the start of the month after its condition has held for its months") {
  const Trace plain = trace(" []");
  struct Case {
    std::string scope, metric;
    bool above;
    double threshold;
    int months;
  };
  // Adoption rising past its month-8 level, held 3 months; the US lab's share falling below its month-5
  // level, held 2 months.
  const std::vector<Case> cases = {{"world", "adoption", true, plain.at(8, "world", "adoption"), 3},
                                   {"lab:x", "usage_share", false, plain.at(5, "lab:x", "usage_share"), 2}};
  for (const Case& c : cases) {
    INFO(c.scope << " " << c.metric);
    const auto k = expected_firing(plain, c.scope, c.metric, c.above, c.threshold, c.months);
    REQUIRE(k);
    REQUIRE(*k + 1 < plain.months.size());
    const std::string when = "{metric: " + c.metric + ", scope: '" + c.scope + "', " + (c.above ? "above: " : "below: ") +
                             geosim::format_value(c.threshold) + ", for: " + std::to_string(c.months) + "}";
    const Trace fired = trace("\n  - {id: close-y, when: " + when + ", set: {labs.y.open: false}}");
    // The same run until the month it applies, then y closes.
    CHECK(same_months(plain, fired, 0, *k));
    CHECK(fired.at(*k - 1, "lab:y", "open") == 1);
    CHECK(fired.at(*k, "lab:y", "open") == 0);
    REQUIRE(fired.log.size() == 1);
    CHECK(fired.log[0].at.str() == month_text(*k));
    CHECK(fired.log[0].triggered);
    // Exactly the run with the event dated at that month.
    const Trace dated = trace("\n  - {id: close-y, at: " + month_text(*k) + ", set: {labs.y.open: false}}");
    CHECK(same_months(dated, fired, 0, plain.months.size()));
    CHECK_FALSE(dated.log[0].triggered);
  }
}

TEST_CASE("a trigger's count starts again when its condition fails") {
  // y is closed in months 3 and 4 (2024-04, 2024-05) and open otherwise: "y open for 4 months" holds
  // in months 0-2, fails, then holds in months 5-8, so the event fires for month 9 (2024-10). Counting
  // without restarting would fire it for month 6.
  const std::string events =
      "\n  - {id: shut, at: 2024-04, set: {labs.y.open: false}}"
      "\n  - {id: reopen, at: 2024-06, set: {labs.y.open: true}}"
      "\n  - {id: imitate, when: {metric: open, scope: 'lab:y', above: 0.5, for: 4}, set: {behaviour.bass_q: 2}}";
  const Trace t = trace(events);
  REQUIRE(t.log.size() == 3);
  CHECK(t.log[2].at.str() == "2024-10");
  CHECK(t.end.events[t.log[2].event].id == "imitate");
  CHECK(t.end.behaviour.bass_q == 2);
  // Until then the run is the one without the trigger.
  const Trace without = trace(events.substr(0, events.rfind("\n  - ")));
  CHECK(same_months(t, without, 0, 9));
  CHECK_FALSE(same_months(t, without, 9, 36));
}

TEST_CASE("triggers fire once, never past the run's end, and not when disabled") {
  const Trace plain = trace(" []");
  auto with = [](const std::string& when, const std::string& extra = "") {
    return trace("\n  - {id: t, when: " + when + extra + ", set: {behaviour.bass_q: 2}}");
  };
  // Adoption is above 0 every month: for 35 months fires for the last month; for 36 for the month after
  // the run, so never; for 1 fires once, in the second month, though the condition goes on holding.
  const Trace last = with("{metric: adoption, above: 0, for: 35}");
  REQUIRE(last.log.size() == 1);
  CHECK(last.log[0].at.str() == "2026-12");
  CHECK(same_months(plain, last, 0, 35));
  CHECK_FALSE(same_months(plain, last, 35, 36));
  const Trace never = with("{metric: adoption, above: 0, for: 36}");
  CHECK(never.log.empty());
  CHECK(same_months(plain, never, 0, 36));
  const Trace once = with("{metric: adoption, above: 0}");
  REQUIRE(once.log.size() == 1);
  CHECK(once.log[0].at.str() == "2024-02");
  const Trace disabled = with("{metric: adoption, above: 0}", ", enabled: false");
  CHECK(disabled.log.empty());
  CHECK(same_months(plain, disabled, 0, 36));
  CHECK(with("{metric: adoption, above: 1}").log.empty());
}

TEST_CASE("a fired event applies after the month's dated events, and can fire another trigger") {
  // 'imitate' fires for 2024-10 (see above) and sets bass_q after the dated event of that month does.
  const std::string base =
      "\n  - {id: shut, at: 2024-04, set: {labs.y.open: false}}"
      "\n  - {id: reopen, at: 2024-06, set: {labs.y.open: true}}";
  const Trace t = trace(base +
                        "\n  - {id: imitate, when: {metric: open, scope: 'lab:y', above: 0.5, for: 4}, set: {behaviour.bass_q: 2}}"
                        "\n  - {id: dated, at: 2024-10, set: {behaviour.bass_q: 1}}");
  REQUIRE(t.log.size() == 4);
  CHECK(t.end.events[t.log[2].event].id == "dated");
  CHECK(t.end.events[t.log[3].event].id == "imitate");
  CHECK(t.end.behaviour.bass_q == 2);
  // A chain: 'close' closes y once adoption has passed 0.2 for two months, which strands y's users, which
  // fires 'answer' (listed first) the month after.
  const auto k = expected_firing(trace(" []"), "world", "adoption", true, 0.2, 2);
  REQUIRE(k);
  REQUIRE(*k + 2 < 36);
  const Trace chain = trace("\n  - {id: answer, when: {metric: stranded_share, above: 0}, set: {labs.x.open: true}}"
                            "\n  - {id: close, when: {metric: adoption, above: 0.2, for: 2}, set: {labs.y.open: false}}");
  REQUIRE(chain.log.size() == 2);
  CHECK(chain.end.events[chain.log[0].event].id == "close");
  CHECK(chain.log[0].at.str() == month_text(*k));
  CHECK(chain.end.events[chain.log[1].event].id == "answer");
  CHECK(chain.log[1].at.str() == month_text(*k + 1));
  CHECK(chain.at(*k, "lab:x", "open") == 0);
  CHECK(chain.at(*k + 1, "lab:x", "open") == 1);
}

TEST_CASE("a replay of a run's event log gives the same run, whatever the conditions would say") {
  const std::string events = "\n  - {id: close-y, when: {metric: adoption, above: 0.2, for: 2}, set: {labs.y.open: false}}";
  const Trace run = trace(events);
  REQUIRE(run.log.size() == 1);
  std::map<std::string, geosim::Month> log = {{"close-y", run.log[0].at}};
  CHECK(same_months(run, trace(events, log), 0, 36));
  // Fired two months later than its condition says: the run with the event dated then.
  log["close-y"] = run.log[0].at + 2;
  const Trace later = trace(events, log);
  CHECK(same_months(later, trace("\n  - {id: close-y, at: " + log["close-y"].str() + ", set: {labs.y.open: false}}"), 0, 36));
  CHECK(later.log.at(0).at == log["close-y"]);
  // Not named, it never fires.
  CHECK(same_months(trace(" []"), trace(events, std::map<std::string, geosim::Month>{}), 0, 36));
}

TEST_CASE("a checkpoint keeps a trigger's count and its firing") {
  // 'imitate' (above) has counted 2 of its 4 months after 7 months, and after 9 it has fired but not yet
  // applied: restored from either, a world continues exactly as the original.
  const auto def = geosim::load_scenario_text(
      scenario("\n  - {id: shut, at: 2024-04, set: {labs.y.open: false}}"
               "\n  - {id: reopen, at: 2024-06, set: {labs.y.open: true}}"
               "\n  - {id: imitate, when: {metric: open, scope: 'lab:y', above: 0.5, for: 4}, set: {behaviour.bass_q: 2}}"),
      "trigger.yaml");
  for (int cut : {7, 9}) {
    INFO("saved after " << cut << " months");
    geosim::World original(def);
    for (int m = 0; m < cut; ++m) original.step();
    geosim::ByteWriter saved;
    original.save_state(saved);
    geosim::World restored(def);
    geosim::ByteReader in(saved.data());
    restored.load_state(in);
    while (!original.done()) {
      original.step();
      restored.step();
      REQUIRE(original.outputs().size() == restored.outputs().size());
      for (std::size_t i = 0; i < original.outputs().size(); ++i) CHECK(original.outputs()[i].value == restored.outputs()[i].value);
    }
    REQUIRE(restored.event_log().size() == 3);
    CHECK(restored.event_log()[2].at.str() == "2024-10");
  }
}

TEST_CASE("a branch keeps the history's triggers by id and starts the what-if's own afresh") {
  const std::string history_events =
      "\n  - {id: shut, at: 2024-04, set: {labs.y.open: false}}"
      "\n  - {id: reopen, at: 2024-06, set: {labs.y.open: true}}"
      "\n  - {id: imitate, when: {metric: open, scope: 'lab:y', above: 0.5, for: 4}, set: {behaviour.bass_q: 2}}";
  const auto history = geosim::load_scenario_text(scenario(history_events), "history.yaml");
  // The what-if adds a trigger whose condition holds every month: counted from the branch (2024-08), it
  // fires for 2024-09.
  const auto whatif = geosim::load_scenario_text(
      scenario(history_events + "\n  - {id: extra, when: {metric: adoption, above: 0}, set: {behaviour.bass_p: 0.2}}"), "whatif.yaml");
  geosim::World original(history);
  for (int m = 0; m < 7; ++m) original.step();
  geosim::ByteWriter saved;
  original.save_state(saved);
  geosim::World branch(whatif);
  geosim::ByteReader in(saved.data());
  branch.load_state(in, &history);
  while (!branch.done()) branch.step();
  std::map<std::string, std::string> fired;
  for (const auto& a : branch.event_log()) fired[branch.params().events[a.event].id] = a.at.str();
  CHECK(fired.at("imitate") == "2024-10");  // its count of 2 at the branch kept
  CHECK(fired.at("extra") == "2024-09");
  CHECK(branch.params().behaviour.bass_p == 0.2);
}

TEST_CASE("a triggered event survives a shorter horizon and the resolved scenario") {
  auto def = geosim::load_scenario_text(
      scenario("\n  - {id: t, when: {metric: 'usage_share.china_open', scope: 'nation:A', below: 0.3, for: 2}, set: {behaviour.bass_q: 2}}"
               "\n  - {id: late, at: 2026-06, set: {behaviour.bass_q: 1}}"),
      "trigger.yaml");
  CHECK(geosim::set_horizon(def, 12) == 1);  // the dated event after the end goes, the triggered one stays
  REQUIRE(def.events.size() == 1);
  REQUIRE(def.events[0].when);
  const std::string resolved = geosim::resolved_yaml(def);
  const auto again = geosim::load_scenario_text(resolved, "resolved.yaml");
  CHECK(geosim::resolved_yaml(again) == resolved);
  REQUIRE(again.events[0].when);
  CHECK(again.events[0].when->metric == "usage_share.china_open");
  CHECK(again.events[0].when->scope == "nation:A");
  CHECK(*again.events[0].when->below == 0.3);
  CHECK(again.events[0].when->months == 2);
  // A threshold is a key like any other: --set and sweeps change it by the event's id.
  const auto moved = geosim::load_scenario_text(resolved, "resolved.yaml", ".",
                                                {geosim::parse_override("events.t.when.below=0.25"), geosim::parse_override("events.t.when.for=5")});
  CHECK(*moved.events[0].when->below == 0.25);
  CHECK(moved.events[0].when->months == 5);
}

TEST_CASE("a bad trigger is refused with a message that says what to write") {
  auto refused = [](const std::string& event) {
    std::string all;
    for (const auto& d : fixtures::refusal(scenario("\n  - " + event))) all += d.message + "\n";
    return all;
  };
  CHECK(refused("{id: t, at: 2024-03, when: {metric: adoption, above: 0.1}, set: {behaviour.bass_q: 1}}").find("not both") != std::string::npos);
  CHECK(refused("{set: {behaviour.bass_q: 1}}").find("or 'when'") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoption, above: 0.1, below: 0.5}, set: {behaviour.bass_q: 1}}").find("exactly one of above and below") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoption}, set: {behaviour.bass_q: 1}}").find("exactly one of above and below") != std::string::npos);
  const std::string nan = refused("{id: t, when: {metric: adoption, above: .nan}, set: {behaviour.bass_q: 1}}");
  CHECK(nan.find("'when.above' in event 't': expected a number") != std::string::npos);
  CHECK(nan.find("exactly one of above and below") == std::string::npos);
  CHECK(refused("{id: t, when: {above: 0.1}, set: {behaviour.bass_q: 1}}").find("missing required key 'metric'") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoptoin, above: 0.1}, set: {behaviour.bass_q: 1}}").find("'adoptoin' is not an output of scope world (docs/outputs.md); did you mean 'adoption'?") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoption, scope: 'nation:Z', above: 0.1}, set: {behaviour.bass_q: 1}}").find("'Z' is not a declared nation") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoption, above: 0.1, for: 0}, set: {behaviour.bass_q: 1}}").find("'when.for' in event 't': expected a whole number in [1, 1200], got '0'") != std::string::npos);
  CHECK(refused("{id: t, when: {metric: adoption, abve: 0.1}, set: {behaviour.bass_q: 1}}").find("did you mean 'above'") != std::string::npos);
  CHECK(refused("{id: t, when: adoption, set: {behaviour.bass_q: 1}}").find("expected a map") != std::string::npos);
  CHECK(refused("{when: {metric: adoption, above: 0.1}, set: {behaviour.bass_q: 1}}").find("needs an 'id'") != std::string::npos);
}
