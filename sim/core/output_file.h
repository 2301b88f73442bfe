#pragma once
// Writing an output file so that it is either complete or absent: the text goes to PATH.partial, which
// replaces PATH only once every byte is written and closed. A full disk leaves neither a truncated
// PATH nor the partial file behind.
#include <string>

namespace geosim {

/// Writes `text` to `path` atomically (see above); throws WriteFailure (core/errors.h) naming the
/// file and the system's reason, after removing the partial file.
void write_file_atomically(const std::string& path, const std::string& text);

/// The temporary name write_file_atomically writes to before renaming.
std::string partial_path(const std::string& path);

/// Refuses, before anything is written, an output folder that cannot be one: a path that exists and
/// is not a folder, or one below a file. `option` names it in the message ("--out"). Throws BadInput.
void check_output_dir(const std::string& dir, const std::string& option);

/// Creates the output folder (and its parents). A refusal by the system (no permission, a name too
/// long) is BadInput; a full disk or an I/O error is WriteFailure.
void make_output_dir(const std::string& dir, const std::string& option);

}  // namespace geosim
