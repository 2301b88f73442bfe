#pragma once
// Writing JSON text (run.json, `geosim schema --json`): strings escaped per RFC 8259, numbers as the
// shortest text that reads back to the same double, and objects built key by key in a fixed order.
#include <cstdint>
#include <string>
#include <vector>

namespace geosim::json {

/// `text` as a JSON string, quotes included; control characters and non-UTF-8 bytes are escaped, so
/// that any std::string gives valid JSON.
std::string quote(const std::string& text);

/// A number as JSON; NaN and infinities, which JSON cannot hold, are `null`.
std::string number(double value);

/// A whole number as JSON, exactly (a seed of 2^53 + 1 keeps its last digit).
std::string whole(std::uint64_t value);

/// A list of texts as a JSON array of strings.
std::string strings(const std::vector<std::string>& items);

/// A JSON object written member by member, in the order they are added; `indent` spaces before each
/// member (0: on one line).
class Object {
 public:
  explicit Object(int indent = 0) : indent_(indent) {}
  /// Adds a member whose value is already JSON text (from the functions above, or a nested object).
  Object& raw(const std::string& key, const std::string& json_value);
  Object& text(const std::string& key, const std::string& value) { return raw(key, quote(value)); }
  Object& real(const std::string& key, double value) { return raw(key, number(value)); }
  Object& flag(const std::string& key, bool value) { return raw(key, value ? "true" : "false"); }
  /// The object's text; nested objects are indented `outer` spaces more than their members.
  std::string str(int outer = 0) const;

 private:
  int indent_;
  std::vector<std::pair<std::string, std::string>> members_;
};

}  // namespace geosim::json
