#include "scenario/schema_doc.h"

#include <sstream>

#include "core/json.h"
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

const char* type_name(KeyType type) {
  switch (type) {
    case KeyType::integer: return "integer";
    case KeyType::real: return "real";
    case KeyType::boolean: return "boolean";
    case KeyType::text: return "text";
    case KeyType::month: return "month";
    case KeyType::choice: return "choice";
    case KeyType::choice_list: return "choice_list";
    case KeyType::ref: return "ref";
    case KeyType::ref_list: return "ref_list";
    case KeyType::ref_map: return "ref_map";
    case KeyType::id: return "id";
    case KeyType::changes: return "changes";
  }
  return "";
}

}  // namespace

std::string schema_json() {
  std::string out = "{\n  \"keys\": [";
  for (std::size_t i = 0; i < schema().size(); ++i) {
    const KeySpec& k = schema()[i];
    const bool numeric = k.type == KeyType::integer || k.type == KeyType::real || k.type == KeyType::ref_map;
    json::Object o(2);
    o.text("path", k.path).text("section", section_of(k)).text("type", type_name(k.type)).text("expects", describe_expected(k));
    o.raw("min", numeric ? json::number(k.min) : "null").raw("max", numeric ? json::number(k.max) : "null");
    o.raw("choices", k.choices.empty() ? "null" : json::strings(k.choices));
    o.raw("refers_to", k.ref == AgentList::none ? "null" : json::quote(agent_list_name(k.ref)));
    o.flag("required", k.required).raw("default", k.default_text.empty() ? "null" : json::quote(k.default_text));
    o.text("unit", k.unit).text("meaning", k.doc).flag("event_may_set", k.settable).flag("sets_state", k.sets_state);
    out += (i ? ",\n    " : "\n    ") + o.str(4);
  }
  return out + "\n  ]\n}\n";
}

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
