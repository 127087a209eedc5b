// Regression (the bug was in session.cc, Session::handleMedia, with
// session_auth.cc): with config.authHook on, an encoder that pipelines —
// `publish`, `@setDataFrame`, sequence headers and the first frames in one
// write, without waiting for NetStream.Publish.Start — lost everything behind
// the publish while the host was deciding, so players started without
// metadata or decoder configuration. Now those messages are held (bounded),
// replayed in order after an allow and dropped, counted, on a deny.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;
using Names = std::vector<std::string>;

Message mediaMessage(uint32_t csid, MessageType type, uint32_t streamId, uint32_t timestamp,
                     const ByteVec& body) {
  Message m;
  m.csid = csid;
  m.typeId = static_cast<uint8_t>(type);
  m.streamId = streamId;
  m.timestamp = timestamp;
  m.payload = base::Bytes::copyOf(body);
  return m;
}

class PipelinedAuthTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.authHook = true;
    config.authTimeoutMs = 5'000;
    config.streams.timestampMode = TimestampMode::kMonotonic;  // player timestamps as sent
    configure(config);
  }

  // Connects, creates a stream and then writes `publish` and `behind` in ONE
  // feed, as a pipelining encoder does.
  TestClient& pipelinedPublisher(const std::string& name, const std::vector<Message>& behind) {
    TestClient& c = connected(h().loopA);
    streamId_ = c.createStream();
    EXPECT_NE(streamId_, 0u);
    auto publish = protocol::buildPublish(streamId_, name);
    EXPECT_TRUE(publish.ok());
    ByteVec bytes = c.encode(*publish);
    for (Message m : behind) {
      m.streamId = streamId_;
      ByteVec chunk = c.encode(m);
      bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
    c.sendRaw(bytes);
    return c;
  }

  // "@setDataFrame", "onMetaData", {...}; its payload without the first value
  // is what players must receive.
  Message setDataFrame() {
    protocol::AmfValue meta = protocol::AmfValue::ecmaArray(
        {{"width", protocol::AmfValue::number(1280)}, {"height", protocol::AmfValue::number(720)}});
    auto m = protocol::buildSetDataFrame(1, meta);
    EXPECT_TRUE(m.ok());
    return *m;
  }
  // What a pipelining FFmpeg sends behind its publish.
  std::vector<Message> headersAndFirstFrames() {
    return {setDataFrame(),
            mediaMessage(protocol::kCsidVideo, MessageType::kVideo, 1, 0, avcSequenceHeader()),
            mediaMessage(protocol::kCsidAudio, MessageType::kAudio, 1, 0, aacSequenceHeader()),
            mediaMessage(protocol::kCsidVideo, MessageType::kVideo, 1, 0, avcKeyframe(1)),
            mediaMessage(protocol::kCsidAudio, MessageType::kAudio, 1, 20, aacRaw(101))};
  }

  void answer(TestClient& c, bool allow, const std::string& reason = "") {
    auto requests = h().eventsOf(EventKind::kAuthorize);
    ASSERT_FALSE(requests.empty());
    FakeLoop::Scope scope(&c.loop());
    c.session().onAuthAnswer(requests.back().as<AuthorizeEvent>().requestId,
                             AuthAnswer{.allow = allow, .name = "", .reason = reason, .taps = {}});
  }
  uint64_t drops(TestClient& c, IngestDropReason reason) {
    return c.info().ingestDrops[static_cast<size_t>(reason)].load();
  }
  StreamSnapshot streamSnapshot() {
    auto stream = h().registry.acquire("live", "cam", /*create=*/false);
    EXPECT_NE(stream, nullptr);
    if (!stream) return {};
    StreamSnapshot s = stream->snapshot();
    h().registry.release(stream);
    return s;
  }

  uint32_t streamId_ = 0;
};

TEST_F(PipelinedAuthTest, MediaBehindThePublishReachesPlayersAfterAnAllow) {
  const std::vector<Message> sent = headersAndFirstFrames();
  TestClient& pub = pipelinedPublisher("cam", sent);
  ASSERT_TRUE(pub.session().authPending());
  EXPECT_TRUE(pub.statusCodes().empty());
  EXPECT_EQ(h().registry.size(), 0u) << "nothing claimed before the answer";

  answer(pub, /*allow=*/true);
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Start"}));
  EXPECT_FALSE(pub.closed());
  EXPECT_EQ(h().eventsOf(EventKind::kPublish).size(), 1u) << "the replayed keyframe announces";
  EXPECT_EQ(pub.info().ingestDrops[0].load() + drops(pub, IngestDropReason::kAuthDenied) +
                drops(pub, IngestDropReason::kNotPublishing),
            0u);

  // The stream holds what the late joiner needs, from the replay.
  StreamSnapshot snap = streamSnapshot();
  EXPECT_EQ(snap.videoFrames, 1u);
  EXPECT_EQ(snap.audioFrames, 1u);
  EXPECT_EQ(snap.codec.width, 1280u);
  EXPECT_EQ(snap.ingestDrops.total(), 0u);

  // A player (on another loop) gets metadata, both headers and the frames byte for byte.
  TestClient& viewer = connected(h().loopB);
  viewer.play("cam");
  answer(viewer, /*allow=*/true);
  h().drainAll();
  const std::vector<Message> got = viewer.media();
  ASSERT_EQ(kinds(got), (Names{"meta", "VH", "AH", "K1", "A101"}));
  const ByteVec setData = bytesOf(sent[0]);
  EXPECT_EQ(bytesOf(got[0]), ByteVec(setData.begin() + 16, setData.end()))
      << "onMetaData without the 16-byte \"@setDataFrame\" string";
  for (size_t i = 1; i < sent.size(); ++i) {
    EXPECT_EQ(bytesOf(got[i]), bytesOf(sent[i])) << "message " << i;
    EXPECT_EQ(got[i].timestamp, sent[i].timestamp) << "message " << i;
  }
}

TEST_F(PipelinedAuthTest, PlayersWaitingBeforeTheAllowGetTheReplayLive) {
  TestClient& viewer = connected(h().loopB);
  viewer.play("cam");
  answer(viewer, /*allow=*/true);  // waits for the publisher (waitForPublisher)
  TestClient& pub = pipelinedPublisher("cam", headersAndFirstFrames());
  answer(pub, /*allow=*/true);
  // Read after the resume: comes after the replay.
  pub.send(
      mediaMessage(protocol::kCsidVideo, MessageType::kVideo, streamId_, 40, avcInterframe(2)));
  h().drainAll();
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K1", "A101", "P2"}));
}

class PipelinedAuthAllowedOnTimeoutTest : public PipelinedAuthTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.authHook = true;
    config.authTimeoutMs = 5'000;
    config.authTimeoutAllows = true;
    configure(config);
  }
};

TEST_F(PipelinedAuthAllowedOnTimeoutTest, AnAllowByTimeoutReplaysToo) {
  TestClient& pub = pipelinedPublisher("cam", headersAndFirstFrames());
  {
    FakeLoop::Scope scope(&pub.loop());
    pub.session().checkAuthDeadline(h().nowMs + 5'000);
  }
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Start"}));
  StreamSnapshot snap = streamSnapshot();
  EXPECT_EQ(snap.videoFrames, 1u);
  EXPECT_EQ(snap.audioFrames, 1u);
}

TEST_F(PipelinedAuthTest, ADenyDropsTheHeldMessagesAndCountsThem) {
  TestClient& pub = pipelinedPublisher("cam", headersAndFirstFrames());
  answer(pub, /*allow=*/false, "unknown stream key");
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Unauthorized"}));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(h().registry.size(), 0u);
  EXPECT_EQ(drops(pub, IngestDropReason::kAuthDenied), 5u);
  EXPECT_TRUE(h().eventsOf(EventKind::kPublish).empty());
}

TEST_F(PipelinedAuthTest, ATimeoutDenyDropsTheHeldMessagesAndCountsThem) {
  TestClient& pub = pipelinedPublisher("cam", headersAndFirstFrames());
  {
    FakeLoop::Scope scope(&pub.loop());
    pub.session().checkAuthDeadline(h().nowMs + 5'000);
  }
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Unauthorized"}));
  EXPECT_EQ(drops(pub, IngestDropReason::kAuthDenied), 5u);
}

TEST_F(PipelinedAuthTest, MoreMessagesThanTheBoundRefuseThePublish) {
  std::vector<Message> flood;
  for (int i = 0; i < 513; ++i) {  // one past the 512-message bound
    flood.push_back(mediaMessage(protocol::kCsidAudio, MessageType::kAudio, 1,
                                 static_cast<uint32_t>(20 * i), aacRaw(static_cast<uint8_t>(i))));
  }
  TestClient& pub = pipelinedPublisher("cam", flood);
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Denied"}));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  ASSERT_TRUE(pub.transport().closeReason().has_value());
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
  EXPECT_EQ(drops(pub, IngestDropReason::kAuthOverflow), 513u);
  EXPECT_FALSE(pub.session().authPending());
  answer(pub, /*allow=*/true);  // a late answer changes nothing
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(PipelinedAuthTest, MoreBytesThanTheBoundRefuseThePublish) {
  // Three frames of a little under 1 MiB: the third passes the 2 MiB bound.
  std::vector<Message> big;
  for (uint8_t i = 0; i < 3; ++i) {
    big.push_back(mediaMessage(protocol::kCsidVideo, MessageType::kVideo, 1, 40u * i,
                               avcKeyframe(i, 0, (1u << 20) - 64)));
  }
  TestClient& pub = pipelinedPublisher("cam", big);
  EXPECT_EQ(pub.statusCodes(), (Names{"NetStream.Publish.Denied"}));
  EXPECT_EQ(drops(pub, IngestDropReason::kAuthOverflow), 3u);
  EXPECT_EQ(h().registry.size(), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
