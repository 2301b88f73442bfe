#pragma once
// The schema as text for `geosim schema` and as the Markdown tables of docs/scenario-format.md.
#include <string>

namespace geosim {

/// Every key, one block per key, for reading in a terminal.
std::string schema_text();

/// Every key as Markdown tables, one per section; docs/scenario-format.md embeds this verbatim.
std::string schema_markdown();

}  // namespace geosim
