#include "model/output_catalog.h"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <string_view>

#include "model/scenario_def.h"

namespace geosim {
namespace {

std::vector<MetricSpec> declare() {
  using S = ScopeKind;
  const std::string mix_world =
      "weight on options whose lab's origin nation has dominant bloc `<bloc>` and that are `<openness>` (`open`: current versions of "
      "open lines and frozen versions; `closed`: current versions of closed lines), over the adopted weight of the scope; the six values "
      "sum to 1 once anyone has adopted, and are 0 before";
  const std::string influence = "weight on options of origin bloc `<bloc>`, open and closed together, over the adopted weight of the scope";
  const std::string chip_use =
      "Σ_o W_{n,o} s_{o,n,m} over the nation's adopted weight, with s_{o,n,m} the share of chipmaker m in the purchases for the chips "
      "option o runs on for nation n (model.md 3.7: open weights on the nation's mix, closed lines on their lab's)";
  return {
      // ---- world
      {"adoption", S::world, "share", "Share of all adopters' weight that uses a model.", "adopted weight / total weight"},
      {"adopted_weight", S::world, "weight", "Total size of adopters that use a model.", "Σ_n A_n"},
      {"adopters_using", S::world, "count", "Adopters holding an option.", "number of adopters holding an option"},
      {"adopters_total", S::world, "count", "All adopters (constant: adopters are conserved).", "number of adopters"},
      {"stranded_adopters", S::world, "count", "Adopters holding a frozen open version of a line that closed.", "number of adopters holding a frozen version"},
      {"usage_share.<bloc>_<openness>", S::world, "share of adopted weight", "World usage by origin bloc and openness.", mix_world},
      {"influence.<bloc>", S::world, "share of adopted weight", "Share of the world's AI queries answered by models of an origin bloc.", influence},
      {"stranded_share", S::world, "share of adopted weight", "Usage on frozen open versions.", "weight on frozen versions / adopted weight"},
      {"frontier_capability", S::world, "capability-months", "Highest capability on offer.", "largest capability of a current version of an active line"},
      {"capability_gap_us_china", S::world, "capability-months", "US lead over China in top-model capability.",
       "best capability among active lines of labs of the `us` bloc minus the best among those of the `china` bloc; absent when either has none"},
      {"open_closed_lag", S::world, "capability-months", "Lag of the best open model behind the best closed one.",
       "best capability among active closed lines minus the best among active open lines (negative when open leads); absent without both"},
      {"price_index", S::world, "USD per 1M tokens", "Usage-weighted mean price adopters pay.",
       "(Σ_n Σ_o W_{n,o} P_{n,o}) / adopted weight (open weights at their nation's hosting price); while nobody has adopted, the plain mean "
       "of the active lines' own prices (adding P_l / Λa in line order, Λa the number of active lines)"},
      {"capability_index", S::world, "capability-months", "Usage-weighted mean capability of the models in use.",
       "(Σ_n Σ_o W_{n,o} c_o) / adopted weight, c_o the option's capability; while nobody has adopted, the plain mean of the active lines' "
       "capabilities (adding c_l / Λa in line order)"},
      {"revenue_closed_labs", S::world, "USD per month", "Revenue of labs whose main line is closed.", "sum of `revenue` over labs whose main line is closed this month"},
      {"price_fixed_capability", S::world, "USD per 1M tokens", "Price of the start's frontier capability.",
       "the lowest, over active lines that have reached the first month's frontier capability F, of the line's own price P_l (model.md 3.7) · exp(−`capability_cost` · "
       "(capability − F)); absent while none has"},
      {"closed_value_index", S::world, "ratio", "Market value of closed labs against the start.",
       "sum of valuations of labs whose main line is closed this month / the same sum in the first month; 0 throughout when that first sum is 0"},
      {"compute_lost_materials", S::world, "share of compute demand", "Compute lost to materials shortfalls.",
       "(Σ_m min(D_m, K_m) − Σ_m min(D_m, K_m σ_m)) / Σ_m D_m, with D_m the month's compute demand on m, K_m its capacity this month and σ_m its "
       "materials supply (model.md 3.11, 3.6); 0 when there is no demand"},
      {"open_share.<sector>", S::world, "share of the sector's adopted weight", "Open models' share of a sector's usage.",
       "weight of `<sector>` adopters on open options (current versions of open lines and frozen versions) over that sector's adopted weight"},
      {"token_demand", S::world, "tokens per month", "Token demand at full adoption: nations' exogenous path times their demand multipliers.",
       "Σ_n (W_n / W_tot) · T_{n,τ} (nations in order; model.md 3.10)"},
      {"demand_multiplier", S::world, "ratio", "The world's demand over its exogenous path, from prices and capability.", "`token_demand` / T(τ); 0 when T(τ) is 0"},
      {"ai_spend", S::world, "USD per month", "What all adopters pay for AI work.",
       "(Σ_n T_{n,τ} · (Σ_o W_{n,o} P_{n,o} / W_tot)) / 10^6, adding nations in order, each nation's sum over options in order"},
      {"licence_fees", S::world, "USD per month", "Chip licence fees collected.", "Σ_m of the chipmakers' `licence_fees`"},
      // ---- sector: the world's adopters of one sector
      {"adopted_weight", S::sector, "weight", "Total size of the sector's adopters that use a model.", "Σ_n Σ_o of the sector's cell weights"},
      {"usage_share.<bloc>_<openness>", S::sector, "share of the sector's adopted weight",
       "The sector's usage by origin bloc and openness (the developer sector: what open gateways see).", mix_world},
      // ---- without: the world less one nation
      {"adoption", S::without, "share", "Adoption in the world without the nation.", "adopted weight / total weight, both without the nation"},
      {"adopted_weight", S::without, "weight", "Adopted weight of the world without the nation.", "Σ_{n ≠ id} A_n"},
      {"usage_share.<bloc>_<openness>", S::without, "share of adopted weight", "Usage by origin bloc and openness outside the nation (like-for-like with a gateway little used there).",
       mix_world},
      {"influence.<bloc>", S::without, "share of adopted weight", "Share of queries outside the nation answered by models of an origin bloc.", influence},
      {"developer_usage_share.<bloc>_<openness>", S::without, "share of the developer sector's adopted weight",
       "Developers' usage outside the nation by origin bloc and openness (what an open-model gateway outside it sees).",
       "as `usage_share.<bloc>_<openness>`, over the developer sector's cells of the other nations (Σ_{n ≠ id} of the developer cell weights per option)"},

      // ---- nation
      {"adoption", S::nation, "share", "Share of the nation's adopters' weight that uses a model.", "A_n / W_n"},
      {"adopted_weight", S::nation, "weight", "Total size of the nation's adopters that use a model.", "A_n"},
      {"usage_share.<bloc>_<openness>", S::nation, "share of the nation's adopted weight", "The nation's usage by origin bloc and openness.", mix_world},
      {"influence.<bloc>", S::nation, "share of the nation's adopted weight", "Share of the nation's queries answered by models of an origin bloc.", influence},
      {"stranded_share", S::nation, "share of the nation's adopted weight", "The nation's usage on frozen open versions.", "weight on frozen versions / A_n"},
      {"rival_model_dependency", S::nation, "share of the nation's adopted weight", "Usage on models of rival origin.",
       "weight on options whose lab's origin nation the nation sees as a rival (origin risk at least `behaviour.rival_threshold`; never "
       "itself) / A_n; the value the nation's dependency rule reads next month"},
      {"rival_hardware_dependency", S::nation, "share of the nation's adopted weight", "Usage running on chips of rival origin.",
       "(Σ_o Σ_{m rival} W_{n,o} · s_{o,n,m}) / A_n over chipmakers m whose origin nation the nation sees as a rival: one running sum, options outer and rival chipmakers inner in scenario order, adding each product"},
      {"price_index", S::nation, "USD per 1M tokens", "Usage-weighted mean price the nation's adopters pay.",
       "P̄_n of model.md 3.10: Σ_o W_{n,o} P_{n,o} / A_n; while none has adopted, the plain mean of what they would pay for the current versions of the active lines"},
      {"capability_index", S::nation, "capability-months", "Usage-weighted mean capability of the models the nation uses.",
       "c̄_n of model.md 3.10: Σ_o W_{n,o} c_o / A_n; while none has adopted, the plain mean of the active lines' capabilities"},
      {"demand_multiplier", S::nation, "ratio", "The nation's demand over its exogenous path.", "M_{n,τ} = e^Ψ_n (model.md 3.10)"},
      {"rule_ban_active", S::nation, "0 or 1", "Whether the nation's dependency rule has banned rival models.", "1 once the rule has fired"},
      {"chip_share.<chipmaker>", S::nation, "share of the nation's adopted weight", "Share of the nation's AI work that runs on a chipmaker's chips.", chip_use},
      {"chips_bought.<chipmaker>", S::nation, "USD per month", "Chips bought in the nation from a chipmaker.",
       "B_{n,m}: its labs' compute purchases, their closed lines' serving and the hosting of open weights for its adopters, each split by "
       "purchase shares (model.md 3.14)"},
      {"chip_purchase_share.<chipmaker>", S::nation, "share of the nation's chip purchases", "A chipmaker's share of the chips bought in the nation.",
       "B_{n,m} / Σ_m B_{n,m}; 0 when the nation buys none"},
      // ---- lab
      {"usage_share", S::lab, "share of the world's adopted weight", "Usage of the lab's lines.", "weight on the current versions of its lines / adopted weight"},
      {"stranded_share", S::lab, "share of the world's adopted weight", "Usage of its lines' frozen open versions.", "weight on their frozen versions / adopted weight"},
      {"capability", S::lab, "capability-months", "The lab's best capability on offer.", "largest capability of its active lines during the month"},
      {"price", S::lab, "USD per 1M tokens", "Price of its main line.", "its main line's API price (closed) or hosted price on its own chips (open)"},
      {"revenue", S::lab, "USD per month", "Revenue of all its lines.", "Σ of its lines' revenue (model.md 3.10)"},
      {"valuation", S::lab, "USD", "Valuation after this month's revenue.", "V_j (model.md 3.11)"},
      {"compute_factor", S::lab, "capability-months per month", "Own capability growth of its lines from the compute it bought.",
       "f_j (model.md 3.11): 1 when its effective compute equals what its capability needs, at most 2"},

      {"open", S::lab, "0 or 1", "Whether its main line is released as open weights this month.", "1 when open"},
      // ---- line: the lines of labs that field more than one
      {"usage_share", S::line, "share of the world's adopted weight", "Usage of the line's current version.", "weight on it / adopted weight"},
      {"stranded_share", S::line, "share of the world's adopted weight", "Usage of the line's frozen open version.", "weight on it / adopted weight"},
      {"capability", S::line, "capability-months", "The line's capability during the month.", "c_l"},
      {"price", S::line, "USD per 1M tokens", "The line's own price.", "API price (closed) or hosted price on its lab's own chips (open)"},
      {"revenue", S::line, "USD per month", "The line's revenue.", "R_l (model.md 3.10)"},
      {"open", S::line, "0 or 1", "Whether the line is released as open weights this month.", "1 when open"},
      {"active", S::line, "0 or 1", "Whether the line is on offer this month.", "1 when active"},
      // ---- chipmaker
      {"compute_share", S::chipmaker, "share of the world's adopted weight", "Share of the world's AI work running on its chips.",
       "Σ_n Σ_o W_{n,o} s_{o,n,m} / adopted weight (the z_m of model.md 3.10)"},
      {"ecosystem", S::chipmaker, "fraction", "Maturity of its software ecosystem during the month.", "μ_m"},
      {"supply", S::chipmaker, "fraction", "Share of its capacity its materials allow.", "σ_m"},
      {"rationed", S::chipmaker, "fraction", "Share of this month's compute demand it delivered.", "r_m"},
      {"capacity", S::chipmaker, "USD per month at reference prices", "Compute it could deliver this month before materials shortfalls.", "K_m (model.md 3.13)"},
      {"sales", S::chipmaker, "USD per month", "Chips bought from it, all nations together.", "Σ_n B_{n,m} in nation order"},
      {"licence_fees", S::chipmaker, "USD per month", "Licence fees on its sales.",
       "Σ_n B_{n,m} · f_{m,n} / (1 + f_{m,n}) in nation order, f its `licence_fee` for nation n (the fee is part of what buyers pay)"},
  };
}

/// Whether `metric` is `pattern` with its `placeholder` replaced by a text that `fits` accepts;
/// compared in place, since find_metric runs this for every declaration it passes.
template <class Fits>
bool expands(const std::string& pattern, const std::string& metric, std::string_view placeholder, Fits fits) {
  const auto at = pattern.find(placeholder);
  if (at == std::string::npos) return false;
  const std::size_t tail = pattern.size() - at - placeholder.size();
  if (metric.size() < at + tail || metric.compare(0, at, pattern, 0, at) != 0 ||
      metric.compare(metric.size() - tail, tail, pattern, at + placeholder.size(), tail) != 0)
    return false;
  return fits(std::string_view(metric).substr(at, metric.size() - at - tail));
}

/// Whether `text` is one of `names`.
template <class Names>
bool one_of(std::string_view text, const Names& names) {
  return std::any_of(std::begin(names), std::end(names), [&](std::string_view n) { return n == text; });
}

const char* scope_title(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::world:
      return "`world`";
    case ScopeKind::sector:
      return "`sector:<sector>`: the world's adopters of one sector (`enterprise`, `public`, `developer`)";
    case ScopeKind::without:
      return "`without:<nation id>`: the world less one nation, for each id in `outputs.without`";
    case ScopeKind::nation:
      return "`nation:<id>`";
    case ScopeKind::lab:
      return "`lab:<id>`";
    case ScopeKind::line:
      return "`line:<id>`: every line of each lab that fields more than one declared line, active or not (a main line's id is its lab's)";
    case ScopeKind::chipmaker:
      return "`chipmaker:<id>`";
  }
  return "";
}

constexpr ScopeKind all_kinds[] = {ScopeKind::world, ScopeKind::sector, ScopeKind::without, ScopeKind::nation,
                                   ScopeKind::lab,   ScopeKind::line,   ScopeKind::chipmaker};

}  // namespace

const std::vector<MetricSpec>& metric_catalog() {
  static const std::vector<MetricSpec> specs = declare();
  return specs;
}

const char* scope_prefix(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::world:
      return "world";
    case ScopeKind::sector:
      return "sector:";
    case ScopeKind::without:
      return "without:";
    case ScopeKind::nation:
      return "nation:";
    case ScopeKind::lab:
      return "lab:";
    case ScopeKind::line:
      return "line:";
    case ScopeKind::chipmaker:
      return "chipmaker:";
  }
  return "";
}

bool scope_kind_of(const std::string& scope, ScopeKind& kind) {
  for (ScopeKind k : all_kinds) {
    const std::string prefix = scope_prefix(k);
    if (k == ScopeKind::world ? scope == prefix : scope.size() > prefix.size() && scope.rfind(prefix, 0) == 0) {
      kind = k;
      return true;
    }
  }
  return false;
}

bool metric_matches(const MetricSpec& spec, const std::string& metric) {
  if (spec.name == metric) return true;
  constexpr std::string_view openness[] = {"closed", "open"};
  const auto mix = [&](std::string_view v) {
    const auto cut = v.rfind('_');
    return cut != std::string_view::npos && one_of(v.substr(0, cut), bloc_names) && one_of(v.substr(cut + 1), openness);
  };
  if (expands(spec.name, metric, "<bloc>_<openness>", mix)) return true;
  if (expands(spec.name, metric, "<bloc>", [](std::string_view v) { return one_of(v, bloc_names); })) return true;
  if (expands(spec.name, metric, "<sector>", [](std::string_view v) { return one_of(v, sector_names); })) return true;
  const auto at = spec.name.find("<chipmaker>");
  return at != std::string::npos && metric.size() > at && metric.compare(0, at, spec.name, 0, at) == 0 &&
         metric.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", at) == std::string::npos;
}

const MetricSpec* find_metric(const std::string& scope, const std::string& metric) {
  ScopeKind kind;
  if (!scope_kind_of(scope, kind)) return nullptr;
  for (const auto& spec : metric_catalog())
    if (spec.scope == kind && metric_matches(spec, metric)) return &spec;
  return nullptr;
}

std::string metrics_text() {
  std::ostringstream out;
  for (ScopeKind kind : all_kinds) {
    out << "\n== " << scope_prefix(kind) << (kind == ScopeKind::world ? "" : "<id>") << "\n";
    for (const auto& m : metric_catalog())
      if (m.scope == kind) out << m.name << " (" << m.unit << ")\n    " << m.meaning << "\n    = " << m.definition << "\n";
  }
  return out.str();
}

std::string metrics_markdown() {
  std::ostringstream out;
  for (ScopeKind kind : all_kinds) {
    out << "\n### Scope " << scope_title(kind) << "\n\n| metric | unit | meaning | definition |\n|---|---|---|---|\n";
    for (const auto& m : metric_catalog())
      if (m.scope == kind) out << "| `" << m.name << "` | " << m.unit << " | " << m.meaning << " | " << m.definition << " |\n";
  }
  return out.str();
}

}  // namespace geosim
