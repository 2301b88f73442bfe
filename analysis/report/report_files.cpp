#include "analysis/report/report_files.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include "core/errors.h"
#include "model/key_path.h"
#include "model/output_catalog.h"
#include "model/scenario_def.h"

namespace geosim::report {
namespace fs = std::filesystem;

namespace {

/// Whether `file` is a regular file whose last bytes are `tail` (a figure that was written whole).
bool ends_with(const std::string& file, const std::string& tail) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  const auto size = fs::file_size(file, ec);
  if (ec || size < tail.size()) return false;
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(size - tail.size()));
  std::string got(tail.size(), '\0');
  return in.read(got.data(), static_cast<std::streamsize>(got.size())) && got == tail;
}

}  // namespace

void Outputs::draw_apart(const std::function<void()>& draw, const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) throw WriteFailure("cannot draw " + path + ": " + std::strerror(errno));
  std::fflush(nullptr);  // the child must not write out what the parent has buffered
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw WriteFailure("cannot draw " + path + ": " + std::strerror(errno));
  }
  if (child == 0) {
    ::close(fds[0]);
    // PLplot's own messages on the way down are noise: what failed reaches the parent by the pipe.
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDERR_FILENO);
    int status = 0;
    try {
      draw();
    } catch (const std::exception& e) {
      const std::string message = e.what();
      [[maybe_unused]] const auto n = ::write(fds[1], message.data(), message.size());
      status = 3;
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  std::string message;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    message.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (!message.empty()) throw FigureFailure(message);
  throw WriteFailure("cannot write " + path + ": PLplot failed while writing it" +
                     (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : "") + " (is the disk full?)");
}

std::string Outputs::partial_name(const std::string& path, const std::string& ext) {
  return path.substr(0, path.size() - ext.size()) + ".partial" + ext;
}

void Outputs::finish_figure(const std::string& tmp, const fs::path& path) {
  const bool svg = path.extension() == ".svg";
  if (!ends_with(tmp, svg ? "</svg>\n" : "%%EOF\n")) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw WriteFailure("cannot write " + path.string() + ": the figure was cut short (is the disk full?)");
  }
  fs::rename(tmp, path);
  written_.push_back(path.string());
}

void Outputs::text(const fs::path& path, const std::string& text) {
  write_file_atomically(path.string(), text);
  written_.push_back(path.string());
}

void Outputs::discard() {
  std::error_code ignored;
  for (const auto& f : written_) fs::remove(f, ignored);
  written_.clear();
}

std::string num(double v, int digits) {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '-';
  return out;
}

std::string metric_unit(const std::string& scope, const std::string& metric) {
  const MetricSpec* spec = find_metric(scope, metric);
  return spec ? spec->unit : "";
}

std::string metric_label(const std::string& scope, const std::string& metric) {
  const std::string label = metric + (scope == "world" || scope.empty() ? "" : ", " + scope), unit = metric_unit(scope, metric);
  return unit.empty() ? label : label + " (" + unit + ")";
}

std::string axis_label(const std::string& series) {
  const auto at = series.rfind('@');
  const std::string metric = series.substr(0, at), unit = metric_unit(at == std::string::npos ? "world" : series.substr(at + 1), metric);
  return unit.empty() ? metric : unit;
}

std::string parameter_unit(const std::string& path) {
  const KeySpec* key = find_key(address_of(path).schema_path);
  return key ? key->unit : "";
}

std::vector<Marker> event_markers(const ScenarioDef& def) {
  std::vector<Marker> markers;
  for (const auto& e : def.events)
    if (!e.when && e.enabled) markers.push_back({e.at.index, e.at.str() + " " + (e.id.empty() ? e.note : e.id)});
  return markers;
}

}  // namespace geosim::report
