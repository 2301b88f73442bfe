#pragma once
// Calendar months as plain integers, so that the timeline is exact and ordered.
#include <optional>
#include <string>
#include <string_view>

namespace geosim {

/// A calendar month counted from year 0 (year * 12 + month - 1); the simulation's unit of time.
struct Month {
  int index = 0;

  static Month from_year_month(int year, int month) { return Month{year * 12 + (month - 1)}; }
  int year() const { return index / 12; }
  int month() const { return index % 12 + 1; }
  /// "YYYY-MM".
  std::string str() const;
  friend auto operator<=>(const Month&, const Month&) = default;
  Month operator+(int months) const { return Month{index + months}; }
  int operator-(Month other) const { return index - other.index; }
};

/// Parses "YYYY-MM" (month 01..12, year 1900..2200); nullopt if the text is not such a month.
std::optional<Month> parse_month(std::string_view text);

}  // namespace geosim
