#pragma once
// The logit pick of docs/model.md 3.9, which every adopter that chooses makes: the first open option
// whose running sum of exp(U - max U) exceeds u times the total. Its result is defined with the C
// library's exp. A vectorized polynomial exp (AVX2 and FMA, when the CPU has them) decides whenever its
// error provably cannot change the pick, all but about one pick in 10^9; the C library's exp decides
// the rest. The two paths always agree, so the series do not depend on which one ran, or on the CPU
// (tests/unit/test_logit.cpp).
#include <cstddef>
#include <limits>

namespace geosim {

/// Utility of an option closed to the chooser: it is never picked.
inline constexpr double closed_option = -std::numeric_limits<double>::infinity();

/// Returned by logit_pick_fast when the polynomial's error could change the pick.
inline constexpr std::size_t logit_undecided = std::numeric_limits<std::size_t>::max();

/// The option the logit rule picks among utilities v[0..n) with the uniform draw u in [0, 1): the
/// first open option (v != closed_option) whose running sum of exp(v - max v) exceeds u times their
/// total; the last open option if rounding leaves none; n if no option is open. `scratch` holds n + 3
/// values.
std::size_t logit_pick(const double* v, std::size_t n, double u, double* scratch);

/// The same pick computed with std::exp alone: the definition that logit_pick agrees with.
std::size_t logit_pick_exact(const double* v, std::size_t n, double u, double* scratch);

/// The polynomial path alone: logit_pick's result, or logit_undecided when it cannot be sure of it
/// (always, on a CPU without AVX2 and FMA).
std::size_t logit_pick_fast(const double* v, std::size_t n, double u, double* scratch);

/// Whether this CPU runs logit_pick_fast's polynomial path (it needs AVX2 and FMA).
bool logit_fast_path_available();

/// The fast path's exp of each d[k] <= 0 into out[k], k < n (for tests: its error must stay far below
/// the pick's margin of 2^-30). False, with nothing written, where the fast path is not available.
bool logit_poly_exp(const double* d, std::size_t n, double* out);

}  // namespace geosim
