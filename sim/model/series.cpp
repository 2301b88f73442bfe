// The CSV writer for series.csv.
#include "model/series.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/errors.h"

namespace geosim {

std::string format_value(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string format_or_na(double v) {
  return std::isnan(v) ? "NA" : format_value(v);
}

SeriesWriter::SeriesWriter(const std::string& path, const std::string& so_far) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw WriteFailure("cannot write " + path + ": " + std::strerror(errno));
  const std::string start = so_far.empty() ? std::string(series_header) : so_far;
  std::fwrite(start.data(), 1, start.size(), file_);
}

void SeriesWriter::flush() {
  if (file_ && std::fflush(file_) != 0) throw WriteFailure("writing " + path_ + " failed: " + std::strerror(errno));
}

SeriesWriter::~SeriesWriter() {
  if (file_) std::fclose(file_);
}

void SeriesWriter::write(Month month, const std::vector<OutputRow>& rows) {
  const std::string m = month.str();
  std::string line;
  for (const auto& r : rows) {
    line.clear();
    line += m;
    line += ',';
    line += r.scope;
    line += ',';
    line += r.metric;
    line += ',';
    line += format_value(r.value);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  // A full disk shows as soon as the buffer is written out; stop then, not months later at close().
  if (std::ferror(file_)) throw WriteFailure("writing " + path_ + " failed: " + std::strerror(errno));
}

void SeriesWriter::close() {
  if (!file_) return;
  bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) throw WriteFailure("writing " + path_ + " failed: " + std::strerror(errno));
}

double find_output(const std::vector<OutputRow>& rows, const std::string& scope, const std::string& metric) {
  for (const auto& r : rows)
    if (r.scope == scope && r.metric == metric) return r.value;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace geosim
