// NAL unit helpers for the length-prefixed ("AVCC"/"HVCC") framing used in
// FLV/RTMP and MP4 (ISO/IEC 14496-15 §5.3.2 / §8.3.2: each NAL unit preceded
// by a big-endian length of lengthSizeMinusOne + 1 bytes), and conversion to
// the Annex B byte-stream framing (start codes) that MPEG-TS and decoders use
// (ITU-T H.264 Annex B / H.265 Annex B).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace rtmp::media {

// H.264 nal_unit_type (§7.4.1, Table 7-1).
inline uint8_t h264NalType(uint8_t firstByte) {
  return firstByte & 0x1F;
}
inline constexpr uint8_t kH264NalIdr = 5;
inline constexpr uint8_t kH264NalSei = 6;
inline constexpr uint8_t kH264NalSps = 7;
inline constexpr uint8_t kH264NalPps = 8;
inline constexpr uint8_t kH264NalAud = 9;

// H.265 nal_unit_type (§7.4.2.2, Table 7-1), from the first header byte.
inline uint8_t hevcNalType(uint8_t firstByte) {
  return (firstByte >> 1) & 0x3F;
}
// IRAP pictures (BLA, IDR, CRA and the reserved IRAP types) are 16..23.
inline bool isHevcIrap(uint8_t nalType) {
  return nalType >= 16 && nalType <= 23;
}
inline constexpr uint8_t kHevcNalAud = 35;

// Calls visit(nal) for every NAL unit of a length-prefixed buffer, in order.
// lengthSize must be 1, 2 or 4 (kInvalidArgument otherwise). A length that
// runs past the end is kTruncated; zero-length units are skipped. The spans
// point into data. Stops early (and returns OK) if visit returns false.
base::Status forEachNalUnit(std::span<const uint8_t> data, uint8_t lengthSize,
                            const std::function<bool(std::span<const uint8_t>)>& visit);

// The same, collected. A bound on the count protects against floods of tiny units.
base::Result<std::vector<std::span<const uint8_t>>> splitNalUnits(std::span<const uint8_t> data,
                                                                  uint8_t lengthSize,
                                                                  size_t maxUnits = 4096);

// Whether an access unit contains an H.264 IDR slice / an HEVC IRAP picture.
base::Result<bool> containsH264Idr(std::span<const uint8_t> data, uint8_t lengthSize);
base::Result<bool> containsHevcIrap(std::span<const uint8_t> data, uint8_t lengthSize);

// Appends one NAL unit with a 4-byte start code (00 00 00 01).
void appendAnnexB(std::span<const uint8_t> nal, base::BytesBuilder& out);

// Rewrites a whole length-prefixed access unit as Annex B into out. On
// error, out holds whatever was appended before the bad unit.
base::Status avccToAnnexB(std::span<const uint8_t> data, uint8_t lengthSize,
                          base::BytesBuilder& out);

}  // namespace rtmp::media
