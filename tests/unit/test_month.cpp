#include <doctest/doctest.h>

#include "core/month.h"

using geosim::Month;
using geosim::parse_month;

TEST_CASE("months parse, print and count") {
  auto m = parse_month("2023-10");
  REQUIRE(m);
  CHECK(m->year() == 2023);
  CHECK(m->month() == 10);
  CHECK(m->str() == "2023-10");
  CHECK((*m + 3).str() == "2024-01");
  CHECK(*parse_month("2035-12") - *parse_month("2023-01") == 155);
}

TEST_CASE("malformed months are refused") {
  for (const char* bad : {"2023-13", "2023-00", "2023-1", "23-01", "2023/01", "2023-01-01", "abcd-ef", "", "1800-01"})
    CHECK_MESSAGE(!parse_month(bad), bad);
}
