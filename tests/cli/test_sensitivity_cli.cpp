// `geosim design` and `geosim analyze` end to end, on the Ishigami function computed here.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "cli_helpers.h"

using cli::contains;
using cli::fresh_dir;
using cli::geosim;
using cli::slurp;

TEST_CASE("design, evaluate any model, analyze: Ishigami's Sobol indices come back within their intervals") {
  namespace fs = std::filesystem;
  fs::path dir = fresh_dir("sensitivity");
  fs::create_directories(dir);
  const std::string pi = "3.141592653589793";
  auto d = geosim("design --method saltelli --base 8000 --seed 5 --param x1:-" + pi + ":" + pi + " --param x2:-" + pi + ":" + pi +
                  " --param x3:-" + pi + ":" + pi + " --out " + (dir / "d.csv").string());
  REQUIRE_MESSAGE(d.code == 0, d.err);
  // The user's model: read the design's rows, write one output per row.
  std::stringstream rows(slurp(dir / "d.csv"));
  std::ofstream y(dir / "y.csv");
  y << "ishigami\n";
  int n = 0;
  for (std::string line; std::getline(rows, line);) {
    if (line.empty() || line[0] == '#' || line[0] == 'x') continue;
    double x1, x2, x3;
    char comma;
    std::stringstream(line) >> x1 >> comma >> x2 >> comma >> x3;
    y << std::sin(x1) + 7 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1) << "\n";
    ++n;
  }
  y.close();
  CHECK(n == 8000 * 5);
  auto a = geosim("analyze --design " + (dir / "d.csv").string() + " --outputs " + (dir / "y.csv").string());
  REQUIRE_MESSAGE(a.code == 0, a.err);
  const double analytic[3][2] = {{0.3139, 0.5576}, {0.4424, 0.4424}, {0.0, 0.2437}};
  std::stringstream out(a.out);
  std::string line;
  std::getline(out, line);
  CHECK(line == "parameter,S1,S1_low,S1_high,ST,ST_low,ST_high");
  for (int i = 0; i < 3; ++i) {
    REQUIRE(std::getline(out, line));
    std::stringstream cells(line);
    std::string name, v[6];
    std::getline(cells, name, ',');
    for (auto& c : v) std::getline(cells, c, ',');
    INFO(line);
    CHECK(std::stod(v[1]) <= analytic[i][0] + 1e-3);
    CHECK(analytic[i][0] - 1e-3 <= std::stod(v[2]));
    CHECK(std::stod(v[4]) <= analytic[i][1] + 1e-3);
    CHECK(analytic[i][1] - 1e-3 <= std::stod(v[5]));
  }
  // Mismatched inputs are refused.
  auto bad = geosim("analyze --design " + (dir / "d.csv").string() + " --outputs " + (dir / "d.csv").string());
  CHECK(bad.code == 2);
  CHECK(contains(bad.err, "is not a number"));
}
