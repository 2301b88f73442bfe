#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "core/memory.h"

TEST_CASE("byte counts parse with binary suffixes") {
  CHECK(geosim::parse_bytes("1048576") == std::size_t{1048576});
  CHECK(geosim::parse_bytes("512M") == std::size_t{512} << 20);
  CHECK(geosim::parse_bytes("2G") == std::size_t{2} << 30);
  CHECK(geosim::parse_bytes("1.5k") == std::size_t{1536});
  for (const char* bad : {"", "G", "lots", "-1G", "1X", "1e40", "0x10", "inf", "nan", "1e9", ".", "1.2.3", " 5"}) CHECK_MESSAGE(!geosim::parse_bytes(bad), bad);
}

TEST_CASE("sizes in messages use the unit that shows them, never 0.00 GiB") {
  CHECK(geosim::format_bytes(0) == "0 bytes");
  CHECK(geosim::format_bytes(1) == "1 byte");
  CHECK(geosim::format_bytes(16) == "16 bytes");
  CHECK(geosim::format_bytes(1536) == "1.5 KiB");
  CHECK(geosim::format_bytes(std::size_t{200} << 20) == "200 MiB");
  CHECK(geosim::format_bytes(std::size_t{5} << 29) == "2.5 GiB");
}

TEST_CASE("a shortfall names the limit that set it") {
  ::setenv("GEOSIM_MEMORY_LIMIT", "200M", 1);
  CHECK_FALSE(geosim::memory_shortfall(std::size_t{100} << 20));
  const auto s = geosim::memory_shortfall(std::size_t{5} << 29);
  REQUIRE(s);
  CHECK(*s == "need about 2.5 GiB, but GEOSIM_MEMORY_LIMIT=200M allows 200 MiB");
  ::unsetenv("GEOSIM_MEMORY_LIMIT");
}

TEST_CASE("GEOSIM_MEMORY_LIMIT caps the memory a run may use") {
  ::setenv("GEOSIM_MEMORY_LIMIT", "64M", 1);
  CHECK(geosim::available_memory() == std::size_t{64} << 20);
  ::setenv("GEOSIM_MEMORY_LIMIT", "nonsense", 1);
  CHECK_THROWS_AS(geosim::available_memory(), std::invalid_argument);
  ::unsetenv("GEOSIM_MEMORY_LIMIT");
  CHECK(geosim::available_memory() > 0);  // /proc/meminfo on Linux
}
