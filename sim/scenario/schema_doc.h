#pragma once
// The schema as text for `geosim schema`, as JSON for programs (`geosim schema --json`) and as the
// Markdown tables of docs/scenario-format.md.
#include <string>

namespace geosim {

/// Every key, one block per key, for reading in a terminal.
std::string schema_text();

/// Every key as Markdown tables, one per section; docs/scenario-format.md embeds this verbatim.
std::string schema_markdown();

/// Every key as one JSON object {"keys": [...]}, each key with everything its declaration holds
/// (docs/scenario-format.md, "The schema as JSON", lists the members).
std::string schema_json();

}  // namespace geosim
