#include "media/hevc_sps.h"

#include <algorithm>
#include <vector>

#include "media/bit_reader.h"
#include "media/vui_signal.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

constexpr uint8_t kNalTypeSps = 33;
constexpr uint32_t kMaxPictureDimension = 32768;  // level 6.2 allows 16888
constexpr uint32_t kMaxShortTermRefPicSets = 64;  // §7.4.3.2.1
constexpr uint32_t kMaxDeltaPocs = 16;

Error outOfRange(const char* field) {
  return Error(ErrorCode::kMalformed, std::string(field) + " out of range");
}

// §7.3.3 profile_tier_level(1, maxSubLayersMinus1). The general part is 96
// bits; each sub-layer may add 88 (profile) and 8 (level) bits.
Status parseProfileTierLevel(BitReader& br, uint32_t maxSubLayersMinus1, HevcProfileTierLevel& p) {
  RTMP_ASSIGN(uint32_t space, br.bits(2));
  RTMP_ASSIGN(p.tierFlag, br.flag());
  RTMP_ASSIGN(uint32_t idc, br.bits(5));
  p.profileSpace = static_cast<uint8_t>(space);
  p.profileIdc = static_cast<uint8_t>(idc);
  RTMP_ASSIGN(p.profileCompatibilityFlags, br.bits(32));
  RTMP_ASSIGN(uint32_t constraintHigh, br.bits(16));
  RTMP_ASSIGN(uint32_t constraintLow, br.bits(32));
  p.constraintIndicatorFlags = (uint64_t{constraintHigh} << 32) | constraintLow;
  RTMP_ASSIGN(uint32_t level, br.bits(8));
  p.levelIdc = static_cast<uint8_t>(level);

  bool profilePresent[8] = {};
  bool levelPresent[8] = {};
  for (uint32_t i = 0; i < maxSubLayersMinus1; ++i) {
    RTMP_ASSIGN(profilePresent[i], br.flag());
    RTMP_ASSIGN(levelPresent[i], br.flag());
  }
  if (maxSubLayersMinus1 > 0) {
    RTMP_TRY(br.skipBits(2 * (8 - maxSubLayersMinus1)));  // reserved_zero_2bits
  }
  for (uint32_t i = 0; i < maxSubLayersMinus1; ++i) {
    if (profilePresent[i]) RTMP_TRY(br.skipBits(88));
    if (levelPresent[i]) RTMP_TRY(br.skipBits(8));
  }
  return base::okStatus();
}

// §7.3.4 scaling_list_data(): skipped bit for bit.
Status skipScalingListData(BitReader& br) {
  for (int sizeId = 0; sizeId < 4; ++sizeId) {
    for (int matrixId = 0; matrixId < 6; matrixId += (sizeId == 3) ? 3 : 1) {
      RTMP_ASSIGN(bool predModeFlag, br.flag());
      if (!predModeFlag) {
        RTMP_TRY(br.ueAtMost(5, "scaling_list_pred_matrix_id_delta"));
        continue;
      }
      const int coefNum = std::min(64, 1 << (4 + (sizeId << 1)));
      if (sizeId > 1) RTMP_TRY(br.se());                    // scaling_list_dc_coef_minus8
      for (int i = 0; i < coefNum; ++i) RTMP_TRY(br.se());  // scaling_list_delta_coef
    }
  }
  return base::okStatus();
}

// §7.3.7 st_ref_pic_set(idx) as it appears in the SPS. Only the number of
// delta POCs of each set is kept: inter-predicted sets refer to the previous one.
Status skipShortTermRefPicSet(BitReader& br, uint32_t idx, std::vector<uint32_t>& numDeltaPocs) {
  bool interPrediction = false;
  if (idx != 0) {
    RTMP_ASSIGN(interPrediction, br.flag());
  }
  if (interPrediction) {
    // In the SPS delta_idx_minus1 is absent (inferred 0): the reference is idx - 1.
    RTMP_TRY(br.skipBits(1));  // delta_rps_sign
    RTMP_TRY(br.ueAtMost(32767, "abs_delta_rps_minus1"));
    const uint32_t refCount = numDeltaPocs[idx - 1];
    uint32_t count = 0;
    for (uint32_t j = 0; j <= refCount; ++j) {
      RTMP_ASSIGN(bool usedByCurrPic, br.flag());
      bool useDelta = true;
      if (!usedByCurrPic) {
        RTMP_ASSIGN(useDelta, br.flag());
      }
      if (usedByCurrPic || useDelta) ++count;
    }
    if (count > kMaxDeltaPocs) return outOfRange("st_ref_pic_set size");
    numDeltaPocs[idx] = count;
    return base::okStatus();
  }
  RTMP_ASSIGN(uint32_t negative, br.ueAtMost(kMaxDeltaPocs, "num_negative_pics"));
  RTMP_ASSIGN(uint32_t positive, br.ueAtMost(kMaxDeltaPocs, "num_positive_pics"));
  if (negative + positive > kMaxDeltaPocs) return outOfRange("st_ref_pic_set size");
  for (uint32_t i = 0; i < negative + positive; ++i) {
    RTMP_TRY(br.ueAtMost(32767, "delta_poc_minus1"));
    RTMP_TRY(br.skipBits(1));  // used_by_curr_pic_flag
  }
  numDeltaPocs[idx] = negative + positive;
  return base::okStatus();
}

// §E.2.1 vui_parameters() up to and including the timing info.
Status parseVui(BitReader& br, HevcSps& sps) {
  RTMP_TRY(parseVuiSignal(br, sps.signal));
  // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
  RTMP_TRY(br.skipBits(3));
  RTMP_ASSIGN(bool defaultDisplayWindow, br.flag());
  if (defaultDisplayWindow) {
    for (int i = 0; i < 4; ++i) RTMP_TRY(br.ueAtMost(kMaxPictureDimension, "def_disp_win_offset"));
  }
  RTMP_ASSIGN(sps.timingInfoPresent, br.flag());
  if (sps.timingInfoPresent) {
    RTMP_ASSIGN(sps.numUnitsInTick, br.bits(32));
    RTMP_ASSIGN(sps.timeScale, br.bits(32));
  }
  return base::okStatus();
}

Status parseSps(BitReader& br, HevcSps& sps) {
  RTMP_ASSIGN(uint32_t vpsId, br.bits(4));
  RTMP_ASSIGN(uint32_t maxSubLayersMinus1, br.bits(3));
  if (maxSubLayersMinus1 > 6) return outOfRange("sps_max_sub_layers_minus1");
  sps.vpsId = static_cast<uint8_t>(vpsId);
  sps.maxSubLayers = static_cast<uint8_t>(maxSubLayersMinus1 + 1);
  RTMP_TRY(br.skipBits(1));  // sps_temporal_id_nesting_flag
  {
    auto s = parseProfileTierLevel(br, maxSubLayersMinus1, sps.ptl);
    if (!s.ok()) return std::move(s).error().withContext("profile_tier_level");
  }
  RTMP_ASSIGN(sps.spsId, br.ueAtMost(15, "sps_seq_parameter_set_id"));
  RTMP_ASSIGN(sps.chromaFormatIdc, br.ueAtMost(3, "chroma_format_idc"));
  if (sps.chromaFormatIdc == 3) {
    RTMP_ASSIGN(sps.separateColourPlane, br.flag());
  }
  RTMP_ASSIGN(sps.codedWidth, br.ueAtMost(kMaxPictureDimension, "pic_width_in_luma_samples"));
  RTMP_ASSIGN(sps.codedHeight, br.ueAtMost(kMaxPictureDimension, "pic_height_in_luma_samples"));
  if (sps.codedWidth == 0 || sps.codedHeight == 0) return outOfRange("picture size");

  // §7.4.3.2.1 conformance window, in units of SubWidthC / SubHeightC (Table 6-1).
  const uint32_t chromaArrayType = sps.separateColourPlane ? 0 : sps.chromaFormatIdc;
  const uint32_t subWidthC = (chromaArrayType == 1 || chromaArrayType == 2) ? 2 : 1;
  const uint32_t subHeightC = chromaArrayType == 1 ? 2 : 1;
  RTMP_ASSIGN(bool conformanceWindow, br.flag());
  if (conformanceWindow) {
    RTMP_ASSIGN(uint32_t left, br.ueAtMost(kMaxPictureDimension, "conf_win_left_offset"));
    RTMP_ASSIGN(uint32_t right, br.ueAtMost(kMaxPictureDimension, "conf_win_right_offset"));
    RTMP_ASSIGN(uint32_t top, br.ueAtMost(kMaxPictureDimension, "conf_win_top_offset"));
    RTMP_ASSIGN(uint32_t bottom, br.ueAtMost(kMaxPictureDimension, "conf_win_bottom_offset"));
    sps.confLeft = left * subWidthC;
    sps.confRight = right * subWidthC;
    sps.confTop = top * subHeightC;
    sps.confBottom = bottom * subHeightC;
    if (sps.confLeft + sps.confRight >= sps.codedWidth ||
        sps.confTop + sps.confBottom >= sps.codedHeight) {
      return outOfRange("conformance window");
    }
  }
  sps.width = sps.codedWidth - sps.confLeft - sps.confRight;
  sps.height = sps.codedHeight - sps.confTop - sps.confBottom;

  RTMP_ASSIGN(uint32_t lumaMinus8, br.ueAtMost(8, "bit_depth_luma_minus8"));
  RTMP_ASSIGN(uint32_t chromaMinus8, br.ueAtMost(8, "bit_depth_chroma_minus8"));
  sps.bitDepthLuma = lumaMinus8 + 8;
  sps.bitDepthChroma = chromaMinus8 + 8;
  RTMP_ASSIGN(uint32_t pocLsbMinus4, br.ueAtMost(12, "log2_max_pic_order_cnt_lsb_minus4"));
  sps.log2MaxPicOrderCntLsb = pocLsbMinus4 + 4;

  RTMP_ASSIGN(bool subLayerOrderingInfo, br.flag());
  for (uint32_t i = subLayerOrderingInfo ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; ++i) {
    RTMP_TRY(br.ueAtMost(15, "sps_max_dec_pic_buffering_minus1"));
    RTMP_TRY(br.ueAtMost(15, "sps_max_num_reorder_pics"));
    RTMP_TRY(br.ue());  // sps_max_latency_increase_plus1
  }
  RTMP_TRY(br.ueAtMost(3, "log2_min_luma_coding_block_size_minus3"));
  RTMP_TRY(br.ueAtMost(6, "log2_diff_max_min_luma_coding_block_size"));
  RTMP_TRY(br.ueAtMost(3, "log2_min_luma_transform_block_size_minus2"));
  RTMP_TRY(br.ueAtMost(3, "log2_diff_max_min_luma_transform_block_size"));
  RTMP_TRY(br.ueAtMost(4, "max_transform_hierarchy_depth_inter"));
  RTMP_TRY(br.ueAtMost(4, "max_transform_hierarchy_depth_intra"));
  RTMP_ASSIGN(bool scalingListEnabled, br.flag());
  if (scalingListEnabled) {
    RTMP_ASSIGN(bool scalingListData, br.flag());
    if (scalingListData) RTMP_TRY(skipScalingListData(br));
  }
  RTMP_TRY(br.skipBits(2));  // amp_enabled_flag, sample_adaptive_offset_enabled_flag
  RTMP_ASSIGN(bool pcm, br.flag());
  if (pcm) {
    RTMP_TRY(br.skipBits(8));  // pcm sample bit depths (4 + 4)
    RTMP_TRY(br.ueAtMost(2, "log2_min_pcm_luma_coding_block_size_minus3"));
    RTMP_TRY(br.ueAtMost(3, "log2_diff_max_min_pcm_luma_coding_block_size"));
    RTMP_TRY(br.skipBits(1));  // pcm_loop_filter_disabled_flag
  }
  RTMP_ASSIGN(uint32_t numShortTerm,
              br.ueAtMost(kMaxShortTermRefPicSets, "num_short_term_ref_pic_sets"));
  std::vector<uint32_t> numDeltaPocs(numShortTerm, 0);
  for (uint32_t i = 0; i < numShortTerm; ++i) {
    auto s = skipShortTermRefPicSet(br, i, numDeltaPocs);
    if (!s.ok()) return std::move(s).error().withContext("st_ref_pic_set");
  }
  RTMP_ASSIGN(bool longTermRefs, br.flag());
  if (longTermRefs) {
    RTMP_ASSIGN(uint32_t numLongTerm, br.ueAtMost(32, "num_long_term_ref_pics_sps"));
    for (uint32_t i = 0; i < numLongTerm; ++i) {
      RTMP_TRY(br.skipBits(sps.log2MaxPicOrderCntLsb + 1));  // lt_ref_pic_poc_lsb_sps, used flag
    }
  }
  // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
  RTMP_TRY(br.skipBits(2));
  RTMP_ASSIGN(sps.vuiPresent, br.flag());
  if (sps.vuiPresent) {
    auto s = parseVui(br, sps);
    if (!s.ok()) return std::move(s).error().withContext("vui");
  }
  return base::okStatus();
}

}  // namespace

double HevcSps::frameRate() const {
  if (!timingInfoPresent || numUnitsInTick == 0 || timeScale == 0) return 0;
  return static_cast<double>(timeScale) / numUnitsInTick;
}

Result<HevcSps> parseHevcSps(std::span<const uint8_t> nal) {
  if (nal.size() < 2) return Error(ErrorCode::kTruncated, "hevc sps: NAL header");
  if (((nal[0] >> 1) & 0x3F) != kNalTypeSps) {
    return Error(ErrorCode::kMedia, "hevc sps: not an SPS NAL unit");
  }
  const std::vector<uint8_t> rbsp = nalToRbsp(nal.subspan(2));
  BitReader br(rbsp);
  HevcSps sps;
  auto status = parseSps(br, sps);
  if (!status.ok()) return std::move(status).error().withContext("hevc sps");
  return sps;
}

const char* hevcProfileName(uint8_t profileIdc) {
  switch (profileIdc) {
    case 1:
      return "Main";
    case 2:
      return "Main 10";
    case 3:
      return "Main Still Picture";
    case 4:
      return "Range Extensions";
    case 5:
      return "High Throughput";
    case 6:
      return "Multiview Main";
    case 7:
      return "Scalable Main";
    case 8:
      return "3D Main";
    case 9:
      return "Screen Content Coding";
    case 10:
      return "Scalable Range Extensions";
    case 11:
      return "High Throughput Screen Content Coding";
    default:
      return "unknown";
  }
}

std::string hevcLevelName(uint8_t levelIdc) {
  // general_level_idc = 30 × level: 93 → "3.1", 120 → "4".
  std::string name = std::to_string(levelIdc / 30);
  const int minor = (levelIdc % 30) / 3;
  if (minor != 0) {
    name += '.';  // see h264LevelName: avoids a false g++ 12 -Wrestrict warning
    name += std::to_string(minor);
  }
  return name;
}

}  // namespace rtmp::media
