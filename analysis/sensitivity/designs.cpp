#include "analysis/sensitivity/designs.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string>

#include "analysis/sensitivity/sobol_sequence.h"
#include "core/memory.h"
#include "core/random.h"

namespace geosim::analysis {
namespace {

/// Uniform number for (seed, stream, index, column): a pure function, like the simulation's draws.
double uniform(std::uint64_t seed, std::uint32_t stream, std::size_t index, std::size_t column) {
  return unit_open(philox_words(seed, stream, index, Purpose::design, static_cast<std::uint32_t>(column))[0]);
}

std::string thousands(double rows) {
  if (rows >= 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", rows);
    return buf;
  }
  std::string digits = std::to_string(static_cast<unsigned long long>(rows)), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::optional<std::size_t> design_rows(std::size_t units, std::size_t per_unit) {
  if (per_unit != 0 && units > max_design_rows / per_unit) return std::nullopt;
  return units * per_unit;
}

void check_design_size(const std::string& what, double rows, std::size_t dims) {
  if (!(rows <= static_cast<double>(max_design_rows)))
    throw std::invalid_argument(what + " has " + thousands(rows) + " rows; geosim makes designs of at most " + thousands(max_design_rows) +
                                " rows (each row is a model run)");
  const auto bytes = static_cast<std::size_t>(rows) * std::max<std::size_t>(1, dims) * sizeof(double);
  if (auto shortfall = memory_shortfall(bytes))
    throw std::invalid_argument(what + " (" + thousands(rows) + " rows of " + std::to_string(dims) + " values) would " + *shortfall);
}

const char* sequence_name(Sequence s) {
  switch (s) {
    case Sequence::sobol_scrambled: return "sobol-scrambled";
    case Sequence::sobol: return "sobol";
    case Sequence::random: return "random";
  }
  return "?";
}

Sequence parse_sequence(const std::string& name) {
  for (Sequence s : {Sequence::sobol_scrambled, Sequence::sobol, Sequence::random})
    if (name == sequence_name(s)) return s;
  throw std::invalid_argument("unknown sequence '" + name + "': expected sobol-scrambled, sobol or random");
}

Design sequence_points(std::size_t rows, std::size_t dims, std::uint64_t seed, Sequence sequence) {
  if (rows == 0 || dims == 0) throw std::invalid_argument("a design needs at least one point and one parameter");
  check_design_size("a design of " + std::to_string(rows) + " points", static_cast<double>(rows), dims);
  Design d;
  d.dims = dims;
  d.rows = rows;
  d.values.resize(rows * dims);
  if (sequence == Sequence::random) {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t k = 0; k < dims; ++k) d.values[r * dims + k] = uniform(seed, 1, r, k);
    return d;
  }
  const SobolSequence sobol(dims, sequence == Sequence::sobol_scrambled, seed);
  // The plain sequence starts at the origin, a corner no sampler should favour: skip it.
  const std::uint64_t skip = sequence == Sequence::sobol ? 1 : 0;
  for (std::size_t r = 0; r < rows; ++r) sobol.point(r + skip, &d.values[r * dims]);
  return d;
}

Design saltelli(std::size_t base, std::size_t dims, std::uint64_t seed, Sequence sequence) {
  if (base == 0 || dims == 0) throw std::invalid_argument("a Saltelli design needs at least one base point and one parameter");
  check_design_size("a Saltelli design of " + std::to_string(base) + " base points and " + std::to_string(dims) + " parameter" + (dims == 1 ? "" : "s"),
                    static_cast<double>(base) * static_cast<double>(dims + 2), dims);
  if (sequence != Sequence::random && 2 * dims > SobolSequence::max_dims)
    throw std::invalid_argument("a Saltelli design on the Sobol sequence takes at most " + std::to_string(SobolSequence::max_dims / 2) +
                                " parameters (it needs two coordinates per parameter); use the random sequence for more");
  // Plain Monte Carlo keeps its historical streams (A from stream 1, B from stream 2), so designs
  // written before the Sobol sequence existed are reproduced exactly.
  const Design ab = sequence == Sequence::random ? Design{} : sequence_points(base, 2 * dims, seed, sequence);
  Design d;
  d.dims = dims;
  d.rows = base * (dims + 2);
  d.values.resize(d.rows * dims);
  for (std::size_t b = 0; b < base; ++b) {
    const std::size_t first = b * (dims + 2);
    for (std::size_t k = 0; k < dims; ++k) {
      const double a = sequence == Sequence::random ? uniform(seed, 1, b, k) : ab.at(b, k);
      const double bb = sequence == Sequence::random ? uniform(seed, 2, b, k) : ab.at(b, dims + k);
      for (std::size_t r = 0; r < dims + 2; ++r) {
        // Row 0 is A, rows 1..dims are AB_i (A with column i from B), the last row is B.
        const bool from_b = r == dims + 1 || r == k + 1;
        d.values[(first + r) * dims + k] = from_b ? bb : a;
      }
    }
  }
  return d;
}

Design latin_hypercube(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  if (rows == 0 || dims == 0) throw std::invalid_argument("a Latin hypercube needs at least one point and one parameter");
  check_design_size("a Latin hypercube of " + std::to_string(rows) + " points", static_cast<double>(rows), dims);
  Design d;
  d.dims = dims;
  d.rows = rows;
  d.values.resize(rows * dims);
  std::vector<std::size_t> stratum(rows);
  for (std::size_t k = 0; k < dims; ++k) {
    std::iota(stratum.begin(), stratum.end(), 0);
    for (std::size_t i = rows; i > 1; --i) {  // Fisher-Yates with counter-based draws
      auto j = std::min(i - 1, static_cast<std::size_t>(uniform(seed, 5, i, k) * static_cast<double>(i)));
      std::swap(stratum[i - 1], stratum[j]);
    }
    for (std::size_t r = 0; r < rows; ++r)
      d.values[r * dims + k] = (static_cast<double>(stratum[r]) + uniform(seed, 6, r, k)) / static_cast<double>(rows);
  }
  return d;
}

Design morris(std::size_t trajectories, std::size_t dims, std::size_t levels, std::uint64_t seed) {
  if (trajectories == 0 || dims == 0) throw std::invalid_argument("a Morris design needs at least one trajectory and one parameter");
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("Morris levels must be an even number of at least 2");
  check_design_size("a Morris design of " + std::to_string(trajectories) + " trajectories and " + std::to_string(dims) + " parameter" + (dims == 1 ? "" : "s"),
                    static_cast<double>(trajectories) * static_cast<double>(dims + 1), dims);
  const double step = static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
  Design d;
  d.dims = dims;
  d.rows = trajectories * (dims + 1);
  d.values.resize(d.rows * dims);
  std::vector<std::size_t> order(dims);
  for (std::size_t t = 0; t < trajectories; ++t) {
    std::vector<double> x(dims);
    for (std::size_t k = 0; k < dims; ++k) {
      auto level = std::min(levels - 1, static_cast<std::size_t>(uniform(seed, 3, t, k) * static_cast<double>(levels)));
      x[k] = static_cast<double>(level) / static_cast<double>(levels - 1);
    }
    // A random order of the parameters (Fisher-Yates with counter-based draws).
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t k = dims; k > 1; --k) {
      auto j = std::min(k - 1, static_cast<std::size_t>(uniform(seed, 4, t, k) * static_cast<double>(k)));
      std::swap(order[k - 1], order[j]);
    }
    const std::size_t first = t * (dims + 1);
    std::copy(x.begin(), x.end(), d.values.begin() + static_cast<std::ptrdiff_t>(first * dims));
    for (std::size_t s = 0; s < dims; ++s) {
      const std::size_t k = order[s];
      // Up by the step where it stays inside the cube, else down: every level has a partner.
      x[k] = x[k] + step <= 1.0 + 1e-12 ? x[k] + step : x[k] - step;
      std::copy(x.begin(), x.end(), d.values.begin() + static_cast<std::ptrdiff_t>((first + s + 1) * dims));
    }
  }
  return d;
}

}  // namespace geosim::analysis
