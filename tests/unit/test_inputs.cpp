// Reading inputs: the one reading helper (regular files and pipes only, a size cap, no endless wait on
// a FIFO) and the YAML reader's defences (aliases that contain themselves, deep nesting, tags, huge
// documents, fractions passed off as whole numbers).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../scratch.h"
#include "analysis/calibration/targets.h"
#include "analysis/sweep/sweep_def.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "fixtures.h"
#include "scenario/loader.h"

namespace fs = std::filesystem;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// The message read_input refuses `path` with, or "accepted".
std::string refusal_of(const std::string& path, std::chrono::milliseconds timeout = geosim::pipe_first_byte_timeout) {
  try {
    geosim::read_input(path, "scenario file", geosim::max_text_input, timeout);
  } catch (const geosim::BadInput& e) {
    return e.what();
  }
  return "accepted";
}

/// The first diagnostic a YAML text is refused with, or "accepted".
std::string yaml_refusal(const std::string& text) {
  try {
    geosim::parse_yaml(text, "t.yaml");
  } catch (const geosim::DiagnosticError& e) {
    return e.diagnostics().front().str();
  }
  return "accepted";
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

const char* const self_alias = "an alias refers to a list or map that contains it";

}  // namespace

TEST_CASE("a self-referencing alias is refused by every YAML reader, not followed until the stack ends") {
  CHECK(contains(yaml_refusal("a: &x [*x]\n"), "t.yaml:1:4: error: " + std::string(self_alias)));
  CHECK(contains(yaml_refusal("a: &m {b: *m}\n"), self_alias));
  CHECK(contains(yaml_refusal("&m {a: 1, b: *m}\n"), self_alias));  // the root itself: the depth limit is reached at a leaf below it
  // A scenario, and a --set value.
  CHECK(contains(fixtures::refusal(fixtures::tiny + "description: &a [*a]\n").front().str(), self_alias));
  const std::string baseline = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  try {
    geosim::load_scenario(baseline, {geosim::parse_override("name=&a [*a]")});
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    // One place, the option as given: not the value's own line and column appended to it.
    CHECK(e.diagnostics().front().str() == "--set name=&a [*a]: error: " + std::string(self_alias) +
                                               " (e.g. a: &x [*x]), which would repeat for ever; an alias may only repeat a complete node written before it");
  }
  // A sweep file and a targets file.
  const fs::path dir = scratch::fresh("inputs-alias");
  try {
    geosim::sweep::load_sweep(write(dir, "s.yaml", "name: &a [*a]\nbase: x.yaml\n").string());
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(contains(e.diagnostics().front().str(), "s.yaml:1:7: error: " + std::string(self_alias)));
  }
  try {
    geosim::calibration::load_targets(write(dir, "t.yaml", "targets: &a [*a]\n").string(), geosim::sweep::StoreInfo{});
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(contains(e.diagnostics().front().str(), self_alias));
  }
}

/// Anchors a0 .. a(n-1), each a list holding the one before: node i expands to i + 1 nodes.
std::string alias_chain(int n) {
  std::string chain = "a0: &a0 [0]\n";
  for (int i = 1; i < n; ++i) {
    const std::string at = std::to_string(i), before = std::to_string(i - 1);
    chain.append("a").append(at).append(": &a").append(at).append(" [*a").append(before).append("]\n");  // not +: GCC 12 bug 105651
  }
  return chain;
}

TEST_CASE("aliases chained past the node cap are refused, a long chain within it still loads") {
  // Aliases copy what they name, so a chain of anchors grows as the square of its length: depth through
  // aliases stays below the converter's limit of 1,000 levels unless an alias contains itself.
  CHECK(contains(yaml_refusal(alias_chain(1500)), "more than 100,000 YAML nodes"));
  CHECK(yaml_refusal(alias_chain(400)) == "accepted");
  const geosim::Node n = geosim::parse_yaml("a: &x {b: 1}\nc: *x\nd: [*x, *x]\n", "t.yaml");
  REQUIRE(n.find("c"));
  CHECK(n.find("c")->find("b")->scalar == "1");
  CHECK(n.find("d")->seq.size() == 2);
}

TEST_CASE("brackets nested past the parser's limit are refused with a message that says so") {
  const std::string msg = yaml_refusal("a: " + std::string(3000, '['));
  CHECK(contains(msg, "lists and maps nested hundreds of levels deep"));
  CHECK_FALSE(contains(msg, "bad file"));
}

TEST_CASE("a document of more than 100,000 nodes is refused before yaml-cpp builds it") {
  std::string big = "a: [";
  for (int i = 0; i < 150000; ++i) big += "0,";
  big += "0]\n";
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(contains(yaml_refusal(big), "more than 100,000 YAML nodes"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("a tagged value is text or refused, never read as the number it spells") {
  const auto tagged = fixtures::refusal(fixtures::replace(fixtures::tiny, "adopters: 2000", "adopters: !!str 2000"));
  CHECK(contains(tagged.front().str(), "'population.adopters': expected a whole number"));
  CHECK(contains(tagged.front().str(), "got '2000'"));
  const auto custom = fixtures::refusal(fixtures::tiny + "behaviour: {bass_p: !weird 0.03}\n");
  CHECK_MESSAGE(contains(custom.front().str(), "test.yaml:13:21: error: the YAML tag '!weird' is not used by geosim"), custom.front().str());
  CHECK(contains(yaml_refusal("a: !!int 3\n"), "the YAML tag '!!int' is not used by geosim"));
  CHECK(contains(yaml_refusal("!!str a: 3\n"), "on a key is not used"));
  // A !!str where text belongs is text.
  CHECK(geosim::load_scenario_text(fixtures::tiny + "name: !!str 2024\n", "t.yaml").name == "2024");
}

TEST_CASE("a whole number is one exactly, even where a double cannot hold the fraction") {
  auto whole = [](const std::string& text) { return geosim::parse_whole_number(geosim::parse_yaml(text, "t.yaml")); };
  CHECK(whole("12") == 12.0);
  CHECK(whole("-3") == -3.0);
  CHECK(whole("1e6") == 1e6);
  CHECK(whole("1.5e1") == 15.0);
  CHECK(whole("12.000") == 12.0);
  CHECK(whole("10e-1") == 1.0);
  CHECK(whole("1200e-2") == 12.0);
  for (const char* fraction : {"9007199254740991.4", "1.5", "1e-1", "15e-1", "0.5e0", "'12'", "nan", "inf"}) CHECK_MESSAGE(!whole(fraction), fraction);
  const auto seed = fixtures::refusal(fixtures::tiny + "seed: 9007199254740991.4\n");
  CHECK(contains(seed.front().str(), "'seed': expected a whole number"));
  CHECK(contains(fixtures::refusal(fixtures::tiny + "seed: ''\n").front().str(), "'seed': expected a whole number"));
}

TEST_CASE("only regular files and pipes are read, and a file larger than the cap is refused by its size") {
  const fs::path dir = scratch::fresh("inputs-kinds");
  CHECK(contains(refusal_of("/dev/zero"), "scenario file /dev/zero is a character device, not a file"));
  CHECK(contains(refusal_of(dir.string()), "is a folder, not a file"));
  CHECK(contains(refusal_of((dir / "missing.yaml").string()), "cannot read scenario file " + (dir / "missing.yaml").string() + ": no such file"));
  CHECK(contains(refusal_of(""), "the path is empty"));
  // A sparse 200 MiB file: refused by what stat says, without reading it.
  const fs::path big = dir / "big.yaml";
  { std::ofstream(big) << "x"; }
  fs::resize_file(big, std::uint64_t{200} << 20);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(refusal_of(big.string()) == "scenario file " + big.string() + " is 200 MiB; geosim reads a scenario file of at most 16 MiB (is it the right file?)");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  CHECK(geosim::read_input(write(dir, "ok.yaml", "name: x\n").string(), "scenario file") == "name: x\n");
  // A scenario extending the big file is refused at its extends line.
  try {
    geosim::load_scenario(write(dir, "s.yaml", "extends: big.yaml\n").string());
    FAIL("accepted");
  } catch (const geosim::DiagnosticError& e) {
    CHECK(contains(e.diagnostics().front().str(), "s.yaml:1:10: error: scenario file"));
    CHECK(contains(e.diagnostics().front().str(), "is 200 MiB"));
  }
}

TEST_CASE("a FIFO is read when its writer writes, and refused after a while when nobody does") {
  const fs::path dir = scratch::fresh("inputs-fifo");
  const fs::path fifo = dir / "p.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(contains(refusal_of(fifo.string(), std::chrono::milliseconds(300)), "is a FIFO that no writer opened in 0.3 s; start its writer first"));
  const auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= std::chrono::milliseconds(250));
  CHECK(waited < std::chrono::seconds(3));
  // A writer that starts late, after the reader is waiting, is read to its end.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::ofstream(fifo) << "name: piped\n";
  });
  CHECK(geosim::read_input(fifo.string(), "scenario file") == "name: piped\n");
  writer.join();
  // A writer that has opened the FIFO is waited for however slow it is, past the timeout for none.
  std::thread slow([&] {
    std::ofstream out(fifo);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    out << "name: slow\n";
  });
  CHECK(geosim::read_input(fifo.string(), "scenario file", geosim::max_text_input, std::chrono::milliseconds(300)) == "name: slow\n");
  slow.join();
}

TEST_CASE("a scenario read from a pipe extends files relative to the working folder") {
  const fs::path dir = scratch::fresh("inputs-pipe-extends");
  write(dir, "parent.yaml", fixtures::tiny);
  const fs::path fifo = dir / "child.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo) << "extends: parent.yaml\nname: via-pipe\n"; });
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  geosim::ScenarioDef def;
  CHECK_NOTHROW(def = geosim::load_scenario(fifo.string()));
  fs::current_path(before);
  writer.join();
  CHECK(def.name == "via-pipe");
  CHECK(def.labs.size() == 2);
}
