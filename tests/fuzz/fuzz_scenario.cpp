// libFuzzer target: any text given to the scenario loader is either refused with diagnostics or
// loaded; a loaded scenario writes a resolved form that loads back to the same, and runs a few
// months of a small world without breaking an invariant. Anything else (a crash, a sanitizer report,
// another exception) is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/world.h"
#include "scenario/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  geosim::ScenarioDef def;
  try {
    // `extends` resolves against the scenarios folder, so seeds that extend the baseline work.
    def = geosim::load_scenario_text(text, "fuzz.yaml", GEOSIM_SOURCE_DIR "/scenarios");
  } catch (const geosim::DiagnosticError&) {
    return 0;  // refused: the expected outcome for most inputs
  }
  const std::string resolved = geosim::resolved_yaml(def);
  const geosim::ScenarioDef again = geosim::load_scenario_text(resolved, "resolved.yaml");
  if (geosim::resolved_yaml(again) != resolved) std::abort();

  // A small world, a few months: the model must stay finite whatever the parameters.
  def.population.adopters = std::min<std::int64_t>(def.population.adopters, 300);
  if (def.population.network != geosim::NetworkKind::well_mixed && def.population.adopters <= def.population.degree) return 0;
  geosim::set_horizon(def, std::min(def.months, 3));
  geosim::World world(def);
  while (!world.done()) {
    world.step();
    for (const auto& row : world.outputs())
      if (!std::isfinite(row.value)) std::abort();
  }
  return 0;
}
