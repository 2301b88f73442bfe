// Checking a merged scenario tree against the schema, and building the ScenarioDef from it.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include "model/key_path.h"
#include "model/output_catalog.h"
#include "scenario/loader.h"
#include "model/parameters.h"
#include "model/value_check.h"

namespace geosim {
namespace {

std::optional<bool> parse_bool(const Node& n) {
  if (!n.is_scalar() || n.quoted) return std::nullopt;
  const std::string& s = n.scalar;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

/// The segment after `prefix` of a schema path, or "" when the path is not below the prefix.
std::string next_segment(const std::string& path, const std::string& prefix) {
  std::string rest;
  if (prefix.empty()) {
    rest = path;
  } else {
    if (path.size() <= prefix.size() + 1 || path.compare(0, prefix.size(), prefix) != 0 || path[prefix.size()] != '.') return "";
    rest = path.substr(prefix.size() + 1);
  }
  auto end = rest.find_first_of(".[");
  return rest.substr(0, end);
}

class Builder {
 public:
  explicit Builder(std::string default_name) : default_name_(std::move(default_name)) {}

  ScenarioDef build(const Node& root) {
    if (!root.is_map()) {
      fail(root.mark, "expected a map of scenario keys, got " + root.describe());
      throw DiagnosticError(errors_);
    }
    // Agents first: events and references need their ids.
    std::set<std::size_t> top_seen;
    for (const auto& e : root.map) {
      std::string child = e.key;
      if (child == "events" || child == "claims") continue;
      if (const AgentList list = agent_list_named(child); list != AgentList::none && list != AgentList::events) {
        read_agent_list(e, list);
        continue;
      }
      read_entry(e, "", 0, "", top_seen);
    }
    apply_defaults(AgentList::none, 0, top_seen, root.mark, "");
    if (def_.name.empty()) def_.name = default_name_;
    for (const char* list : {"nations", "labs"}) {
      const Node* n = root.find(list);
      if (!n)
        fail(root.mark,
             std::string("missing required key '") + list + "': a scenario needs at least one " + (list[0] == 'n' ? "nation" : "lab"));
      else if (n->is_seq() && n->seq.empty())
        fail(n->mark, std::string("'") + list + "' is empty: a scenario needs at least one " + (list[0] == 'n' ? "nation" : "lab"));
    }
    check_unique_ids(root);
    check_semantics(root);
    if (const Node* events = root.find("events")) read_events(*events);
    if (const Node* claims = root.find("claims")) read_claims(*claims);
    check_references();
    if (!errors_.empty()) throw DiagnosticError(errors_);
    // Dated events by month (file order within one); triggered ones after them, in file order.
    std::stable_sort(def_.events.begin(), def_.events.end(), applies_before);
    return std::move(def_);
  }

 private:
  struct PendingRef {
    const KeySpec* key;
    std::string id;
    Mark mark;
    std::string context;
  };

  void fail(const Mark& m, std::string message) { errors_.push_back(Diagnostic{m, std::move(message)}); }

  std::vector<std::string> children_of(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& k : schema()) {
      std::string seg = next_segment(k.path, prefix);
      if (!seg.empty() && std::find(out.begin(), out.end(), seg) == out.end()) out.push_back(seg);
    }
    return out;
  }

  static std::string join(const std::string& prefix, const std::string& key) { return prefix.empty() ? key : prefix + "." + key; }

  static std::string shown(const std::string& path) {
    // "labs[].affinity" reads better as "affinity" inside a lab's context.
    auto pos = path.find("[].");
    return pos == std::string::npos ? path : path.substr(pos + 3);
  }

  /// Reads one map entry at `prefix` (a leaf key or a sub-map).
  void read_entry(const Node::Entry& e, const std::string& prefix, std::size_t index, const std::string& context,
                  std::set<std::size_t>& seen) {
    std::string full = join(prefix, e.key);
    if (e.key.find_first_of(".[]") != std::string::npos) {
      fail(e.key_mark,
           "unknown key '" + e.key + "'" + context + ": keys are single names; nest them as maps (a.b: 1 is written a: {b: 1})");
      return;
    }
    if (e.key == "remove" && prefix.find("[]") != std::string::npos) {
      fail(e.key_mark, "'remove: true' only removes an entry inherited through 'extends'" + context);
      return;
    }
    if (const KeySpec* k = find_key(full)) {
      seen.insert(key_index(*k));  // given, even if refused: do not also report it missing
      if (auto v = read_value(*k, e.value, context))
        if (k->set) k->set(def_, index, *v);
      return;
    }
    auto siblings = children_of(prefix);
    if (std::find(siblings.begin(), siblings.end(), e.key) == siblings.end()) {
      std::string where = prefix.empty() ? "at the top level" : prefix.ends_with("[]") ? "" : "in '" + shown(prefix) + "'";
      if (const RetiredKey* r = retired_key(full); r && !r->was_boolean) {
        fail(e.key_mark, "unknown key '" + e.key + "'" + (where.empty() ? "" : " " + where) + context + ": " + r->note);
        return;
      }
      fail(e.key_mark, "unknown key '" + e.key + "'" + (where.empty() ? "" : " " + where) + context + did_you_mean(e.key, siblings) +
                           " (expected one of: " + list_text(siblings) + ")");
      return;
    }
    if (!e.value.is_map()) {
      fail(e.value.mark, "'" + shown(full) + "'" + context + ": expected a map with keys " + list_text(children_of(full)) + ", got " +
                             e.value.describe());
      return;
    }
    for (const auto& child : e.value.map) read_entry(child, full, index, context, seen);
  }

  static std::string list_text(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  std::optional<Value> read_value(const KeySpec& k, const Node& n, const std::string& context) {
    auto wrong = [&](const Node& at) {
      // An id that is only too long says so: the rest of its text would look right.
      const bool long_id = at.is_scalar() && at.scalar.size() > max_id_length && (k.type == KeyType::id || k.type == KeyType::ref);
      const RetiredKey* retyped = retired_key(k.path);
      const bool v1_value = retyped && retyped->was_boolean && parse_bool(at).has_value();
      fail(at.mark, "'" + shown(k.path) + "'" + context + ": expected " + describe_expected(k) + ", got " + at.describe() +
                        (long_id ? " (" + std::to_string(at.scalar.size()) + " characters)" : "") + (v1_value ? "; " + retyped->note : ""));
      return std::nullopt;
    };
    auto in_range = [&](double v) { return v >= k.min && v <= k.max; };
    switch (k.type) {
      case KeyType::integer: {
        auto v = parse_whole_number(n);
        if (!v || !in_range(*v)) return wrong(n);
        return Value{*v};
      }
      case KeyType::real: {
        auto v = parse_number(n);
        if (!v || !in_range(*v)) return wrong(n);
        return Value{*v};
      }
      case KeyType::boolean: {
        auto v = parse_bool(n);
        if (!v) return wrong(n);
        return Value{*v};
      }
      case KeyType::text:
        if (!n.is_scalar()) return wrong(n);
        return Value{n.scalar};
      case KeyType::month:
        if (!n.is_scalar() || !parse_month(n.scalar)) return wrong(n);
        return Value{n.scalar};
      case KeyType::id:
        if (!n.is_scalar() || !is_id(n.scalar)) return wrong(n);
        return Value{n.scalar};
      case KeyType::choice:
        if (!n.is_scalar()) return wrong(n);
        if (std::find(k.choices.begin(), k.choices.end(), n.scalar) == k.choices.end()) {
          fail(n.mark, "'" + shown(k.path) + "'" + context + ": expected " + describe_expected(k) + ", got '" + n.scalar + "'" +
                           did_you_mean(n.scalar, k.choices));
          return std::nullopt;
        }
        return Value{n.scalar};
      case KeyType::ref:
        if (!n.is_scalar() || !is_id(n.scalar)) return wrong(n);
        pending_.push_back({&k, n.scalar, n.mark, context});
        return Value{n.scalar};
      case KeyType::choice_list:
      case KeyType::ref_list: {
        if (n.kind == Node::Kind::null) return Value{std::vector<std::string>{}};
        if (!n.is_seq()) return wrong(n);
        std::vector<std::string> out;
        for (const auto& item : n.seq) {
          if (!item.is_scalar()) return wrong(item);
          if (k.type == KeyType::choice_list && std::find(k.choices.begin(), k.choices.end(), item.scalar) == k.choices.end()) {
            fail(item.mark, "'" + shown(k.path) + "'" + context + ": expected " + describe_expected(k) + ", got '" + item.scalar + "'" +
                                did_you_mean(item.scalar, k.choices));
            return std::nullopt;
          }
          if (k.type == KeyType::ref_list) pending_.push_back({&k, item.scalar, item.mark, context});
          if (std::find(out.begin(), out.end(), item.scalar) == out.end()) out.push_back(item.scalar);
        }
        return Value{out};
      }
      case KeyType::ref_map: {
        if (n.kind == Node::Kind::null) return Value{std::map<std::string, double>{}};
        if (!n.is_map()) return wrong(n);
        std::map<std::string, double> out;
        for (const auto& e : n.map) {
          auto v = parse_number(e.value);
          if (!v || !in_range(*v)) return wrong(e.value);
          pending_.push_back({&k, e.key, e.key_mark, context});
          out[e.key] = *v;
        }
        return Value{out};
      }
      case KeyType::changes:
        break;  // events are read by read_events
    }
    return wrong(n);
  }

  void read_agent_list(const Node::Entry& e, AgentList list) {
    const char* name = agent_list_name(list);
    if (!e.value.is_seq()) {
      fail(e.value.mark, std::string("'") + name + "': expected a list of " + name + " (each a map with an id), got " + e.value.describe());
      return;
    }
    std::size_t count = e.value.seq.size();
    if (list == AgentList::nations) def_.nations.resize(count);
    if (list == AgentList::labs) def_.labs.resize(count);
    if (list == AgentList::lines) def_.lines.resize(count);
    if (list == AgentList::chipmakers) def_.chipmakers.resize(count);
    std::string prefix = std::string(name) + "[]";
    for (std::size_t i = 0; i < count; ++i) {
      const Node& item = e.value.seq[i];
      if (!item.is_map()) {
        fail(item.mark, std::string("each entry of '") + name + "' must be a map with an id, got " + item.describe());
        continue;
      }
      const Node* id = item.find("id");
      std::string context = id && id->is_scalar() ? std::string(" in ") + agent_noun(list) + " '" + id->scalar + "'"
                                                  : std::string(" in ") + agent_noun(list) + " #" + std::to_string(i + 1);
      std::set<std::size_t> seen;
      for (const auto& child : item.map) read_entry(child, prefix, i, context, seen);
      apply_defaults(list, i, seen, item.mark, context);
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (list == AgentList::nations && def_.nations[i].name.empty()) def_.nations[i].name = def_.nations[i].id;
      if (list == AgentList::labs && def_.labs[i].name.empty()) def_.labs[i].name = def_.labs[i].id;
      if (list == AgentList::lines && def_.lines[i].name.empty()) def_.lines[i].name = def_.lines[i].id;
      if (list == AgentList::chipmakers && def_.chipmakers[i].name.empty()) def_.chipmakers[i].name = def_.chipmakers[i].id;
    }
  }

  /// Fills every key of this scope that the file did not give: the declared default, or an error.
  void apply_defaults(AgentList list, std::size_t index, const std::set<std::size_t>& seen, const Mark& where, const std::string& context) {
    for (const auto& k : schema()) {
      if (k.owner() != list || seen.count(key_index(k)) || !k.set) continue;
      if (k.required) {
        fail(where, "missing required key '" + shown(k.path) + "'" + context + " (" + k.doc + " Expected " + describe_expected(k) + ")");
        continue;
      }
      if (k.default_text.empty()) continue;
      Node dn = parse_yaml(k.default_text, "<default of " + k.path + ">");
      std::size_t before = pending_.size();
      if (auto v = read_value(k, dn, context)) k.set(def_, index, *v);
      pending_.resize(before);  // defaults never reference agents
    }
  }

  std::vector<std::string> ids(AgentList list) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < agent_count(def_, list); ++i) out.push_back(agent_id(def_, list, i));
    return out;
  }

  void check_references() {
    for (const auto& p : pending_) {
      auto known = ids(p.key->ref);
      if (std::find(known.begin(), known.end(), p.id) == known.end())
        fail(p.mark, "'" + shown(p.key->path) + "'" + p.context + ": '" + p.id + "' is not a declared " + agent_noun(p.key->ref) +
                         did_you_mean(p.id, known) + " (declared: " + list_text(known) + ")");
    }
  }

  /// Ids must be unique in the merged scenario too (an override can rename an agent onto another's id);
  /// a line's id must differ from every lab's too, a lab's main line having the lab's id.
  void check_unique_ids(const Node& root) {
    if (const Node* l = root.find("lines"))
      for (std::size_t i = 0; i < def_.lines.size(); ++i)
        for (const auto& lab : def_.labs)
          if (!lab.id.empty() && def_.lines[i].id == lab.id) {
            const Node* item = l->is_seq() && i < l->seq.size() ? &l->seq[i] : &root;
            const Node* id = item->is_map() ? item->find("id") : nullptr;
            fail(id ? id->mark : item->mark, "line id '" + lab.id + "' is lab '" + lab.id +
                                                 "''s id, which names its main line; give the line an id of its own");
          }
    for (AgentList list : agent_lists) {
      const Node* l = root.find(agent_list_name(list));
      for (std::size_t i = 0; i < agent_count(def_, list); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (!agent_id(def_, list, i).empty() && agent_id(def_, list, i) == agent_id(def_, list, j)) {
            const Node* item = l && l->is_seq() && i < l->seq.size() ? &l->seq[i] : &root;
            const Node* id = item->is_map() ? item->find("id") : nullptr;
            fail(id ? id->mark : item->mark,
                 "duplicate id '" + agent_id(def_, list, i) + "' in " + agent_list_name(list) + "; each id may be declared once");
          }
    }
  }

  /// The node at a path of map keys below `from`, or nullptr.
  static const Node* node_at(const Node* from, std::initializer_list<const char*> path) {
    for (const char* key : path) from = from && from->is_map() ? from->find(key) : nullptr;
    return from;
  }

  void check_semantics(const Node& root) {
    auto mark_of_list_item = [&](const char* list, std::size_t i) {
      const Node* l = root.find(list);
      return l && l->is_seq() && i < l->seq.size() ? l->seq[i].mark : root.mark;
    };
    for (std::size_t i = 0; i < def_.nations.size(); ++i) {
      const auto& n = def_.nations[i];
      const Node* l = root.find("nations");
      const Node* bloc = l && l->is_seq() && i < l->seq.size() ? node_at(&l->seq[i], {"bloc"}) : nullptr;
      if (n.bloc[0] + n.bloc[1] + n.bloc[2] <= 0)
        fail(bloc ? bloc->mark : mark_of_list_item("nations", i),
             "nation '" + n.id +
                 "': bloc weights are all zero; give at least one of bloc.us, bloc.china, bloc.nonaligned a positive weight");
    }
    double total_weight = 0;
    for (const auto& n : def_.nations) total_weight += n.adopter_weight;
    if (!def_.nations.empty() && total_weight <= 0)
      fail(mark_of_list_item("nations", 0), "every nation has adopter_weight 0; at least one nation needs adopters");
    const auto& pop = def_.population;
    const Node* pop_node = root.find("population");
    const Mark pm = pop_node ? pop_node->mark : root.mark;
    // Where a key was given (in whichever file of the extends chain), or the population section's place.
    auto mark_of = [&](std::initializer_list<const char*> path) {
      const Node* n = node_at(pop_node, path);
      return n ? n->mark : pm;
    };
    auto given_at = [&](std::initializer_list<const char*> path) {
      const Node* n = node_at(pop_node, path);
      return n ? ", set at " + n->mark.str() : std::string(", its default");
    };
    if (pop.sector_weights[0] + pop.sector_weights[1] + pop.sector_weights[2] <= 0)
      fail(mark_of({"sectors"}), "population.sectors: all sector weights are zero; at least one must be positive");
    if (pop.network == NetworkKind::small_world && pop.degree % 2 != 0)
      fail(mark_of({"network", "degree"}),
           "population.network.degree must be even for small_world (a ring links degree/2 neighbours on each side), got " +
               std::to_string(pop.degree));
    if (pop.network != NetworkKind::well_mixed && pop.adopters <= pop.degree)
      fail(mark_of({"adopters"}), "population.adopters (" + std::to_string(pop.adopters) + ") must exceed population.network.degree (" +
                                      std::to_string(pop.degree) + given_at({"network", "degree"}) + ")");
    if (def_.nations.size() > 250) fail(root.mark, "at most 250 nations are supported, got " + std::to_string(def_.nations.size()));
    if (def_.labs.size() > 1000) fail(root.mark, "at most 1000 labs are supported, got " + std::to_string(def_.labs.size()));
    if (def_.lines.size() > 1000) fail(root.mark, "at most 1000 further lines are supported, got " + std::to_string(def_.lines.size()));
  }

  void read_events(const Node& events) {
    if (!events.is_seq()) {
      fail(events.mark, "'events': expected a list of events (each with at and set), got " + events.describe());
      return;
    }
    Month end = def_.start + def_.months;
    for (std::size_t i = 0; i < events.seq.size(); ++i) {
      const Node& item = events.seq[i];
      if (!item.is_map()) {
        fail(item.mark, "each event must be a map with 'at' and 'set', got " + item.describe());
        continue;
      }
      EventDef ev;
      const Node* id = item.find("id");
      std::string context = id && id->is_scalar() ? " in event '" + id->scalar + "'" : " in event #" + std::to_string(i + 1);
      const Node* set = nullptr;
      bool has_at = false;
      for (const auto& e : item.map) {
        std::string full = "events[]." + e.key;
        const KeySpec* k = find_key(full);
        if (e.key == "remove") {
          fail(e.key_mark, "'remove: true' only removes an event inherited through 'extends', by its id" + context);
          continue;
        }
        if (e.key == "when") {
          read_trigger(e.value, context, ev);
          continue;
        }
        if (!k) {
          auto siblings = children_of("events[]");
          fail(e.key_mark,
               "unknown key '" + e.key + "'" + context + did_you_mean(e.key, siblings) + " (expected one of: " + list_text(siblings) + ")");
          continue;
        }
        if (k->type == KeyType::changes) {
          set = &e.value;
          continue;
        }
        auto v = read_value(*k, e.value, context);
        if (!v) continue;
        if (e.key == "at") {
          ev.at = *parse_month(std::get<std::string>(*v));
          has_at = true;
          if (ev.at < def_.start || !(ev.at < end))
            fail(e.value.mark, "event at " + ev.at.str() + context + " is outside the simulated period " + def_.start.str() + " to " +
                                   (end + -1).str() + "; move it inside or lengthen 'months'");
        } else if (e.key == "id") {
          ev.id = std::get<std::string>(*v);
        } else if (e.key == "note") {
          ev.note = std::get<std::string>(*v);
        } else if (e.key == "enabled") {
          ev.enabled = std::get<bool>(*v);
        }
      }
      if (!has_at && !item.find("at") && !item.find("when"))
        fail(item.mark, "missing required key 'at'" + context + " (the month the event takes effect, YYYY-MM), or 'when' (the condition that fires it)");
      if (item.find("when") && !item.find("id"))
        fail(item.mark, "a triggered event needs an 'id'" + context + " (its run's events.csv and --replay-events name it by its id)");
      if (item.find("at") && item.find("when"))
        fail(item.find("when")->mark, "an event takes effect at a month or when a condition fires it, not both: remove 'at' or 'when'" + context);
      if (!set) {
        fail(item.mark, "missing required key 'set'" + context + " (a map from key paths to new values)");
      } else if (!set->is_map()) {
        fail(set->mark, "'set'" + context + ": expected a map from key paths to values, got " + set->describe());
      } else {
        for (const auto& c : set->map) read_change(c, context, ev);
      }
      def_.events.push_back(std::move(ev));
      event_marks_.push_back(item.mark);
    }
    check_event_effects();
  }

  /// An event's trigger: an output (as a claim names one) above or below a threshold for some months.
  void read_trigger(const Node& n, const std::string& context, EventDef& ev) {
    if (!n.is_map()) {
      fail(n.mark, "'when'" + context + ": expected a map with metric, scope, above or below, and for, got " + n.describe());
      return;
    }
    TriggerDef t;
    for (const auto& e : n.map) {
      const KeySpec* k = find_key("events[].when." + e.key);
      if (!k) {
        const auto siblings = children_of("events[].when");
        fail(e.key_mark, "unknown key '" + e.key + "' in 'when'" + context + did_you_mean(e.key, siblings) + " (expected one of: " + list_text(siblings) + ")");
        continue;
      }
      const auto v = read_value(*k, e.value, context);
      if (!v) continue;
      if (e.key == "metric") t.metric = std::get<std::string>(*v);
      else if (e.key == "scope") t.scope = std::get<std::string>(*v);
      else if (e.key == "above") t.above = std::get<double>(*v);
      else if (e.key == "below") t.below = std::get<double>(*v);
      else if (e.key == "for") t.months = static_cast<int>(std::get<double>(*v));
    }
    if (!n.find("metric")) fail(n.mark, "missing required key 'metric' in 'when'" + context + " (the output whose value fires the event)");
    // Counted as written, so a threshold refused for its value is not also reported as missing.
    if ((n.find("above") != nullptr) == (n.find("below") != nullptr))
      fail(n.mark, "'when'" + context + ": give exactly one of above and below (the threshold the output crosses)");
    if (!t.metric.empty()) {
      ClaimDef output;
      output.metric = t.metric, output.scope = t.scope;
      check_output(output, n, context);
    }
    ev.when = t;
  }

  /// The claims a what-if tests: each an id, an output (metric and scope, as the model writes them), a
  /// month inside the simulated period and the direction of the effect.
  void read_claims(const Node& claims) {
    if (!claims.is_seq()) {
      fail(claims.mark, "'claims': expected a list of claims (each with id, metric, at and effect), got " + claims.describe());
      return;
    }
    const Month end = def_.start + def_.months;
    for (std::size_t i = 0; i < claims.seq.size(); ++i) {
      const Node& item = claims.seq[i];
      if (!item.is_map()) {
        fail(item.mark, "each claim must be a map with id, metric, at and effect, got " + item.describe());
        continue;
      }
      const Node* id = item.find("id");
      const std::string context = id && id->is_scalar() ? " in claim '" + id->scalar + "'" : " in claim #" + std::to_string(i + 1);
      ClaimDef c;
      std::set<std::size_t> seen;
      for (const auto& e : item.map) {
        const KeySpec* k = find_key("claims[]." + e.key);
        if (e.key == "remove") {
          fail(e.key_mark, "'remove: true' only removes a claim inherited through 'extends', by its id" + context);
          continue;
        }
        if (!k) {
          const auto siblings = children_of("claims[]");
          fail(e.key_mark, "unknown key '" + e.key + "'" + context + did_you_mean(e.key, siblings) + " (expected one of: " + list_text(siblings) + ")");
          continue;
        }
        seen.insert(key_index(*k));
        const auto v = read_value(*k, e.value, context);
        if (!v) continue;
        const std::string text = std::get<std::string>(*v);
        if (e.key == "id") c.id = text;
        else if (e.key == "text") c.text = text;
        else if (e.key == "metric") c.metric = text;
        else if (e.key == "scope") c.scope = text;
        else if (e.key == "effect") c.increase = text == "increase";
        else if (e.key == "at") {
          c.at = *parse_month(text);
          if (c.at < def_.start || !(c.at < end))
            fail(e.value.mark, "claim at " + c.at.str() + context + " is outside the simulated period " + def_.start.str() + " to " + (end + -1).str());
        }
      }
      for (const auto& k : schema())
        if (k.owner() == AgentList::claims && k.required && !seen.count(key_index(k)))
          fail(item.mark, "missing required key '" + k.local_path() + "'" + context + " (" + k.doc + ")");
      if (!c.metric.empty()) check_output(c, item, context);
      for (const auto& before : def_.claims)
        if (!c.id.empty() && before.id == c.id) fail(id->mark, "duplicate id '" + c.id + "' in claims; each id may be declared once");
      def_.claims.push_back(std::move(c));
    }
  }

  /// A claim's output must be one the model writes for this scenario: a declared metric of its scope's
  /// kind, and a scope whose agent (or sector) exists.
  void check_output(const ClaimDef& c, const Node& item, const std::string& context) {
    const Node* at = item.find("scope") ? item.find("scope") : item.find("metric");
    ScopeKind kind{};
    if (!scope_kind_of(c.scope, kind)) {
      fail(at->mark, "'scope'" + context + ": '" + c.scope + "' is not a scope (world, nation:<id>, without:<id>, lab:<id>, line:<id>, chipmaker:<id>, sector:<name>)");
      return;
    }
    const std::string id = kind == ScopeKind::world ? "" : c.scope.substr(c.scope.find(':') + 1);
    std::vector<std::string> known;
    if (kind == ScopeKind::nation) known = ids(AgentList::nations);
    if (kind == ScopeKind::without) known = def_.outputs_without;  // only these are written
    if (kind == ScopeKind::lab) known = ids(AgentList::labs);
    if (kind == ScopeKind::chipmaker) known = ids(AgentList::chipmakers);
    if (kind == ScopeKind::line) {
      known = ids(AgentList::labs);
      for (const auto& l : ids(AgentList::lines)) known.push_back(l);
    }
    if (kind == ScopeKind::sector) known.assign(sector_names.begin(), sector_names.end());
    if (kind != ScopeKind::world && std::find(known.begin(), known.end(), id) == known.end()) {
      const std::string prefix = scope_prefix(kind);
      fail(at->mark, "'scope'" + context + ": '" + id + "' is not " +
                         (kind == ScopeKind::without ? "in outputs.without (the nations whose without: outputs are written)" : "a declared " + prefix.substr(0, prefix.size() - 1)) +
                         did_you_mean(id, known));
      return;
    }
    if (!find_metric(c.scope, c.metric)) {
      std::vector<std::string> names;
      for (const auto& m : metric_catalog())
        if (m.scope == kind) names.push_back(m.name);
      fail(item.find("metric")->mark, "'metric'" + context + ": '" + c.metric + "' is not an output of scope " + c.scope + " (docs/outputs.md)" + did_you_mean(c.metric, names));
    }
  }

  /// Applies the events in time order to a copy and refuses one that leaves a nation without any
  /// bloc alignment (origin risk would be undefined).
  void check_event_effects() {
    std::vector<std::size_t> order(def_.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    // Triggered events may fire any month: they are checked after every dated one.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return applies_before(def_.events[a], def_.events[b]); });
    ScenarioDef state = def_;
    auto aligned = [](const NationDef& n) { return n.bloc[0] + n.bloc[1] + n.bloc[2] > 0; };
    for (std::size_t e : order) {
      std::vector<bool> before;
      for (const auto& n : state.nations) before.push_back(aligned(n));
      for (const auto& c : def_.events[e].changes) apply_change(state, c);
      // Only the event that takes the last weight away is to blame (a nation declared without any is
      // refused once, where it is declared).
      for (std::size_t n = 0; n < state.nations.size(); ++n)
        if (before[n] && !aligned(state.nations[n]))
          fail(event_marks_[e], "this event leaves nation '" + state.nations[n].id + "' with all bloc weights zero; keep at least one positive");
    }
  }

  /// One entry of an event's `set`: "labs.<id>.<key>" or "behaviour.<key>".
  void read_change(const Node::Entry& c, const std::string& context, EventDef& ev) {
    std::string path = c.key;
    if (path.find_first_of("[]") != std::string::npos) {
      fail(c.key_mark, "'" + path + "'" + context + ": address agents by id, e.g. labs.deepseek.open, not with []");
      return;
    }
    const KeyAddress address = address_of(path);
    const AgentList list = address.list;
    std::string key_path = address.schema_path;
    std::size_t agent = 0;
    if (list != AgentList::none) {
      const std::string head = agent_list_name(list);
      if (key_path.empty()) {
        fail(c.key_mark, "'" + path + "'" + context + ": expected " + head + ".<id>.<key>, e.g. " + head + ".X." +
                             (list == AgentList::labs || list == AgentList::lines ? "open"
                              : list == AgentList::nations                        ? "ban_rival_models_in"
                                                                                  : "export_banned_to"));

        return;
      }
      auto known = ids(list);
      auto it = std::find(known.begin(), known.end(), address.id);
      if (it == known.end()) {
        fail(c.key_mark, "'" + path + "'" + context + ": '" + address.id + "' is not a declared " + agent_noun(list) + did_you_mean(address.id, known) +
                             " (declared: " + list_text(known) + ")");
        return;
      }
      agent = static_cast<std::size_t>(it - known.begin());
    }
    const KeySpec* k = find_key(key_path);
    if (!k || !k->settable) {
      std::vector<std::string> candidates;
      for (const auto& s : schema())
        if (s.settable && s.owner() == list) candidates.push_back(list == AgentList::none ? s.path : s.local_path());
      std::string leaf = list == AgentList::none ? key_path : key_path.substr(key_path.find("[].") + 3);
      fail(c.key_mark, "'" + path + "'" + context + (k ? " cannot change during a run" : " is not a scenario key") +
                           did_you_mean(leaf, candidates) + " (keys an event can set here: " + list_text(candidates) + ")");
      return;
    }
    auto v = read_value(*k, c.value, context);
    if (!v) return;
    ev.changes.push_back(Change{key_index(*k), agent, *v});
  }

  std::string default_name_;
  ScenarioDef def_;
  std::vector<Diagnostic> errors_;
  std::vector<PendingRef> pending_;
  std::vector<Mark> event_marks_;  // where each event of def_.events was written
};

}  // namespace

ScenarioDef build_scenario(const Node& tree, const std::string& default_name) {
  return Builder(default_name).build(tree);
}

}  // namespace geosim
