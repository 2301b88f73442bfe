#pragma once
// Writing a run's outputs as tidy long CSV: one row per month, scope and metric.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/month.h"
#include "model/world.h"

namespace geosim {

/// Formats a double as the shortest text that reads back to the same value ("nan" never occurs).
std::string format_value(double v);

/// format_value, or "NA" for NaN (a value that does not exist: tables of analyses and stores).
std::string format_or_na(double v);

/// The first line of every series.csv, its line break included.
inline constexpr std::string_view series_header = "month,scope,metric,value\n";

/// Streams rows of series.csv to a file.
class SeriesWriter {
 public:
  /// Opens `path` for writing and writes the header, or `so_far` (rows of earlier months, header
  /// included) when continuing a run; throws WriteFailure (core/errors.h) with the reason when it cannot,
  /// as write(), flush() and close() do.
  explicit SeriesWriter(const std::string& path, const std::string& so_far = "");
  ~SeriesWriter();
  SeriesWriter(const SeriesWriter&) = delete;
  SeriesWriter& operator=(const SeriesWriter&) = delete;
  void write(Month month, const std::vector<OutputRow>& rows);
  /// Pushes what was written to the file.
  void flush();
  /// Flushes and closes; throws WriteFailure when the data could not be written (disk full, ...).
  void close();

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

/// The value of `metric` for `scope` in a month's rows, or NaN when absent.
double find_output(const std::vector<OutputRow>& rows, const std::string& scope, const std::string& metric);

}  // namespace geosim
