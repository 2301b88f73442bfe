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
  std::string number(text);
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !(v >= 0) || v * scale > 1.8e19) return std::nullopt;
  return static_cast<std::size_t>(v * scale);
}

std::size_t available_memory() {
  std::size_t best = 0;
  auto consider = [&](std::size_t v) { best = best == 0 ? v : std::min(best, v); };

  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    std::size_t kib = 0;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "MemAvailable: %zu kB", &kib) == 1) break;
    std::fclose(f);
    if (kib > 0) consider(kib * 1024);
  }
  // A batch scheduler's cgroup may allow far less than the machine has free.
  auto limit = read_number_file("/sys/fs/cgroup/memory.max");
  auto used = read_number_file("/sys/fs/cgroup/memory.current");
  if (limit && used) consider(*limit > *used ? *limit - *used : 1);
  if (const char* env = std::getenv("GEOSIM_MEMORY_LIMIT")) {
    auto v = parse_bytes(env);
    if (!v)
      throw std::invalid_argument(std::string("GEOSIM_MEMORY_LIMIT='") + env + "' is not a byte count such as 512M, 8G or 1073741824");
    consider(std::max<std::size_t>(*v, 1));
  }
  return best;
}

}  // namespace geosim
