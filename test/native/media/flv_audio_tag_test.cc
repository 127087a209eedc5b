// FLV audio tag headers: legacy (Adobe FLV v10.1 E.4.2.1) and Enhanced RTMP v2.
#include <gtest/gtest.h>

#include <vector>

#include "media/flv_tag.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using Bytes = std::vector<uint8_t>;

TEST(FlvAudioTag, AacSequenceHeader) {
  const Bytes tag = {
      0xAF,        // SoundFormat 10 (AAC) | SoundRate 3 (44 kHz) | 16-bit | stereo
      0x00,        // AACPacketType 0: sequence header
      0x12, 0x10,  // AudioSpecificConfig
  };
  auto info = parseAudioTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->codec, Codec::kAac);
  EXPECT_EQ(info->soundFormat, 10);
  EXPECT_EQ(info->soundRate, 3);
  EXPECT_EQ(info->soundSize, 1);
  EXPECT_EQ(info->soundType, 1);
  EXPECT_TRUE(info->sequenceHeader);
  EXPECT_EQ(info->headerSize, 2u);
  EXPECT_EQ(info->payloadSize, 2u);
}

TEST(FlvAudioTag, AacRawFrame) {
  auto info = parseAudioTag(Bytes{0xAF, 0x01, 0x21, 0x4C});
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->sequenceHeader);
  EXPECT_EQ(info->packetType, AudioPacketType::kCodedFrames);
  EXPECT_EQ(info->headerSize, 2u);
}

TEST(FlvAudioTag, UnknownAacPacketTypeIsAnError) {
  EXPECT_EQ(parseAudioTag(Bytes{0xAF, 0x02}).error().code(), ErrorCode::kMedia);
  EXPECT_EQ(parseAudioTag(Bytes{0xAF}).error().code(), ErrorCode::kTruncated);
}

TEST(FlvAudioTag, LegacyFormatsHaveAOneByteHeader) {
  auto mp3 = parseAudioTag(Bytes{0x2F, 0xFF, 0xFB});  // MP3, 44 kHz, 16-bit, stereo
  ASSERT_TRUE(mp3.ok());
  EXPECT_EQ(mp3->codec, Codec::kMp3);
  EXPECT_EQ(mp3->headerSize, 1u);
  EXPECT_EQ(mp3->payloadSize, 2u);

  auto speex = parseAudioTag(Bytes{0xB2});  // Speex, 5.5 kHz flag, 16-bit, mono
  ASSERT_TRUE(speex.ok());
  EXPECT_EQ(speex->codec, Codec::kSpeex);
  EXPECT_EQ(speex->soundType, 0);

  EXPECT_EQ(parseAudioTag(Bytes{0x72})->codec, Codec::kG711ALaw);
  EXPECT_EQ(parseAudioTag(Bytes{0x82})->codec, Codec::kG711MuLaw);
  EXPECT_EQ(parseAudioTag(Bytes{0xC2})->codec, Codec::kUnknown);  // 12: reserved
}

TEST(FlvAudioTag, EmptyMessageIsSilence) {
  auto info = parseAudioTag(Bytes{});
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->silence);
  EXPECT_FALSE(info->isMedia());
  EXPECT_EQ(info->codec, Codec::kUnknown);
}

TEST(FlvAudioTag, EnhancedOpusSequenceStart) {
  const Bytes tag = {
      0x90,                 // SoundFormat 9 (ExHeader) | AudioPacketType 0 SequenceStart
      'O',  'p', 'u', 's',  // FourCC
      'O',  'p', 'u', 's', 'H', 'e', 'a', 'd',  // OpusHead begins
  };
  auto info = parseAudioTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_TRUE(info->enhanced);
  EXPECT_EQ(info->codec, Codec::kOpus);
  EXPECT_TRUE(info->sequenceHeader);
  EXPECT_EQ(info->headerSize, 5u);
  EXPECT_EQ(info->payloadSize, 8u);
}

TEST(FlvAudioTag, EnhancedFourCcs) {
  const struct {
    const char* fourcc;
    Codec codec;
  } cases[] = {{"fLaC", Codec::kFlac}, {"ac-3", Codec::kAc3}, {"ec-3", Codec::kEac3},
               {"mp4a", Codec::kAac},  {".mp3", Codec::kMp3}, {"abcd", Codec::kUnknown}};
  for (const auto& c : cases) {
    const Bytes tag = {0x91,
                       uint8_t(c.fourcc[0]),
                       uint8_t(c.fourcc[1]),
                       uint8_t(c.fourcc[2]),
                       uint8_t(c.fourcc[3]),
                       0x00};
    auto info = parseAudioTag(tag);
    ASSERT_TRUE(info.ok()) << c.fourcc;
    EXPECT_EQ(info->codec, c.codec) << c.fourcc;
    EXPECT_EQ(info->packetType, AudioPacketType::kCodedFrames);
  }
}

TEST(FlvAudioTag, EnhancedSequenceEndAndMultichannelConfig) {
  auto end = parseAudioTag(Bytes{0x92, 'O', 'p', 'u', 's'});
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->endOfSequence);
  auto mc = parseAudioTag(Bytes{0x94, 'O', 'p', 'u', 's', 0x01, 0x02, 0, 0, 0, 3});
  ASSERT_TRUE(mc.ok());
  EXPECT_EQ(mc->packetType, AudioPacketType::kMultichannelConfig);
  EXPECT_FALSE(mc->sequenceHeader);
}

TEST(FlvAudioTag, EnhancedModExTimestampOffsetNano) {
  const Bytes tag = {
      0x97,              // ExHeader | ModEx
      0x02,              // 3 bytes of ModEx data
      0x00, 0x00, 0x64,  // 100 ns
      0x01,              // TimestampOffsetNano | CodedFrames
      'm',  'p',  '4',  'a', 0xAA,
  };
  auto info = parseAudioTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->timestampOffsetNanos, 100u);
  EXPECT_EQ(info->codec, Codec::kAac);
  EXPECT_EQ(info->headerSize, 10u);
}

TEST(FlvAudioTag, EnhancedMultitrack) {
  const Bytes tag = {
      0x95,                   // ExHeader | Multitrack
      0x11,                   // ManyTracks | CodedFrames
      'O',  'p',  'u',  's',  // shared FourCC
      0x00,                   // track 0
      0x00, 0x00, 0x02,       // size 2
      0xAA, 0xBB,
  };
  auto info = parseAudioTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_TRUE(info->multitrack);
  EXPECT_EQ(info->codec, Codec::kOpus);
  EXPECT_EQ(info->headerSize, 10u);
  EXPECT_EQ(info->payloadSize, 2u);
  EXPECT_EQ(parseAudioTag(Bytes{0x95, 0x05}).error().code(), ErrorCode::kMedia);
}

TEST(FlvAudioTag, UnknownEnhancedPacketTypeIsAnError) {
  EXPECT_EQ(parseAudioTag(Bytes{0x93, 'O', 'p', 'u', 's'}).error().code(), ErrorCode::kMedia);
}

TEST(FlvAudioTag, EnhancedTruncationAtEveryField) {
  const Bytes tag = {0x97, 0x02, 0x00, 0x00, 0x64, 0x05, 0x11, 'O',
                     'p',  'u',  's',  0x00, 0x00, 0x00, 0x01, 0xAA};
  ASSERT_TRUE(parseAudioTag(tag).ok());
  for (size_t n = 1; n < tag.size(); ++n) {
    auto info = parseAudioTag(std::span<const uint8_t>(tag.data(), n));
    ASSERT_FALSE(info.ok()) << n;
    EXPECT_EQ(info.error().code(), ErrorCode::kTruncated) << n;
  }
}

}  // namespace
}  // namespace rtmp::media
