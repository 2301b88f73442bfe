#pragma once
// Writing CSV: what every file geosim writes in that format shares.
#include <string>

namespace geosim {

/// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace geosim
