// geosim solve: the chance constraints' margins, the goal file's refusals, the known optimum of a toy
// goal, and the scenario that reproduces an answer.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../scratch.h"
#include "analysis/solve/goal.h"
#include "analysis/solve/solution_yaml.h"
#include "analysis/solve/solve.h"
#include "scenario/loader.h"

using namespace geosim::solve;
namespace fs = std::filesystem;

namespace {

const std::string data = std::string(GEOSIM_TEST_DATA) + "/solve/";

/// Every message a goal text is refused with, joined; fails the test if it is accepted.
std::string refused(const std::string& text) {
  const fs::path dir = scratch::fresh("goal-refusals");
  std::ofstream(dir / "goal.yaml") << "base: " << data << "bass.yaml\n" << text;
  try {
    load_goal((dir / "goal.yaml").string());
  } catch (const geosim::DiagnosticError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    return all;
  }
  FAIL("the goal was accepted:\n" << text);
  return "";
}

const std::string lever = "parameters:\n  - {path: behaviour.bass_p, range: [0.01, 1]}\n";
const std::string objective = "objective: {minimize: {lever: behaviour.bass_p}}\n";
const std::string constraint = "constraints:\n  - {metric: adoption, above: 0.2, probability: 0.5}\n";

}  // namespace

TEST_CASE("a chance constraint's margin is the deciding run's distance from the threshold") {
  const std::vector<double> v = {5, 1, 4, 2, 3};
  // Below 3.5: three of five runs are; with 60% needed the third smallest (3) decides, with 80% the fourth (4).
  CHECK(chance_margin(v, false, 3.5, 0.6) == 0.5);
  CHECK(chance_margin(v, false, 3.5, 0.8) == -0.5);
  // Above 2.5: three of five are; with 60% the third largest (3) decides.
  CHECK(chance_margin(v, true, 2.5, 0.6) == 0.5);
  CHECK(chance_margin(v, true, 2.5, 0.61) == doctest::Approx(-0.5));  // 61% of 5 needs 4 runs: the fourth largest, 2
  // Every run: the largest (below) or the smallest (above).
  CHECK(chance_margin(v, false, 6, 1) == 1);
  CHECK(chance_margin(v, true, 0, 1) == 1);
  // 0.8 of 10 is 8 runs, not 9, though 0.8 x 10 is a hair above 8 in doubles.
  std::vector<double> ten;
  for (int i = 1; i <= 10; ++i) ten.push_back(i);
  CHECK(chance_margin(ten, false, 8.5, 0.8) == 0.5);
  // A margin is positive exactly when enough runs are strictly on the right side: at the threshold, 0.
  CHECK(chance_margin(v, false, 3, 0.6) == 0);
  CHECK(std::isnan(chance_margin({}, false, 1, 0.5)));
}

TEST_CASE("a goal is refused with every problem and what to write instead") {
  CHECK(refused(lever + objective + constraint + "serach: {global: none}\n").find("unknown goal key 'serach'; did you mean 'search'?") != std::string::npos);
  CHECK(refused(lever + constraint).find("missing required key 'objective'") != std::string::npos);
  CHECK(refused(lever + "objective: {minimize: {lever: behaviour.bass_p}, maximize: {metric: adoption}}\n").find("exactly one of minimize and maximize") !=
        std::string::npos);
  CHECK(refused(lever + "objective: {minimize: {lever: behaviour.bass_q}}\n" + constraint).find("'behaviour.bass_q' is not one of the goal's levers") !=
        std::string::npos);
  CHECK(refused(lever + objective + "constraints:\n  - {metric: adoption, above: 0.2, below: 0.5}\n").find("exactly one of below and above") != std::string::npos);
  CHECK(refused(lever + objective + "constraints:\n  - {metric: adoption, above: 0.2, probability: 1.5}\n").find("expected a share in (0, 1]") != std::string::npos);
  CHECK(refused(lever + objective).find("nothing would be simulated") != std::string::npos);
  CHECK(refused(lever + objective + constraint + "search: {global: anneal}\n").find("search.global: expected direct, isres or none") != std::string::npos);
  CHECK(refused(lever + objective + constraint + "search: {global: none, local: none}\n").find("nothing would search") != std::string::npos);
  CHECK(refused("parameters:\n  - {path: behaviour.bass_p, normal: {mean: 0.2, sd: 0.1}}\n" + objective + constraint)
            .find("lever 'behaviour.bass_p': solve searches a lever between its bounds; give it a range") != std::string::npos);
  CHECK(refused("parameters:\n  - {path: labs.x.open, levels: [true, false]}\nobjective: {minimize: {metric: adoption}}\n").find("levels are for the grid design") !=
        std::string::npos);
  CHECK(refused(lever + objective + "constraints:\n  - {metric: adoptoin, above: 0.2}\n").find("adoptoin") != std::string::npos);
  CHECK(refused(lever + objective + "constraints:\n  - {metric: adoption, at: 2031-01, above: 0.2}\n").find("outside the simulated period") != std::string::npos);
  CHECK(refused("parameters:\n  - {path: labs.x.open, range: [0, 1]}\nobjective: {minimize: {metric: adoption}}\n" + constraint)
            .find("lever 'labs.x.open' is true or false: solve searches numbers between bounds") != std::string::npos);
  // One problem, reported once: a month or a bound that cannot be read is not also out of range.
  const std::string bad_month = refused(lever + objective + "constraints:\n  - {metric: adoption, at: 2024-13, above: 0.2}\n");
  CHECK(bad_month.find("expected a month written YYYY-MM, got '2024-13'") != std::string::npos);
  CHECK(bad_month.find("outside the simulated period") == std::string::npos);
  const std::string bad_bound = refused("parameters:\n  - {path: behaviour.bass_p, range: [0.01, inf]}\n" + objective + constraint);
  CHECK(bad_bound.find("range high: expected a number, got 'inf'") != std::string::npos);
  CHECK(bad_bound.find("range needs low < high") == std::string::npos);
}

TEST_CASE("docs/solve.md lists every key a goal file may hold") {
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/solve.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& key : goal_keys()) {
    INFO(key.path);
    CHECK(doc.find("| `" + key.path + "` | " + key.meaning + " |") != std::string::npos);
  }
}

TEST_CASE("a lever without bounds takes its key's declared range, or is refused when that is unbounded") {
  const fs::path dir = scratch::fresh("goal-ranges");
  std::ofstream(dir / "goal.yaml") << "base: " << data << "bass.yaml\nparameters:\n  - {path: behaviour.bass_p}\n" << objective << constraint;
  const GoalDef g = load_goal((dir / "goal.yaml").string());
  REQUIRE(g.levers == 1);
  const geosim::KeySpec* key = geosim::sweep::schema_key_for("behaviour.bass_p");
  CHECK(g.sweep.parameters[0].a == key->min);
  CHECK(g.sweep.parameters[0].b == key->max);
  // A triggered event's threshold is declared over all numbers: it needs bounds.
  std::ofstream(dir / "trigger.yaml") << "start: 2024-01\nmonths: 12\nnations: [{id: A, bloc: {us: 1}}]\n"
                                         "labs: [{id: x, origin: A, open: false, capability: 100, cost: 2}]\n"
                                         "events: [{id: t, when: {metric: adoption, above: 0.3}, set: {behaviour.bass_q: 1}}]\n";
  std::ofstream(dir / "goal2.yaml") << "base: trigger.yaml\nparameters:\n  - {path: events.t.when.above}\n"
                                    << "objective: {minimize: {metric: adoption}}\n";
  try {
    load_goal((dir / "goal2.yaml").string());
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(e.diagnostics().front().message.find("lever 'events.t.when.above': its key has no range a search can cover") != std::string::npos);
  }
}

TEST_CASE("solve finds the known optimum of a toy goal") {
  // The least bass_p with adoption above 20% after 12 months in half the runs: 1 - (1 - p/12)^12 = 0.2.
  const GoalDef g = load_goal(data + "bass-goal.yaml");
  const fs::path dir = scratch::fresh("solve-toy");
  const std::atomic<bool> stop{false};
  const Solution s = run_solve(g, (dir / "solve.db").string(), stop, nullptr);
  REQUIRE(s.any_feasible);
  const Evaluation& best = s.evaluations[s.best];
  const double p_star = 12 * (1 - std::pow(0.8, 1.0 / 12));
  CHECK(best.levers[0] == doctest::Approx(p_star).epsilon(0.02));
  CHECK(best.margins[0] > 0);
  CHECK(best.margins[0] < 0.003);  // on the constraint's edge: a smaller p would break it
  CHECK(best.objective == best.levers[0]);
  // Every evaluation's feasibility agrees with its margin, and the answer is the least feasible p tried.
  for (const auto& e : s.evaluations) {
    CHECK(e.feasible == (e.margins[0] > 0));
    if (e.feasible) CHECK(e.levers[0] >= best.levers[0]);
  }
  CHECK(s.evaluations.size() <= g.search.global_evaluations + g.search.local_evaluations);
  // Run again on the same store: the same search, every run read back.
  const Solution again = run_solve(g, (dir / "solve.db").string(), stop, nullptr);
  CHECK(again.runs_run == 0);
  REQUIRE(again.evaluations.size() == s.evaluations.size());
  CHECK(again.evaluations[again.best].texts == best.texts);
}

TEST_CASE("the solution scenario sets the goal's keys and levers as a scenario nests them") {
  const std::string text = scenario_with("base.yaml", "x-solution",
                                         {{"population.adopters", "20000"},
                                          {"chipmakers.nvidia_export.export_tier.CN", "0.4"},
                                          {"chipmakers.nvidia_export.licence_fee.CN", "0.1"},
                                          {"events.ban-on-signpost.when.above", "0.05"},
                                          {"behaviour.utility.price", "1.5"}},
                                         {"a comment"});
  CHECK(text ==
        "# a comment\nextends: \"base.yaml\"\nname: \"x-solution\"\npopulation: {adopters: 20000}\n"
        "chipmakers: [{id: \"nvidia_export\", export_tier: {CN: 0.4}, licence_fee: {CN: 0.1}}]\n"
        "events: [{id: \"ban-on-signpost\", when: {above: 0.05}}]\nbehaviour: {utility: {price: 1.5}}\n");
  // Loaded over the library's adaptive scenario it is that scenario with the keys set, event threshold included.
  const fs::path dir = scratch::fresh("solution-yaml");
  std::ofstream(dir / "solution.yaml") << scenario_with(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/export-ban-signpost.yaml", "s",
                                                       {{"events.ban-on-signpost.when.above", "0.05"}, {"chipmakers.nvidia_export.export_tier.CN", "0.4"}}, {});
  auto solved = geosim::load_scenario((dir / "solution.yaml").string());
  auto set = geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/export-ban-signpost.yaml",
                                   {geosim::parse_override("events.ban-on-signpost.when.above=0.05"),
                                    geosim::parse_override("chipmakers.nvidia_export.export_tier.CN=0.4")});
  solved.name = set.name;
  CHECK(geosim::resolved_yaml(solved) == geosim::resolved_yaml(set));
}
