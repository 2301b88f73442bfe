#pragma once
// Colours for lines that have no colour of their own (nations, chipmakers): a fixed qualitative set
// first, then generated colours, so that a scenario with many nations never draws two alike.
#include <imgui.h>

#include <cstddef>

namespace geosim::viz {

/// Number of hand-picked colours palette_colour returns before it starts generating.
inline constexpr std::size_t kFixedPaletteSize = 13;

/// The i-th line colour: the fixed set for i < kFixedPaletteSize, then golden-angle hue steps in
/// OKLCH with lightness and chroma cycling, all readable on the charts' dark background.
ImU32 palette_colour(std::size_t i);

}  // namespace geosim::viz
