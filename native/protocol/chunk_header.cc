#include "protocol/chunk_header.h"

#include "base/endian.h"

namespace rtmp::protocol {

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
    base::storeBe24(p, field);
    p += 3;
    if (header.type != ChunkType::kType2) {
      base::storeBe24(p, header.length);
      p += 3;
      *p++ = header.typeId;
      if (header.type == ChunkType::kType0) {
        base::storeLe32(p, header.streamId);  // the one little-endian field, §5.3.1.2.1
        p += 4;
      }
    }
  }
  if (extended) {
    base::storeBe32(p, header.timestamp);
    p += 4;
  }
  return static_cast<size_t>(p - out);
}

}  // namespace rtmp::protocol
