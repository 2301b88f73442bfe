// The batched Philox draws must be the very numbers of Random123's Philox4x32-10, counter by counter,
// with every vector width this CPU has.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "core/random_batch.h"

TEST_CASE("philox_words_below gives Random123's words, and their flags, at every vector width") {
  const std::uint64_t seeds[] = {0, 20230101, 0xFEDCBA9876543210ull};
  // Starts that cross a 2^32 boundary of the counter, and bounds from none to all words.
  const std::uint64_t starts[] = {0, 48, (std::uint64_t{1} << 32) - 40};
  const std::uint64_t bounds[] = {0, geosim::words_below(0.041), geosim::words_below(0.5), std::uint64_t{1} << 32};
  const std::size_t groups = 5;
  std::vector<int> widths = {0};
  if (geosim::philox_vector_bits() >= 256) widths.push_back(256);
  if (geosim::philox_vector_bits() >= 512) widths.push_back(512);
  MESSAGE("vector widths tested: " << widths.size() << " (this CPU: " << geosim::philox_vector_bits() << " bits)");
  for (int bits : widths)
    for (auto seed : seeds)
      for (auto first : starts)
        for (auto bound : bounds) {
          std::vector<std::uint32_t> words(64 * groups + 1, 0xAAAAAAAAu);
          std::vector<std::uint64_t> below(groups + 1, 0x5555);
          geosim::philox_words_below(seed, 37, first, groups, geosim::Purpose::step, bound, words.data(), below.data(), bits);
          for (std::size_t g = 0; g < groups; ++g)
            for (std::size_t l = 0; l < 16; ++l) {
              const auto expect = geosim::philox_words(seed, 37, first + 16 * g + l, geosim::Purpose::step);
              for (std::size_t w = 0; w < 4; ++w) {
                INFO("bits " << bits << ", seed " << seed << ", counter " << first + 16 * g + l << ", word " << w);
                const std::size_t place = 16 * w + l;
                REQUIRE(words[64 * g + place] == expect[w]);
                REQUIRE(((below[g] >> place) & 1) == (expect[w] < bound ? 1u : 0u));
              }
            }
          CHECK(words[64 * groups] == 0xAAAAAAAAu);  // nothing written past the end
          CHECK(below[groups] == 0x5555);
        }
}

TEST_CASE("philox words are those of the published Philox4x32-10 known-answer test") {
  // Random123's kat_vectors: philox4x32, 10 rounds, counter and key all zero.
  const auto w = geosim::philox_words(0, 0, 0, static_cast<geosim::Purpose>(0));
  CHECK(w[0] == 0x6627e8d5u);
  CHECK(w[1] == 0xe169c58du);
  CHECK(w[2] == 0xbc57ac4cu);
  CHECK(w[3] == 0x9b00dbd8u);
  for (int bits : {0, 256, 512}) {
    std::uint32_t words[64];
    std::uint64_t below;
    geosim::philox_words_below(0, 0, 0, 1, static_cast<geosim::Purpose>(0), 0, words, &below, bits);
    CHECK(words[0] == 0x6627e8d5u);
    CHECK(words[16] == 0xe169c58du);
    CHECK(words[32] == 0xbc57ac4cu);
    CHECK(words[48] == 0x9b00dbd8u);
  }
}

TEST_CASE("words_below(x) counts exactly the words whose unit_open is below x") {
  auto check_around = [](double x) {
    const std::uint64_t k = geosim::words_below(x);
    // The words on either side of the boundary, and the ends of the range.
    for (std::int64_t d = -3; d <= 3; ++d) {
      const std::int64_t w = static_cast<std::int64_t>(k) + d;
      if (w < 0 || w > 0xFFFFFFFFll) continue;
      const auto word = static_cast<std::uint32_t>(w);
      INFO("x = " << x << ", word = " << word);
      CHECK((word < k) == (geosim::unit_open(word) < x));
    }
  };
  for (double x : {-1.0, 0.0, 1e-12, 0.5 * 0x1p-32, 1.5 * 0x1p-32, 0.03 / 12, 0.41 / 12, 0.5 / 12, 0.05, 0.5, 1 - 0x1p-33, 1.0, 2.0})
    check_around(x);
  // Boundaries exactly on a word's value: unit_open(w) itself is not below itself.
  for (std::uint32_t w : {0u, 1u, 12345u, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu}) {
    CHECK(geosim::words_below(geosim::unit_open(w)) == w);
    check_around(geosim::unit_open(w));
  }
  CHECK(geosim::words_below(0.0) == 0);
  CHECK(geosim::words_below(1.0) == std::uint64_t{1} << 32);
  // And many random thresholds.
  for (std::uint64_t c = 0; c < 2000; ++c) check_around(geosim::unit_open(geosim::philox_words(1, 2, c, geosim::Purpose::design)[0]) * 0.2);
}

TEST_CASE("philox_first_words gives word 0 of Random123's call for each listed counter, at every vector width") {
  std::vector<std::uint32_t> offsets;
  for (std::uint32_t k = 0; k < 37; ++k) offsets.push_back(k * k * 7919u % 100003u);  // scattered, not sorted
  for (int bits : {0, 256, 512})
    for (std::uint64_t base : {std::uint64_t{0}, std::uint64_t{1} << 32, (std::uint64_t{1} << 32) - 50000})
      for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{13}, offsets.size()}) {
        std::vector<std::uint32_t> out(count + 1, 0xAAAAAAAAu);
        geosim::philox_first_words(20230101, 12, base, offsets.data(), count, geosim::Purpose::choose, out.data(), bits);
        for (std::size_t k = 0; k < count; ++k) {
          INFO("bits " << bits << ", counter " << base + offsets[k]);
          REQUIRE(out[k] == geosim::philox_words(20230101, 12, base + offsets[k], geosim::Purpose::choose)[0]);
        }
        CHECK(out[count] == 0xAAAAAAAAu);
      }
  // The adopter update writes the words over the offsets they come from.
  for (int bits : {0, 256, 512}) {
    std::vector<std::uint32_t> in_place = offsets;
    geosim::philox_first_words(7, 3, 1000, in_place.data(), in_place.size(), geosim::Purpose::choose, in_place.data(), bits);
    for (std::size_t k = 0; k < offsets.size(); ++k) {
      INFO("bits " << bits << ", offset " << offsets[k]);
      REQUIRE(in_place[k] == geosim::philox_words(7, 3, 1000 + offsets[k], geosim::Purpose::choose)[0]);
    }
  }
}
