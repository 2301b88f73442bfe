#pragma once
// Little binary writer and reader for checkpoints: plain values, strings and arrays, with every read
// checked against the end of the data.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace geosim {

/// Appends values to a byte string.
class ByteWriter {
 public:
  /// A plain number. Not a struct: its padding bytes are undefined (write structs field by field).
  template <class T>
  void put(const T& v) {
    static_assert(std::is_arithmetic_v<T>);
    data_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    data_.append(s);
  }
  /// A vector of plain numbers, written whole. Not of structs: their padding bytes are undefined, and
  /// the same state would give different files (write those field by field).
  template <class T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_arithmetic_v<T>);
    put<std::uint64_t>(v.size());
    data_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

/// Reads values back in the order they were written; throws std::runtime_error past the end.
class ByteReader {
 public:
  explicit ByteReader(const std::string& data) : data_(data) {}
  template <class T>
  T get() {
    static_assert(std::is_arithmetic_v<T>);
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::string get_string() {
    auto n = get<std::uint64_t>();
    const char* p = take(n);
    return std::string(p, n);
  }
  template <class T>
  std::vector<T> get_vector() {
    static_assert(std::is_arithmetic_v<T>);
    auto n = get<std::uint64_t>();
    if (n > (data_.size() - at_) / sizeof(T)) throw std::runtime_error("checkpoint data ends early");
    std::vector<T> v(n);
    // An empty vector's data() may be null, and memcpy to null is undefined even for zero bytes.
    if (n > 0) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  bool done() const { return at_ == data_.size(); }

 private:
  const char* take(std::uint64_t n) {
    if (n > data_.size() - at_) throw std::runtime_error("checkpoint data ends early");
    const char* p = data_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& data_;
  std::size_t at_ = 0;
};

/// FNV-1a, 64 bits: a checksum that is the same on every platform.
inline std::uint64_t fnv1a(const std::string& data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

/// A 64-bit value as 16 lowercase hex digits: how identities and hashes are written.
inline std::string hex64(std::uint64_t h) {
  static const char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = digits[h & 15];
  return out;
}

}  // namespace geosim
