#include "viz/palette.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <vector>

namespace geosim::viz {
namespace {

constexpr ImU32 kFixed[kFixedPaletteSize] = {
    IM_COL32(78, 121, 167, 255),  IM_COL32(242, 142, 43, 255),  IM_COL32(225, 87, 89, 255),  IM_COL32(118, 183, 178, 255),
    IM_COL32(89, 161, 79, 255),   IM_COL32(237, 201, 72, 255),  IM_COL32(176, 122, 161, 255), IM_COL32(255, 157, 167, 255),
    IM_COL32(156, 117, 95, 255),  IM_COL32(186, 176, 172, 255), IM_COL32(31, 190, 220, 255),  IM_COL32(200, 80, 200, 255),
    IM_COL32(150, 210, 60, 255)};

using Lab = std::array<double, 3>;

double decode_srgb(double v) {
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}
double encode_srgb(double linear) {
  return linear <= 0.0031308 ? 12.92 * linear : 1.055 * std::pow(linear, 1 / 2.4) - 0.055;
}

/// The OKLab coordinates (Ottosson 2020) of an 8-bit sRGB colour.
Lab to_oklab(ImU32 c) {
  double lin[3];
  for (int k = 0; k < 3; ++k) lin[k] = decode_srgb(static_cast<double>((c >> (8 * k)) & 0xFF) / 255);
  const double l = std::cbrt(0.4122214708 * lin[0] + 0.5363325363 * lin[1] + 0.0514459929 * lin[2]);
  const double m = std::cbrt(0.2119034982 * lin[0] + 0.6806995451 * lin[1] + 0.1073969566 * lin[2]);
  const double s = std::cbrt(0.0883024619 * lin[0] + 0.2817188376 * lin[1] + 0.6299787005 * lin[2]);
  return {0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s, 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
          0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
}

/// The 8-bit sRGB colour at OKLab (L, a, b); false when it lies outside sRGB.
bool from_oklab(double L, double a, double b, ImU32& out) {
  const double l_ = L + 0.3963377774 * a + 0.2158037573 * b;
  const double m_ = L - 0.1055613458 * a - 0.0638541728 * b;
  const double s_ = L - 0.0894841775 * a - 1.2914855480 * b;
  const double l = l_ * l_ * l_, m = m_ * m_ * m_, s = s_ * s_ * s_;
  const double lin[3] = {4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s, -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
                         -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s};
  int bytes[3];
  for (int k = 0; k < 3; ++k) {
    if (lin[k] < 0 || lin[k] > 1) return false;
    bytes[k] = static_cast<int>(std::lround(encode_srgb(lin[k]) * 255));
  }
  out = IM_COL32(bytes[0], bytes[1], bytes[2], 255);
  return true;
}

double distance2(const Lab& x, const Lab& y) {
  return (x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) + (x[2] - y[2]) * (x[2] - y[2]);
}

/// Generated colours so far, and for every candidate its distance to the nearest colour handed out.
struct Generator {
  std::vector<ImU32> candidates;
  std::vector<Lab> lab;
  std::vector<double> nearest2;
  std::vector<ImU32> picked;

  Generator() {
    // Candidates readable on the dark chart background (lightness 0.55 and up) and colourful enough
    // not to pass for the grey of axes and grid (chroma 0.06 and up).
    for (double L = 0.55; L < 0.92; L += 0.035)
      for (double C = 0.06; C < 0.23; C += 0.03)
        for (int h = 0; h < 360; h += 4) {
          const double rad = h * 3.14159265358979 / 180;
          ImU32 c = 0;
          if (from_oklab(L, C * std::cos(rad), C * std::sin(rad), c) && std::find(candidates.begin(), candidates.end(), c) == candidates.end())
            candidates.push_back(c);
        }
    for (ImU32 c : candidates) lab.push_back(to_oklab(c));
    nearest2.assign(candidates.size(), INFINITY);
    for (ImU32 f : kFixed) take(to_oklab(f));
  }

  void take(const Lab& chosen) {
    for (std::size_t k = 0; k < lab.size(); ++k) nearest2[k] = std::min(nearest2[k], distance2(lab[k], chosen));
  }

  /// The candidate farthest from every colour handed out so far (the first of equals, so the
  /// sequence is the same on every machine).
  void pick_next() {
    const auto best = static_cast<std::size_t>(std::max_element(nearest2.begin(), nearest2.end()) - nearest2.begin());
    picked.push_back(candidates[best]);
    take(lab[best]);
  }
};

}  // namespace

ImU32 palette_colour(std::size_t i) {
  if (i < kFixedPaletteSize) return kFixed[i];
  // Farthest-point picking keeps the generated colours apart from the fixed ones and from each other
  // for any count, where hue stepping alone (golden angle) lands near an earlier colour every
  // Fibonacci number of steps. Each colour depends on all before it, hence the shared, growing list.
  static Generator generator;
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  const std::size_t j = i - kFixedPaletteSize;
  // Past the candidate grid (3538 colours) the list starts over.
  const std::size_t wanted = j % generator.candidates.size();
  while (generator.picked.size() <= wanted) generator.pick_next();
  return generator.picked[wanted];
}

}  // namespace geosim::viz
