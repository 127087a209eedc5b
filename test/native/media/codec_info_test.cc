#include "media/codec_info.h"

#include <gtest/gtest.h>

#include "media/media_test_vectors.h"

namespace rtmp::media {
namespace {

using base::Bytes;
using base::ErrorCode;
using testing::ByteVec;
using testing::concat;

MediaPacket packet(uint8_t type, const ByteVec& payload) {
  auto p = makeMediaPacket(type, 0, Bytes::copyOf(payload));
  EXPECT_TRUE(p.ok()) << p.error().toString();
  return std::move(p).value();
}

MediaPacket video(const ByteVec& payload) {
  return packet(kMessageTypeVideo, payload);
}
MediaPacket audio(const ByteVec& payload) {
  return packet(kMessageTypeAudio, payload);
}

TEST(CodecInfo, H264SequenceHeader) {
  CodecInfoTracker tracker;
  // key | AVC, sequence header, CTS 0, then the record
  EXPECT_TRUE(tracker.observe(video(concat({{0x17, 0x00, 0, 0, 0}, testing::kAvcRecord720}))));
  ASSERT_TRUE(tracker.video().has_value());
  const VideoCodecInfo& v = *tracker.video();
  EXPECT_EQ(v.codec, Codec::kH264);
  EXPECT_EQ(v.codecName, "H264");
  EXPECT_EQ(v.width, 1280u);
  EXPECT_EQ(v.height, 720u);
  EXPECT_DOUBLE_EQ(v.fps, 30.0);
  EXPECT_EQ(v.profile, "High");
  EXPECT_EQ(v.level, "3.1");
  EXPECT_EQ(v.bitDepth, 8);
  EXPECT_EQ(v.chromaFormat, 1);
  EXPECT_FALSE(tracker.lastError().has_value());
}

TEST(CodecInfo, EnhancedHevcSequenceStart) {
  CodecInfoTracker tracker;
  EXPECT_TRUE(
      tracker.observe(video(concat({{0x90, 'h', 'v', 'c', '1'}, testing::kHevcRecord720}))));
  const VideoCodecInfo& v = *tracker.video();
  EXPECT_EQ(v.codecName, "HEVC");
  EXPECT_EQ(v.width, 1280u);
  EXPECT_EQ(v.height, 720u);
  EXPECT_DOUBLE_EQ(v.fps, 30.0);
  EXPECT_EQ(v.profile, "Main");
  EXPECT_EQ(v.level, "3.1");
}

TEST(CodecInfo, EnhancedAv1SequenceStart) {
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(video(concat({{0x90, 'a', 'v', '0', '1'}, testing::kAomAv1C}))));
  const VideoCodecInfo& v = *tracker.video();
  EXPECT_EQ(v.codecName, "AV1");
  EXPECT_EQ(v.width, 640u);
  EXPECT_EQ(v.height, 360u);
  EXPECT_DOUBLE_EQ(v.fps, 0.0);  // libaom writes no timing info
  EXPECT_EQ(v.profile, "Main");
  EXPECT_EQ(v.level, "2.1");
  EXPECT_EQ(v.chromaFormat, 1);
}

TEST(CodecInfo, Vp9RecordWithFullBoxHeader) {
  const ByteVec record = {
      0x01, 0x00, 0x00, 0x00,  // vpcC FullBox: version 1, flags 0 (as FFmpeg writes it)
      0x00,                    // profile 0
      0x1F,                    // level 31 (3.1)
      0x82,                    // bitDepth 8 | chromaSubsampling 1 (4:2:0) | full range 0
      0x01, 0x01, 0x01,        // BT.709 primaries / transfer / matrix
      0x00, 0x00,              // codecInitializationDataSize 0
  };
  auto v = describeVideoConfig(Codec::kVp9, record);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(v->profile, "Profile 0");
  EXPECT_EQ(v->level, "3.1");
  EXPECT_EQ(v->bitDepth, 8);
  EXPECT_EQ(v->chromaFormat, 1);
}

TEST(CodecInfo, AacLcAndHeAac) {
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(audio({0xAF, 0x00, 0x12, 0x10})));
  EXPECT_EQ(tracker.audio()->codecName, "AAC");
  EXPECT_EQ(tracker.audio()->sampleRate, 44100u);
  EXPECT_EQ(tracker.audio()->channels, 2);
  EXPECT_EQ(tracker.audio()->profile, "LC");
  // A new sequence header mid-stream (encoder reconfigured) updates the summary.
  EXPECT_TRUE(tracker.observe(audio({0xAF, 0x00, 0x2B, 0x11, 0x88, 0x00})));
  EXPECT_EQ(tracker.audio()->sampleRate, 48000u);
  EXPECT_EQ(tracker.audio()->profile, "HE-AAC");
}

TEST(CodecInfo, EnhancedOpusHead) {
  const ByteVec tag = {
      0x90, 'O',  'p',  'u',  's',                 // ExHeader SequenceStart, FourCC
      'O',  'p',  'u',  's',  'H', 'e', 'a', 'd',  // magic
      0x01,                                        // version
      0x02,                                        // channel count
      0x38, 0x01,                                  // pre-skip 312 (LE)
      0x80, 0xBB, 0x00, 0x00,                      // input rate 48000 (LE)
      0x00, 0x00,                                  // output gain
      0x00,                                        // mapping family 0
  };
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(audio(tag)));
  EXPECT_EQ(tracker.audio()->codecName, "Opus");
  EXPECT_EQ(tracker.audio()->sampleRate, 48000u);
  EXPECT_EQ(tracker.audio()->channels, 2);
}

TEST(CodecInfo, FlacStreamInfo) {
  const ByteVec streamInfo = concat({
      {'f',  'L',  'a',  'C',               // stream marker
       0x80, 0x00, 0x00, 0x22,              // last block, type 0 STREAMINFO, length 34
       0x10, 0x00, 0x10, 0x00,              // min/max block size 4096
       0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // min/max frame size unknown
       0x0B, 0xB8,                          // sample rate (20 bits) 48000 = 0x0BB80 ...
       0x02,                                // ... rate low nibble 0 | channels-1 1 | bps-1 bit 4
       0xF0,                                // bps-1 low bits 1111 (16-bit) | samples high
       0x00, 0x00, 0x00, 0x00},             // total samples
      ByteVec(16, 0x00),                    // MD5 of the unencoded audio
  });
  auto a = describeAudioConfig(Codec::kFlac, streamInfo);
  ASSERT_TRUE(a.ok()) << a.error().toString();
  EXPECT_EQ(a->sampleRate, 48000u);
  EXPECT_EQ(a->channels, 2);
}

TEST(CodecInfo, BareFlacStreamInfo) {
  // Without marker and block header: the 34-byte STREAMINFO alone.
  ByteVec bare(34, 0x00);
  bare[1] = 0x10;   // min block size 16
  bare[10] = 0x0A;  // sample rate 44100 = 0x0AC44: bytes 0A C4 4(x)
  bare[11] = 0xC4;
  bare[12] = 0x40;  // rate low nibble 4 | channels-1 0 | bps-1 high bit 0
  auto a = describeAudioConfig(Codec::kFlac, bare);
  ASSERT_TRUE(a.ok()) << a.error().toString();
  EXPECT_EQ(a->sampleRate, 44100u);
  EXPECT_EQ(a->channels, 1);
}

TEST(CodecInfo, LegacyAudioWithoutSequenceHeader) {
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(audio({0x2F, 0xFF, 0xFB})));  // MP3 44 kHz stereo
  EXPECT_EQ(tracker.audio()->codecName, "MP3");
  EXPECT_EQ(tracker.audio()->sampleRate, 44100u);
  EXPECT_EQ(tracker.audio()->channels, 2);
  EXPECT_FALSE(tracker.observe(audio({0x2F, 0xFF, 0xFB})));  // nothing new

  CodecInfoTracker speex;
  EXPECT_TRUE(speex.observe(audio({0xB2, 0x00})));
  EXPECT_EQ(speex.audio()->sampleRate, 16000u);
  EXPECT_EQ(speex.audio()->channels, 1);
}

TEST(CodecInfo, RepeatedSequenceHeaderIsNotAChange) {
  CodecInfoTracker tracker;
  const ByteVec tag = concat({{0x17, 0x00, 0, 0, 0}, testing::kAvcRecord720});
  EXPECT_TRUE(tracker.observe(video(tag)));
  EXPECT_FALSE(tracker.observe(video(tag)));
  EXPECT_FALSE(tracker.observe(video({0x27, 0x01, 0, 0, 0})));  // frames change nothing
}

TEST(CodecInfo, BrokenSpsStillNamesTheCodec) {
  const ByteVec record = {0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00,
                          0x02, 0x67, 0x64, 0x01, 0x00, 0x01, 0x68};  // SPS cut after profile_idc
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(video(concat({{0x17, 0x00, 0, 0, 0}, record}))));
  EXPECT_EQ(tracker.video()->codecName, "H264");
  EXPECT_EQ(tracker.video()->width, 0u);
  ASSERT_TRUE(tracker.lastError().has_value());
  EXPECT_EQ(tracker.lastError()->code(), ErrorCode::kTruncated);
}

TEST(CodecInfo, CodecWithoutSequenceHeaderIsNamedFromFrames) {
  CodecInfoTracker tracker;
  EXPECT_TRUE(tracker.observe(video({0x12, 0x00})));  // Sorenson H.263 keyframe
  EXPECT_EQ(tracker.video()->codecName, "H263");
}

TEST(CodecInfo, DataCommandAndMetadataAreIgnored) {
  CodecInfoTracker tracker;
  EXPECT_FALSE(tracker.observe(packet(kMessageTypeDataAmf0, {0x02, 0x00, 0x00})));
  EXPECT_FALSE(tracker.observe(video({0x57, 0x00})));                      // command frame
  EXPECT_FALSE(tracker.observe(video({0x84, 'h', 'v', 'c', '1', 0x02})));  // metadata
  EXPECT_FALSE(tracker.video().has_value());
}

TEST(CodecInfo, UnsupportedConfigParsers) {
  EXPECT_EQ(describeVideoConfig(Codec::kVp8, ByteVec{0x00}).error().code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(describeAudioConfig(Codec::kAc3, ByteVec{0x00}).error().code(),
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace rtmp::media
