#include "scenario/loader.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/input_file.h"
#include "model/parameters.h"

namespace fs = std::filesystem;

namespace geosim {
namespace {

/// Lists whose entries `extends` and `--set` address by id.
bool is_agent_list(const std::string& path) {
  return agent_list_named(path) != AgentList::none;
}

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

const Node* id_of(const Node& item) {
  if (!item.is_map()) return nullptr;
  const Node* id = item.find("id");
  return id && id->is_scalar() ? id : nullptr;
}

bool is_removal(const Node& item) {
  const Node* r = item.is_map() ? item.find("remove") : nullptr;
  return r && r->is_scalar() && !r->quoted && (r->scalar == "true" || r->scalar == "True" || r->scalar == "TRUE");
}

/// Refuses an agent list that names the same id twice in one file (merging would hide it).
void check_duplicate_ids(const Node& root, std::vector<Diagnostic>& out) {
  if (!root.is_map()) return;
  for (const auto& e : root.map) {
    if (!is_agent_list(e.key) || !e.value.is_seq()) continue;
    std::map<std::string, Mark> seen;
    for (const auto& item : e.value.seq) {
      const Node* id = id_of(item);
      if (!id) continue;
      auto [it, fresh] = seen.emplace(id->scalar, id->mark);
      if (!fresh)
        out.push_back({id->mark, "duplicate id '" + id->scalar + "' in " + e.key + " (first declared at " + it->second.str() +
                                     "); each id may be declared once"});
    }
  }
}

Node load_file_tree(const fs::path& file, const std::string& display, std::vector<fs::path>& chain, const Mark& via);

/// The file's path with links resolved, to recognise a file met twice in an `extends` chain; a path
/// that cannot be resolved (a pipe's /dev/fd/N names no file) stands for itself.
fs::path identity(const fs::path& file) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(file, ec);
  return ec ? fs::absolute(file, ec).lexically_normal() : canon;
}

/// Checks one file's tree and, if it names `extends`, merges it over the scenario it extends.
Node resolve_extends(Node tree, const fs::path& file, std::vector<fs::path>& chain) {
  if (tree.kind == Node::Kind::null) tree.kind = Node::Kind::map;  // an empty file is an empty scenario
  if (!tree.is_map())
    throw DiagnosticError(Diagnostic{tree.mark, "expected a map of scenario keys at the top of the file, got " + tree.describe()});
  std::vector<Diagnostic> problems;
  check_duplicate_ids(tree, problems);
  if (!problems.empty()) throw DiagnosticError(problems);

  const Node* ext = tree.find("extends");
  if (!ext) return tree;
  if (!ext->is_scalar() || ext->scalar.empty())
    throw DiagnosticError(Diagnostic{ext->mark, "extends: expected the path of a scenario file, got " + ext->describe()});
  std::error_code ec;
  const fs::path parent_file = resolve_beside(file.string(), ext->scalar);
  if (!fs::exists(parent_file, ec))
    throw DiagnosticError(Diagnostic{
        ext->mark, "extends: file '" + ext->scalar + "' not found (looked for " + parent_file.string() + ", relative to this file)"});
  if (!fs::is_regular_file(parent_file, ec))
    throw DiagnosticError(Diagnostic{ext->mark, "extends: '" + ext->scalar + "' is not a file (" + parent_file.string() + ")"});
  chain.push_back(identity(file));
  Node parent = load_file_tree(parent_file, parent_file.string(), chain, ext->mark);
  chain.pop_back();
  tree.erase("extends");
  return merge_trees(parent, tree);
}

Node load_file_tree(const fs::path& file, const std::string& display, std::vector<fs::path>& chain, const Mark& via) {
  const fs::path canon = identity(file);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (chain[i] == canon) {
      std::string cycle;
      for (std::size_t j = i; j < chain.size(); ++j) cycle += chain[j].filename().string() + " -> ";
      cycle += canon.filename().string();
      throw DiagnosticError(Diagnostic{via, "circular extends: " + cycle + "; a scenario cannot extend itself"});
    }
  }
  return resolve_extends(parse_yaml(read_yaml_input(file.string(), "scenario file", via), display), file, chain);
}

/// Applies one override: the value replaces (or, for an agent addressed whole, merges into) the tree's.
void apply_override(Node& root, const Override& o) {
  const Mark where = o.origin.file.empty() ? Mark{"--set " + o.path + "=" + o.value, 0, 0} : o.origin;
  auto parts = split_key_path(o.path);
  for (const auto& p : parts)
    if (p.empty()) throw DiagnosticError(Diagnostic{where, "expected a key path like labs.deepseek.open, got '" + o.path + "'"});
  Node value;
  if (o.tree) {
    value = *o.tree;
  } else {
    // Marks inside the value's text alone would read "--set x=[1:1:4"; the value's place is where it was given.
    try {
      value = parse_yaml(o.value, where.file);
    } catch (const DiagnosticError& e) {
      std::vector<Diagnostic> placed;
      for (const auto& d : e.diagnostics()) placed.push_back({where, d.message});
      throw DiagnosticError(placed);
    }
    relocate(value, where);
  }
  Node* cur = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    if (cur->kind == Node::Kind::null) cur->kind = Node::Kind::map;
    if (!cur->is_map()) throw DiagnosticError(Diagnostic{where, "'" + key + "' cannot be set: its parent is not a map"});
    bool last = i + 1 == parts.size();
    Node* next = cur->find(key);
    if (i == 0 && is_agent_list(key) && !last) {
      // nations.<id>.key: address an agent by its id.
      if (!next || !next->is_seq() || i + 1 >= parts.size()) throw DiagnosticError(Diagnostic{where, "the scenario declares no " + key});
      const std::string& id = parts[++i];
      Node* found = nullptr;
      std::vector<std::string> ids;
      for (auto& item : next->seq)
        if (const Node* idn = id_of(item)) {
          ids.push_back(idn->scalar);
          if (idn->scalar == id) found = &item;
        }
      if (!found) throw DiagnosticError(Diagnostic{where, "no entry with id '" + id + "' in " + key + did_you_mean(id, ids)});
      if (i + 1 == parts.size()) {
        *found = merge_trees(*found, value, key);
        return;
      }
      cur = found;
      continue;
    }
    if (last) {
      if (next) {
        *next = value;
        next->mark = where;
      } else {
        cur->map.push_back(Node::Entry{key, where, value});
      }
      return;
    }
    if (!next) {
      cur->map.push_back(Node::Entry{key, where, Node{Node::Kind::map, "", false, {}, {}, where}});
      next = &cur->map.back().value;
    }
    cur = next;
  }
}

}  // namespace

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw DiagnosticError(Diagnostic{Mark{"--set " + text, 1, 1}, "expected key.path=value, e.g. --set population.adopters=10000"});
  return Override{text.substr(0, eq), text.substr(eq + 1), {}, std::nullopt};
}

Override seed_override(const std::string& text) {
  return Override{"seed", text, Mark{"--seed '" + text + "'", 0, 0}, std::nullopt};
}

Node merge_trees(const Node& parent, const Node& child, const std::string& path) {
  if (parent.is_map() && child.is_map()) {
    Node out = parent;
    // The map as merged stands where the extending file wrote it: a problem across its keys (a nation
    // left without bloc weights) is then blamed on the file that changed it, not on the one extended.
    out.mark = child.mark;
    for (const auto& e : child.map) {
      Node* existing = out.find(e.key);
      if (existing) {
        *existing = merge_trees(*existing, e.value, join_path(path, e.key));
      } else {
        out.map.push_back(e);
      }
    }
    return out;
  }
  if (is_agent_list(path) && parent.is_seq() && child.is_seq()) {
    Node out = parent;
    std::vector<Diagnostic> problems;
    for (const auto& item : child.seq) {
      const Node* id = id_of(item);
      auto same = id ? std::find_if(out.seq.begin(), out.seq.end(),
                                    [&](const Node& p) {
                                      const Node* pid = id_of(p);
                                      return pid && pid->scalar == id->scalar;
                                    })
                     : out.seq.end();
      if (is_removal(item)) {
        // Any other key beside the removal would be dropped without a word: refuse it instead.
        for (const auto& e : item.map)
          if (e.key != "id" && e.key != "remove")
            problems.push_back({e.key_mark, "'" + e.key + "' beside 'remove: true' would be dropped with the entry; remove the entry or change it, not both"});
        if (!id) {
          problems.push_back({item.mark, "remove: true needs the id of the inherited entry to remove"});
        } else if (same == out.seq.end()) {
          problems.push_back({id->mark, "cannot remove '" + id->scalar + "': the extended scenario declares no such entry in " + path});
        } else {
          out.seq.erase(same);
        }
      } else if (same != out.seq.end()) {
        *same = merge_trees(*same, item, path + "[]");
      } else {
        out.seq.push_back(item);
      }
    }
    if (!problems.empty()) throw DiagnosticError(problems);
    return out;
  }
  return child;  // scalars and plain lists: the extending file wins
}

void apply_overrides(Node& tree, const std::vector<Override>& overrides) {
  for (const auto& o : overrides) apply_override(tree, o);
}

Node load_merged_tree(const std::string& path, const std::vector<Override>& overrides) {
  std::vector<fs::path> chain;
  Node tree = load_file_tree(fs::path(path), path, chain, Mark{});
  apply_overrides(tree, overrides);
  return tree;
}

ScenarioDef load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  return build_scenario(load_merged_tree(path, overrides), fs::path(path).stem().string());
}

std::size_t set_horizon(ScenarioDef& def, int months) {
  def.months = months;
  const Month end = def.start + months;
  auto past = std::remove_if(def.events.begin(), def.events.end(), [&](const EventDef& e) { return !e.when && !(e.at < end); });
  auto dropped = static_cast<std::size_t>(def.events.end() - past);
  def.events.erase(past, def.events.end());
  // A claim judged after the end cannot be judged: it goes too (the run's resolved scenario must load).
  def.claims.erase(std::remove_if(def.claims.begin(), def.claims.end(), [&](const ClaimDef& c) { return !(c.at < end); }), def.claims.end());
  return dropped;
}

ScenarioDef load_scenario_text(const std::string& text, const std::string& file_name, const std::string& base_dir,
                               const std::vector<Override>& overrides) {
  std::vector<fs::path> chain;
  Node tree = resolve_extends(parse_yaml(text, file_name), fs::path(base_dir) / file_name, chain);
  apply_overrides(tree, overrides);
  return build_scenario(tree, fs::path(file_name).stem().string());
}

}  // namespace geosim
