#pragma once
// The geosim program's commands and options, read from its CLI11 definitions: the one source that the
// bash completion (`geosim completion bash`), the man page (`geosim man`) and the "did you mean"
// suggestions for mistyped commands and options are made from.
#include <string>
#include <vector>

namespace CLI {
class App;
class Error;
}  // namespace CLI

namespace geosim::cli {

/// One option or positional argument of a command.
struct OptionDoc {
  std::vector<std::string> names;  // "--out", "-q", ...; empty for a positional
  std::string positional;          // the positional's name ("scenario"); empty for an option
  std::string value;               // what its value is ("TEXT", "INT"); empty for a flag
  std::string accepts;             // CLI11's check on the value ("in [1 - 1024]"); may be empty
  std::vector<std::string> choices;  // the values it accepts when they are a fixed set ({text,markdown})
  std::string default_value;         // shown in --help when the definition captured it; may be empty
  std::string description;
  bool required = false;
  bool repeatable = false;  // takes any number of values (--set, a list of files)
};

/// One command: the program itself (name empty) or one of its subcommands.
struct CommandDoc {
  std::string name, description;
  std::vector<OptionDoc> options;  // in definition order, --help first
};

/// The program (first) and every subcommand, in the order they were defined.
std::vector<CommandDoc> describe_commands(CLI::App& app);

/// A bash script that completes geosim's commands, their options and the choices of options that
/// take a fixed set of values; other values and positionals complete as file names.
std::string bash_completion(const std::vector<CommandDoc>& commands);

/// The man page geosim(1) in roff (man macros): synopsis, every command with its options, exit codes.
std::string man_page(const std::vector<CommandDoc>& commands, const std::string& version);

/// CLI11's message for a refused command line, with "did you mean" for a mistyped command or option
/// (for CLI::App::failure_message).
std::string failure_message(const CLI::App* app, const CLI::Error& error);

}  // namespace geosim::cli
