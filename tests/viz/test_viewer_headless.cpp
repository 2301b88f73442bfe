// End-to-end tests of `geosim view` under xvfb-run (Mesa's software OpenGL): the screenshot shows
// charts and the dependency view with data, and a session with a lever pulled mid-run, saved as a
// scenario, reproduces its series when run headless; a pointer over a chart draws no hover box in a
// headless run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "../cli/cli_helpers.h"
#include "viz/screenshot.h"

namespace fs = std::filesystem;
using geosim::viz::Image;
using geosim::viz::read_png;

namespace {

/// `geosim view ARGS` on a virtual display big enough for the default 1600x900 window.
cli::Result view(const std::string& args) {
  return cli::geosim("view " + args, "xvfb-run -a -s '-screen 0 1920x1080x24'");
}

/// Pixels in the box [x0, x1) x [y0, y1) within `tol` of an RGB colour in every channel.
int count_near(const Image& img, int x0, int y0, int x1, int y1, int r, int g, int b, int tol = 12) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const auto* p = &img.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 4];
      if (std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("geosim view --frames 300 --screenshot: charts and dependency view with data") {
  const fs::path dir = cli::fresh_dir("view-shot");
  fs::create_directories(dir);
  const fs::path shot = dir / "shot.png";
  auto r = view("scenarios/baseline.yaml --frames 300 --screenshot " + shot.string() + " --set population.adopters=5000");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const Image img = read_png(shot.string());
  CHECK(img.width == 1600);
  CHECK(img.height == 900);
  // Not blank: a rendered interface has many colours.
  std::vector<bool> seen(1 << 15);
  int colours = 0;
  for (std::size_t i = 0; i < img.rgba.size(); i += 4) {
    const std::size_t key = (img.rgba[i] >> 3) << 10 | (img.rgba[i + 1] >> 3) << 5 | (img.rgba[i + 2] >> 3);
    if (!seen[key]) seen[key] = true, ++colours;
  }
  CHECK(colours > 200);
  // The layout: a 360-pixel control panel on the left, charts on the top 60% of the rest, the
  // dependency view below. Lines and nodes are drawn in the blocs' colours (us blue, china red).
  const int charts_bottom = 900 * 55 / 100, dependency_top = 900 * 62 / 100;
  CHECK(count_near(img, 380, 0, 1600, charts_bottom, 70, 130, 230) > 150);
  CHECK(count_near(img, 380, 0, 1600, charts_bottom, 225, 70, 60) > 150);
  CHECK(count_near(img, 380, dependency_top, 1600, 900, 70, 130, 230) > 500);
  CHECK(count_near(img, 380, dependency_top, 1600, 900, 225, 70, 60) > 200);
  MESSAGE("screenshot: " << shot.string());
}

TEST_CASE("geosim view headless ignores the mouse: a pointer held over a chart draws no hover read-out") {
  const fs::path dir = cli::fresh_dir("view-pointer");
  fs::create_directories(dir);
  // (530, 150) is inside the plot of the first chart (usage shares); without NoMouse every frame
  // there draws its read-out (7 of 8 frames did when this test was written).
  const std::string pointer = "GEOSIM_VIEW_TEST_POINTER=530,150 ";
  std::ofstream(dir / "hover.script") << "play\nwait-end\nframes 5\nscreenshot " << (dir / "hover.png").string() << "\nquit\n";
  for (const std::string& how : {"--script " + (dir / "hover.script").string(), "--frames 30 --screenshot " + (dir / "frames.png").string()}) {
    INFO(how);
    auto r = cli::geosim("view scenarios/baseline.yaml --set population.adopters=2000 " + how, pointer + "xvfb-run -a -s '-screen 0 1920x1080x24'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    INFO(r.out);
    // The pointer reached the window in every frame (else the check below would prove nothing) ...
    CHECK(cli::contains(r.out, "geosim view: test pointer held at 530,150: seen in "));
    CHECK_FALSE(cli::contains(r.out, "seen in 0 of"));
    // ... and no frame drew a tooltip.
    CHECK(cli::contains(r.out, ", a tooltip drawn in 0\n"));
  }
  CHECK(read_png((dir / "hover.png").string()).width == 1600);
  MESSAGE("screenshot: " << (dir / "hover.png").string());
}

TEST_CASE("geosim view: a lever pulled mid-run, saved as a scenario, reproduces the session's series headless") {
  const fs::path dir = cli::fresh_dir("view-lever");
  fs::create_directories(dir);
  const fs::path script = dir / "lever.script";
  {
    std::ofstream out(script);
    out << "# pause at mid-2025, close DeepSeek's weights and ban Nvidia sales to India from the next month\n"
           "run-to 2025-06\n"
           "set labs.deepseek.open=false\n"
           "set chipmakers.nvidia.export_banned_to=[CN, RU, IN]\n"
           "play\n"
           "wait-end\n"
        << "save-scenario " << (dir / "session.yaml").string() << "\n"
        << "save-series " << (dir / "session.csv").string() << "\n"
        << "screenshot " << (dir / "lever.png").string() << "\n"
        << "quit\n";
  }
  auto r = view("scenarios/baseline.yaml --script " + script.string() + " --set population.adopters=3000 --seed 7");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(cli::contains(r.out, "labs.deepseek.open = false from 2025-07"));
  const std::string session_yaml = cli::slurp(dir / "session.yaml");
  CHECK(cli::contains(session_yaml, "extends: "));
  CHECK(cli::contains(session_yaml, "at: 2025-07"));

  auto headless = cli::geosim("run " + (dir / "session.yaml").string() + " --out " + (dir / "headless").string() + " -q");
  INFO(headless.err);
  REQUIRE(headless.code == 0);
  const std::string session_series = cli::slurp(dir / "session.csv");
  REQUIRE(session_series.size() > 1000);
  CHECK(cli::slurp(dir / "headless" / "series.csv") == session_series);

  // The lever mattered: without it the series differ.
  auto plain = cli::geosim("run scenarios/baseline.yaml --set population.adopters=3000 --seed 7 --out " + (dir / "plain").string() + " -q");
  REQUIRE(plain.code == 0);
  CHECK(cli::slurp(dir / "plain" / "series.csv") != session_series);
  CHECK(read_png((dir / "lever.png").string()).width == 1600);
}

TEST_CASE("geosim view refuses bad input with exit code 2 and a message") {
  const fs::path dir = cli::fresh_dir("view-bad");
  fs::create_directories(dir);
  SUBCASE("--screenshot without --frames") {
    auto r = cli::geosim("view scenarios/baseline.yaml --screenshot x.png");
    CHECK(r.code == 2);
    CHECK(cli::contains(r.err, "--frames"));
  }
  SUBCASE("a script with an unknown action names its line") {
    std::ofstream(dir / "bad.script") << "play\njump 2025-01\n";
    auto r = cli::geosim("view scenarios/baseline.yaml --script " + (dir / "bad.script").string());
    CHECK(r.code == 2);
    CHECK(cli::contains(r.err, "bad.script:2: unknown action 'jump'"));
  }
  SUBCASE("run-to a month outside the run") {
    std::ofstream(dir / "late.script") << "run-to 2099-01\nquit\n";
    auto r = view("scenarios/baseline.yaml --set population.adopters=2000 --script " + (dir / "late.script").string());
    CHECK(r.code == 2);
    CHECK(cli::contains(r.err, "late.script:1: 'run-to 2099-01': expected a month from 2023-01 to 2035-12"));
  }
  SUBCASE("a lever on a key no event may set") {
    std::ofstream(dir / "lever.script") << "step\nset population.adopters=10\nquit\n";
    auto r = view("scenarios/baseline.yaml --set population.adopters=2000 --script " + (dir / "lever.script").string());
    CHECK(r.code == 2);
    CHECK(cli::contains(r.err, "lever refused"));
  }
}

TEST_CASE("geosim view: a script that cannot finish is refused up front, and one that does not finish in time stops with a message") {
  const fs::path dir = cli::fresh_dir("view-stuck");
  fs::create_directories(dir);
  // Nothing plays: wait-end would wait for ever. Refused before any window opens (no display needed).
  std::ofstream(dir / "noplay.script") << "# no play before the wait\nwait-end\nscreenshot " << (dir / "never.png").string() << "\nquit\n";
  auto r = cli::geosim("view scenarios/baseline.yaml --set population.adopters=2000 --script " + (dir / "noplay.script").string());
  CHECK(r.code == 2);
  CHECK(cli::contains(r.err, "noplay.script:2: 'wait-end' can never finish: it waits for 2035-12 but nothing plays the run there (no 'play' before it)"));
  CHECK_FALSE(fs::exists(dir / "never.png"));
  // At one month a second the run's 156 months take minutes: the script's 2 s are up long before.
  std::ofstream(dir / "slow.script") << "play\nwait-end\nquit\n";
  r = view("scenarios/baseline.yaml --set population.adopters=2000 --speed 1 --script-timeout 2 --script " + (dir / "slow.script").string());
  CHECK(r.code == 1);
  CHECK(cli::contains(r.err, "slow.script:2: the script has not finished after 2 s (--script-timeout 2); it was waiting at 'wait-end'"));
  // A script that ends without quit hands the window over, and says so; the test closes it with SIGTERM.
  std::ofstream(dir / "open.script") << "frames 2\n";
  const std::string open_cmd = std::string("cd ") + GEOSIM_SOURCE_DIR + " && xvfb-run -a -s '-screen 0 1920x1080x24' timeout -s TERM 3 " + GEOSIM_BIN +
                               " view scenarios/baseline.yaml --set population.adopters=2000 --script " + (dir / "open.script").string() +
                               " >/dev/null 2>" + (dir / "open.err").string();
  const int status = std::system(open_cmd.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 124);  // still open when the 3 s were up
  CHECK(cli::contains(cli::slurp(dir / "open.err"), "open.script: the script has ended without 'quit'; the window stays open until it is closed"));
  // The default limit is in the help, and a limit that is no number is refused.
  CHECK(cli::contains(cli::geosim("view --help").out, "--script-timeout FLOAT:FLOAT in [0 - 1e+07]=1800"));
  CHECK(cli::geosim("view scenarios/baseline.yaml --script-timeout soon --script " + (dir / "slow.script").string()).code == 2);
}
