#include "scenario/tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <sstream>

#include "core/errors.h"
#include "core/input_file.h"
#include "scenario/diagnostics.h"

namespace geosim {

DiagnosticError::DiagnosticError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(diagnostics.empty() ? std::string("invalid scenario") : diagnostics.front().str()),
      diagnostics_(std::move(diagnostics)) {}

std::optional<double> parse_number(const Node& n) {
  if (!n.is_scalar() || n.quoted || n.scalar.empty()) return std::nullopt;
  std::string_view t = n.scalar;
  if (t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc{} || r.ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> parse_whole_number(const Node& n) {
  const auto v = parse_number(n);
  if (!v) return std::nullopt;
  // The digits after the point, less the exponent's shift, must all be zeros.
  std::string_view t = n.scalar;
  if (t.front() == '+' || t.front() == '-') t.remove_prefix(1);
  const auto e = t.find_first_of("eE");
  long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view ex = t.substr(e + 1);
    if (!ex.empty() && ex.front() == '+') ex.remove_prefix(1);
    if (std::from_chars(ex.data(), ex.data() + ex.size(), exponent).ec != std::errc{}) return std::nullopt;
    t = t.substr(0, e);
  }
  const auto point = t.find('.');
  std::string digits(t.substr(0, point));
  const std::size_t fraction = point == std::string_view::npos ? 0 : t.size() - point - 1;
  if (point != std::string_view::npos) digits += t.substr(point + 1);
  const long after = static_cast<long>(fraction) - exponent;  // how many of the digits stand after the point
  for (long i = 0; i < after && i < static_cast<long>(digits.size()); ++i)
    if (digits[digits.size() - 1 - static_cast<std::size_t>(i)] != '0') return std::nullopt;
  return v;
}

void print_refusal(const DiagnosticError& error, const std::string& what, const std::string& consequence) {
  for (const auto& d : error.diagnostics()) std::fprintf(stderr, "%s\n", d.str().c_str());
  const std::size_t n = error.diagnostics().size();
  std::fprintf(stderr, "%s refused (%zu problem%s); %s\n", what.c_str(), n, n == 1 ? "" : "s", consequence.c_str());
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

const Node* Node::find(const std::string& key) const {
  for (const auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node* Node::find(const std::string& key) {
  for (auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

bool Node::erase(const std::string& key) {
  auto it = std::find_if(map.begin(), map.end(), [&](const Entry& e) { return e.key == key; });
  if (it == map.end()) return false;
  map.erase(it);
  return true;
}

std::string Node::describe() const {
  switch (kind) {
    case Kind::null:
      return "nothing";
    case Kind::map:
      return "a map";
    case Kind::seq:
      return "a list";
    case Kind::scalar:
      return "'" + scalar + "'";
  }
  return "";
}

namespace {

Mark mark_of(const YAML::Mark& m, const std::string& file) {
  return Mark{file, m.line + 1, m.column + 1};
}

/// More nodes than any scenario needs: only aliases expanding on themselves get there.
constexpr std::size_t max_nodes = 100'000;
/// Deeper than any scenario nests; yaml-cpp's parser stops at 2,000 levels of brackets, and aliases
/// (which copy a node into another) must not reach past what the conversion's stack holds.
constexpr std::size_t max_depth = 1'000;

[[noreturn]] void too_many_nodes(const Mark& at) {
  throw DiagnosticError(Diagnostic{at, "the document expands to more than 100,000 YAML nodes (aliases repeating aliases?); a scenario is far smaller"});
}

/// Whether a node carries an explicit tag (`!!int 3`, `!thing x`): geosim reads plain values only,
/// so a tag would be either ignored or obeyed differently from what its writer meant.
std::optional<std::string> explicit_tag(const YAML::Node& y) {
  const std::string& tag = y.Tag();
  if (tag.empty() || tag == "?" || tag == "!") return std::nullopt;  // null, plain, quoted
  return tag;
}

std::string shown_tag(const std::string& tag) {
  const std::string core = "tag:yaml.org,2002:";
  return tag.rfind(core, 0) == 0 ? "!!" + tag.substr(core.size()) : tag;
}

class Converter {
 public:
  explicit Converter(std::string file) : file_(std::move(file)) {}

  Node convert(const YAML::Node& y) {
    const Mark mark = mark_of(y.Mark(), file_);
    if (++nodes_ > max_nodes) too_many_nodes(mark);
    // An alias may name the node that contains it (`a: &x [*x]`): yaml-cpp then hands over a cycle,
    // which would recurse until the stack ends. The path from the root is checked only when it grows
    // deep, where a cycle is the likely cause.
    if (path_.size() >= max_depth) {
      // The same node twice on the way down (y itself, or a leaf below a map that contains itself).
      const YAML::Node& parent = path_.back();
      for (std::size_t i = 0; i < path_.size(); ++i)
        if (path_[i].is(y) || (i + 1 < path_.size() && path_[i].is(parent)))
          throw DiagnosticError(Diagnostic{mark, "an alias refers to a list or map that contains it (e.g. a: &x [*x]), which would repeat "
                                                 "for ever; an alias may only repeat a complete node written before it"});
      throw DiagnosticError(Diagnostic{mark, "lists and maps nested more than " + std::to_string(max_depth) +
                                                 " deep (through aliases); a scenario nests a few levels"});
    }
    if (auto tag = explicit_tag(y); tag && *tag != "tag:yaml.org,2002:str")
      throw DiagnosticError(Diagnostic{mark, "the YAML tag '" + shown_tag(*tag) + "' is not used by geosim; write the plain value "
                                             "(a number, true or false, a text, a list or a map), or quote a text"});
    Node n;
    n.mark = mark;
    path_.push_back(y);
    switch (y.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        n.kind = Node::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::scalar;
        n.scalar = y.Scalar();
        n.quoted = y.Tag() != "?";  // quoted, or tagged !!str: text, never a number or a boolean
        break;
      case YAML::NodeType::Sequence:
        n.kind = Node::Kind::seq;
        for (const auto& item : y) n.seq.push_back(convert(item));
        break;
      case YAML::NodeType::Map:
        n.kind = Node::Kind::map;
        for (const auto& kv : y) {
          Mark km = mark_of(kv.first.Mark(), file_);
          if (!kv.first.IsScalar())
            throw DiagnosticError(
                Diagnostic{km, "expected a plain key (a name), got " + std::string(kv.first.IsMap()        ? "a map"
                                                                                   : kv.first.IsSequence() ? "a list"
                                                                                                           : "nothing (null)")});
          if (auto tag = explicit_tag(kv.first))
            throw DiagnosticError(Diagnostic{km, "the YAML tag '" + shown_tag(*tag) + "' on a key is not used by geosim; write the plain key"});
          std::string key = kv.first.Scalar();
          if (n.find(key)) throw DiagnosticError(Diagnostic{km, "duplicate key '" + key + "' in the same map; each key may appear once"});
          n.map.push_back(Node::Entry{key, km, convert(kv.second)});
        }
        break;
    }
    path_.pop_back();
    return n;
  }

 private:
  std::string file_;
  std::size_t nodes_ = 0;
  std::vector<YAML::Node> path_;  // from the root to the node being converted
};

// Records where each document starts, and nothing else: enough to count documents without building them.
// Also counts the nodes as written, before yaml-cpp builds any: a document of millions of nodes
// (a long flow list) is refused before it takes gigabytes.
class DocumentStarts : public YAML::EventHandler {
 public:
  explicit DocumentStarts(const std::string& file) : file_(file) {}
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { count(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { count(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { count(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { count(m); }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { count(m); }
  void OnMapEnd() override {}

 private:
  void count(const YAML::Mark& m) {
    if (++nodes_ > max_nodes) too_many_nodes(mark_of(m, file_));
  }
  const std::string& file_;
  std::size_t nodes_ = 0;
};

// Counts the documents of a text (0 or 1) and refuses more. Debian 12's yaml-cpp 0.7 never consumes a
// token it cannot place (a ',' outside any list or map, say): YAML::LoadAll then returns an endless
// run of empty documents and eats all memory (yaml-cpp issue #1040, fixed upstream in PR #1319). So
// documents are counted here, at most three, and a document that starts where the previous one did is
// a parser that did not move: the text there is malformed.
std::size_t count_documents(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts docs(file);
  while (docs.starts.size() < 3 && parser.HandleNextDocument(docs)) {
  }
  if (docs.starts.size() < 2) return docs.starts.size();
  for (std::size_t i = 1; i < docs.starts.size(); ++i) {
    const YAML::Mark& stuck = docs.starts[i];
    if (stuck.pos != docs.starts[i - 1].pos) continue;
    const auto at = static_cast<std::size_t>(stuck.pos);
    std::string what = "a token";
    if (stuck.pos >= 0 && at < text.size()) what = {'\'', text[at], '\''};
    throw DiagnosticError(Diagnostic{mark_of(stuck, file), "malformed YAML: unexpected " + what +
                                                               " here (outside any list or map); expected a key or a value"});
  }
  const YAML::Mark& second = docs.starts[1];
  throw DiagnosticError(Diagnostic{mark_of(second, file), "a second YAML document (after '---'); a scenario is one document"});
}

}  // namespace

Node parse_yaml(const std::string& text, const std::string& file) {
  YAML::Node doc;
  try {
    if (count_documents(text, file) == 0) return Node{Node::Kind::null, "", false, {}, {}, Mark{file, 1, 1}};
    doc = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth counts its own recursion (several calls per bracket), not the document's levels.
    throw DiagnosticError(Diagnostic{mark_of(e.mark, file), "lists and maps nested hundreds of levels deep, past what the YAML reader "
                                                                "follows; a scenario nests a few levels (a stray '[' or '{'?)"});
  } catch (const YAML::ParserException& e) {
    throw DiagnosticError(Diagnostic{mark_of(e.mark, file), "malformed YAML: " + e.msg});
  }
  return Converter(file).convert(doc);
}

void relocate(Node& n, const Mark& at) {
  n.mark = at;
  for (auto& e : n.map) e.key_mark = at, relocate(e.value, at);
  for (auto& item : n.seq) relocate(item, at);
}

std::string read_yaml_input(const std::string& path, const std::string& what, const Mark& via) {
  try {
    return read_input(path, what);
  } catch (const BadInput& e) {
    throw DiagnosticError(Diagnostic{via, e.what()});  // the message names the file
  }
}

Node parse_yaml_file(const std::string& path, const std::string& display_name, const std::string& what) {
  return parse_yaml(read_yaml_input(path, what), display_name);
}

}  // namespace geosim
