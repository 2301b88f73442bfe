#include "cli/exit_codes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <stdexcept>

#include "core/errors.h"
#include "scenario/diagnostics.h"

namespace geosim {

int exit_code_for(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const DiagnosticError&) {
    return exit_code::bad_input;
  } catch (const BadInput&) {
    return exit_code::bad_input;
  } catch (const std::invalid_argument&) {
    return exit_code::bad_input;
  } catch (...) {
    return exit_code::internal_failure;
  }
}

int report_failure(const std::string& command, std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const DiagnosticError& e) {
    print_refusal(e, command + ": input");
  } catch (const BadInput& e) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), e.what());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), e.what());
  } catch (const WriteFailure& e) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: out of memory; a smaller population, sweep or design needs less (GEOSIM_MEMORY_LIMIT caps what geosim plans for)\n",
                 command.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal failure: %s\n", command.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: internal failure (an unknown exception)\n", command.c_str());
  }
  return exit_code_for(failure);
}

int check_stdout(int code) {
  std::cout.flush();
  // errno is left as the failed write set it (it may have been an earlier printf, not this flush).
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && std::cout.good()) return code;
  const int err = errno;
  std::fprintf(stderr, "geosim: cannot write the standard output: %s; what it printed is incomplete\n", err ? std::strerror(err) : "write error");
  return code == exit_code::ok ? exit_code::internal_failure : code;
}

}  // namespace geosim
