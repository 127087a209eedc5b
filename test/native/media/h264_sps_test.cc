#include "media/h264_sps.h"

#include <gtest/gtest.h>

#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using testing::ByteVec;

TEST(H264Sps, X264High720p) {
  auto sps = parseH264Sps(testing::kX264Sps720);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->profileIdc, 100);
  EXPECT_EQ(sps->levelIdc, 31);
  EXPECT_EQ(sps->chromaFormatIdc, 1u);
  EXPECT_EQ(sps->bitDepthLuma, 8u);
  EXPECT_EQ(sps->width, 1280u);
  EXPECT_EQ(sps->height, 720u);
  EXPECT_EQ(sps->cropBottom, 0u);
  EXPECT_TRUE(sps->frameMbsOnly);
  EXPECT_EQ(sps->picOrderCntType, 0u);
  EXPECT_TRUE(sps->timingInfoPresent);
  EXPECT_EQ(sps->numUnitsInTick, 1u);
  EXPECT_EQ(sps->timeScale, 60u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 30.0);
  EXPECT_TRUE(sps->bitstreamRestriction);
  EXPECT_GT(sps->maxNumReorderFrames, 0u);  // x264 default uses B-frames
  EXPECT_STREQ(h264ProfileName(sps->profileIdc, sps->constraintFlags), "High");
  EXPECT_EQ(h264LevelName(sps->levelIdc, sps->profileIdc, sps->constraintFlags), "3.1");
}

TEST(H264Sps, X264Main1080pIsCroppedFrom1088) {
  auto sps = parseH264Sps(testing::kX264Sps1080);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->profileIdc, 77);
  EXPECT_EQ(sps->levelIdc, 40);
  EXPECT_EQ(sps->widthInMbs, 120u);
  EXPECT_EQ(sps->heightInMapUnits, 68u);  // 1088 coded rows
  EXPECT_EQ(sps->cropBottom, 8u);
  EXPECT_EQ(sps->width, 1920u);
  EXPECT_EQ(sps->height, 1080u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 25.0);
  EXPECT_STREQ(h264ProfileName(sps->profileIdc, sps->constraintFlags), "Main");
  EXPECT_EQ(h264LevelName(sps->levelIdc, sps->profileIdc, sps->constraintFlags), "4");
}

TEST(H264Sps, X264ConstrainedBaseline240p) {
  auto sps = parseH264Sps(testing::kX264Sps240);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->profileIdc, 66);
  EXPECT_EQ(sps->width, 320u);
  EXPECT_EQ(sps->height, 240u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 30.0);
  EXPECT_STREQ(h264ProfileName(sps->profileIdc, sps->constraintFlags), "Constrained Baseline");
  EXPECT_EQ(h264LevelName(sps->levelIdc, sps->profileIdc, sps->constraintFlags), "1.3");
}

TEST(H264Sps, X264High444HasChromaFormat3) {
  auto sps = parseH264Sps(testing::kX264Sps720Yuv444);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->profileIdc, 244);
  EXPECT_EQ(sps->chromaFormatIdc, 3u);
  EXPECT_EQ(sps->width, 1280u);
  EXPECT_EQ(sps->height, 720u);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 30.0);
  EXPECT_STREQ(h264ProfileName(sps->profileIdc, sps->constraintFlags), "High 4:4:4 Predictive");
}

// A hand-made High profile SPS with a scaling matrix, POC type 1, interlaced
// coding and cropping, to reach the branches x264's defaults skip.
//   profile_idc 100, constraint 0x00, level_idc 40
//   ue seq_parameter_set_id 0            1
//   ue chroma_format_idc 1               010
//   ue bit_depth_luma_minus8 2           011
//   ue bit_depth_chroma_minus8 2         011
//   u1 qpprime_y_zero_transform_bypass   0
//   u1 seq_scaling_matrix_present_flag   1
//   8 × u1 seq_scaling_list_present_flag: list 0 present with one
//        delta_scale -8 (se 000010001) ending the list (nextScale 0), the rest absent
//                                        1 000010001 0000000
//   ue log2_max_frame_num_minus4 0       1
//   ue pic_order_cnt_type 1              010
//   u1 delta_pic_order_always_zero 0     0
//   se offset_for_non_ref_pic -1         011
//   se offset_for_top_to_bottom_field 1  010
//   ue num_ref_frames_in_poc_cycle 1     010
//   se offset_for_ref_frame[0] 2         00100
//   ue max_num_ref_frames 2              011
//   u1 gaps_in_frame_num_allowed 0       0
//   ue pic_width_in_mbs_minus1 119       0000001111000
//   ue pic_height_in_map_units_minus1 33 00000100010
//   u1 frame_mbs_only_flag 0             0
//   u1 mb_adaptive_frame_field_flag 1    1
//   u1 direct_8x8_inference_flag 1       1
//   u1 frame_cropping_flag 1             1
//   ue left 0, right 0, top 0            1 1 1
//   ue bottom 2 (× CropUnitY 4 = 8 rows) 011
//   u1 vui_parameters_present_flag 0     0
//   rbsp_stop_one_bit + alignment        1 0...
const ByteVec kHandMadeInterlacedSps =
    testing::bitsToBytes({0x67, 100, 0x00, 40},
                         "1 010 011 011 0 1 1 000010001 0000000"
                         "1 010 0 011 010 010 00100 011 0"
                         "0000001111000 00000100010 0 1 1 1 1 1 1 011 0 1");

TEST(H264Sps, HandMadeInterlacedWithScalingMatrixAndPocType1) {
  auto sps = parseH264Sps(kHandMadeInterlacedSps);
  ASSERT_TRUE(sps.ok()) << sps.error().toString();
  EXPECT_EQ(sps->bitDepthLuma, 10u);
  EXPECT_EQ(sps->picOrderCntType, 1u);
  EXPECT_EQ(sps->maxNumRefFrames, 2u);
  EXPECT_FALSE(sps->frameMbsOnly);
  EXPECT_EQ(sps->widthInMbs, 120u);
  EXPECT_EQ(sps->heightInMapUnits, 34u);  // × 2 fields = 68 MB rows = 1088
  EXPECT_EQ(sps->cropBottom, 8u);
  EXPECT_EQ(sps->width, 1920u);
  EXPECT_EQ(sps->height, 1080u);
  EXPECT_FALSE(sps->vuiPresent);
  EXPECT_DOUBLE_EQ(sps->frameRate(), 0.0);
}

TEST(H264Sps, TruncationAtEveryFieldIsAnError) {
  // Every prefix that cuts a field we read must fail. The last byte of the
  // hand-made SPS holds only the stop bit, so all shorter prefixes cut a field.
  for (size_t n = 0; n + 1 < kHandMadeInterlacedSps.size(); ++n) {
    const std::span<const uint8_t> cut(kHandMadeInterlacedSps.data(), n);
    auto sps = parseH264Sps(cut);
    EXPECT_FALSE(sps.ok()) << "prefix of " << n << " bytes parsed";
    if (!sps.ok() && n > 0) {
      EXPECT_EQ(sps.error().code(), ErrorCode::kTruncated) << n;
    }
  }
  // The x264 SPS ends with VUI bitstream_restriction; cutting inside it fails too.
  for (size_t n = 0; n + 1 < testing::kX264Sps720.size(); ++n) {
    const std::span<const uint8_t> cut(testing::kX264Sps720.data(), n);
    EXPECT_FALSE(parseH264Sps(cut).ok()) << "prefix of " << n << " bytes parsed";
  }
}

TEST(H264Sps, RejectsANalUnitThatIsNotAnSps) {
  EXPECT_EQ(parseH264Sps(testing::kX264Pps720).error().code(), ErrorCode::kMedia);
}

TEST(H264Sps, RejectsCroppingLargerThanThePicture) {
  // 16x16 picture (1 MB) cropped by 8 + 8 columns × CropUnitX 2 = 32 > 16.
  //   profile 66, level 10 | ue sps_id 0 (1) | ue log2_max_frame_num_minus4 0 (1)
  //   ue poc type 2 (011) | ue max_num_ref_frames 0 (1) | gaps 0 | width-1 0 (1)
  //   height-1 0 (1) | frame_mbs_only 1 | direct_8x8 1 | cropping 1
  //   left 8 (0001001) right 8 (0001001) top 0 (1) bottom 0 (1) | vui 0 | stop 1
  const ByteVec sps = {0x67, 66, 0x00, 10, 0b1101'1101, 0b1111'0001, 0b0010'0010, 0b0111'1000};
  auto parsed = parseH264Sps(sps);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kMalformed);
}

TEST(H264Sps, RejectsOutOfRangeChromaFormat) {
  // High profile, sps_id 0 (1), chroma_format_idc 4 (00101).
  const ByteVec sps = {0x67, 100, 0x00, 40, 0b1001'0100, 0x00};
  auto parsed = parseH264Sps(sps);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kMalformed);
}

TEST(H264Sps, LevelNames) {
  EXPECT_EQ(h264LevelName(9, 100, 0), "1b");
  EXPECT_EQ(h264LevelName(11, 66, 0x10), "1b");  // constraint_set3 in Baseline
  EXPECT_EQ(h264LevelName(11, 100, 0x10), "1.1");
  EXPECT_EQ(h264LevelName(52, 100, 0), "5.2");
}

}  // namespace
}  // namespace rtmp::media
