// Philox kernel benchmark: nanoseconds per 32-bit word for the adopter update's two batch draws
// (philox_words_below for every adopter, philox_first_words for those that choose) at each vector
// width this CPU has, so that a change to the kernels can be compared across commits. Asserts nothing.
//
//   cmake --build build --target geosim_bench_random && build/tests/geosim_bench_random
#include <cstdio>
#include <vector>

#include "core/random_batch.h"
#include "median.h"

namespace geosim {
namespace {

/// Median over `runs` timings of f(), in nanoseconds per word for `words` words.
template <class F>
double median_ns_per_word(F&& f, std::size_t words, int runs = 41) {
  return 1e9 * bench::median_seconds(runs, f) / static_cast<double>(words);
}

}  // namespace
}  // namespace geosim

int main() {
  using namespace geosim;
  // 2^16 adopters' event words (a block's worth four times over) and, scattered among them as in a
  // month of the baseline, one adopter in 25 that chooses.
  constexpr std::size_t groups = (1 << 16) / (4 * philox_group), choosers = (1 << 16) / 25;
  std::vector<std::uint32_t> words(groups * 4 * philox_group), offsets(choosers), out(choosers);
  std::vector<std::uint64_t> below(groups);
  for (std::size_t k = 0; k < choosers; ++k) offsets[k] = static_cast<std::uint32_t>(25 * k + k % 7);
  const std::uint64_t bound = words_below(0.042);
  std::printf("geosim Philox kernels, ns per word returned (words_below returns the four words of each counter,\n"
              "first_words one), median of 41 runs; this CPU's widest vectors: %d bits\n",
              philox_vector_bits());
  std::printf("  vector bits   words_below   first_words\n");
  for (int bits : {0, 256, 512}) {
    if (bits > philox_vector_bits()) continue;
    const double all = median_ns_per_word(
        [&] { philox_words_below(20230101, 7, 0, groups, Purpose::step, bound, words.data(), below.data(), bits); }, words.size());
    const double first = median_ns_per_word(
        [&] { philox_first_words(20230101, 7, 0, offsets.data(), choosers, Purpose::choose, out.data(), bits); }, choosers);
    std::printf("  %11d   %11.2f   %11.2f\n", bits, all, first);
  }
}
