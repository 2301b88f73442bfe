#include "analysis/report/run_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "analysis/report/report_files.h"
#include "analysis/sweep/summary.h"
#include "analysis/sweep/sweep_def.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/month.h"
#include "model/series.h"
#include "scenario/loader.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;

/// series.csv of a long run of many nations is large, but not this large.
constexpr std::size_t max_series_input = std::size_t{1} << 31;

/// One run folder as a report reads it: every series of series.csv and, when it still loads, the
/// scenario the run resolved (for its name and its events).
struct RunFolder {
  std::string path, name;
  Month first;
  int months = 0;
  std::vector<std::string> keys;                   // "metric@scope", in the order series.csv first lists them
  std::map<std::string, std::vector<double>> values;  // per key, per month from `first` (NaN: no row)
  std::vector<Marker> markers;
  std::string markers_missing;  // why there are no event markers
  std::string unfinished;       // why the run's series may stop early ("" for a finished run)
};

/// Why the run in `dir` did not finish, from its INCOMPLETE marker or run.json's status; "" when it did.
std::string unfinished_because(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "INCOMPLETE", ec)) return "it holds geosim run's INCOMPLETE marker (the run failed or is still running)";
  const fs::path record = fs::path(dir) / "run.json";
  if (!fs::exists(record, ec)) return "";
  // run.json is geosim's own, written member by member: its status is the text after "status": ".
  const std::string text = read_input(record.string(), "run record");
  const std::string key = "\"status\": \"";
  const auto at = text.find(key);
  if (at == std::string::npos) return "";
  const std::string status = text.substr(at + key.size(), text.find('"', at + key.size()) - at - key.size());
  return status == "finished" ? "" : "its run.json says the run was " + status;
}

RunFolder read_run_folder(const std::string& dir) {
  RunFolder run;
  run.path = dir;
  run.name = fs::path(dir).lexically_normal().filename().string();
  if (run.name.empty() || run.name == ".") run.name = fs::absolute(dir).lexically_normal().parent_path().filename().string();
  const std::string csv_path = (fs::path(dir) / "series.csv").string();
  std::error_code ec;
  if (!fs::exists(csv_path, ec))
    throw BadInput(dir + " is not a run folder: it has no series.csv (geosim run SCENARIO --out " + dir + " writes one)");
  const std::string text = read_input(csv_path, "series file", max_series_input);
  const std::string header(series_header.substr(0, series_header.size() - 1));  // a file of the header alone, unended, has no rows
  if (text.compare(0, header.size(), header) != 0 || (text.size() > header.size() && text[header.size()] != '\n'))
    throw BadInput(csv_path + ": not a geosim series file (its first line is not '" + header + "')");
  struct Row {
    int month;
    std::string key;
    double value;
  };
  std::vector<Row> rows;
  int first = 0, last = 0;
  std::size_t line_no = 1;
  for (std::size_t at = text.find('\n'); at != std::string::npos && at + 1 < text.size();) {
    const std::size_t begin = at + 1, end = std::min(text.find('\n', begin), text.size());
    at = end == text.size() ? std::string::npos : end;
    ++line_no;
    const std::string_view line(text.data() + begin, end - begin);
    const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
    auto bad = [&](const std::string& why) { return BadInput(csv_path + ":" + std::to_string(line_no) + ": " + why); };
    if (c1 == std::string_view::npos || c2 == std::string_view::npos || c3 == std::string_view::npos || line.find(',', c3 + 1) != std::string_view::npos)
      throw bad("expected 4 fields: month,scope,metric,value");
    const auto month = parse_month(line.substr(0, c1));
    if (!month) throw bad("'" + std::string(line.substr(0, c1)) + "' is not a month (YYYY-MM)");
    const std::string_view value_text = line.substr(c3 + 1);
    double value = std::nan("");
    if (value_text != "NA") {
      const auto [ptr, err] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
      if (err != std::errc() || ptr != value_text.data() + value_text.size()) throw bad("'" + std::string(value_text) + "' is not a number");
    }
    if (rows.empty()) first = last = month->index;
    first = std::min(first, month->index), last = std::max(last, month->index);
    rows.push_back({month->index, std::string(line.substr(c2 + 1, c3 - c2 - 1)) + "@" + std::string(line.substr(c1 + 1, c2 - c1 - 1)), value});
  }
  if (rows.empty()) throw BadInput(csv_path + " has no rows: the run simulated no month");
  run.first = Month{first};
  run.months = last - first + 1;
  for (const Row& r : rows) {
    auto [it, fresh] = run.values.try_emplace(r.key);
    if (fresh) it->second.assign(static_cast<std::size_t>(run.months), std::nan("")), run.keys.push_back(r.key);
    it->second[static_cast<std::size_t>(r.month - first)] = r.value;
  }
  run.unfinished = unfinished_because(dir);
  try {
    const ScenarioDef def = load_scenario((fs::path(dir) / "scenario.resolved.yaml").string());
    run.name = def.name;
    run.markers = event_markers(def);
    // When the run's triggered events fired is in its event log (runs before geosim wrote one have none).
    std::ifstream log(fs::path(dir) / "events.csv");
    std::string line;
    for (std::getline(log, line); std::getline(log, line);) {
      const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
      if (c3 == std::string::npos || line.compare(c2 + 1, c3 - c2 - 1, "trigger") != 0) continue;
      if (const auto m = parse_month(line.substr(0, c1))) run.markers.push_back({m->index, m->str() + " " + line.substr(c1 + 1, c2 - c1 - 1) + " (fired)"});
    }
  } catch (const std::exception& e) {
    run.markers_missing = e.what();
  }
  return run;
}

/// The keys of `run` that `patterns` name, in the patterns' order, each once. A pattern the user gave
/// that matches nothing is an error; a default one that matches nothing is left out.
std::vector<std::string> chosen_series(const RunFolder& run, const std::vector<std::string>& patterns, bool defaults) {
  std::vector<std::string> keys;
  for (std::string p : patterns) {
    if (p.find('@') == std::string::npos) p += "@world";
    bool any = false;
    for (const auto& k : run.keys)
      if (sweep::wildcard_match(p, k)) {
        any = true;
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      }
    if (!any && !defaults)
      throw BadInput("--series '" + p + "': no series of " + run.path + " matches it (`geosim metrics` lists the metrics; a scope is world, nation:ID, ...)");
  }
  return keys;
}

std::string mean_of(const std::vector<double>& v) {
  double sum = 0;
  std::size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) sum += x, ++n;
  return num(n ? sum / static_cast<double>(n) : std::nan(""));
}

/// The last month with a value, or NaN.
double last_value(const std::vector<double>& v) {
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    if (std::isfinite(*it)) return *it;
  return std::nan("");
}

}  // namespace

std::string run_ensemble_csv(const std::vector<std::string>& run_dirs, const std::vector<std::string>& series) {
  if (run_dirs.empty()) throw BadInput("analyze: give at least one run folder");
  std::vector<RunFolder> runs;
  for (const auto& dir : run_dirs) {
    runs.push_back(read_run_folder(dir));
    const RunFolder& r = runs.back();
    if (r.first != runs.front().first || r.months != runs.front().months)
      throw BadInput(dir + " runs " + r.first.str() + " to " + (r.first + (r.months - 1)).str() + ", " + run_dirs.front() + " " + runs.front().first.str() + " to " +
                     (runs.front().first + (runs.front().months - 1)).str() + ": an ensemble of run folders needs the same months");
  }
  const std::vector<std::string> keys = series.empty() ? runs.front().keys : chosen_series(runs.front(), series, false);
  std::string out = "month,scope,metric,runs,mean,sd,p05,p95\n";
  for (const auto& key : keys) {
    const auto at = key.find('@');
    const std::string metric = key.substr(0, at), scope = key.substr(at + 1);
    for (int m = 0; m < runs.front().months; ++m) {
      std::vector<double> values;
      for (const auto& r : runs)
        if (const auto it = r.values.find(key); it != r.values.end() && std::isfinite(it->second[static_cast<std::size_t>(m)]))
          values.push_back(it->second[static_cast<std::size_t>(m)]);
      const sweep::Ensemble e = sweep::ensemble(values);
      out += (runs.front().first + m).str() + "," + sweep::csv_field(scope) + "," + sweep::csv_field(metric) + "," + std::to_string(e.n);
      for (double v : {e.n ? e.mean : std::nan(""), e.sd, e.p05, e.p95}) out.append(",").append(format_or_na(v));
      out += "\n";
    }
  }
  return out;
}

const std::vector<std::string>& default_run_series() {
  static const std::vector<std::string> series = {"usage_share.*@world", "price_index@world", "ai_spend@world", "revenue_closed_labs@world",
                                                  "capability_gap_us_china@world", "stranded_share@world"};
  return series;
}

std::vector<std::string> write_run_report(const std::string& run_dir, const std::string& out_dir, const std::string& against_dir,
                                          std::vector<std::string> series) {
  const RunFolder run = read_run_folder(run_dir);
  std::optional<RunFolder> against;
  if (!against_dir.empty()) {
    against.emplace(read_run_folder(against_dir));
    if (against->first.index != run.first.index)
      throw BadInput("cannot compare " + run_dir + " (from " + run.first.str() + ") with " + against_dir + " (from " + against->first.str() +
                     "): the two runs must start in the same month");
  }
  const bool defaults = series.empty();
  if (defaults) series = default_run_series();
  const std::vector<std::string> keys = chosen_series(run, series, defaults);
  if (keys.empty()) throw BadInput(run_dir + " has none of the series a run report shows by default; choose some with --series METRIC@SCOPE");

  return write_report_files(out_dir, [&](Outputs& written, const fs::path& dir) {
    const fs::path figures = dir / "figures";
    const Month last = run.first + (run.months - 1);
    std::string md = "# Run report: " + run.name + (against ? " against " + against->name : "") + "\n\n";
    md += "Written by `geosim report " + run_dir + (against ? " --against " + against_dir : "") + "`. " + run.name + " (" + run_dir + "): " +
          run.first.str() + " to " + last.str() + ".";
    if (against) md += " " + against->name + " (" + against_dir + ", dashed grey): " + against->first.str() + " to " + (against->first + (against->months - 1)).str() + ".";
    md += " Each figure is also written as a PDF beside its SVG; dotted lines mark the scenarios' events, numbered in the legend.\n\n";
    for (const RunFolder* r : {&run, against ? &*against : static_cast<const RunFolder*>(nullptr)}) {
      if (r && !r->unfinished.empty()) md += "> " + r->path + " did not finish: " + r->unfinished + "; its series end at " + (r->first + (r->months - 1)).str() + ".\n\n";
      if (r && !r->markers_missing.empty()) md += "> Event markers of " + r->path + " left out: " + r->markers_missing + ".\n\n";
    }
    std::vector<Marker> markers = run.markers;
    if (against)
      for (const Marker& m : against->markers)
        if (std::none_of(markers.begin(), markers.end(), [&](const Marker& k) { return k.month_index == m.month_index && k.label == m.label; }))
          markers.push_back(m);
    std::sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.month_index < b.month_index; });

    md += "| series | " + run.name + ", " + last.str() + " | " + run.name + ", mean |";
    if (against) md += " " + against->name + ", " + (against->first + (against->months - 1)).str() + " | " + against->name + ", mean | difference, last months |";
    md += "\n|---|---|---|" + std::string(against ? "---|---|---|" : "") + "\n";
    std::string sections;
    for (const std::string& key : keys) {
      const auto at = key.rfind('@');
      const std::string label = metric_label(key.substr(at + 1), key.substr(0, at));
      const std::vector<double>& v = run.values.at(key);
      std::vector<Band> bands = {Band{run.name, v, {}, {}, false}};
      const std::vector<double>* w = nullptr;
      if (against)
        if (auto it = against->values.find(key); it != against->values.end()) w = &it->second, bands.push_back(Band{against->name, *w, {}, {}, true});
      md += "| " + label + " | " + num(last_value(v)) + " | " + mean_of(v) + " |";
      if (against) md += w ? " " + num(last_value(*w)) + " | " + mean_of(*w) + " | " + num(last_value(v) - last_value(*w)) + " |" : " – | – | – |";
      md += "\n";
      const std::string name =
          written.figure(figures / ("run-" + file_safe(key)), [&](const std::string& file) { band_figure(file, key, axis_label(key), run.first.index, bands, markers); });
      sections += "## " + key + "\n\n![" + label + "](figures/" + name + ")\n\n";
    }
    md += "\n" + sections;
    written.text(dir / "report.md", md);
  });
}

}  // namespace geosim::report
