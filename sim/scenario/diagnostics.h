#pragma once
// The exception a refused scenario raises: every problem found, each with file:line:column.
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario/tree.h"

namespace geosim {

/// A scenario (or sweep, or command-line override) refused for the reasons in `diagnostics`.
class DiagnosticError : public std::runtime_error {
 public:
  explicit DiagnosticError(std::vector<Diagnostic> diagnostics);
  explicit DiagnosticError(Diagnostic diagnostic) : DiagnosticError(std::vector<Diagnostic>{std::move(diagnostic)}) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Prints every problem to stderr, then "<what> refused (N problems); <consequence>".
void print_refusal(const DiagnosticError& error, const std::string& what = "geosim: scenario", const std::string& consequence = "nothing was written");

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// "; did you mean 'x'?" for the closest candidate within a small distance, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace geosim
