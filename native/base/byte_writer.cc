#include "base/byte_writer.h"

#include <bit>

namespace rtmp::base {

void ByteWriter::u16be(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u24be(uint32_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 16));
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u32be(uint32_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 24));
  out_.push_back(static_cast<uint8_t>(v >> 16));
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u32le(uint32_t v) {
  out_.push_back(static_cast<uint8_t>(v));
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v >> 16));
  out_.push_back(static_cast<uint8_t>(v >> 24));
}

void ByteWriter::f64be(double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(bits >> shift));
}

void ByteWriter::patchU32be(size_t at, uint32_t v) {
  out_[at] = static_cast<uint8_t>(v >> 24);
  out_[at + 1] = static_cast<uint8_t>(v >> 16);
  out_[at + 2] = static_cast<uint8_t>(v >> 8);
  out_[at + 3] = static_cast<uint8_t>(v);
}

}  // namespace rtmp::base
