#include "media/avc_config.h"

#include "base/byte_reader.h"

namespace rtmp::media {

using base::ByteReader;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

Status readParameterSets(ByteReader& r, size_t count, std::vector<std::span<const uint8_t>>& out) {
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    RTMP_ASSIGN(uint16_t length, r.u16be());
    if (length == 0) return Error(ErrorCode::kMedia, "empty parameter set");
    RTMP_ASSIGN(auto nal, r.bytes(length));
    out.push_back(nal);
  }
  return base::okStatus();
}

bool hasExtension(uint8_t profile) {
  return profile == 100 || profile == 110 || profile == 122 || profile == 144;
}

Status parse(ByteReader& r, AvcConfig& c) {
  RTMP_ASSIGN(c.version, r.u8());
  if (c.version != 1) return Error(ErrorCode::kMedia, "configurationVersion is not 1");
  RTMP_ASSIGN(c.profileIndication, r.u8());
  RTMP_ASSIGN(c.profileCompatibility, r.u8());
  RTMP_ASSIGN(c.levelIndication, r.u8());
  RTMP_ASSIGN(uint8_t lengthByte, r.u8());
  const uint8_t lengthSizeMinusOne = lengthByte & 0x03;
  if (lengthSizeMinusOne == 2) return Error(ErrorCode::kMedia, "NAL length size 3 is not allowed");
  c.nalLengthSize = lengthSizeMinusOne + 1;
  RTMP_ASSIGN(uint8_t spsCount, r.u8());
  {
    auto s = readParameterSets(r, spsCount & 0x1F, c.sps);
    if (!s.ok()) return std::move(s).error().withContext("SPS");
  }
  RTMP_ASSIGN(uint8_t ppsCount, r.u8());
  {
    auto s = readParameterSets(r, ppsCount, c.pps);
    if (!s.ok()) return std::move(s).error().withContext("PPS");
  }
  // Many encoders (older x264, hardware) stop here even for High profile, so
  // the extension is read only when it is there at all.
  if (hasExtension(c.profileIndication) && r.remaining() > 0) {
    RTMP_ASSIGN(uint8_t chroma, r.u8());
    RTMP_ASSIGN(uint8_t luma, r.u8());
    RTMP_ASSIGN(uint8_t chromaDepth, r.u8());
    RTMP_ASSIGN(uint8_t extCount, r.u8());
    c.chromaFormat = chroma & 0x03;
    c.bitDepthLuma = (luma & 0x07) + 8;
    c.bitDepthChroma = (chromaDepth & 0x07) + 8;
    auto s = readParameterSets(r, extCount, c.spsExt);
    if (!s.ok()) return std::move(s).error().withContext("SPS extension");
    c.hasHighProfileExtension = true;
  }
  return base::okStatus();
}

}  // namespace

Result<AvcConfig> parseAvcConfig(std::span<const uint8_t> record) {
  ByteReader r(record);
  AvcConfig config;
  auto status = parse(r, config);
  if (!status.ok()) return std::move(status).error().withContext("avc config");
  return config;
}

}  // namespace rtmp::media
