// The JSON writer (sim/core/json.h) that run.json and `geosim schema --json` use: whatever text goes
// in, the output is valid JSON that reads back to the same text and numbers.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "../json_reader.h"
#include "core/json.h"

TEST_CASE("json::quote escapes what JSON requires and keeps UTF-8, so any text reads back") {
  const std::string tricky = std::string("quote \" backslash \\ tab \t newline \n cr \r bell \x07 nul ") + '\0' + " end \x7f";
  CHECK(json_test::parse(geosim::json::quote(tricky)).text == tricky);
  CHECK(geosim::json::quote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(geosim::json::quote(std::string("\x01", 1)) == "\"\\u0001\"");
  // UTF-8 passes through whole (two, three and four bytes).
  const std::string utf8 = "S\xC3\xA3o Paulo \xE2\x80\x94 \xF0\x9F\x93\x88";
  CHECK(geosim::json::quote(utf8) == "\"" + utf8 + "\"");
  CHECK(json_test::parse(geosim::json::quote(utf8)).text == utf8);
  // Bytes that are not UTF-8 (a Latin-1 file name, a cut sequence, an overlong '/', a surrogate)
  // become U+FFFD rather than invalid JSON.
  for (const std::string bad : {"caf\xE9", "cut \xE2\x80", "over \xC0\xAF", "surrogate \xED\xA0\x80", "past \xF4\x90\x80\x80"}) {
    INFO(bad);
    const std::string q = geosim::json::quote(bad);
    CHECK(q.find("\\ufffd") != std::string::npos);
    CHECK_NOTHROW(json_test::parse(q));
  }
}

TEST_CASE("json numbers read back exactly, and NaN and infinities, which JSON lacks, are null") {
  for (double v : {0.0, -1.5, 0.1, 1e-300, 6.02214076e23, 123456789.125, std::numeric_limits<double>::max()}) {
    const auto parsed = json_test::parse(geosim::json::number(v));
    CHECK(parsed.kind == json_test::Value::Kind::number);
    CHECK(parsed.number == v);
  }
  CHECK(geosim::json::number(std::nan("")) == "null");
  CHECK(geosim::json::number(-std::numeric_limits<double>::infinity()) == "null");
  CHECK(geosim::json::whole(9007199254740993ull) == "9007199254740993");  // 2^53 + 1: every digit
}

TEST_CASE("json::Object writes members in order, nested and indented, as valid JSON") {
  geosim::json::Object inner(2);
  inner.text("name", "x").real("value", 2.5);
  geosim::json::Object outer(2);
  outer.text("first", "a").raw("list", geosim::json::strings({"p", "q\""})).raw("inner", inner.str(2)).flag("ok", true).raw("none", "null");
  const std::string text = outer.str();
  CHECK(text == "{\n  \"first\": \"a\",\n  \"list\": [\"p\", \"q\\\"\"],\n  \"inner\": {\n    \"name\": \"x\",\n    \"value\": 2.5\n  },\n"
                "  \"ok\": true,\n  \"none\": null\n}");
  const auto v = json_test::parse(text);
  REQUIRE(v.members.size() == 5);
  CHECK(v.members[0].first == "first");
  CHECK(v["list"].items[1].text == "q\"");
  CHECK(v["inner"]["value"].number == 2.5);
  CHECK(v["ok"].boolean);
  CHECK(v["none"].is_null());
  CHECK(geosim::json::Object().str() == "{}");
}

TEST_CASE("the test's JSON reader refuses what is not JSON") {
  for (const char* bad : {"{\"a\": 1,}", "[1, 2", "01", "{\"a\" 1}", "\"tab\there\"", "[1] x", "nul", "\"\\x\"", "\"\\ud800\""}) {
    INFO(bad);
    CHECK_THROWS(json_test::parse(bad));
  }
}
