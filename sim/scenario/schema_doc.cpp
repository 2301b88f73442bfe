#include "scenario/schema_doc.h"

#include <sstream>

#include "model/parameters.h"

namespace geosim {
namespace {

std::string section_of(const KeySpec& k) {
  auto end = k.path.find_first_of(".[");
  return end == std::string::npos ? "(top level)" : k.path.substr(0, end);
}

std::string default_of(const KeySpec& k) {
  if (k.required) return "required";
  if (k.default_text.empty()) return k.path.find("name") != std::string::npos ? "(see meaning)" : "none";
  return k.default_text;
}

}  // namespace

std::string schema_text() {
  std::ostringstream out;
  std::string section;
  for (const auto& k : schema()) {
    if (section_of(k) != section) {
      section = section_of(k);
      out << "\n== " << section << "\n";
    }
    out << k.path << "\n"
        << "    " << k.doc << "\n"
        << "    expects " << describe_expected(k) << (k.unit.empty() ? "" : " (" + k.unit + ")") << "; default: " << default_of(k)
        << (k.settable ? "; an event may change it" : "") << "\n";
  }
  return out.str();
}

std::string schema_markdown() {
  std::ostringstream out;
  std::string section;
  for (const auto& k : schema()) {
    if (section_of(k) != section) {
      section = section_of(k);
      out << "\n### `" << section << "`\n\n"
          << "| key | expects | unit | default | event may set | meaning |\n"
          << "|---|---|---|---|---|---|\n";
    }
    out << "| `" << k.path << "` | " << describe_expected(k) << " | " << k.unit << " | " << default_of(k) << " | "
        << (k.settable ? "yes" : "no") << " | " << k.doc << " |\n";
  }
  return out.str();
}

}  // namespace geosim
