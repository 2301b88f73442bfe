#include "cli/checkpoint_file.h"

#include <stdexcept>

#include "core/bytes.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/output_file.h"

namespace geosim {
namespace {

constexpr const char (&magic)[8] = checkpoint_magic;
constexpr std::uint32_t file_format = 1;
constexpr std::size_t header_size = sizeof magic + sizeof(std::uint32_t) + 2 * sizeof(std::uint64_t);

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointFile& c) {
  ByteWriter payload;
  payload.put_string("geosim 0.1.0");
  payload.put_string(c.scenario_name);
  payload.put_string(c.scenario_yaml);
  payload.put_string(c.month.str());
  payload.put_string(c.series);
  payload.put_string(c.state);
  ByteWriter header;
  for (char ch : magic) header.put(ch);
  header.put(file_format);
  header.put<std::uint64_t>(payload.data().size());
  header.put<std::uint64_t>(fnv1a(payload.data()));

  write_file_atomically(path, header.data() + payload.data());
}

CheckpointFile read_checkpoint(const std::string& path) {
  const std::string data = read_input(path, "checkpoint", max_checkpoint_input);
  auto fail = [&](const std::string& why) { return BadInput(path + ": " + why); };
  if (data.size() < sizeof magic || data.compare(0, sizeof magic, magic, sizeof magic) != 0)
    throw fail("not a geosim checkpoint (it does not start with GEOSIMCP)");
  if (data.size() < header_size) throw fail("the checkpoint is truncated (its header is incomplete)");
  ByteReader header(data);
  for (std::size_t i = 0; i < sizeof magic; ++i) header.get<char>();
  const auto version = header.get<std::uint32_t>();
  if (version != file_format)
    throw fail("checkpoint format version " + std::to_string(version) + "; this geosim reads version " + std::to_string(file_format));
  const auto size = header.get<std::uint64_t>();
  const auto sum = header.get<std::uint64_t>();
  if (data.size() - header_size < size)
    throw fail("the checkpoint is truncated: " + std::to_string(data.size() - header_size) + " of " + std::to_string(size) + " bytes");
  if (data.size() - header_size > size)
    throw fail("the checkpoint has " + std::to_string(data.size() - header_size - size) + " extra bytes");
  const std::string payload = data.substr(header_size);
  if (fnv1a(payload) != sum) throw fail("the checkpoint is corrupted (its checksum does not match)");
  try {
    ByteReader r(payload);
    r.get_string();  // the geosim that wrote it, for people reading the file
    CheckpointFile c;
    c.scenario_name = r.get_string();
    c.scenario_yaml = r.get_string();
    auto month = parse_month(r.get_string());
    if (!month) throw std::runtime_error("bad month");
    c.month = *month;
    c.series = r.get_string();
    c.state = r.get_string();
    if (!r.done()) throw std::runtime_error("extra data");
    return c;
  } catch (const std::runtime_error& e) {
    throw fail(std::string("the checkpoint's contents are malformed (") + e.what() + ")");
  }
}

}  // namespace geosim
