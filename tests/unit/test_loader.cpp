// Every refusal of the scenario loader: the message says what was expected, the mark says where.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures.h"
#include "model/world.h"
#include "model/parameters.h"

using fixtures::refusal;
using fixtures::replace;
using fixtures::tiny;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// Checks that the first diagnostic sits at line:col and its message contains each part.
void expect_first(const std::vector<geosim::Diagnostic>& d, int line, int col, std::initializer_list<const char*> parts) {
  REQUIRE(!d.empty());
  INFO(d.front().str());
  CHECK(d.front().mark.file == "test.yaml");
  CHECK(d.front().mark.line == line);
  CHECK(d.front().mark.column == col);
  for (const char* p : parts) CHECK_MESSAGE(contains(d.front().message, p), p);
}

}  // namespace

TEST_CASE("a valid scenario loads with every default filled") {
  auto def = geosim::load_scenario_text(tiny, "tiny.yaml");
  CHECK(def.name == "tiny");
  CHECK(def.start.str() == "2024-01");
  CHECK(def.months == 12);
  CHECK(def.seed == 1);
  CHECK(def.population.adopters == 2000);
  CHECK(def.population.degree == 8);
  CHECK(def.behaviour.bass_p == doctest::Approx(0.03));
  CHECK(def.behaviour.bass_q == doctest::Approx(0.38));
  REQUIRE(def.labs.size() == 2);
  CHECK(def.labs[0].name == "x");
  CHECK(def.labs[1].line.open);
  CHECK(def.labs[0].research_efficiency == 1.0);
  CHECK(def.labs[0].distill);
  CHECK(def.nations[1].bloc[1] == 1.0);
  CHECK(def.chipmakers[0].export_banned_to.empty());
}

TEST_CASE("unknown key at the top level, with a suggestion") {
  auto d = refusal(replace(tiny, "months: 12", "monts: 12"));
  expect_first(d, 2, 1, {"unknown key 'monts'", "did you mean 'months'?"});
}

TEST_CASE("unknown key inside an agent, with a suggestion") {
  auto d = refusal(replace(tiny, "capability: 100", "capabilty: 100"));
  expect_first(d, 9, 37, {"unknown key 'capabilty'", "in lab 'x'", "did you mean 'capability'?"});
}

TEST_CASE("unknown nested key lists what is allowed") {
  auto d = refusal(tiny + "behaviour:\n  utility:\n    prize: 1\n");
  expect_first(d, 15, 5, {"unknown key 'prize'", "did you mean 'price'?", "expected one of:", "switching_cost"});
}

TEST_CASE("a model v1 scenario says how to migrate its retired keys") {
  auto d = refusal(replace(tiny, "capability: 100", "capability: 100, capability_growth: 1.2"));
  expect_first(d, 9, 54, {"unknown key 'capability_growth'", "in lab 'x'", "model v2 has no capability_growth", "research_efficiency",
                          "'From model v1'"});
  d = refusal(replace(tiny, "capability: 100", "capability: 100, distillable: false"));
  expect_first(d, 9, 67, {"'distillable'", "expected a number in [0, 1]", "got 'false'", "write 0 for false and 1 for true"});
  d = refusal(tiny + "events:\n  - {at: 2024-03, set: {labs.x.distillable: true}}\n");
  REQUIRE(!d.empty());
  CHECK(contains(d.front().message, "write 0 for false and 1 for true"));
  // A value wrong in another way gets no migration note: it was never a v1 value.
  d = refusal(replace(tiny, "capability: 100", "capability: 100, distillable: 2"));
  REQUIRE(!d.empty());
  CHECK(contains(d.front().message, "got '2'"));
  CHECK(!contains(d.front().message, "model v1"));
}

TEST_CASE("wrong type") {
  auto d = refusal(replace(tiny, "months: 12", "months: twelve"));
  expect_first(d, 2, 9, {"'months'", "expected a whole number in [1, 1200]", "got 'twelve'"});
}

TEST_CASE("a quoted number is text, not a number") {
  auto d = refusal(replace(tiny, "cost: 5}", "cost: \"5\"}"));
  expect_first(d, 9, 60, {"'cost' in lab 'x'", "expected a number"});
}

TEST_CASE("a map where a number belongs") {
  auto d = refusal(tiny + "behaviour:\n  bass_p: {a: 1}\n");
  expect_first(d, 14, 11, {"'behaviour.bass_p'", "expected a number in [0, 12]", "got a map"});
}

TEST_CASE("value out of range") {
  auto d = refusal(tiny + "behaviour:\n  bass_p: 20\n");
  expect_first(d, 14, 11, {"'behaviour.bass_p'", "expected a number in [0, 12]", "got '20'"});
}

TEST_CASE("a fractional value for a whole number") {
  auto d = refusal(replace(tiny, "adopters: 2000", "adopters: 2000.5"));
  expect_first(d, 4, 13, {"'population.adopters'", "a whole number"});
}

TEST_CASE("a whole number's range is written in full, not rounded") {
  auto d = refusal(replace(tiny, "adopters: 2000", "adopters: 200000000"));
  expect_first(d, 4, 13, {"'population.adopters'", "expected a whole number in [1, 100000000]", "got '200000000'"});
  d = refusal(tiny + "seed: -1\n");
  expect_first(d, 13, 7, {"'seed'", "expected a whole number in [0, 9007199254740991]"});
}

TEST_CASE("an unknown choice, with a suggestion") {
  auto d = refusal(replace(tiny, "adopters: 2000", "adopters: 2000\n  network: {kind: smallworld}"));
  expect_first(d, 5, 19, {"'population.network.kind'", "one of: well_mixed, small_world, scale_free", "did you mean 'small_world'?"});
}

TEST_CASE("missing required key") {
  auto d = refusal(replace(tiny, ", cost: 5}", "}"));
  expect_first(d, 9, 5, {"missing required key 'cost'", "in lab 'x'"});
}

TEST_CASE("missing required top-level key") {
  auto d = refusal(replace(tiny, "start: 2024-01\n", ""));
  expect_first(d, 1, 1, {"missing required key 'start'"});
}

TEST_CASE("duplicate id") {
  auto d = refusal(replace(tiny, "{id: B,", "{id: A,"));
  expect_first(d, 7, 10, {"duplicate id 'A' in nations", "first declared at test.yaml:6:10"});
}

TEST_CASE("duplicate key in one map") {
  auto d = refusal(replace(tiny, "months: 12", "months: 12\nmonths: 13"));
  expect_first(d, 3, 1, {"duplicate key 'months'"});
}

TEST_CASE("reference to an undeclared nation, with a suggestion") {
  auto d = refusal(replace(tiny, "origin: B,", "origin: Bb,"));
  expect_first(d, 10, 21, {"'origin' in lab 'y'", "'Bb' is not a declared nation", "did you mean 'B'?", "declared: A, B"});
}

TEST_CASE("reference to an undeclared chipmaker in a map") {
  auto d = refusal(replace(tiny, "cost: 1}", "cost: 1, affinity: {cc: 0.5}}"));
  expect_first(d, 10, 72, {"'affinity' in lab 'y'", "'cc' is not a declared chipmaker", "did you mean 'c'?"});
}

TEST_CASE("reference to an undeclared nation in a list") {
  auto d = refusal(replace(tiny, "perf_per_dollar: 1}", "perf_per_dollar: 1, export_banned_to: [B, Q]}"));
  expect_first(d, 12, 66, {"'Q' is not a declared nation"});
}

TEST_CASE("an event outside the simulated period") {
  auto d = refusal(tiny + "events:\n  - at: 2025-01\n    set: {behaviour.bass_q: 0.5}\n");
  expect_first(d, 14, 9, {"event at 2025-01", "outside the simulated period 2024-01 to 2024-12"});
}

TEST_CASE("an event before the start") {
  auto d = refusal(tiny + "events:\n  - at: 2023-12\n    set: {behaviour.bass_q: 0.5}\n");
  expect_first(d, 14, 9, {"outside the simulated period"});
}

TEST_CASE("an event that changes a key no event may change") {
  auto d = refusal(tiny + "events:\n  - at: 2024-05\n    set: {labs.x.origin: B}\n");
  expect_first(d, 15, 11, {"'labs.x.origin'", "cannot change during a run", "keys an event can set here:", "open"});
}

TEST_CASE("an event naming an undeclared lab") {
  auto d = refusal(tiny + "events:\n  - at: 2024-05\n    set: {labs.z.open: true}\n");
  expect_first(d, 15, 11, {"'z' is not a declared lab"});
}

TEST_CASE("an event with a misspelt key") {
  auto d = refusal(tiny + "events:\n  - at: 2024-05\n    set: {behaviour.bass_qq: 0.5}\n");
  expect_first(d, 15, 11, {"is not a scenario key", "did you mean 'behaviour.bass_q'?"});
}

TEST_CASE("an event whose value has the wrong type") {
  auto d = refusal(tiny + "events:\n  - at: 2024-05\n    set: {labs.x.open: maybe}\n");
  expect_first(d, 15, 24, {"'open'", "true or false", "got 'maybe'"});
}

TEST_CASE("an event without 'set'") {
  auto d = refusal(tiny + "events:\n  - at: 2024-05\n");
  expect_first(d, 14, 5, {"missing required key 'set'"});
}

TEST_CASE("malformed YAML") {
  auto d = refusal(tiny + "labs: [\n");
  REQUIRE(!d.empty());
  CHECK(d.front().mark.file == "test.yaml");
  CHECK(d.front().mark.line >= 13);
  CHECK(contains(d.front().message, "malformed YAML"));
}

TEST_CASE("a stray comma outside any list is refused, not parsed for ever") {
  // yaml-cpp 0.7 returns endless empty documents for these texts; the loader must stop and say where.
  expect_first(refusal(","), 1, 1, {"malformed YAML", "unexpected ','"});
  expect_first(refusal(", months: 3\n"), 1, 1, {"malformed YAML", "unexpected ','"});
  expect_first(refusal("# a comment\n\n  , start: 2024-01\n"), 3, 3, {"unexpected ','"});
}

TEST_CASE("not a map at the top") {
  auto d = refusal("- just\n- a list\n");
  expect_first(d, 1, 1, {"expected a map of scenario keys", "got a list"});
}

TEST_CASE("all-zero bloc weights") {
  auto d = refusal(replace(tiny, "{id: A, bloc: {us: 1}}", "{id: A, bloc: {us: 0}}"));
  expect_first(d, 6, 19, {"nation 'A'", "bloc weights are all zero"});  // at the bloc weights themselves
}

TEST_CASE("odd degree for a small world") {
  auto d = refusal(replace(tiny, "adopters: 2000", "adopters: 2000\n  network: {degree: 5}"));
  expect_first(d, 5, 21, {"must be even for small_world"});  // at the degree
}

TEST_CASE("every problem is reported, not only the first") {
  std::string text = replace(replace(tiny, "months: 12", "months: -1"), "cost: 5}", "cost: 0}");
  auto d = refusal(text);
  CHECK(d.size() == 2);
}

TEST_CASE("remove without extends is refused") {
  auto d = refusal(replace(tiny, "{id: y, origin: B, open: true, capability: 90, cost: 1}", "{id: y, remove: true}"));
  CHECK(contains(d.front().message, "'remove: true' only removes an entry inherited through 'extends'"));
}

TEST_CASE("--set overrides are checked by the same schema") {
  std::string path = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  auto def =
      geosim::load_scenario(path, {geosim::parse_override("population.adopters=5000"), geosim::parse_override("labs.deepseek.open=false")});
  CHECK(def.population.adopters == 5000);
  bool found = false;
  for (const auto& l : def.labs)
    if (l.id == "deepseek") {
      found = true;
      CHECK_FALSE(l.line.open);
    }
  CHECK(found);

  auto refused = [&](const char* o) {
    try {
      geosim::load_scenario(path, {geosim::parse_override(o)});
    } catch (const geosim::DiagnosticError& e) {
      return e.diagnostics().front().str();
    }
    return std::string("accepted");
  };
  CHECK(contains(refused("population.adopters=lots"), "expected a whole number"));
  CHECK(contains(refused("population.adopters=lots"), "--set population.adopters=lots"));
  CHECK(contains(refused("labs.deepsek.open=true"), "did you mean 'deepseek'?"));
  CHECK(contains(refused("behaviour.bass=1"), "did you mean 'bass_p'?"));
  CHECK_THROWS_AS(geosim::parse_override("no-equals-sign"), geosim::DiagnosticError);
}

TEST_CASE("inputs the fuzzer found troublesome load or are refused, and never break the model") {
  namespace fs = std::filesystem;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "tests/fuzz/regressions")) {
    INFO(entry.path().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    ++files;
    geosim::ScenarioDef def;
    try {
      def = geosim::load_scenario_text(ss.str(), entry.path().filename().string());
    } catch (const geosim::DiagnosticError& e) {
      CHECK(!e.diagnostics().empty());
      continue;
    }
    def.population.adopters = std::min<std::int64_t>(def.population.adopters, 300);
    geosim::World w(def);
    while (!w.done()) {
      w.step();
      for (const auto& r : w.outputs()) CHECK_MESSAGE(std::isfinite(r.value), r.scope << " " << r.metric);
    }
  }
  CHECK(files >= 3);
}

TEST_CASE("empty agent lists, dotted keys and [] paths are refused") {
  CHECK(contains(refusal(replace(tiny,
                                 "labs:\n  - {id: x, origin: A, open: false, capability: 100, cost: 5}\n  - {id: y, origin: B, open: true, "
                                 "capability: 90, cost: 1}\n",
                                 "labs: []\n"))
                     .front()
                     .message,
                 "'labs' is empty: a scenario needs at least one lab"));
  auto dotted = refusal(tiny + "behaviour.bass_p: 0.5\n");
  expect_first(dotted, 13, 1, {"unknown key 'behaviour.bass_p'", "keys are single names"});
  auto brackets = refusal(tiny + "events:\n  - at: 2024-03\n    set:\n      labs[].open: true\n");
  expect_first(brackets, 16, 7, {"address agents by id"});
}

TEST_CASE("a second YAML document, and aliases that explode, are refused") {
  expect_first(refusal(tiny + "---\nmonths: 3\n"), 13, 1, {"a second YAML document"});
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  CHECK(contains(refusal(bomb).front().message, "expands to more than 100,000 YAML nodes"));
}

TEST_CASE("an event that leaves a nation without any bloc alignment is refused") {
  auto d = refusal(tiny + "events:\n  - {at: 2024-03, set: {nations.B.bloc.china: 0}}\n");
  expect_first(d, 14, 5, {"leaves nation 'B' with all bloc weights zero"});
}

TEST_CASE("an override that gives two agents one id is refused") {
  std::string path = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  try {
    geosim::load_scenario(path, {geosim::parse_override("nations.CN.id=US")});
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(contains(e.diagnostics().front().message, "duplicate id 'US' in nations"));
  }
}

TEST_CASE("claims load with their defaults, are written back, and what they name must exist") {
  const std::string claims = tiny + "outputs: {without: [B]}\nplausible: cal/plausible.csv\nclaims:\n"
                             "  - {id: more-open, text: open models gain, metric: adoption, at: 2024-12, effect: increase}\n"
                             "  - {id: b-falls, metric: usage_share.china_open, scope: 'without:B', at: 2024-06, effect: decrease}\n";
  const auto def = geosim::load_scenario_text(claims, "claims.yaml");
  REQUIRE(def.claims.size() == 2);
  CHECK(def.claims[0].id == "more-open");
  CHECK(def.claims[0].scope == "world");
  CHECK(def.claims[0].increase);
  CHECK(def.claims[0].text == "open models gain");
  CHECK(def.claims[1].at.str() == "2024-06");
  CHECK_FALSE(def.claims[1].increase);
  CHECK(def.plausible == "cal/plausible.csv");
  // The resolved scenario keeps them, and loads back to the same.
  const std::string once = geosim::resolved_yaml(def);
  CHECK(contains(once, "\nplausible: "));
  CHECK(contains(once, "cal/plausible.csv"));
  const auto again = geosim::load_scenario_text(once, "resolved.yaml");
  CHECK(geosim::resolved_yaml(again) == once);
  REQUIRE(again.claims.size() == 2);
  CHECK(again.claims[1].scope == "without:B");
  // What a claim names must be an output the run writes, inside the period.
  expect_first(refusal(replace(claims, "metric: adoption,", "metric: adoptoin,")), 16, 53, {"'adoptoin' is not an output of scope world", "did you mean 'adoption'"});
  expect_first(refusal(replace(claims, "scope: 'without:B'", "scope: 'nation:Q'")), 17, 58, {"'Q' is not a declared nation"});
  expect_first(refusal(replace(claims, "scope: 'without:B'", "scope: 'without:A'")), 17, 58, {"'A' is not in outputs.without"});
  expect_first(refusal(replace(claims, "at: 2024-06", "at: 2026-06")), 17, 75, {"claim at 2026-06 in claim 'b-falls' is outside the simulated period 2024-01 to 2024-12"});
  expect_first(refusal(replace(claims, "effect: decrease", "effect: fall")), 17, 92, {"expected one of: increase, decrease", "got 'fall'"});
  expect_first(refusal(replace(claims, ", effect: increase}", "}")), 16, 5, {"missing required key 'effect' in claim 'more-open'"});
  expect_first(refusal(replace(claims, "id: b-falls", "id: more-open")), 17, 10, {"duplicate id 'more-open' in claims"});
}
