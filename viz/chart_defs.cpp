#include "viz/chart_defs.h"

#include <algorithm>
#include <stdexcept>

#include "model/output_catalog.h"
#include "viz/dependency_view.h"
#include "viz/palette.h"

namespace geosim::viz {
namespace {

ImU32 lighter(ImU32 c) {
  ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
  return ImGui::ColorConvertFloat4ToU32({v.x + (1 - v.x) * 0.5f, v.y + (1 - v.y) * 0.5f, v.z + (1 - v.z) * 0.5f, 1});
}

}  // namespace

std::string unit_of(const std::vector<LineDef>& lines) {
  std::vector<std::string> units;
  for (const auto& line : lines) {
    const MetricSpec* spec = find_metric(line.scope, line.metric);
    // A made-up unit would mislabel a published figure; an undeclared metric is a bug to fix here.
    if (!spec) throw std::logic_error("chart line '" + line.label + "' reads " + line.scope + " " + line.metric + ", which docs/outputs.md does not declare");
    if (std::find(units.begin(), units.end(), spec->unit) == units.end()) units.push_back(spec->unit);
  }
  std::string joined;
  for (const auto& u : units) joined += (joined.empty() ? "" : "; ") + u;
  return joined;
}

std::vector<ChartDef> chart_defs(const ScenarioDef& def, const std::string& scope) {
  const bool world = scope == "world";
  std::vector<ChartDef> charts;
  ChartDef usage{"Usage share: origin x openness", "", {}};
  for (int b = 0; b < bloc_count; ++b)
    for (const char* open : {"closed", "open"}) {
      const std::string name = std::string(bloc_names[static_cast<std::size_t>(b)]) + "_" + open;
      const ImU32 c = bloc_colour(b);
      usage.lines.push_back({name, scope, "usage_share." + name, std::string(open) == "open" ? lighter(c) : c});
    }
  charts.push_back(usage);
  ChartDef dep{"Rival dependency", "", {}};
  if (world) {
    for (std::size_t n = 0; n < def.nations.size(); ++n)
      dep.lines.push_back({def.nations[n].id, "nation:" + def.nations[n].id, "rival_model_dependency", palette_colour(n)});
    dep.title = "Rival-model dependency";
  } else {
    dep.lines.push_back({"models", scope, "rival_model_dependency", palette_colour(2)});
    dep.lines.push_back({"hardware", scope, "rival_hardware_dependency", palette_colour(0)});
  }
  charts.push_back(dep);
  ChartDef chips{"Chipmaker shares", "", {}};
  for (std::size_t m = 0; m < def.chipmakers.size(); ++m) {
    const std::string& id = def.chipmakers[m].id;
    if (world) chips.lines.push_back({id, "chipmaker:" + id, "compute_share", palette_colour(m)});
    else chips.lines.push_back({id, scope, "chip_share." + id, palette_colour(m)});
  }
  charts.push_back(chips);
  charts.push_back({"Capability gaps (world)",
                    "",
                    {{"US - China frontier", "world", "capability_gap_us_china", palette_colour(0)},
                     {"closed - open", "world", "open_closed_lag", palette_colour(1)}}});
  ChartDef price{"Price index", "", {{"usage-weighted", scope, "price_index", palette_colour(4)}}};
  if (world) price.lines.push_back({"start's frontier", "world", "price_fixed_capability", palette_colour(5)});
  charts.push_back(price);
  charts.push_back({"Closed-lab value (world)", "", {{"closed labs", "world", "closed_value_index", palette_colour(6)}}});
  ChartDef influence{"Influence", "", {}};
  for (int b = 0; b < bloc_count; ++b)
    influence.lines.push_back({bloc_names[static_cast<std::size_t>(b)], scope, std::string("influence.") + bloc_names[static_cast<std::size_t>(b)],
                               bloc_colour(b)});
  charts.push_back(influence);
  if (world) charts.push_back({"Stranded adopters", "", {{"on frozen weights", "world", "stranded_adopters", palette_colour(7)}}});
  else charts.push_back({"Stranded adopters", "", {{"frozen weights", scope, "stranded_share", palette_colour(7)}}});
  for (auto& chart : charts) chart.unit = unit_of(chart.lines);
  return charts;
}

}  // namespace geosim::viz
