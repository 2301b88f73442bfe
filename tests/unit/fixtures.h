#pragma once
// Small scenarios shared by the unit tests.
#include <doctest/doctest.h>

#include <string>

#include "scenario/loader.h"

namespace fixtures {

/// A valid two-nation, two-lab scenario; tests append to it or replace lines of it.
inline const std::string tiny = R"(start: 2024-01
months: 12
population:
  adopters: 2000
nations:
  - {id: A, bloc: {us: 1}}
  - {id: B, bloc: {china: 1}}
labs:
  - {id: x, origin: A, open: false, capability: 100, cost: 5}
  - {id: y, origin: B, open: true, capability: 90, cost: 1}
chipmakers:
  - {id: c, origin: A, perf_per_dollar: 1}
)";

/// The diagnostics a scenario text is refused with; fails the test if it is accepted.
inline std::vector<geosim::Diagnostic> refusal(const std::string& text, const std::string& file = "test.yaml") {
  try {
    geosim::load_scenario_text(text, file);
  } catch (const geosim::DiagnosticError& e) {
    return e.diagnostics();
  }
  FAIL("the scenario was accepted but should have been refused:\n" << text);
  return {};
}

/// Replaces the first occurrence of `from` in `text`; fails the test if absent.
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace fixtures
