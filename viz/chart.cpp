#include "viz/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace geosim::viz {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || target < 1 || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

void value_range(const ChartData& data, double& lo, double& hi) {
  lo = INFINITY;
  hi = -INFINITY;
  auto take = [&](const std::vector<double>& v) {
    for (double x : v)
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  };
  for (const auto& s : data.series) {
    take(s.values);
    take(s.compare);
    take(s.band_low);
    take(s.band_high);
  }
  if (!std::isfinite(lo) || (lo == 0 && hi == 0)) lo = 0, hi = 1;
  // Shares and counts read best from zero; a series far from zero (a price of 100 +- 1) would be flat.
  if (lo > 0 && lo < 0.5 * hi) lo = 0;
  if (hi < 0 && hi > 0.5 * lo) hi = 0;
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    const double pad = std::max(std::abs(hi) * 0.1, 1e-3);
    lo -= pad;
    hi += pad;
  } else {
    hi += (hi - lo) * 0.05;
  }
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  const double a = std::abs(v);
  if (a >= 1e12) std::snprintf(buf, sizeof buf, "%.3gT", v / 1e12);
  else if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.3gB", v / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

namespace {

constexpr ImU32 kBackground = IM_COL32(24, 26, 30, 255);
constexpr ImU32 kGrid = IM_COL32(60, 64, 72, 255);
constexpr ImU32 kAxisText = IM_COL32(170, 175, 185, 255);
constexpr ImU32 kTitle = IM_COL32(230, 232, 236, 255);

ImU32 with_alpha(ImU32 colour, int alpha) {
  return (colour & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

/// Draws a polyline through finite points, breaking at NaN; dashed when asked.
void polyline(ImDrawList* dl, const std::vector<double>& v, int count, float thickness, ImU32 colour, bool dashed,
              const auto& to_screen) {
  ImVec2 prev{};
  bool have_prev = false;
  for (int i = 0; i < count && i < static_cast<int>(v.size()); ++i) {
    if (!std::isfinite(v[static_cast<std::size_t>(i)])) {
      have_prev = false;
      continue;
    }
    const ImVec2 p = to_screen(i, v[static_cast<std::size_t>(i)]);
    if (have_prev && (!dashed || i % 2 == 0)) dl->AddLine(prev, p, colour, thickness);
    if (!have_prev && count == 1) dl->AddCircleFilled(p, thickness + 1, colour);
    prev = p;
    have_prev = true;
  }
}

}  // namespace

void draw_chart(const char* id, const ChartData& data, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  const float line_h = ImGui::GetTextLineHeight();
  dl->AddRectFilled(origin, {origin.x + size.x, origin.y + size.y}, kBackground, 3.0f);

  // Title, then a legend that wraps over as many rows as it needs.
  // The unit follows the title when there is room, else it gets a line of its own: a screenshot has
  // no hover read-out to name it.
  dl->AddText({origin.x + 6, origin.y + 3}, kTitle, data.title.c_str());
  const float title_w = ImGui::CalcTextSize(data.title.c_str()).x;
  float lx = origin.x + 6, ly = origin.y + 3 + line_h + 2;
  if (!data.unit.empty() && title_w + ImGui::CalcTextSize(data.unit.c_str()).x + 20 < size.x) {
    dl->AddText({origin.x + 14 + title_w, origin.y + 3}, kAxisText, data.unit.c_str());
  } else if (!data.unit.empty()) {
    dl->AddText({origin.x + 6, ly}, kAxisText, data.unit.c_str());
    ly += line_h + 1;
  }
  for (const auto& s : data.series) {
    const float w = ImGui::CalcTextSize(s.label.c_str()).x + 18;
    if (lx + w > origin.x + size.x - 4 && lx > origin.x + 6) lx = origin.x + 6, ly += line_h + 1;
    dl->AddRectFilled({lx, ly + line_h * 0.3f}, {lx + 10, ly + line_h * 0.7f}, s.colour);
    dl->AddText({lx + 13, ly}, kAxisText, s.label.c_str());
    lx += w;
  }
  const float legend_bottom = ly + line_h + 4;

  const float left = origin.x + 48, right = origin.x + size.x - 10;
  const float top = legend_bottom + 4, bottom = origin.y + size.y - line_h - 6;
  if (right - left < 20 || bottom - top < 20 || data.months < 1) return;
  double lo = 0, hi = 1;
  value_range(data, lo, hi);
  const int span = std::max(1, data.months - 1);
  auto x_of = [&](int i) { return left + (right - left) * static_cast<float>(i) / static_cast<float>(span); };
  auto y_of = [&](double v) { return bottom - static_cast<float>((v - lo) / (hi - lo)) * (bottom - top); };
  auto to_screen = [&](int i, double v) { return ImVec2(x_of(i), y_of(v)); };

  // Value ticks and grid.
  for (double t : nice_ticks(lo, hi, std::max(2, static_cast<int>((bottom - top) / (line_h * 2.2f))))) {
    const float y = y_of(t);
    dl->AddLine({left, y}, {right, y}, kGrid);
    const std::string label = format_number(t);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    dl->AddText({left - 4 - w, y - line_h * 0.5f}, kAxisText, label.c_str());
  }
  // Month ticks: every January when the run is long, otherwise every quarter.
  const int year_step = data.months > 12 * 16 ? 4 : data.months > 12 * 8 ? 2 : 1;
  for (int i = 0; i < data.months; ++i) {
    const Month m = data.start + i;
    const bool long_run = data.months > 30;
    if (long_run ? (m.month() != 1 || m.year() % year_step != 0) : (m.month() - 1) % 3 != 0) continue;
    const float x = x_of(i);
    dl->AddLine({x, top}, {x, bottom}, kGrid);
    const std::string label = long_run ? std::to_string(m.year()) : m.str();
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    if (x - w * 0.5f >= left - 24 && x + w * 0.5f <= right + 10) dl->AddText({x - w * 0.5f, bottom + 2}, kAxisText, label.c_str());
  }
  dl->AddLine({left, bottom}, {right, bottom}, kAxisText);
  dl->AddLine({left, top}, {left, bottom}, kAxisText);

  dl->PushClipRect({left, top - 1}, {right + 1, bottom + 1}, true);
  // Adjacent band quads would each get an anti-aliased fringe, which shows as seams between months.
  const ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (const auto& s : data.series) {
    // Band first, so that lines stay on top: one quad per month, convex since low <= high.
    const auto n = static_cast<int>(std::min(s.band_low.size(), s.band_high.size()));
    for (int i = 0; i + 1 < n; ++i) {
      const auto a = static_cast<std::size_t>(i), b = a + 1;
      if (!std::isfinite(s.band_low[a]) || !std::isfinite(s.band_low[b]) || !std::isfinite(s.band_high[a]) || !std::isfinite(s.band_high[b]))
        continue;
      dl->AddQuadFilled(to_screen(i, s.band_low[a]), to_screen(i + 1, s.band_low[b]), to_screen(i + 1, s.band_high[b]),
                        to_screen(i, s.band_high[a]), with_alpha(s.colour, 55));
    }
  }
  dl->Flags = flags;
  for (const auto& s : data.series) {
    polyline(dl, s.band_mean, data.months, 1.0f, with_alpha(s.colour, 150), false, to_screen);
    polyline(dl, s.compare, data.months, 1.5f, with_alpha(s.colour, 170), true, to_screen);
    polyline(dl, s.values, data.months, 2.0f, s.colour, false, to_screen);
  }
  dl->PopClipRect();

  if (!hovered) return;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (mouse.x < left - 4 || mouse.x > right + 4 || mouse.y < top || mouse.y > bottom) return;
  const int i = std::clamp(static_cast<int>(std::lround((mouse.x - left) / (right - left) * span)), 0, data.months - 1);
  dl->AddLine({x_of(i), top}, {x_of(i), bottom}, IM_COL32(220, 220, 220, 120));
  auto at = [i](const std::vector<double>& v) { return i < static_cast<int>(v.size()) ? v[static_cast<std::size_t>(i)] : NAN; };
  ImGui::BeginTooltip();
  ImGui::Text("%s  %s", data.title.c_str(), (data.start + i).str().c_str());
  if (!data.unit.empty()) ImGui::TextDisabled("%s", data.unit.c_str());
  for (const auto& s : data.series) {
    ImGui::ColorButton(s.label.c_str(), ImGui::ColorConvertU32ToFloat4(s.colour), ImGuiColorEditFlags_NoTooltip, {10, 10});
    ImGui::SameLine();
    const double v = at(s.values);
    ImGui::Text("%-24s %.6g", s.label.c_str(), v);
    if (!s.compare.empty()) {
      const double c = at(s.compare);
      ImGui::SameLine();
      ImGui::TextDisabled("  compare %.6g  diff %+.4g", c, v - c);
    }
    if (!s.band_mean.empty()) {
      ImGui::SameLine();
      ImGui::TextDisabled("  seeds: mean %.4g, 5-95%% %.4g to %.4g", at(s.band_mean), at(s.band_low), at(s.band_high));
    }
  }
  ImGui::EndTooltip();
}

}  // namespace geosim::viz
