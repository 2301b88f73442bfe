#include "analysis/report/report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "analysis/report/figures.h"
#include "analysis/sweep/summary.h"
#include "core/errors.h"
#include "core/output_file.h"

namespace geosim::report {
namespace {
namespace fs = std::filesystem;

/// The files one report writes, each complete or absent. PLplot does not say when a write fails (a
/// full disk): a figure is drawn into NAME.partial and renamed only if it is a regular file that ends
/// with its closing </svg> tag. When anything fails, every file this report wrote goes too, so a
/// report.md (written last) never stands beside figures of another report.
class Outputs {
 public:
  template <class Draw>
  void figure(const fs::path& path, Draw draw) {
    const std::string tmp = partial_path(path.string());
    draw(tmp);
    if (!ends_with_closing_tag(tmp)) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw WriteFailure("cannot write " + path.string() + ": the figure was cut short (is the disk full?)");
    }
    fs::rename(tmp, path);
    written_.push_back(path.string());
  }
  void text(const fs::path& path, const std::string& text) {
    write_file_atomically(path.string(), text);
    written_.push_back(path.string());
  }
  void discard() {
    std::error_code ignored;
    for (const auto& f : written_) fs::remove(f, ignored);
    written_.clear();
  }
  const std::vector<std::string>& written() const { return written_; }

 private:
  static bool ends_with_closing_tag(const std::string& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return false;
    const auto size = fs::file_size(file, ec);
    const std::string tag = "</svg>\n";
    if (ec || size < tag.size()) return false;
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - tag.size()));
    std::string tail(tag.size(), '\0');
    return in.read(tail.data(), static_cast<std::streamsize>(tail.size())) && tail == tag;
  }
  std::vector<std::string> written_;
};

std::string num(double v, int digits = 4) {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// A file name from a record or series name: letters, digits, '-', '_' and '.'.
std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '-';
  return out;
}

void sensitivity_section(const sweep::Summary& s, std::size_t r, const fs::path& figures, std::string& md, Outputs& written) {
  const auto& info = s.info;
  const std::string& rec = info.records[r];
  md += "| parameter | SRC |";
  std::string rule = "|---|---|";
  if (!s.sobol.empty()) md += " S1 (95% interval) | ST (95% interval) |", rule += "---|---|";
  if (!s.morris.empty()) md += " μ* ± half-width | σ |", rule += "---|---|";
  md += "\n" + rule + "\n";
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    md += "| `" + info.parameters[i] + "` | " + num(s.regression[r].src[i], 3) + " |";
    if (!s.sobol.empty()) {
      const auto& f = s.sobol[r].first[i];
      const auto& t = s.sobol[r].total[i];
      md.append(" ").append(num(f.value, 3)).append(" (").append(num(f.low, 3)).append(", ").append(num(f.high, 3)).append(") | ");
      md.append(num(t.value, 3)).append(" (").append(num(t.low, 3)).append(", ").append(num(t.high, 3)).append(") |");
    }
    if (!s.morris.empty()) {
      const auto& m = s.morris[r];
      md.append(" ").append(num(m.mu_star[i], 3)).append(" ± ").append(num(m.mu_star_half_width[i], 2)).append(" | ").append(num(m.sigma[i], 3)).append(" |");
    }
    md += "\n";
  }
  md += "\nR² of the linear regression on the point means: " + num(s.regression[r].r_squared, 3) + ".\n\n";

  std::vector<BarSeries> bars;
  std::string what;
  if (!s.sobol.empty()) {
    BarSeries first{"S1", {}, {}, {}}, total{"ST", {}, {}, {}};
    for (const auto& e : s.sobol[r].first) first.value.push_back(e.value), first.low.push_back(e.low), first.high.push_back(e.high);
    for (const auto& e : s.sobol[r].total) total.value.push_back(e.value), total.low.push_back(e.low), total.high.push_back(e.high);
    bars = {first, total};
    what = "Sobol indices (95% bootstrap intervals)";
  } else if (!s.morris.empty()) {
    BarSeries mu{"mu*", {}, {}, {}}, sigma{"sigma", {}, {}, {}};
    const auto& m = s.morris[r];
    for (std::size_t i = 0; i < m.mu_star.size(); ++i) {
      mu.value.push_back(m.mu_star[i]), mu.low.push_back(m.mu_star[i] - m.mu_star_half_width[i]), mu.high.push_back(m.mu_star[i] + m.mu_star_half_width[i]);
      sigma.value.push_back(m.sigma[i]);
    }
    bars = {mu, sigma};
    what = "Morris mu* (95% interval) and sigma";
  } else {
    bars = {BarSeries{"SRC", s.regression[r].src, {}, {}}};
    what = "standardized regression coefficients";
  }
  const std::string name = "sensitivity-" + file_safe(rec) + ".svg";
  written.figure(figures / name, [&](const std::string& file) { bar_figure(file, rec + ": " + what, "index", info.parameters, bars); });
  md += "![" + rec + ": " + what + "](figures/" + name + ")\n\n";
}

/// The mean and 5-95% band, month by month, of series request q over a store's successful runs.
Band series_band(const sweep::Store& store, std::size_t q, const std::string& name) {
  Band band{name, {}, {}, {}};
  const auto runs = store.series(q);
  if (runs.empty()) return band;
  const std::size_t months = runs.front().second.size();
  for (std::size_t m = 0; m < months; ++m) {
    std::vector<double> values;
    for (const auto& [run, v] : runs)
      if (m < v.size()) values.push_back(v[m]);
    const sweep::Ensemble e = sweep::ensemble(values);
    band.mean.push_back(e.mean);
    band.low.push_back(std::isnan(e.p05) ? e.mean : e.p05);
    band.high.push_back(std::isnan(e.p95) ? e.mean : e.p95);
  }
  return band;
}

/// Draws every figure and writes report.md (last) into `dir`.
void compose(const sweep::Store& store, const std::optional<sweep::Store>& against, const sweep::Summary& s, const std::string& store_path,
             const fs::path& dir, Outputs& written) {
  const auto& info = s.info;
  const fs::path figures = dir / "figures";
  std::string md = "# Sweep report: " + info.name + "\n\n";
  md += "Written by `geosim report " + store_path + "`. Design: **" + info.method + "**";
  if (info.method == "saltelli" || info.method == "sobol") md += " (" + info.sequence + " sequence)";
  md += ", " + std::to_string(info.unit.rows) + " points × " + std::to_string(info.replicates) + " replicates = " + std::to_string(info.planned_runs) +
        " runs planned; " + std::to_string(s.runs_ok) + " succeeded, " + std::to_string(s.runs_failed) + " failed, " +
        std::to_string(info.planned_runs - s.runs_ok - s.runs_failed) + " not run yet. Simulated " + info.start.str() + " to " +
        (info.start + (info.months - 1)).str() + ". Store identity " + info.identity + ".\n\n";
  if (!s.note.empty()) md += "> " + s.note + ".\n\n";
  md += "Parameters: ";
  for (std::size_t i = 0; i < info.parameters.size(); ++i) md += (i ? ", `" : "`") + info.parameters[i] + "`";
  md += ".\n\nPoints show each design point's ensemble mean; bars span its 5th to 95th percentile over replicates. "
        "SRC: standardized regression coefficient of the point means on the parameters.\n\n";

  for (std::size_t r = 0; r < info.records.size(); ++r) {
    const std::string& rec = info.records[r];
    md += "## " + rec + "\n\n";
    std::vector<ScatterPanel> panels;
    for (std::size_t i = 0; i < info.parameters.size(); ++i) {
      ScatterPanel p;
      p.x_label = info.parameters[i];
      for (std::size_t pt = 0; pt < s.points.size(); ++pt) {
        p.x.push_back(info.numbers[pt][i]);
        p.y.push_back(s.points[pt][r].mean);
        p.y_low.push_back(s.points[pt][r].p05);
        p.y_high.push_back(s.points[pt][r].p95);
      }
      bool numeric = false;
      for (double x : p.x) numeric = numeric || std::isfinite(x);
      if (numeric) panels.push_back(std::move(p));
    }
    if (!panels.empty()) {
      const std::string name = "outcome-" + file_safe(rec) + ".svg";
      written.figure(figures / name, [&](const std::string& file) { scatter_figure(file, rec + " against each parameter", rec, panels); });
      md += "![" + rec + " against each parameter](figures/" + name + ")\n\n";
    }
    if (!info.parameters.empty()) sensitivity_section(s, r, figures, md, written);
    else {
      const auto& e = s.points[0][r];
      md += "Ensemble of " + std::to_string(e.n) + " runs: mean " + num(e.mean) + ", 90% interval " + num(e.p05) + " to " + num(e.p95) + ".\n\n";
    }
  }

  if (against) {
    // Single-point stores (ensembles of two scenarios): their recorded numbers side by side.
    const sweep::Summary base = sweep::summarize(*against);
    if (s.points.size() == 1 && base.points.size() == 1) {
      md += "## Against " + base.info.name + "\n\n| record | " + info.name + ": mean (90% interval) | " + base.info.name +
            ": mean (90% interval) | difference of means |\n|---|---|---|---|\n";
      for (std::size_t r = 0; r < info.records.size(); ++r)
        for (std::size_t b = 0; b < base.info.records.size(); ++b) {
          if (base.info.records[b] != info.records[r]) continue;
          const auto& e = s.points[0][r];
          const auto& f = base.points[0][b];
          md += "| " + info.records[r] + " | " + num(e.mean) + " (" + num(e.p05) + " to " + num(e.p95) + ") | " + num(f.mean) + " (" + num(f.p05) + " to " +
                num(f.p95) + ") | " + num(e.mean - f.mean) + " |\n";
        }
      md += "\n";
    }
  }

  for (std::size_t q = 0; q < info.series.size(); ++q) {
    std::vector<Band> bands = {series_band(store, q, info.name)};
    if (bands[0].mean.empty()) continue;
    const std::size_t runs = store.series(q).size();
    if (against)
      for (std::size_t b = 0; b < against->info().series.size(); ++b)
        if (against->info().series[b] == info.series[q]) bands.push_back(series_band(*against, b, against->info().name));
    const std::string name = "series-" + file_safe(info.series[q]) + ".svg";
    written.figure(figures / name, [&](const std::string& file) {
      band_figure(file, info.series[q] + ": mean and 5-95% band over " + std::to_string(runs) + " runs", info.series[q], info.start.index, bands);
    });
    const Band& b = bands[0];
    md += "## Series " + info.series[q] + "\n\nMean over all " + std::to_string(runs) + " successful runs, with the band from the 5th to the 95th percentile: last month " +
          num(b.mean.back()) + " (" + num(b.low.back()) + " to " + num(b.high.back()) + ")" +
          (bands.size() > 1 ? "; " + bands[1].name + " (grey): " + num(bands[1].mean.back()) + " (" + num(bands[1].low.back()) + " to " + num(bands[1].high.back()) + ")" : "") +
          ".\n\n![" + info.series[q] + "](figures/" + name + ")\n\n";
  }

  written.text(dir / "report.md", md);
}

}  // namespace

std::vector<std::string> write_report(const std::string& store_path, const std::string& out_dir, const std::string& against_path) {
  const sweep::Store store = sweep::Store::open(store_path);
  std::optional<sweep::Store> against;
  if (!against_path.empty()) against.emplace(sweep::Store::open(against_path));
  const sweep::Summary s = sweep::summarize(store);
  const fs::path dir(out_dir), figures = dir / "figures";
  std::error_code ec;
  const bool had_dir = fs::exists(dir, ec), had_figures = fs::exists(figures, ec);
  make_output_dir(figures.string(), "--out");
  Outputs written;
  try {
    compose(store, against, s, store_path, dir, written);
  } catch (...) {
    written.discard();
    if (!had_figures) fs::remove(figures, ec);  // only when empty: a folder of the user's stays
    if (!had_dir) fs::remove(dir, ec);
    throw;
  }
  std::vector<std::string> files = written.written();
  std::rotate(files.begin(), files.end() - 1, files.end());  // report.md first
  return files;
}

}  // namespace geosim::report
