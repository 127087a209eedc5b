#include "base/byte_reader.h"

#include <bit>
#include <cstring>

#include "base/endian.h"

namespace rtmp::base {

Result<uint8_t> ByteReader::u8() {
  RTMP_TRY(need(1));
  return data_[pos_++];
}

Result<uint8_t> ByteReader::peekU8() const {
  RTMP_TRY(need(1));
  return data_[pos_];
}

Result<uint16_t> ByteReader::u16be() {
  RTMP_TRY(need(2));
  const uint16_t v = loadBe16(data_.data() + pos_);
  pos_ += 2;
  return v;
}

Result<uint32_t> ByteReader::u24be() {
  RTMP_TRY(need(3));
  const uint32_t v = loadBe24(data_.data() + pos_);
  pos_ += 3;
  return v;
}

Result<int32_t> ByteReader::s24be() {
  RTMP_ASSIGN(uint32_t v, u24be());
  // Sign-extend bit 23.
  return static_cast<int32_t>(v << 8) >> 8;
}

Result<uint32_t> ByteReader::u32be() {
  RTMP_TRY(need(4));
  const uint32_t v = loadBe32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint32_t> ByteReader::u32le() {
  RTMP_TRY(need(4));
  const uint32_t v = loadLe32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<double> ByteReader::f64be() {
  RTMP_TRY(need(8));
  const uint64_t bits = loadBe64(data_.data() + pos_);
  pos_ += 8;
  return std::bit_cast<double>(bits);
}

Result<std::span<const uint8_t>> ByteReader::bytes(size_t n) {
  RTMP_TRY(need(n));
  auto out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<std::string_view> ByteReader::string(size_t n) {
  RTMP_ASSIGN(auto span, bytes(n));
  return std::string_view(reinterpret_cast<const char*>(span.data()), span.size());
}

Status ByteReader::skip(size_t n) {
  RTMP_TRY(need(n));
  pos_ += n;
  return okStatus();
}

}  // namespace rtmp::base
