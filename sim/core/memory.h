#pragma once
// How much memory a run may use: checked before a population is allocated.
#include <cstddef>
#include <optional>
#include <string_view>

namespace geosim {

/// Parses a byte count such as "512M", "2G", "1.5G" or "1048576" (K, M, G, T are powers of 1024).
std::optional<std::size_t> parse_bytes(std::string_view text);

/// Memory this process may still use: the smallest of MemAvailable, the cgroup's free allowance
/// (memory.max minus memory.current, when the cgroup sets a limit) and GEOSIM_MEMORY_LIMIT (when set);
/// 0 when none is known. Throws std::invalid_argument when GEOSIM_MEMORY_LIMIT cannot be read.
std::size_t available_memory();

}  // namespace geosim
