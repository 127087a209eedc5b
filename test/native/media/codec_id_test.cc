#include "media/codec_id.h"

#include <gtest/gtest.h>

namespace rtmp::media {
namespace {

TEST(CodecId, FourCcIsBigEndianAscii) {
  EXPECT_EQ(kFourCcAv1, 0x61763031u);   // 'av01', E-RTMP onMetaData example
  EXPECT_EQ(kFourCcOpus, 0x4F707573u);  // 'Opus'
  EXPECT_EQ(fourCcToString(kFourCcHevc), "hvc1");
  EXPECT_EQ(fourCcToString(0x41000142u), "A??B");
}

TEST(CodecId, FourCcMapping) {
  EXPECT_EQ(videoCodecFromFourCc(kFourCcAvc), Codec::kH264);
  EXPECT_EQ(videoCodecFromFourCc(kFourCcVp8), Codec::kVp8);
  EXPECT_EQ(videoCodecFromFourCc(kFourCcOpus), Codec::kUnknown);  // audio FourCC
  EXPECT_EQ(audioCodecFromFourCc(kFourCcEac3), Codec::kEac3);
  EXPECT_EQ(audioCodecFromFourCc(kFourCcHevc), Codec::kUnknown);
}

TEST(CodecId, NamesAndKinds) {
  EXPECT_EQ(codecName(Codec::kH264), "H264");
  EXPECT_EQ(codecName(Codec::kHevc), "HEVC");
  EXPECT_EQ(codecName(Codec::kAac), "AAC");
  EXPECT_EQ(codecName(Codec::kOpus), "Opus");
  EXPECT_EQ(codecName(Codec::kUnknown), "unknown");
  EXPECT_TRUE(isVideoCodec(Codec::kAv1));
  EXPECT_FALSE(isVideoCodec(Codec::kMp3));
  EXPECT_TRUE(isAudioCodec(Codec::kFlac));
  EXPECT_FALSE(isAudioCodec(Codec::kUnknown));
}

}  // namespace
}  // namespace rtmp::media
