#pragma once
// Forging checkpoints for tests, as someone with a hex editor and the format would: change a value in
// the saved state and recompute the checksum, so that only geosim's checks of the content stand
// between the forgery and the run.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace forge {

/// A checkpoint file taken apart: header fields and the six strings of its payload.
struct Checkpoint {
  std::uint32_t version = 0;
  std::vector<std::string> parts;  // writer, name, scenario yaml, month, series, state
};

inline std::uint64_t u64(const std::string& s, std::size_t at) {
  std::uint64_t v;
  std::memcpy(&v, s.data() + at, sizeof v);
  return v;
}

inline Checkpoint parse(const std::string& file) {
  Checkpoint c;
  std::memcpy(&c.version, file.data() + 8, sizeof c.version);
  std::size_t at = 28;
  for (int i = 0; i < 6; ++i) {
    const std::uint64_t n = u64(file, at);
    at += 8;
    c.parts.push_back(file.substr(at, n));
    at += n;
  }
  if (at != file.size()) throw std::runtime_error("not a checkpoint of format 1");
  return c;
}

inline std::string write(const Checkpoint& c) {
  geosim::ByteWriter payload;
  for (const auto& p : c.parts) payload.put_string(p);
  geosim::ByteWriter header;
  for (char ch : std::string("GEOSIMCP")) header.put(ch);
  header.put(c.version);
  header.put<std::uint64_t>(payload.data().size());
  header.put<std::uint64_t>(geosim::fnv1a(payload.data()));
  return header.data() + payload.data();
}

/// Offsets in the state of each saved parameter value (its kind byte), in order.
inline std::vector<std::size_t> value_offsets(const std::string& state) {
  std::vector<std::size_t> out;
  std::size_t at = 8;  // format, months done
  const std::uint64_t count = u64(state, at);
  at += 8;
  for (std::uint64_t i = 0; i < count; ++i) {
    out.push_back(at);
    const auto kind = static_cast<unsigned char>(state[at++]);
    if (kind == 0) at += 8;
    else if (kind == 1) at += 1;
    else if (kind == 2) at += 8 + u64(state, at);
    else if (kind == 3 || kind == 4) {
      const std::uint64_t n = u64(state, at);
      at += 8;
      for (std::uint64_t k = 0; k < n; ++k) at += 8 + u64(state, at) + (kind == 4 ? 8 : 0);
    } else {
      throw std::runtime_error("unknown value kind");
    }
  }
  out.push_back(at);  // where the adopters' state begins
  return out;
}

/// Sets the `index`-th saved parameter, a number, to `value`.
inline std::string set_number(const std::string& file, std::size_t index, double value) {
  Checkpoint c = parse(file);
  const std::size_t at = value_offsets(c.parts[5]).at(index);
  if (c.parts[5][at] != 0) throw std::runtime_error("that parameter is not a number");
  std::memcpy(&c.parts[5][at + 1], &value, sizeof value);
  return write(c);
}

/// Sets the first lab's first state field (its capability) to `value`.
inline std::string set_first_lab_capability(const std::string& file, double value) {
  Checkpoint c = parse(file);
  const std::string& s = c.parts[5];
  std::size_t at = value_offsets(s).back() + 4;  // the current buffer's index
  at += 8 + u64(s, at) * 2;                      // choices
  at += 8 + u64(s, at) * 4;                      // signed sizes
  at += 8;                                       // the number of labs
  std::memcpy(&c.parts[5][at], &value, sizeof value);
  return write(c);
}

}  // namespace forge
