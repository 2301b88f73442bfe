// What every command refuses, with the exit code the README promises: 2 for bad input (nothing is
// written), 1 for output that could not be written (nothing truncated is left looking complete).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::slurp;

namespace {

const std::string baseline = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
const std::string small = " --set population.adopters=2000 --months 24 --threads 1 --quiet";

/// Runs a shell command line (bash, for <(...)) in `dir`; returns its exit code, stderr in `err`.
int shell(const fs::path& dir, const std::string& line, std::string& err) {
  const fs::path err_file = dir / "shell.err";
  const std::string cmd = "cd " + dir.string() + " && bash -c '" + line + "' 2>" + err_file.string();
  const int status = std::system(cmd.c_str());
  err = slurp(err_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("every YAML reader refuses a self-referencing alias with exit 2 instead of crashing") {
  const fs::path dir = cli::fresh_dir("refuse-alias");
  fs::create_directories(dir);
  std::ofstream(dir / "scenario.yaml") << "start: 2023-01\nmonths: 12\ndescription: &a [*a]\n";
  std::ofstream(dir / "alias-sweep.yaml") << "name: &a [*a]\nbase: " << baseline << "\n";
  std::ofstream(dir / "targets.yaml") << "targets: &a [*a]\n";
  const std::string store = cli::small_store(dir).string();
  const std::string commands[] = {
      "validate " + (dir / "scenario.yaml").string(),
      "run " + baseline + " --set 'name=&a [*a]' --out " + (dir / "out").string(),
      "sweep " + (dir / "alias-sweep.yaml").string() + " --store " + (dir / "x.db").string(),
      "targets " + store + " --targets " + (dir / "targets.yaml").string(),
  };
  for (const auto& c : commands) {
    INFO(c);
    const auto r = cli::geosim(c);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "an alias refers to a list or map that contains it"));
  }
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK_FALSE(fs::exists(dir / "x.db"));
}

TEST_CASE("inputs that are not files, or far too large, are refused by kind and size at once") {
  const fs::path dir = cli::fresh_dir("refuse-kind");
  fs::create_directories(dir);
  const std::string store = cli::small_store(dir).string();
  std::ofstream(dir / "y.csv") << "1\n";
  const std::pair<std::string, std::string> cases[] = {
      {"validate /dev/zero", "scenario file /dev/zero is a character device, not a file"},
      {"sweep /dev/zero --store " + (dir / "x.db").string(), "sweep file /dev/zero is a character device"},
      {"run --resume /dev/zero --out " + (dir / "out").string(), "checkpoint /dev/zero is a character device"},
      {"targets " + store + " --targets /dev/zero", "targets file /dev/zero is a character device"},
      {"analyze --design /dev/zero --outputs " + (dir / "y.csv").string(), "design file /dev/zero is a character device"},
      {"validate " + dir.string(), "is a folder, not a file"},
  };
  for (const auto& [args, message] : cases) {
    INFO(args);
    const auto r = cli::geosim(args);
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, message), r.err);
  }
  // 200 MB (sparse) behind an extends: refused by its size, without reading it.
  { std::ofstream(dir / "big.yaml") << "x"; }
  fs::resize_file(dir / "big.yaml", std::uint64_t{200} << 20);
  std::ofstream(dir / "s.yaml") << "extends: big.yaml\n";
  const auto big = cli::geosim("validate " + (dir / "s.yaml").string());
  CHECK(big.code == 2);
  CHECK(contains(big.err, "is 200 MiB; geosim reads a scenario file of at most 16 MiB"));
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK_FALSE(fs::exists(dir / "x.db"));
  // A pipe from the shell is read: /dev/fd/63 names no file, but it is one to read.
  std::string err;
  CHECK_MESSAGE(shell(dir, std::string(GEOSIM_BIN) + " validate <(cat " + baseline + ")", err) == 0, err);
}

TEST_CASE("exit codes: a bad --out is bad input (2), output that cannot be written is a failure (1), and nothing cut short is kept") {
  const fs::path dir = cli::fresh_dir("refuse-exit");
  fs::create_directories(dir);
  std::ofstream(dir / "f") << "x\n";
  for (const std::string& out : {(dir / "f").string(), (dir / "f" / "out").string(), std::string("/dev/null")}) {
    INFO(out);
    const auto r = cli::geosim("run " + baseline + small + " --out " + out);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "--out " + out));
  }
  CHECK(slurp(dir / "f") == "x\n");
  // A scenario name of 300 characters makes a default folder name within what file systems allow.
  std::ofstream(dir / "long.yaml") << "extends: " << baseline << "\nname: " << std::string(300, 'n') << "\n";
  std::string err;
  CHECK_MESSAGE(shell(dir, std::string(GEOSIM_BIN) + " run long.yaml" + small, err) == 0, err);
  REQUIRE(fs::exists(dir / "runs"));
  for (const auto& e : fs::directory_iterator(dir / "runs")) CHECK(e.path().filename().string().size() < 128);
  // A series.csv that cannot be written (here /dev/full: the disk is full) fails the run with exit 1,
  // and the folder stays marked INCOMPLETE with the reason.
  fs::create_directories(dir / "full");
  fs::create_symlink("/dev/full", dir / "full" / "series.csv");
  const auto full = cli::geosim("run " + baseline + small + " --out " + (dir / "full").string());
  CHECK(full.code == 1);
  CHECK(contains(full.err, "series.csv failed: No space left on device"));
  CHECK(contains(slurp(dir / "full" / "INCOMPLETE"), "geosim run failed: writing"));
  // Standard output on a full disk.
  const fs::path store = cli::small_store(dir);
  CHECK(shell(dir, std::string(GEOSIM_BIN) + " analyze " + store.string() + " > /dev/full", err) == 1);
  CHECK(contains(err, "cannot write the standard output: No space left on device"));
  // A report whose file cannot be written: exit 1, and none of the report's files are left.
  fs::create_directories(dir / "rep");
  fs::create_symlink("/dev/full", dir / "rep" / "report.md.partial");
  const auto rep = cli::geosim("report " + store.string() + " --out " + (dir / "rep").string());
  CHECK(rep.code == 1);
  CHECK(contains(rep.err, "cannot write " + (dir / "rep" / "report.md").string() + ": No space left on device"));
  CHECK_FALSE(fs::exists(dir / "rep" / "report.md"));
  CHECK_FALSE(fs::exists(dir / "rep" / "figures"));  // made by this report, so removed with it
  // The same for a figure, which PLplot writes without saying that it failed.
  fs::create_directories(dir / "rep2" / "figures");
  fs::create_symlink("/dev/full", dir / "rep2" / "figures" / "outcome-china_open_end.partial.svg");
  const auto fig = cli::geosim("report " + store.string() + " --out " + (dir / "rep2").string());
  CHECK(fig.code == 1);
  CHECK(contains(fig.err, "the figure was cut short"));
  CHECK_FALSE(fs::exists(dir / "rep2" / "report.md"));
  // And for the PDF drawn after the SVG, which PLplot's PDF driver answers by crashing (drawn in a
  // child process, that fails the report): the SVG written before it goes too.
  fs::create_directories(dir / "rep3" / "figures");
  fs::create_symlink("/dev/full", dir / "rep3" / "figures" / "outcome-china_open_end.partial.pdf");
  const auto pdf = cli::geosim("report " + store.string() + " --out " + (dir / "rep3").string());
  CHECK(pdf.code == 1);
  CHECK(contains(pdf.err, "cannot write " + (dir / "rep3" / "figures" / "outcome-china_open_end.pdf").string() + ": PLplot failed while writing it"));
  CHECK_FALSE(fs::exists(dir / "rep3" / "figures" / "outcome-china_open_end.svg"));
  CHECK_FALSE(fs::exists(dir / "rep3" / "report.md"));
  // A record named like a parameter: both would be columns; refused before a store exists.
  std::string sweep = slurp(dir / "small.yaml");
  sweep.replace(sweep.find("name: china_open_end"), 20, "name: behaviour.bass_q");
  std::ofstream(dir / "clash.yaml") << sweep;
  const auto clash = cli::geosim("sweep " + (dir / "clash.yaml").string() + " --store " + (dir / "c.db").string());
  CHECK(clash.code == 2);
  CHECK(contains(clash.err, "record name 'behaviour.bass_q' is also a parameter's path"));
  CHECK_FALSE(fs::exists(dir / "c.db"));
}

TEST_CASE("garbage is refused: tagged numbers, fractional or empty seeds, negative points, repeated or broken parameter names") {
  const fs::path dir = cli::fresh_dir("refuse-garbage");
  fs::create_directories(dir);
  std::ofstream(dir / "tags.yaml") << "extends: " << baseline << "\npopulation: {adopters: !!str 2000}\n";
  std::ofstream(dir / "seed.yaml") << "extends: " << baseline << "\nseed: 9007199254740991.4\n";
  CHECK(cli::geosim("validate " + (dir / "tags.yaml").string()).code == 2);
  CHECK(cli::geosim("validate " + (dir / "seed.yaml").string()).code == 2);
  const auto seed = cli::geosim("run " + baseline + small + " --seed '' --out " + (dir / "o").string());
  CHECK(seed.code == 2);
  CHECK(contains(seed.err, "--seed '': error: 'seed': expected a whole number"));
  CHECK_FALSE(fs::exists(dir / "o"));
  const fs::path store = cli::small_store(dir);
  std::ofstream(dir / "t.yaml") << "targets:\n  - {id: T, claim: c, source: s, value: china_open_end, max: 1}\n";
  const auto point = cli::geosim("targets " + store.string() + " --targets " + (dir / "t.yaml").string() + " --point -5");
  CHECK(point.code == 2);
  CHECK(contains(point.err, "--point -5: expected the number of a design point, 0 or more"));
  CHECK(point.out.empty());
  const auto twice = cli::geosim("design --method saltelli --param a:0:1 --param a:0:2 --base 4 --out " + (dir / "d.csv").string());
  CHECK(twice.code == 2);
  CHECK(contains(twice.err, "the name 'a' is given twice"));
  const auto newline = cli::geosim("design --method saltelli --param \"$(printf 'a\\nb:0:1')\" --base 4 --out " + (dir / "d.csv").string());
  CHECK(newline.code == 2);
  CHECK(contains(newline.err, "without commas, '=', spaces or control characters"));
  CHECK_FALSE(fs::exists(dir / "d.csv"));
  // An output that never varies has no Sobol indices: NA, not 0 with an interval of zero width.
  REQUIRE(cli::geosim("design --method saltelli --param a:0:1 --param b:0:1 --base 4 --out " + (dir / "d.csv").string()).code == 0);
  std::ofstream y(dir / "y.csv");
  for (int i = 0; i < 16; ++i) y << "1\n";
  y.close();
  const auto flat = cli::geosim("analyze --design " + (dir / "d.csv").string() + " --outputs " + (dir / "y.csv").string());
  CHECK(flat.code == 0);
  CHECK(flat.out == "parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\na,NA,NA,NA,NA,NA,NA\nb,NA,NA,NA,NA,NA,NA\n");
  const auto resamples = cli::geosim("analyze " + store.string() + " --resamples 1000000000000");
  CHECK(resamples.code == 2);
  const auto base = cli::geosim("design --method saltelli --param a:0:1 --base 4000000000 --out " + (dir / "big.csv").string());
  CHECK(base.code == 2);
  CHECK(contains(base.err, "geosim makes designs of at most 10,000,000 rows"));
}
