#pragma once
// Judging a what-if's claim over the plausible worlds: in how many does the effect take the claimed
// direction beyond seed noise, and, when that depends on the world, which parameters decide it
// (scenario discovery: PRIM, with each restriction tested, and a classification tree).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "analysis/compare/effects.h"
#include "analysis/discovery/prim.h"
#include "model/scenario_def.h"

namespace geosim::compare {

/// robust: holds in at least 90% of the plausible worlds; not supported: in under 10%; else depends.
enum class Verdict { robust, depends, not_supported };

/// "robust", "depends", "not supported".
const char* verdict_name(Verdict v);

/// A claim judged.
struct ClaimResult {
  ClaimDef claim;
  EffectStats stats;
  std::vector<int> point_class;  // per point: 1 the claimed direction, -1 the opposite, 0 within seed noise (or no pair)
  std::size_t holds = 0, opposite = 0, undecided = 0;
  Verdict verdict = Verdict::not_supported;
  std::string verdict_text;  // the verdict with its shares, and the deciding parameters of a 'depends'
  // Scenario discovery, for a claim that depends: PRIM over the points' parameter values with the
  // worlds where it holds as the cases of interest.
  std::vector<discovery::Box> trajectory;
  std::size_t chosen = 0;              // the box shown (discovery::choose_box)
  std::vector<std::size_t> deciding;   // parameters the chosen box restricts significantly, surest first
  std::vector<double> p_values;        // per parameter: the quasi-p-value of its restriction (NaN if none)
  std::string box_text;                // the deciding restrictions, e.g. "behaviour.utility.price >= 0.91"
  double box_density = kNaN, box_coverage = kNaN;  // of the worlds within the deciding restrictions alone
  std::string tree;                    // a classification tree of the same cases, as text
};

/// Judges `claim` from its effect's statistics; `x` holds each point's parameter values (rows as the
/// points of `stats`), named by `names`. `min_coverage` chooses PRIM's box.
ClaimResult judge_claim(const ClaimDef& claim, const EffectStats& stats, const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                        double min_coverage = 0.5);

/// P(X >= k) for X binomial(n, q): how likely a box of n cases holds k or more of interest when its
/// parameter's restriction adds nothing (q the density without it). Exposed for tests.
double binomial_tail(std::size_t k, std::size_t n, double q);

}  // namespace geosim::compare
