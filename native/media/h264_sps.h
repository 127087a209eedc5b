// H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1, VUI Annex E.1.1):
// enough of it to describe a stream (profile, level, size, frame rate) and to
// know the POC/frame-num sizes a later slice parser would need.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/error.h"
#include "media/vui_signal.h"

namespace rtmp::media {

struct H264Sps {
  uint8_t profileIdc = 0;
  uint8_t constraintFlags = 0;  // constraint_set0..5 in bits 7..2 (as in the byte)
  uint8_t levelIdc = 0;
  uint32_t spsId = 0;
  uint32_t chromaFormatIdc = 1;  // inferred 4:2:0 for profiles without the field
  bool separateColourPlane = false;
  uint32_t bitDepthLuma = 8;
  uint32_t bitDepthChroma = 8;
  uint32_t log2MaxFrameNum = 0;
  uint32_t picOrderCntType = 0;
  uint32_t log2MaxPicOrderCntLsb = 0;  // POC type 0 only
  uint32_t maxNumRefFrames = 0;
  bool frameMbsOnly = true;
  uint32_t widthInMbs = 0;
  uint32_t heightInMapUnits = 0;
  // Cropping in luma samples (already multiplied by CropUnitX/Y).
  uint32_t cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
  uint32_t width = 0;  // displayed size after cropping
  uint32_t height = 0;

  bool vuiPresent = false;
  VuiSignal signal;  // SAR, range and colour description (defaults when absent)
  bool timingInfoPresent = false;
  uint32_t numUnitsInTick = 0;
  uint32_t timeScale = 0;
  bool fixedFrameRate = false;
  bool bitstreamRestriction = false;
  uint32_t maxNumReorderFrames = 0;  // > 0 means B-frames (PTS != DTS)

  // time_scale / (2 * num_units_in_tick): a tick is a field (E.2.1). 0 if unknown.
  double frameRate() const;
};

// Parses one SPS NAL unit (with its 1-byte NAL header, emulation prevention
// still in place). Errors: kTruncated, kMalformed (values out of the spec's
// range), kMedia (not an SPS NAL unit).
base::Result<H264Sps> parseH264Sps(std::span<const uint8_t> nal);

// "Baseline", "Constrained Baseline", "Main", "High", "High 10"...
const char* h264ProfileName(uint8_t profileIdc, uint8_t constraintFlags);
// "3.1", "1b", "4"...
std::string h264LevelName(uint8_t levelIdc, uint8_t profileIdc, uint8_t constraintFlags);

}  // namespace rtmp::media
