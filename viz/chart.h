#pragma once
// A small line-chart module on Dear ImGui's draw lists (ImPlot is not packaged in Debian): months on
// the x axis with year labels, value ticks, a legend, a hover read-out of exact values, an overlay of
// a compared run (dashed) and an ensemble band (mean and 5-95%).
#include <imgui.h>

#include <string>
#include <vector>

#include "core/month.h"

namespace geosim::viz {

/// One line of a chart. Value vectors are indexed by month from the chart's start; NaN means no value.
struct ChartSeries {
  std::string label;
  ImU32 colour = 0;
  std::vector<double> values;
  std::vector<double> compare;                          // the compared run; empty: none
  std::vector<double> band_low, band_mean, band_high;  // ensemble of seeds; empty: none
};

/// Everything one chart shows.
struct ChartData {
  std::string title, unit;
  Month start;
  int months = 0;  // the x axis covers the whole run, so a chart fills in as it plays
  std::vector<ChartSeries> series;
};

/// Ticks between lo and hi at a round step (1, 2 or 5 times a power of ten), about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target);

/// The value range a chart shows: every value, compare and band point, with 0 included when the data
/// stay within a factor of the origin, and a non-empty span.
void value_range(const ChartData& data, double& lo, double& hi);

/// Short text for a value: 3 significant digits, with k/M/B/T for large numbers.
std::string format_number(double v);

/// Draws `data` at the cursor in a `size` box and reserves the space. Hovering shows every series'
/// value at the month under the mouse (and the compared value and the difference).
void draw_chart(const char* id, const ChartData& data, ImVec2 size);

}  // namespace geosim::viz
