// ByteReader: bounds-checked reads from a span. Every read either returns the
// value and advances, or returns kTruncated and leaves the position unchanged.
// RTMP is big-endian except the message stream id in a type-0 chunk header,
// which is little-endian (RTMP 1.0 §5.3.1.2.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/error.h"

namespace rtmp::base {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool atEnd() const { return pos_ >= data_.size(); }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  Result<uint8_t> u8();
  Result<uint16_t> u16be();
  Result<uint32_t> u24be();
  Result<uint32_t> u32be();
  Result<uint32_t> u32le();
  Result<int32_t> s24be();  // signed 24-bit, e.g. FLV composition time offset
  Result<double> f64be();
  // Peek without advancing.
  Result<uint8_t> peekU8() const;
  // A view of the next n bytes (no copy), advancing past them.
  Result<std::span<const uint8_t>> bytes(size_t n);
  Result<std::string_view> string(size_t n);
  Status skip(size_t n);

 private:
  Status need(size_t n) const {
    if (n > remaining()) return Error(ErrorCode::kTruncated);
    return okStatus();
  }
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace rtmp::base
