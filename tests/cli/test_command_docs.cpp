// What the program says of its own commands: "did you mean" for a mistyped command or option, and the
// bash completion and the man page made from the CLI11 definitions.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::slurp;

namespace {

/// Runs a shell command line in the scratch folder; returns its exit code, with stdout and stderr.
cli::Result shell(const std::string& command) {
  static int counter = 0;
  const fs::path dir = scratch::root();
  fs::create_directories(dir);
  const fs::path out = dir / ("sh-out" + std::to_string(counter)), err = dir / ("sh-err" + std::to_string(counter++));
  const fs::path script = dir / ("sh" + std::to_string(counter) + ".sh");
  std::ofstream(script) << command << "\n";
  const int status = std::system(("bash " + script.string() + " >" + out.string() + " 2>" + err.string()).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

/// The first words of the lines of a CLI11 --help section ("Subcommands:", "Options:", "Positionals:").
std::vector<std::string> help_section(const std::string& help, const std::string& title) {
  std::vector<std::string> out;
  std::istringstream in(help);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      inside = false;
      continue;
    }
    if (line == title) {
      inside = true;
      continue;
    }
    // An entry starts two spaces in; a description too long for its column continues further in.
    if (!inside || line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] == ' ') continue;
    std::istringstream words(line);
    std::string first;
    words >> first;
    // "-h,--help" lists its names with commas; "--out TEXT" its value after the name.
    std::istringstream names(first);
    for (std::string name; std::getline(names, name, ',');)
      if (!name.empty()) out.push_back(name);
  }
  return out;
}

/// The subcommands `geosim --help` lists: what CLI11 itself knows, independent of the generators.
std::vector<std::string> subcommands() {
  const auto help = cli::geosim("--help");
  REQUIRE(help.code == 0);
  const auto names = help_section(help.out, "Subcommands:");
  REQUIRE(names.size() >= 12);
  return names;
}

/// COMPREPLY of the generated completion for the words typed so far (the last one being completed).
std::string complete(const std::string& words) {
  const auto r = shell("cd " + std::string(GEOSIM_SOURCE_DIR) + "\nsource <(" + std::string(GEOSIM_BIN) + " completion bash) || exit 9\nCOMP_WORDS=(geosim " + words +
                       ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n[[ " + (words.empty() || words.back() == ' ' ? "1" : "0") +
                       " == 1 ]] && { COMP_WORDS+=(''); COMP_CWORD=$((COMP_CWORD + 1)); }\n_geosim\necho \"${COMPREPLY[*]}\"");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.out.substr(0, r.out.find('\n'));
}

std::set<std::string> word_set(const std::string& text) {
  std::istringstream in(text);
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

}  // namespace

TEST_CASE("a mistyped command or option is refused with exit code 2 and the nearest name") {
  const fs::path out = cli::fresh_dir("typo");
  auto r = cli::geosim("rn scenarios/baseline.yaml --out " + out.string());
  CHECK(r.code == 2);
  CHECK(contains(r.err, "geosim: 'rn' is not a geosim command; did you mean 'run'?"));
  CHECK(contains(r.err, "(commands: run, validate, schema, metrics, "));
  r = cli::geosim("valdate scenarios/baseline.yaml");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "did you mean 'validate'?"));
  r = cli::geosim("swep x.yaml");
  CHECK(contains(r.err, "did you mean 'sweep'?"));
  // Nothing near: no suggestion, but the list.
  r = cli::geosim("frobnicate");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "'frobnicate' is not a geosim command (commands: run,"));
  CHECK_FALSE(contains(r.err, "did you mean"));

  r = cli::geosim("run scenarios/baseline.yaml --seeed 3 --out " + out.string());
  CHECK(r.code == 2);
  CHECK(contains(r.err, "geosim run: unknown option '--seeed'; did you mean '--seed'?"));
  r = cli::geosim("run scenarios/baseline.yaml --threds=2 --out " + out.string());
  CHECK(r.code == 2);
  CHECK(contains(r.err, "unknown option '--threds'; did you mean '--threads'?"));
  // Even where CLI11 first finds a required option missing (--store, mistyped).
  r = cli::geosim("sweep scenarios/sweeps/price-grid.yaml --stor x.db");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "geosim sweep: unknown option '--stor'; did you mean '--store'?"));
  CHECK(contains(r.err, "--store is required"));
  r = cli::geosim("design --metod sobol --param x:0:1 --out d.csv");  // a command the analysis tools register
  CHECK(r.code == 2);
  CHECK(contains(r.err, "geosim design: unknown option '--metod'; did you mean '--method'?"));
  r = cli::geosim("--verison");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "did you mean '--version'?"));
  // A well-formed command line gets no suggestion.
  r = cli::geosim("run scenarios/baseline.yaml --months 0 --out " + out.string());
  CHECK(r.code == 2);
  CHECK_FALSE(contains(r.err, "did you mean"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("geosim completion bash completes every command and each command's options") {
  const auto script = cli::geosim("completion bash");
  REQUIRE(script.code == 0);
  const auto names = subcommands();
  for (const auto& name : names) {
    INFO(name);
    const auto help = cli::geosim(name + " --help");
    REQUIRE(help.code == 0);
    const auto options = help_section(help.out, "Options:");
    CHECK(options.size() >= 1);  // --help at least
    // The command's case in the script lists exactly the options its --help lists.
    const std::string head = "    \"" + name + "\") options=\"";
    const auto at = script.out.find(head);
    REQUIRE(at != std::string::npos);
    const auto end = script.out.find('"', at + head.size());
    CHECK(word_set(script.out.substr(at + head.size(), end - at - head.size())) == std::set<std::string>(options.begin(), options.end()));
    // And bash completes them: every option of the command from "-".
    const auto offered = word_set(complete(name + " -"));
    for (const auto& o : options) CHECK_MESSAGE(offered.count(o), o);
  }
  // Commands from a prefix; the choices of an option; a positional's fixed choices; files elsewhere.
  CHECK(word_set(complete("r")) == std::set<std::string>{"run", "report"});
  CHECK(word_set(complete("")).size() == names.size());
  CHECK(word_set(complete("run --se")) == std::set<std::string>{"--seed", "--set"});
  CHECK(complete("schema --format ") == "text markdown");
  CHECK(complete("metrics --format m") == "markdown");
  CHECK(complete("completion ") == "bash");
  CHECK(complete("run scenarios/basel") == "scenarios/baseline.yaml");
  CHECK(contains(complete("run scenarios/baseline.yaml --out scen"), "scenarios"));

  const auto installed = shell("source <(" + std::string(GEOSIM_BIN) + " completion bash); complete -p geosim");
  CHECK(installed.code == 0);
  CHECK(installed.out == "complete -o bashdefault -o filenames -F _geosim geosim\n");
  CHECK(installed.err.empty());
}

TEST_CASE("geosim man renders with groff without a warning and documents every command and option") {
  const fs::path dir = cli::fresh_dir("man");
  fs::create_directories(dir);
  const auto page = cli::geosim("man");
  REQUIRE(page.code == 0);
  std::ofstream(dir / "geosim.1") << page.out;
  // -ww: every warning; -z: no output, only the diagnostics. groff-base is in setup.sh's list.
  const auto checked = shell(std::string(GEOSIM_GROFF) + " -man -Tutf8 -ww -z " + (dir / "geosim.1").string());
  REQUIRE_MESSAGE(checked.code == 0, "groff: " << checked.err << " (install groff-base: ./setup.sh)");
  CHECK_MESSAGE(checked.err.empty(), checked.err);
  const auto rendered = shell(std::string(GEOSIM_GROFF) + " -man -Tutf8 -P-cbou -rLL=120n " + (dir / "geosim.1").string());
  REQUIRE(rendered.code == 0);
  const std::string text = rendered.out;
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS"}) CHECK_MESSAGE(contains(text, section), section);
  for (const auto& name : subcommands()) {
    INFO(name);
    CHECK(contains(text, "   " + name + "\n"));  // its subsection heading
    for (const auto& o : help_section(cli::geosim(name + " --help").out, "Options:")) CHECK_MESSAGE(contains(text, o), o);
  }
  // Options render with ASCII hyphen-minus signs, so that they can be copied into a shell.
  CHECK(contains(text, "--checkpoint-at"));
  CHECK(contains(text, "geosim run [options] [scenario]"));
}
