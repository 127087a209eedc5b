// FLV video tag headers: legacy (Adobe FLV v10.1 E.4.3.1) and Enhanced RTMP.
#include <gtest/gtest.h>

#include <vector>

#include "media/flv_tag.h"

namespace rtmp::media {
namespace {

using base::ErrorCode;
using Bytes = std::vector<uint8_t>;

// ---- legacy ----------------------------------------------------------------

TEST(FlvVideoTag, AvcSequenceHeader) {
  const Bytes tag = {
      0x17,              // FrameType 1 (key) | CodecID 7 (AVC)
      0x00,              // AVCPacketType 0: sequence header
      0x00, 0x00, 0x05,  // CompositionTime (ignored: not a NALU packet)
      0x01, 0x64,        // AVCDecoderConfigurationRecord starts here
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->codec, Codec::kH264);
  EXPECT_FALSE(info->enhanced);
  EXPECT_EQ(info->legacyCodecId, 7);
  EXPECT_TRUE(info->sequenceHeader);
  EXPECT_FALSE(info->keyframe);  // a configuration record is not a picture
  EXPECT_EQ(info->compositionTimeOffset, 0);
  EXPECT_EQ(info->headerSize, 5u);
  EXPECT_EQ(info->payloadSize, 2u);
  EXPECT_TRUE(info->isMedia());
}

TEST(FlvVideoTag, AvcKeyframeWithCompositionTime) {
  const Bytes tag = {0x17, 0x01, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x01, 0x65};
  //                 key|AVC NALU  CTS +33 ms    AVCC: length 1, IDR slice header byte
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->keyframe);
  EXPECT_EQ(info->packetType, VideoPacketType::kCodedFrames);
  EXPECT_EQ(info->compositionTimeOffset, 33);
  EXPECT_EQ(info->headerSize, 5u);
  EXPECT_EQ(info->payloadSize, 5u);
}

TEST(FlvVideoTag, AvcInterFrameWithNegativeCompositionTime) {
  const Bytes tag = {0x27, 0x01, 0xFF, 0xFF, 0xDF};  // inter | AVC, NALU, CTS -33
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(info->frameType, VideoFrameType::kInterFrame);
  EXPECT_EQ(info->compositionTimeOffset, -33);
}

TEST(FlvVideoTag, AvcEndOfSequence) {
  const Bytes tag = {0x17, 0x02, 0x00, 0x00, 0x00};
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->endOfSequence);
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(info->payloadSize, 0u);
}

TEST(FlvVideoTag, UnknownAvcPacketTypeIsAnError) {
  const Bytes tag = {0x17, 0x03, 0x00, 0x00, 0x00};
  EXPECT_EQ(parseVideoTag(tag).error().code(), ErrorCode::kMedia);
}

TEST(FlvVideoTag, LegacyHevcCodecId12UsesTheAvcLayout) {
  const Bytes tag = {0x1C, 0x01, 0x00, 0x00, 0x10};  // key | codec 12, NALU, CTS 16
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kHevc);
  EXPECT_TRUE(info->keyframe);
  EXPECT_EQ(info->compositionTimeOffset, 16);
}

TEST(FlvVideoTag, OlderCodecsHaveAOneByteHeader) {
  const Bytes vp6 = {0x14, 0x00, 0xAA};  // key | VP6; the VP6 adjustment byte is payload
  auto info = parseVideoTag(vp6);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kVp6);
  EXPECT_TRUE(info->keyframe);
  EXPECT_EQ(info->headerSize, 1u);
  EXPECT_EQ(info->payloadSize, 2u);

  const Bytes h263 = {0x32};  // disposable inter | Sorenson H.263
  info = parseVideoTag(h263);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kSorensonH263);
  EXPECT_FALSE(info->keyframe);
}

TEST(FlvVideoTag, UnknownLegacyCodecIsPassedThrough) {
  const Bytes tag = {0x19, 0x01, 0x02};  // codec id 9: not defined
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kUnknown);
  EXPECT_EQ(info->legacyCodecId, 9);
  EXPECT_EQ(info->headerSize, 1u);
}

TEST(FlvVideoTag, CommandFrameIsNotMedia) {
  const Bytes tag = {0x57, 0x01};  // FrameType 5 | AVC, command 1 (end of seek)
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->command);
  EXPECT_EQ(info->commandByte, 1);
  EXPECT_FALSE(info->isMedia());
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(parseVideoTag(Bytes{0x57}).error().code(), ErrorCode::kTruncated);
}

TEST(FlvVideoTag, ReservedFrameTypesAreErrors) {
  for (uint8_t frameType : {0, 6, 7}) {
    const Bytes tag = {static_cast<uint8_t>((frameType << 4) | 7), 0x01, 0, 0, 0};
    EXPECT_EQ(parseVideoTag(tag).error().code(), ErrorCode::kMedia) << int(frameType);
  }
}

TEST(FlvVideoTag, LegacyTruncationAtEveryField) {
  const Bytes tag = {0x17, 0x01, 0x00, 0x00, 0x21};
  for (size_t n = 0; n < tag.size(); ++n) {
    auto info = parseVideoTag(std::span<const uint8_t>(tag.data(), n));
    ASSERT_FALSE(info.ok()) << n;
    EXPECT_EQ(info.error().code(), ErrorCode::kTruncated) << n;
  }
}

// ---- enhanced --------------------------------------------------------------

TEST(FlvVideoTag, EnhancedHevcSequenceStart) {
  const Bytes tag = {
      0x90,                 // IsExHeader 1 | FrameType 1 (key) | PacketType 0 SequenceStart
      'h',  'v', 'c', '1',  // FourCC
      0x01,                 // HEVCDecoderConfigurationRecord starts here
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_TRUE(info->enhanced);
  EXPECT_EQ(info->codec, Codec::kHevc);
  EXPECT_EQ(info->fourcc, kFourCcHevc);
  EXPECT_TRUE(info->sequenceHeader);
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(info->headerSize, 5u);
  EXPECT_EQ(info->payloadSize, 1u);
}

TEST(FlvVideoTag, EnhancedHevcCodedFramesCarryCompositionTime) {
  const Bytes tag = {0x91, 'h', 'v', 'c', '1', 0x00, 0x00, 0x21, 0xAB};
  //                 key, CodedFrames  FourCC    CTS +33           payload
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->keyframe);
  EXPECT_EQ(info->compositionTimeOffset, 33);
  EXPECT_EQ(info->headerSize, 8u);
  EXPECT_EQ(info->payloadSize, 1u);
}

TEST(FlvVideoTag, EnhancedAvcCodedFramesCarryCompositionTime) {
  const Bytes tag = {0xA1, 'a', 'v', 'c', '1', 0xFF, 0xFF, 0xFE};  // inter, CTS -2
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kH264);
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(info->compositionTimeOffset, -2);
}

TEST(FlvVideoTag, CodedFramesXImpliesZeroCompositionTime) {
  const Bytes tag = {0xA3, 'h', 'v', 'c', '1', 0xAB};  // inter, CodedFramesX, payload
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->packetType, VideoPacketType::kCodedFramesX);
  EXPECT_EQ(info->compositionTimeOffset, 0);
  EXPECT_EQ(info->headerSize, 5u);
}

TEST(FlvVideoTag, Av1AndVp9CodedFramesHaveNoCompositionTime) {
  for (const char* fourcc : {"av01", "vp09"}) {
    const Bytes tag = {
        0x91, uint8_t(fourcc[0]), uint8_t(fourcc[1]), uint8_t(fourcc[2]), uint8_t(fourcc[3]), 0x12,
        0x00};
    auto info = parseVideoTag(tag);
    ASSERT_TRUE(info.ok()) << fourcc;
    EXPECT_TRUE(info->keyframe);
    EXPECT_EQ(info->headerSize, 5u) << fourcc;
  }
  EXPECT_EQ(parseVideoTag(Bytes{0x91, 'a', 'v', '0', '1'})->codec, Codec::kAv1);
  EXPECT_EQ(parseVideoTag(Bytes{0x91, 'v', 'p', '0', '9'})->codec, Codec::kVp9);
}

TEST(FlvVideoTag, EnhancedSequenceEndAndMpeg2TsSequenceStart) {
  auto end = parseVideoTag(Bytes{0x92, 'v', 'p', '0', '9'});
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->endOfSequence);
  auto ts = parseVideoTag(Bytes{0x95, 'a', 'v', '0', '1', 0x80});
  ASSERT_TRUE(ts.ok());
  EXPECT_TRUE(ts->sequenceHeader);
  EXPECT_EQ(ts->packetType, VideoPacketType::kMpeg2TsSequenceStart);
}

TEST(FlvVideoTag, MetadataIgnoresFrameTypeAndIsNotMedia) {
  const Bytes tag = {0x84, 'h', 'v', 'c', '1', 0x02};  // FrameType 0, Metadata, AMF follows
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_TRUE(info->metadata);
  EXPECT_FALSE(info->isMedia());
  EXPECT_FALSE(info->keyframe);
  EXPECT_EQ(info->headerSize, 5u);
}

TEST(FlvVideoTag, EnhancedCommandFrameHasNoFourCc) {
  const Bytes tag = {0xD1, 0x00};  // IsExHeader | FrameType 5 | CodedFrames, command 0
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->command);
  EXPECT_EQ(info->fourcc, 0u);
  EXPECT_FALSE(info->isMedia());
}

TEST(FlvVideoTag, ModExTimestampOffsetNano) {
  const Bytes tag = {
      0x97,              // key | PacketType 7 ModEx
      0x02,              // modExDataSize - 1 = 2 → 3 bytes
      0x01, 0x86, 0xA0,  // TimestampOffsetNano 100000 ns
      0x01,              // ModExType 0 (TimestampOffsetNano) | PacketType 1 CodedFrames
      'a',  'v',  'c',  '1', 0x00, 0x00, 0x00,  // CTS 0
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->timestampOffsetNanos, 100000u);
  EXPECT_EQ(info->packetType, VideoPacketType::kCodedFrames);
  EXPECT_TRUE(info->keyframe);
  EXPECT_EQ(info->headerSize, tag.size());
}

TEST(FlvVideoTag, ModExWithSixteenBitSize) {
  Bytes tag = {0x97, 0xFF, 0x01, 0x00};  // size byte 255 → UI16 0x0100 + 1 = 257 bytes
  tag.insert(tag.end(), 257, 0x00);
  tag.insert(tag.end(), {0x03, 'h', 'v', 'c', '1'});  // then CodedFramesX
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->packetType, VideoPacketType::kCodedFramesX);
  EXPECT_EQ(info->headerSize, tag.size());
}

TEST(FlvVideoTag, MultitrackOneTrack) {
  const Bytes tag = {
      0x96,                   // key | PacketType 6 Multitrack
      0x01,                   // AvMultitrackType 0 OneTrack | PacketType 1 CodedFrames
      'h',  'v',  'c',  '1',  // shared FourCC
      0x00,                   // trackId 0
      0x00, 0x00, 0x00,       // CTS 0
      0xAA,                   // payload
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_TRUE(info->multitrack);
  EXPECT_EQ(info->multitrackType, MultitrackType::kOneTrack);
  EXPECT_EQ(info->codec, Codec::kHevc);
  EXPECT_EQ(info->headerSize, 10u);
  EXPECT_EQ(info->payloadSize, 1u);
}

TEST(FlvVideoTag, MultitrackManyTracksDescribesTheFirstTrack) {
  const Bytes tag = {
      0x96, 0x11,             // ManyTracks | CodedFrames
      'a',  'v',  '0',  '1',  // shared FourCC
      0x01,                   // track 1
      0x00, 0x00, 0x03,       // sizeOfVideoTrack 3
      0xAA, 0xBB, 0xCC,       // track 1 payload
      0x02,                   // track 2
      0x00, 0x00, 0x01,       // size 1
      0xDD,
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->trackId, 1);
  EXPECT_EQ(info->headerSize, 10u);
  EXPECT_EQ(info->payloadSize, 3u);
}

TEST(FlvVideoTag, MultitrackManyCodecsReadsTheFourCcPerTrack) {
  const Bytes tag = {
      0x96, 0x20,                    // ManyTracksManyCodecs | SequenceStart
      'h',  'v',  'c',  '1',  0x00,  // track 0 is HEVC
      0x00, 0x00, 0x01, 0x01,        // size 1, payload
  };
  auto info = parseVideoTag(tag);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(info->codec, Codec::kHevc);
  EXPECT_TRUE(info->sequenceHeader);
  EXPECT_EQ(info->payloadSize, 1u);
}

TEST(FlvVideoTag, MultitrackErrors) {
  EXPECT_EQ(parseVideoTag(Bytes{0x96, 0x06}).error().code(), ErrorCode::kMedia);  // nested
  EXPECT_EQ(parseVideoTag(Bytes{0x96, 0x31}).error().code(), ErrorCode::kMedia);  // type 3
  const Bytes tooLong = {0x96, 0x13, 'a', 'v', '0', '1', 0x01, 0x00, 0x00, 0x09, 0xAA};
  EXPECT_EQ(parseVideoTag(tooLong).error().code(), ErrorCode::kTruncated);
  // CTS does not fit in the declared track size.
  const Bytes ctsOutside = {0x96, 0x11, 'h', 'v', 'c', '1', 0x01, 0x00, 0x00, 0x01, 0, 0, 0};
  EXPECT_EQ(parseVideoTag(ctsOutside).error().code(), ErrorCode::kTruncated);
}

TEST(FlvVideoTag, UnknownPacketTypeIsAnError) {
  EXPECT_EQ(parseVideoTag(Bytes{0x98, 'h', 'v', 'c', '1'}).error().code(), ErrorCode::kMedia);
}

TEST(FlvVideoTag, UnknownFourCcIsPassedThrough) {
  auto info = parseVideoTag(Bytes{0x91, 'x', 'y', 'z', 'w', 0x00});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->codec, Codec::kUnknown);
  EXPECT_EQ(fourCcToString(info->fourcc), "xyzw");
}

TEST(FlvVideoTag, EnhancedTruncationAtEveryField) {
  const Bytes tag = {0x97, 0x02, 0x01, 0x86, 0xA0, 0x06,  // ModEx → Multitrack
                     0x11, 'h',  'v',  'c',  '1',         // ManyTracks, CodedFrames
                     0x01, 0x00, 0x00, 0x04,              // track 1, size 4
                     0x00, 0x00, 0x21, 0xAA};             // CTS, payload
  ASSERT_TRUE(parseVideoTag(tag).ok());
  for (size_t n = 0; n + 1 < tag.size(); ++n) {
    auto info = parseVideoTag(std::span<const uint8_t>(tag.data(), n));
    ASSERT_FALSE(info.ok()) << n;
    EXPECT_EQ(info.error().code(), ErrorCode::kTruncated) << n;
  }
}

}  // namespace
}  // namespace rtmp::media
