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

/// A monthly mean with its band (low to high), named for the legend.
struct Band {
  std::string name;
  std::vector<double> mean, low, high;
};

/// Writes a band chart over months: each band's mean line over its shaded band, the first in blue,
/// a second (a reference such as the baseline) in grey beneath it.
void band_figure(const std::string& path, const std::string& title, const std::string& y_label, int first_month_index, const std::vector<Band>& bands);

}  // namespace geosim::report
