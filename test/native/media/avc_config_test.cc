#include "media/avc_config.h"

#include <gtest/gtest.h>

#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using testing::ByteVec;

// x264 1080p Main: no high-profile tail.
const ByteVec kRecord1080 = testing::concat({
    {0x01, 0x4D, 0x40, 0x28,  // version 1, Main, compat 0x40, level 40
     0xFF, 0xE1,              // 4-byte lengths, 1 SPS
     0x00, 0x1A},             // SPS length 26
    testing::kX264Sps1080,
    {0x01, 0x00, 0x05},  // 1 PPS of 5 bytes
    testing::kX264Pps1080,
});

TEST(AvcConfig, ParsesX264HighRecordWithExtension) {
  auto c = parseAvcConfig(testing::kAvcRecord720);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->profileIndication, 100);
  EXPECT_EQ(c->levelIndication, 31);
  EXPECT_EQ(c->nalLengthSize, 4);
  ASSERT_EQ(c->sps.size(), 1u);
  ASSERT_EQ(c->pps.size(), 1u);
  EXPECT_TRUE(std::equal(c->sps[0].begin(), c->sps[0].end(), testing::kX264Sps720.begin(),
                         testing::kX264Sps720.end()));
  EXPECT_EQ(c->pps[0].size(), testing::kX264Pps720.size());
  EXPECT_TRUE(c->hasHighProfileExtension);
  EXPECT_EQ(c->chromaFormat, 1);
  EXPECT_EQ(c->bitDepthLuma, 8);
  EXPECT_EQ(c->bitDepthChroma, 8);
  EXPECT_TRUE(c->spsExt.empty());
}

TEST(AvcConfig, MainProfileHasNoExtension) {
  auto c = parseAvcConfig(kRecord1080);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->profileIndication, 77);
  EXPECT_FALSE(c->hasHighProfileExtension);
}

TEST(AvcConfig, HighProfileWithoutExtensionIsAccepted) {
  // Older encoders end the record after the PPS even for High profile.
  const ByteVec record(testing::kAvcRecord720.begin(), testing::kAvcRecord720.end() - 4);
  auto c = parseAvcConfig(record);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_FALSE(c->hasHighProfileExtension);
}

TEST(AvcConfig, TwoByteLengthsAndSeveralParameterSets) {
  const ByteVec record = {
      0x01, 0x42, 0xC0, 0x1E,  // version, Baseline, compat, level 30
      0xFD,                    // lengthSizeMinusOne 1 → 2-byte lengths
      0xE2,                    // 2 SPS
      0x00, 0x02, 0x67, 0xAA,  // SPS #0 (2 bytes)
      0x00, 0x01, 0x67,        // SPS #1 (1 byte)
      0x02,                    // 2 PPS
      0x00, 0x01, 0x68,        // PPS #0
      0x00, 0x02, 0x68, 0xBB,  // PPS #1
  };
  auto c = parseAvcConfig(record);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->nalLengthSize, 2);
  EXPECT_EQ(c->sps.size(), 2u);
  EXPECT_EQ(c->pps.size(), 2u);
  EXPECT_EQ(c->pps[1][1], 0xBB);
}

TEST(AvcConfig, TruncationAtEveryFieldIsAnError) {
  // Cutting the record anywhere before the end of the PPS, or inside the
  // extension once it has started, fails.
  for (size_t n = 0; n < testing::kAvcRecord720.size(); ++n) {
    if (n == testing::kAvcRecord720.size() - 4) continue;  // exactly without the extension: valid
    const std::span<const uint8_t> cut(testing::kAvcRecord720.data(), n);
    auto c = parseAvcConfig(cut);
    ASSERT_FALSE(c.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(c.error().code(), ErrorCode::kTruncated) << n;
  }
}

TEST(AvcConfig, RejectsWrongVersion) {
  ByteVec record = testing::kAvcRecord720;
  record[0] = 0x02;
  EXPECT_EQ(parseAvcConfig(record).error().code(), ErrorCode::kMedia);
}

TEST(AvcConfig, RejectsThreeByteNalLengths) {
  ByteVec record = testing::kAvcRecord720;
  record[4] = 0xFE;  // lengthSizeMinusOne 2: not allowed by 14496-15
  EXPECT_EQ(parseAvcConfig(record).error().code(), ErrorCode::kMedia);
}

TEST(AvcConfig, RejectsEmptyParameterSet) {
  const ByteVec record = {0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x00, 0x00};
  EXPECT_EQ(parseAvcConfig(record).error().code(), ErrorCode::kMedia);
}

TEST(AvcConfig, ParameterSetLongerThanRecordIsTruncated) {
  const ByteVec record = {0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0xFF, 0xFF, 0x67};
  EXPECT_EQ(parseAvcConfig(record).error().code(), ErrorCode::kTruncated);
}

}  // namespace
}  // namespace rtmp::media
