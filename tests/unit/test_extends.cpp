// The merge rules of `extends`: maps merge deeply, agent lists merge by id, `remove: true` deletes.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "../scratch.h"
#include "scenario/loader.h"

namespace {

std::string data(const std::string& name) {
  return std::string(GEOSIM_TEST_DATA) + "/extends/" + name;
}

const geosim::LabDef* lab(const geosim::ScenarioDef& d, const std::string& id) {
  for (const auto& l : d.labs)
    if (l.id == id) return &l;
  return nullptr;
}

std::string first_error(const std::string& file) {
  try {
    geosim::load_scenario(data(file));
  } catch (const geosim::DiagnosticError& e) {
    return e.diagnostics().front().str();
  }
  return "accepted";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("maps merge deeply") {
  auto d = geosim::load_scenario(data("child.yaml"));
  CHECK(d.name == "child");
  CHECK(d.behaviour.bass_p == doctest::Approx(0.05));
  CHECK(d.behaviour.bass_q == doctest::Approx(0.7));
  CHECK(d.population.network == geosim::NetworkKind::small_world);
  CHECK(d.population.degree == 10);
  CHECK(d.population.adopters == 3000);
  CHECK(d.months == 24);
}

TEST_CASE("agent lists merge by id, new ids are appended") {
  auto d = geosim::load_scenario(data("child.yaml"));
  REQUIRE(d.labs.size() == 3);
  CHECK(d.labs[0].id == "x");
  CHECK(d.labs[1].id == "y");
  CHECK(d.labs[2].id == "z");
  CHECK_FALSE(lab(d, "y")->line.open);
  CHECK(lab(d, "y")->origin == "B");
  CHECK(lab(d, "y")->line.capability == 90);
  CHECK(lab(d, "y")->line.cost == 1);
}

TEST_CASE("plain lists are replaced, not concatenated") {
  auto d = geosim::load_scenario(data("child.yaml"));
  CHECK(d.nations[0].ban_rival_models_in == std::vector<std::string>{"public"});
}

TEST_CASE("events merge by id and are appended otherwise, then sorted by month") {
  auto d = geosim::load_scenario(data("child.yaml"));
  REQUIRE(d.events.size() == 3);
  CHECK(d.events[0].id == "tighten");
  CHECK(d.events[0].at.str() == "2024-03");
  CHECK(d.events[0].changes.size() == 1);  // the inherited set is kept
  CHECK(d.events[1].at.str() == "2024-09");
  CHECK(d.events[2].at.str() == "2024-12");
}

TEST_CASE("remove: true deletes an inherited entry, through two levels of extends") {
  auto d = geosim::load_scenario(data("grandchild.yaml"));
  CHECK(d.name == "grandchild");
  CHECK(lab(d, "x") == nullptr);
  REQUIRE(lab(d, "z") != nullptr);
  CHECK(d.behaviour.bass_q == doctest::Approx(0.7));
  CHECK(d.events.size() == 2);
  CHECK(std::none_of(d.events.begin(), d.events.end(), [](const auto& e) { return e.id == "tighten"; }));
}

TEST_CASE("removing an entry the parent does not have is refused") {
  auto e = first_error("remove_unknown.yaml");
  CHECK(contains(e, "remove_unknown.yaml:3:10"));
  CHECK(contains(e, "cannot remove 'nosuch'"));
}

TEST_CASE("keys beside remove: true are refused, not dropped") {
  auto e = first_error("remove_with_changes.yaml");
  CHECK(contains(e, "remove_with_changes.yaml:3:27"));
  CHECK(contains(e, "'capability' beside 'remove: true' would be dropped"));
}

TEST_CASE("circular extends is refused") {
  CHECK(contains(first_error("cycle_a.yaml"), "circular extends: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml"));
  CHECK(contains(first_error("self.yaml"), "circular extends: self.yaml -> self.yaml"));
}

TEST_CASE("a missing parent is refused at the extends line") {
  auto e = first_error("missing_parent.yaml");
  CHECK(contains(e, "missing_parent.yaml:2:10"));
  CHECK(contains(e, "extends: file 'no_such_file.yaml' not found"));
}

TEST_CASE("errors point into the file the value came from") {
  CHECK(contains(first_error("child_bad_value.yaml"), "child_bad_value.yaml:3:11"));
  auto e = first_error("child_breaks_parent_ref.yaml");
  CHECK(contains(e, "base.yaml:16"));
  CHECK(contains(e, "'B' is not a declared nation"));
}

TEST_CASE("remove accepts every spelling of true, and extends must name a file") {
  auto d = geosim::load_scenario_text("extends: base.yaml\nlabs:\n  - {id: y, remove: True}\n", "child.yaml",
                                      std::string(GEOSIM_TEST_DATA) + "/extends");
  CHECK(d.labs.size() == 1);
  try {
    geosim::load_scenario_text("extends: ../extends\n", "folder.yaml", std::string(GEOSIM_TEST_DATA) + "/extends");
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(contains(e.diagnostics().front().str(), "folder.yaml:1:10: error: extends: '../extends' is not a file"));
  }
}

TEST_CASE("a problem across keys is blamed once, on the file that set the values") {
  const auto dir = scratch::fresh("extends-blame");
  const std::string base = data("base.yaml");
  auto refused = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    try {
      geosim::load_scenario((dir / name).string());
    } catch (const geosim::DiagnosticError& e) {
      return e.diagnostics();
    }
    FAIL("accepted: " << text);
    return std::vector<geosim::Diagnostic>{};
  };
  // base.yaml has two events; neither touches A's blocs, so neither is blamed.
  const auto zero = refused("zero.yaml", "extends: " + base + "\nnations:\n  - {id: A, bloc: {us: 0}}\n");
  REQUIRE(zero.size() == 1);
  CHECK_MESSAGE(zero.front().str().rfind((dir / "zero.yaml").string() + ":3:19: error: nation 'A': bloc weights are all zero", 0) == 0, zero.front().str());
  // Too few adopters for the network: blamed where adopters was set, naming where the degree came from.
  const auto few = refused("few.yaml", "extends: " + base + "\npopulation: {adopters: 3}\n");
  REQUIRE(few.size() == 1);
  CHECK(few.front().str() == (dir / "few.yaml").string() + ":2:24: error: population.adopters (3) must exceed population.network.degree (6, set at " +
                                 base + ":7:40)");
}

TEST_CASE("claims merge by id: an extending file replaces a claim's keys, removes one, or adds its own") {
  const auto dir = scratch::cleared("extends-claims");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "parent.yaml") << "extends: " << data("base.yaml") << "\nclaims:\n"
                                        "  - {id: a, metric: adoption, at: 2024-06, effect: increase}\n"
                                        "  - {id: b, metric: adoption, at: 2024-06, effect: decrease}\n";
  std::ofstream(dir / "child.yaml") << "extends: parent.yaml\nclaims:\n"
                                       "  - {id: a, at: 2024-09}\n"
                                       "  - {id: b, remove: true}\n"
                                       "  - {id: c, metric: adopted_weight, at: 2024-03, effect: increase}\n";
  const auto d = geosim::load_scenario((dir / "child.yaml").string());
  REQUIRE(d.claims.size() == 2);
  CHECK(d.claims[0].id == "a");
  CHECK(d.claims[0].at.str() == "2024-09");
  CHECK(d.claims[0].increase);  // the inherited keys are kept
  CHECK(d.claims[1].id == "c");
}
