#include "media/av1_config.h"

#include <gtest/gtest.h>

#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using testing::ByteVec;

TEST(Av1Config, ParsesLibaomRecordAndSequenceHeader) {
  auto c = parseAv1Config(testing::kAomAv1C);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->version, 1);
  EXPECT_EQ(c->seqProfile, 0);
  EXPECT_EQ(c->seqLevelIdx0, 1);
  EXPECT_FALSE(c->seqTier0);
  EXPECT_EQ(c->bitDepth(), 8);
  EXPECT_FALSE(c->monochrome);
  EXPECT_TRUE(c->chromaSubsamplingX);
  EXPECT_TRUE(c->chromaSubsamplingY);
  EXPECT_EQ(c->configObus.size(), 13u);
  ASSERT_TRUE(c->sequenceHeader.has_value());
  EXPECT_EQ(c->sequenceHeader->seqProfile, 0);
  EXPECT_EQ(c->sequenceHeader->seqLevelIdx0, 1);
  EXPECT_EQ(c->sequenceHeader->maxFrameWidth, 640u);
  EXPECT_EQ(c->sequenceHeader->maxFrameHeight, 360u);
  EXPECT_FALSE(c->sequenceHeader->timingInfoPresent);
  EXPECT_DOUBLE_EQ(c->sequenceHeader->frameRate(), 0.0);
  EXPECT_STREQ(av1ProfileName(c->seqProfile), "Main");
  EXPECT_EQ(av1LevelName(c->seqLevelIdx0), "2.1");
}

// Sequence header with timing info, a decoder model, initial display delays
// and two operating points (AV1 §5.5.1-5.5.5).
const ByteVec kSequenceHeader1080p30 = testing::bitsToBytes(
    {},
    "000 0 0"  // seq_profile 0, still_picture 0, reduced_still_picture_header 0
    "1"        // timing_info_present_flag
    "00000000000000000000000000000001"  // num_units_in_display_tick 1
    "00000000000000000000000000011110"  // time_scale 30
    "1 1"      // equal_picture_interval, num_ticks_per_picture_minus_1 uvlc 0
    "1 00100"  // decoder_model_info_present, buffer_delay_length_minus_1 4
    "00000000000000000000000000000001"  // num_units_in_decoding_tick 1
    "00000 00000"  // buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
    "1 00001"      // initial_display_delay_present, operating_points_cnt_minus_1 1
    "000000000000 01001 1"      // op 0: idc 0, seq_level_idx 9 (3.1), seq_tier 1
    "1 00000 00000 0"           // op 0: decoder model: buffer delays (5 bits each), low_delay
    "1 0011"                    // op 0: initial_display_delay_minus_1 3
    "000100000001 00101 0 0"    // op 1: idc, level 5, no decoder model, no display delay
    "1011 1010"                 // frame_width_bits_minus_1 11, frame_height_bits_minus_1 10
    "011101111111 10000110111"  // max_frame_width_minus_1 1919, max_frame_height_minus_1 1079
);

TEST(Av1SequenceHeader, TimingInfoDecoderModelAndOperatingPoints) {
  auto h = parseAv1SequenceHeader(kSequenceHeader1080p30);
  ASSERT_TRUE(h.ok()) << h.error().toString();
  EXPECT_EQ(h->seqLevelIdx0, 9);
  EXPECT_TRUE(h->seqTier0);
  EXPECT_EQ(h->maxFrameWidth, 1920u);
  EXPECT_EQ(h->maxFrameHeight, 1080u);
  EXPECT_DOUBLE_EQ(h->frameRate(), 30.0);
}

TEST(Av1SequenceHeader, ReducedStillPictureHeader) {
  const ByteVec payload = testing::bitsToBytes(
      {}, "000 1 1 01000 0111 0111 01111111 01111111");  // still, level 8, 128x128
  auto h = parseAv1SequenceHeader(payload);
  ASSERT_TRUE(h.ok()) << h.error().toString();
  EXPECT_TRUE(h->stillPicture);
  EXPECT_EQ(h->seqLevelIdx0, 8);
  EXPECT_EQ(h->maxFrameWidth, 128u);
  EXPECT_EQ(h->maxFrameHeight, 128u);
}

TEST(Av1SequenceHeader, TruncationAtEveryFieldIsAnError) {
  for (size_t n = 0; n + 1 < kSequenceHeader1080p30.size(); ++n) {
    auto h = parseAv1SequenceHeader(std::span<const uint8_t>(kSequenceHeader1080p30.data(), n));
    ASSERT_FALSE(h.ok()) << n;
    EXPECT_EQ(h.error().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(Av1Config, FindsTheSequenceHeaderAfterOtherObus) {
  ByteVec obus = {
      0x12,
      0x00,  // temporal delimiter OBU (type 2), has_size, size 0
      0x0E,  // sequence header OBU with extension flag and size
      0x00,  // extension: temporal_id 0, spatial_id 0
      static_cast<uint8_t>(kSequenceHeader1080p30.size()),  // obu_size (leb128, 1 byte)
  };
  obus.insert(obus.end(), kSequenceHeader1080p30.begin(), kSequenceHeader1080p30.end());
  auto h = findAv1SequenceHeader(obus);
  ASSERT_TRUE(h.ok()) << h.error().toString();
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->maxFrameWidth, 1920u);
}

TEST(Av1Config, LastObuMayOmitItsSize) {
  ByteVec obus = {0x08};  // sequence header OBU, no size field: runs to the end
  obus.insert(obus.end(), kSequenceHeader1080p30.begin(), kSequenceHeader1080p30.end());
  auto h = findAv1SequenceHeader(obus);
  ASSERT_TRUE(h.ok()) << h.error().toString();
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->maxFrameHeight, 1080u);
}

TEST(Av1Config, MultiByteLeb128Size) {
  ByteVec obus = {0x0A, static_cast<uint8_t>(0x80 | kSequenceHeader1080p30.size()), 0x00};
  obus.insert(obus.end(), kSequenceHeader1080p30.begin(), kSequenceHeader1080p30.end());
  auto h = findAv1SequenceHeader(obus);  // 2-byte leb128 of the same small value
  ASSERT_TRUE(h.ok()) << h.error().toString();
  EXPECT_TRUE(h->has_value());
}

TEST(Av1Config, RecordWithoutConfigObusHasNoSequenceHeader) {
  const ByteVec record(testing::kAomAv1C.begin(), testing::kAomAv1C.begin() + 4);
  auto c = parseAv1Config(record);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_FALSE(c->sequenceHeader.has_value());
}

TEST(Av1Config, TruncationAtEveryFieldIsAnError) {
  for (size_t n = 0; n < testing::kAomAv1C.size(); ++n) {
    if (n == 4) continue;  // the fixed 4 bytes alone are a valid record
    auto c = parseAv1Config(std::span<const uint8_t>(testing::kAomAv1C.data(), n));
    ASSERT_FALSE(c.ok()) << n;
    EXPECT_EQ(c.error().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(Av1Config, RejectsMissingMarkerAndWrongVersion) {
  ByteVec record = testing::kAomAv1C;
  record[0] = 0x01;
  EXPECT_EQ(parseAv1Config(record).error().code(), ErrorCode::kMedia);
  record[0] = 0x82;
  EXPECT_EQ(parseAv1Config(record).error().code(), ErrorCode::kMedia);
}

TEST(Av1Config, RejectsForbiddenBitAndOverlongLeb128) {
  const ByteVec forbidden = {0x81, 0x01, 0x0C, 0x00, 0x8A, 0x00};
  EXPECT_EQ(parseAv1Config(forbidden).error().code(), ErrorCode::kMalformed);
  const ByteVec overlong = {0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_EQ(findAv1SequenceHeader(overlong).error().code(), ErrorCode::kMalformed);
}

TEST(Av1Config, LevelNames) {
  EXPECT_EQ(av1LevelName(0), "2.0");
  EXPECT_EQ(av1LevelName(8), "4.0");
  EXPECT_EQ(av1LevelName(13), "5.1");
  EXPECT_EQ(av1LevelName(31), "max");
}

}  // namespace
}  // namespace rtmp::media
