// The report's figures: what PLplot refuses becomes an error, text reaches the file as written, and
// panels wrap into rows for any number of parameters.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/report/canvas.h"
#include "analysis/report/figures.h"
#include "../scratch.h"
#include "../svg_text.h"

namespace fs = std::filesystem;
using namespace geosim::report;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("panels wrap into rows of at most three") {
  CHECK(panel_grid(1) == std::pair{1, 1});
  CHECK(panel_grid(2) == std::pair{2, 1});
  CHECK(panel_grid(4) == std::pair{3, 2});
  CHECK(panel_grid(9) == std::pair{3, 3});
  CHECK(panel_grid(13) == std::pair{3, 5});
}

TEST_CASE("a call PLplot refuses fails the figure with PLplot's reason, and nothing is printed") {
  const fs::path dir = scratch::fresh("figures-refused");
  Canvas bad((dir / "bad.svg").string(), 400, 300);
  bad->vpor(0.5, 0.4, 0.1, 0.9);  // xmin > xmax: PLplot prints "Invalid limits" and carries on
  CHECK_THROWS_WITH_AS(bad.finish(), doctest::Contains("PLplot refused it (plvpor: Invalid limits"), FigureFailure);
  Canvas good((dir / "good.svg").string(), 400, 300);
  good->vpor(0.1, 0.9, 0.1, 0.9);
  good->wind(0, 1, 0, 1);
  good->box("bcnst", 0, 0, "bcnstv", 0, 0);
  CHECK_NOTHROW(good.finish());
  CHECK(read(dir / "good.svg").find("</svg>") != std::string::npos);
  CHECK_THROWS_AS(Canvas((dir / "x.png").string(), 400, 300), std::invalid_argument);
}

TEST_CASE("nine and thirteen parameters draw whole figures with every label, as SVG and as PDF") {
  const fs::path dir = scratch::fresh("figures-panels");
  for (std::size_t n : {9u, 13u}) {
    ScatterFigure f{"outcome against each parameter", "share", {}, "", {}, {}};
    for (std::size_t k = 0; k < n; ++k)
      f.panels.push_back(ScatterPanel{"param_" + std::to_string(k), "per year", {0.1, 0.5, 0.9}, {0.2, 0.4, 0.3}, {0.1, 0.3, 0.2}, {0.3, 0.5, 0.4}, {}});
    std::string stem = (dir / "p").string();  // appended, not "p" + ...: GCC 12 warns falsely on that temporary (its bug 105651)
    stem += std::to_string(n);
    CHECK_NOTHROW(scatter_figure(stem + ".svg", f));
    CHECK_NOTHROW(scatter_figure(stem + ".pdf", f));
    const std::string svg = read(stem + ".svg");
    for (std::size_t k = 0; k < n; ++k) CHECK(svg::shows(svg, "param_" + std::to_string(k)));
    CHECK(read(stem + ".pdf").rfind("%PDF-", 0) == 0);
  }
}

TEST_CASE("a '#' in a label reaches the figure as written, not as a PLplot escape") {
  CHECK(plain("run #2") == "run ##2");
  const fs::path dir = scratch::fresh("figures-hash");
  band_figure((dir / "b.svg").string(), "scenario #2", "share", 2023 * 12, {Band{"run #2", {0.1, 0.2, 0.3}, {}, {}, false}},
              {Marker{2023 * 12 + 1, "2023-02 step #1"}});
  const std::string svg = read(dir / "b.svg");
  CHECK(svg::shows(svg, "run #2"));
  CHECK(svg::shows(svg, "2023-02 step #1"));
}
