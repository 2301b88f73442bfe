#pragma once
// History matching (Craig et al. 1997; Vernon et al. 2010; Andrianakis et al. 2015): in waves, rule
// out the parameter points at which the model cannot match the observed targets, however its
// emulators, seeds, observations and structural discrepancy are allowed to err.
//
// A wave runs a design of points in the region not ruled out so far, fits an emulator per target to
// the runs' seed means (and a regression of their seed variances), checks each emulator on runs it
// was not fitted to, and then screens candidate points: a candidate is ruled out when the n-th largest
// of its targets' implausibilities exceeds the cutoff under any wave's emulators. The candidates not
// ruled out sample the not-ruled-out-yet (NROY) region; the next wave's design is chosen among them.
// Everything is a pure function of the options and the runs, so a resumed calibration recomputes the
// same emulators and designs. docs/calibration.md states every formula.
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "analysis/calibration/emulator.h"

namespace geosim::calibration {

/// One output matched against its observation: the observed band and the variances that sit beside
/// the emulator's (observation error and model discrepancy), all on the matching scale.
struct MatchTarget {
  std::string name;       // "T1", "T8/growth"
  bool log_scale = false; // matched on log(value): observation_sd and discrepancy_sd are then in log units
  double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();  // band, on the matching scale
  double observation_sd = 0, discrepancy_sd = 0;
  /// How far `v` (matching scale) lies outside the band; 0 inside.
  double distance(double v) const { return v < low ? low - v : v > high ? v - high : 0.0; }
};

/// How a history match runs.
struct MatchOptions {
  std::size_t waves = 4;             // most waves
  std::size_t points = 200;          // design points per wave
  std::size_t candidates = 200000;   // most candidates drawn per wave's screening
  std::size_t sample = 1000;         // points of the plausible sample kept from the last screening
  double cutoff = 3;                 // implausibility cutoff
  std::vector<std::size_t> nth = {1};  // per wave (the last repeats): rule out when the nth largest implausibility exceeds the cutoff
  std::uint64_t seed = 1;            // the first design and every candidate draw
  std::size_t max_training = 500;    // most points an emulator is fitted to (the newest kept)
  EmulatorOptions emulator;

  std::size_t nth_of(std::size_t wave) const { return nth.empty() ? 1 : nth[std::min(wave, nth.size()) - 1]; }
};

/// What one point's runs gave for one target, on the matching scale: the mean over the runs with a
/// finite value (positive, for a log-scale target), their sample variance and their number.
struct PointOutcome {
  double mean = std::numeric_limits<double>::quiet_NaN(), variance = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;
};

/// Mean, sample variance and count of the values usable on the target's scale.
PointOutcome outcome_of(const std::vector<double>& values, bool log_scale);

/// A simulated point: its wave, its coordinates in [0, 1]^k and its outcome per target.
struct SimulatedPoint {
  std::size_t wave = 0;
  Eigen::VectorXd unit;
  std::vector<PointOutcome> outcome;
};

/// How an emulator did on the held-out runs of its wave (every fifth point of the wave).
struct Validation {
  std::size_t held_out = 0, within = 0;  // held-out points, and those whose standardized error is at most 3
  std::size_t false_rule_outs = 0;       // the emulator rules them out, their simulated means do not
  double inflation = 1;                  // the emulator's sd is multiplied by this to pass (1, 1.5, 2, 3)
  std::vector<double> simulated, predicted, sd;  // per held-out point, for the validation figure
};

/// A target's emulators in one wave: of its seed mean and of its seed variance.
struct TargetFit {
  bool used = false;
  std::string why_not;          // when not used: too few points, or failed validation
  Emulator mean;                // of the seed mean (refitted to every training point after validation)
  std::vector<Term> var_terms;  // log seed variance, bias-corrected, by least squares on these terms
  Eigen::VectorXd var_beta;
  bool no_seed_variance = false;  // every point's runs agreed exactly: the ensemble variance is 0
  std::size_t training = 0;
  Validation validation;
  /// The ensemble (single-run) variance at each row of x.
  Eigen::VectorXd ensemble_variance(const Eigen::MatrixXd& x) const;
};

/// One wave's emulators.
struct WaveFit {
  std::size_t wave = 0, nth = 1;
  std::vector<TargetFit> targets;
};

/// Implausibilities (rows: points of x; columns: targets; NaN for a target the wave does not use).
Eigen::MatrixXd implausibility(const WaveFit& fit, const std::vector<MatchTarget>& targets, const Eigen::MatrixXd& x);

/// Whether a row of implausibilities rules its point out: its nth largest (over the targets used)
/// exceeds the cutoff. A wave that uses fewer than nth targets rules out nothing.
bool ruled_out(const Eigen::Ref<const Eigen::RowVectorXd>& row, std::size_t nth, double cutoff);

/// What screening candidates after a wave found.
struct Screening {
  std::size_t wave = 0;
  std::vector<double> box_low, box_high;  // where candidates were drawn, in [0, 1]^k
  double box_volume = 1;
  std::size_t drawn = 0, considered = 0;  // candidates drawn; of them, those no earlier wave rules out
  Eigen::MatrixXd accepted;   // candidates no wave rules out (a uniform sample of the NROY region)
  Eigen::MatrixXd proposals;  // accepted, plus perturbed proposals when too few were accepted
  double nroy_fraction = 0, nroy_se = 0;  // estimated share of the whole unit cube not ruled out
  std::vector<std::size_t> target_pass;   // of the considered, those this wave's emulator of each target alone keeps
  std::vector<std::vector<std::size_t>> pair_pass;  // and those kept by both of two targets
};

/// Two targets that no considered candidate meets together, though each alone is met by some.
struct Conflict {
  std::size_t a = 0, b = 0;
  std::size_t a_alone = 0, b_alone = 0, considered = 0;
};

/// The conflicts of a screening, and the targets no considered candidate meets at all.
std::vector<Conflict> conflicts(const Screening& s, const WaveFit& fit);
std::vector<std::size_t> unreachable(const Screening& s, const WaveFit& fit);

/// The whole history match so far.
struct MatchResult {
  std::vector<SimulatedPoint> points;
  std::vector<WaveFit> fits;
  std::vector<Screening> screenings;
  bool empty = false;  // the last screening kept no candidate: no point of the space matches every target
};

/// The first wave's design: a Latin hypercube of options.points points in [0, 1]^k.
Eigen::MatrixXd first_design(std::size_t k, const MatchOptions& options);

/// Fits wave `wave`'s emulators to the simulated points of every wave so far that no earlier fit rules out.
WaveFit fit_wave(std::size_t wave, const std::vector<SimulatedPoint>& points, const std::vector<WaveFit>& earlier, const std::vector<MatchTarget>& targets,
                 const MatchOptions& options);

/// Draws candidates (in the box of the previous screening's accepted points, widened; the whole cube
/// after wave 1) and keeps those that no wave so far rules out.
Screening screen(std::size_t k, const std::vector<WaveFit>& fits, const Screening* previous, const std::vector<MatchTarget>& targets, const MatchOptions& options);

/// The next wave's design: options.points of the screening's proposals, chosen one by one as the
/// proposal farthest from those chosen (greedy maximin, distances scaled by the proposals' spread).
Eigen::MatrixXd next_design(const Screening& s, const MatchOptions& options);

/// Runs a wave's design and reports what it actually ran: `design` (which a stored calibration may
/// replace by its own record of the wave) and each point's outcome per target.
struct WaveRuns {
  Eigen::MatrixXd design;
  std::vector<std::vector<PointOutcome>> outcomes;  // [point][target]
};
using Simulator = std::function<WaveRuns(std::size_t wave, const Eigen::MatrixXd& design)>;

/// Runs the waves: design, simulate, fit, screen, until options.waves or until nothing is left.
MatchResult history_match(std::size_t k, const std::vector<MatchTarget>& targets, const MatchOptions& options, const Simulator& simulate);

}  // namespace geosim::calibration
