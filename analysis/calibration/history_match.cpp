#include "analysis/calibration/history_match.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "analysis/sensitivity/designs.h"
#include "core/parallel.h"
#include "core/random.h"

namespace geosim::calibration {
namespace {

/// Factors tried, in order, on an emulator's standard deviation until it passes validation.
constexpr double kInflations[] = {1.0, 1.5, 2.0, 3.0};
/// Every fifth point of a wave is held out to validate its emulators.
constexpr std::size_t kHoldOutEvery = 5;
/// Fewest held-out points a validation needs; with fewer the emulator is used unvalidated.
constexpr std::size_t kMinHeldOut = 5;
/// Fewest points with a value an emulator is fitted to.
constexpr std::size_t kMinTraining = 10;
/// Candidates evaluated per block (a unit of parallel work; results are merged in block order).
constexpr std::size_t kBlock = 512;
/// How far the screening box reaches beyond the previous accepted points, in the unit cube.
constexpr double kBoxMargin = 0.05;
/// Rounds of perturbed proposals when a screening accepted fewer candidates than a wave's design needs.
constexpr int kPerturbRounds = 20;

Eigen::MatrixXd rows_of(const Eigen::MatrixXd& x, const std::vector<std::size_t>& idx) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(idx.size()), x.cols());
  for (std::size_t i = 0; i < idx.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(idx[i]));
  return out;
}

void append_rows(Eigen::MatrixXd& to, const Eigen::MatrixXd& rows) {
  if (rows.rows() == 0) return;
  const Eigen::Index before = to.rows();
  to.conservativeResize(before + rows.rows(), rows.cols());
  to.bottomRows(rows.rows()) = rows;
}

Eigen::MatrixXd basis_rows(const Eigen::MatrixXd& x, const std::vector<Term>& terms) {
  Eigen::MatrixXd h(x.rows(), static_cast<Eigen::Index>(terms.size()));
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const Eigen::VectorXd z = (2.0 * x.row(r).array() - 1.0).matrix().transpose();
    for (std::size_t t = 0; t < terms.size(); ++t) h(r, static_cast<Eigen::Index>(t)) = terms[t].at(z);
  }
  return h;
}

/// Fits the log seed variance of the points that have at least two runs: log s^2 corrected by its
/// expectation's offset psi((n - 1) / 2) - log((n - 1) / 2) from log sigma^2, then least squares on
/// terms chosen as for the mean.
void fit_variance(TargetFit& fit, const std::vector<SimulatedPoint>& points, const std::vector<std::size_t>& idx, std::size_t target) {
  std::vector<std::size_t> with;
  double largest = 0;
  for (std::size_t i : idx)
    if (points[i].outcome[target].n >= 2 && std::isfinite(points[i].outcome[target].variance)) {
      with.push_back(i);
      largest = std::max(largest, points[i].outcome[target].variance);
    }
  fit.var_terms.clear();
  fit.no_seed_variance = with.size() < 3 || largest == 0;
  if (fit.no_seed_variance) return;
  // Exactly equal runs at a point (a variance of 0) among others that vary: a floor far below them.
  const double floor = 1e-12 * largest;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(with.size()), points[with[0]].unit.size());
  Eigen::VectorXd y(static_cast<Eigen::Index>(with.size()));
  for (std::size_t r = 0; r < with.size(); ++r) {
    const auto& o = points[with[r]].outcome[target];
    const double half = 0.5 * static_cast<double>(o.n - 1);
    x.row(static_cast<Eigen::Index>(r)) = points[with[r]].unit.transpose();
    y[static_cast<Eigen::Index>(r)] = std::log(std::max(o.variance, floor)) - (digamma(half) - std::log(half));
  }
  fit.var_terms = select_terms(x, y, std::max<std::size_t>(1, std::min<std::size_t>(10, with.size() / 4)));
  fit.var_beta = least_squares(x, y, fit.var_terms);
}

/// Implausibility of a value with emulator variance `v` (already inflated) and ensemble variance `vs`.
double implausibility_of(const MatchTarget& t, double mean, double v, double vs) {
  const double d = t.distance(mean);
  const double denominator = v + vs + t.observation_sd * t.observation_sd + t.discrepancy_sd * t.discrepancy_sd;
  if (d == 0) return 0;
  return denominator > 0 ? d / std::sqrt(denominator) : std::numeric_limits<double>::infinity();
}

/// A uniform number in (0, 1) for coordinate `dim` of candidate `index` of a wave's screening.
double candidate_unit(std::uint64_t seed, std::size_t wave, std::uint64_t index, std::size_t dim) {
  const auto w = philox_words(seed, static_cast<std::uint32_t>(wave), index, Purpose::calibration, static_cast<std::uint32_t>(dim / 4));
  return unit_open(w[dim % 4]);
}

/// What screening one block of candidates found.
struct BlockResult {
  std::vector<std::size_t> accepted;  // rows of the block no wave rules out
  std::size_t considered = 0;
  std::vector<std::size_t> target_pass;
  std::vector<std::size_t> pair_pass;  // T x T, row-major
};

/// Screens the rows of x against every fit, counting for the last fit which targets each row meets.
BlockResult screen_block(const Eigen::MatrixXd& x, const std::vector<WaveFit>& fits, const std::vector<MatchTarget>& targets, double cutoff) {
  const std::size_t nt = targets.size();
  BlockResult out;
  out.target_pass.assign(nt, 0);
  out.pair_pass.assign(nt * nt, 0);
  std::vector<std::size_t> alive(static_cast<std::size_t>(x.rows()));
  std::iota(alive.begin(), alive.end(), 0);
  for (std::size_t f = 0; f < fits.size() && !alive.empty(); ++f) {
    const Eigen::MatrixXd imp = implausibility(fits[f], targets, rows_of(x, alive));
    const bool last = f + 1 == fits.size();
    std::vector<std::size_t> kept;
    for (std::size_t r = 0; r < alive.size(); ++r) {
      const auto row = imp.row(static_cast<Eigen::Index>(r));
      if (last) {
        ++out.considered;
        for (std::size_t a = 0; a < nt; ++a) {
          if (!fits[f].targets[a].used || !(row[static_cast<Eigen::Index>(a)] <= cutoff)) continue;
          ++out.target_pass[a];
          for (std::size_t b = 0; b < nt; ++b)
            if (fits[f].targets[b].used && row[static_cast<Eigen::Index>(b)] <= cutoff) ++out.pair_pass[a * nt + b];
        }
      }
      if (!ruled_out(row, fits[f].nth, cutoff)) kept.push_back(alive[r]);
    }
    alive = std::move(kept);
  }
  out.accepted = std::move(alive);
  return out;
}

/// The rows of x that no fit rules out.
std::vector<std::size_t> kept_rows(const Eigen::MatrixXd& x, const std::vector<WaveFit>& fits, const std::vector<MatchTarget>& targets, double cutoff) {
  std::vector<std::size_t> alive(static_cast<std::size_t>(x.rows()));
  std::iota(alive.begin(), alive.end(), 0);
  for (const WaveFit& f : fits) {
    if (alive.empty()) break;
    const Eigen::MatrixXd imp = implausibility(f, targets, rows_of(x, alive));
    std::vector<std::size_t> kept;
    for (std::size_t r = 0; r < alive.size(); ++r)
      if (!ruled_out(imp.row(static_cast<Eigen::Index>(r)), f.nth, cutoff)) kept.push_back(alive[r]);
    alive = std::move(kept);
  }
  return alive;
}

}  // namespace

PointOutcome outcome_of(const std::vector<double>& values, bool log_scale) {
  std::vector<double> v;
  for (double x : values)
    if (std::isfinite(x) && (!log_scale || x > 0)) v.push_back(log_scale ? std::log(x) : x);
  PointOutcome o;
  o.n = v.size();
  if (v.empty()) return o;
  o.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  if (v.size() >= 2) {
    double ss = 0;
    for (double x : v) ss += (x - o.mean) * (x - o.mean);
    o.variance = ss / static_cast<double>(v.size() - 1);
  }
  return o;
}

Eigen::VectorXd TargetFit::ensemble_variance(const Eigen::MatrixXd& x) const {
  if (no_seed_variance || var_terms.empty()) return Eigen::VectorXd::Zero(x.rows());
  return (basis_rows(x, var_terms) * var_beta).array().exp().matrix();
}

Eigen::MatrixXd implausibility(const WaveFit& fit, const std::vector<MatchTarget>& targets, const Eigen::MatrixXd& x) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Constant(x.rows(), static_cast<Eigen::Index>(targets.size()), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const TargetFit& tf = fit.targets[t];
    if (!tf.used) continue;
    Eigen::VectorXd mean, var;
    tf.mean.predict(x, mean, var);
    const Eigen::VectorXd vs = tf.ensemble_variance(x);
    const double c2 = tf.validation.inflation * tf.validation.inflation;
    for (Eigen::Index r = 0; r < x.rows(); ++r) out(r, static_cast<Eigen::Index>(t)) = implausibility_of(targets[t], mean[r], c2 * var[r], vs[r]);
  }
  return out;
}

bool ruled_out(const Eigen::Ref<const Eigen::RowVectorXd>& row, std::size_t nth, double cutoff) {
  std::vector<double> v;
  for (Eigen::Index i = 0; i < row.size(); ++i)
    if (!std::isnan(row[i])) v.push_back(row[i]);
  if (nth == 0 || v.size() < nth) return false;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(nth - 1), v.end(), std::greater<>());
  return v[nth - 1] > cutoff;
}

Eigen::MatrixXd first_design(std::size_t k, const MatchOptions& o) {
  const auto d = analysis::latin_hypercube(o.points, k, o.seed);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(d.rows), static_cast<Eigen::Index>(k));
  for (std::size_t r = 0; r < d.rows; ++r)
    for (std::size_t c = 0; c < k; ++c) x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = d.at(r, c);
  return x;
}

WaveFit fit_wave(std::size_t wave, const std::vector<SimulatedPoint>& points, const std::vector<WaveFit>& earlier, const std::vector<MatchTarget>& targets,
                 const MatchOptions& o) {
  WaveFit fit;
  fit.wave = wave;
  fit.nth = o.nth_of(wave);
  fit.targets.resize(targets.size());
  if (points.empty()) return fit;
  const auto k = points.front().unit.size();
  // Earlier waves' points that the earlier fits keep (newest wave first), then this wave's own.
  std::vector<std::size_t> own, previous;
  {
    std::vector<std::size_t> older;
    for (std::size_t i = 0; i < points.size(); ++i) (points[i].wave == wave ? own : older).push_back(i);
    Eigen::MatrixXd x(static_cast<Eigen::Index>(older.size()), k);
    for (std::size_t r = 0; r < older.size(); ++r) x.row(static_cast<Eigen::Index>(r)) = points[older[r]].unit.transpose();
    for (std::size_t r : kept_rows(x, earlier, targets, o.cutoff)) previous.push_back(older[r]);
    std::stable_sort(previous.begin(), previous.end(), [&](std::size_t a, std::size_t b) { return points[a].wave > points[b].wave; });
  }
  parallel_for_index(targets.size(), [&](std::size_t t) {
    TargetFit& tf = fit.targets[t];
    const MatchTarget& target = targets[t];
    auto valid = [&](std::size_t i) { return points[i].outcome[t].n >= 1 && std::isfinite(points[i].outcome[t].mean); };
    std::vector<std::size_t> train, held;
    for (std::size_t j = 0; j < own.size(); ++j)
      if (valid(own[j])) (j % kHoldOutEvery == kHoldOutEvery - 1 ? held : train).push_back(own[j]);
    for (std::size_t i : previous)
      if (valid(i) && train.size() < o.max_training) train.push_back(i);
    if (train.size() > o.max_training) train.resize(o.max_training);
    if (train.size() < kMinTraining) {
      tf.why_not = "only " + std::to_string(train.size()) + " points to fit (at least " + std::to_string(kMinTraining) + " with a value are needed)";
      return;
    }
    auto inputs = [&](const std::vector<std::size_t>& idx) {
      Eigen::MatrixXd x(static_cast<Eigen::Index>(idx.size()), k);
      for (std::size_t r = 0; r < idx.size(); ++r) x.row(static_cast<Eigen::Index>(r)) = points[idx[r]].unit.transpose();
      return x;
    };
    auto outputs = [&](const std::vector<std::size_t>& idx) {
      Eigen::VectorXd y(static_cast<Eigen::Index>(idx.size()));
      for (std::size_t r = 0; r < idx.size(); ++r) y[static_cast<Eigen::Index>(r)] = points[idx[r]].outcome[t].mean;
      return y;
    };
    tf.training = train.size();
    const Eigen::MatrixXd xt = inputs(train);
    tf.mean = Emulator::fit(xt, outputs(train), o.emulator);
    fit_variance(tf, points, train, t);
    Validation& val = tf.validation;
    val.held_out = held.size();
    if (held.size() >= kMinHeldOut) {
      const Eigen::MatrixXd xh = inputs(held);
      Eigen::VectorXd mean, var;
      tf.mean.predict(xh, mean, var);
      const Eigen::VectorXd vs = tf.ensemble_variance(xh);
      bool passed = false;
      for (double c : kInflations) {
        std::size_t within = 0, false_outs = 0;
        for (std::size_t r = 0; r < held.size(); ++r) {
          const auto& out = points[held[r]].outcome[t];
          const auto i = static_cast<Eigen::Index>(r);
          const double sd = c * std::sqrt(var[i]);
          within += std::abs(out.mean - mean[i]) <= 3 * sd ? 1 : 0;
          const double emulated = implausibility_of(target, mean[i], c * c * var[i], vs[i]);
          const double simulated = implausibility_of(target, out.mean, 0, vs[i] * (1 + 1.0 / static_cast<double>(out.n)));
          false_outs += emulated > o.cutoff && simulated <= o.cutoff ? 1 : 0;
        }
        val.within = within, val.false_rule_outs = false_outs, val.inflation = c;
        if (static_cast<double>(within) >= 0.95 * static_cast<double>(held.size()) && false_outs == 0) {
          passed = true;
          break;
        }
      }
      for (std::size_t r = 0; r < held.size(); ++r) {
        val.simulated.push_back(points[held[r]].outcome[t].mean);
        val.predicted.push_back(mean[static_cast<Eigen::Index>(r)]);
        val.sd.push_back(std::sqrt(var[static_cast<Eigen::Index>(r)]));
      }
      if (!passed) {
        tf.why_not = "failed validation: " + std::to_string(val.within) + " of " + std::to_string(held.size()) + " held-out points within 3 sd and " +
                     std::to_string(val.false_rule_outs) + " wrongly ruled out, even with its sd tripled";
        return;
      }
    }
    // Validated (or too few held-out points to try): refitted to every point, held-out ones included.
    std::vector<std::size_t> all = train;
    all.insert(all.end(), held.begin(), held.end());
    tf.mean = tf.mean.refit(inputs(all), outputs(all));
    fit_variance(tf, points, all, t);
    tf.training = all.size();
    tf.used = true;
  });
  return fit;
}

std::vector<Conflict> conflicts(const Screening& s, const WaveFit& fit) {
  std::vector<Conflict> out;
  const std::size_t nt = fit.targets.size();
  for (std::size_t a = 0; a < nt; ++a)
    for (std::size_t b = a + 1; b < nt; ++b)
      if (fit.targets[a].used && fit.targets[b].used && s.target_pass[a] > 0 && s.target_pass[b] > 0 && s.pair_pass[a][b] == 0)
        out.push_back(Conflict{a, b, s.target_pass[a], s.target_pass[b], s.considered});
  return out;
}

std::vector<std::size_t> unreachable(const Screening& s, const WaveFit& fit) {
  std::vector<std::size_t> out;
  for (std::size_t t = 0; t < fit.targets.size(); ++t)
    if (fit.targets[t].used && s.considered > 0 && s.target_pass[t] == 0) out.push_back(t);
  return out;
}

Screening screen(std::size_t k, const std::vector<WaveFit>& fits, const Screening* previous, const std::vector<MatchTarget>& targets, const MatchOptions& o) {
  if (fits.empty()) throw std::logic_error("screen: no wave has been fitted");
  Screening s;
  s.wave = fits.back().wave;
  s.box_low.assign(k, 0.0);
  s.box_high.assign(k, 1.0);
  if (previous && previous->accepted.rows() > 0)
    for (std::size_t j = 0; j < k; ++j) {
      const auto col = previous->accepted.col(static_cast<Eigen::Index>(j));
      s.box_low[j] = std::max(0.0, col.minCoeff() - kBoxMargin);
      s.box_high[j] = std::min(1.0, col.maxCoeff() + kBoxMargin);
    }
  s.box_volume = 1;
  for (std::size_t j = 0; j < k; ++j) s.box_volume *= s.box_high[j] - s.box_low[j];
  const std::size_t nt = targets.size();
  s.target_pass.assign(nt, 0);
  s.pair_pass.assign(nt, std::vector<std::size_t>(nt, 0));
  s.accepted.resize(0, static_cast<Eigen::Index>(k));
  const std::size_t want = std::max(o.sample, 10 * o.points);
  // Candidates in rounds of blocks evaluated in parallel; each block's results are merged in block
  // order, so the accepted sample does not depend on the thread count.
  const std::size_t per_round = 16 * kBlock;
  while (s.drawn < o.candidates && static_cast<std::size_t>(s.accepted.rows()) < want) {
    const std::size_t round = std::min(per_round, o.candidates - s.drawn);
    const std::size_t blocks = (round + kBlock - 1) / kBlock;
    std::vector<BlockResult> results(blocks);
    std::vector<Eigen::MatrixXd> xs(blocks);
    parallel_for_index(blocks, [&](std::size_t b) {
      const std::size_t first = s.drawn + b * kBlock, n = std::min(kBlock, round - b * kBlock);
      Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < k; ++j)
          x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) =
              s.box_low[j] + (s.box_high[j] - s.box_low[j]) * candidate_unit(o.seed, s.wave, first + r, j);
      results[b] = screen_block(x, fits, targets, o.cutoff);
      xs[b] = std::move(x);
    });
    for (std::size_t b = 0; b < blocks; ++b) {
      append_rows(s.accepted, rows_of(xs[b], results[b].accepted));
      s.considered += results[b].considered;
      for (std::size_t a = 0; a < nt; ++a) {
        s.target_pass[a] += results[b].target_pass[a];
        for (std::size_t c = 0; c < nt; ++c) s.pair_pass[a][c] += results[b].pair_pass[a * nt + c];
      }
    }
    s.drawn += round;
  }
  const double p = s.drawn ? static_cast<double>(s.accepted.rows()) / static_cast<double>(s.drawn) : 0;
  s.nroy_fraction = s.box_volume * p;
  s.nroy_se = s.drawn ? s.box_volume * std::sqrt(p * (1 - p) / static_cast<double>(s.drawn)) : 0;
  // Too few for a wave's design: perturb the accepted points (a normal step of half their spread in
  // each coordinate, reflected at the cube's faces) and keep the perturbations no wave rules out.
  // These are not uniform over the region, so they serve the next design only, never the estimates.
  s.proposals = s.accepted;
  std::uint64_t drawn = 0;
  for (int r = 0; r < kPerturbRounds && s.proposals.rows() > 0 && static_cast<std::size_t>(s.proposals.rows()) < o.points; ++r) {
    Eigen::VectorXd step(static_cast<Eigen::Index>(k));
    for (std::size_t j = 0; j < k; ++j) {
      const auto col = s.proposals.col(static_cast<Eigen::Index>(j));
      const double sd = s.proposals.rows() > 1 ? std::sqrt((col.array() - col.mean()).square().sum() / static_cast<double>(col.size() - 1)) : 0;
      step[static_cast<Eigen::Index>(j)] = sd > 0 ? 0.5 * sd : 0.05 * (s.box_high[j] - s.box_low[j]);
    }
    Eigen::MatrixXd x = s.proposals;
    for (Eigen::Index i = 0; i < x.rows(); ++i, ++drawn)
      for (std::size_t j = 0; j < k; ++j) {
        const auto w = philox_words(o.seed, static_cast<std::uint32_t>(s.wave), drawn, Purpose::calibration, (1u << 16) ^ static_cast<std::uint32_t>(j));
        const double z = standard_normal(w[0], w[1]);
        double v = x(i, static_cast<Eigen::Index>(j)) + step[static_cast<Eigen::Index>(j)] * z;
        v = v < 0 ? -v : v > 1 ? 2 - v : v;
        x(i, static_cast<Eigen::Index>(j)) = std::clamp(v, 0.0, 1.0);
      }
    append_rows(s.proposals, rows_of(x, kept_rows(x, fits, targets, o.cutoff)));
  }
  return s;
}

Eigen::MatrixXd next_design(const Screening& s, const MatchOptions& o) {
  const Eigen::MatrixXd& pool = s.proposals;
  const auto m = static_cast<std::size_t>(pool.rows());
  const std::size_t n = std::min(o.points, m);
  if (n == 0) return Eigen::MatrixXd(0, pool.cols());
  Eigen::RowVectorXd scale = pool.colwise().maxCoeff() - pool.colwise().minCoeff();
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    if (!(scale[j] > 0)) scale[j] = 1;
  const Eigen::MatrixXd scaled = pool.array().rowwise() / scale.array();
  std::vector<std::size_t> chosen{0};
  Eigen::VectorXd nearest = (scaled.rowwise() - scaled.row(0)).rowwise().squaredNorm();
  while (chosen.size() < n) {
    Eigen::Index far = 0;
    nearest.maxCoeff(&far);  // the first of equal distances
    chosen.push_back(static_cast<std::size_t>(far));
    nearest = nearest.cwiseMin((scaled.rowwise() - scaled.row(far)).rowwise().squaredNorm());
  }
  return rows_of(pool, chosen);
}

MatchResult history_match(std::size_t k, const std::vector<MatchTarget>& targets, const MatchOptions& o, const Simulator& simulate) {
  if (o.waves == 0 || o.points == 0) throw std::invalid_argument("history match: needs at least one wave of at least one point");
  MatchResult result;
  Eigen::MatrixXd design = first_design(k, o);
  for (std::size_t wave = 1; wave <= o.waves; ++wave) {
    WaveRuns runs = simulate(wave, design);
    if (runs.outcomes.size() != static_cast<std::size_t>(runs.design.rows())) throw std::logic_error("history match: a wave's outcomes do not match its design");
    for (Eigen::Index r = 0; r < runs.design.rows(); ++r)
      result.points.push_back(SimulatedPoint{wave, runs.design.row(r).transpose(), runs.outcomes[static_cast<std::size_t>(r)]});
    result.fits.push_back(fit_wave(wave, result.points, result.fits, targets, o));
    result.screenings.push_back(screen(k, result.fits, result.screenings.empty() ? nullptr : &result.screenings.back(), targets, o));
    if (result.screenings.back().accepted.rows() == 0) {
      result.empty = true;
      break;
    }
    if (wave < o.waves) design = next_design(result.screenings.back(), o);
  }
  return result;
}

}  // namespace geosim::calibration
