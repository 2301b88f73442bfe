// Model lines (docs/model.md 1.2, 3.3, 3.5, 3.12): a lab may field several, each chosen on its own,
// growing at the lab's pace and earning for the lab; lines launch, jump and withdraw by events.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "fixtures.h"
#include "model/series.h"
#include "model/world.h"

namespace {

/// A lab b with an open main line and a closed tier b-max, and a closed lab a; optional extra text.
std::string two_tiers(const std::string& lines_extra = "", const std::string& events = "", const std::string& behaviour = "") {
  return "start: 2024-01\nmonths: 24\nseed: 4\npopulation: {adopters: 20000, initial_adoption: 0.5}\n"
         "behaviour: {" + behaviour + "}\n"
         "nations:\n  - {id: A, bloc: {us: 1}}\n  - {id: B, bloc: {china: 1}}\n"
         "labs:\n  - {id: a, origin: A, open: false, capability: 100, cost: 2}\n"
         "  - {id: b, origin: B, open: true, capability: 90, cost: 1}\n"
         "lines:\n  - {id: b-max, lab: b, open: false, capability: 96, cost: 1.5" + lines_extra + "}\n" + events;
}

/// Steps a world to its end, keeping every month's rows.
struct Run {
  std::vector<std::vector<geosim::OutputRow>> months;
  double at(int month, const std::string& scope, const std::string& metric) const {
    const double v = geosim::find_output(months.at(static_cast<std::size_t>(month)), scope, metric);
    REQUIRE_MESSAGE(!std::isnan(v), scope << " " << metric);
    return v;
  }
};

Run run(const std::string& text) {
  geosim::World w(geosim::load_scenario_text(text, "lines.yaml"));
  Run r;
  while (!w.done()) {
    w.step();
    r.months.push_back(w.outputs());
  }
  return r;
}

}  // namespace

TEST_CASE("a lab's lines are chosen on their own, and its usage and revenue are theirs together") {
  const Run r = run(two_tiers());
  for (int m : {0, 11, 23}) {
    INFO("month " << m);
    const double main = r.at(m, "line:b", "usage_share"), tier = r.at(m, "line:b-max", "usage_share");
    CHECK(main > 0.01);
    CHECK(tier > 0.01);
    CHECK(r.at(m, "lab:b", "usage_share") == doctest::Approx(main + tier).epsilon(1e-12));
    CHECK(r.at(m, "lab:b", "revenue") == doctest::Approx(r.at(m, "line:b", "revenue") + r.at(m, "line:b-max", "revenue")).epsilon(1e-12));
    // The lab's capability is its best line's; its price and openness are its main line's.
    CHECK(r.at(m, "lab:b", "capability") == std::max(r.at(m, "line:b", "capability"), r.at(m, "line:b-max", "capability")));
    CHECK(r.at(m, "lab:b", "price") == r.at(m, "line:b", "price"));
    CHECK(r.at(m, "line:b", "open") == 1);
    CHECK(r.at(m, "line:b-max", "open") == 0);
    // The closed tier is US-bloc-free Chinese closed usage; the main line Chinese open usage.
    CHECK(r.at(m, "world", "usage_share.china_closed") == doctest::Approx(tier).epsilon(1e-12));
  }
  // Lab a fields one line: no line scope for it.
  CHECK(std::isnan(geosim::find_output(r.months[0], "line:a", "usage_share")));
}

TEST_CASE("a lab's lines grow at the lab's pace, so the gap between its tiers holds without distillation") {
  const Run r = run(two_tiers("", "", "distillation_rate: 0, community_rate: 0"));
  for (int m : {0, 12, 23}) CHECK(r.at(m, "line:b-max", "capability") - r.at(m, "line:b", "capability") == doctest::Approx(6.0).epsilon(1e-9));
}

TEST_CASE("an event launches a line, sets a release jump, and a withdrawal strands the open line's users") {
  const std::string text = two_tiers(", active: false",
                                     "events:\n  - {at: 2024-06, set: {lines.b-max.active: true, lines.b-max.capability: 120}}\n"
                                     "  - {at: 2025-01, set: {labs.b.capability: 130}}\n",
                                     "distillation_rate: 0, community_rate: 0");
  const Run r = run(text);
  // Not on offer before its launch: nobody uses it, and its capability waits.
  CHECK(r.at(4, "line:b-max", "usage_share") == 0);
  CHECK(r.at(4, "line:b-max", "active") == 0);
  CHECK(r.at(4, "line:b-max", "capability") == 96);
  // Launched in 2024-06 (month 5) at the jumped capability, then growing with its lab.
  CHECK(r.at(5, "line:b-max", "active") == 1);
  CHECK(r.at(5, "line:b-max", "capability") == 120);
  CHECK(r.at(5, "line:b-max", "usage_share") > 0.003);  // those that choose this month take it up
  CHECK(r.at(11, "line:b-max", "usage_share") > 5 * r.at(5, "line:b-max", "usage_share"));
  CHECK(r.at(6, "line:b-max", "capability") > 120);
  // The main line's jump in 2025-01 (month 12); its cost follows from its start capability.
  CHECK(r.at(12, "line:b", "capability") == 130);
  CHECK(r.at(12, "line:b", "price") > r.at(11, "line:b", "price"));

  // Withdrawing an open line (a lab's other line: a main line is always on offer).
  const std::string open_tier = "start: 2024-01\nmonths: 12\nseed: 4\npopulation: {adopters: 20000, initial_adoption: 0.5}\n"
                                "nations:\n  - {id: A, bloc: {us: 1}}\n"
                                "labs:\n  - {id: g, origin: A, open: false, capability: 100, cost: 2}\n"
                                "lines:\n  - {id: gemma, lab: g, open: true, capability: 85, cost: 0.3}\n"
                                "events:\n  - {at: 2024-06, set: {lines.gemma.active: false}}\n";
  const Run w = run(open_tier);
  const double before = w.at(4, "line:gemma", "usage_share");
  CHECK(before > 0.1);
  // Its users keep the open weights they have: a frozen version, that nobody new can choose.
  CHECK(w.at(5, "line:gemma", "usage_share") == 0);
  CHECK(w.at(5, "line:gemma", "stranded_share") == doctest::Approx(before).epsilon(0.05));
  CHECK(w.at(11, "line:gemma", "stranded_share") <= w.at(5, "line:gemma", "stranded_share"));
  CHECK(w.at(5, "world", "stranded_adopters") > 0);
}

TEST_CASE("line ids are checked: unique among labs and lines, and a known lab") {
  auto clash = fixtures::refusal(fixtures::replace(two_tiers(), "id: b-max", "id: a"));

  REQUIRE(clash.size() >= 1);
  CHECK(clash[0].message.find("line id 'a' is lab 'a''s id") != std::string::npos);
  auto unknown = fixtures::refusal(fixtures::replace(two_tiers(), "lab: b,", "lab: q,"));
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message.find("'q' is not a declared lab") != std::string::npos);
  auto settable = fixtures::refusal(two_tiers("", "events:\n  - {at: 2024-06, set: {lines.b-max.cost: 3}}\n"));
  REQUIRE(settable.size() == 1);
  CHECK(settable[0].message.find("cannot change during a run") != std::string::npos);
}
