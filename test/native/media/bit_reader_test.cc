#include "media/bit_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using base::ErrorCode;

TEST(BitReader, ReadsMsbFirstAcrossByteBoundaries) {
  const uint8_t raw[] = {0b1011'0011, 0b1100'0101, 0xDE, 0xAD, 0xBE, 0xEF};
  BitReader br(raw);
  EXPECT_EQ(*br.bits(1), 1u);
  EXPECT_EQ(*br.bits(3), 0b011u);
  EXPECT_EQ(*br.bits(8), 0b0011'1100u);  // 4 bits of byte 0, 4 of byte 1
  EXPECT_EQ(*br.bits(4), 0b0101u);
  EXPECT_TRUE(br.byteAligned());
  EXPECT_EQ(*br.bits(32), 0xDEADBEEFu);
  EXPECT_EQ(br.bitsLeft(), 0u);
}

TEST(BitReader, TruncatedReadFailsAndKeepsPosition) {
  const uint8_t raw[] = {0xFF};
  BitReader br(raw);
  ASSERT_TRUE(br.bits(3).ok());
  auto v = br.bits(6);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(br.bitPosition(), 3u);
  EXPECT_FALSE(br.skipBits(6).ok());
  EXPECT_TRUE(br.skipBits(5).ok());
}

TEST(BitReader, MoreThan32BitsAtOnceIsACallerError) {
  const uint8_t raw[8] = {};
  BitReader br(raw);
  EXPECT_EQ(br.bits(33).error().code(), ErrorCode::kInvalidArgument);
}

TEST(BitReader, UnsignedExpGolomb) {
  // H.264 §9.1 Table 9-2: 1 → 0, 010 → 1, 011 → 2, 00100 → 3, 0001000 → 7.
  const uint8_t raw[] = {0b1010'0110, 0b0100'0001, 0b0000'0000};
  BitReader br(raw);
  EXPECT_EQ(*br.ue(), 0u);
  EXPECT_EQ(*br.ue(), 1u);
  EXPECT_EQ(*br.ue(), 2u);
  EXPECT_EQ(*br.ue(), 3u);
  EXPECT_EQ(*br.ue(), 7u);
}

TEST(BitReader, SignedExpGolomb) {
  // §9.1.1 Table 9-3: codeNum 1 → 1, 2 → -1, 3 → 2, 4 → -2.
  const uint8_t raw[] = {0b0100'1100, 0b1000'0101, 0b0000'0000};
  BitReader br(raw);
  EXPECT_EQ(*br.se(), 1);
  EXPECT_EQ(*br.se(), -1);
  EXPECT_EQ(*br.se(), 2);
  EXPECT_EQ(*br.se(), -2);
}

TEST(BitReader, LargestExpGolombFitsIn32Bits) {
  // 31 zeros, a one, 31 ones: 2^31 - 1 + 2^31 - 1 = 2^32 - 2.
  const uint8_t raw[] = {0x00, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFE};
  BitReader br(raw);
  EXPECT_EQ(*br.ue(), 0xFFFFFFFEu);
}

TEST(BitReader, ExpGolombWith32LeadingZerosIsMalformed) {
  const uint8_t raw[] = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00};
  BitReader br(raw);
  auto v = br.ue();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(br.bitPosition(), 0u);
}

TEST(BitReader, TruncatedExpGolombKeepsPosition) {
  const uint8_t raw[] = {0b0000'0001};  // 7 zeros and the marker, suffix missing
  BitReader br(raw);
  EXPECT_EQ(br.ue().error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(br.bitPosition(), 0u);
  const uint8_t zeros[] = {0x00};
  BitReader allZero(zeros);
  EXPECT_EQ(allZero.ue().error().code(), ErrorCode::kTruncated);
}

TEST(NalToRbsp, DropsEmulationPreventionBytes) {
  const std::vector<uint8_t> nal = {0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03};
  const std::vector<uint8_t> rbsp = {0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(nalToRbsp(nal), rbsp);
}

TEST(NalToRbsp, KeepsThreeNotAfterTwoZeros) {
  const std::vector<uint8_t> nal = {0x03, 0x00, 0x03, 0x00, 0x00, 0x03, 0x03};
  const std::vector<uint8_t> rbsp = {0x03, 0x00, 0x03, 0x00, 0x00, 0x03};
  EXPECT_EQ(nalToRbsp(nal), rbsp);  // the second 03 after 00 00 03 is data
}

}  // namespace
}  // namespace rtmp::media
