// Invariants under random parameters: hundreds of parameter sets drawn from the schema's own ranges,
// each run for a short horizon. A failure prints the draw's seed and the whole scenario, so it can be
// replayed with `geosim run` on the printed YAML.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "core/random.h"
#include "model/series.h"
#include "model/world.h"
#include "scenario/loader.h"
#include "model/parameters.h"

namespace {

const std::string skeleton = R"(start: 2024-01
months: 24
nations:
  - {id: A, bloc: {us: 1}}
  - {id: B, bloc: {china: 1}}
  - {id: C, bloc: {nonaligned: 1}}
labs:
  - {id: w, origin: A, open: false, capability: 100, cost: 2}
  - {id: x, origin: A, open: true, capability: 90, cost: 1}
  - {id: y, origin: B, open: true, capability: 85, cost: 0.5}
  - {id: z, origin: C, open: false, capability: 80, cost: 1}
chipmakers:
  - {id: m, origin: A, perf_per_dollar: 1}
  - {id: n, origin: B, perf_per_dollar: 0.5}
)";

/// Draws every numeric, boolean, choice and reference key of the scenario from its declared range.
geosim::ScenarioDef draw(std::uint64_t seed) {
  geosim::ScenarioDef def = geosim::load_scenario_text(skeleton, "property.yaml");
  std::uint32_t counter = 0;
  auto u = [&] { return geosim::unit_open(geosim::philox_words(seed, 0, counter++, geosim::Purpose::init_sector, 99)[0]); };
  auto ids = [&](geosim::AgentList list) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < geosim::agent_count(def, list); ++i) out.push_back(geosim::agent_id(def, list, i));
    return out;
  };
  for (const auto& k : geosim::schema()) {
    if (!k.set || !k.settable) continue;  // identity, start state and population stay as in the skeleton
    const std::size_t n = k.owner() == geosim::AgentList::none ? 1 : geosim::agent_count(def, k.owner());
    for (std::size_t i = 0; i < n; ++i) {
      geosim::Value v;
      switch (k.type) {
        case geosim::KeyType::real: {
          // Half the draws log-uniform, so that small values of wide ranges are tried too.
          double lo = k.min, hi = k.max, x = u();
          v = (u() < 0.5 || lo < 0) ? lo + x * (hi - lo)
                                    : std::min(hi, std::max(lo, std::exp(std::log(1e-6) + x * (std::log(hi + 1e-6) - std::log(1e-6)))));
          break;
        }
        case geosim::KeyType::integer:
          v = std::round(k.min + u() * (k.max - k.min));
          break;
        case geosim::KeyType::boolean:
          v = u() < 0.5;
          break;
        case geosim::KeyType::choice:
          v = k.choices[static_cast<std::size_t>(u() * static_cast<double>(k.choices.size()))];
          break;
        case geosim::KeyType::choice_list:
        case geosim::KeyType::ref_list: {
          std::vector<std::string> pool = k.type == geosim::KeyType::choice_list ? k.choices : ids(k.ref), picked;
          for (const auto& p : pool)
            if (u() < 0.4) picked.push_back(p);
          v = picked;
          break;
        }
        case geosim::KeyType::ref_map: {
          std::map<std::string, double> map;
          for (const auto& p : ids(k.ref))
            if (u() < 0.5) map[p] = k.min + u() * (k.max - k.min);
          v = map;
          break;
        }
        default:
          continue;
      }
      k.set(def, i, v);
    }
  }
  // Population: small, with a random network.
  def.population.adopters = 300 + static_cast<std::int64_t>(u() * 700);
  def.population.network = static_cast<geosim::NetworkKind>(static_cast<int>(u() * 3));
  def.population.degree = 2 * (1 + static_cast<int>(u() * 8));
  def.population.rewire = u();
  def.population.initial_adoption = u() * 0.5;
  def.population.size_sigma = u() * 2;
  def.population.risk_sigma = u();
  for (auto& nation : def.nations)
    if (nation.bloc[0] + nation.bloc[1] + nation.bloc[2] <= 0) nation.bloc[2] = 1;  // the loader demands a positive mix
  def.seed = seed;
  return def;
}

}  // namespace

TEST_CASE("invariants hold for hundreds of random parameter sets") {
  const int sets = 300;
  // What the draws really exercised, so that the test cannot pass by checking nothing: months whose
  // shares were summed (some adopter used a model), each network kind, worlds that adopted widely.
  int months = 0, share_sums = 0, wide_adoption = 0;
  std::set<geosim::NetworkKind> kinds;
  for (std::uint64_t seed = 1; seed <= sets; ++seed) {
    geosim::ScenarioDef def = draw(seed);
    kinds.insert(def.population.network);
    INFO("parameter set " << seed << "; replay with `geosim run` on:\n" << geosim::resolved_yaml(def));
    geosim::World w(def);
    while (!w.done()) {
      w.step();
      double shares = 0;
      for (const auto& r : w.outputs()) {
        REQUIRE_MESSAGE(std::isfinite(r.value), w.last_month().str() << " " << r.scope << " " << r.metric);
        if (r.metric.rfind("usage_share", 0) == 0 || r.metric.rfind("influence", 0) == 0 || r.metric == "adoption" ||
            r.metric == "compute_share" || r.metric == "stranded_share" || r.metric == "rival_model_dependency" ||
            r.metric == "rival_hardware_dependency" || r.metric == "supply" || r.metric == "rationed" || r.metric == "ecosystem" ||
            r.metric.rfind("open_share", 0) == 0 || r.metric.rfind("chip_share", 0) == 0)
          REQUIRE_MESSAGE((r.value >= 0 && r.value <= 1 + 1e-9), r.scope << " " << r.metric << " = " << r.value);
        if (r.metric == "revenue" || r.metric == "valuation" || r.metric == "price" || r.metric == "compute_factor" ||
            r.metric == "capability" || r.metric == "compute_lost_materials" || r.metric == "closed_value_index")
          REQUIRE_MESSAGE(r.value >= 0, r.scope << " " << r.metric << " = " << r.value);
        if (r.scope == "world" && r.metric.rfind("usage_share.", 0) == 0) shares += r.value;
      }
      if (geosim::find_output(w.outputs(), "world", "adopters_using") > 0) {
        REQUIRE(shares == doctest::Approx(1.0).epsilon(1e-9));
        ++share_sums;
      }
      REQUIRE(geosim::find_output(w.outputs(), "world", "adopters_total") == static_cast<double>(def.population.adopters));
      ++months;
    }
    if (geosim::find_output(w.outputs(), "world", "adoption") > 0.5) ++wide_adoption;
    // Every state a real run reaches passes the checks a restored checkpoint is held to.
    geosim::ByteWriter saved;
    w.save_state(saved);
    geosim::World restored(def);
    geosim::ByteReader in(saved.data());
    REQUIRE_NOTHROW(restored.load_state(in));
  }
  CHECK(months == sets * 24);
  CHECK(kinds.size() == 3);
  // Half the draws start with some adoption (initial_adoption up to 0.5), and the Bass hazard adds more:
  // most months of most sets have adopters whose shares must sum to 1.
  CHECK(share_sums > months / 2);
  CHECK(wide_adoption > sets / 10);
  MESSAGE(sets << " random parameter sets, " << months << " months; shares summed in " << share_sums << ", " << wide_adoption
               << " sets ended with adoption above 0.5; every invariant held");
}
