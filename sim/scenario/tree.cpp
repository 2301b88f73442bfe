#include "scenario/tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <fstream>
#include <sstream>

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

Node convert(const YAML::Node& y, const std::string& file, std::size_t& nodes) {
  if (++nodes > max_nodes)
    throw DiagnosticError(Diagnostic{mark_of(y.Mark(), file),
                                     "the document expands to more than 100,000 YAML nodes (aliases repeating "
                                     "aliases?); a scenario is far smaller"});
  Node n;
  n.mark = mark_of(y.Mark(), file);
  switch (y.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      n.kind = Node::Kind::null;
      break;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::scalar;
      n.scalar = y.Scalar();
      n.quoted = y.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::seq;
      for (const auto& item : y) n.seq.push_back(convert(item, file, nodes));
      break;
    case YAML::NodeType::Map:
      n.kind = Node::Kind::map;
      for (const auto& kv : y) {
        Mark km = mark_of(kv.first.Mark(), file);
        if (!kv.first.IsScalar())
          throw DiagnosticError(
              Diagnostic{km, "expected a plain key (a name), got " + std::string(kv.first.IsMap()        ? "a map"
                                                                                 : kv.first.IsSequence() ? "a list"
                                                                                                         : "nothing (null)")});
        std::string key = kv.first.Scalar();
        if (n.find(key)) throw DiagnosticError(Diagnostic{km, "duplicate key '" + key + "' in the same map; each key may appear once"});
        n.map.push_back(Node::Entry{key, km, convert(kv.second, file, nodes)});
      }
      break;
  }
  return n;
}

// Records where each document starts, and nothing else: enough to count documents without building them.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Counts the documents of a text (0 or 1) and refuses more. Debian 12's yaml-cpp 0.7 never consumes a
// token it cannot place (a ',' outside any list or map, say): YAML::LoadAll then returns an endless
// run of empty documents and eats all memory (yaml-cpp issue #1040, fixed upstream in PR #1319). So
// documents are counted here, at most three, and a document that starts where the previous one did is
// a parser that did not move: the text there is malformed.
std::size_t count_documents(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts docs;
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
  } catch (const YAML::ParserException& e) {
    throw DiagnosticError(Diagnostic{mark_of(e.mark, file), "malformed YAML: " + e.msg});
  }
  std::size_t nodes = 0;
  return convert(doc, file, nodes);
}

Node parse_yaml_file(const std::string& path, const std::string& display_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DiagnosticError(Diagnostic{Mark{display_name, 0, 0}, "cannot read the file (does it exist?)"});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_yaml(ss.str(), display_name);
}

}  // namespace geosim
