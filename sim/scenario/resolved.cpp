// Writing a ScenarioDef back as YAML: every key, in schema order, values that load back exactly.
#include <charconv>
#include <sstream>

#include "scenario/loader.h"
#include "model/parameters.h"

namespace geosim {
namespace {

std::string number_text(double v, bool integer) {
  char buf[64];
  if (integer) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, r.ptr);
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back to the same double
  std::string s(buf, r.ptr);
  return s;
}

std::string quoted(const std::string& s) {
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

std::string value_text(const KeySpec& k, const Value& v) {
  struct Visitor {
    const KeySpec& k;
    std::string operator()(double d) const { return number_text(d, k.type == KeyType::integer); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return quoted(s); }
    std::string operator()(const std::vector<std::string>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + quoted(l[i]);
      return out + "]";
    }
    std::string operator()(const std::map<std::string, double>& m) const {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, d] : m) {
        out += (first ? "" : ", ") + quoted(key) + ": " + number_text(d, false);
        first = false;
      }
      return out + "}";
    }
  };
  return std::visit(Visitor{k}, v);
}

/// Emits the keys of one scope, opening nested maps as their paths require.
void emit_scope(std::ostringstream& out, const ScenarioDef& def, AgentList list, std::size_t index, const std::string& indent,
                bool first_dash) {
  std::vector<std::string> open;  // segments of the nested map currently open
  bool first = true;
  for (const auto& k : schema()) {
    if (k.owner() != list || !k.get) continue;
    std::string path = k.local_path();
    std::vector<std::string> segs;
    for (std::size_t a = 0, b; a <= path.size(); a = b + 1) {
      b = path.find('.', a);
      if (b == std::string::npos) b = path.size();
      segs.push_back(path.substr(a, b - a));
    }
    std::size_t common = 0;
    while (common < open.size() && common + 1 < segs.size() && open[common] == segs[common]) ++common;
    open.resize(common);
    auto line_start = [&](std::size_t depth) {
      std::string pre = indent + std::string(2 * depth, ' ');
      if (first && first_dash) pre = indent.substr(0, indent.size() - 2) + "- " + std::string(2 * depth, ' ');
      first = false;
      return pre;
    };
    for (std::size_t d = common; d + 1 < segs.size(); ++d) {
      out << line_start(d) << segs[d] << ":\n";
      open.push_back(segs[d]);
    }
    out << line_start(segs.size() - 1) << segs.back() << ": " << value_text(k, k.get(def, index)) << "\n";
  }
}

std::string change_path(const ScenarioDef& def, const Change& c) {
  const KeySpec& k = schema()[c.key];
  if (k.owner() == AgentList::none) return k.path;
  return std::string(agent_list_name(k.owner())) + "." + agent_id(def, k.owner(), c.agent) + "." + k.local_path();
}

}  // namespace

std::string resolved_yaml(const ScenarioDef& def) {
  std::ostringstream out;
  out << "# geosim resolved scenario: every key with its value and no 'extends'.\n"
      << "# `geosim run` on this file reproduces the run's series.csv byte for byte.\n";
  emit_scope(out, def, AgentList::none, 0, "", false);
  for (AgentList list : agent_lists) {

    out << agent_list_name(list) << ":";
    std::size_t n = agent_count(def, list);
    out << (n == 0 ? " []\n" : "\n");
    for (std::size_t i = 0; i < n; ++i) emit_scope(out, def, list, i, "    ", true);
  }
  out << "events:" << (def.events.empty() ? " []\n" : "\n");
  for (const auto& ev : def.events) {
    out << "  - at: " << quoted(ev.at.str()) << "\n";
    if (!ev.id.empty()) out << "    id: " << quoted(ev.id) << "\n";
    if (!ev.note.empty()) out << "    note: " << quoted(ev.note) << "\n";
    out << "    set:" << (ev.changes.empty() ? " {}\n" : "\n");
    for (const auto& c : ev.changes) out << "      " << change_path(def, c) << ": " << value_text(schema()[c.key], c.value) << "\n";
  }
  return out.str();
}

}  // namespace geosim
