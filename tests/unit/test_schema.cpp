// The one declaration of scenario keys: complete, self-consistent, and the source of the docs.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fixtures.h"
#include "model/world.h"
#include "scenario/key_path.h"
#include "scenario/schema.h"
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
    if (k.owner() != geosim::AgentList::events) CHECK(static_cast<bool>(k.set));
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
  CHECK_MESSAGE(section == geosim::schema_markdown(), "docs/scenario-format.md is out of date: run docs/update-scenario-format.sh");
}

TEST_CASE("every metric a run writes is defined in docs/outputs.md") {
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/outputs.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  auto def = geosim::load_scenario_text(fixtures::tiny, "tiny.yaml");
  geosim::World w(def);
  w.step();
  std::set<std::string> metrics;
  for (const auto& r : w.outputs()) {
    std::string m = r.metric;
    if (m.rfind("chip_share.", 0) == 0) m = "chip_share.<chipmaker id>";
    for (const char* sector : {"enterprise", "public", "developer"})
      if (m == std::string("open_share.") + sector) m = "open_share.<sector>";
    for (const char* bloc : {"us", "china", "nonaligned"}) {
      if (m == std::string("influence.") + bloc) m = "influence.<bloc>";
      for (const char* open : {"_open", "_closed"})
        if (m == std::string("usage_share.") + bloc + open) m = "usage_share.<bloc>_<openness>";
    }
    metrics.insert(m);
  }
  CHECK(metrics.size() > 20);
  for (const auto& m : metrics) CHECK_MESSAGE(doc.find("`" + m + "`") != std::string::npos, m);
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
