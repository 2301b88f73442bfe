#include "core/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace geosim::json {
namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

}  // namespace

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\', out += static_cast<char>(c), ++i;
    } else if (c >= 0x20 && c < 0x80) {
      out += static_cast<char>(c), ++i;
    } else if (c < 0x20) {
      const char* named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : nullptr;
      if (named) {
        out += named;
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
      ++i;
    } else if (const std::size_t n = utf8_length(text, i)) {
      out.append(text, i, n), i += n;
    } else {
      out += "\\ufffd", ++i;  // a byte that is not UTF-8 (a file name in another encoding, say)
    }
  }
  return out + "\"";
}

std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

std::string whole(std::uint64_t value) {
  return std::to_string(value);
}

std::string strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

Object& Object::raw(const std::string& key, const std::string& json_value) {
  members_.emplace_back(key, json_value);
  return *this;
}

std::string Object::str(int outer) const {
  if (members_.empty()) return "{}";
  const std::string pad(static_cast<std::size_t>(outer + indent_), ' ');
  const std::string close_pad(static_cast<std::size_t>(outer), ' ');
  const char* sep = indent_ > 0 ? ",\n" : ", ";
  std::string out = indent_ > 0 ? "{\n" : "{";
  for (std::size_t i = 0; i < members_.size(); ++i)
    out += (i ? sep : "") + (indent_ > 0 ? pad : "") + quote(members_[i].first) + ": " + members_[i].second;
  return out + (indent_ > 0 ? "\n" + close_pad + "}" : "}");
}

}  // namespace geosim::json
