// The one declaration of scenario keys: complete, self-consistent, and the source of the docs.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fixtures.h"
#include "model/world.h"
#include "model/key_path.h"
#include "model/output_catalog.h"
#include "model/parameters.h"
#include "scenario/loader.h"
#include "scenario/schema_doc.h"
#include "scenario/yaml_text.h"

TEST_CASE("every key has a meaning, and numbers have a unit and a sane range") {
  std::set<std::string> paths;
  for (const auto& k : geosim::schema()) {
    INFO(k.path);
    CHECK(paths.insert(k.path).second);
    CHECK(!k.doc.empty());
    if (k.type == geosim::KeyType::real || k.type == geosim::KeyType::integer) {
      CHECK(!k.unit.empty());
      CHECK(k.min < k.max);
    }
    if (k.type == geosim::KeyType::choice || k.type == geosim::KeyType::choice_list) CHECK(!k.choices.empty());
    // Events and claims are lists the loader reads itself; every other key is bound to its field.
    if (k.owner() != geosim::AgentList::events && k.owner() != geosim::AgentList::claims) CHECK(static_cast<bool>(k.set));
  }
}

TEST_CASE("the resolved scenario loads back to exactly the same scenario") {
  std::string path = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  auto def = geosim::load_scenario(path);
  std::string once = geosim::resolved_yaml(def);
  auto again = geosim::load_scenario_text(once, "resolved.yaml");
  CHECK(geosim::resolved_yaml(again) == once);
  CHECK(again.name == def.name);
  CHECK(again.events.size() == def.events.size());
  CHECK(again.labs.size() == def.labs.size());
}

TEST_CASE("docs/scenario-format.md carries the generated key tables verbatim") {
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string begin = "<!-- BEGIN GENERATED: geosim schema --format markdown -->\n";
  const std::string end = "<!-- END GENERATED -->";
  auto a = doc.find(begin), b = doc.find(end);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  std::string section = doc.substr(a + begin.size(), b - a - begin.size());
  CHECK_MESSAGE(section == geosim::schema_markdown(), "docs/scenario-format.md is out of date: run docs/update-generated.sh");
}

TEST_CASE("every output a run writes is declared, in declaration order, and every declared output is written") {
  // The baseline has every kind of scope but lines; a lab with two lines adds those.
  std::string baseline = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  std::vector<geosim::ScenarioDef> defs = {
      geosim::load_scenario(baseline, {geosim::parse_override("population.adopters=3000"), geosim::parse_override("outputs.without=[CN]")}),
      geosim::load_scenario_text(fixtures::tiny + "lines:\n  - {id: y-max, lab: y, open: false, capability: 95, cost: 2}\n", "tiny.yaml")};
  geosim::set_horizon(defs[0], 3);

  const auto& catalog = geosim::metric_catalog();
  std::vector<bool> written(catalog.size(), false);
  for (const auto& def : defs) {
    geosim::World w(def);
    while (!w.done()) {
      w.step();
      std::string scope;
      std::size_t last = 0;
      for (const auto& r : w.outputs()) {
        INFO(r.scope << " " << r.metric);
        geosim::ScopeKind kind;
        REQUIRE(geosim::scope_kind_of(r.scope, kind));
        if (r.scope != scope) scope = r.scope, last = 0;
        std::size_t found = catalog.size();
        for (std::size_t k = last; k < catalog.size() && found == catalog.size(); ++k)
          if (catalog[k].scope == kind && geosim::metric_matches(catalog[k], r.metric)) found = k;
        CHECK_MESSAGE(found < catalog.size(), "not declared, or out of the declared order");
        if (found < catalog.size()) written[found] = true, last = found;
      }
    }
  }
  for (std::size_t k = 0; k < catalog.size(); ++k) CHECK_MESSAGE(written[k], "declared but never written: " << catalog[k].name);

}

TEST_CASE("find_metric: the declaration of a scope's metric, placeholders expanded, or nullptr") {
  const geosim::MetricSpec* usage = geosim::find_metric("world", "usage_share.us_open");
  REQUIRE(usage != nullptr);
  CHECK(usage->name == "usage_share.<bloc>_<openness>");
  CHECK(usage->unit == "share of adopted weight");
  // The same name declared for another scope kind carries that kind's unit.
  REQUIRE(geosim::find_metric("nation:US", "usage_share.us_open") != nullptr);
  CHECK(geosim::find_metric("nation:US", "usage_share.us_open")->unit == "share of the nation's adopted weight");
  REQUIRE(geosim::find_metric("nation:CN", "chip_share.nvidia") != nullptr);
  CHECK(geosim::find_metric("nation:CN", "chip_share.nvidia")->name == "chip_share.<chipmaker>");
  REQUIRE(geosim::find_metric("chipmaker:huawei", "compute_share") != nullptr);
  CHECK(geosim::find_metric("chipmaker:huawei", "compute_share")->unit == "share of the world's adopted weight");
  REQUIRE(geosim::find_metric("world", "price_index") != nullptr);
  CHECK(geosim::find_metric("world", "price_index")->unit == "USD per 1M tokens");
  CHECK(geosim::find_metric("sector:developer", "usage_share.china_open") != nullptr);
  // The declared name itself is found too, as a reader of docs/outputs.md would type it.
  CHECK(geosim::find_metric("world", "usage_share.<bloc>_<openness>") == geosim::find_metric("world", "usage_share.us_open"));
  // Undeclared: a metric of another scope kind, an unknown name or expansion, a scope that is none.
  CHECK(geosim::find_metric("world", "rival_model_dependency") == nullptr);
  CHECK(geosim::find_metric("world", "usage_share.eu_open") == nullptr);
  CHECK(geosim::find_metric("nation:US", "no_such_metric") == nullptr);
  CHECK(geosim::find_metric("planet", "adoption") == nullptr);
  CHECK(geosim::find_metric("nation:", "adoption") == nullptr);
  CHECK(geosim::find_metric("", "adoption") == nullptr);
}

TEST_CASE("docs/outputs.md carries the generated metric tables verbatim") {
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/outputs.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string begin = "<!-- BEGIN GENERATED: geosim metrics --format markdown -->\n";
  const std::string end = "<!-- END GENERATED -->";
  auto a = doc.find(begin), b = doc.find(end);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK_MESSAGE(doc.substr(a + begin.size(), b - a - begin.size()) == geosim::metrics_markdown(), "docs/outputs.md is out of date: run docs/update-generated.sh");
}

TEST_CASE("one codec per concept: key paths, agent lists and YAML values read back what they write") {
  // Key paths: every agent key addressed by an id comes back as its schema path.
  // (Events are not addressed this way: no event sets another's keys.)
  for (const auto& k : geosim::schema()) {
    INFO(k.path);
    if (k.owner() == geosim::AgentList::events) continue;
    const std::string path = geosim::key_path_of(k, "some-id");
    const geosim::KeyAddress a = geosim::address_of(path);
    CHECK(a.schema_path == k.path);
    if (k.owner() == geosim::AgentList::none) continue;
    CHECK(a.list == k.owner());
    CHECK(a.id == "some-id");
  }
  CHECK(geosim::address_of("labs.deepseek").schema_path.empty());
  CHECK(geosim::split_key_path("a.b..c") == std::vector<std::string>{"a", "b", "", "c"});
  // Agent lists: names and lists are each other's inverse.
  for (auto list : {geosim::AgentList::nations, geosim::AgentList::labs, geosim::AgentList::chipmakers, geosim::AgentList::events})
    CHECK(geosim::agent_list_named(geosim::agent_list_name(list)) == list);
  CHECK(geosim::agent_list_named("behaviour") == geosim::AgentList::none);
  // Values: text with quotes, backslashes and control characters, lists and maps load back the same.
  const std::string awkward = "a \"quoted\"\n\tback\\slash \x01 end";
  CHECK(geosim::parse_yaml(geosim::value_yaml(geosim::Value{awkward}), "t").scalar == awkward);
  const geosim::Node list = geosim::parse_yaml(geosim::value_yaml(geosim::Value{std::vector<std::string>{"CN", "true", "1"}}), "t");
  REQUIRE(list.seq.size() == 3);
  CHECK(list.seq[1].quoted);  // stays text: never read back as a boolean
  CHECK(geosim::value_yaml(geosim::Value{2.5}) == "2.5");
  CHECK(geosim::value_yaml(geosim::Value{3.0}, true) == "3");
  const geosim::Node map = geosim::parse_yaml("{a: [1, 'x'], b: null}", "t");
  CHECK(geosim::node_yaml(map) == "{a: [1, \"x\"], b: null}");
}
