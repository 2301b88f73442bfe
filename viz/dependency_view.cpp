#include "viz/dependency_view.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace geosim::viz {

ImU32 bloc_colour(int bloc, int alpha) {
  switch (bloc) {
    case 0: return IM_COL32(70, 130, 230, alpha);
    case 1: return IM_COL32(225, 70, 60, alpha);
    default: return IM_COL32(110, 185, 95, alpha);
  }
}

namespace {

/// A column of nodes stacked top to bottom, each as tall as its share of the total weight.
struct Column {
  float x = 0;
  std::vector<double> weight;
  std::vector<float> top, height, used_left, used_right;  // used_*: band offsets already taken on each side

  void layout(float y0, float y1, double total, float gap) {
    const std::size_t shown = static_cast<std::size_t>(std::count_if(weight.begin(), weight.end(), [](double w) { return w > 0; }));
    const float room = std::max(1.0f, (y1 - y0) - gap * static_cast<float>(shown > 0 ? shown - 1 : 0));
    float y = y0;
    top.assign(weight.size(), y0);
    height.assign(weight.size(), 0);
    used_left.assign(weight.size(), 0);
    used_right.assign(weight.size(), 0);
    for (std::size_t i = 0; i < weight.size(); ++i) {
      top[i] = y;
      if (weight[i] <= 0) continue;
      height[i] = static_cast<float>(weight[i] / total) * room;
      y += height[i] + gap;
    }
  }
};

/// A band from (x0, y0) to (x1, y1), `h` pixels thick, eased so that it leaves and enters level.
struct Band {
  float x0, y0, x1, y1, h;
  ImU32 colour;
  std::string text;
  float top_at(float x) const {
    float t = std::clamp((x - x0) / (x1 - x0), 0.0f, 1.0f);
    t = t * t * (3 - 2 * t);
    return y0 + (y1 - y0) * t;
  }
  void draw(ImDrawList* dl, bool highlight) const {
    const int steps = 16;
    const ImU32 c = highlight ? (colour | IM_COL32_A_MASK) : colour;
    for (int i = 0; i < steps; ++i) {
      const float xa = x0 + (x1 - x0) * static_cast<float>(i) / steps, xb = x0 + (x1 - x0) * static_cast<float>(i + 1) / steps;
      const float ya = top_at(xa), yb = top_at(xb);
      dl->AddQuadFilled({xa, ya}, {xb, yb}, {xb, yb + h}, {xa, ya + h}, c);
    }
  }
  bool contains(ImVec2 p) const {
    if (p.x < x0 || p.x > x1) return false;
    const float y = top_at(p.x);
    return p.y >= y - 0.5f && p.y <= y + std::max(h, 1.0f) + 0.5f;
  }
};

std::string percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

}  // namespace

void draw_dependency_view(const char* id, const DependencyData& data, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  dl->AddRectFilled(origin, {origin.x + size.x, origin.y + size.y}, IM_COL32(24, 26, 30, 255), 3.0f);
  const float line_h = ImGui::GetTextLineHeight();
  dl->AddText({origin.x + 6, origin.y + 3}, IM_COL32(230, 232, 236, 255),
              "Who depends on whom: nations -> labs -> chipmakers (band width: adopted weight; colour: bloc)");
  if (data.total <= 0) {
    dl->AddText({origin.x + 6, origin.y + 6 + line_h}, IM_COL32(170, 175, 185, 255), "nobody has adopted a model yet");
    return;
  }
  const float y0 = origin.y + line_h * 2 + 6, y1 = origin.y + size.y - 8;
  const float bar = 10;
  const std::size_t N = data.nations.size(), L = data.labs.size(), C = data.chips.size();
  Column nations, labs, chips;  // chips has one more node: models with no chips their nation may buy
  nations.weight.assign(N, 0);
  labs.weight.assign(L, 0);
  chips.weight.assign(C + 1, 0);
  std::map<std::pair<int, int>, double> nation_lab, lab_chip;
  for (const auto& f : data.flows) {
    const int chip = f.chip < 0 ? static_cast<int>(C) : f.chip;
    nations.weight[static_cast<std::size_t>(f.nation)] += f.weight;
    labs.weight[static_cast<std::size_t>(f.lab)] += f.weight;
    chips.weight[static_cast<std::size_t>(chip)] += f.weight;
    nation_lab[{f.nation, f.lab}] += f.weight;
    lab_chip[{f.lab, chip}] += f.weight;
  }
  // Room for the labels: nations' on the left of their column, chipmakers' on the right of theirs.
  float nation_label = 0, chip_label = 0;
  for (const auto& n : data.nations) nation_label = std::max(nation_label, ImGui::CalcTextSize((n + " 00.00%").c_str()).x);
  for (const auto& c : data.chips) chip_label = std::max(chip_label, ImGui::CalcTextSize((c + " 00.00%").c_str()).x);
  chip_label = std::max(chip_label, ImGui::CalcTextSize("no chips 00.00%").x);
  nations.x = origin.x + nation_label + 12;
  labs.x = origin.x + size.x * 0.5f - bar * 0.5f;
  chips.x = origin.x + size.x - chip_label - bar - 12;
  nations.layout(y0, y1, data.total, 3);
  labs.layout(y0, y1, data.total, 5);
  chips.layout(y0, y1, data.total, 8);

  std::vector<Band> bands;
  for (const auto& [key, w] : nation_lab) {
    const auto n = static_cast<std::size_t>(key.first), j = static_cast<std::size_t>(key.second);
    const float h = nations.height[n] * static_cast<float>(w / nations.weight[n]);
    bands.push_back({nations.x + bar, nations.top[n] + nations.used_right[n], labs.x, labs.top[j] + labs.used_left[j], h,
                     bloc_colour(data.nation_bloc[n], 120),
                     data.nations[n] + " -> " + data.labs[j] + ": " + percent(w, data.total) + " of the world's adopted weight, " +
                         percent(w, nations.weight[n]) + " of " + data.nations[n] + "'s"});
    nations.used_right[n] += h;
    labs.used_left[j] += h;
  }
  for (const auto& [key, w] : lab_chip) {
    const auto j = static_cast<std::size_t>(key.first), c = static_cast<std::size_t>(key.second);
    const float h = labs.height[j] * static_cast<float>(w / labs.weight[j]);
    const std::string chip = c < C ? data.chips[c] : "no chips";
    bands.push_back({labs.x + bar, labs.top[j] + labs.used_right[j], chips.x, chips.top[c] + chips.used_left[c], h,
                     bloc_colour(data.lab_bloc[j], 120),
                     data.labs[j] + " runs on " + chip + ": " + percent(w, data.total) + " of the world's adopted weight, " +
                         percent(w, labs.weight[j]) + " of " + data.labs[j] + "'s"});
    labs.used_right[j] += h;
    chips.used_left[c] += h;
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const Band* hit = nullptr;
  if (hovered)
    for (const auto& b : bands)
      if (b.contains(mouse)) hit = &b;
  // A band is a strip of quads; anti-aliased fringes would show as seams between them.
  const ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (const auto& b : bands) b.draw(dl, &b == hit);
  dl->Flags = flags;

  // Nodes and their labels; hovering a node tells its total.
  std::string node_text;
  auto nodes = [&](const Column& col, const std::vector<std::string>& names, const std::vector<int>& blocs, bool label_left) {
    for (std::size_t i = 0; i < col.weight.size(); ++i) {
      if (col.weight[i] <= 0) continue;
      const ImU32 colour = i < blocs.size() ? bloc_colour(blocs[i]) : IM_COL32(150, 150, 150, 255);
      const ImVec2 a{col.x, col.top[i]}, b{col.x + bar, col.top[i] + std::max(col.height[i], 1.0f)};
      dl->AddRectFilled(a, b, colour);
      const std::string name = i < names.size() ? names[i] : "no chips";
      const std::string label = name + " " + percent(col.weight[i], data.total);
      if (col.height[i] >= line_h * 0.8f || col.height[i] >= 3) {
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        const float x = label_left ? a.x - 4 - w : b.x + 4;
        const float y = std::max(col.top[i] + col.height[i] * 0.5f - line_h * 0.5f, y0 - line_h);
        dl->AddRectFilled({x - 1, y}, {x + w + 1, y + line_h}, IM_COL32(24, 26, 30, 170));
        dl->AddText({x, y}, IM_COL32(235, 235, 235, 255), label.c_str());
      }
      if (hovered && mouse.x >= a.x - 2 && mouse.x <= b.x + 2 && mouse.y >= a.y && mouse.y <= b.y)
        node_text = name + ": " + percent(col.weight[i], data.total) + " of the world's adopted weight";
    }
  };
  nodes(nations, data.nations, data.nation_bloc, true);
  nodes(labs, data.labs, data.lab_bloc, false);
  nodes(chips, data.chips, data.chip_bloc, false);
  if (!node_text.empty()) ImGui::SetTooltip("%s", node_text.c_str());
  else if (hit) ImGui::SetTooltip("%s", hit->text.c_str());
}

}  // namespace geosim::viz
