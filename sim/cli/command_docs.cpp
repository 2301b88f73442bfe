#include "cli/command_docs.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "scenario/diagnostics.h"

namespace geosim::cli {
namespace {

/// The fixed set of values a check such as CLI::IsMember accepts, from its description "{a,b,c}".
std::vector<std::string> choices_in(const std::string& accepts) {
  std::vector<std::string> out;
  if (accepts.size() < 2 || accepts.front() != '{' || accepts.back() != '}') return out;
  std::string item;
  for (char c : accepts.substr(1, accepts.size() - 2)) {
    if (c == ',') out.push_back(item), item.clear();
    else item += c;
  }
  out.push_back(item);
  return out;
}

OptionDoc describe(const CLI::Option& opt) {
  OptionDoc d;
  for (const auto& l : opt.get_lnames()) d.names.push_back("--" + l);
  for (const auto& s : opt.get_snames()) d.names.push_back("-" + s);
  if (d.names.empty()) d.positional = opt.get_name(true);
  d.description = opt.get_description();
  d.required = opt.get_required();
  d.repeatable = opt.get_expected_max() > 1;
  d.default_value = opt.get_default_str();
  if (opt.get_items_expected_max() > 0) {
    // CLI11 writes the type, then each check's description after a ':' ("INT:INT in [1 - 1024]").
    const std::string type = opt.get_type_name();
    const auto colon = type.find(':');
    d.value = type.substr(0, colon);
    if (colon != std::string::npos) {
      d.accepts = type.substr(colon + 1);
      if (d.accepts.rfind(d.value + " ", 0) == 0) d.accepts.erase(0, d.value.size() + 1);
      d.choices = choices_in(d.accepts);
    }
  }
  return d;
}

CommandDoc describe(CLI::App& app) {
  CommandDoc c{app.get_name(), app.get_description(), {}};
  for (const CLI::Option* opt : app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); }))  // hidden ones have no group
    c.options.push_back(describe(*opt));
  return c;
}

/// The innermost command the parse reached.
const CLI::App* innermost(const CLI::App* app) {
  while (!app->get_subcommands().empty()) app = app->get_subcommands().back();
  return app;
}

std::string command_text(const CLI::App* app) {
  std::string out;
  for (const CLI::App* a = app; a; a = a->get_parent()) out = a->get_name() + (out.empty() ? "" : " " + out);
  return out;
}

}  // namespace

std::vector<CommandDoc> describe_commands(CLI::App& app) {
  std::vector<CommandDoc> out{describe(app)};
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) out.push_back(describe(*sub));
  return out;
}

std::string failure_message(const CLI::App* app, const CLI::Error& error) {
  const CLI::App* at = innermost(app);
  const std::string who = command_text(at);
  std::vector<std::string> subcommands;
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) subcommands.push_back(sub->get_name());
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  };
  std::string hints;
  for (const std::string& word : at->remaining()) {
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      std::vector<std::string> names;
      for (const CLI::Option* opt : at->get_options()) {
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
      }
      if (std::find(names.begin(), names.end(), name) == names.end())
        hints += who + ": unknown option '" + name + "'" + did_you_mean(name, names) + "\n";
    } else if (at == app) {
      // A word where a command belongs: CLI11 only says that one is required.
      return hints + who + ": '" + word + "' is not a " + who + " command" + did_you_mean(word, subcommands) + " (commands: " + list(subcommands) +
             ")\nRun '" + who + " --help' for more information.\n";
    }
  }
  std::string message = error.what();
  if (at == app && dynamic_cast<const CLI::RequiredError*>(&error) && at->get_subcommands().empty() && !subcommands.empty() &&
      message == "A subcommand is required")
    message += " (commands: " + list(subcommands) + ")";
  return hints + who + ": " + message + "\nRun '" + who + " --help' for more information.\n";
}

}  // namespace geosim::cli
