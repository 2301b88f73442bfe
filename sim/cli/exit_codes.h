#pragma once
// The exit codes of every geosim command (README, "Exit codes"), and the one place that turns a
// failure into one. Commands return these constants, or let exceptions reach main(), which hands them
// to report_failure.
#include <exception>
#include <string>

namespace geosim::exit_code {

inline constexpr int ok = 0;
/// Not the input's fault: a bug, memory exhausted, or output that could not be written (a full disk).
inline constexpr int internal_failure = 1;
/// The input is refused (a file, an option, a store, a checkpoint); nothing was written.
inline constexpr int bad_input = 2;
/// Ctrl-C or SIGTERM; what was finished is kept and marked.
inline constexpr int interrupted = 130;

}  // namespace geosim::exit_code

namespace geosim {

/// The exit code a failure maps to: refused input (DiagnosticError, BadInput, std::invalid_argument)
/// is bad_input; everything else (WriteFailure, std::bad_alloc, any other exception) internal_failure.
int exit_code_for(std::exception_ptr failure);

/// Prints the failure on stderr, prefixed by `command` ("geosim sweep"), and returns exit_code_for it.
int report_failure(const std::string& command, std::exception_ptr failure);

/// Flushes stdout; when that fails (a full disk, /dev/full, a closed pipe) says so and turns `code`
/// into internal_failure, so that lost output never exits 0.
int check_stdout(int code);

}  // namespace geosim
