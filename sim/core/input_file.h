#pragma once
// Reading an input file whole: the one way geosim reads scenarios, sweep and targets files, viewer
// scripts, designs, outputs and checkpoints. Only a regular file or a pipe (a FIFO, or the /dev/fd/N
// of a shell's <(...)) is read; anything else (a folder, /dev/zero, a terminal) is refused by its
// kind, a file larger than the cap by its size, and a FIFO nobody writes to after a while.
#include <chrono>
#include <cstddef>
#include <string>

namespace geosim {

/// Caps on what is read whole. A scenario is a few KB and a sweep file less; 16 MiB leaves room for
/// long descriptions and generated files while keeping a mistaken input from filling memory.
inline constexpr std::size_t max_text_input = 16u << 20;
/// A checkpoint holds 6 bytes per adopter and the series so far.
inline constexpr std::size_t max_checkpoint_input = std::size_t{8} << 30;
/// How long a FIFO that nobody has opened for writing is waited for; a pipe with a writer (a shell's
/// <(...)) is waited for however long its writer takes.
inline constexpr std::chrono::seconds pipe_first_byte_timeout{5};

/// A path written inside the input `input` (an `extends`, a sweep's `base`), resolved: relative to
/// the input's folder, or to the working folder when the input is a pipe (`<(...)` has no folder).
std::string resolve_beside(const std::string& input, const std::string& relative);

/// The whole content of `path`. `what` names the input in messages ("scenario file", "checkpoint").
/// Throws BadInput (core/errors.h) naming the path and the reason: missing, unreadable, not a regular
/// file or pipe, larger than `max_bytes`, or a FIFO that no writer opens within `first_byte_timeout`.
std::string read_input(const std::string& path, const std::string& what, std::size_t max_bytes = max_text_input,
                       std::chrono::milliseconds first_byte_timeout = pipe_first_byte_timeout);

}  // namespace geosim
