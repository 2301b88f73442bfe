#pragma once
// The few chart types a report needs, drawn with PLplot's C++ binding. A figure's path chooses the
// format: NAME.svg (SVG) or NAME.pdf (PDF, the figure at its own aspect on an A4 page: PLplot's PDF
// driver knows only paper sizes). Legends sit outside the data, in a strip at the right.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace geosim::report {

/// PLplot refused part of a figure (it would otherwise print a message and leave the figure blank).
struct FigureFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One panel of a scatter figure: outcome (y) against one parameter (x), with interval bars.
struct ScatterPanel {
  std::string x_label, x_unit;              // the unit goes on a line of its own below the label
  std::vector<double> x, y, y_low, y_high;  // y_low/y_high may be empty (no bars)
  std::vector<std::string> x_levels;        // non-empty: x holds level indices 0..n-1, drawn as named ticks
};

/// A figure of scatter panels wrapped into rows, sharing the y label. Points may be coloured by a
/// group (a categorical parameter's level), named in the legend.
struct ScatterFigure {
  std::string title, y_label;  // y_label: short (a unit), it is written beside each row of panels
  std::vector<ScatterPanel> panels;
  std::string group_label;          // the legend's heading (the grouping parameter)
  std::vector<std::string> groups;  // legend entries; empty: one colour, no legend
  std::vector<int> group;           // per point (the same points in every panel): index into groups
};

/// Columns and rows of a grid of n panels: at most three columns, as many rows as needed.
std::pair<int, int> panel_grid(std::size_t n);

/// Writes a scatter figure (throws FigureFailure, std::invalid_argument for an empty figure).
void scatter_figure(const std::string& path, const ScatterFigure& figure);

/// One group of bars: a value per category with an optional interval.
struct BarSeries {
  std::string name;  // in the legend ("" for none)
  std::vector<double> value, low, high;  // low/high may be empty
  bool marks = false;  // a dot at the value on its interval, instead of a bar from 0 (ranges, not amounts)
};

/// Writes a bar chart: categories along x, one bar per series in each category, with interval bars.
void bar_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<std::string>& categories,
                const std::vector<BarSeries>& series);

/// One step of a waterfall: a player's share of an effect, with its interval.
struct WaterfallStep {
  std::string name;
  double value = 0, low = 0, high = 0;  // low/high NaN: no interval
};

/// Writes a waterfall: a first bar from 0 to `start` (what no step explains), each step floating from
/// the running total by its value (blue up, orange down) with its interval, and a last bar from 0 to
/// the running total, named `end_name`.
void waterfall_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::string& start_name, double start,
                      const std::vector<WaterfallStep>& steps, const std::string& end_name);

/// A monthly line, with its band (low to high) when it has one, named for the legend.
struct Band {
  std::string name;
  std::vector<double> mean, low, high;  // low/high empty: the line alone
  bool dashed = false;                  // drawn dashed (a compared run)
  bool outline = false;                 // the band drawn as two thin dashed lines, not filled (to show it over another)
  int colour = -1;                      // >= 0: that group colour (a level); -1: blue for the first band, grey for others
};

/// A month marked on a time axis: an event of the scenario.
struct Marker {
  int month_index = 0;  // Month::index
  std::string label;    // for the legend, e.g. "2027-01 export-ban"
};

/// Writes a chart over months: the first band drawn over the others, each in its colour, each event
/// a numbered dotted line listed in the legend.
void band_figure(const std::string& path, const std::string& title, const std::string& y_label, int first_month_index, const std::vector<Band>& bands,
                 const std::vector<Marker>& markers = {}, const std::string& legend_heading = "");

}  // namespace geosim::report
