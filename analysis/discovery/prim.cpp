#include "analysis/discovery/prim.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace geosim::discovery {
namespace {

/// Each column's smallest and largest value: the bounds of box 0, against which restriction is judged.
struct Ranges {
  std::vector<double> min, max;
};

/// Refuses data PRIM cannot work on, saying what to change.
void check_data(const Eigen::MatrixXd& x, const std::vector<bool>& interest) {
  if (x.rows() == 0 || x.cols() == 0)
    throw std::invalid_argument("PRIM needs at least one case and one parameter, got " + std::to_string(x.rows()) + " cases of " +
                                std::to_string(x.cols()) + " parameters");
  if (interest.size() != static_cast<std::size_t>(x.rows()))
    throw std::invalid_argument("PRIM needs one outcome per case: " + std::to_string(x.rows()) + " cases but " +
                                std::to_string(interest.size()) + " outcomes");
  if (std::find(interest.begin(), interest.end(), true) == interest.end())
    throw std::invalid_argument("PRIM needs at least one case of interest: no case has the outcome sought");
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (!std::isfinite(x(i, j)))
        throw std::invalid_argument("PRIM needs finite parameter values: case " + std::to_string(i) + ", parameter " + std::to_string(j) +
                                    " is " + std::to_string(x(i, j)) + " (drop or impute such cases first)");
}

void check_options(const PrimOptions& o) {
  for (auto [name, alpha] : {std::pair{"peel_alpha", o.peel_alpha}, std::pair{"paste_alpha", o.paste_alpha}})
    if (!(alpha > 0 && alpha < 0.5))
      throw std::invalid_argument(std::string(name) + " must lie in (0, 0.5), got " + std::to_string(alpha) + " (0.05 is usual)");
  if (!(o.min_support > 0 && o.min_support <= 1))
    throw std::invalid_argument("min_support must lie in (0, 1], got " + std::to_string(o.min_support) + " (0.05 is usual)");
}

Ranges ranges_of(const Eigen::MatrixXd& x) {
  Ranges r;
  for (Eigen::Index j = 0; j < x.cols(); ++j) r.min.push_back(x.col(j).minCoeff()), r.max.push_back(x.col(j).maxCoeff());
  return r;
}

/// How many cases one step aims to move: alpha of m, at least one. The 1e-9 keeps a product such as
/// 0.29 * 100 (28.999999999999996 in floating point) from losing a case to rounding.
std::size_t step_cases(double alpha, std::size_t m) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(alpha * static_cast<double>(m) + 1e-9)));
}

/// Whether a/b > c/d, compared exactly (two fractions that differ may round to one double). Case
/// counts stay far below 2^32, so the products fit.
bool denser(std::size_t a, std::size_t b, std::size_t c, std::size_t d) {
  return static_cast<std::uint64_t>(a) * d > static_cast<std::uint64_t>(c) * b;
}

bool inside(const Eigen::MatrixXd& x, Eigen::Index i, const std::vector<double>& lower, const std::vector<double>& upper) {
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const auto u = static_cast<std::size_t>(j);
    if (x(i, j) < lower[u] || x(i, j) > upper[u]) return false;
  }
  return true;
}

/// The box with these bounds, scored on the data.
Box score(const Eigen::MatrixXd& x, const std::vector<bool>& interest, const Ranges& data, std::vector<double> lower, std::vector<double> upper) {
  Box b;
  std::size_t total_interest = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const bool of_interest = interest[static_cast<std::size_t>(i)];
    total_interest += of_interest;
    if (!inside(x, i, lower, upper)) continue;
    ++b.cases;
    b.of_interest += of_interest;
  }
  for (std::size_t j = 0; j < lower.size(); ++j) b.restricted += lower[j] > data.min[j] || upper[j] < data.max[j];
  b.lower = std::move(lower), b.upper = std::move(upper);
  b.coverage = static_cast<double>(b.of_interest) / static_cast<double>(total_interest);
  b.density = b.cases ? static_cast<double>(b.of_interest) / static_cast<double>(b.cases) : 0.0;
  b.support = static_cast<double>(b.cases) / static_cast<double>(x.rows());
  return b;
}

/// One way to move one bound: to `bound`, taking out (peel) or in (paste) `moved` cases, `moved_interest`
/// of them of interest.
struct Move {
  std::size_t dim = 0;
  bool upper = false;
  double bound = 0;
  std::size_t moved = 0, moved_interest = 0;
};

/// Whether move c (giving of_interest/cases) beats the best so far: denser, then fewer cases moved.
/// Candidates come in order of dimension, lower side first, so on a full tie the earlier one stays.
bool better(const Move& c, std::size_t c_interest, std::size_t c_cases, const Move* best, std::size_t b_interest, std::size_t b_cases) {
  if (!best) return true;
  if (denser(c_interest, c_cases, b_interest, b_cases)) return true;
  if (denser(b_interest, b_cases, c_interest, c_cases)) return false;
  return c.moved < best->moved;
}

}  // namespace

std::vector<Box> prim_peel(const Eigen::MatrixXd& x, const std::vector<bool>& interest, const PrimOptions& o) {
  check_data(x, interest);
  check_options(o);
  const Ranges data = ranges_of(x);
  std::vector<Box> trajectory{score(x, interest, data, data.min, data.max)};
  std::vector<Eigen::Index> in(static_cast<std::size_t>(x.rows()));
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<Eigen::Index>(i);
  std::vector<double> values;
  while (trajectory.back().of_interest < trajectory.back().cases) {
    const Box& box = trajectory.back();
    const std::size_t m = in.size(), r = step_cases(o.peel_alpha, m);
    Move best;
    bool found = false;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      values.clear();
      for (auto i : in) values.push_back(x(i, j));
      std::sort(values.begin(), values.end());
      for (bool upper : {false, true}) {
        // Every case tied with the r-th smallest (largest) goes too: a bound cannot split equal values.
        Move c{static_cast<std::size_t>(j), upper, 0, 0, 0};
        if (!upper) {
          const auto next = std::upper_bound(values.begin(), values.end(), values[r - 1]);
          if (next == values.end()) continue;  // every in-box value is the same: nothing to peel
          c.bound = *next;
        } else {
          const auto first = std::lower_bound(values.begin(), values.end(), values[m - r]);
          if (first == values.begin()) continue;
          c.bound = *(first - 1);
        }
        for (auto i : in)
          if (upper ? x(i, j) > c.bound : x(i, j) < c.bound) ++c.moved, c.moved_interest += interest[static_cast<std::size_t>(i)];
        if (better(c, box.of_interest - c.moved_interest, m - c.moved, found ? &best : nullptr, box.of_interest - best.moved_interest, m - best.moved))
          best = c, found = true;
      }
    }
    if (!found) break;
    if (static_cast<double>(m - best.moved) / static_cast<double>(x.rows()) < o.min_support) break;
    std::vector<double> lower = box.lower, upper = box.upper;
    (best.upper ? upper : lower)[best.dim] = best.bound;
    const auto j = static_cast<Eigen::Index>(best.dim);
    in.erase(std::remove_if(in.begin(), in.end(), [&](Eigen::Index i) { return x(i, j) < lower[best.dim] || x(i, j) > upper[best.dim]; }),
             in.end());
    trajectory.push_back(score(x, interest, data, std::move(lower), std::move(upper)));
  }
  return trajectory;
}

Box prim_paste(const Eigen::MatrixXd& x, const std::vector<bool>& interest, Box box, const PrimOptions& o) {
  check_data(x, interest);
  check_options(o);
  const std::size_t k = static_cast<std::size_t>(x.cols());
  if (box.lower.size() != k || box.upper.size() != k)
    throw std::invalid_argument("the box has " + std::to_string(box.lower.size()) + " lower and " + std::to_string(box.upper.size()) +
                                " upper bounds but the data has " + std::to_string(k) + " parameters");
  const Ranges data = ranges_of(x);
  box = score(x, interest, data, std::move(box.lower), std::move(box.upper));
  if (box.cases == 0) throw std::invalid_argument("the box holds no case, so it has no density to raise by pasting");
  // A case outside the box on exactly one dimension is the one a paste along that dimension can take in.
  std::vector<int> only(static_cast<std::size_t>(x.rows()));
  std::vector<std::pair<double, bool>> eligible;
  while (true) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      int outside = -1, count = 0;
      for (Eigen::Index j = 0; j < x.cols(); ++j)
        if (x(i, j) < box.lower[static_cast<std::size_t>(j)] || x(i, j) > box.upper[static_cast<std::size_t>(j)]) outside = static_cast<int>(j), ++count;
      only[static_cast<std::size_t>(i)] = count == 1 ? outside : -1;
    }
    const std::size_t p = step_cases(o.paste_alpha, box.cases);
    Move best;
    bool found = false;
    for (std::size_t j = 0; j < k; ++j)
      for (bool upper : {false, true}) {
        eligible.clear();
        const auto col = static_cast<Eigen::Index>(j);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
          if (only[static_cast<std::size_t>(i)] != static_cast<int>(j)) continue;
          if (upper ? x(i, col) > box.upper[j] : x(i, col) < box.lower[j]) eligible.emplace_back(x(i, col), interest[static_cast<std::size_t>(i)]);
        }
        if (eligible.empty()) continue;
        // Nearest first; the p-th nearest value becomes the bound, and every case tied with it comes in.
        std::sort(eligible.begin(), eligible.end(), [upper](const auto& a, const auto& b) { return upper ? a.first < b.first : a.first > b.first; });
        Move c{j, upper, eligible[std::min(p, eligible.size()) - 1].first, 0, 0};
        for (const auto& [value, of_interest] : eligible)
          if (upper ? value <= c.bound : value >= c.bound) ++c.moved, c.moved_interest += of_interest;
        if (better(c, box.of_interest + c.moved_interest, box.cases + c.moved, found ? &best : nullptr, box.of_interest + best.moved_interest,
                   box.cases + best.moved))
          best = c, found = true;
      }
    if (!found || !denser(box.of_interest + best.moved_interest, box.cases + best.moved, box.of_interest, box.cases)) break;
    (best.upper ? box.upper : box.lower)[best.dim] = best.bound;
    box = score(x, interest, data, std::move(box.lower), std::move(box.upper));
  }
  return box;
}

std::size_t choose_box(const std::vector<Box>& trajectory, double min_coverage) {
  if (trajectory.empty()) throw std::invalid_argument("choose_box needs a trajectory with at least one box");
  if (!(min_coverage >= 0 && min_coverage <= 1))
    throw std::invalid_argument("min_coverage must lie in [0, 1], got " + std::to_string(min_coverage));
  std::size_t best = trajectory.size();
  for (std::size_t b = 0; b < trajectory.size(); ++b) {
    const Box& c = trajectory[b];
    if (c.cases == 0 || c.of_interest > c.cases)
      throw std::invalid_argument("box " + std::to_string(b) + " of the trajectory holds " + std::to_string(c.cases) + " cases, " +
                                  std::to_string(c.of_interest) + " of interest: not a box PRIM made");
    if (!(c.coverage >= min_coverage)) continue;
    if (best == trajectory.size()) {
      best = b;
      continue;
    }
    const Box& d = trajectory[best];
    if (denser(c.of_interest, c.cases, d.of_interest, d.cases) ||
        (!denser(d.of_interest, d.cases, c.of_interest, c.cases) && c.restricted < d.restricted))
      best = b;
  }
  if (best == trajectory.size())
    throw std::invalid_argument("no box of the trajectory has coverage >= " + std::to_string(min_coverage) + " (box 0 has " +
                                std::to_string(trajectory[0].coverage) + "); lower min_coverage");
  return best;
}

}  // namespace geosim::discovery
