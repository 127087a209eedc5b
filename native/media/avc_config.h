// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1): the body of an
// H.264 sequence header tag (legacy AVCPacketType 0, or E-RTMP SequenceStart
// with 'avc1').
//
//   u8  configurationVersion = 1
//   u8  AVCProfileIndication      u8 profile_compatibility     u8 AVCLevelIndication
//   u8  111111b | lengthSizeMinusOne(2)
//   u8  111b | numOfSequenceParameterSets(5)
//       { u16 length, SPS NAL unit } * n
//   u8  numOfPictureParameterSets
//       { u16 length, PPS NAL unit } * n
//   -- only for profiles 100/110/122/144, and only when bytes remain --
//   u8  111111b | chroma_format(2)
//   u8  11111b | bit_depth_luma_minus8(3)
//   u8  11111b | bit_depth_chroma_minus8(3)
//   u8  numOfSequenceParameterSetExt
//       { u16 length, SPS extension NAL unit } * n
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"

namespace rtmp::media {

struct AvcConfig {
  uint8_t version = 1;
  uint8_t profileIndication = 0;
  uint8_t profileCompatibility = 0;
  uint8_t levelIndication = 0;
  uint8_t nalLengthSize = 4;  // lengthSizeMinusOne + 1: 1, 2 or 4
  // Views into the record (valid as long as its bytes are).
  std::vector<std::span<const uint8_t>> sps;
  std::vector<std::span<const uint8_t>> pps;
  std::vector<std::span<const uint8_t>> spsExt;
  // The high-profile extension; absent when the encoder left it out (common).
  bool hasHighProfileExtension = false;
  uint8_t chromaFormat = 1;
  uint8_t bitDepthLuma = 8;
  uint8_t bitDepthChroma = 8;
};

// Errors: kTruncated, kMedia (version != 1, lengthSizeMinusOne == 2 which the
// standard does not allow, an empty parameter set).
base::Result<AvcConfig> parseAvcConfig(std::span<const uint8_t> record);

}  // namespace rtmp::media
