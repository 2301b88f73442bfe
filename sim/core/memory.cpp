#include "core/memory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace geosim {
namespace {

std::optional<std::size_t> read_number_file(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  return parse_bytes(text);
}

}  // namespace

std::optional<std::size_t> parse_bytes(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double scale = 1;
  switch (text.back()) {
    case 'K':
    case 'k':
      scale = 1024.0;
      break;
    case 'M':
    case 'm':
      scale = 1024.0 * 1024;
      break;
    case 'G':
    case 'g':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 'T':
    case 't':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    default:
      break;
  }
  if (scale != 1) text.remove_suffix(1);
  // Digits with at most one '.', nothing else: strtod alone would also take "0x10", "inf" and "1e9".
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos || text.find('.') != text.rfind('.') ||
      text == ".")
    return std::nullopt;
  std::string number(text);
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (*end != '\0' || !(v >= 0) || v * scale > 1.8e19) return std::nullopt;
  return static_cast<std::size_t>(v * scale);
}

std::string format_bytes(std::size_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double v = static_cast<double>(bytes) / 1024;
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < sizeof units / sizeof *units) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 && v != static_cast<double>(static_cast<long>(v)) ? "%.2g %s" : "%.0f %s", v, units[u]);
  return buf;
}

MemoryLimit memory_limit() {
  MemoryLimit best;
  auto consider = [&](std::size_t v, std::string source) {
    if (best.bytes == 0 || v < best.bytes) best = {v, std::move(source)};
  };

  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    std::size_t kib = 0;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "MemAvailable: %zu kB", &kib) == 1) break;
    std::fclose(f);
    if (kib > 0) consider(kib * 1024, "the memory available (MemAvailable in /proc/meminfo)");
  }
  // A batch scheduler's cgroup may allow far less than the machine has free.
  auto limit = read_number_file("/sys/fs/cgroup/memory.max");
  auto used = read_number_file("/sys/fs/cgroup/memory.current");
  if (limit && used) consider(*limit > *used ? *limit - *used : 1, "the cgroup's limit (memory.max less memory.current)");
  if (const char* env = std::getenv("GEOSIM_MEMORY_LIMIT")) {
    auto v = parse_bytes(env);
    if (!v)
      throw std::invalid_argument(std::string("GEOSIM_MEMORY_LIMIT='") + env + "' is not a byte count such as 512M, 8G or 1073741824");
    consider(std::max<std::size_t>(*v, 1), std::string("GEOSIM_MEMORY_LIMIT=") + env);
  }
  return best;
}

std::size_t available_memory() {
  return memory_limit().bytes;
}

std::optional<std::string> memory_shortfall(std::size_t need) {
  const MemoryLimit limit = memory_limit();
  if (limit.bytes == 0 || need <= limit.bytes) return std::nullopt;
  return "need about " + format_bytes(need) + ", but " + limit.source + " allows " + format_bytes(limit.bytes);
}

}  // namespace geosim
