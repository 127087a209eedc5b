// H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1) and
// profile_tier_level (§7.3.3), parsed far enough to report profile, tier,
// level, picture size after the conformance window, bit depth and the VUI
// frame rate (§E.2.1). Everything after vui timing info (HRD, bitstream
// restriction, SPS extensions) is not read.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/error.h"
#include "media/vui_signal.h"

namespace rtmp::media {

// The general part of profile_tier_level (sub-layer parts are skipped).
struct HevcProfileTierLevel {
  uint8_t profileSpace = 0;
  bool tierFlag = false;  // false = Main tier, true = High tier
  uint8_t profileIdc = 0;
  uint32_t profileCompatibilityFlags = 0;
  uint64_t constraintIndicatorFlags = 0;  // 48 bits: progressive_source_flag first
  uint8_t levelIdc = 0;                   // 30 × level, e.g. 93 = 3.1
};

struct HevcSps {
  uint8_t vpsId = 0;
  uint8_t maxSubLayers = 1;
  HevcProfileTierLevel ptl;
  uint32_t spsId = 0;
  uint32_t chromaFormatIdc = 1;
  bool separateColourPlane = false;
  uint32_t codedWidth = 0;   // pic_width_in_luma_samples
  uint32_t codedHeight = 0;  // pic_height_in_luma_samples
  // Conformance window in luma samples (already scaled by SubWidthC/SubHeightC).
  uint32_t confLeft = 0, confRight = 0, confTop = 0, confBottom = 0;
  uint32_t width = 0;  // after the conformance window
  uint32_t height = 0;
  uint32_t bitDepthLuma = 8;
  uint32_t bitDepthChroma = 8;
  uint32_t log2MaxPicOrderCntLsb = 0;

  bool vuiPresent = false;
  VuiSignal signal;  // SAR, range and colour description (defaults when absent)
  bool timingInfoPresent = false;
  uint32_t numUnitsInTick = 0;
  uint32_t timeScale = 0;

  // time_scale / num_units_in_tick (a tick is a picture in HEVC). 0 if unknown.
  double frameRate() const;
};

// Parses one SPS NAL unit including its 2-byte NAL header (emulation
// prevention still in place). Errors: kTruncated, kMalformed, kMedia (not an SPS).
base::Result<HevcSps> parseHevcSps(std::span<const uint8_t> nal);

// "Main", "Main 10", "Main Still Picture", "Range Extensions"...
const char* hevcProfileName(uint8_t profileIdc);
// "3.1", "4", "5.1"...
std::string hevcLevelName(uint8_t levelIdc);

}  // namespace rtmp::media
