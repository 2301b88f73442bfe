#pragma once
// A YAML document as a plain tree that remembers, for every node, the file, line and column it came
// from, so that errors point at the right place even after `extends` merged several files.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geosim {

/// Where a piece of scenario text stands; line and column count from 1.
struct Mark {
  std::string file;
  int line = 0, column = 0;
  /// "file:line:column", or the file alone (line 0), or "" for no place at all.
  std::string str() const { return line == 0 ? file : file + ":" + std::to_string(line) + ":" + std::to_string(column); }
};

/// One problem found in a scenario, with its position and what was expected.
struct Diagnostic {
  Mark mark;
  std::string message;
  std::string str() const { return (mark.file.empty() ? "" : mark.str() + ": ") + "error: " + message; }
};

/// A node of a scenario document.
struct Node {
  enum class Kind { null, scalar, map, seq };
  struct Entry;

  Kind kind = Kind::null;
  std::string scalar;
  bool quoted = false;  // a quoted scalar is always text, never a number or a boolean
  std::vector<Entry> map;
  std::vector<Node> seq;
  Mark mark;

  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }
  /// The value under `key` in a map, or nullptr.
  const Node* find(const std::string& key) const;
  Node* find(const std::string& key);
  /// Removes `key` from a map; returns whether it was there.
  bool erase(const std::string& key);
  /// "a map", "a list", "a text '…'", "nothing": how the node is described in messages.
  std::string describe() const;
};

/// A key and its value in a map node.
struct Node::Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

/// A plain (unquoted) scalar read as a finite number, as the scenario loader reads numbers; else nullopt.
std::optional<double> parse_number(const Node& n);

/// parse_number, for a text that denotes a whole number exactly ("12", "1e6", "1.5e1"); nullopt for a
/// fraction, even one too small for a double to keep ("9007199254740991.4").
std::optional<double> parse_whole_number(const Node& n);

/// Parses YAML text into a tree; throws DiagnosticError on malformed YAML or duplicate keys.
Node parse_yaml(const std::string& text, const std::string& file);

/// Reads a YAML file's text (core/input_file.h: a regular file or a pipe, at most 16 MiB); throws
/// DiagnosticError at `via` (the `extends` that named it, or no place) when it cannot be read. `what`
/// names it in messages ("scenario file").
std::string read_yaml_input(const std::string& path, const std::string& what, const Mark& via = Mark{});

/// read_yaml_input and parse_yaml.
Node parse_yaml_file(const std::string& path, const std::string& display_name, const std::string& what = "YAML file");

/// Gives every node of `n` the mark `at`: a value parsed from text that stands at `at` in a file.
void relocate(Node& n, const Mark& at);

}  // namespace geosim
