// ByteWriter: appends big-endian (and the one little-endian) fields to a
// growable vector. Writing cannot fail; callers bound sizes before writing.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rtmp::base {

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { out_.reserve(reserve); }

  void u8(uint8_t v) { out_.push_back(v); }
  void u16be(uint16_t v);
  void u24be(uint32_t v);  // low 24 bits
  void u32be(uint32_t v);
  void u32le(uint32_t v);
  void f64be(double v);
  void bytes(std::span<const uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void string(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  // Overwrites 4 bytes big-endian at an earlier position (for length prefixes).
  void patchU32be(size_t at, uint32_t v);

  size_t size() const { return out_.size(); }
  const std::vector<uint8_t>& data() const { return out_; }
  std::span<const uint8_t> span() const { return out_; }
  std::vector<uint8_t> take() { return std::move(out_); }
  void clear() { out_.clear(); }

 private:
  std::vector<uint8_t> out_;
};

}  // namespace rtmp::base
