#pragma once
// Which outputs each of the viewer's charts shows for a scope, and each chart's unit, taken from the
// output catalog (sim/model/output_catalog.h) rather than written again here.
#include <imgui.h>

#include <string>
#include <vector>

#include "model/scenario_def.h"

namespace geosim::viz {

/// One line of a chart: the output row it reads (scope text and metric, as in series.csv).
struct LineDef {
  std::string label, scope, metric;
  ImU32 colour = 0;
};

/// One chart: title, unit, lines.
struct ChartDef {
  std::string title, unit;
  std::vector<LineDef> lines;
};

/// The distinct units of the lines' declared metrics, in line order, joined with "; "; throws
/// std::logic_error naming the first line whose metric the catalog does not declare.
std::string unit_of(const std::vector<LineDef>& lines);

/// The eight charts for a scope: "world" or "nation:<id>", each with its unit from unit_of.
std::vector<ChartDef> chart_defs(const ScenarioDef& def, const std::string& scope);

}  // namespace geosim::viz
