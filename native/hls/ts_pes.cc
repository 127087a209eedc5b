#include "hls/ts_pes.h"

namespace rtmp::hls {

namespace {

// The 5-byte timestamp field: prefix(4) ts[32..30] marker | ts[29..15] marker | ts[14..0] marker.
void writeTimestamp(uint8_t* p, uint8_t prefix, uint64_t ts) {
  ts &= kPts33Mask;
  p[0] = static_cast<uint8_t>((prefix << 4) | ((ts >> 29) & 0x0E) | 1);
  p[1] = static_cast<uint8_t>(ts >> 22);
  p[2] = static_cast<uint8_t>(((ts >> 14) & 0xFE) | 1);
  p[3] = static_cast<uint8_t>(ts >> 7);
  p[4] = static_cast<uint8_t>(((ts << 1) & 0xFE) | 1);
}

}  // namespace

PesHeader makePesHeader(uint8_t streamId, uint64_t pts, std::optional<uint64_t> dts,
                        size_t payloadSize) {
  const bool withDts = dts && ((*dts ^ pts) & kPts33Mask) != 0;
  const uint8_t dataLength = withDts ? 10 : 5;
  PesHeader h;
  uint8_t* p = h.bytes.data();
  p[0] = 0x00;
  p[1] = 0x00;
  p[2] = 0x01;
  p[3] = streamId;
  // The bytes after PES_packet_length: 3 header bytes, the timestamps, the payload.
  const size_t length = 3 + size_t{dataLength} + payloadSize;
  const uint16_t packetLength = length <= 0xFFFF ? static_cast<uint16_t>(length) : 0;
  p[4] = static_cast<uint8_t>(packetLength >> 8);
  p[5] = static_cast<uint8_t>(packetLength);
  p[6] = 0x84;                   // '10', not scrambled, data_alignment_indicator 1
  p[7] = withDts ? 0xC0 : 0x80;  // PTS_DTS_flags 11 or 10, no other fields
  p[8] = dataLength;
  writeTimestamp(p + 9, withDts ? 0x3 : 0x2, pts);
  if (withDts) writeTimestamp(p + 14, 0x1, *dts);
  h.size = static_cast<uint8_t>(9 + dataLength);
  return h;
}

}  // namespace rtmp::hls
