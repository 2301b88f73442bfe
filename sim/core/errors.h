#pragma once
// The two kinds of failure every command tells apart when it picks its exit code (cli/exit_codes.h):
// input it refuses, and output it could not write. Anything else is an internal failure.
#include <stdexcept>
#include <string>

namespace geosim {

/// Input that cannot be used: a file of the wrong kind or size, a damaged store or checkpoint, a bad
/// option value. The message says which input and what is wrong with it. Exit code 2.
class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Output that could not be written (a full disk, a read-only folder, a closed pipe): not the user's
/// input at fault, so exit code 1. The message names the file and the system's reason; whoever
/// throws it has removed what it had half written.
class WriteFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace geosim
