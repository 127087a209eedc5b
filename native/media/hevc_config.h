// HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1): the body of an
// H.265 sequence header (E-RTMP SequenceStart with 'hvc1', or legacy codec 12).
//
//   u8  configurationVersion = 1
//   u8  general_profile_space(2) general_tier_flag(1) general_profile_idc(5)
//   u32 general_profile_compatibility_flags
//   u48 general_constraint_indicator_flags
//   u8  general_level_idc
//   u16 1111b | min_spatial_segmentation_idc(12)
//   u8  111111b | parallelismType(2)
//   u8  111111b | chromaFormat(2)
//   u8  11111b | bitDepthLumaMinus8(3)
//   u8  11111b | bitDepthChromaMinus8(3)
//   u16 avgFrameRate (frames per 256 s; 0 = unspecified)
//   u8  constantFrameRate(2) numTemporalLayers(3) temporalIdNested(1) lengthSizeMinusOne(2)
//   u8  numOfArrays
//       { u8 array_completeness(1) 0(1) NAL_unit_type(6)
//         u16 numNalus
//         { u16 nalUnitLength, NAL unit } * numNalus } * numOfArrays
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "media/hevc_sps.h"

namespace rtmp::media {

inline constexpr uint8_t kHevcNalVps = 32;
inline constexpr uint8_t kHevcNalSps = 33;
inline constexpr uint8_t kHevcNalPps = 34;

struct HevcNalArray {
  bool complete = false;
  uint8_t nalType = 0;
  std::vector<std::span<const uint8_t>> units;  // views into the record
};

struct HevcConfig {
  uint8_t version = 1;
  HevcProfileTierLevel ptl;
  uint16_t minSpatialSegmentation = 0;
  uint8_t parallelismType = 0;
  uint8_t chromaFormat = 1;
  uint8_t bitDepthLuma = 8;
  uint8_t bitDepthChroma = 8;
  uint16_t avgFrameRate = 0;  // in frames per 256 seconds
  uint8_t constantFrameRate = 0;
  uint8_t numTemporalLayers = 0;
  bool temporalIdNested = false;
  uint8_t nalLengthSize = 4;  // 1, 2 or 4
  std::vector<HevcNalArray> arrays;

  // First NAL unit of the given type, or an empty span.
  std::span<const uint8_t> firstNal(uint8_t nalType) const;
};

// Errors: kTruncated, kMedia (version != 1, NAL length size 3, empty NAL unit).
base::Result<HevcConfig> parseHevcConfig(std::span<const uint8_t> record);

}  // namespace rtmp::media
