#include "viz/snapshot.h"

#include <limits>

namespace geosim::viz {

MonthFrame::MonthFrame(Month m, std::vector<OutputRow> r) : month(m), rows(std::move(r)) {
  values.reserve(rows.size());
  for (const auto& row : rows) values.emplace(output_key(row.scope, row.metric), row.value);
}

double MonthFrame::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

}  // namespace geosim::viz
