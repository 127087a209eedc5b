// Fixed-width loads and stores at a raw pointer, big-endian (network order,
// as RTMP and FLV write nearly every field) and the one little-endian width
// RTMP uses (the message stream id of a type-0 chunk header, RTMP 1.0
// §5.3.1.2.1). The caller guarantees the bytes are there: these do no bounds
// checks. Use base::ByteReader / ByteWriter where input length is not known.
//
//   loadBe24({0x01, 0x02, 0x03})             == 0x010203
//   storeBe32(p, 0x01020304) -> p[0..3]     == 01 02 03 04
//   storeLe32(p, 0x01020304) -> p[0..3]     == 04 03 02 01
#pragma once

#include <cstdint>

namespace rtmp::base {

inline uint16_t loadBe16(const uint8_t* p) {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}

inline uint32_t loadBe24(const uint8_t* p) {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}

inline uint32_t loadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | loadBe24(p + 1);
}

inline uint64_t loadBe64(const uint8_t* p) {
  return (uint64_t{loadBe32(p)} << 32) | loadBe32(p + 4);
}

inline uint32_t loadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

inline void storeBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The low 24 bits of v.
inline void storeBe24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}

inline void storeBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  storeBe24(p + 1, v);
}

inline void storeBe64(uint8_t* p, uint64_t v) {
  storeBe32(p, static_cast<uint32_t>(v >> 32));
  storeBe32(p + 4, static_cast<uint32_t>(v));
}

inline void storeLe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

}  // namespace rtmp::base
