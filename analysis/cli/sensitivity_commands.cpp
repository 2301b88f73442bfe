// `geosim design` and `geosim analyze`: the sensitivity tools as SALib-style steps, usable with any
// model. A design file is CSV with two comment lines that say how it was made, so that `analyze`
// needs nothing else:
//   # geosim design: method=saltelli base=1000 trajectories=0 levels=0 seed=42
//   # ranges: x1=-3.14:3.14,x2=-3.14:3.14
//   x1,x2
//   ...
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <filesystem>

#include "analysis/sensitivity/indices.h"
#include "analysis/sweep/summary.h"
#include "analysis/report/run_report.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"
#include "core/input_file.h"
#include "core/output_file.h"
#include "model/series.h"

namespace geosim::analysis {
namespace {

struct Parameter {
  std::string name;
  double low = 0, high = 1;
};

/// The whole text as a finite number, or an error naming `what`.
double strict_number(std::string text, const std::string& what) {
  if (!text.empty() && text.back() == '\r') text.pop_back();  // files written on Windows
  double v = 0;
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  auto r = std::from_chars(begin, text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(v))
    throw std::invalid_argument(what + ": '" + text + "' is not a finite number");
  return v;
}

Parameter parse_parameter(const std::string& text) {
  // NAME:LOW:HIGH
  auto c1 = text.find(':'), c2 = text.rfind(':');
  if (c1 == std::string::npos || c1 == c2) throw std::invalid_argument("--param '" + text + "': expected NAME:LOW:HIGH, e.g. bass_q:0.1:0.6");
  if (text.find(':', c1 + 1) != c2) throw std::invalid_argument("--param '" + text + "': expected NAME:LOW:HIGH, with exactly two ':'");
  Parameter p{text.substr(0, c1), 0, 0};
  p.low = strict_number(text.substr(c1 + 1, c2 - c1 - 1), "--param '" + text + "': LOW");
  p.high = strict_number(text.substr(c2 + 1), "--param '" + text + "': HIGH");
  // The name is a CSV column and a key of the design's "# ranges:" line: no separators, no spaces or
  // control characters (a newline wrote a design that analyze could not read back).
  const bool bad_name = p.name.empty() || std::any_of(p.name.begin(), p.name.end(), [](char c) {
    return c == ',' || c == '=' || std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c));
  });
  if (bad_name) throw std::invalid_argument("--param '" + text + "': the name must be non-empty, without commas, '=', spaces or control characters");
  if (!(p.low < p.high)) throw std::invalid_argument("--param '" + text + "': expected LOW < HIGH");
  return p;
}

/// The parameters of a design, each named once.
std::vector<Parameter> parse_parameters(const std::vector<std::string>& texts) {
  std::vector<Parameter> out;
  for (const auto& t : texts) {
    out.push_back(parse_parameter(t));
    for (std::size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i].name == out.back().name)
        throw std::invalid_argument("--param '" + t + "': the name '" + out.back().name + "' is given twice; each parameter needs its own name");
  }
  return out;
}


struct DesignFile {
  std::string method;
  std::size_t base = 0, trajectories = 0, levels = 0;
  std::uint64_t seed = 0;
  Sequence sequence = Sequence::random;  // files from before the Sobol sequence say nothing: random
  std::vector<Parameter> params;
  Design unit;  // values scaled back to [0, 1]
};

void write_design(const std::string& path, const DesignFile& f) {
  std::ostringstream out;
  out << "# geosim design: method=" << f.method << " base=" << f.base << " trajectories=" << f.trajectories << " levels=" << f.levels
      << " seed=" << f.seed << " sequence=" << sequence_name(f.sequence) << "\n# ranges: ";
  for (std::size_t i = 0; i < f.params.size(); ++i)
    out << (i ? "," : "") << f.params[i].name << "=" << format_value(f.params[i].low) << ":" << format_value(f.params[i].high);
  out << "\n";
  for (std::size_t i = 0; i < f.params.size(); ++i) out << (i ? "," : "") << f.params[i].name;
  out << "\n";
  for (std::size_t r = 0; r < f.unit.rows; ++r) {
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const auto& p = f.params[i];
      out << (i ? "," : "") << format_value(p.low + f.unit.at(r, i) * (p.high - p.low));
    }
    out << "\n";
  }
  write_file_atomically(path, out.str());
}

DesignFile read_design(const std::string& path) {
  std::istringstream in(read_input(path, "design file"));
  DesignFile f;
  std::string line;
  auto bad = [&](const std::string& why) { return std::invalid_argument(path + ": " + why + " (write designs with geosim design)"); };
  if (!std::getline(in, line) || line.rfind("# geosim design: ", 0) != 0) throw bad("no '# geosim design:' first line");
  {
    std::istringstream ss(line.substr(17));
    std::string kv;
    while (ss >> kv) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw bad("malformed design line");
      std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
      auto whole = [&](const std::string& t) {
        std::uint64_t n = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), n);
        if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) throw bad("'" + kv + "' is not a whole number");
        return n;
      };
      if (k == "method") f.method = v;
      else if (k == "base") f.base = whole(v);
      else if (k == "trajectories") f.trajectories = whole(v);
      else if (k == "levels") f.levels = whole(v);
      else if (k == "seed") f.seed = whole(v);
      else if (k == "sequence") f.sequence = parse_sequence(v);
    }
  }
  if (!std::getline(in, line) || line.rfind("# ranges: ", 0) != 0) throw bad("no '# ranges:' second line");
  {
    std::istringstream ss(line.substr(10));
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto eq = item.find('=');
      if (eq == std::string::npos) throw bad("malformed ranges line");
      f.params.push_back(parse_parameter(item.substr(0, eq) + ":" + item.substr(eq + 1)));
    }
  }
  for (std::size_t i = 0; i < f.params.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (f.params[i].name == f.params[j].name) throw bad("the parameter '" + f.params[i].name + "' is named twice");
  if (f.method != "saltelli" && f.method != "morris") throw bad("unknown method '" + f.method + "'");
  std::getline(in, line);  // column names
  f.unit.dims = f.params.size();
  std::size_t row = 3;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::istringstream ss(line);
    std::string cell;
    std::size_t i = 0;
    while (std::getline(ss, cell, ',')) {
      if (i >= f.params.size()) throw bad("line " + std::to_string(row) + " has more values than parameters");
      const auto& p = f.params[i++];
      f.unit.values.push_back((strict_number(cell, path + " line " + std::to_string(row)) - p.low) / (p.high - p.low));
    }
    if (i != f.params.size()) throw bad("line " + std::to_string(row) + " has fewer values than parameters");
    ++f.unit.rows;
  }
  return f;
}

std::vector<double> read_outputs(const std::string& path) {
  std::istringstream in(read_input(path, "outputs file"));
  std::vector<double> y;
  std::string line;
  bool first = true;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    try {
      y.push_back(strict_number(line, path + " line " + std::to_string(row)));
    } catch (const std::invalid_argument&) {
      if (!first) throw std::invalid_argument(path + " line " + std::to_string(row) + ": '" + line + "' is not a number (one output per line, in design row order)");
      // The first line may be a header.
    }
    first = false;
  }
  return y;
}

CLI::App* design_command(CLI::App& app, std::string& method, std::vector<std::string>& params, std::size_t& base, std::size_t& trajectories,
                         std::size_t& levels, std::uint64_t& seed, std::string& sequence, std::string& out) {
  auto* cmd = app.add_subcommand("design", "Write a sensitivity design (Saltelli for Sobol indices, or Morris) as CSV");
  cmd->add_option("--method", method, "saltelli or morris")->required()->check(CLI::IsMember({"saltelli", "morris"}));
  cmd->add_option("--param", params, "A parameter as NAME:LOW:HIGH (repeatable, in order)")->required();
  cmd->add_option("--base", base, "saltelli: number of base points (rows = base x (parameters + 2))");
  cmd->add_option("--trajectories", trajectories, "morris: number of trajectories (rows = trajectories x (parameters + 1))");
  cmd->add_option("--levels", levels, "morris: grid levels (even)");
  cmd->add_option("--seed", seed, "Seed of the design's random numbers (and of the Sobol sequence's scrambling)");
  cmd->add_option("--sequence", sequence, "saltelli: sobol-scrambled (default), sobol or random")
      ->check(CLI::IsMember({"sobol-scrambled", "sobol", "random"}));
  cmd->add_option("--out", out, "Design CSV to write")->required();
  return cmd;
}

// clang-format off
const geosim::cli::Registration design_registration{[](CLI::App& app) -> std::function<int()> {
  struct Options { std::string method, out, sequence = "sobol-scrambled"; std::vector<std::string> params; std::size_t base = 1000, trajectories = 50, levels = 4; std::uint64_t seed = 1; };
  auto o = std::make_shared<Options>();
  auto* cmd = design_command(app, o->method, o->params, o->base, o->trajectories, o->levels, o->seed, o->sequence, o->out);
  return [cmd, o]() -> int {
    if (!*cmd) return -1;
    DesignFile f;
    f.method = o->method;
    f.seed = o->seed;
    f.params = parse_parameters(o->params);
    if (f.method == "saltelli") {
      f.base = o->base, f.sequence = parse_sequence(o->sequence);
      f.unit = saltelli(o->base, f.params.size(), o->seed, f.sequence);
    }
    else f.trajectories = o->trajectories, f.levels = o->levels, f.unit = morris(o->trajectories, f.params.size(), o->levels, o->seed);
    write_design(o->out, f);
    std::printf("wrote %zu rows of %zu parameters to %s\n", f.unit.rows, f.params.size(), o->out.c_str());
    return exit_code::ok;
  };
}};

int analyze_store(const std::string& path, const std::string& out_dir, std::size_t resamples, std::uint64_t seed) {
  const sweep::Summary summary = sweep::summarize(sweep::Store::open(path), resamples, seed);
  const std::string points = sweep::points_csv(summary), sensitivity = sweep::sensitivity_csv(summary);
  if (out_dir.empty()) {
    std::printf("# points: ensemble statistics per design point\n%s\n# sensitivity\n%s", points.c_str(), sensitivity.c_str());
  } else {
    make_output_dir(out_dir, "--out");
    for (const auto& [name, text] : {std::pair{"points.csv", &points}, std::pair{"sensitivity.csv", &sensitivity}})
      write_file_atomically((std::filesystem::path(out_dir) / name).string(), *text);
    std::printf("geosim analyze: %s: %lld runs ok, %lld failed, %zu points; wrote points.csv and sensitivity.csv to %s\n", path.c_str(),
                static_cast<long long>(summary.runs_ok), static_cast<long long>(summary.runs_failed), summary.points.size(), out_dir.c_str());
  }
  if (!summary.note.empty()) std::fprintf(stderr, "geosim analyze: %s\n", summary.note.c_str());
  return exit_code::ok;
}

int analyze_runs(const std::vector<std::string>& dirs, const std::vector<std::string>& series, const std::string& out_dir) {
  const std::string summary = report::run_ensemble_csv(dirs, series);
  if (out_dir.empty()) {
    std::printf("%s", summary.c_str());
  } else {
    make_output_dir(out_dir, "--out");
    write_file_atomically((std::filesystem::path(out_dir) / "series-summary.csv").string(), summary);
    std::printf("geosim analyze: %zu run folder%s; wrote series-summary.csv to %s\n", dirs.size(), dirs.size() == 1 ? "" : "s", out_dir.c_str());
  }
  return exit_code::ok;
}

const geosim::cli::Registration analyze_registration{[](CLI::App& app) -> std::function<int()> {
  struct Options { std::vector<std::string> inputs, series; std::string out, design, outputs; std::size_t resamples = 200; std::uint64_t seed = 1; };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("analyze", "Analyse a sweep store (ensembles per point, Sobol or Morris indices, regression), run folders (an ensemble month by month), or a design and its outputs");
  cmd->add_option("store", o->inputs, "A sweep store written by geosim sweep (or calibrate, or compare), or run folders written by geosim run");
  cmd->add_option("--out", o->out, "Folder for points.csv and sensitivity.csv (a store), or series-summary.csv (run folders); default: print them");
  cmd->add_option("--series", o->series, "Run folders: METRIC@SCOPE patterns of the series to summarize ('*' matches any characters; default: every series)");
  cmd->add_option("--design", o->design, "Design CSV written by geosim design (with --outputs, instead of a store)");
  cmd->add_option("--outputs", o->outputs, "Outputs, one number per line in design row order (a header line is allowed)");
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples for Sobol intervals (2 to 100000; fewer than 2 give no interval)")
      ->check(CLI::Range(std::size_t{0}, analysis::max_resamples));
  cmd->add_option("--seed", o->seed, "Seed of the bootstrap");
  return [cmd, o]() -> int {
    if (!*cmd) return -1;
    if (!o->inputs.empty()) {
      if (!o->design.empty() || !o->outputs.empty()) throw std::invalid_argument("give a store or run folders, or --design with --outputs, not both");
      const bool folders = std::all_of(o->inputs.begin(), o->inputs.end(), [](const std::string& p) { return std::filesystem::is_directory(p); });
      if (folders) return analyze_runs(o->inputs, o->series, o->out);
      if (o->inputs.size() > 1) throw std::invalid_argument("give one sweep store, or several run folders (geosim run --out), not both");
      if (!o->series.empty()) throw std::invalid_argument("--series chooses the series of run folders; a store's are its sweep's");
      return analyze_store(o->inputs.front(), o->out, o->resamples, o->seed);
    }
    if (o->design.empty() || o->outputs.empty()) throw std::invalid_argument("give a sweep store, or --design D.csv with --outputs Y.csv");
    const DesignFile f = read_design(o->design);
    const std::vector<double> y = read_outputs(o->outputs);
    if (y.size() != f.unit.rows)
      throw std::invalid_argument(o->outputs + ": " + std::to_string(y.size()) + " outputs for " + std::to_string(f.unit.rows) + " design rows");
    if (f.method == "saltelli") {
      const auto s = sobol_indices(f.unit, y, o->resamples, o->seed);
      std::printf("parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\n");
      for (std::size_t i = 0; i < f.params.size(); ++i)
        std::printf("%s,%s,%s,%s,%s,%s,%s\n", f.params[i].name.c_str(), format_or_na(s.first[i].value).c_str(), format_or_na(s.first[i].low).c_str(),
                    format_or_na(s.first[i].high).c_str(), format_or_na(s.total[i].value).c_str(), format_or_na(s.total[i].low).c_str(), format_or_na(s.total[i].high).c_str());
    } else {
      const auto m = morris_indices(f.unit, y);
      std::printf("parameter,mu,mu_star,mu_star_half_width,sigma\n");
      for (std::size_t i = 0; i < f.params.size(); ++i)
        std::printf("%s,%s,%s,%s,%s\n", f.params[i].name.c_str(), format_or_na(m.mu[i]).c_str(), format_or_na(m.mu_star[i]).c_str(),
                    format_or_na(m.mu_star_half_width[i]).c_str(), format_or_na(m.sigma[i]).c_str());
    }
    return exit_code::ok;
  };
}};
// clang-format on

}  // namespace
}  // namespace geosim::analysis
