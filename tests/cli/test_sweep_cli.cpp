// `geosim sweep`, `merge`, `analyze STORE` and `report` end to end: the same store whatever the
// thread count, after a crash and a resume, from shards or from MPI ranks.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/sweep/store.h"
#include "cli_helpers.h"
#include "../svg_text.h"

using cli::contains;

namespace {

const std::string small = std::string(GEOSIM_TEST_DATA) + "/sweeps/small-lhs.yaml";

std::string dump(const cli::fs::path& store) {
  return geosim::sweep::Store::open(store.string()).dump();
}

std::size_t stored_runs(const cli::fs::path& store) {
  return geosim::sweep::Store::open(store.string()).runs().size();
}

/// The store of an uninterrupted two-thread sweep, made once.
const std::string& reference_dump() {
  static const std::string ref = [] {
    const auto dir = cli::fresh_dir("sweep-reference");
    cli::fs::create_directories(dir);
    const auto r = cli::geosim("sweep " + small + " --store " + (dir / "ref.db").string() + " --threads 2 --quiet");
    REQUIRE(r.code == 0);
    return dump(dir / "ref.db");
  }();
  return ref;
}

}  // namespace

TEST_CASE("a sweep stores one row per run, and the same rows at 1 and 2 threads") {
  const auto dir = cli::fresh_dir("sweep-threads");
  cli::fs::create_directories(dir);
  const auto r = cli::geosim("sweep " + small + " --store " + (dir / "one.db").string() + " --threads 1");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "60 points x 4 replicates = 240 runs; 0 already stored, 240 run now (0 failed)"));
  CHECK(stored_runs(dir / "one.db") == 240);
  CHECK(dump(dir / "one.db") == reference_dump());
  // Every run has its series: 24 months of one request.
  CHECK(geosim::sweep::Store::open((dir / "one.db").string()).series(0).size() == 240);
  // A second invocation finds everything done.
  const auto again = cli::geosim("sweep " + small + " --store " + (dir / "one.db").string());
  CHECK(again.code == 0);
  CHECK(contains(again.out, "240 already stored, 0 run now"));
}

TEST_CASE("a sweep killed mid-way and run again ends with exactly the uninterrupted store") {
  const auto dir = cli::fresh_dir("sweep-crash");
  cli::fs::create_directories(dir);
  const std::string store = (dir / "crash.db").string();
  const auto killed = cli::geosim("sweep " + small + " --store " + store + " --threads 2 --batch 20 --quiet", "GEOSIM_TEST_CRASH_AFTER_BATCHES=3");
  CHECK(killed.code != 0);  // killed by SIGKILL
  const std::size_t partial = stored_runs(store);
  INFO("runs stored before the kill: " << partial);
  CHECK(partial > 0);  // three batches of at most 20; the runs in flight were lost
  CHECK(partial <= 60);
  const auto resumed = cli::geosim("sweep " + small + " --store " + store + " --threads 2");
  REQUIRE(resumed.code == 0);
  CHECK(contains(resumed.out, std::to_string(partial) + " already stored, " + std::to_string(240 - partial) + " run now"));
  CHECK(dump(store) == reference_dump());
}

TEST_CASE("shards joined by geosim merge equal the single-process store") {
  const auto dir = cli::fresh_dir("sweep-shards");
  cli::fs::create_directories(dir);
  std::string shards;
  for (int i = 0; i < 3; ++i) {
    const std::string s = (dir / ("shard" + std::to_string(i) + ".db")).string();
    const auto r = cli::geosim("sweep " + small + " --store " + s + " --shard " + std::to_string(i) + "/3 --quiet");
    REQUIRE(r.code == 0);
    shards += " " + s;
  }
  const auto merged = cli::geosim("merge --out " + (dir / "all.db").string() + shards);
  INFO(merged.err);
  REQUIRE(merged.code == 0);
  CHECK(contains(merged.out, "holds 240 of the sweep's 240 runs"));
  CHECK(dump(dir / "all.db") == reference_dump());
  // A shard store resumed as another shard, or merged with another sweep's store, is refused.
  const auto wrong = cli::geosim("sweep " + small + " --store " + (dir / "shard0.db").string() + " --shard 1/3");
  CHECK(wrong.code == 2);  // the wrong store for this command line: bad input
  CHECK(contains(wrong.err, "holds shard '0/3'"));
  for (const char* bad : {"3/3", "1/4x", "1/4/5", "-1/3", "a/b", "2"}) {
    INFO(bad);
    const auto r = cli::geosim("sweep " + small + " --store " + (dir / "x.db").string() + " --shard " + bad);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "expected I/N with whole numbers 0 <= I < N"));
  }
  CHECK_FALSE(cli::fs::exists(dir / "x.db"));  // refused before any store is made
}

TEST_CASE("an MPI sweep on 3 ranks equals the single-process sweep") {
#ifndef GEOSIM_TEST_MPI
  MESSAGE("this build of geosim has no MPI (sanitizer builds leave it out): skipped");
  return;
#endif
  REQUIRE(std::system("command -v mpirun >/dev/null 2>&1") == 0);  // openmpi-bin comes with the set-up
  const auto dir = cli::fresh_dir("sweep-mpi");
  cli::fs::create_directories(dir);
  const std::string root = ::geteuid() == 0 ? "--allow-run-as-root " : "";
  const std::string cmd = "cd " + std::string(GEOSIM_SOURCE_DIR) + " && mpirun " + root + "--oversubscribe -np 3 " + GEOSIM_BIN + " sweep " + small +
                          " --store " + (dir / "mpi.db").string() + " --threads 1 --quiet >" + (dir / "log").string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  INFO(cli::slurp(dir / "log"));
  REQUIRE(status == 0);
  CHECK(dump(dir / "mpi.db") == reference_dump());
}

TEST_CASE("a store of a changed sweep is refused rather than mixed") {
  const auto dir = cli::fresh_dir("sweep-identity");
  cli::fs::create_directories(dir);
  const auto changed = dir / "changed.yaml";
  std::string text = cli::slurp(small);
  text.replace(text.find("samples: 60"), 11, "samples: 61");
  std::ofstream(changed) << text;
  // The copy lives elsewhere: its base path must still resolve, so point it at the project's baseline.
  text = cli::slurp(changed);
  text.replace(text.find("../../../scenarios/baseline.yaml"), 32, std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml");
  std::ofstream(changed) << text;
  REQUIRE(cli::geosim("sweep " + small + " --store " + (dir / "s.db").string() + " --quiet").code == 0);
  const auto r = cli::geosim("sweep " + changed.string() + " --store " + (dir / "s.db").string());
  CHECK(r.code == 2);
  CHECK(contains(r.err, "holds results of another sweep"));
  const auto bad = cli::geosim("merge --out " + (dir / "m.db").string() + " " + (dir / "s.db").string() + " " + (dir / "nothing.db").string());
  CHECK(bad.code == 2);
  CHECK(contains(bad.err, "no sweep store at"));
}

TEST_CASE("a refused sweep file exits 2 with file, line and column") {
  const auto dir = cli::fresh_dir("sweep-refused");
  cli::fs::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\ndesign: {method: grid}\nparameters:\n"
                                  << "  - {path: behaviour.bass_q, levels: [0.1, 0.2]}\nrecord:\n  - {metric: adoptoin}\n";
  const auto r = cli::geosim("sweep " + (dir / "bad.yaml").string() + " --store " + (dir / "s.db").string());
  CHECK(r.code == 2);
  CHECK(contains(r.err, "bad.yaml:6:5: error: no metric 'adoptoin'"));
  CHECK(contains(r.err, "did you mean 'adoption'"));
  CHECK_FALSE(cli::fs::exists(dir / "s.db"));
}

TEST_CASE("analyze and report read a store: ensembles, regression coefficients, figures") {
  const auto dir = cli::fresh_dir("sweep-report");
  cli::fs::create_directories(dir);
  const std::string store = (dir / "s.db").string();
  REQUIRE(cli::geosim("sweep " + small + " --store " + store + " --quiet").code == 0);
  const auto a = cli::geosim("analyze " + store + " --out " + (dir / "analysis").string());
  INFO(a.err);
  REQUIRE(a.code == 0);
  const std::string points = cli::slurp(dir / "analysis" / "points.csv"), sens = cli::slurp(dir / "analysis" / "sensitivity.csv");
  CHECK(std::count(points.begin(), points.end(), '\n') == 61);  // header + 60 points
  CHECK(contains(points, "china_open_end.mean"));
  // Adoption over 2024 is driven by the Bass imitation coefficient far more than by price weight.
  double src_q = 0, src_price = 0;
  std::istringstream lines(sens);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("adoption_2024,behaviour.bass_q,", 0) == 0) src_q = std::stod(line.substr(line.find(',', 24) + 1));
    if (line.rfind("adoption_2024,behaviour.utility.price,", 0) == 0) src_price = std::stod(line.substr(line.find(',', 24) + 1));
  }
  INFO(sens);
  CHECK(src_q > 0.8);
  CHECK(std::abs(src_price) < 0.2);
  const auto r = cli::geosim("report " + store + " --out " + (dir / "report").string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string md = cli::slurp(dir / "report" / "report.md");
  CHECK(contains(md, "60 points × 4 replicates = 240 runs planned; 240 succeeded"));
  for (const char* fig : {"outcome-china_open_end.svg", "sensitivity-adoption_2024.svg", "series-usage_share.china_open-world.svg"}) {
    INFO(fig);
    CHECK(contains(md, std::string("figures/") + fig));
    CHECK(contains(cli::slurp(dir / "report" / "figures" / fig), "<svg"));
  }
}

TEST_CASE("a sweep's series patterns are stored as the series they matched") {
  const auto dir = cli::fresh_dir("sweep-patterns");
  cli::fs::create_directories(dir);
  std::ofstream(dir / "patterns.yaml") << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nset: {population.adopters: 400}\nmonths: 6\n"
                                       << "replicates: 2\nrecord:\n  - {metric: adoption}\nseries:\n  - {metric: chip_share.*, scope: nation:IN}\n";
  const auto r = cli::geosim("sweep " + (dir / "patterns.yaml").string() + " --store " + (dir / "p.db").string() + " --threads 1 --quiet");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const auto store = geosim::sweep::Store::open((dir / "p.db").string());
  CHECK(store.info().series == std::vector<std::string>{"chip_share.nvidia@nation:IN", "chip_share.nvidia_export@nation:IN", "chip_share.amd@nation:IN",
                                                        "chip_share.huawei@nation:IN", "chip_share.cambricon@nation:IN"});
  for (std::size_t q = 0; q < 5; ++q) {
    const auto runs = store.series(q);
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].second.size() == 6);  // a value per month
  }
  // Shares of one nation's work: they add up to at most 1 in every month.
  for (std::size_t m = 0; m < 6; ++m) {
    double total = 0;
    for (std::size_t q = 0; q < 5; ++q) total += store.series(q)[0].second[m];
    CHECK(total <= 1 + 1e-9);
  }
  // Refused before any run, naming the pattern, with exit code 2.
  std::ofstream(dir / "none.yaml") << "base: " << GEOSIM_SOURCE_DIR << "/scenarios/baseline.yaml\nrecord:\n  - {metric: adoption}\n"
                                   << "series:\n  - {metric: adoption, scope: \"labs:*\"}\n";
  const auto none = cli::geosim("sweep " + (dir / "none.yaml").string() + " --store " + (dir / "none.db").string() + " --quiet");
  CHECK(none.code == 2);
  CHECK(contains(none.err, "no scope of this scenario matches 'labs:*'"));
  CHECK_FALSE(cli::fs::exists(dir / "none.db"));
}

namespace {

/// Pearson's correlation of two equally long lists.
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
  return sxy / std::sqrt(sxx * syy);
}

std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
  return cells;
}

}  // namespace

TEST_CASE("a yes/no parameter is analysed by its levels: points.csv names them, the regression and the figures use them") {
  const auto dir = cli::fresh_dir("sweep-levels");
  cli::fs::create_directories(dir);
  const std::string store = (dir / "s.db").string();
  REQUIRE(cli::geosim("sweep " + std::string(GEOSIM_TEST_DATA) + "/sweeps/small-levels.yaml --store " + store + " --quiet").code == 0);
  const auto a = cli::geosim("analyze " + store + " --out " + (dir / "analysis").string());
  REQUIRE_MESSAGE(a.code == 0, a.err);
  std::istringstream points(cli::slurp(dir / "analysis" / "points.csv"));
  std::string line;
  std::getline(points, line);
  REQUIRE(line.rfind("point,behaviour.utility.price,labs.deepseek.open,china_open_end.n,china_open_end.mean,", 0) == 0);
  std::vector<double> price, closed, mean;
  std::vector<std::string> levels;
  while (std::getline(points, line)) {
    const auto c = csv_cells(line);
    levels.push_back(c[2]);
    price.push_back(std::stod(c[1])), closed.push_back(c[2] == "false" ? 1.0 : 0.0), mean.push_back(std::stod(c[4]));
  }
  CHECK(levels == std::vector<std::string>{"true", "false", "true", "false", "true", "false"});
  // The grid is balanced, so price and the level indicator are orthogonal and each SRC is the plain
  // correlation of the point means with that column.
  double src_price = NAN, src_open = NAN;
  std::istringstream sens(cli::slurp(dir / "analysis" / "sensitivity.csv"));
  while (std::getline(sens, line)) {
    const auto c = csv_cells(line);
    if (c[1] == "behaviour.utility.price") src_price = std::stod(c[2]);
    if (c[1] == "labs.deepseek.open") src_open = std::stod(c[2]);
  }
  CHECK(src_open == doctest::Approx(correlation(closed, mean)).epsilon(1e-9));
  CHECK(src_price == doctest::Approx(correlation(price, mean)).epsilon(1e-9));
  CHECK(src_open < -0.5);  // closing DeepSeek's weights lowers Chinese open models' share
  const auto r = cli::geosim("report " + store + " --out " + (dir / "report").string());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.err.empty());  // no PLplot message
  const std::string md = cli::slurp(dir / "report" / "report.md");
  CHECK(contains(md, "| `labs.deepseek.open` | points | mean of point means |"));
  CHECK(contains(md, "| true | 3 |"));
  const std::string svg = cli::slurp(dir / "report" / "figures" / "outcome-china_open_end.svg");
  for (const char* text : {"true", "false", "labs.deepseek.open", "share of adopted weight", "(per log(USD per 1M tokens))"}) {
    INFO(text);
    CHECK(svg::shows(svg, text));
  }
  // The series figure draws a band per level instead of averaging open and closed runs together.
  CHECK(contains(md, "one band per level of `labs.deepseek.open`"));
  const std::string series = cli::slurp(dir / "report" / "figures" / "series-usage_share.china_open-world.svg");
  for (const char* text : {"labs.deepseek.open", "true", "false"}) {
    INFO(text);
    CHECK(svg::shows(series, text));
  }
  const std::string pdf = cli::slurp(dir / "report" / "figures" / "outcome-china_open_end.pdf");
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  CHECK(contains(pdf, "%%EOF"));
}

TEST_CASE("report compares two run folders: both lines on each figure, events marked, a table of differences") {
  const auto dir = cli::fresh_dir("report-runs");
  cli::fs::create_directories(dir);
  const std::string base = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/";
  const std::string small = " --set population.adopters=500 --months 30 --quiet";
  REQUIRE(cli::geosim("run " + base + "baseline.yaml --out " + (dir / "base").string() + small).code == 0);
  REQUIRE(cli::geosim("run " + base + "ai-dumping.yaml --out " + (dir / "whatif").string() + small).code == 0);
  const auto r = cli::geosim("report " + (dir / "whatif").string() + " --against " + (dir / "base").string() + " --out " + (dir / "rep").string() +
                             " --series usage_share.china_* --series price_index@world");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "and 3 figures (SVG and PDF)"));
  const std::string md = cli::slurp(dir / "rep" / "report.md");
  CHECK(contains(md, "# Run report: ai-dumping against baseline"));
  CHECK(contains(md, "| usage_share.china_open (share of adopted weight) |"));
  CHECK(contains(md, "| price_index (USD per 1M tokens) |"));
  const std::string svg = cli::slurp(dir / "rep" / "figures" / "run-usage_share.china_open-world.svg");
  for (const char* text : {"ai-dumping", "baseline", "2025-01 dumping-2025-01", "2024-02 gemma-2024-02"}) {
    INFO(text);
    CHECK(svg::shows(svg, text));
  }
  CHECK(cli::fs::exists(dir / "rep" / "figures" / "run-price_index-world.pdf"));
  CHECK_FALSE(contains(md, "did not finish"));
  // A run that did not finish is reported as such.
  std::ofstream(dir / "whatif" / "INCOMPLETE") << "geosim run started; not finished.\n";
  REQUIRE(cli::geosim("report " + (dir / "whatif").string() + " --out " + (dir / "rep-unfinished").string()).code == 0);
  CHECK(contains(cli::slurp(dir / "rep-unfinished" / "report.md"), "did not finish: it holds geosim run's INCOMPLETE marker"));
  // A store against a run, a series that is not there, a folder that is not a run: refused, nothing written.
  const auto mixed = cli::geosim("report " + (dir / "whatif").string() + " --against " + cli::small_store(dir).string() + " --out " + (dir / "x").string());
  CHECK(mixed.code == 2);
  CHECK(contains(mixed.err, "give two run folders (geosim run --out) or two sweep stores"));
  const auto missing = cli::geosim("report " + (dir / "whatif").string() + " --series nope --out " + (dir / "x").string());
  CHECK(missing.code == 2);
  CHECK(contains(missing.err, "--series 'nope@world': no series of"));
  const auto not_run = cli::geosim("report " + dir.string() + " --out " + (dir / "x").string());
  CHECK(not_run.code == 2);
  CHECK(contains(not_run.err, "is not a run folder: it has no series.csv"));
  CHECK_FALSE(cli::fs::exists(dir / "x"));
}

TEST_CASE("analyze summarizes run folders as an ensemble, month by month") {
  const auto dir = cli::fresh_dir("analyze-runs");
  cli::fs::create_directories(dir);
  const std::string base = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  std::vector<double> last;
  std::string folders;
  for (int seed = 1; seed <= 3; ++seed) {
    const auto run = dir / ("seed" + std::to_string(seed));
    REQUIRE(cli::geosim("run " + base + " --set population.adopters=800 --months 12 --quiet --seed " + std::to_string(seed) + " --out " + run.string()).code == 0);
    folders.append(" ").append(run.string());
    std::istringstream in(cli::slurp(run / "series.csv"));
    for (std::string line; std::getline(in, line);)
      if (line.rfind("2023-12,world,usage_share.china_open,", 0) == 0) last.push_back(std::stod(line.substr(line.rfind(',') + 1)));
  }
  REQUIRE(last.size() == 3);
  const auto r = cli::geosim("analyze" + folders + " --series usage_share.china_open --out " + (dir / "summary").string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "3 run folders; wrote series-summary.csv"));
  const std::string csv = cli::slurp(dir / "summary" / "series-summary.csv");
  CHECK(csv.rfind("month,scope,metric,runs,mean,sd,p05,p95\n", 0) == 0);
  const std::string row = "2023-12,world,usage_share.china_open,3,";
  const auto at = csv.find(row);
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(csv.substr(at + row.size())) == doctest::Approx((last[0] + last[1] + last[2]) / 3).epsilon(1e-12));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 13);  // the header and 12 months of one series
  // Folders of different periods are refused, and so is a store mixed with folders.
  REQUIRE(cli::geosim("run " + base + " --set population.adopters=800 --months 6 --quiet --out " + (dir / "short").string()).code == 0);
  const auto mixed = cli::geosim("analyze" + folders + " " + (dir / "short").string());
  CHECK(mixed.code == 2);
  CHECK(contains(mixed.err, "an ensemble of run folders needs the same months"));
}
