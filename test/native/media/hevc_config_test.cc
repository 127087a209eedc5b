#include "media/hevc_config.h"

#include <gtest/gtest.h>

#include "media/hevc_sps.h"
#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using testing::ByteVec;

TEST(HevcConfig, ParsesX265Record) {
  auto c = parseHevcConfig(testing::kHevcRecord720);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->ptl.profileIdc, 1);
  EXPECT_FALSE(c->ptl.tierFlag);
  EXPECT_EQ(c->ptl.profileCompatibilityFlags, 0x60000000u);
  EXPECT_EQ(c->ptl.constraintIndicatorFlags, 0x900000000000u);
  EXPECT_EQ(c->ptl.levelIdc, 93);
  EXPECT_EQ(c->chromaFormat, 1);
  EXPECT_EQ(c->bitDepthLuma, 8);
  EXPECT_EQ(c->numTemporalLayers, 1);
  EXPECT_TRUE(c->temporalIdNested);
  EXPECT_EQ(c->nalLengthSize, 4);
  ASSERT_EQ(c->arrays.size(), 3u);
  EXPECT_EQ(c->arrays[0].nalType, kHevcNalVps);
  EXPECT_TRUE(c->arrays[0].complete);
  EXPECT_EQ(c->firstNal(kHevcNalSps).size(), testing::kX265Sps720.size());
  EXPECT_EQ(c->firstNal(kHevcNalPps).size(), testing::kX265Pps.size());
  EXPECT_TRUE(c->firstNal(39).empty());  // no SEI array here
}

TEST(HevcConfig, TruncationAtEveryFieldIsAnError) {
  for (size_t n = 0; n < testing::kHevcRecord720.size(); ++n) {
    const std::span<const uint8_t> cut(testing::kHevcRecord720.data(), n);
    auto c = parseHevcConfig(cut);
    ASSERT_FALSE(c.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(c.error().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(HevcConfig, RejectsWrongVersionAndThreeByteLengths) {
  ByteVec record = testing::kHevcRecord720;
  record[0] = 0;
  EXPECT_EQ(parseHevcConfig(record).error().code(), ErrorCode::kMedia);
  record = testing::kHevcRecord720;
  record[21] = 0x0E;  // lengthSizeMinusOne 2
  EXPECT_EQ(parseHevcConfig(record).error().code(), ErrorCode::kMedia);
}

TEST(HevcConfig, HostileNaluCountDoesNotReserveMemory) {
  // 65535 units announced, none present: truncation, not a huge allocation.
  ByteVec record(testing::kHevcRecord720.begin(), testing::kHevcRecord720.begin() + 22);
  record.insert(record.end(), {0x01, 0xA0, 0xFF, 0xFF});
  EXPECT_EQ(parseHevcConfig(record).error().code(), ErrorCode::kTruncated);
}

TEST(HevcSps, X265Main720p) {
  auto sps = parseHevcSps(testing::kX265Sps720);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->ptl.profileIdc, 1);
  EXPECT_EQ(sps->ptl.levelIdc, 93);
  EXPECT_EQ(sps->maxSubLayers, 1);
  EXPECT_EQ(sps->chromaFormatIdc, 1u);
  EXPECT_EQ(sps->codedWidth, 1280u);
  EXPECT_EQ(sps->codedHeight, 720u);
  EXPECT_EQ(sps->width, 1280u);
  EXPECT_EQ(sps->height, 720u);
  EXPECT_EQ(sps->bitDepthLuma, 8u);
  EXPECT_TRUE(sps->vuiPresent);
  EXPECT_TRUE(sps->timingInfoPresent);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 30.0);
  EXPECT_STREQ(hevcProfileName(sps->ptl.profileIdc), "Main");
  EXPECT_EQ(hevcLevelName(sps->ptl.levelIdc), "3.1");
}

TEST(HevcSps, X265Main1080p) {
  auto sps = parseHevcSps(testing::kX265Sps1080);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->width, 1920u);
  EXPECT_EQ(sps->height, 1080u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 25.0);
  EXPECT_EQ(hevcLevelName(sps->ptl.levelIdc), "4");
}

TEST(HevcSps, X265Main480pUsesTheConformanceWindow) {
  auto sps = parseHevcSps(testing::kX265Sps480);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->codedWidth, 856u);
  EXPECT_EQ(sps->confRight, 2u);
  EXPECT_EQ(sps->width, 854u);
  EXPECT_EQ(sps->height, 480u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 24.0);
  EXPECT_EQ(hevcLevelName(sps->ptl.levelIdc), "3");
}

TEST(HevcSps, X265Main10) {
  auto sps = parseHevcSps(testing::kX265Sps360Main10);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->ptl.profileIdc, 2);
  EXPECT_STREQ(hevcProfileName(sps->ptl.profileIdc), "Main 10");
  EXPECT_EQ(sps->bitDepthLuma, 10u);
  EXPECT_EQ(sps->bitDepthChroma, 10u);
  EXPECT_EQ(sps->width, 640u);
  EXPECT_EQ(sps->height, 360u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 50.0);
}

// A hand-made SPS reaching what x265's defaults do not: two sub-layers,
// explicit scaling lists, an inter-predicted short-term RPS, long-term refs
// and a VUI with SAR, colour description and a default display window.
const ByteVec kHandMadeHevcSps = testing::bitsToBytes(
    {0x42, 0x01},  // NAL header: type 33 (SPS), layer 0, tid 1
    "0000 001 1"   // vps_id 0, max_sub_layers_minus1 1, temporal_id_nesting 1
    "00 0 00001"   // general_profile_space 0, tier 0, general_profile_idc 1
    "0110 0000 0000 0000 0000 0000 0000 0000"                      // compatibility flags
    "1001 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"  // constraint flags
    "01011101"                                                     // general_level_idc 93
    "0 1"                      // sub-layer 0: profile not present, level present
    "00000000000000"           // reserved_zero_2bits for sub-layers 1..7
    "01011010"                 // sub_layer_level_idc 90
    "1 010"                    // sps_id 0, chroma_format_idc 1
    "000000000 1010000001"     // pic_width_in_luma_samples 640
    "00000000 101101001"       // pic_height_in_luma_samples 360
    "0 1 1 00101"              // no conformance window, 8-bit, log2_max_poc_lsb_minus4 4
    "1 011 1 1 011 1 1"        // sub_layer_ordering_info for both sub-layers
    "1 00100 1 00100 010 010"  // block sizes, transform hierarchy depths
    "1 1"                      // scaling_list_enabled, sps_scaling_list_data_present
    "1 1111111111111111"       // sizeId 0 matrix 0: explicit, 16 × delta 0
    "01 01 01 01 01"           // sizeId 0 matrices 1-5: predicted
    "01 01 01 01 01 01 01 01 01 01 01 01 01 01"     // sizeId 1, 2 (6 each), 3 (2)
    "1 1 0"                                         // amp, sao, no pcm
    "011"                                           // num_short_term_ref_pic_sets 2
    "010 1 1 1"                                     // RPS 0: 1 negative (delta 1, used), 0 positive
    "1 0 1 1 0 1"                                   // RPS 1: predicted from RPS 0, 2 entries kept
    "1 010 00000101 1"                              // long-term refs: 1 with poc lsb 5, used
    "1 1"                                           // temporal mvp, strong intra smoothing
    "1"                                             // vui_parameters_present_flag
    "1 11111111 0000000000000100 0000000000000011"  // SAR 4:3 (Extended_SAR)
    "0 1 101 1 1 00000001 00000001 00000001"        // video signal: full range, BT.709
    "0 000 1 1111"  // no chroma loc, 3 flags, default display window 0/0/0/0
    "1 00000000000000000000001111101001 00000000000000001110101001100000"  // 1001/60000
    "1");                                                                  // stop bit

TEST(HevcSps, HandMadeSubLayersScalingListsInterRpsAndVui) {
  auto sps = parseHevcSps(kHandMadeHevcSps);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->maxSubLayers, 2);
  EXPECT_EQ(sps->ptl.levelIdc, 93);
  EXPECT_EQ(sps->width, 640u);
  EXPECT_EQ(sps->height, 360u);
  EXPECT_EQ(sps->log2MaxPicOrderCntLsb, 8u);
  EXPECT_EQ(sps->signal.sarWidth, 4u);
  EXPECT_EQ(sps->signal.sarHeight, 3u);
  EXPECT_TRUE(sps->signal.videoFullRange);
  EXPECT_EQ(sps->signal.colourPrimaries, 1);
  EXPECT_EQ(sps->numUnitsInTick, 1001u);
  EXPECT_EQ(sps->timeScale, 60000u);
  EXPECT_NEAR(sps->frameRate(), 59.94, 0.001);
}

TEST(HevcSps, TruncationAtEveryFieldIsAnError) {
  // Parsing stops after VUI timing info, so only prefixes that end before it
  // are guaranteed to fail; find where success starts and check everything before.
  const auto& nal = testing::kX265Sps720;
  size_t firstOk = nal.size();
  for (size_t n = 0; n <= nal.size(); ++n) {
    if (parseHevcSps(std::span<const uint8_t>(nal.data(), n)).ok()) {
      firstOk = n;
      break;
    }
  }
  // The VUI timing info sits in the last quarter of this SPS (HRD follows it).
  EXPECT_GT(firstOk, nal.size() * 3 / 4);
  // The hand-made SPS ends right after the timing info: every cut fails.
  for (size_t n = 0; n + 1 < kHandMadeHevcSps.size(); ++n) {
    auto sps = parseHevcSps(std::span<const uint8_t>(kHandMadeHevcSps.data(), n));
    ASSERT_FALSE(sps.ok()) << n;
    EXPECT_EQ(sps.error().code(), ErrorCode::kTruncated) << n;
  }
  for (size_t n = firstOk; n <= nal.size(); ++n) {
    EXPECT_TRUE(parseHevcSps(std::span<const uint8_t>(nal.data(), n)).ok()) << n;
  }
  for (size_t n = 0; n < firstOk; ++n) {
    auto sps = parseHevcSps(std::span<const uint8_t>(nal.data(), n));
    ASSERT_FALSE(sps.ok());
    EXPECT_EQ(sps.error().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(HevcSps, RejectsANalUnitThatIsNotAnSps) {
  EXPECT_EQ(parseHevcSps(testing::kX265Vps720).error().code(), ErrorCode::kMedia);
  const ByteVec oneByte = {0x42};
  EXPECT_EQ(parseHevcSps(oneByte).error().code(), ErrorCode::kTruncated);
}

TEST(HevcSps, LevelNames) {
  EXPECT_EQ(hevcLevelName(30), "1");
  EXPECT_EQ(hevcLevelName(153), "5.1");
  EXPECT_EQ(hevcLevelName(186), "6.2");
}

}  // namespace
}  // namespace rtmp::media
