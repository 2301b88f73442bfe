// Logit pick benchmark: nanoseconds per pick by the fast path (polynomial exp, AVX2) and by the exact
// path (the C library's exp), over prepared sets of options shaped like the baseline's (16 options, the
// 8 current versions open, the 8 frozen ones closed), so that a change to either can be compared across
// commits. The pick alone, from memory it has just read many times: in the update it costs what its
// latency and the surrounding work let it (docs/performance.md). Asserts nothing.
//
//   cmake --build build --target geosim_bench_logit && build/tests/geosim_bench_logit
#include <cstdio>
#include <vector>

#include "core/random.h"
#include "median.h"
#include "model/logit.h"

int main() {
  using namespace geosim;
  constexpr std::size_t sets = 4096, options = 16, open = 8;
  std::vector<double> v(sets * options), u(sets), scratch(options + 3);
  for (std::size_t s = 0; s < sets; ++s) {
    for (std::size_t o = 0; o < options; ++o)
      v[s * options + o] = o < open ? 6 * (unit_open(philox_words(1, 0, s * options + o, Purpose::choose)[0]) - 0.5) : closed_option;
    u[s] = unit_open(philox_words(1, 1, s, Purpose::choose)[0]);
  }
  std::printf("geosim logit pick, ns per pick (16 options, 8 open; median of 41 runs of %zu picks)\n", sets);
  if (!logit_fast_path_available()) std::printf("(no AVX2 and FMA here: the fast path decides nothing and falls back)\n");
  std::size_t sink = 0;
  for (int path = 0; path < 2; ++path) {
    const double seconds = bench::median_seconds(41, [&] {
      for (std::size_t s = 0; s < sets; ++s)
        sink += path == 0 ? logit_pick(&v[s * options], options, u[s], scratch.data())
                          : logit_pick_exact(&v[s * options], options, u[s], scratch.data());
    });
    std::printf("%-28s %6.1f\n", path == 0 ? "logit_pick (fast path)" : "logit_pick_exact (libm exp)", 1e9 * seconds / static_cast<double>(sets));
  }
  return sink == 0;  // keeps the picks from being optimized away; never 0 here
}
