// AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding §2.3.3,
// "av1C"): the body of an E-RTMP SequenceStart with 'av01'.
//
//   byte 0: marker(1) = 1 | version(7) = 1
//   byte 1: seq_profile(3) | seq_level_idx_0(5)
//   byte 2: seq_tier_0(1) high_bitdepth(1) twelve_bit(1) monochrome(1)
//           chroma_subsampling_x(1) chroma_subsampling_y(1) chroma_sample_position(2)
//   byte 3: reserved(3) = 0 | initial_presentation_delay_present(1) |
//           initial_presentation_delay_minus_one(4) (or reserved)
//   then:   configOBUs (usually one sequence header OBU, with obu_size)
//
// The sequence header OBU (AV1 spec §5.5.1) is read up to max_frame_width/
// height and, when present, its timing info; colour config and the coding
// tool flags after the frame size are not read (av1C already has bit depth
// and subsampling).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/error.h"

namespace rtmp::media {

struct Av1SequenceHeader {
  uint8_t seqProfile = 0;
  bool stillPicture = false;
  bool reducedStillPictureHeader = false;
  bool timingInfoPresent = false;
  uint32_t numUnitsInDisplayTick = 0;
  uint32_t timeScale = 0;
  bool equalPictureInterval = false;
  uint32_t numTicksPerPictureMinus1 = 0;
  uint8_t seqLevelIdx0 = 0;
  bool seqTier0 = false;
  uint32_t maxFrameWidth = 0;
  uint32_t maxFrameHeight = 0;

  // Only when timing info says pictures are equally spaced; else 0.
  double frameRate() const;
};

struct Av1Config {
  uint8_t version = 1;
  uint8_t seqProfile = 0;
  uint8_t seqLevelIdx0 = 0;
  bool seqTier0 = false;
  bool highBitdepth = false;
  bool twelveBit = false;
  bool monochrome = false;
  bool chromaSubsamplingX = false;
  bool chromaSubsamplingY = false;
  uint8_t chromaSamplePosition = 0;
  bool initialPresentationDelayPresent = false;
  uint8_t initialPresentationDelayMinusOne = 0;
  std::span<const uint8_t> configObus;  // view into the record
  std::optional<Av1SequenceHeader> sequenceHeader;

  uint8_t bitDepth() const { return twelveBit ? 12 : (highBitdepth ? 10 : 8); }
};

// Errors: kTruncated, kMedia (marker or version wrong), kMalformed (a
// config OBU or the sequence header does not parse).
base::Result<Av1Config> parseAv1Config(std::span<const uint8_t> record);

// Walks a sequence of OBUs (low-overhead format: each has obu_size, except
// possibly the last) and parses the first sequence header OBU. Returns
// nullopt when there is none.
base::Result<std::optional<Av1SequenceHeader>> findAv1SequenceHeader(std::span<const uint8_t> obus);

// The payload of a sequence header OBU (after the OBU header and size).
base::Result<Av1SequenceHeader> parseAv1SequenceHeader(std::span<const uint8_t> payload);

// "Main", "High", "Professional".
const char* av1ProfileName(uint8_t seqProfile);
// seq_level_idx 8 → "4.0" (level = 2 + idx/4 . idx%4); 31 → "max".
std::string av1LevelName(uint8_t seqLevelIdx);

}  // namespace rtmp::media
