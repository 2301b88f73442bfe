#pragma once
// PRIM, the patient rule induction method (Friedman & Fisher 1999), as scenario discovery uses it
// (Bryant & Lempert 2010): peel a box around the cases of interest one small slice at a time, then
// paste it back out where that helps. docs/discovery.md states every rule exactly.
#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace geosim::discovery {

/// One box: per dimension its lower and upper bound (inclusive), and how it scores.
struct Box {
  std::vector<double> lower, upper;
  double coverage = 0, density = 0, support = 0;
  std::size_t restricted = 0;  // dimensions whose bound lies strictly inside the data's range
  std::size_t cases = 0, of_interest = 0;
};

/// PRIM's settings: the share of the box's cases one peel or paste step moves, and the smallest share
/// of all cases a peeled box may keep.
struct PrimOptions {
  double peel_alpha = 0.05, paste_alpha = 0.05, min_support = 0.05;
};

/// The peeling trajectory: box 0 is the whole data's box; each next box is one peel further.
std::vector<Box> prim_peel(const Eigen::MatrixXd& x, const std::vector<bool>& interest, const PrimOptions& o = {});

/// Pastes a peeled box outwards while that raises its density (Friedman & Fisher's pasting).
Box prim_paste(const Eigen::MatrixXd& x, const std::vector<bool>& interest, Box box, const PrimOptions& o = {});

/// The box a report shows by default: of the boxes with coverage >= min_coverage, the densest; ties to
/// fewer restricted dimensions, then the earlier box.
std::size_t choose_box(const std::vector<Box>& trajectory, double min_coverage = 0.5);

}  // namespace geosim::discovery
