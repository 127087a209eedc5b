#include "media/h264_sps.h"

#include <string>
#include <vector>

#include "media/bit_reader.h"
#include "media/vui_signal.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

constexpr uint8_t kNalTypeSps = 7;
// Bounds that no conforming stream exceeds (H.264 Annex A: level 6.2 allows
// 139264 macroblocks per frame); they keep arithmetic and loops small.
constexpr uint32_t kMaxMbsPerDimension = 4096;

Error outOfRange(const char* field) {
  return Error(ErrorCode::kMalformed, std::string(field) + " out of range");
}

// Reads a ue(v) and checks it is ≤ max.
// §7.3.2.1.1.1 scaling_list(): only the bits matter here, not the values.
Status skipScalingList(BitReader& br, int size) {
  int lastScale = 8;
  int nextScale = 8;
  for (int j = 0; j < size; ++j) {
    if (nextScale != 0) {
      RTMP_ASSIGN(int32_t delta, br.se());
      if (delta < -128 || delta > 127) return outOfRange("delta_scale");
      nextScale = (lastScale + delta + 256) % 256;
    }
    lastScale = nextScale == 0 ? lastScale : nextScale;
  }
  return base::okStatus();
}

bool hasChromaFields(uint8_t profile) {
  // §7.3.2.1.1: the high profiles carry chroma_format_idc and bit depths.
  switch (profile) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
      return true;
    default:
      return false;
  }
}

// Annex E.1.2 hrd_parameters(): parsed only to reach the fields after it.
Status skipHrd(BitReader& br) {
  RTMP_ASSIGN(uint32_t cpbCountMinus1, br.ueAtMost(31, "cpb_cnt_minus1"));
  RTMP_TRY(br.skipBits(8));  // bit_rate_scale(4), cpb_size_scale(4)
  for (uint32_t i = 0; i <= cpbCountMinus1; ++i) {
    RTMP_TRY(br.ue());         // bit_rate_value_minus1
    RTMP_TRY(br.ue());         // cpb_size_value_minus1
    RTMP_TRY(br.skipBits(1));  // cbr_flag
  }
  return br.skipBits(20);  // four 5-bit delay/offset lengths
}

Status parseVui(BitReader& br, H264Sps& sps) {
  RTMP_TRY(parseVuiSignal(br, sps.signal));
  RTMP_ASSIGN(sps.timingInfoPresent, br.flag());
  if (sps.timingInfoPresent) {
    RTMP_ASSIGN(sps.numUnitsInTick, br.bits(32));
    RTMP_ASSIGN(sps.timeScale, br.bits(32));
    RTMP_ASSIGN(sps.fixedFrameRate, br.flag());
  }
  RTMP_ASSIGN(bool nalHrd, br.flag());
  if (nalHrd) RTMP_TRY(skipHrd(br));
  RTMP_ASSIGN(bool vclHrd, br.flag());
  if (vclHrd) RTMP_TRY(skipHrd(br));
  if (nalHrd || vclHrd) RTMP_TRY(br.skipBits(1));  // low_delay_hrd_flag
  RTMP_TRY(br.skipBits(1));                        // pic_struct_present_flag
  RTMP_ASSIGN(sps.bitstreamRestriction, br.flag());
  if (sps.bitstreamRestriction) {
    RTMP_TRY(br.skipBits(1));  // motion_vectors_over_pic_boundaries_flag
    RTMP_TRY(br.ueAtMost(16, "max_bytes_per_pic_denom"));
    RTMP_TRY(br.ueAtMost(16, "max_bits_per_mb_denom"));
    RTMP_TRY(br.ueAtMost(16, "log2_max_mv_length_horizontal"));
    RTMP_TRY(br.ueAtMost(16, "log2_max_mv_length_vertical"));
    RTMP_ASSIGN(sps.maxNumReorderFrames, br.ueAtMost(16, "max_num_reorder_frames"));
    RTMP_TRY(br.ueAtMost(16, "max_dec_frame_buffering"));
  }
  return base::okStatus();
}

Status parseSps(BitReader& br, H264Sps& sps) {
  RTMP_ASSIGN(uint32_t profile, br.bits(8));
  RTMP_ASSIGN(uint32_t constraints, br.bits(8));
  RTMP_ASSIGN(uint32_t level, br.bits(8));
  sps.profileIdc = static_cast<uint8_t>(profile);
  sps.constraintFlags = static_cast<uint8_t>(constraints);
  sps.levelIdc = static_cast<uint8_t>(level);
  RTMP_ASSIGN(sps.spsId, br.ueAtMost(31, "seq_parameter_set_id"));

  if (hasChromaFields(sps.profileIdc)) {
    RTMP_ASSIGN(sps.chromaFormatIdc, br.ueAtMost(3, "chroma_format_idc"));
    if (sps.chromaFormatIdc == 3) {
      RTMP_ASSIGN(sps.separateColourPlane, br.flag());
    }
    RTMP_ASSIGN(uint32_t lumaMinus8, br.ueAtMost(6, "bit_depth_luma_minus8"));
    RTMP_ASSIGN(uint32_t chromaMinus8, br.ueAtMost(6, "bit_depth_chroma_minus8"));
    sps.bitDepthLuma = lumaMinus8 + 8;
    sps.bitDepthChroma = chromaMinus8 + 8;
    RTMP_TRY(br.skipBits(1));  // qpprime_y_zero_transform_bypass_flag
    RTMP_ASSIGN(bool scalingMatrix, br.flag());
    if (scalingMatrix) {
      const int lists = sps.chromaFormatIdc != 3 ? 8 : 12;
      for (int i = 0; i < lists; ++i) {
        RTMP_ASSIGN(bool present, br.flag());
        if (present) RTMP_TRY(skipScalingList(br, i < 6 ? 16 : 64));
      }
    }
  }

  RTMP_ASSIGN(uint32_t log2FrameNumMinus4, br.ueAtMost(12, "log2_max_frame_num_minus4"));
  sps.log2MaxFrameNum = log2FrameNumMinus4 + 4;
  RTMP_ASSIGN(sps.picOrderCntType, br.ueAtMost(2, "pic_order_cnt_type"));
  if (sps.picOrderCntType == 0) {
    RTMP_ASSIGN(uint32_t lsbMinus4, br.ueAtMost(12, "log2_max_pic_order_cnt_lsb_minus4"));
    sps.log2MaxPicOrderCntLsb = lsbMinus4 + 4;
  } else if (sps.picOrderCntType == 1) {
    RTMP_TRY(br.skipBits(1));  // delta_pic_order_always_zero_flag
    RTMP_TRY(br.se());         // offset_for_non_ref_pic
    RTMP_TRY(br.se());         // offset_for_top_to_bottom_field
    RTMP_ASSIGN(uint32_t cycle, br.ueAtMost(255, "num_ref_frames_in_pic_order_cnt_cycle"));
    for (uint32_t i = 0; i < cycle; ++i) RTMP_TRY(br.se());  // offset_for_ref_frame[i]
  }
  RTMP_ASSIGN(sps.maxNumRefFrames, br.ueAtMost(32, "max_num_ref_frames"));
  RTMP_TRY(br.skipBits(1));  // gaps_in_frame_num_value_allowed_flag
  RTMP_ASSIGN(uint32_t widthMinus1,
              br.ueAtMost(kMaxMbsPerDimension - 1, "pic_width_in_mbs_minus1"));
  RTMP_ASSIGN(uint32_t heightMinus1,
              br.ueAtMost(kMaxMbsPerDimension - 1, "pic_height_in_map_units_minus1"));
  sps.widthInMbs = widthMinus1 + 1;
  sps.heightInMapUnits = heightMinus1 + 1;
  RTMP_ASSIGN(sps.frameMbsOnly, br.flag());
  if (!sps.frameMbsOnly) RTMP_TRY(br.skipBits(1));  // mb_adaptive_frame_field_flag
  RTMP_TRY(br.skipBits(1));                         // direct_8x8_inference_flag

  // §7.4.2.1.1: frame size and the crop units (Table 6-1 SubWidthC/SubHeightC).
  const uint32_t frameHeightInMbs = (sps.frameMbsOnly ? 1 : 2) * sps.heightInMapUnits;
  const uint32_t codedWidth = sps.widthInMbs * 16;
  const uint32_t codedHeight = frameHeightInMbs * 16;
  const uint32_t chromaArrayType = sps.separateColourPlane ? 0 : sps.chromaFormatIdc;
  const uint32_t subWidthC = chromaArrayType == 3 ? 1 : 2;
  const uint32_t subHeightC = chromaArrayType == 1 ? 2 : 1;
  const uint32_t cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
  const uint32_t cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (sps.frameMbsOnly ? 1 : 2);

  RTMP_ASSIGN(bool cropping, br.flag());
  if (cropping) {
    const uint32_t maxX = codedWidth / cropUnitX;
    const uint32_t maxY = codedHeight / cropUnitY;
    RTMP_ASSIGN(uint32_t left, br.ueAtMost(maxX, "frame_crop_left_offset"));
    RTMP_ASSIGN(uint32_t right, br.ueAtMost(maxX, "frame_crop_right_offset"));
    RTMP_ASSIGN(uint32_t top, br.ueAtMost(maxY, "frame_crop_top_offset"));
    RTMP_ASSIGN(uint32_t bottom, br.ueAtMost(maxY, "frame_crop_bottom_offset"));
    sps.cropLeft = left * cropUnitX;
    sps.cropRight = right * cropUnitX;
    sps.cropTop = top * cropUnitY;
    sps.cropBottom = bottom * cropUnitY;
    if (sps.cropLeft + sps.cropRight >= codedWidth || sps.cropTop + sps.cropBottom >= codedHeight) {
      return outOfRange("frame cropping");
    }
  }
  sps.width = codedWidth - sps.cropLeft - sps.cropRight;
  sps.height = codedHeight - sps.cropTop - sps.cropBottom;

  RTMP_ASSIGN(sps.vuiPresent, br.flag());
  if (sps.vuiPresent) {
    auto vui = parseVui(br, sps);
    if (!vui.ok()) return std::move(vui).error().withContext("vui");
  }
  return base::okStatus();
}

}  // namespace

double H264Sps::frameRate() const {
  if (!timingInfoPresent || numUnitsInTick == 0 || timeScale == 0) return 0;
  return static_cast<double>(timeScale) / (2.0 * numUnitsInTick);
}

Result<H264Sps> parseH264Sps(std::span<const uint8_t> nal) {
  if (nal.empty()) return Error(ErrorCode::kTruncated, "h264 sps: empty");
  if ((nal[0] & 0x1F) != kNalTypeSps)
    return Error(ErrorCode::kMedia, "h264 sps: not an SPS NAL unit");
  const std::vector<uint8_t> rbsp = nalToRbsp(nal.subspan(1));
  BitReader br(rbsp);
  H264Sps sps;
  auto status = parseSps(br, sps);
  if (!status.ok()) return std::move(status).error().withContext("h264 sps");
  return sps;
}

const char* h264ProfileName(uint8_t profileIdc, uint8_t constraintFlags) {
  const bool set1 = constraintFlags & 0x40;
  const bool set3 = constraintFlags & 0x10;
  switch (profileIdc) {
    case 66:
      return set1 ? "Constrained Baseline" : "Baseline";
    case 77:
      return "Main";
    case 88:
      return "Extended";
    case 100:
      return "High";
    case 110:
      return set3 ? "High 10 Intra" : "High 10";
    case 122:
      return set3 ? "High 4:2:2 Intra" : "High 4:2:2";
    case 244:
      return set3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive";
    case 44:
      return "CAVLC 4:4:4 Intra";
    case 83:
      return "Scalable Baseline";
    case 86:
      return "Scalable High";
    case 118:
      return "Multiview High";
    case 128:
      return "Stereo High";
    default:
      return "unknown";
  }
}

std::string h264LevelName(uint8_t levelIdc, uint8_t profileIdc, uint8_t constraintFlags) {
  // Level 1b is level_idc 9, or 11 with constraint_set3 in Baseline/Main/Extended (A.3.1).
  const bool set3 = constraintFlags & 0x10;
  if (levelIdc == 9 ||
      (levelIdc == 11 && set3 && (profileIdc == 66 || profileIdc == 77 || profileIdc == 88))) {
    return "1b";
  }
  std::string name = std::to_string(levelIdc / 10);
  if (levelIdc % 10 != 0) {
    name += '.';  // appended in two steps: g++ 12 warns falsely (-Wrestrict) on "." + to_string()
    name += std::to_string(levelIdc % 10);
  }
  return name;
}

}  // namespace rtmp::media
