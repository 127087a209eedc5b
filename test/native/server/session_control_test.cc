// Session: protocol control and user control messages (RTMP 1.0 §5.4, §7.1.7),
// aggregate messages (§7.1.6), NetStream pause/receiveVideo/receiveAudio
// (§7.2.2.8, §7.2.2.2-3), and how a session ends.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/user_control.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::AmfValue;
using protocol::Message;
using protocol::MessageType;
using Names = std::vector<std::string>;

// One FLV tag as carried inside an aggregate message:
//   type u8 | data size u24 | timestamp u24 | timestamp ext u8 | stream id u24 (0)
//   | data | previous tag size u32 (11 + data size)
ByteVec flvTag(uint8_t type, uint32_t timestamp, const ByteVec& data) {
  auto size = static_cast<uint32_t>(data.size());
  ByteVec out = {type,
                 static_cast<uint8_t>(size >> 16),
                 static_cast<uint8_t>(size >> 8),
                 static_cast<uint8_t>(size),
                 static_cast<uint8_t>(timestamp >> 16),
                 static_cast<uint8_t>(timestamp >> 8),
                 static_cast<uint8_t>(timestamp),
                 static_cast<uint8_t>(timestamp >> 24),
                 0x00,
                 0x00,
                 0x00};
  out.insert(out.end(), data.begin(), data.end());
  uint32_t back = 11 + size;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(back >> shift));
  return out;
}

Message aggregate(uint32_t streamId, uint32_t timestamp, const ByteVec& body) {
  Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = static_cast<uint8_t>(MessageType::kAggregate);
  m.streamId = streamId;
  m.timestamp = timestamp;
  m.payload = base::Bytes::copyOf(body);
  return m;
}

// "pause"/"receiveVideo"/... , 0, null, args... on the play stream.
Message streamCommand(const std::string& name, uint32_t streamId, std::vector<AmfValue> args) {
  protocol::Command c;
  c.name = name;
  c.args = std::move(args);
  auto m = protocol::encodeCommand(c, protocol::kCsidNetStream, streamId);
  EXPECT_TRUE(m.ok());
  return *m;
}

std::vector<protocol::Message> ofType(const std::vector<Message>& all, MessageType type) {
  std::vector<Message> out;
  for (const auto& m : all) {
    if (m.type() == type) out.push_back(m);
  }
  return out;
}

TEST_F(SessionTest, PingRequestIsAnsweredWithPingResponse) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  c.send(protocol::encodePingRequest(0x12345678));
  auto got = c.takeNew();
  ASSERT_EQ(got.size(), 1u);
  auto pong = protocol::decodeUserControl(got[0]);
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->type, protocol::UserControlEventType::kPingResponse);
  EXPECT_EQ(pong->timestamp, 0x12345678u);
}

TEST_F(SessionTest, UnknownAndMalformedUserControlEventsAreIgnored) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  protocol::UserControlEvent odd;
  odd.type = protocol::UserControlEventType::kUnknown;
  odd.rawType = 31;  // buffer empty (Flash)
  odd.data = base::Bytes::copyOf(ByteVec{0, 0, 0, 1});
  c.send(protocol::encodeUserControl(odd));
  Message cut = protocol::encodePingRequest(1);
  cut.payload = cut.payload.slice(0, 3);  // event type and one byte of data
  c.send(cut);
  EXPECT_TRUE(c.takeNew().empty());
  EXPECT_EQ(c.transport().closeCalls(), 0);
}

TEST_F(SessionTest, NoAcknowledgementWithoutAWindowFromThePeer) {
  TestClient& pub = publisher("cam");
  publishFrames(pub, 0, 0, 200, 25);
  EXPECT_TRUE(ofType(pub.received(), MessageType::kAcknowledgement).empty());
}

TEST_F(SessionTest, AcknowledgementFollowsAWindowOfBytes) {
  TestClient& pub = publisher("cam");
  const uint32_t window = 20'000;
  pub.send(protocol::encodeWindowAckSize(window));
  ASSERT_LT(pub.bytesSent(), window);
  int i = 0;
  while (pub.bytesSent() < window) {
    EXPECT_TRUE(ofType(pub.received(), MessageType::kAcknowledgement).empty()) << pub.bytesSent();
    publishFrames(pub, 0, i, i + 1, 25);
    ++i;
  }
  auto acks = ofType(pub.received(), MessageType::kAcknowledgement);
  ASSERT_EQ(acks.size(), 1u);
  // §5.4.3: the sequence number is the number of bytes received so far.
  EXPECT_EQ(*protocol::decodeAcknowledgement(acks[0]), pub.bytesSent());
}

TEST_F(SessionTest, AcknowledgementsRepeatEveryWindow) {
  TestClient& pub = publisher("cam");
  const uint32_t window = 10'000;
  pub.send(protocol::encodeWindowAckSize(window));
  for (int i = 0; pub.bytesSent() < 5 * window; ++i) publishFrames(pub, 0, i, i + 1, 25);
  auto acks = ofType(pub.received(), MessageType::kAcknowledgement);
  ASSERT_GE(acks.size(), 4u);
  uint32_t previous = 0;
  for (const auto& ack : acks) {
    uint32_t seq = *protocol::decodeAcknowledgement(ack);
    EXPECT_GE(seq - previous, window);
    EXPECT_LT(seq - previous, window + 200u);  // one frame pair past the window at most
    previous = seq;
  }
}

TEST_F(SessionTest, ClientChunkSizeIsHonoured) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  pub.setChunkSize(60'000);
  publishHeaders(pub, 0);
  pub.sendVideo(0, avcKeyframe(1, 0, 50'000));
  auto media = viewer.avMedia();
  ASSERT_EQ(media.size(), 3u);
  EXPECT_EQ(bytesOf(media[2]), avcKeyframe(1, 0, 50'000));
}

TEST_F(SessionTest, PublisherInputSplitIntoSingleBytesIsReassembled) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = 9;
  m.streamId = pub.publishStreamId();
  m.payload = base::Bytes::copyOf(avcKeyframe(4, 0, 300));
  pub.send(m, /*split=*/1);
  ASSERT_EQ(viewer.avMedia().size(), 3u);
  EXPECT_EQ(bytesOf(viewer.avMedia()[2]), avcKeyframe(4, 0, 300));
}

TEST_F(SessionTest, AggregateMessageIsSplitIntoItsFlvTags) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 960);  // not 1000: see FirstKeyframeSharingItsSequenceHeaderDts...
  // Tag timestamps are the encoder's own (5000...); the session re-bases them
  // on the aggregate's timestamp (1000).
  ByteVec body = join({flvTag(9, 5000, avcKeyframe(1)), flvTag(8, 5020, aacRaw(2)),
                       flvTag(9, 5040, avcInterframe(3, 40))});
  pub.send(aggregate(pub.publishStreamId(), 1000, body));
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  auto media = viewer.avMedia();
  ASSERT_EQ(media.size(), 5u);
  EXPECT_EQ(kinds(media), (Names{"VH", "AH", "K1", "A2", "P3"}));
  EXPECT_EQ(bytesOf(media[2]), avcKeyframe(1));
  EXPECT_EQ(bytesOf(media[3]), aacRaw(2));
  EXPECT_EQ(bytesOf(media[4]), avcInterframe(3, 40));
  EXPECT_EQ(media[3].timestamp - media[2].timestamp, 20u);
  EXPECT_EQ(media[4].timestamp - media[2].timestamp, 40u);
}

TEST_F(SessionTest, AggregateTagsWithExtendedTimestampsKeepTheirSpacing) {
  configure([] {
    EngineConfig c;
    c.streams.timestampMode = TimestampMode::kMonotonic;
    return c;
  }());
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  // Tag timestamps 0x01FFFFF0 / 0x02000010: the ext byte carries bits 24..31.
  ByteVec body =
      join({flvTag(9, 0x01FFFFF0, avcKeyframe(1)), flvTag(9, 0x02000010, avcInterframe(2))});
  pub.send(aggregate(pub.publishStreamId(), 400, body));
  auto media = viewer.avMedia();
  ASSERT_EQ(media.size(), 4u);
  EXPECT_EQ(describe(media[2]), "K1@400");
  EXPECT_EQ(describe(media[3]), "P2@432");
}

TEST_F(SessionTest, AggregateSkipsTagsThatAreNotMedia) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  ByteVec body = join({flvTag(20, 0, {0x05, 0x00}), flvTag(9, 0, avcKeyframe(1))});
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(kinds(viewer.avMedia()), (Names{"VH", "AH", "K1"}));
  EXPECT_EQ(pub.transport().closeCalls(), 0);
}

TEST_F(SessionTest, TruncatedAggregateFailsThePublisherWithNetStreamFailed) {
  TestClient& pub = publisher("cam");
  ByteVec body = flvTag(9, 0, avcKeyframe(1));
  body.resize(body.size() - 2);  // previous-tag-size cut short
  pub.send(aggregate(pub.publishStreamId(), 0, body));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kTruncated);
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Failed");
}

TEST_F(SessionTest, AggregateFromANonPublisherIsIgnored) {
  TestClient& c = connected(h().loopA);
  c.send(aggregate(1, 0, flvTag(9, 0, avcKeyframe(1))));
  EXPECT_EQ(c.transport().closeCalls(), 0);
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(SessionTest, CorruptChunkStreamClosesWithError) {
  TestClient& c = connected(h().loopA);
  c.sendRaw({0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09});  // type 1 on csid 7: no state
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kChunkState);
  ASSERT_EQ(h().eventsOf(EventKind::kError).size(), 1u);
  EXPECT_EQ(h().eventsOf(EventKind::kError)[0].as<ErrorEvent>().code, "ERR_RTMP_CHUNK_STATE");
}

TEST_F(SessionTest, PlayerWithACorruptChunkStreamGetsPlayFailed) {
  TestClient& viewer = player("cam");
  viewer.sendRaw({0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09});  // type 1 on csid 7: no state
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.Failed");
  EXPECT_EQ(viewer.transport().closeCalls(), 1);
}

TEST_F(SessionTest, GetStreamLengthIsZeroForLiveStreams) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  protocol::Command cmd;
  cmd.name = "getStreamLength";
  cmd.transactionId = 5;
  cmd.args = {AmfValue::string("cam")};
  c.send(protocol::encodeCommand(cmd, protocol::kCsidCommand, 0));
  auto got = c.takeNew();
  ASSERT_EQ(got.size(), 1u);
  auto result = protocol::parseResult(*protocol::decodeCommand(got[0]));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->transactionId, 5);
  EXPECT_EQ(result->number(), 0.0);
}

TEST_F(SessionTest, PauseStopsMediaAndUnpauseResumesAtAKeyframe) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 5);
  TestClient& viewer = player("cam");
  viewer.send(streamCommand("pause", viewer.playStreamId(),
                            {AmfValue::boolean(true), AmfValue::number(0)}));
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Pause.Notify");
  viewer.takeNew();
  publishFrames(pub, 0, 2, 4, 5);
  EXPECT_TRUE(viewer.takeNew().empty());
  viewer.send(streamCommand("pause", viewer.playStreamId(),
                            {AmfValue::boolean(false), AmfValue::number(0)}));
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Unpause.Notify");
  viewer.takeNew();
  publishFrames(pub, 0, 4, 6, 5);
  EXPECT_EQ(kinds(viewer.takeNew()), (Names{"A104", "K5", "A105"}));
  EXPECT_FALSE(viewer.readerError().has_value());
}

TEST_F(SessionTest, ReceiveVideoFalseKeepsOnlyAudio) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 5);
  TestClient& viewer = player("cam");
  viewer.send(streamCommand("receiveVideo", viewer.playStreamId(), {AmfValue::boolean(false)}));
  viewer.takeNew();
  publishFrames(pub, 0, 1, 6, 5);
  EXPECT_EQ(kinds(viewer.takeNew()), (Names{"A101", "A102", "A103", "A104", "A105"}));
  viewer.send(streamCommand("receiveVideo", viewer.playStreamId(), {AmfValue::boolean(true)}));
  publishFrames(pub, 0, 6, 11, 5);
  EXPECT_EQ(kinds(viewer.takeNew()), (Names{"A106", "A107", "A108", "A109", "K10", "A110"}));
}

TEST_F(SessionTest, ReceiveAudioFalseKeepsOnlyVideo) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 5);
  TestClient& viewer = player("cam");
  viewer.send(streamCommand("receiveAudio", viewer.playStreamId(), {AmfValue::boolean(false)}));
  viewer.takeNew();
  publishFrames(pub, 0, 1, 3, 5);
  EXPECT_EQ(kinds(viewer.takeNew()), (Names{"P1", "P2"}));
}

// Regression: the session wrote NetStream statuses on csid 5 with its
// ChunkWriter while PlayerTap wrote fan-out metadata on csid 5 as shared chunk
// bytes. The writer picked type-2/3 headers from its own memory of csid 5, but
// the player's reader had last seen the metadata there, so a second
// Pause.Notify (type 3) was read as a data message of the metadata's length
// and the player's chunk stream was corrupt. Fan-out data now has its own
// csid (protocol::kCsidMediaData).
TEST_F(SessionTest, StatusAfterFanOutMetadataKeepsThePlayersChunkStreamIntact) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 5);
  TestClient& viewer = player("cam");
  viewer.send(streamCommand("pause", viewer.playStreamId(),
                            {AmfValue::boolean(true), AmfValue::number(0)}));
  pub.sendMetadata(40);  // metadata is delivered even while paused
  viewer.send(streamCommand("pause", viewer.playStreamId(),
                            {AmfValue::boolean(true), AmfValue::number(0)}));
  pub.sendMetadata(80);
  EXPECT_FALSE(viewer.readerError().has_value())
      << (viewer.readerError() ? viewer.readerError()->toString() : "");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Reset", "NetStream.Play.Start",
                                         "NetStream.Pause.Notify", "NetStream.Pause.Notify"}));
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100", "meta", "meta"}));
}

TEST_F(SessionTest, ShutdownTellsPublisherAndPlayerThenCloses) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  {
    auto scope = h().loopA.enter();
    pub.session().beginShutdown();
    viewer.session().beginShutdown();
  }
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Unpublish.Success");
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.UnpublishNotify");
  EXPECT_EQ(viewer.userControls().back().type, protocol::UserControlEventType::kStreamEof);
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(viewer.transport().closeCalls(), 1);
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kClosed);
}

TEST_F(SessionTest, TerminateClosesOnceWithTheReason) {
  TestClient& c = connected(h().loopA);
  {
    auto scope = h().loopA.enter();
    c.session().terminate(base::Error(base::ErrorCode::kTimeout, "idle timeout"));
    c.session().terminate(base::Error(base::ErrorCode::kClosed, "kicked"));
  }
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(c.transport().closeReason()->message(), "idle timeout");
  EXPECT_TRUE(c.session().closing());
}

TEST_F(SessionTest, PlayingSessionsAreExemptFromIdleTimeout) {
  TestClient& idle = connected(h().loopA);
  TestClient& viewer = player("cam");
  EXPECT_FALSE(idle.session().idleExempt());
  EXPECT_TRUE(viewer.session().idleExempt());
}

TEST_F(SessionTest, SessionInfoCountsBytesBothWays) {
  TestClient& pub = publisher("cam");
  EXPECT_EQ(pub.info().bytesIn.load(), pub.bytesSent());
  EXPECT_EQ(pub.info().bytesOut.load(), pub.transport().output().size());
  EXPECT_EQ(pub.info().role, SessionRole::kPublisher);
  EXPECT_EQ(pub.info().stream, "cam");
}

}  // namespace
}  // namespace rtmp::server::testing
