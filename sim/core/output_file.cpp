#include "core/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/errors.h"

namespace geosim {

std::string partial_path(const std::string& path) {
  return path + ".partial";
}

void check_output_dir(const std::string& dir, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st)) throw BadInput(option + " " + dir + " exists and is not a folder; give the folder to write into");
  // The nearest existing ancestor must be a folder (--out notes.txt/run names a file as a folder).
  for (fs::path p = fs::path(dir).parent_path(); !p.empty(); p = p.parent_path()) {
    const fs::file_status up = fs::status(p, ec);
    if (!fs::exists(up)) continue;
    if (!fs::is_directory(up)) throw BadInput(option + " " + dir + ": " + p.string() + " is a file, not a folder");
    break;
  }
}

void make_output_dir(const std::string& dir, const std::string& option) {
  check_output_dir(dir, option);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec) return;
  const std::string why = option + " " + dir + ": cannot create the folder: " + ec.message();
  if (ec == std::errc::no_space_on_device || ec == std::errc::io_error) throw WriteFailure(why);
  throw BadInput(why);
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
