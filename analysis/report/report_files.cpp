#include "analysis/report/report_files.h"

#include <cmath>
#include <fstream>

#include "core/errors.h"
#include "model/key_path.h"
#include "model/output_catalog.h"
#include "model/scenario_def.h"

namespace geosim::report {
namespace fs = std::filesystem;

namespace {

/// Whether `file` is a regular file whose last bytes are `tail` (a figure that was written whole).
bool ends_with(const std::string& file, const std::string& tail) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  const auto size = fs::file_size(file, ec);
  if (ec || size < tail.size()) return false;
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(size - tail.size()));
  std::string got(tail.size(), '\0');
  return in.read(got.data(), static_cast<std::streamsize>(got.size())) && got == tail;
}

}  // namespace

std::string Outputs::partial_name(const std::string& path, const std::string& ext) {
  return path.substr(0, path.size() - ext.size()) + ".partial" + ext;
}

void Outputs::finish_figure(const std::string& tmp, const fs::path& path) {
  const bool svg = path.extension() == ".svg";
  if (!ends_with(tmp, svg ? "</svg>\n" : "%%EOF\n")) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw WriteFailure("cannot write " + path.string() + ": the figure was cut short (is the disk full?)");
  }
  fs::rename(tmp, path);
  written_.push_back(path.string());
}

void Outputs::text(const fs::path& path, const std::string& text) {
  write_file_atomically(path.string(), text);
  written_.push_back(path.string());
}

void Outputs::discard() {
  std::error_code ignored;
  for (const auto& f : written_) fs::remove(f, ignored);
  written_.clear();
}

std::string num(double v, int digits) {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '-';
  return out;
}

std::string metric_unit(const std::string& scope, const std::string& metric) {
  const MetricSpec* spec = find_metric(scope, metric);
  return spec ? spec->unit : "";
}

std::string metric_label(const std::string& scope, const std::string& metric) {
  const std::string label = metric + (scope == "world" || scope.empty() ? "" : ", " + scope), unit = metric_unit(scope, metric);
  return unit.empty() ? label : label + " (" + unit + ")";
}

std::string parameter_unit(const std::string& path) {
  const KeySpec* key = find_key(address_of(path).schema_path);
  return key ? key->unit : "";
}

std::vector<Marker> event_markers(const ScenarioDef& def) {
  std::vector<Marker> markers;
  for (const auto& e : def.events) markers.push_back({e.at.index, e.at.str() + " " + (e.id.empty() ? e.note : e.id)});
  return markers;
}

}  // namespace geosim::report
