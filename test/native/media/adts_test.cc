#include "media/adts.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using base::ErrorCode;

AacConfig lcStereo44100() {
  auto c = parseAacConfig(std::vector<uint8_t>{0x12, 0x10});
  EXPECT_TRUE(c.ok());
  return *c;
}

TEST(Adts, LcStereo44100) {
  auto h = makeAdtsHeader(lcStereo44100(), 100);
  ASSERT_TRUE(h.ok()) << h.error().toString();
  const AdtsHeader expected = {
      0xFF,  // syncword 0xFFF (high 8 bits)
      0xF1,  // syncword low 4 | ID 0 (MPEG-4) | layer 00 | protection_absent 1
      0x50,  // profile 01 (LC) | sampling index 0100 (44100) | private 0 | channel bit 2 = 0
      0x80,  // channel bits 1-0 = 10 | original 0 home 0 | copyright 0 0 | length bits 12-11 = 00
      0x0D,  // frame length bits 10-3: 107 >> 3 = 13
      0x7F,  // length bits 2-0 = 011 | buffer fullness 0x7FF high 5 bits 11111
      0xFC,  // buffer fullness low 6 bits 111111 | raw data blocks 00 (one block)
  };
  EXPECT_EQ(*h, expected);
}

TEST(Adts, HeAacWritesTheLcCoreAndCoreRate) {
  auto c = parseAacConfig(std::vector<uint8_t>{0x2B, 0x11, 0x88, 0x00});
  ASSERT_TRUE(c.ok());
  auto h = makeAdtsHeader(*c, 10);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ((*h)[2], 0x58);  // profile 01 (LC), index 0110 (24000), channel bit 2 = 0
}

TEST(Adts, LongestFrameFitsThirteenBits) {
  auto h = makeAdtsHeader(lcStereo44100(), kAdtsMaxFrameLength - kAdtsHeaderSize);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ((*h)[3] & 0x03, 0x03);
  EXPECT_EQ((*h)[4], 0xFF);
  EXPECT_EQ((*h)[5] >> 5, 0x07);
  auto tooLong = makeAdtsHeader(lcStereo44100(), kAdtsMaxFrameLength - kAdtsHeaderSize + 1);
  EXPECT_EQ(tooLong.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Adts, RejectsWhatAdtsCannotExpress) {
  AacConfig c = lcStereo44100();
  c.objectType = 42;
  EXPECT_EQ(makeAdtsHeader(c, 10).error().code(), ErrorCode::kUnsupported);
  c = lcStereo44100();
  c.samplingFrequencyIndex = 15;
  EXPECT_EQ(makeAdtsHeader(c, 10).error().code(), ErrorCode::kUnsupported);
  c = lcStereo44100();
  c.channelConfiguration = 0;
  EXPECT_EQ(makeAdtsHeader(c, 10).error().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace rtmp::media
