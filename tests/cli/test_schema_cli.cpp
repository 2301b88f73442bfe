// `geosim schema --json`: every scenario key with its whole declaration, as valid JSON.
#include <doctest/doctest.h>

#include <map>

#include "../json_reader.h"
#include "cli_helpers.h"
#include "model/parameters.h"

using cli::contains;

TEST_CASE("geosim schema --json holds every scenario key with its declaration, as valid JSON") {
  const auto r = cli::geosim("schema --json");
  REQUIRE(r.code == 0);
  const auto j = json_test::parse(r.out);
  const auto& keys = j["keys"].items;
  REQUIRE(keys.size() == geosim::schema().size());
  std::map<std::string, const json_test::Value*> by_path;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& spec = geosim::schema()[i];
    INFO(spec.path);
    CHECK(keys[i]["path"].text == spec.path);
    CHECK(keys[i]["meaning"].text == spec.doc);
    CHECK(keys[i]["unit"].text == spec.unit);
    CHECK(keys[i]["expects"].text == geosim::describe_expected(spec));
    CHECK(keys[i]["required"].boolean == spec.required);
    CHECK(keys[i]["event_may_set"].boolean == spec.settable);
    if (spec.default_text.empty()) CHECK(keys[i]["default"].is_null());
    else CHECK(keys[i]["default"].text == spec.default_text);
    by_path[spec.path] = &keys[i];
  }
  const auto& adopters = *by_path.at("population.adopters");
  CHECK(adopters["type"].text == "integer");
  CHECK(adopters["section"].text == "population");
  CHECK(adopters["min"].number == 1);
  CHECK(adopters["max"].number == 1e8);
  CHECK(adopters["default"].text == "100000");
  CHECK(adopters["choices"].is_null());
  const auto& network = *by_path.at("population.network.kind");
  CHECK(network["type"].text == "choice");
  CHECK(network["min"].is_null());
  CHECK(network["choices"].items.size() >= 2);
  const auto& affinity = *by_path.at("labs[].affinity");
  CHECK(affinity["type"].text == "ref_map");
  CHECK(affinity["refers_to"].text == "chipmakers");
  CHECK(affinity["max"].number == 1);
  CHECK(by_path.at("behaviour.bass_q")->operator[]("event_may_set").boolean);
  // --format keeps its two forms, and does not mix with --json.
  CHECK(contains(cli::geosim("schema --format markdown").out, "| `behaviour.bass_q` |"));
  CHECK(cli::geosim("schema --json --format text").code == 2);
}
