#pragma once
// Many Philox draws at once: the same numbers as philox_words (random.h), computed for runs of
// consecutive counters eight or four lanes at a time with AVX-512 or AVX2 when the CPU has them. The
// adopter update draws a word per adopter per month; one Philox call at a time would cost more than
// everything else it does for a quiet adopter.
#include <cstddef>
#include <cstdint>

#include "core/random.h"

namespace geosim {

/// Counters per group in philox_words_below.
inline constexpr std::size_t philox_group = 16;

/// The words of `groups` groups of 16 consecutive counters from `first`, group-major then word-major:
/// word w of counter first + 16 g + l goes to words[64 g + 16 w + l], so that whole vectors are stored
/// as they come. Bit 16 w + l of below[g] is set where that word is below `bound` (a count from
/// words_below). Callers map place 64 g + 16 w + l back to the draw's owner. Uses the widest vectors
/// the CPU has, or at most `vector_bits` (512, 256, 0 for none: for tests); all give the same results.
void philox_words_below(std::uint64_t seed, std::uint32_t month, std::uint64_t first, std::size_t groups, Purpose purpose,
                        std::uint64_t bound, std::uint32_t* words, std::uint64_t* below, int vector_bits = -1);

/// Word 0 of philox_words(seed, month, base + offsets[k], purpose) into out[k], for k < count: one
/// draw each for a scattered set of counters (the adopters that choose this month). out may be offsets.
void philox_first_words(std::uint64_t seed, std::uint32_t month, std::uint64_t base, const std::uint32_t* offsets, std::size_t count,
                        Purpose purpose, std::uint32_t* out, int vector_bits = -1);

/// The widest vectors philox_words_below and philox_first_words can use on this CPU: 512, 256 or 0.
int philox_vector_bits();

}  // namespace geosim
