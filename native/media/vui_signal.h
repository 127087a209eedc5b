// The opening of vui_parameters() that H.264 (Annex E.1.1) and H.265
// (Annex E.2.1) share bit for bit: sample aspect ratio, overscan, video
// signal type with colour description, and chroma sample location.
#pragma once

#include <cstdint>

#include "base/error.h"
#include "media/bit_reader.h"

namespace rtmp::media {

struct VuiSignal {
  uint32_t sarWidth = 0;  // 0 when unspecified
  uint32_t sarHeight = 0;
  bool videoFullRange = false;
  // ITU-T H.273 code points; 2 = unspecified.
  uint8_t colourPrimaries = 2;
  uint8_t transferCharacteristics = 2;
  uint8_t matrixCoefficients = 2;
};

// Reads aspect_ratio_info … chroma_loc_info. Errors: kTruncated, kMalformed.
base::Status parseVuiSignal(BitReader& br, VuiSignal& out);

}  // namespace rtmp::media
