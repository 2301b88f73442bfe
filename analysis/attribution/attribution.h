#pragma once
// `geosim attribute`: a what-if's effect split among players, the model's mechanisms or the what-if's
// own events, by Shapley values over every coalition of them, on the same points and seeds (common
// random numbers), so that each coalition's effect is paired run by run. docs/attribute.md.
#include <string>
#include <vector>

#include "analysis/attribution/shapley.h"
#include "analysis/compare/comparison.h"
#include "analysis/compare/effects.h"
#include "analysis/sweep/store.h"

namespace geosim::attribution {

/// What the command line asks for.
struct AttributeOptions {
  compare::CompareOptions compare;   // the scenarios, points, seeds, sets and months, as for compare
  std::string over = "mechanisms";   // mechanisms or events
  std::vector<std::string> players;  // the players (mechanism names or event ids); empty: all
  std::vector<std::string> groups;   // NAME=ID+ID: events that play as one player
  std::string at;                    // the month of --output values ("" : the last month run)
  std::size_t orders = 200;          // permutations sampled when there are more than 12 players
  std::uint64_t order_seed = 1;
};

/// A player: what switches it on and off.
struct Player {
  std::string name;
  std::vector<std::string> keys;  // yes/no key paths, all true when the player is in a coalition
};

/// One value attributed: an output at a month.
struct Target {
  std::string name;  // a claim's id, or METRIC@SCOPE@MONTH
  std::string metric, scope;
  Month at;
  bool claim = false;
};

/// An attribution ready to run.
struct Attribution {
  compare::Comparison comparison;  // the what-if against its baseline with every player on
  bool over_events = false;
  std::vector<Player> players;
  std::vector<std::string> left_out;  // mechanisms off in a scenario already, or events in both: not players
  std::vector<Coalition> coalitions;  // those run, in increasing mask order
  std::vector<std::vector<std::size_t>> orders;  // sampled (more than 12 players), else empty
  std::vector<Target> targets;
  sweep::SweepDef side[2];  // design points: each coalition at each plausible point (the baseline's only over mechanisms)
};

/// Loads the comparison and builds both sides' sweeps; throws BadInput or DiagnosticError naming what to change.
Attribution load_attribution(const AttributeOptions& options);

/// A target's attribution: each player's Shapley value over the worlds and seeds, the effect with every
/// player on and with none, and the pairwise interactions (exact attributions only).
struct TargetResult {
  compare::EffectStats total, none;         // v(all) and v(none)
  std::vector<compare::EffectStats> shapley;  // per player
  std::vector<double> interaction;           // mean over the pairs, k x k; empty when sampled
  std::vector<double> coalition_mean;        // mean effect of each coalition run, in Attribution::coalitions order
  std::size_t pairs = 0;                     // (world, seed) pairs with every coalition's runs
};

/// Reads both stores and attributes every target.
std::vector<TargetResult> analyse(const Attribution& a, const sweep::Store& baseline, const sweep::Store& whatif);

}  // namespace geosim::attribution
