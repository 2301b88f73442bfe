#include "analysis/report/figures.h"

#include <plplot/plstream.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace geosim::report {
namespace {

enum Colour : PLINT { kBackground = 0, kInk = 1, kBlue = 2, kOrange = 3, kBand = 4, kGrey = 5, kLightGrey = 6 };

/// A PLplot stream writing one SVG file, in geosim's colours; the file is complete when it is destroyed.
std::unique_ptr<plstream> open_svg(const std::string& path, PLINT width, PLINT height) {
  auto pls = std::make_unique<plstream>();
  pls->sdev("svg");
  pls->sfnam(path.c_str());
  pls->spage(0, 0, width, height, 0, 0);
  pls->scol0(kBackground, 255, 255, 255);
  pls->scol0(kInk, 30, 30, 30);
  pls->scol0(kBlue, 31, 119, 180);
  pls->scol0(kOrange, 255, 127, 14);
  pls->scol0(kBand, 174, 199, 232);
  pls->scol0(kGrey, 120, 120, 120);
  pls->scol0(kLightGrey, 215, 215, 215);
  pls->init();
  pls->col0(kInk);
  return pls;
}

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

}  // namespace

void scatter_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<ScatterPanel>& panels) {
  if (panels.empty()) throw std::invalid_argument("a scatter figure needs at least one panel");
  const auto n = static_cast<PLINT>(panels.size());
  auto pls = open_svg(path, std::min<PLINT>(420 * n, 1680), 420);
  pls->ssub(n, 1);
  pls->schr(0, 0.8);
  for (std::size_t k = 0; k < panels.size(); ++k) {
    const ScatterPanel& p = panels[k];
    std::vector<const std::vector<double>*> ys = {&p.y, &p.y_low, &p.y_high};
    const auto [ylo, yhi] = span(ys);
    const auto [xlo, xhi] = span({&p.x});
    pls->col0(kInk);
    pls->env(xlo, xhi, ylo, yhi, 0, 0);
    pls->lab(p.x_label.c_str(), k == 0 ? y_label.c_str() : "", k == 0 ? title.c_str() : "");
    std::vector<double> x, y, lo, hi;
    for (std::size_t i = 0; i < p.x.size(); ++i) {
      if (!std::isfinite(p.x[i]) || !std::isfinite(p.y[i])) continue;
      x.push_back(p.x[i]), y.push_back(p.y[i]);
      if (!p.y_low.empty() && std::isfinite(p.y_low[i]) && std::isfinite(p.y_high[i])) lo.push_back(p.y_low[i]), hi.push_back(p.y_high[i]);
      else lo.push_back(p.y[i]), hi.push_back(p.y[i]);
    }
    pls->col0(kBand);
    pls->erry(static_cast<PLINT>(x.size()), x.data(), lo.data(), hi.data());
    pls->col0(kBlue);
    pls->poin(static_cast<PLINT>(x.size()), x.data(), y.data(), 17);
  }
}

void bar_figure(const std::string& path, const std::string& title, const std::string& y_label, const std::vector<std::string>& categories,
                const std::vector<BarSeries>& series) {
  if (categories.empty() || series.empty()) throw std::invalid_argument("a bar figure needs categories and series");
  auto pls = open_svg(path, std::max<PLINT>(480, 90 * static_cast<PLINT>(categories.size())), 560);
  std::vector<const std::vector<double>*> all;
  for (const auto& s : series) all.push_back(&s.value), all.push_back(&s.low), all.push_back(&s.high);
  auto [ylo, yhi] = span(all);
  ylo = std::min(ylo, 0.0), yhi = std::max(yhi, 0.0);
  const auto n = static_cast<double>(categories.size());
  pls->adv(0);
  pls->schr(0, 0.8);
  pls->vpor(0.12, 0.97, 0.42, 0.9);  // room below for parameter names written upwards
  pls->wind(0, n, ylo, yhi);
  pls->col0(kInk);
  pls->box("bc", 0, 0, "bcgnstv", 0, 0);
  pls->mtex("t", 2.0, 0.5, 0.5, title.c_str());
  pls->mtex("l", 4.5, 0.5, 0.5, y_label.c_str());
  const double width = 0.8 / static_cast<double>(series.size());
  for (std::size_t s = 0; s < series.size(); ++s) {
    const PLINT colour = s == 0 ? kBlue : kOrange;
    for (std::size_t c = 0; c < categories.size(); ++c) {
      const double v = series[s].value[c];
      if (!std::isfinite(v)) continue;
      const double x0 = static_cast<double>(c) + 0.1 + width * static_cast<double>(s), x1 = x0 + width * 0.9;
      PLFLT xs[4] = {x0, x1, x1, x0}, ys[4] = {0, 0, v, v};
      pls->col0(colour);
      pls->fill(4, xs, ys);
      if (!series[s].low.empty() && std::isfinite(series[s].low[c]) && std::isfinite(series[s].high[c])) {
        PLFLT xm = 0.5 * (x0 + x1), lo = series[s].low[c], hi = series[s].high[c];
        pls->col0(kInk);
        pls->erry(1, &xm, &lo, &hi);
      }
    }
    pls->col0(colour);
    pls->mtex("t", 0.6, 0.02 + 0.18 * static_cast<double>(s), 0.0, ("\u25A0 " + series[s].name).c_str());
  }
  pls->col0(kInk);
  for (std::size_t c = 0; c < categories.size(); ++c)
    pls->mtex("bv", 0.7, (static_cast<double>(c) + 0.5) / n, 1.0, categories[c].c_str());
}

void band_figure(const std::string& path, const std::string& title, const std::string& y_label, int first_month_index, const std::vector<Band>& bands) {
  if (bands.empty() || bands.front().mean.empty()) throw std::invalid_argument("a band figure needs at least one month");
  auto pls = open_svg(path, 720, 420);
  const std::size_t n = bands.front().mean.size();
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = (first_month_index + static_cast<double>(i)) / 12.0;  // fractional years
  std::vector<const std::vector<double>*> all;
  for (const auto& b : bands) all.push_back(&b.mean), all.push_back(&b.low), all.push_back(&b.high);
  const auto [ylo, yhi] = span(all);
  pls->schr(0, 0.8);
  // Years as major ticks with month minor ticks: automatic ticks would fall mid-year and print the
  // same year twice.
  const double span_years = std::max(x.back() - x.front(), 1.0 / 12);
  pls->adv(0);
  pls->vpor(0.1, 0.97, 0.12, 0.88);
  pls->wind(x.front(), x.front() + span_years, ylo, yhi);
  pls->col0(kInk);
  pls->box("bcnst", span_years > 12 ? 2.0 : 1.0, span_years > 12 ? 2 : 12, "bcnstv", 0, 0);
  pls->lab("year", y_label.c_str(), "");
  pls->mtex("t", 2.2, 0.5, 0.5, title.c_str());
  // The reference goes first, so the main band is drawn over it.
  for (std::size_t k = bands.size(); k-- > 0;) {
    const Band& b = bands[k];
    const std::size_t m = std::min(n, b.mean.size());
    std::vector<double> px(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(m)), py(b.high.begin(), b.high.begin() + static_cast<std::ptrdiff_t>(m));
    for (std::size_t i = m; i-- > 0;) px.push_back(x[i]), py.push_back(b.low[i]);
    pls->col0(k == 0 ? kBand : kLightGrey);
    pls->fill(static_cast<PLINT>(px.size()), px.data(), py.data());
    pls->col0(k == 0 ? kBlue : kGrey);
    pls->width(2);
    pls->line(static_cast<PLINT>(m), x.data(), b.mean.data());
    pls->width(1);
    pls->mtex("t", 0.6, 0.02 + 0.3 * static_cast<double>(k), 0.0, ("\u25A0 " + b.name).c_str());
  }
}

}  // namespace geosim::report
