#pragma once
// The few chart types a sweep report needs, drawn with PLplot's C++ binding into SVG files.
#include <string>
#include <vector>

namespace geosim::report {

/// Points with vertical interval bars: outcome (y) against one parameter (x).
struct ScatterPanel {
  std::string x_label;
  std::vector<double> x, y, y_low, y_high;  // y_low/y_high may be empty (no bars)
};

/// Writes a figure of side-by-side scatter panels sharing the y label.
void scatter_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<ScatterPanel>& panels);

/// One group of bars: a value per category with an optional interval.
struct BarSeries {
  std::string name;
  std::vector<double> value, low, high;  // low/high may be empty
};

/// Writes a bar chart: categories along x, one bar per series in each category, with interval bars.
void bar_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<std::string>& categories,
                const std::vector<BarSeries>& series);

/// Writes a band chart over months: the mean line and the shaded band between low and high.
void band_figure(const std::string& path, const std::string& title, const std::string& y_label, int first_year_month_index,
                 const std::vector<double>& mean, const std::vector<double>& low, const std::vector<double>& high);

}  // namespace geosim::report
