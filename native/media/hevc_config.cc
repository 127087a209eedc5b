#include "media/hevc_config.h"

#include "base/byte_reader.h"

namespace rtmp::media {

using base::ByteReader;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

Status parse(ByteReader& r, HevcConfig& c) {
  RTMP_ASSIGN(c.version, r.u8());
  if (c.version != 1) return Error(ErrorCode::kMedia, "configurationVersion is not 1");
  // The 12 bytes of the general profile_tier_level, as in the SPS (§7.3.3).
  RTMP_ASSIGN(uint8_t profileByte, r.u8());
  c.ptl.profileSpace = profileByte >> 6;
  c.ptl.tierFlag = (profileByte >> 5) & 1;
  c.ptl.profileIdc = profileByte & 0x1F;
  RTMP_ASSIGN(c.ptl.profileCompatibilityFlags, r.u32be());
  RTMP_ASSIGN(uint16_t constraintHigh, r.u16be());
  RTMP_ASSIGN(uint32_t constraintLow, r.u32be());
  c.ptl.constraintIndicatorFlags = (uint64_t{constraintHigh} << 32) | constraintLow;
  RTMP_ASSIGN(c.ptl.levelIdc, r.u8());

  RTMP_ASSIGN(uint16_t segmentation, r.u16be());
  c.minSpatialSegmentation = segmentation & 0x0FFF;
  RTMP_ASSIGN(uint8_t parallelism, r.u8());
  c.parallelismType = parallelism & 0x03;
  RTMP_ASSIGN(uint8_t chroma, r.u8());
  c.chromaFormat = chroma & 0x03;
  RTMP_ASSIGN(uint8_t luma, r.u8());
  c.bitDepthLuma = (luma & 0x07) + 8;
  RTMP_ASSIGN(uint8_t chromaDepth, r.u8());
  c.bitDepthChroma = (chromaDepth & 0x07) + 8;
  RTMP_ASSIGN(c.avgFrameRate, r.u16be());
  RTMP_ASSIGN(uint8_t packed, r.u8());
  c.constantFrameRate = packed >> 6;
  c.numTemporalLayers = (packed >> 3) & 0x07;
  c.temporalIdNested = (packed >> 2) & 1;
  const uint8_t lengthSizeMinusOne = packed & 0x03;
  if (lengthSizeMinusOne == 2) return Error(ErrorCode::kMedia, "NAL length size 3 is not allowed");
  c.nalLengthSize = lengthSizeMinusOne + 1;

  RTMP_ASSIGN(uint8_t numArrays, r.u8());
  c.arrays.reserve(numArrays);
  for (unsigned i = 0; i < numArrays; ++i) {
    HevcNalArray array;
    RTMP_ASSIGN(uint8_t typeByte, r.u8());
    array.complete = typeByte >> 7;
    array.nalType = typeByte & 0x3F;
    RTMP_ASSIGN(uint16_t numNalus, r.u16be());
    // Each unit needs at least 3 bytes (length + 1), so a hostile count
    // cannot make us reserve more than the input could hold.
    if (size_t{numNalus} * 3 > r.remaining()) return Error(ErrorCode::kTruncated, "NAL array");
    array.units.reserve(numNalus);
    for (unsigned j = 0; j < numNalus; ++j) {
      RTMP_ASSIGN(uint16_t length, r.u16be());
      if (length == 0) return Error(ErrorCode::kMedia, "empty NAL unit");
      RTMP_ASSIGN(auto nal, r.bytes(length));
      array.units.push_back(nal);
    }
    c.arrays.push_back(std::move(array));
  }
  return base::okStatus();
}

}  // namespace

std::span<const uint8_t> HevcConfig::firstNal(uint8_t nalType) const {
  for (const auto& array : arrays) {
    if (array.nalType == nalType && !array.units.empty()) return array.units.front();
  }
  return {};
}

Result<HevcConfig> parseHevcConfig(std::span<const uint8_t> record) {
  ByteReader r(record);
  HevcConfig config;
  auto status = parse(r, config);
  if (!status.ok()) return std::move(status).error().withContext("hevc config");
  return config;
}

}  // namespace rtmp::media
