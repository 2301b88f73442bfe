// Each mechanism of the model, switched on and off in a small controlled scenario: its effect has the
// documented sign and size (docs/model.md). Every run also checks the monthly invariants.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "fixtures.h"
#include "model/series.h"
#include "model/labs.h"
#include "model/world.h"

namespace {

/// A run's outputs: value of (month, scope, metric).
struct Run {
  std::map<std::string, double> values;
  double at(const std::string& month, const std::string& scope, const std::string& metric) const {
    auto it = values.find(month + "|" + scope + "|" + metric);
    REQUIRE_MESSAGE(it != values.end(), month << " " << scope << " " << metric);
    return it->second;
  }
};

/// Runs a scenario text, checking the invariants every month: finite values, shares in [0, 1] that sum
/// to 1, adopters conserved, money and compute never negative.
Run run(const std::string& text) {
  auto def = geosim::load_scenario_text(text, "mechanism.yaml");
  geosim::World w(def);
  Run r;
  while (!w.done()) {
    w.step();
    double sum = 0;
    for (const auto& row : w.outputs()) {
      REQUIRE_MESSAGE(std::isfinite(row.value), row.scope << " " << row.metric);
      if (row.metric.rfind("usage_share", 0) == 0 || row.metric.rfind("influence", 0) == 0 || row.metric == "adoption")
        CHECK((row.value >= 0 && row.value <= 1 + 1e-12));
      if (row.scope == "world" && row.metric.rfind("usage_share.", 0) == 0) sum += row.value;
      if (row.metric == "revenue" || row.metric == "valuation" || row.metric == "price" || row.metric == "compute_factor")
        CHECK(row.value >= 0);
      r.values[w.last_month().str() + "|" + row.scope + "|" + row.metric] = row.value;
    }
    if (geosim::find_output(w.outputs(), "world", "adopters_using") > 0) CHECK(sum == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(geosim::find_output(w.outputs(), "world", "adopters_total") == static_cast<double>(def.population.adopters));
  }
  return r;
}

/// Two nations (A in the US bloc, B in the China bloc), a closed lab in A and an open lab in B.
std::string two_blocs(const std::string& extra_behaviour = "", const std::string& labs_extra = "", int months = 24) {
  return "start: 2024-01\nmonths: " + std::to_string(months) +
         "\nseed: 3\npopulation: {adopters: 20000, initial_adoption: 0.5}\n"
         "behaviour: {" +
         extra_behaviour +
         "}\n"
         "nations:\n  - {id: A, bloc: {us: 1}}\n  - {id: B, bloc: {china: 1}}\n"
         "labs:\n  - {id: x, origin: A, open: false, capability: 100, cost: 2}\n"
         "  - {id: y, origin: B, open: true, capability: 90, cost: 1" +
         labs_extra + "}\n";
}

}  // namespace

TEST_CASE("adoption: imitation through the network speeds adoption") {
  const std::string base =
      "start: 2024-01\nmonths: 24\nseed: 5\npopulation: {adopters: 20000}\n"
      "nations: [{id: A, bloc: {us: 1}}]\nlabs: [{id: x, origin: A, open: false, capability: 100, cost: 2}]\n";
  auto without = run(base + "behaviour: {bass_p: 0.1, bass_q: 0}\n");
  auto with = run(base + "behaviour: {bass_p: 0.1, bass_q: 3}\n");
  // Without imitation adoption is 1 - (1 - p/12)^24 = 0.182; imitation must add a lot to that.
  CHECK(without.at("2025-12", "world", "adoption") == doctest::Approx(1 - std::pow(1 - 0.1 / 12, 24)).epsilon(0.08));
  CHECK(with.at("2025-12", "world", "adoption") > without.at("2025-12", "world", "adoption") + 0.3);
}

TEST_CASE("choice: origin risk turns adopters away from rival-origin models") {
  // Without openness' pull toward y, both labs are chosen in both nations unless origin risk weighs.
  auto risk_off = run(two_blocs("utility: {origin_risk: 0, openness: 0}"));
  auto risk_on = run(two_blocs("utility: {origin_risk: 4, openness: 0}"));

  CHECK(risk_on.at("2025-12", "nation:A", "rival_model_dependency") < risk_off.at("2025-12", "nation:A", "rival_model_dependency") - 0.2);
  CHECK(risk_on.at("2025-12", "nation:B", "rival_model_dependency") < risk_off.at("2025-12", "nation:B", "rival_model_dependency") - 0.2);
}

TEST_CASE("choice: a risk discount (trusted hosting) brings back adopters, while dependency still counts the origin") {
  auto plain = run(two_blocs("utility: {origin_risk: 4}"));
  auto hosted = run(two_blocs("utility: {origin_risk: 4}", ", risk_discount: 0.9"));
  CHECK(hosted.at("2025-12", "nation:A", "rival_model_dependency") > plain.at("2025-12", "nation:A", "rival_model_dependency") + 0.2);
}

TEST_CASE("choice: frontier access denial removes the closed model for the denied nation") {
  auto r = run(fixtures::replace(two_blocs(), "{id: A, bloc: {us: 1}}", "{id: A, bloc: {us: 1}, deny_frontier_access: [B]}"));
  CHECK(r.at("2024-01", "nation:B", "usage_share.us_closed") == 0);
  CHECK(r.at("2024-01", "nation:A", "usage_share.us_closed") > 0.2);
}

TEST_CASE("capability: distillation closes a set fraction of the gap to the best accessible model") {
  auto text = two_blocs("distillation_rate: 0.1, community_rate: 0", ", research_efficiency: 0");
  auto r = run(text);
  // y grows only by distillation: c(t+1) = c(t) + 0.1 (c_x(t) - c(t)).
  for (const char* m : {"2024-03", "2024-12", "2025-06"}) {
    const std::string next = m == std::string("2024-03") ? "2024-04" : m == std::string("2024-12") ? "2025-01" : "2025-07";
    double cy = r.at(m, "lab:y", "capability"), cx = r.at(m, "lab:x", "capability");
    CHECK(r.at(next, "lab:y", "capability") == doctest::Approx(cy + 0.1 * (cx - cy)).epsilon(1e-12));
  }
  // Refusing B's adopters service does not stop B's labs distilling (through intermediaries): y still
  // closes a tenth of the gap a month.
  auto denied = run(fixtures::replace(text, "{id: A, bloc: {us: 1}}", "{id: A, bloc: {us: 1}, deny_frontier_access: [B]}"));
  CHECK(denied.at("2024-01", "nation:B", "usage_share.us_closed") == 0);
  const double dy = denied.at("2025-06", "lab:y", "capability"), dx = denied.at("2025-06", "lab:x", "capability");
  CHECK(denied.at("2025-07", "lab:y", "capability") == doctest::Approx(dy + 0.1 * (dx - dy)).epsilon(1e-12));

  // A distillation guard leaves only the leak: the gap closes at 0.1 x 0.25 a month.
  auto guarded = run(fixtures::replace(fixtures::replace(text, "{id: A, bloc: {us: 1}}", "{id: A, bloc: {us: 1}, distillation_guard: [B]}"),
                                       "capability: 100, cost: 2}", "capability: 100, cost: 2, distill_leak: 0.25}"));
  for (const char* m : {"2024-03", "2025-06"}) {
    const std::string next = m == std::string("2024-03") ? "2024-04" : "2025-07";
    double cy = guarded.at(m, "lab:y", "capability"), cx = guarded.at(m, "lab:x", "capability");
    CHECK(guarded.at(next, "lab:y", "capability") == doctest::Approx(cy + 0.1 * 0.25 * (cx - cy)).epsilon(1e-12));
  }
}

TEST_CASE("capability: a lab that guards its outputs cannot be distilled, one that guards half of them half as fast") {
  const std::string text = two_blocs("distillation_rate: 0.1, community_rate: 0", ", research_efficiency: 0");
  auto guarded = run(fixtures::replace(text, "capability: 100, cost: 2}", "capability: 100, cost: 2, distillable: 0}"));
  CHECK(guarded.at("2025-12", "lab:y", "capability") == doctest::Approx(90.0));
  auto half = run(fixtures::replace(text, "capability: 100, cost: 2}", "capability: 100, cost: 2, distillable: 0.5}"));
  const double cy = half.at("2024-06", "lab:y", "capability"), cx = half.at("2024-06", "lab:x", "capability");
  CHECK(half.at("2024-07", "lab:y", "capability") == doctest::Approx(cy + 0.1 * 0.5 * (cx - cy)).epsilon(1e-12));
  CHECK(run(text).at("2025-12", "lab:y", "capability") > 95);
}

TEST_CASE("capability: open labs gain community contributions in proportion to their usage") {
  auto r = run(two_blocs("distillation_rate: 0, community_rate: 2", ", research_efficiency: 0"));
  double c0 = r.at("2024-06", "lab:y", "capability"), share = r.at("2024-06", "lab:y", "usage_share");
  CHECK(share > 0.1);
  CHECK(r.at("2024-07", "lab:y", "capability") == doctest::Approx(c0 + 2 * share).epsilon(1e-12));
}

TEST_CASE("capability: chip export controls slow the growth of the controlled nation's labs") {
  const std::string chips = "chipmakers:\n  - {id: n, origin: A, perf_per_dollar: 1}\n  - {id: h, origin: B, perf_per_dollar: 0.3}\n";
  const std::string money = "distillation_rate: 0, community_rate: 0";
  auto open_sales = run(two_blocs(money, ", funding: 1e9") + chips);
  auto banned = run(two_blocs(money, ", funding: 1e9") +
                    fixtures::replace(chips, "perf_per_dollar: 1}", "perf_per_dollar: 1, export_banned_to: [B]}"));
  CHECK(open_sales.at("2024-06", "chipmaker:n", "compute_share") > 0.99);  // everyone runs on the better chip
  CHECK(open_sales.at("2024-06", "chipmaker:h", "compute_share") < 1e-3);  // 0.3^8 of the purchases

  CHECK(banned.at("2024-06", "chipmaker:h", "compute_share") > 0.2);  // y now runs on its own nation's chips
  CHECK(banned.at("2025-12", "lab:y", "capability") < open_sales.at("2025-12", "lab:y", "capability") - 3);
  CHECK(banned.at("2025-12", "lab:x", "capability") == doctest::Approx(open_sales.at("2025-12", "lab:x", "capability")).epsilon(0.02));
}

TEST_CASE("release: a loss leader closes once it has won enough users, stranding its open users") {
  auto r = run(two_blocs("utility: {origin_risk: 0}", ", close_at_share: 0.3", 36));
  CHECK(r.at("2024-01", "lab:y", "open") == 1);
  CHECK(r.at("2024-01", "lab:y", "usage_share") >= 0.3);
  CHECK(r.at("2024-02", "lab:y", "open") == 0);
  double stranded = r.at("2024-02", "world", "stranded_share");
  CHECK(stranded == doctest::Approx(r.at("2024-01", "lab:y", "usage_share")).epsilon(0.1));
  CHECK(r.at("2024-02", "lab:y", "usage_share") < 0.05);
  // Stranded users leave the frozen version over time as the closed versions improve.
  CHECK(r.at("2026-12", "world", "stranded_share") < stranded);
  CHECK(r.at("2026-12", "world", "stranded_adopters") > 0);
}

TEST_CASE("release: adaptive labs follow the payoff of open versus closed release") {
  // A huge regulatory penalty on open release makes an adaptive open lab close at its first review.
  auto penalized = run(fixtures::replace(two_blocs("strategy_interval: 6", ", strategy: adaptive"), "{id: B, bloc: {china: 1}}",
                                         "{id: B, bloc: {china: 1}, open_release_penalty: 1e11}"));
  CHECK(penalized.at("2024-06", "lab:y", "open") == 1);
  CHECK(penalized.at("2024-07", "lab:y", "open") == 0);
  // A state-backed lab weighing influence highly stays open; it closes when influence is worthless.
  auto influence = run(two_blocs("strategy_interval: 6, influence_value: 1e11", ", strategy: adaptive, state_backed: true"));
  CHECK(influence.at("2025-12", "lab:y", "open") == 1);
  auto no_influence = run(two_blocs("strategy_interval: 6, influence_value: 0, open_api_share: 0.01", ", strategy: adaptive"));
  CHECK(no_influence.at("2025-12", "lab:y", "open") == 0);
}

TEST_CASE("prices: open models of similar capability erode closed markups") {
  auto none = run(fixtures::replace(two_blocs("commoditization: 0"), "capability: 90, cost: 1", "capability: 100, cost: 1"));
  auto full = run(fixtures::replace(two_blocs("commoditization: 1"), "capability: 90, cost: 1", "capability: 100, cost: 1"));
  // x: cost 2, markup 2: price 6 without erosion; with erosion 2 (1 + 2 (1 - open share)).
  double open_share = full.at("2024-06", "lab:y", "usage_share");
  CHECK(none.at("2024-07", "lab:x", "price") > full.at("2024-07", "lab:x", "price") * 1.2);
  double cost_x = 2 * std::pow(0.4, 6.0 / 12.0) * std::exp(0.05 * (full.at("2024-07", "lab:x", "capability") - 100));
  CHECK(full.at("2024-07", "lab:x", "price") == doctest::Approx(cost_x * (1 + 2 * (1 - open_share))).epsilon(1e-9));
}

TEST_CASE("prices: a state subsidy pushes an open model's price below its cost (dumping)") {
  auto plain = run(two_blocs("", "", 6));
  auto dumped = run(two_blocs("", ", subsidy: 0.9", 6));
  // First month: cost 1, hosting margin 0.3, no decline yet; the subsidy takes 90% off.
  CHECK(plain.at("2024-01", "lab:y", "price") == doctest::Approx(1.3));
  CHECK(dumped.at("2024-01", "lab:y", "price") == doctest::Approx(0.13));
  CHECK(dumped.at("2024-06", "lab:y", "usage_share") > plain.at("2024-06", "lab:y", "usage_share"));
}

TEST_CASE("hardware: affinity decides the platform, export controls move it, ecosystems grow with use") {
  const std::string chips =
      "chipmakers:\n  - {id: n, origin: A, perf_per_dollar: 1}\n  - {id: h, origin: B, perf_per_dollar: 0.8, ecosystem: 0.5}\n";
  auto tuned = run(two_blocs("", ", affinity: {n: 0.2, h: 1}") + chips);
  CHECK(tuned.at("2024-01", "nation:A", "rival_hardware_dependency") > 0);  // A's users of y run it on h
  // Every option has a chip here: a nation's chip shares add up to 1, and y's users in A are h's share.
  CHECK(tuned.at("2024-01", "nation:A", "chip_share.n") + tuned.at("2024-01", "nation:A", "chip_share.h") == doctest::Approx(1.0));
  CHECK(tuned.at("2024-01", "nation:A", "chip_share.h") == doctest::Approx(tuned.at("2024-01", "nation:A", "rival_hardware_dependency")));
  CHECK(tuned.at("2025-12", "chipmaker:h", "ecosystem") > 0.55);
  // Buyers that all but ignore second-best chips (sensitivity 100: 0.4^100 of the purchases).
  auto plain = run(two_blocs("chip_choice_sensitivity: 100") + chips);
  CHECK(plain.at("2024-01", "chipmaker:h", "compute_share") < 1e-30);
  // Unused but fully portable (affinity 1): pull 0.5 (0 + 1), so 1 - mu shrinks by 1 - 0.05 * 0.5 a month
  // over the 23 months before 2025-12.
  CHECK(plain.at("2025-12", "chipmaker:h", "ecosystem") == doctest::Approx(1 - 0.5 * std::pow(1 - 0.025, 23)).epsilon(1e-9));
}

TEST_CASE("hardware: a materials embargo cuts supply and, where capacity binds, compute") {
  const std::string chips = "chipmakers:\n  - {id: n, origin: A, perf_per_dollar: 1, capacity: 1e9, materials_from: {B: 0.5}}\n";
  auto calm = run(two_blocs("", ", funding: 1e9") + chips);
  auto embargo = run(fixtures::replace(two_blocs("", ", funding: 1e9"), "{id: B, bloc: {china: 1}}",
                                       "{id: B, bloc: {china: 1}, materials_export_ban: [A]}") +
                     chips);
  CHECK(calm.at("2024-06", "chipmaker:n", "supply") == 1);
  CHECK(embargo.at("2024-06", "chipmaker:n", "supply") == doctest::Approx(1 - 0.8 * 0.5));
  CHECK(calm.at("2024-06", "world", "compute_lost_materials") == 0);
  CHECK(embargo.at("2024-06", "world", "compute_lost_materials") > 0.1);
  CHECK(embargo.at("2025-12", "lab:x", "capability") < calm.at("2025-12", "lab:x", "capability"));
}

TEST_CASE("policy: a dependency rule bans rival models after its lag") {
  auto r = run(fixtures::replace(
      two_blocs("utility: {origin_risk: 0}"), "{id: A, bloc: {us: 1}}",
      "{id: A, bloc: {us: 1}, rule_ban_threshold: 0.1, rule_ban_lag: 3, rule_ban_sectors: [enterprise, public, developer]}"));
  CHECK(r.at("2024-01", "nation:A", "rival_model_dependency") > 0.1);
  CHECK(r.at("2024-03", "nation:A", "rule_ban_active") == 0);
  CHECK(r.at("2024-04", "nation:A", "rule_ban_active") == 1);
  CHECK(r.at("2024-04", "nation:A", "rival_model_dependency") == 0);
}

TEST_CASE("money: revenue follows usage and price, valuation follows revenue") {
  // Without a demand response: demand in month index 5 follows the exogenous path, whose growth rate
  // ln 2 a year halves every 3 years.
  auto r = run(two_blocs("tokens_per_month: 1e12, demand_growth: 1, demand_growth_halflife: 3, demand_price_elasticity: 0, demand_capability_elasticity: 0"));
  const double demand = 1e12 * std::exp(std::log(2.0) * 3 / std::log(2.0) * (1 - std::exp2(-5.0 / 12 / 3)));
  CHECK(r.at("2024-06", "world", "token_demand") == doctest::Approx(demand).epsilon(1e-12));
  CHECK(r.at("2024-06", "world", "demand_multiplier") == doctest::Approx(1.0).epsilon(1e-15));  // a ratio of sums
  double share_of_all = r.at("2024-06", "lab:x", "usage_share") * r.at("2024-06", "world", "adoption");
  CHECK(r.at("2024-06", "lab:x", "revenue") ==
        doctest::Approx(share_of_all * demand * r.at("2024-06", "lab:x", "price") / 1e6).epsilon(1e-9));
  // With one, each nation's demand is the path times its own multiplier (model.md 3.10), and revenue
  // sums each nation's share of the world's weight on the line times that nation's demand. x is the
  // only US closed lab, so its weight in a nation is that nation's US-closed share of its adopted weight.
  auto jevons = run(two_blocs("tokens_per_month: 1e12, demand_price_elasticity: 1.5, demand_adjustment: 0.2"));
  auto j = [&](const std::string& scope, const std::string& metric) { return jevons.at("2024-06", scope, metric); };
  const double path = j("world", "token_demand") / j("world", "demand_multiplier");
  const double world_weight = j("world", "adopted_weight") / j("world", "adoption");
  CHECK(j("nation:A", "demand_multiplier") != doctest::Approx(j("nation:B", "demand_multiplier")).epsilon(1e-3));  // they differ
  double served = 0;
  for (const char* n : {"nation:A", "nation:B"})
    served += j(n, "usage_share.us_closed") * j(n, "adopted_weight") / world_weight * path * j(n, "demand_multiplier");
  CHECK(j("lab:x", "revenue") == doctest::Approx(served * j("lab:x", "price") / 1e6).epsilon(1e-9));

  CHECK(
      geosim::token_demand(
          geosim::load_scenario_text(two_blocs("tokens_per_month: 1e12, demand_growth: 1, demand_growth_halflife: 3"), "m.yaml").behaviour,
          100000) == doctest::Approx(1e12 * std::pow(2.0, 3 / std::log(2.0))));
  CHECK(r.at("2025-12", "lab:x", "valuation") > 0);
  CHECK(r.at("2024-01", "world", "closed_value_index") == doctest::Approx(1.0));
}

TEST_CASE("lock-in: with strong increasing returns one of two equal platforms takes the market (Arthur 1989)") {
  auto platforms = [](double neighbours, int seed) {
    return "start: 2024-01\nmonths: 120\nseed: " + std::to_string(seed) +
           "\npopulation: {adopters: 5000, initial_adoption: 1, size_sigma: 0, network: {kind: well_mixed}}\n"
           "behaviour: {revisit_rate: 6, utility: {neighbours: " +
           std::to_string(neighbours) +
           ", switching_cost: 0}}\n"
           "nations: [{id: A, bloc: {us: 1}}]\n"
           "labs:\n  - {id: p, origin: A, open: false, capability: 100, cost: 1, research_efficiency: 0, distill: false}\n"
           "  - {id: q, origin: A, open: false, capability: 100, cost: 1, research_efficiency: 0, distill: false}\n";
  };
  // Increasing returns: the logit of neighbours' shares has slope 12 p (1 - p) = 3 > 1 at the even
  // split, so the split is unstable and the market tips; which platform wins depends on early chance.
  int p_wins = 0, q_wins = 0;
  for (int seed = 1; seed <= 6; ++seed) {
    auto r = run(platforms(6, seed));
    double p = r.at("2033-12", "lab:p", "usage_share");
    CHECK_MESSAGE((p > 0.95 || p < 0.05), "seed " << seed << ": p's share " << p);
    (p > 0.5 ? p_wins : q_wins) += 1;
  }
  CHECK(p_wins > 0);
  CHECK(q_wins > 0);
  // Without increasing returns the market stays shared (within 5 binomial standard errors of 1/2).
  auto shared = run(platforms(0, 1));
  CHECK(std::abs(shared.at("2033-12", "lab:p", "usage_share") - 0.5) < 5 * std::sqrt(0.25 / 5000));
}

TEST_CASE("chips: buyers split purchases by a power of performance per dollar, tiers, licence fees and buyer bans move them") {
  // One open lab in B; two chipmakers B may buy from, of performance 1 and 0.5.
  const std::string chips = "chipmakers:\n  - {id: n, origin: A, perf_per_dollar: 1}\n  - {id: h, origin: B, perf_per_dollar: 0.5}\n";
  auto base = [&](const std::string& behaviour, const std::string& nation_b = "{id: B, bloc: {china: 1}}", const std::string& c = "") {
    return fixtures::replace(two_blocs(behaviour), "{id: B, bloc: {china: 1}}", nation_b) + (c.empty() ? chips : c);
  };
  // Shares as performance^theta: 1 : 0.5^2 at theta 2, so h gets 0.2 of the purchases, for y hosted in
  // B as for x's own chips bought in A.
  auto even = run(base("chip_choice_sensitivity: 2"));
  CHECK(even.at("2024-01", "nation:B", "chip_share.h") == doctest::Approx(0.2).epsilon(1e-9));
  // What B's users of x and y run on: x on A's purchases, y on B's.
  auto expected_h = [](const Run& r, double y_share, double x_share) {
    return y_share * r.at("2024-01", "nation:B", "usage_share.china_open") + x_share * r.at("2024-01", "nation:B", "usage_share.us_closed");
  };
  // An export tier of 0.25 for B makes n's chips worth 0.25 there: h is the better buy in B, 0.5^2 : 0.25^2.
  auto tiered = run(base("chip_choice_sensitivity: 2", "{id: B, bloc: {china: 1}}",
                         fixtures::replace(chips, "perf_per_dollar: 1}", "perf_per_dollar: 1, export_tier: {B: 0.25}}")));
  CHECK(tiered.at("2024-01", "nation:B", "chip_share.h") == doctest::Approx(expected_h(tiered, 0.8, 0.2)).epsilon(1e-9));
  // A licence fee of 1 (the price doubles) halves n's performance per dollar for B: an even split there,
  // and half of what B pays n is the fee.
  auto fee = run(base("chip_choice_sensitivity: 2", "{id: B, bloc: {china: 1}}",
                      fixtures::replace(chips, "perf_per_dollar: 1}", "perf_per_dollar: 1, licence_fee: {B: 1}}")));
  CHECK(fee.at("2024-01", "nation:B", "chip_share.h") == doctest::Approx(expected_h(fee, 0.5, 0.2)).epsilon(1e-9));

  CHECK(fee.at("2024-01", "chipmaker:n", "licence_fees") > 0);
  CHECK(fee.at("2024-01", "chipmaker:n", "licence_fees") == doctest::Approx(0.5 * fee.at("2024-01", "nation:B", "chips_bought.n")).epsilon(1e-9));
  CHECK(fee.at("2024-01", "chipmaker:h", "licence_fees") == 0);
  CHECK(fee.at("2024-01", "world", "licence_fees") == doctest::Approx(fee.at("2024-01", "chipmaker:n", "licence_fees")).epsilon(1e-12));
  // A buyer-side ban: B's labs and hosts stop buying n.
  auto banned = run(base("chip_choice_sensitivity: 2", "{id: B, bloc: {china: 1}, chip_buy_ban: [n]}"));
  CHECK(banned.at("2024-01", "nation:B", "chips_bought.n") == 0);
  CHECK(banned.at("2024-01", "nation:B", "chip_purchase_share.h") == 1);
  CHECK(banned.at("2024-01", "nation:A", "chip_purchase_share.n") < 1);  // A still buys both
  // Purchase shares of a nation add up to 1.
  CHECK(even.at("2024-06", "nation:A", "chip_purchase_share.n") + even.at("2024-06", "nation:A", "chip_purchase_share.h") == doctest::Approx(1.0));
}

TEST_CASE("choice: support, compliance and trust draw enterprises more than developers") {
  // x (closed, in A) gains full attributes: enterprises weigh them fully, developers hardly.
  const std::string plain = two_blocs("utility: {origin_risk: 0}, attribute_weight: {enterprise: 1, developer: 0}");
  auto with = run(fixtures::replace(plain, "capability: 100, cost: 2}", "capability: 100, cost: 2, support: 1, compliance: 1, trust: 1}"));
  auto without = run(plain);
  const double gain_enterprise = with.at("2025-12", "sector:enterprise", "usage_share.us_closed") - without.at("2025-12", "sector:enterprise", "usage_share.us_closed");
  const double gain_developer = with.at("2025-12", "sector:developer", "usage_share.us_closed") - without.at("2025-12", "sector:developer", "usage_share.us_closed");
  CHECK(gain_enterprise > 0.1);
  CHECK(std::abs(gain_developer) < gain_enterprise / 4);
}

TEST_CASE("choice: origin risk weighs by sector") {
  // Developers that ignore origin risk use the rival lab more than enterprises that weigh it.
  auto r = run(two_blocs("utility: {origin_risk: 4}, risk_weight: {enterprise: 1, developer: 0}"));
  CHECK(r.at("2025-12", "sector:developer", "usage_share.china_open") > r.at("2025-12", "sector:enterprise", "usage_share.china_open") + 0.1);
}

TEST_CASE("demand: the multiplier closes a share of its gap to price^-elasticity each month, and spending grows as prices fall when it is elastic") {
  // A steep cost decline; demand responds to the price index with elasticity e and adjustment 0.2.
  auto demand = [](double e) {
    return run(two_blocs("cost_decline: 0.9, demand_price_elasticity: " + std::to_string(e) + ", demand_capability_elasticity: 0, demand_adjustment: 0.2"));
  };
  auto elastic = demand(1.5), inelastic = demand(0.5);
  // The recursion, month by month, for each nation from its own outputs (the price index read is last
  // month's).
  for (const char* nation : {"nation:A", "nation:B"}) {
    INFO(nation);
    const double p0 = elastic.at("2024-01", nation, "price_index");
    double m = 0;
    const char* months[] = {"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"};
    for (int k = 1; k < 6; ++k) {
      const double target = -1.5 * (std::log(elastic.at(months[k - 1], nation, "price_index")) - std::log(p0));
      m += 0.2 * (target - m);
      CHECK(elastic.at(months[k], nation, "demand_multiplier") == doctest::Approx(std::exp(m)).epsilon(1e-12));
    }
  }

  // Prices fall: elastic demand spends more over time, inelastic less.
  CHECK(elastic.at("2025-12", "world", "price_index") < 0.1 * elastic.at("2024-01", "world", "price_index"));
  CHECK(elastic.at("2025-12", "world", "ai_spend") / elastic.at("2025-12", "world", "adoption") >
        elastic.at("2024-01", "world", "ai_spend") / elastic.at("2024-01", "world", "adoption"));
  CHECK(inelastic.at("2025-12", "world", "ai_spend") / inelastic.at("2025-12", "world", "adoption") <
        inelastic.at("2024-01", "world", "ai_spend") / inelastic.at("2024-01", "world", "adoption"));
}

TEST_CASE("demand: each nation responds to the prices its own adopters pay") {
  // A subsidy on B's open lab y from mid-2024 (demand is measured against the first month's prices),
  // little used in A (origin risk): B's demand grows far more than A's.
  const std::string text = two_blocs("utility: {origin_risk: 6}, demand_price_elasticity: 1.5, demand_adjustment: 0.2, demand_capability_elasticity: 0");
  auto plain = run(text);
  auto subsidized = run(text + "events:\n  - {at: 2024-07, set: {labs.y.subsidy: 0.9}}\n");

  const double gain_a = subsidized.at("2025-12", "nation:A", "demand_multiplier") / plain.at("2025-12", "nation:A", "demand_multiplier");
  const double gain_b = subsidized.at("2025-12", "nation:B", "demand_multiplier") / plain.at("2025-12", "nation:B", "demand_multiplier");
  CHECK(gain_b > 2);
  CHECK(gain_a < 1 + (gain_b - 1) / 4);
  // The world's multiplier is the nations' token demand weighted by their adopters' weight, over the path.
  CHECK(subsidized.at("2025-12", "world", "demand_multiplier") > plain.at("2025-12", "world", "demand_multiplier"));
}

namespace {

/// The whole series of a scenario file run at a small size with `sets` for `months` (as --months cuts
/// a run short), as series.csv would hold it.
std::string series_of(const std::string& file, std::vector<std::string> sets, int months = 30) {
  sets.push_back("population.adopters=1500");
  std::vector<geosim::Override> overrides;
  for (const auto& s : sets) overrides.push_back(geosim::parse_override(s));
  auto def = geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/" + file, overrides);
  geosim::set_horizon(def, months);
  geosim::World w(def);
  std::string out;
  while (!w.done()) {
    w.step();
    for (const auto& row : w.outputs()) out += row.scope + "," + row.metric + "," + geosim::format_value(row.value) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a mechanism switched off runs exactly as its keys held at their neutral values") {
  // Each switch against the same scenario with the keys it holds written out by hand.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"commoditization", {"behaviour.commoditization=0"}},
      {"distillation", {"behaviour.distillation_rate=0"}},
      {"origin_risk", {"behaviour.utility.origin_risk=0"}},
      {"neighbours", {"behaviour.utility.neighbours=0"}},
      {"demand_response", {"behaviour.demand_price_elasticity=0", "behaviour.demand_capability_elasticity=0"}},
  };
  for (const auto& [mechanism, keys] : cases) {
    INFO(mechanism);
    const std::string off = series_of("baseline.yaml", {"mechanisms." + mechanism + "=false"});
    CHECK(off == series_of("baseline.yaml", keys));
    CHECK(off != series_of("baseline.yaml", {}));  // each matters in the baseline
  }
}

TEST_CASE("a switched-off mechanism stays off whatever the events set") {
  // The full export ban of 2025-01 changes nothing while export controls are off, and neither does the
  // materials embargo of 2026-01 while materials are off; on, each changes the run.
  const int months = 48;
  CHECK(series_of("export-ban-full.yaml", {"mechanisms.export_controls=false"}, months) ==
        series_of("baseline.yaml", {"mechanisms.export_controls=false"}, months));
  CHECK(series_of("export-ban-full.yaml", {}, months) != series_of("baseline.yaml", {}, months));
  CHECK(series_of("rare-earth-embargo.yaml", {"mechanisms.materials=false"}, months) ==
        series_of("baseline.yaml", {"mechanisms.materials=false"}, months));
  CHECK(series_of("rare-earth-embargo.yaml", {}, months) != series_of("baseline.yaml", {}, months));
  // Events still open and close lines with release decisions off: the Chinese labs' closing of 2028-01
  // still strands their users.
  CHECK(series_of("loss-leader-2028.yaml", {"mechanisms.release=false"}, 72) != series_of("baseline.yaml", {"mechanisms.release=false"}, 72));
}

TEST_CASE("with release decisions off no loss leader closes and no adaptive lab reviews its strategy") {
  // A loss leader that would close at 5% of usage, and an adaptive lab reviewed every 3 months.
  const std::string labs = ", close_at_share: 0.05, strategy: adaptive}\n  - {id: z, origin: A, open: true, capability: 95, cost: 1, strategy: adaptive";
  const Run on = run(two_blocs("strategy_interval: 3", labs, 18));
  const Run off = run(two_blocs("strategy_interval: 3", labs, 18) + "mechanisms: {release: false}\n");
  const Run fixed = run(two_blocs("strategy_interval: 0", ", close_at_share: 0}\n  - {id: z, origin: A, open: true, capability: 95, cost: 1, strategy: adaptive", 18));
  CHECK(on.at("2025-06", "world", "stranded_share") > 0);  // on, the loss leader closes and strands its users
  CHECK(off.at("2025-06", "world", "stranded_share") == 0);
  CHECK(off.values == fixed.values);                        // the same as the keys held at 0 by hand
}

TEST_CASE("with hardware off every line runs equally well everywhere and every ecosystem is mature") {
  auto def = geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/huawei-lockin.yaml",
                                   {geosim::parse_override("mechanisms.hardware=false"), geosim::parse_override("population.adopters=1000")});
  geosim::set_horizon(def, 30);
  geosim::World w(def);
  while (!w.done()) {
    w.step();
    for (const auto& c : def.chipmakers) CHECK(geosim::find_output(w.outputs(), "chipmaker:" + c.id, "ecosystem") == 1.0);
  }
  // The Huawei-first models of 2025-01 change nothing then.
  CHECK(series_of("huawei-lockin.yaml", {"mechanisms.hardware=false"}) == series_of("baseline.yaml", {"mechanisms.hardware=false"}));
}

TEST_CASE("an event with enabled false is never applied") {
  CHECK(series_of("export-ban-full.yaml", {"events.full-chip-ban-2025-01.enabled=false"}) == series_of("baseline.yaml", {}));
  CHECK(series_of("export-ban-full.yaml", {}) != series_of("baseline.yaml", {}));
}
