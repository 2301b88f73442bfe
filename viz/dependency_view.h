#pragma once
// The dependency view: who depends on whom this month, as a three-column flow diagram (Sankey style):
// nations -> labs whose models their adopters use -> chipmakers those models run on. Band widths are
// adopted weight; nation bands take the nation's bloc colour, lab bands the lab's origin bloc colour.
#include <imgui.h>

#include "viz/snapshot.h"

namespace geosim::viz {

/// Colour of a bloc (0 us, 1 china, 2 nonaligned).
ImU32 bloc_colour(int bloc, int alpha = 255);

/// Draws the view at the cursor in a `size` box; hovering a band or a node tells its size.
void draw_dependency_view(const char* id, const DependencyData& data, ImVec2 size);

}  // namespace geosim::viz
