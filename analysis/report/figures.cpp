#include "analysis/report/figures.h"

#include "analysis/report/canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/month.h"

namespace geosim::report {
namespace {

PLINT group_colour(std::size_t g) { return kFirstGroup + static_cast<PLINT>(g % kGroupColours); }
PLINT light_group_colour(std::size_t g) { return kFirstLightGroup + static_cast<PLINT>(g % kGroupColours); }

/// [low, high] of the finite values, widened by 5% (and to a unit interval when flat).
std::pair<double, double> span(const std::vector<const std::vector<double>*>& sets) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* s : sets)
    for (double v : *s)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) return {0, 1};
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) lo -= 0.5, hi += 0.5;
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

/// How a legend entry shows its colour.
enum class Key { swatch, line, dashed, dotted, point };

struct LegendEntry {
  std::string label;
  PLINT colour;
  Key key;
  std::string mark;  // drawn over the key (an event's number)
};

/// Draws a legend in the viewport [x0, x1] x [y0, y1] (normalized page coordinates), entries from the top.
void legend(Canvas& c, double x0, double x1, double y0, double y1, const std::string& heading, const std::vector<LegendEntry>& entries) {
  if (entries.empty()) return;
  c->vpor(x0, x1, y0, y1);
  c->wind(0, 1, 0, 1);
  c.text_size(0.7);
  const double step = std::min(0.07, 0.95 / static_cast<double>(entries.size() + (heading.empty() ? 0 : 1)));
  double y = 1 - step / 2;
  if (!heading.empty()) {
    c->col0(kInk);
    c->ptex(0, y, 1, 0, 0, plain(heading).c_str());
    y -= step;
  }
  for (const auto& e : entries) {
    c->col0(e.colour);
    PLFLT xs[4] = {0.0, 0.1, 0.1, 0.0}, ys[4] = {y - step * 0.3, y - step * 0.3, y + step * 0.3, y + step * 0.3};
    PLFLT lx[2] = {0.0, 0.1}, ly[2] = {y, y};
    switch (e.key) {
      case Key::swatch: c->fill(4, xs, ys); break;
      case Key::point: {
        PLFLT px = 0.05, py = y;
        c->poin(1, &px, &py, 17);
        break;
      }
      case Key::line: c->width(2), c->line(2, lx, ly), c->width(1); break;
      case Key::dashed: c->lsty(2), c->width(2), c->line(2, lx, ly), c->width(1), c->lsty(1); break;
      case Key::dotted: c->lsty(3), c->line(2, lx, ly), c->lsty(1); break;
    }
    c->col0(kInk);
    if (!e.mark.empty()) c->ptex(0.05, y + step * 0.25, 1, 0, 0.5, e.mark.c_str());
    // The strip holds about 30 characters; a longer label is cut rather than drawn off the page.
    const std::string label = e.label.size() > 30 ? e.label.substr(0, 28) + "..." : e.label;
    c->ptex(0.14, y, 1, 0, 0, plain(label).c_str());
    y -= step;
  }
  c.text_size(0.8);
}

constexpr PLINT kLegendWidth = 210;  // points of page width given to a legend strip

/// Labels of a time axis in fractional years as months, "2023-04" (PLplot's custom label callback).
void month_label(PLINT axis, PLFLT value, char* label, PLINT length, PLPointer) {
  if (axis != PL_X_AXIS) return;
  std::snprintf(label, static_cast<std::size_t>(length), "%s", Month{static_cast<int>(std::lround(value * 12))}.str().c_str());
}

}  // namespace

std::pair<int, int> panel_grid(std::size_t n) {
  const int cols = static_cast<int>(std::min<std::size_t>(std::max<std::size_t>(n, 1), 3));
  return {cols, static_cast<int>((std::max<std::size_t>(n, 1) + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols))};
}

void scatter_figure(const std::string& path, const ScatterFigure& f) {
  if (f.panels.empty()) throw std::invalid_argument("a scatter figure needs at least one panel");
  const auto [cols, rows] = panel_grid(f.panels.size());
  const PLINT cell_w = 400, cell_h = 300, title_h = 44, legend_w = f.groups.empty() ? 0 : kLegendWidth;
  const PLINT width = cols * cell_w + legend_w, height = rows * cell_h + title_h;
  Canvas c(path, width, height);
  const double W = width, H = height;
  c.text_size(0.8);
  c->vpor(0, 1, 1 - title_h / H, 1);
  c->wind(0, 1, 0, 1);
  c->col0(kInk);
  c->ptex(0.5, 0.45, 1, 0, 0.5, plain(f.title).c_str());
  const double groups = static_cast<double>(std::max<std::size_t>(f.groups.size(), 1));
  for (std::size_t k = 0; k < f.panels.size(); ++k) {
    const ScatterPanel& p = f.panels[k];
    const double col = static_cast<double>(k % static_cast<std::size_t>(cols)), row = static_cast<double>(k / static_cast<std::size_t>(cols));
    const double x0 = col * cell_w / W, top = 1 - (title_h + row * cell_h) / H, cw = cell_w / W, ch = cell_h / H;
    c->vpor(x0 + 0.2 * cw, x0 + 0.96 * cw, top - 0.74 * ch, top - 0.06 * ch);
    c.text_size(0.7);
    const auto [ylo, yhi] = span({&p.y, &p.y_low, &p.y_high});
    const bool levels = !p.x_levels.empty();
    const double n_levels = static_cast<double>(p.x_levels.size());
    const auto [xlo, xhi] = levels ? std::pair{-0.5, n_levels - 0.5} : span({&p.x});
    c->wind(xlo, xhi, ylo, yhi);
    c->col0(kInk);
    c->box(levels ? "bc" : "bcnst", 0, 0, "bcnstv", 0, 0);
    for (std::size_t l = 0; l < p.x_levels.size(); ++l) c->mtex("b", 1.2, (static_cast<double>(l) + 0.5) / n_levels, 0.5, plain(p.x_levels[l]).c_str());
    c->mtex("b", 3.0, 0.5, 0.5, plain(p.x_label).c_str());
    if (!p.x_unit.empty()) c->mtex("b", 4.4, 0.5, 0.5, plain(("(" + p.x_unit + ")")).c_str());
    if (col == 0) c->mtex("l", 3.8, 0.5, 0.5, plain(f.y_label).c_str());
    // Points of different groups at one x sit side by side rather than on top of each other.
    const double nudge = (levels ? 0.5 : 0.04 * (xhi - xlo)) / groups;
    for (std::size_t g = 0; g < static_cast<std::size_t>(groups); ++g) {
      std::vector<double> x, y, bx, lo, hi;  // bx: the x of points with an interval
      for (std::size_t i = 0; i < p.x.size(); ++i) {
        const std::size_t gi = f.group.empty() ? 0 : static_cast<std::size_t>(f.group[i]);
        if (gi != g || !std::isfinite(p.x[i]) || !std::isfinite(p.y[i])) continue;
        x.push_back(p.x[i] + nudge * (static_cast<double>(g) - (groups - 1) / 2));
        y.push_back(p.y[i]);
        if (!p.y_low.empty() && std::isfinite(p.y_low[i]) && std::isfinite(p.y_high[i])) bx.push_back(x.back()), lo.push_back(p.y_low[i]), hi.push_back(p.y_high[i]);
      }
      if (x.empty()) continue;
      c->col0(f.groups.empty() ? kBand : light_group_colour(g));
      if (!bx.empty()) c->erry(static_cast<PLINT>(bx.size()), bx.data(), lo.data(), hi.data());
      c->col0(f.groups.empty() ? kBlue : group_colour(g));
      c->poin(static_cast<PLINT>(x.size()), x.data(), y.data(), 17);
    }
  }
  std::vector<LegendEntry> entries;
  for (std::size_t g = 0; g < f.groups.size(); ++g) entries.push_back({f.groups[g], group_colour(g), Key::point, ""});
  legend(c, 1 - (legend_w - 10) / W, 0.995, 0.1, 1 - title_h / H, f.group_label, entries);
  c.finish();
}

void bar_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<std::string>& categories,
                const std::vector<BarSeries>& series) {
  if (categories.empty() || series.empty()) throw std::invalid_argument("a bar figure needs categories and series");
  // Room below the bars for the longest category name, written upwards (about 18 points a character).
  std::size_t longest = 0;
  for (const auto& name : categories) longest = std::max(longest, name.size());
  const PLINT label_room = std::max<PLINT>(235, 18 * static_cast<PLINT>(longest) + 30);
  const PLINT width = std::max<PLINT>(420, 80 * static_cast<PLINT>(categories.size())) + kLegendWidth, height = 325 + label_room;
  Canvas c(path, width, height);
  std::vector<const std::vector<double>*> all;
  for (const auto& s : series) all.push_back(&s.value), all.push_back(&s.low), all.push_back(&s.high);
  auto [ylo, yhi] = span(all);
  if (std::any_of(series.begin(), series.end(), [](const BarSeries& s) { return !s.marks; })) ylo = std::min(ylo, 0.0), yhi = std::max(yhi, 0.0);
  const auto n = static_cast<double>(categories.size());
  const double right = 1 - static_cast<double>(kLegendWidth) / width;
  c.text_size(0.8);
  const double bottom = static_cast<double>(label_room) / height, top = 1 - 56.0 / height;
  c->vpor(0.12 * 620 / width, right, bottom, top);
  c->wind(0, n, ylo, yhi);
  c->col0(kInk);
  c->box("bc", 0, 0, "bcgnstv", 0, 0);
  c->mtex("t", 2.0, 0.5, 0.5, plain(title).c_str());
  c->mtex("l", 4.5, 0.5, 0.5, plain(y_label).c_str());
  const double bar = 0.8 / static_cast<double>(series.size());
  std::vector<LegendEntry> entries;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const PLINT colour = group_colour(s);
    for (std::size_t k = 0; k < categories.size(); ++k) {
      const double v = series[s].value[k];
      if (!std::isfinite(v)) continue;
      const double x0 = static_cast<double>(k) + 0.1 + bar * static_cast<double>(s), x1 = x0 + bar * 0.9;
      PLFLT xs[4] = {x0, x1, x1, x0}, ys[4] = {0, 0, v, v};
      c->col0(colour);
      if (!series[s].marks) c->fill(4, xs, ys);
      if (!series[s].low.empty() && std::isfinite(series[s].low[k]) && std::isfinite(series[s].high[k])) {
        PLFLT xm = 0.5 * (x0 + x1), lo = series[s].low[k], hi = series[s].high[k];
        c->col0(series[s].marks ? colour : kInk);
        c->erry(1, &xm, &lo, &hi);
      }
      if (series[s].marks) {
        PLFLT xm = 0.5 * (x0 + x1), ym = v;
        c->col0(colour);
        c->poin(1, &xm, &ym, 17);
      }
    }
    if (!series[s].name.empty()) entries.push_back({series[s].name, colour, series[s].marks ? Key::point : Key::swatch, ""});
  }
  c->col0(kInk);
  for (std::size_t k = 0; k < categories.size(); ++k) c->mtex("bv", 0.7, (static_cast<double>(k) + 0.5) / n, 1.0, plain(categories[k]).c_str());
  legend(c, right + 0.02, 0.995, bottom, top, "", entries);
  c.finish();
}

void waterfall_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::string& start_name, double start,
                      const std::vector<WaterfallStep>& steps, const std::string& end_name) {
  std::vector<std::string> names{start_name};
  for (const auto& s : steps) names.push_back(s.name);
  names.push_back(end_name);
  std::size_t longest = 0;
  for (const auto& name : names) longest = std::max(longest, name.size());
  const PLINT label_room = std::max<PLINT>(200, 18 * static_cast<PLINT>(longest) + 30);
  const PLINT width = std::max<PLINT>(480, 70 * static_cast<PLINT>(names.size())) + 60, height = 325 + label_room;
  Canvas c(path, width, height);
  // The running total after each bar, and every bar's ends and interval, bound the axis.
  std::vector<double> values{0.0, start};
  double run = start;
  for (const auto& s : steps) {
    values.push_back(run + s.value);
    if (std::isfinite(s.low)) values.push_back(run + s.low), values.push_back(run + s.high);
    run += s.value;
  }
  values.push_back(run);
  const auto [ylo, yhi] = span({&values});
  const auto n = static_cast<double>(names.size());
  c.text_size(0.8);
  const double bottom = static_cast<double>(label_room) / height, top = 1 - 56.0 / height;
  c->vpor(0.12 * 620 / width, 0.98, bottom, top);
  c->wind(0, n, ylo, yhi);
  c->col0(kInk);
  c->syax(6, 0);
  c->box("bc", 0, 0, "bcgnstv", 0, 0);
  c->mtex("t", 2.0, 0.5, 0.5, plain(title).c_str());
  c->mtex("l", 4.5, 0.5, 0.5, plain(y_label).c_str());
  auto bar = [&](std::size_t k, double from, double to, PLINT colour) {
    const double x0 = static_cast<double>(k) + 0.15, x1 = static_cast<double>(k) + 0.85;
    PLFLT xs[4] = {x0, x1, x1, x0}, ys[4] = {from, from, to, to};
    c->col0(colour);
    c->fill(4, xs, ys);
  };
  bar(0, 0, start, kGrey);
  run = start;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    bar(i + 1, run, run + s.value, s.value >= 0 ? kBlue : kOrange);
    if (std::isfinite(s.low) && std::isfinite(s.high)) {
      PLFLT xm = static_cast<double>(i + 1) + 0.5, lo = run + s.low, hi = run + s.high;
      c->col0(kInk);
      c->erry(1, &xm, &lo, &hi);
    }
    // A thin line carries the running total on to the next bar.
    PLFLT lx[2] = {static_cast<double>(i + 1) + 0.85, static_cast<double>(i + 2) + 0.15}, ly[2] = {run + s.value, run + s.value};
    c->col0(kGrey);
    c->line(2, lx, ly);
    run += s.value;
  }
  bar(names.size() - 1, 0, run, kGrey);
  PLFLT zx[2] = {0, n}, zy[2] = {0, 0};
  c->col0(kInk);
  c->line(2, zx, zy);
  for (std::size_t k = 0; k < names.size(); ++k) c->mtex("bv", 0.7, (static_cast<double>(k) + 0.5) / n, 1.0, plain(names[k]).c_str());
  c.finish();
}

void band_figure(const std::string& path, const std::string& title, const std::string& y_label, int first_month_index, const std::vector<Band>& bands,
                 const std::vector<Marker>& markers, const std::string& legend_heading) {
  if (bands.empty() || bands.front().mean.empty()) throw std::invalid_argument("a band figure needs at least one month");
  const PLINT width = 560 + kLegendWidth, height = 420;
  Canvas c(path, width, height);
  const std::size_t n = bands.front().mean.size();
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = (first_month_index + static_cast<double>(i)) / 12.0;  // fractional years
  std::vector<const std::vector<double>*> all;
  for (const auto& b : bands) all.push_back(&b.mean), all.push_back(&b.low), all.push_back(&b.high);
  const auto [ylo, yhi] = span(all);
  const double right = 1 - static_cast<double>(kLegendWidth) / width;
  c.text_size(0.8);
  // Years as major ticks with month minor ticks: automatic ticks would fall mid-year and print the
  // same year twice.
  const double span_years = std::max(x.back() - x.front(), 1.0 / 12);
  c->vpor(0.1, right, 0.12, 0.86);
  c->wind(x.front(), x.front() + span_years, ylo, yhi);
  c->col0(kInk);
  c->syax(6, 0);  // 0.0012 as such, not as 1.2 under a "(x10^-3)" that collides with the axis label
  if (span_years <= 3) {
    // A short run has too few Januaries to read: a labelled tick each quarter, as its month.
    c->slabelfunc(month_label, nullptr);
    c->box("bcnsto", 0.25, 3, "bcnstv", 0, 0);
    c->slabelfunc(nullptr, nullptr);
  } else {
    c->box("bcnst", span_years > 12 ? 2.0 : 1.0, span_years > 12 ? 2 : 12, "bcnstv", 0, 0);
  }
  c->lab(span_years <= 3 ? "month" : "year", plain(y_label).c_str(), "");
  c->mtex("t", 2.4, 0.5, 0.5, plain(title).c_str());
  auto line_colour = [&](std::size_t k) {
    return bands[k].colour >= 0 ? group_colour(static_cast<std::size_t>(bands[k].colour)) : k == 0 ? PLINT{kBlue} : PLINT{kGrey};
  };
  auto band_colour = [&](std::size_t k) {
    return bands[k].colour >= 0 ? light_group_colour(static_cast<std::size_t>(bands[k].colour)) : k == 0 ? PLINT{kBand} : PLINT{kLightGrey};
  };
  // Bands first (the first last, on top), then every line over every band.
  for (std::size_t k = bands.size(); k-- > 0;) {
    const Band& b = bands[k];
    if (b.outline) continue;  // drawn with the lines
    const std::size_t m = std::min({n, b.mean.size(), b.low.size(), b.high.size()});
    if (m == 0) continue;
    std::vector<double> px(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(m)), py(b.high.begin(), b.high.begin() + static_cast<std::ptrdiff_t>(m));
    for (std::size_t i = m; i-- > 0;) px.push_back(x[i]), py.push_back(b.low[i]);
    c->col0(band_colour(k));
    c->fill(static_cast<PLINT>(px.size()), px.data(), py.data());
  }
  std::vector<LegendEntry> entries;
  for (std::size_t k = bands.size(); k-- > 0;) {
    const Band& b = bands[k];
    const std::size_t m = std::min(n, b.mean.size());
    c->col0(line_colour(k));
    c->lsty(b.dashed ? 2 : 1);
    c->width(2);
    // A line breaks where a month has no value rather than joining across the gap.
    for (std::size_t i = 0; i < m;) {
      std::size_t j = i;
      while (j < m && std::isfinite(b.mean[j])) ++j;
      if (j > i) c->line(static_cast<PLINT>(j - i), x.data() + i, b.mean.data() + i);
      i = j + 1;
    }
    c->width(1);
    if (b.outline) {
      c->lsty(2);
      for (const auto* edge : {&b.low, &b.high}) {
        const std::size_t e = std::min(n, edge->size());
        for (std::size_t i = 0; i < e;) {
          std::size_t j = i;
          while (j < e && std::isfinite((*edge)[j])) ++j;
          if (j > i) c->line(static_cast<PLINT>(j - i), x.data() + i, edge->data() + i);
          i = j + 1;
        }
      }
    }
    c->lsty(1);
  }
  for (std::size_t k = 0; k < bands.size(); ++k)
    entries.push_back({bands[k].name, line_colour(k), bands[k].dashed || bands[k].outline ? Key::dashed : Key::line, ""});
  const double xlo = x.front(), xhi = x.front() + span_years;
  for (std::size_t k = 0; k < markers.size(); ++k) {
    const double at = markers[k].month_index / 12.0;
    if (at < xlo || at > xhi) continue;
    PLFLT lx[2] = {at, at}, ly[2] = {ylo, yhi};
    c->col0(kGrey);
    c->lsty(3);
    c->line(2, lx, ly);
    c->lsty(1);
    c->col0(kInk);
    c.text_size(0.6);
    c->mtex("t", 0.4, (at - xlo) / (xhi - xlo), 0.5, std::to_string(k + 1).c_str());
    c.text_size(0.8);
    entries.push_back({markers[k].label, kGrey, Key::dotted, std::to_string(k + 1)});
  }
  legend(c, right + 0.02, 0.995, 0.12, 0.86, legend_heading, entries);
  c.finish();
}

}  // namespace geosim::report
