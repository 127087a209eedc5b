#include "media/aac_config.h"

#include <gtest/gtest.h>

#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using testing::ByteVec;

TEST(AacConfig, LcStereo44100) {
  // 00010 (AOT 2, LC) 0100 (index 4, 44100) 0010 (2 channels) 000 (GASpecificConfig)
  const ByteVec asc = {0x12, 0x10};
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 2);
  EXPECT_EQ(c->samplingFrequencyIndex, 4);
  EXPECT_EQ(c->sampleRate, 44100u);
  EXPECT_EQ(c->channelConfiguration, 2);
  EXPECT_EQ(c->channels, 2);
  EXPECT_FALSE(c->sbr);
  EXPECT_FALSE(c->ps);
  EXPECT_FALSE(c->frameLength960);
  EXPECT_EQ(c->outputSampleRate(), 44100u);
  EXPECT_STREQ(aacProfileName(*c), "LC");
}

TEST(AacConfig, FfmpegLcWithExplicitNoSbrExtension) {
  // What ffmpeg's native encoder sends: LC 44100 stereo, then sync extension
  // 0x2B7 (01010110111), extension AOT 5 (00101), sbrPresentFlag 0.
  const ByteVec asc = {0x12, 0x10, 0x56, 0xE5, 0x00};
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 2);
  EXPECT_FALSE(c->sbr);
  EXPECT_EQ(c->outputSampleRate(), 44100u);
  EXPECT_STREQ(aacProfileName(*c), "LC");
}

TEST(AacConfig, HeAacExplicitHierarchicalSignalling) {
  // 00101 (AOT 5, SBR) 0110 (core 24000) 0010 (stereo) 0011 (extension 48000)
  // 00010 (core AOT 2) 000 (GASpecificConfig) + padding
  const ByteVec asc = {0x2B, 0x11, 0x88, 0x00};
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 2);
  EXPECT_EQ(c->extensionObjectType, 5);
  EXPECT_TRUE(c->sbr);
  EXPECT_FALSE(c->ps);
  EXPECT_EQ(c->sampleRate, 24000u);
  EXPECT_EQ(c->extensionSampleRate, 48000u);
  EXPECT_EQ(c->outputSampleRate(), 48000u);
  EXPECT_EQ(c->outputChannels(), 2);
  EXPECT_STREQ(aacProfileName(*c), "HE-AAC");
}

TEST(AacConfig, HeAacV2ExplicitSignallingIsMonoCoreStereoOutput) {
  // 11101 (AOT 29, PS) 0110 (24000) 0001 (mono) 0011 (48000) 00010 (LC) 000
  const ByteVec asc = {0xEB, 0x09, 0x88, 0x00};
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_TRUE(c->sbr);
  EXPECT_TRUE(c->ps);
  EXPECT_EQ(c->channels, 1);
  EXPECT_EQ(c->outputChannels(), 2);
  EXPECT_EQ(c->outputSampleRate(), 48000u);
  EXPECT_STREQ(aacProfileName(*c), "HE-AACv2");
}

TEST(AacConfig, BackwardCompatibleSbrAndPsSignalling) {
  const ByteVec asc =
      testing::bitsToBytes({},
                           "00010 0110 0010 000"  // LC, 24000, stereo, GASpecificConfig
                           "01010110111 00101 1"  // sync extension 0x2B7, AOT 5, sbrPresentFlag 1
                           "0011"                 // extensionSamplingFrequencyIndex 3 (48000)
                           "10101001000 1");      // sync extension 0x548, psPresentFlag 1
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 2);
  EXPECT_TRUE(c->sbr);
  EXPECT_TRUE(c->ps);
  EXPECT_EQ(c->outputSampleRate(), 48000u);
  EXPECT_STREQ(aacProfileName(*c), "HE-AACv2");
}

TEST(AacConfig, EscapedObjectTypeAndExplicitFrequency) {
  // 11111 001010 (AOT 31 → 32 + 10 = 42, USAC) 1111 (explicit) 24-bit 48000, 0001 (mono)
  const ByteVec asc = testing::bitsToBytes({}, "11111 001010 1111 000000001011101110000000 0001");
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 42);
  EXPECT_EQ(c->samplingFrequencyIndex, 15);
  EXPECT_EQ(c->sampleRate, 48000u);
  EXPECT_EQ(c->channels, 1);
  EXPECT_STREQ(aacProfileName(*c), "USAC");
}

TEST(AacConfig, SevenPointOneAnd960SampleFrames) {
  // LC, 48000, channelConfiguration 7 (8 channels), frameLengthFlag 1
  const ByteVec asc = testing::bitsToBytes({}, "00010 0011 0111 1 0 0");
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->channels, 8);
  EXPECT_TRUE(c->frameLength960);
}

TEST(AacConfig, ErLowDelayReadsExtensionFlagsAndEpConfig) {
  // AOT 23 (LD), 48000, stereo; GASpecificConfig with extensionFlag: 3 resilience
  // flags + extensionFlag3; epConfig 0.
  const ByteVec asc = testing::bitsToBytes({}, "10111 0011 0010 0 0 1 000 0 00");
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->objectType, 23);
  EXPECT_STREQ(aacProfileName(*c), "LD");
}

TEST(AacConfig, ProgramConfigElementChannelsAreUnknown) {
  const ByteVec asc = {0x12, 0x00};  // LC, 44100, channelConfiguration 0
  auto c = parseAacConfig(asc);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->channelConfiguration, 0);
  EXPECT_EQ(c->channels, 0);
}

TEST(AacConfig, TruncationAtEveryFieldIsAnError) {
  for (const ByteVec& asc : {ByteVec{0x12, 0x10}, ByteVec{0x2B, 0x11, 0x88}}) {
    for (size_t n = 0; n < asc.size(); ++n) {
      auto c = parseAacConfig(std::span<const uint8_t>(asc.data(), n));
      ASSERT_FALSE(c.ok()) << n;
      EXPECT_EQ(c.error().code(), ErrorCode::kTruncated) << n;
    }
  }
  // Cut inside the 24-bit explicit frequency.
  const ByteVec explicitRate = {0x17, 0x80, 0x00};
  EXPECT_EQ(parseAacConfig(explicitRate).error().code(), ErrorCode::kTruncated);
}

TEST(AacConfig, RejectsNullObjectTypeAndReservedFrequencyIndex) {
  EXPECT_EQ(parseAacConfig(ByteVec{0x00, 0x10}).error().code(), ErrorCode::kMalformed);
  // AOT 2, index 13 (reserved)
  EXPECT_EQ(parseAacConfig(testing::bitsToBytes({}, "00010 1101 0010 000")).error().code(),
            ErrorCode::kMalformed);
}

TEST(AacConfig, SampleRateTable) {
  EXPECT_EQ(aacSampleRateFromIndex(0), 96000u);
  EXPECT_EQ(aacSampleRateFromIndex(3), 48000u);
  EXPECT_EQ(aacSampleRateFromIndex(12), 7350u);
  EXPECT_EQ(aacSampleRateFromIndex(13), 0u);
}

}  // namespace
}  // namespace rtmp::media
