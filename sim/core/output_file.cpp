#include "core/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errors.h"

namespace geosim {

std::string partial_path(const std::string& path) {
  return path + ".partial";
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = partial_path(path);
  auto fail = [&](int err) {
    ::unlink(tmp.c_str());
    throw WriteFailure("cannot write " + path + ": " + std::strerror(err) + "; nothing was kept of it");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw WriteFailure("cannot write " + path + ": " + std::strerror(errno));
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail(err);
    }
    done += static_cast<std::size_t>(n);
  }
  // Some file systems (NFS) report a full disk only when the file is closed.
  if (::close(fd) != 0) fail(errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(errno);
}

}  // namespace geosim
