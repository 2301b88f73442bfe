#pragma once
// The text of an SVG file as a test reads it: PLplot writes each label as character references
// (&#x74;&#x72;...) inside <tspan> elements, so a plain search of the file never finds a label.
#include <string>

namespace svg {

/// Every text run of `svg`, decoded, each on a line of its own ("\ntrue\n" is a label "true").
inline std::string text(const std::string& svg) {
  std::string out = "\n";
  bool in_tag = false;
  for (std::size_t i = 0; i < svg.size(); ++i) {
    const char c = svg[i];
    if (c == '<') {
      in_tag = true;
      if (out.back() != '\n') out += '\n';
    } else if (c == '>') {
      in_tag = false;
    } else if (in_tag || c == '\n') {
    } else if (svg.compare(i, 3, "&#x") == 0 && svg.find(';', i) != std::string::npos) {
      const auto end = svg.find(';', i);
      const unsigned long cp = std::stoul(svg.substr(i + 3, end - i - 3), nullptr, 16);
      // UTF-8, as the labels were written.
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
      else out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
      i = end;
    } else if (c != ' ' || out.back() != '\n') {
      out += c;
    }
  }
  return out + "\n";
}

/// Whether `svg` shows `label` as one text run.
inline bool shows(const std::string& svg, const std::string& label) { return text(svg).find("\n" + label + "\n") != std::string::npos; }

}  // namespace svg
