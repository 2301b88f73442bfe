#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "core/memory.h"

TEST_CASE("byte counts parse with binary suffixes") {
  CHECK(geosim::parse_bytes("1048576") == std::size_t{1048576});
  CHECK(geosim::parse_bytes("512M") == std::size_t{512} << 20);
  CHECK(geosim::parse_bytes("2G") == std::size_t{2} << 30);
  CHECK(geosim::parse_bytes("1.5k") == std::size_t{1536});
  for (const char* bad : {"", "G", "lots", "-1G", "1X", "1e40"}) CHECK_MESSAGE(!geosim::parse_bytes(bad), bad);
}

TEST_CASE("GEOSIM_MEMORY_LIMIT caps the memory a run may use") {
  ::setenv("GEOSIM_MEMORY_LIMIT", "64M", 1);
  CHECK(geosim::available_memory() == std::size_t{64} << 20);
  ::setenv("GEOSIM_MEMORY_LIMIT", "nonsense", 1);
  CHECK_THROWS_AS(geosim::available_memory(), std::invalid_argument);
  ::unsetenv("GEOSIM_MEMORY_LIMIT");
  CHECK(geosim::available_memory() > 0);  // /proc/meminfo on Linux
}
