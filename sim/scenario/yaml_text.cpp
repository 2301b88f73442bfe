#include "scenario/yaml_text.h"

#include <charconv>
#include <cstdio>

#include "model/series.h"

namespace geosim {

std::string yaml_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string value_yaml(const Value& v, bool whole_number) {
  struct Visitor {
    bool whole;
    std::string operator()(double d) const {
      if (!whole) return format_value(d);  // shortest text that reads back to the same double
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
      return std::string(buf, r.ptr);
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return yaml_quoted(s); }
    std::string operator()(const std::vector<std::string>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + yaml_quoted(l[i]);
      return out + "]";
    }
    std::string operator()(const std::map<std::string, double>& m) const {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, d] : m) {
        out += (first ? "" : ", ") + yaml_quoted(key) + ": " + format_value(d);
        first = false;
      }
      return out + "}";
    }
  };
  return std::visit(Visitor{whole_number}, v);
}

std::string node_yaml(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      return "null";
    case Node::Kind::scalar:
      return n.quoted ? yaml_quoted(n.scalar) : n.scalar;
    case Node::Kind::seq: {
      std::string s = "[";
      for (std::size_t i = 0; i < n.seq.size(); ++i) s += (i ? ", " : "") + node_yaml(n.seq[i]);
      return s + "]";
    }
    case Node::Kind::map: {
      std::string s = "{";
      for (std::size_t i = 0; i < n.map.size(); ++i) s += (i ? ", " : "") + n.map[i].key + ": " + node_yaml(n.map[i].value);
      return s + "}";
    }
  }
  return "null";
}

}  // namespace geosim
