// The generators of sim/cli/command_docs.h on commands made here: what the real program's commands
// never contain (non-ASCII text, roff control characters) is escaped, and a mistyped command or
// option of any CLI11 program gets its suggestion.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/command_docs.h"

using namespace geosim::cli;

namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// The message CLI11 would print for `args` (without the program name) refused by `app`.
std::string refusal(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return failure_message(&app, e);
  }
  FAIL("the command line was accepted");
  return "";
}

}  // namespace

TEST_CASE("the man page escapes what roff would misread, and writes non-ASCII as groff's \\[uXXXX]") {
  CommandDoc program{"geosim", "geosim: does things", {}};
  OptionDoc opt;
  opt.names = {"--weight", "-w"};
  opt.value = "FLOAT";
  opt.accepts = "in [0 - 1]";
  opt.description = ".5 is half; \\n is no newline; Σ naïve \xff";
  opt.default_value = "0.5";
  CommandDoc sub{"fit", "Fit a model", {opt}};
  OptionDoc pos;
  pos.positional = "files";
  pos.required = true;
  pos.repeatable = true;
  pos.description = "Input files";
  sub.options.push_back(pos);
  const std::string page = man_page({program, sub}, "1.2.3");
  CHECK(has(page, ".TH GEOSIM 1 \"\" \"geosim 1.2.3\" \"User Commands\"\n"));
  CHECK(has(page, "\n.SH NAME\ngeosim \\- does things\n"));
  CHECK(has(page, "\\fB\\-\\-weight\\fR, \\fB\\-w\\fR \\fIFLOAT\\fR\n"));
  // A description line starting with '.' would be a roff request: it is guarded with \&.
  CHECK(has(page, "\n\\&.5 is half; \\en is no newline; \\[u03A3] na\\[u00EF]ve \\[uFFFD]. A value in [0 \\- 1]. Default: 0.5.\n"));
  CHECK(has(page, ".SS fit\n.B geosim fit\n.RI [ options ]\n.I files ...\n"));
  CHECK(has(page, "\\fIfiles\\fR\nInput files. Required. Takes one or more.\n"));
  // The positional comes before the options.
  CHECK(page.find("\\fIfiles\\fR") < page.find("\\-\\-weight"));
  CHECK(std::all_of(page.begin(), page.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}

TEST_CASE("the bash completion offers each command's options, the choices of options and positionals, and files elsewhere") {
  OptionDoc format;
  format.names = {"--format"};
  format.value = "TEXT";
  format.choices = {"a", "b"};
  OptionDoc flag;
  flag.names = {"--quick", "-q"};
  OptionDoc shell;
  shell.positional = "shell";
  shell.value = "TEXT";
  shell.choices = {"bash", "zsh"};
  const std::string script = bash_completion({{"tool", "", {}}, {"show", "", {format, flag}}, {"hook", "", {shell}}});
  CHECK(has(script, "      show|hook) command=${COMP_WORDS[i]}; break ;;\n"));
  CHECK(has(script, "    \"\") options=\"\" valued=\"  \" words=\"show hook\" ;;\n"));
  CHECK(has(script, "    \"show\") options=\"--format --quick -q\" valued=\" --format \" words=\"\" ;;\n"));
  CHECK(has(script, "    \"show --format\") COMPREPLY=($(compgen -W \"a b\" -- \"$cur\")); return ;;\n"));
  CHECK(has(script, "    \"hook\") options=\"\" valued=\"  \" words=\"bash zsh\" ;;\n"));
  CHECK(has(script, "complete -o filenames -o bashdefault -F _geosim geosim\n"));
}

TEST_CASE("describe_commands reads names, values, checks and defaults from CLI11, failure_message suggests the nearest") {
  CLI::App app{"tool: does things", "tool"};
  app.require_subcommand(1);
  std::string out, level;
  int count = 1;
  auto* fit = app.add_subcommand("fit", "Fit a model");
  fit->add_option("--out,-o", out, "Where to write")->required();
  fit->add_option("--count", count, "How many")->check(CLI::Range(1, 9))->capture_default_str();
  fit->add_option("--level", level, "How hard")->check(CLI::IsMember({"low", "high"}));
  app.add_subcommand("plot", "Plot a model");
  const auto docs = describe_commands(app);
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].name == "tool");
  CHECK(docs[1].name == "fit");
  CHECK(docs[2].name == "plot");
  REQUIRE(docs[1].options.size() == 4);  // --help first
  CHECK(docs[1].options[0].names == std::vector<std::string>{"--help", "-h"});
  CHECK(docs[1].options[0].value.empty());
  CHECK(docs[1].options[1].names == std::vector<std::string>{"--out", "-o"});
  CHECK(docs[1].options[1].value == "TEXT");
  CHECK(docs[1].options[1].required);
  CHECK(docs[1].options[2].value == "INT");
  CHECK(docs[1].options[2].accepts == "in [1 - 9]");
  CHECK(docs[1].options[2].default_value == "1");
  CHECK(docs[1].options[3].choices == std::vector<std::string>{"low", "high"});

  CHECK(refusal(app, {"fti"}) == "tool: 'fti' is not a tool command; did you mean 'fit'? (commands: fit, plot)\nRun 'tool --help' for more information.\n");
  CLI::App app2{"tool", "tool"};
  app2.require_subcommand(1);
  auto* fit2 = app2.add_subcommand("fit", "Fit a model");
  fit2->add_option("--count", count, "How many");
  CHECK(refusal(app2, {"fit", "--cuont", "3"}).rfind("tool fit: unknown option '--cuont'; did you mean '--count'?\ntool fit: ", 0) == 0);
}
