// Session: aggregate messages (RTMP 1.0 §7.1.6) walked with media::FlvTagReader.
// Bodies are written byte by byte; '|' in a comment marks where a tag body or
// its back-pointer (PreviousTagSize) starts. See also session_control_test.cc.
#include <gtest/gtest.h>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;
using Names = std::vector<std::string>;

Message aggregate(uint32_t streamId, uint32_t timestamp, const ByteVec& body) {
  Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = static_cast<uint8_t>(MessageType::kAggregate);
  m.streamId = streamId;
  m.timestamp = timestamp;
  m.payload = base::Bytes::copyOf(body);
  return m;
}

// Keyframe 1 at 5000 ms, raw AAC 2 at 5020 ms (bad back-pointer), inter
// frame 3 at 5040 ms: the bodies are flv_samples.h's avcKeyframe(1),
// aacRaw(2) and avcInterframe(3).
const ByteVec kThreeTags = {
    // -- tag 1: video, 13 bytes
    0x09,                    // TagType 9
    0x00, 0x00, 0x0D,        // DataSize 13
    0x00, 0x13, 0x88,        // Timestamp 5000
    0x00,                    // TimestampExtended
    0x00, 0x00, 0x00,        // StreamID
    0x17, 0x01,              // | AVC keyframe, NALUs
    0x00, 0x00, 0x00,        //   composition time 0
    0x00, 0x00, 0x00, 0x04,  //   NAL length 4
    0x65, 0x88, 0x84, 0x01,  //   IDR slice, tag 1
    0x00, 0x00, 0x00, 0x18,  // | PreviousTagSize 24
    // -- tag 2: audio, 6 bytes
    0x08,                                // TagType 8
    0x00, 0x00, 0x06,                    // DataSize 6
    0x00, 0x13, 0x9C,                    // Timestamp 5020
    0x00,                                // TimestampExtended
    0x00, 0x00, 0x00,                    // StreamID
    0xAF, 0x01, 0x21, 0x10, 0x04, 0x02,  // | AAC raw, tag 2
    0x00, 0x00, 0x12, 0x34,              // | PreviousTagSize 0x1234: wrong (17), ignored
    // -- tag 3: video, 12 bytes
    0x09,                    // TagType 9
    0x00, 0x00, 0x0C,        // DataSize 12
    0x00, 0x13, 0xB0,        // Timestamp 5040
    0x00,                    // TimestampExtended
    0x00, 0x00, 0x00,        // StreamID
    0x27, 0x01,              // | AVC inter frame, NALUs
    0x00, 0x00, 0x00,        //   composition time 0
    0x00, 0x00, 0x00, 0x03,  //   NAL length 3
    0x41, 0x9A, 0x03,        //   non-IDR slice, tag 3
    0x00, 0x00, 0x00, 0x17,  // | PreviousTagSize 23
};

TEST_F(SessionTest, AggregateWithABadBackPointerForwardsEveryTag) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 960);
  pub.send(aggregate(pub.publishStreamId(), 1000, kThreeTags));
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  auto media = viewer.avMedia();
  ASSERT_EQ(media.size(), 5u);
  EXPECT_EQ(kinds(media), (Names{"VH", "AH", "K1", "A2", "P3"}));
  EXPECT_EQ(bytesOf(media[2]), avcKeyframe(1));
  EXPECT_EQ(bytesOf(media[3]), aacRaw(2));
  EXPECT_EQ(bytesOf(media[4]), avcInterframe(3));
  // Re-based on the aggregate's timestamp, spacing kept.
  EXPECT_EQ(media[3].timestamp - media[2].timestamp, 20u);
  EXPECT_EQ(media[4].timestamp - media[2].timestamp, 40u);
}

TEST_F(SessionTest, AggregateSkipsFilteredAndReservedBitTags) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  ByteVec body = kThreeTags;
  body[28] = 0x48;  // tag 2: a Reserved bit + TagType 8: skipped
  body[49] = 0x29;  // tag 3: Filter bit + TagType 9 (encrypted): skipped
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  EXPECT_EQ(kinds(viewer.avMedia()), (Names{"VH", "AH", "K1"}));
}

TEST_F(SessionTest, EmptyAggregateIsHarmless) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  pub.send(aggregate(pub.publishStreamId(), 0, {}));
  pub.send(aggregate(pub.publishStreamId(), 0, kThreeTags));
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  EXPECT_EQ(kinds(viewer.avMedia()), (Names{"VH", "AH", "K1", "A2", "P3"}));
}

TEST_F(SessionTest, AggregateWithoutTheLastBackPointerFailsThePublisher) {
  TestClient& pub = publisher("cam");
  ByteVec body(kThreeTags.begin(), kThreeTags.end() - 4);  // tag 3's back-pointer missing
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kTruncated);
}

TEST_F(SessionTest, AggregateTagLongerThanTheMessageFailsThePublisher) {
  TestClient& pub = publisher("cam");
  const ByteVec body = {
      0x09,              // TagType 9
      0xFF, 0xFF, 0xFF,  // DataSize 16 MiB - 1: more than the message holds
      0x00, 0x00, 0x00,  // Timestamp 0
      0x00,              // TimestampExtended
      0x00, 0x00, 0x00,  // StreamID
      0x17, 0x01,        // | 2 body bytes
  };
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kTruncated);
}

TEST_F(SessionTest, GarbageAfterAggregateTagsFailsAfterForwardingThem) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  ByteVec body(kThreeTags.begin(), kThreeTags.begin() + 28);  // tag 1 only
  body.insert(body.end(), {0xDE, 0xAD, 0xBE, 0xEF});          // 4 bytes: no tag header
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(kinds(viewer.avMedia()), (Names{"VH", "AH", "K1"}));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kTruncated);
}

}  // namespace
}  // namespace rtmp::server::testing
