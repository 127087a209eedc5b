// CodecTracker: the codec summary from sequence headers (authoritative) and
// onMetaData (fills what the bitstream does not say).
#include "server/codec_tracker.h"

#include <gtest/gtest.h>

#include "flv_samples.h"
#include "media/media_packet.h"
#include "protocol/amf_value.h"
#include "protocol/command.h"

namespace rtmp::server::testing {
namespace {

using protocol::AmfValue;

media::MediaPacket packet(uint8_t type, const ByteVec& body) {
  auto p = media::makeMediaPacket(type, 0, base::Bytes::copyOf(body));
  EXPECT_TRUE(p.ok());
  return *p;
}

// "onMetaData", {...} as a data payload.
base::Bytes onMetaData(AmfValue meta) {
  protocol::DataMessage d{"onMetaData", {std::move(meta)}};
  auto m = protocol::encodeData(d, 5, 1);
  EXPECT_TRUE(m.ok());
  return m->payload;
}

TEST(CodecTrackerTest, RecognisesOnMetaData) {
  EXPECT_TRUE(CodecTracker::isOnMetaData(onMetaData(AmfValue::ecmaArray({}))));
  protocol::DataMessage other{"onTextData", {}};
  EXPECT_FALSE(CodecTracker::isOnMetaData(protocol::encodeData(other, 5, 1)->payload));
  EXPECT_FALSE(CodecTracker::isOnMetaData(base::Bytes()));
}

TEST(CodecTrackerTest, SequenceHeadersGiveCodecAndDimensions) {
  CodecTracker t;
  EXPECT_TRUE(t.onSequenceHeader(packet(9, avcSequenceHeader())));
  EXPECT_TRUE(t.onSequenceHeader(packet(8, aacSequenceHeader())));
  EXPECT_EQ(t.summary().videoCodec, "H264");
  EXPECT_EQ(t.summary().width, 1280u);
  EXPECT_EQ(t.summary().height, 720u);
  EXPECT_EQ(t.summary().audioCodec, "AAC");
  EXPECT_EQ(t.summary().audioSampleRate, 44100u);
  EXPECT_EQ(t.summary().audioChannels, 2u);
  EXPECT_FALSE(t.onSequenceHeader(packet(9, avcSequenceHeader())));  // the same again
}

TEST(CodecTrackerTest, MetadataFillsBitratesAndBitstreamWinsDimensions) {
  CodecTracker t;
  EXPECT_TRUE(
      t.onMetadata(onMetaData(AmfValue::ecmaArray({{"width", AmfValue::number(640)},
                                                   {"height", AmfValue::number(360)},
                                                   {"videodatarate", AmfValue::number(2500)},
                                                   {"audiodatarate", AmfValue::number(128)},
                                                   {"stereo", AmfValue::boolean(false)}}))));
  EXPECT_EQ(t.summary().width, 640u);
  EXPECT_EQ(t.summary().videoBitrateKbps, 2500);
  EXPECT_EQ(t.summary().audioChannels, 1u);
  t.onSequenceHeader(packet(9, avcSequenceHeader()));
  EXPECT_EQ(t.summary().width, 1280u);
  EXPECT_EQ(t.summary().videoBitrateKbps, 2500);
}

TEST(CodecTrackerTest, MetadataEncoderIsKeptBoundedAndReportedAsAChange) {
  CodecTracker t;
  EXPECT_TRUE(t.onMetadata(
      onMetaData(AmfValue::ecmaArray({{"encoder", AmfValue::string("Lavf59.27.100")}}))));
  EXPECT_EQ(t.summary().encoder, "Lavf59.27.100");
  // The same metadata again is no change; a different encoder is.
  EXPECT_FALSE(t.onMetadata(
      onMetaData(AmfValue::ecmaArray({{"encoder", AmfValue::string("Lavf59.27.100")}}))));
  EXPECT_TRUE(t.onMetadata(
      onMetaData(AmfValue::ecmaArray({{"encoder", AmfValue::string(std::string(1000, 'x'))}}))));
  EXPECT_EQ(t.summary().encoder, std::string(128, 'x'));
  // Not a string: ignored.
  EXPECT_TRUE(t.onMetadata(onMetaData(AmfValue::ecmaArray({{"encoder", AmfValue::number(5)}}))));
  EXPECT_EQ(t.summary().encoder, "");
}

TEST(CodecTrackerTest, MalformedMetadataChangesNothing) {
  CodecTracker t;
  EXPECT_FALSE(t.onMetadata(base::Bytes::copyOf(ByteVec{0x02, 0x00, 0x0A, 'o', 'n'})));
  EXPECT_EQ(t.summary().width, 0u);
}

TEST(CodecTrackerTest, LegacyAudioWithoutHeaderIsLearnedFromFrames) {
  CodecTracker t;
  t.onFrame(packet(8, {0x2F, 0xFF, 0xFB}));  // SoundFormat 2: MP3
  EXPECT_EQ(t.summary().audioCodec, "MP3");
}

}  // namespace
}  // namespace rtmp::server::testing
