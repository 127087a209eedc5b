// ClientSession: protocol control from the server (RTMP 1.0 §5.4, §7.1.7)
// and bad server input.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/user_control.h"
#include "scripted_server.h"

namespace rtmp::client::testing {
namespace {

// A client past the handshake (connect sent) and the server that answered it.
struct Connected {
  Connected() : client(ClientUnderTest::playConfig()) {
    EXPECT_TRUE(client.session.start().ok());
    ByteVec s0s1s2 = server.receive(client.takeOut());
    EXPECT_TRUE(client.feed(s0s1s2).ok());
    server.receive(client.takeOut());  // C2, Set Chunk Size, connect
    server.received.clear();
  }
  ClientUnderTest client;
  ScriptedServer server;
};

TEST(ClientSessionControl, PingRequestIsAnsweredWithTheSameTimestamp) {
  Connected c;
  ASSERT_TRUE(c.client.feed(c.server.encode(protocol::encodePingRequest(0xCAFE1234))).ok());
  c.server.receive(c.client.takeOut());
  ASSERT_EQ(c.server.received.size(), 1u);
  auto event = protocol::decodeUserControl(c.server.received[0]);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type, protocol::UserControlEventType::kPingResponse);
  EXPECT_EQ(event->timestamp, 0xCAFE1234u);
}

TEST(ClientSessionControl, AcknowledgementsCountEveryByteOncePerWindow) {
  Connected c;
  // A 4000-byte window; the handshake alone (3073 bytes) is below it.
  ASSERT_TRUE(c.client.feed(c.server.encode(protocol::encodeWindowAckSize(4000))).ok());
  EXPECT_EQ(c.client.session.acksSent(), 0u);
  ASSERT_TRUE(c.client.feed(c.server.encode(videoMessage(0, 1000, 1))).ok());
  ASSERT_EQ(c.client.session.acksSent(), 1u);
  const uint64_t firstAckAt = c.client.session.bytesReceived();
  c.server.receive(c.client.takeOut());
  ASSERT_EQ(c.server.received.size(), 1u);
  EXPECT_EQ(*protocol::decodeAcknowledgement(c.server.received[0]), firstAckAt);

  // Less than another window: no ack; past it: one more with the new total.
  ASSERT_TRUE(c.client.feed(c.server.encode(videoMessage(33, 2000, 2))).ok());
  EXPECT_EQ(c.client.session.acksSent(), 1u);
  ASSERT_TRUE(c.client.feed(c.server.encode(videoMessage(66, 2500, 3))).ok());
  EXPECT_EQ(c.client.session.acksSent(), 2u);
  c.server.received.clear();
  c.server.receive(c.client.takeOut());
  ASSERT_EQ(c.server.received.size(), 1u);
  EXPECT_EQ(*protocol::decodeAcknowledgement(c.server.received[0]),
            c.client.session.bytesReceived());
}

TEST(ClientSessionControl, SetPeerBandwidthIsAnsweredOnceWithWindowAckSize) {
  Connected c;
  auto bw = protocol::encodeSetPeerBandwidth(2'500'000, protocol::BandwidthLimitType::kDynamic);
  ASSERT_TRUE(c.client.feed(c.server.encode(bw)).ok());
  ASSERT_TRUE(c.client.feed(c.server.encode(bw)).ok());
  c.server.receive(c.client.takeOut());
  ASSERT_EQ(c.server.received.size(), 1u);
  EXPECT_EQ(*protocol::decodeWindowAckSize(c.server.received[0]), 2'500'000u);
}

TEST(ClientSessionControl, ChunkStreamErrorEndsTheSession) {
  Connected c;
  // A type-1 chunk header (fmt 1, csid 9) on a chunk stream never opened.
  base::Status s = c.client.feed(ByteVec{0x49, 0, 0, 0, 0, 0, 4, 9});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kChunkState);
  EXPECT_EQ(c.client.session.state(), ClientState::kFailed);
  EXPECT_EQ(c.client.session.error()->code(), base::ErrorCode::kChunkState);
}

TEST(ClientSessionControl, MalformedCommandEndsTheSession) {
  Connected c;
  protocol::Message m;
  m.typeId = 20;
  m.payload = base::Bytes::copyOf(ByteVec{0x00, 0x00, 0x05, 'a'});  // string cut short
  base::Status s = c.client.feed(c.server.encode(m));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("command from server"), std::string::npos);
}

TEST(ClientSessionControl, BadHandshakeVersionEndsTheSession) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ASSERT_TRUE(client.session.start().ok());
  base::Status s = client.feed(ByteVec{6});  // RTMPE, not RTMP
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kHandshakeVersion);
}

TEST(ClientSessionControl, FeedBeforeStartIsAnError) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  base::Status s = client.feed(ByteVec{3});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kProtocolState);
}

TEST(ClientSessionControl, MediaBeforePlayStartIsStillDelivered) {
  Connected c;
  ASSERT_TRUE(c.client.feed(c.server.encode(audioMessage(5, 10, 7))).ok());
  ASSERT_EQ(c.client.media.size(), 1u);
  EXPECT_EQ(c.client.media[0].typeId, 8);
  EXPECT_EQ(c.client.media[0].timestamp, 5u);
}

}  // namespace
}  // namespace rtmp::client::testing
