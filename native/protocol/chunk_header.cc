#include "protocol/chunk_header.h"

namespace rtmp::protocol {

namespace {

uint8_t* put24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
  return p + 3;
}

uint8_t* put32be(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  return put24(p + 1, v);
}

uint8_t* put32le(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
  return p + 4;
}

}  // namespace

size_t basicHeaderSize(uint32_t csid) {
  if (csid < 64) return 1;
  if (csid < 320) return 2;
  return 3;
}

size_t messageHeaderSize(ChunkType type) {
  static constexpr size_t kSizes[] = {11, 7, 3, 0};
  return kSizes[static_cast<uint8_t>(type) & 3];
}

size_t encodedSize(const ChunkHeader& header) {
  return basicHeaderSize(header.csid) + messageHeaderSize(header.type) +
         (header.extended() ? 4 : 0);
}

size_t encodeChunkHeader(const ChunkHeader& header, uint8_t* out) {
  uint8_t* p = out;
  const uint8_t fmt = static_cast<uint8_t>(static_cast<uint8_t>(header.type) << 6);
  // §5.3.1.1: csid 0 and 1 in the low six bits announce the 2- and 3-byte forms.
  if (header.csid < 64) {
    *p++ = static_cast<uint8_t>(fmt | header.csid);
  } else if (header.csid < 320) {
    *p++ = fmt;
    *p++ = static_cast<uint8_t>(header.csid - 64);
  } else {
    const uint32_t rest = header.csid - 64;
    *p++ = static_cast<uint8_t>(fmt | 1);
    *p++ = static_cast<uint8_t>(rest);       // low byte first
    *p++ = static_cast<uint8_t>(rest >> 8);  // then high byte
  }

  const bool extended = header.extended();
  const uint32_t field = extended ? kExtendedTimestampMarker : header.timestamp;
  if (header.type != ChunkType::kType3) {
    p = put24(p, field);
    if (header.type != ChunkType::kType2) {
      p = put24(p, header.length);
      *p++ = header.typeId;
      if (header.type == ChunkType::kType0) p = put32le(p, header.streamId);
    }
  }
  if (extended) p = put32be(p, header.timestamp);
  return static_cast<size_t>(p - out);
}

}  // namespace rtmp::protocol
