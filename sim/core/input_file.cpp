#include "core/input_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/errors.h"
#include "core/memory.h"

namespace geosim {
namespace {

/// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void too_large(const std::string& path, const std::string& what, const std::string& size, std::size_t max_bytes) {
  throw BadInput(what + " " + path + " is " + size + "; geosim reads a " + what + " of at most " + format_bytes(max_bytes) +
                 " (is it the right file?)");
}

/// Reads everything from a pipe. Opened without blocking, a read says whether a writer is there:
/// EAGAIN (a writer, no data yet: wait for it, however slow) or 0 (none yet: a FIFO nobody has
/// opened; wait at most `timeout` for one to write).
std::string read_pipe(int fd, const std::string& path, const std::string& what, std::size_t max_bytes, std::chrono::milliseconds timeout) {
  std::string out;
  char buf[1 << 16];
  bool writer_seen = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      writer_seen = true;
      if (out.size() + static_cast<std::size_t>(n) > max_bytes) too_large(path, what, "more than " + format_bytes(max_bytes), max_bytes);
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) throw BadInput("cannot read " + what + " " + path + ": " + std::strerror(errno));
    if (n < 0) writer_seen = true;
    if (n == 0 && writer_seen) return out;  // the writer closed: the end
    // Without a writer yet, look again every 50 ms: a writer that opens the FIFO without writing shows
    // only as EAGAIN on the next read, not to poll.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!writer_seen && left.count() <= 0) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(timeout.count()) / 1000);
      throw BadInput(what + " " + path + " is a FIFO that no writer opened in " + seconds + " s; start its writer first, or give a regular file");
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, writer_seen ? -1 : static_cast<int>(std::min<long long>(50, left.count())));
    if (ready < 0 && errno != EINTR) throw BadInput("cannot read " + what + " " + path + ": " + std::strerror(errno));
    // Readable after a wait: a writer connected (and wrote, or hung up). A pipe whose writer left
    // without writing reads as empty, and its reader refuses the empty text.
    if (ready > 0) writer_seen = true;
  }
}

}  // namespace

std::string resolve_beside(const std::string& input, const std::string& relative) {
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::is_fifo(input, ec) ? std::filesystem::path(".") : std::filesystem::path(input).parent_path();
  return (folder / relative).lexically_normal().string();
}

std::string read_input(const std::string& path, const std::string& what, std::size_t max_bytes, std::chrono::milliseconds first_byte_timeout) {
  struct stat st {};
  if (path.empty()) throw BadInput(what + ": the path is empty");
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) throw BadInput("cannot read " + what + " " + path + ": no such file (is the path right?)");
    throw BadInput("cannot read " + what + " " + path + ": " + std::strerror(errno));
  }
  const bool pipe = S_ISFIFO(st.st_mode);
  if (!pipe && !S_ISREG(st.st_mode))
    throw BadInput(what + " " + path + " is " + kind_of(st.st_mode) + ", not a file; give a regular file (or a pipe)");
  if (!pipe && static_cast<unsigned long long>(st.st_size) > max_bytes) too_large(path, what, format_bytes(static_cast<std::size_t>(st.st_size)), max_bytes);
  // O_NONBLOCK: opening a FIFO without a writer would otherwise block in open() itself.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | (pipe ? O_NONBLOCK : 0))};
  if (f.fd < 0) throw BadInput("cannot read " + what + " " + path + ": " + std::strerror(errno));
  if (pipe) return read_pipe(f.fd, path, what, max_bytes, first_byte_timeout);
  std::string out;
  out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw BadInput("cannot read " + what + " " + path + ": " + std::strerror(errno));
    }
    if (n == 0) return out;
    // The file may grow while it is read: the cap holds for what is read, not only for what stat said.
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) too_large(path, what, "more than " + format_bytes(max_bytes), max_bytes);
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace geosim
