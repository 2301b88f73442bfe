#include "model/value_check.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "model/series.h"

namespace geosim {
namespace {

bool names_agent(const ScenarioDef& def, AgentList list, const std::string& id) {
  for (std::size_t i = 0; i < agent_count(def, list); ++i)
    if (agent_id(def, list, i) == id) return true;
  return false;
}

std::string number_text(double v) {
  return std::isfinite(v) ? format_value(v) : std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

}  // namespace

bool is_id(const std::string& s) {
  if (s.empty() || s.size() > max_id_length) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
}

std::optional<std::string> value_problem(const KeySpec& k, const Value& v, const ScenarioDef& def) {
  const std::string expected = "expected " + describe_expected(k) + ", got ";
  auto number = [&](double x) -> std::optional<std::string> {
    if (!std::isfinite(x) || x < k.min || x > k.max || (k.type == KeyType::integer && x != std::floor(x))) return expected + number_text(x);
    return std::nullopt;
  };
  auto wrong_kind = [&] { return expected + "a value of another kind"; };
  switch (k.type) {
    case KeyType::integer:
    case KeyType::real:
      if (const auto* x = std::get_if<double>(&v)) return number(*x);
      return wrong_kind();
    case KeyType::boolean:
      return std::holds_alternative<bool>(v) ? std::nullopt : std::optional(wrong_kind());
    case KeyType::text:
      return std::holds_alternative<std::string>(v) ? std::nullopt : std::optional(wrong_kind());
    case KeyType::month:
    case KeyType::id:
    case KeyType::choice:
    case KeyType::ref: {
      const auto* s = std::get_if<std::string>(&v);
      if (!s) return wrong_kind();
      const bool ok = k.type == KeyType::month    ? parse_month(*s).has_value()
                      : k.type == KeyType::id     ? is_id(*s)
                      : k.type == KeyType::choice ? std::find(k.choices.begin(), k.choices.end(), *s) != k.choices.end()
                                                  : names_agent(def, k.ref, *s);
      return ok ? std::nullopt : std::optional(expected + "'" + *s + "'");
    }
    case KeyType::choice_list:
    case KeyType::ref_list: {
      const auto* list = std::get_if<std::vector<std::string>>(&v);
      if (!list) return wrong_kind();
      for (const auto& s : *list) {
        const bool ok = k.type == KeyType::choice_list ? std::find(k.choices.begin(), k.choices.end(), s) != k.choices.end()
                                                       : names_agent(def, k.ref, s);
        if (!ok) return expected + "'" + s + "' in the list";
      }
      return std::nullopt;
    }
    case KeyType::ref_map: {
      const auto* map = std::get_if<std::map<std::string, double>>(&v);
      if (!map) return wrong_kind();
      for (const auto& [id, x] : *map) {
        if (!names_agent(def, k.ref, id)) return expected + "the key '" + id + "'";
        if (auto p = number(x)) return *p + " for '" + id + "'";
      }
      return std::nullopt;
    }
    case KeyType::changes:
      break;
  }
  return std::nullopt;
}

}  // namespace geosim
