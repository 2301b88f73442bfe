// The one declaration of scenario keys: complete, self-consistent, and the source of the docs.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fixtures.h"
#include "model/world.h"
#include "model/parameters.h"
#include "scenario/schema_doc.h"

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
