#pragma once
// Values written as YAML text: the one writer for resolved scenarios, sweeps' overrides and levels,
// and the viewer's levers. What it writes, geosim's YAML reader reads back to the same value.
#include <string>

#include "model/scenario_def.h"
#include "scenario/tree.h"

namespace geosim {

/// A text as a double-quoted YAML scalar, with quotes, backslashes and control characters escaped.
std::string yaml_quoted(const std::string& text);

/// A value as flow YAML: the shortest number that reads back exactly (a whole number without a
/// fraction when `whole_number`), true/false, a quoted text, [lists] and {maps}.
std::string value_yaml(const Value& value, bool whole_number = false);

/// A parsed node as flow YAML: plain scalars as written, quoted ones quoted, lists and maps in flow style.
std::string node_yaml(const Node& node);

}  // namespace geosim
