// geosim: the command-line entry point. Subcommands: run, validate, schema, metrics (and those the analysis
// tools and the viewer register), completion and man.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/build_info.h"
#include "cli/command_docs.h"
#include "cli/command_registry.h"
#include "cli/exit_codes.h"
#include "cli/run_command.h"
#include "model/output_catalog.h"
#include "scenario/schema_doc.h"

namespace {

/// Turns --set texts into overrides; --seed becomes an override too, so that the schema checks it like
/// any other value (an empty --seed '' included: it is refused, not ignored).
std::vector<geosim::Override> collect_overrides(const std::vector<std::string>& sets, const CLI::Option* seed_opt, const std::string& seed) {
  std::vector<geosim::Override> out;
  for (const auto& s : sets) out.push_back(geosim::parse_override(s));
  if (seed_opt && seed_opt->count() > 0) out.push_back(geosim::seed_override(seed));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"geosim: agent-based simulation of the geopolitics of open and closed AI models", "geosim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "geosim " + geosim::build_version() + " (commit " + geosim::build_commit() + ")");
  app.failure_message(geosim::cli::failure_message);

  geosim::RunOptions run;
  std::vector<std::string> sets;
  std::string seed;
  auto* run_cmd = app.add_subcommand("run", "Run one scenario headless; write series.csv, scenario.resolved.yaml and run.json");
  auto* scenario_opt = run_cmd->add_option("scenario", run.scenario, "Scenario file (YAML); not with --resume");
  run_cmd->add_option("--out", run.out, "Output directory (default runs/<scenario>-<timestamp>)");
  auto* seed_opt = run_cmd->add_option("--seed", seed, "Seed of every random draw (overrides the scenario's seed)");
  run_cmd->add_option("--threads", run.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  run_cmd->add_option("--months", run.months, "Simulate only this many months (or more than the scenario's); later events are dropped")
      ->check(CLI::Range(1, 1200));
  run_cmd->add_option("--set", sets, "Override a scenario key: --set key.path=value (repeatable), e.g. --set labs.deepseek.open=false");
  run_cmd->add_flag("--quiet,-q", run.quiet, "No progress bar and no summary");
  auto* at_opt = run_cmd->add_option("--checkpoint-at", run.checkpoint_at, "Save the whole state at the start of this month (YYYY-MM) ...");
  auto* ck_opt = run_cmd->add_option("--checkpoint", run.checkpoint, "... into this checkpoint file");
  at_opt->needs(ck_opt);
  ck_opt->needs(at_opt);
  auto* resume_opt = run_cmd->add_option("--resume", run.resume, "Continue the run saved in this checkpoint file");
  auto* from_opt = run_cmd->add_option("--from", run.from, "Start the scenario from the state saved in this checkpoint (a branch)");
  run_cmd->add_option("--replay-events", run.replay_events, "An events.csv of an earlier run: its triggered events fire when they fired there (the same series)");
  resume_opt->excludes(scenario_opt)->excludes(from_opt);
  from_opt->needs(scenario_opt);

  std::string validate_file;
  std::vector<std::string> validate_sets;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario without running it");
  validate_cmd->add_option("scenario", validate_file, "Scenario file (YAML)")->required();
  validate_cmd->add_option("--set", validate_sets, "Override a scenario key, as for run");

  std::string format = "text";
  bool schema_as_json = false;
  auto* schema_cmd = app.add_subcommand("schema", "Print every scenario key with its type, range, default, unit and meaning");
  auto* format_opt = schema_cmd->add_option("--format", format, "text or markdown")->check(CLI::IsMember({"text", "markdown"}));
  schema_cmd->add_flag("--json", schema_as_json, "Print the keys as JSON, for programs (docs/scenario-format.md)")->excludes(format_opt);

  std::string metrics_format = "text";
  auto* metrics_cmd = app.add_subcommand("metrics", "Print every output metric with its scope, unit, meaning and definition");
  metrics_cmd->add_option("--format", metrics_format, "text or markdown")->check(CLI::IsMember({"text", "markdown"}));

  std::vector<std::function<int()>> extra;
  for (const auto& setup : geosim::cli::registered_commands()) extra.push_back(setup(app));

  // Last, so that they describe every command above (and themselves).
  std::string shell;
  auto* completion_cmd = app.add_subcommand("completion", "Print a shell completion script for geosim: source <(geosim completion bash)");
  completion_cmd->add_option("shell", shell, "The shell (bash)")->required()->check(CLI::IsMember({"bash"}));
  auto* man_cmd = app.add_subcommand("man", "Print the man page geosim(1) in roff: geosim man | man -l -");

  // Runs the chosen subcommand; failures go to report_failure, the one place that picks their exit code.
  auto run_chosen = [&]() -> int {
    if (*run_cmd) {
      if (run.scenario.empty() && run.resume.empty()) {
        std::cerr << "geosim run: give a scenario file, or --resume CHECKPOINT\n";
        return geosim::exit_code::bad_input;
      }
      if (!run.resume.empty() && (!sets.empty() || seed_opt->count() > 0 || run.months > 0)) {
        std::cerr << "geosim run: --resume continues a run as it was; --set, --seed and --months do not apply\n";
        return geosim::exit_code::bad_input;
      }
      run.overrides = collect_overrides(sets, seed_opt, seed);
      run.command_line.assign(argv, argv + argc);
      return geosim::run_command(run);
    }
    if (*validate_cmd) return geosim::validate_command(validate_file, collect_overrides(validate_sets, nullptr, ""));
    if (*schema_cmd) {
      std::cout << (schema_as_json ? geosim::schema_json() : format == "markdown" ? geosim::schema_markdown() : geosim::schema_text());
      return geosim::exit_code::ok;
    }
    if (*metrics_cmd) {
      std::cout << (metrics_format == "markdown" ? geosim::metrics_markdown() : geosim::metrics_text());
      return 0;
    }
    if (*completion_cmd) {
      std::cout << geosim::cli::bash_completion(geosim::cli::describe_commands(app));
      return geosim::exit_code::ok;
    }
    if (*man_cmd) {
      std::cout << geosim::cli::man_page(geosim::cli::describe_commands(app), geosim::build_version());
      return geosim::exit_code::ok;
    }

    for (const auto& run_extra : extra)
      if (int code = run_extra(); code >= 0) return code;
    return geosim::exit_code::internal_failure;  // CLI11 required one subcommand, and every one answers
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // --help and --version are "errors" that exit 0
    return geosim::check_stdout(code == 0 ? geosim::exit_code::ok : geosim::exit_code::bad_input);
  }
  const std::string command = "geosim " + app.get_subcommands().front()->get_name();
  try {
    return geosim::check_stdout(run_chosen());
  } catch (...) {
    return geosim::check_stdout(geosim::report_failure(command, std::current_exception()));
  }
}
