#pragma once
// How much memory a run may use: checked before a population (or a sweep's plan) is allocated.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace geosim {

/// Parses a byte count such as "512M", "2G", "1.5G" or "1048576" (K, M, G, T are powers of 1024);
/// decimal digits only (no "0x10", "inf" or "1e9").
std::optional<std::size_t> parse_bytes(std::string_view text);

/// "16 MiB", "1.5 GiB", "200 KiB", "512 bytes": a size for messages, never rounded to zero.
std::string format_bytes(std::size_t bytes);

/// The memory this process may still use, and what sets that limit.
struct MemoryLimit {
  std::size_t bytes = 0;  // 0: none is known
  std::string source;     // "GEOSIM_MEMORY_LIMIT=8G", "the cgroup's memory.max", "MemAvailable in /proc/meminfo"
};

/// The smallest of MemAvailable, the cgroup's free allowance (memory.max minus memory.current, when the
/// cgroup sets a limit) and GEOSIM_MEMORY_LIMIT (when set). Throws std::invalid_argument when
/// GEOSIM_MEMORY_LIMIT cannot be read.
MemoryLimit memory_limit();

/// memory_limit().bytes.
std::size_t available_memory();

/// Why `need` bytes do not fit the memory limit, as the end of a message ("need about 2.3 GiB, but
/// GEOSIM_MEMORY_LIMIT=200M allows 200 MiB"), or nullopt when they fit (or no limit is known).
std::optional<std::string> memory_shortfall(std::size_t need);

}  // namespace geosim
