#include "media/vui_signal.h"

namespace rtmp::media {

namespace {

constexpr uint32_t kExtendedSar = 255;

// Table E-1 (identical in H.264 and H.265): aspect_ratio_idc 1..16.
constexpr uint16_t kSar[17][2] = {{0, 0},   {1, 1},    {12, 11}, {10, 11}, {16, 11}, {40, 33},
                                  {24, 11}, {20, 11},  {32, 11}, {80, 33}, {18, 11}, {15, 11},
                                  {64, 33}, {160, 99}, {4, 3},   {3, 2},   {2, 1}};

}  // namespace

base::Status parseVuiSignal(BitReader& br, VuiSignal& out) {
  RTMP_ASSIGN(bool aspectRatioInfo, br.flag());
  if (aspectRatioInfo) {
    RTMP_ASSIGN(uint32_t idc, br.bits(8));
    if (idc == kExtendedSar) {
      RTMP_ASSIGN(out.sarWidth, br.bits(16));
      RTMP_ASSIGN(out.sarHeight, br.bits(16));
    } else if (idc < 17) {
      out.sarWidth = kSar[idc][0];
      out.sarHeight = kSar[idc][1];
    }
  }
  RTMP_ASSIGN(bool overscanInfo, br.flag());
  if (overscanInfo) RTMP_TRY(br.skipBits(1));  // overscan_appropriate_flag
  RTMP_ASSIGN(bool videoSignalType, br.flag());
  if (videoSignalType) {
    RTMP_TRY(br.skipBits(3));  // video_format
    RTMP_ASSIGN(out.videoFullRange, br.flag());
    RTMP_ASSIGN(bool colourDescription, br.flag());
    if (colourDescription) {
      RTMP_ASSIGN(uint32_t primaries, br.bits(8));
      RTMP_ASSIGN(uint32_t transfer, br.bits(8));
      RTMP_ASSIGN(uint32_t matrix, br.bits(8));
      out.colourPrimaries = static_cast<uint8_t>(primaries);
      out.transferCharacteristics = static_cast<uint8_t>(transfer);
      out.matrixCoefficients = static_cast<uint8_t>(matrix);
    }
  }
  RTMP_ASSIGN(bool chromaLocInfo, br.flag());
  if (chromaLocInfo) {
    RTMP_TRY(br.ueAtMost(5, "chroma_sample_loc_type_top_field"));
    RTMP_TRY(br.ueAtMost(5, "chroma_sample_loc_type_bottom_field"));
  }
  return base::okStatus();
}

}  // namespace rtmp::media
