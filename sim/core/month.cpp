#include "core/month.h"

#include <charconv>
#include <cstdio>

namespace geosim {

std::string Month::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
}

std::optional<Month> parse_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  auto ry = std::from_chars(text.data(), text.data() + 4, year);
  auto rm = std::from_chars(text.data() + 5, text.data() + 7, month);
  if (ry.ec != std::errc{} || ry.ptr != text.data() + 4) return std::nullopt;
  if (rm.ec != std::errc{} || rm.ptr != text.data() + 7) return std::nullopt;
  if (year < 1900 || year > 2200 || month < 1 || month > 12) return std::nullopt;
  return Month::from_year_month(year, month);
}

}  // namespace geosim
