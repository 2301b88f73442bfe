#pragma once
// The one declaration of every output metric: its scope, unit, meaning and how it is computed. The
// month's outputs (outputs.cpp), `geosim metrics`, docs/outputs.md and the test that every emitted row
// is declared all read this table.
#include <string>
#include <vector>

namespace geosim {

/// Kinds of scope an output row describes; the scope text is the kind's prefix and an id.
enum class ScopeKind { world, sector, without, nation, lab, line, chipmaker };

/// One output metric. A name may hold one placeholder: <bloc>_<openness> (us, china, nonaligned x
/// closed, open), <bloc>, <sector> or <chipmaker>, expanded in that order.
struct MetricSpec {
  std::string name;
  ScopeKind scope;
  std::string unit;
  std::string meaning;     // one line
  std::string definition;  // how it is computed, exactly enough to re-implement (docs/outputs.md)
};

/// Every metric, in the order rows of one scope are written.
const std::vector<MetricSpec>& metric_catalog();

/// The scope text's prefix for a kind: "world", "sector:", "without:", "nation:", ...
const char* scope_prefix(ScopeKind kind);

/// The kind of a scope text ("nation:US" is a nation), or false when it is none.
bool scope_kind_of(const std::string& scope, ScopeKind& kind);

/// Whether `metric` is an expansion of `spec.name`; chipmaker placeholders match any id.
bool metric_matches(const MetricSpec& spec, const std::string& metric);

/// The declaration of `metric` for a scope text ("world", "nation:US", "chipmaker:nvidia"), or
/// nullptr when the scope is none or declares no such metric.
const MetricSpec* find_metric(const std::string& scope, const std::string& metric);

/// Every metric as text for a terminal (`geosim metrics`).
std::string metrics_text();

/// Every metric as Markdown tables, one per scope kind; docs/outputs.md embeds this verbatim.
std::string metrics_markdown();

}  // namespace geosim
