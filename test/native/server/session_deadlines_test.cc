// Session deadlines (session_deadlines.cc), driven by a fake clock one second
// at a time as the loop's housekeeping would. Regression tests for issue 10,
// defect 2: a trickle of bytes (about 200 B/s from one address) kept every
// session alive because any byte reset the idle timeout, and a session that
// finished the handshake or connect but went no further was never closed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/command_builders.h"
#include "protocol/user_control.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

class DeadlineTest : public SessionTest {
 protected:
  static std::string reasonOf(TestClient& c) {
    return c.transport().closeReason() ? c.transport().closeReason()->message() : "(open)";
  }
};

// About 150 bytes a second: one more chunk of a 100 KB video message that
// never completes (128-byte chunks, the RTMP default; 782 of them), and a ping.
class Trickle {
 public:
  explicit Trickle(TestClient& c) : c_(c) {
    protocol::Message big;
    big.csid = protocol::kCsidVideo;
    big.typeId = static_cast<uint8_t>(protocol::MessageType::kVideo);
    big.streamId = c.publishStreamId();
    big.payload = base::Bytes::copyOf(ByteVec(100'000, 0x17));
    bytes_ = c.encode(big);
  }
  void second() {
    // Whole chunks only, so the pings fall between chunks: the first has a
    // 12-byte header (type 0), the others a 1-byte one (type 3).
    const size_t n = std::min<size_t>(offset_ == 0 ? 12 + 128 : 1 + 128, bytes_.size() - offset_);
    c_.sendRaw(std::vector<uint8_t>(bytes_.begin() + offset_, bytes_.begin() + offset_ + n));
    offset_ += n;
    c_.send(protocol::encodePingRequest(static_cast<uint32_t>(offset_)));
  }
  size_t sent() const { return offset_; }
  bool finished() const { return offset_ == bytes_.size(); }

 private:
  TestClient& c_;
  std::vector<uint8_t> bytes_;
  size_t offset_ = 0;
};

TEST_F(DeadlineTest, ATrickleOfBytesAndPingsDoesNotHoldAPublisherPastTheIdleTimeout) {
  TestClient& pub = publisher("cam");
  ASSERT_EQ(pub.statusCodes().back(), "NetStream.Publish.Start");
  Trickle trickle(pub);
  LogCapture logs;
  const int lasted = tick(pub, 60, [&] { trickle.second(); });
  EXPECT_EQ(lasted, 30) << "closed after " << lasted << " s: " << reasonOf(pub);
  ASSERT_TRUE(pub.transport().closeReason().has_value()) << "still open after 60 s";
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kTimeout);
  EXPECT_EQ(reasonOf(pub), "idle timeout: no command or media for 30 s");
  EXPECT_TRUE(logs.contains("closing: idle timeout")) << "the reason is logged";
  EXPECT_GT(trickle.sent(), 3'800u) << "the trickle did reach the session";
  EXPECT_FALSE(trickle.finished());
}

TEST_F(DeadlineTest, MediaKeepsAPublisherAlive) {
  TestClient& pub = publisher("cam");
  uint32_t t = 0;
  EXPECT_EQ(tick(pub, 90, [&] { pub.sendVideo(t += 1'000, avcKeyframe(1)); }), 90);
  EXPECT_EQ(pub.transport().closeCalls(), 0) << reasonOf(pub);
}

TEST_F(DeadlineTest, HandshakeWithoutConnectIsClosedAtTheConnectDeadline) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  ASSERT_TRUE(c.session().handshakeDone());
  LogCapture logs;
  // Pings and control messages are not a connect.
  EXPECT_EQ(tick(c, 60, [&] { c.send(protocol::encodePingRequest(1)); }), 10);
  EXPECT_EQ(reasonOf(c), "no connect within 10 s of the handshake");
  EXPECT_TRUE(logs.contains("closing: no connect within 10 s"));
}

TEST_F(DeadlineTest, AnUnfinishedHandshakeIsClosedAtTheHandshakeDeadline) {
  TestClient& c = h().client(h().loopA);
  c.sendRaw({0x03});  // C0 and nothing else
  EXPECT_EQ(tick(c, 60), 10);
  EXPECT_EQ(reasonOf(c), "handshake not completed within 10 s");
}

TEST_F(DeadlineTest, ConnectedWithoutPublishOrPlayIsClosedEvenIfItSendsCommands) {
  TestClient& c = connected(h().loopA);
  // A command every 5 s resets the idle timeout, but not this deadline.
  const int lasted = tick(c, 120, [&] {
    if (h().nowMs % 5'000 == 0) c.createStream();
  });
  EXPECT_EQ(lasted, 30) << reasonOf(c);
  EXPECT_EQ(reasonOf(c), "connected but neither publishing nor playing for 30 s");
}

TEST_F(DeadlineTest, ThePublishPlayDeadlineStartsAgainWhenAPublishEnds) {
  TestClient& pub = publisher("cam");
  uint32_t t = 0;
  EXPECT_EQ(tick(pub, 45, [&] { pub.sendVideo(t += 1'000, avcKeyframe(1)); }), 45);
  pub.send(protocol::buildDeleteStream(9, pub.publishStreamId()));
  EXPECT_EQ(tick(pub, 60), 30);
  EXPECT_EQ(reasonOf(pub), "connected but neither publishing nor playing for 30 s");
}

TEST_F(DeadlineTest, APlayerIsExemptFromIdleAndPublishPlayDeadlines) {
  publisher("cam");  // without one, playWaitMs would end the play (session_play_wait_test.cc)
  TestClient& viewer = player("cam");
  EXPECT_EQ(tick(viewer, 300), 300);
  EXPECT_EQ(viewer.transport().closeCalls(), 0) << reasonOf(viewer);
}

TEST_F(DeadlineTest, ZeroTurnsTheConnectAndPublishPlayDeadlinesOff) {
  EngineConfig config;
  config.connectTimeoutMs = 0;
  config.playPublishTimeoutMs = 0;
  config.idleTimeoutMs = 0;
  configure(config);
  TestClient& handshaken = h().client(h().loopA);
  handshaken.handshake();
  TestClient& idle = connected(h().loopA);
  EXPECT_EQ(tick(handshaken, 120), 120);
  EXPECT_EQ(tick(idle, 120), 120);
  EXPECT_EQ(handshaken.transport().closeCalls() + idle.transport().closeCalls(), 0);
}

TEST_F(DeadlineTest, ASessionAwaitingAuthorizationIsGovernedByTheAuthTimeout) {
  EngineConfig config;
  config.authHook = true;
  config.authTimeoutMs = 120'000;  // longer than the publish/play and idle deadlines
  configure(config);
  TestClient& pub = publisher("cam");
  ASSERT_TRUE(pub.session().authPending());
  int lasted = 0;
  for (; lasted < 200 && pub.transport().closeCalls() == 0; ++lasted) {
    h().nowMs += 1'000;
    auto scope = pub.loop().enter();
    pub.session().checkAuthDeadline(h().nowMs);
    pub.session().checkDeadlines(h().nowMs);
  }
  EXPECT_EQ(lasted, 120);
  EXPECT_EQ(reasonOf(pub), "publish not authorized: authorization timed out after 120000 ms");
}

// Issue 10, defect 4: a player that stops reading (or sits behind a network
// partition) is exempt from the idle timeout and was never closed.
TEST_F(DeadlineTest, APlayerThatTakesNothingIsClosedAtTheWriteTimeout) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  TestClient& viewer = player("cam", &h().loopB);
  h().drainAll();
  viewer.transport().stall(true);  // every byte written from now on stays queued
  viewer.transport().setWriteStalledSince(h().nowMs);
  LogCapture logs;
  int frame = 0;
  const int lasted = tick(viewer, 120, [&] {
    publishFrames(pub, 0, frame, frame + 25, 50);  // the publisher goes on
    frame += 25;
    h().drainAll();
  });
  EXPECT_EQ(lasted, 30) << reasonOf(viewer);
  EXPECT_GT(viewer.transport().queuedBytes(), 0u);
  ASSERT_TRUE(viewer.transport().closeReason().has_value());
  EXPECT_EQ(viewer.transport().closeReason()->code(), base::ErrorCode::kTimeout);
  EXPECT_NE(reasonOf(viewer).find("no write progress for 30 s with "), std::string::npos)
      << reasonOf(viewer);
  EXPECT_NE(reasonOf(viewer).find(" bytes queued: the peer is not reading"), std::string::npos);
  EXPECT_TRUE(logs.contains("closing: no write progress for 30 s"));
  EXPECT_EQ(pub.transport().closeCalls(), 0) << "the publisher is not affected";
  // The socket closes: the player leaves its stream and frees its place.
  viewer.close(base::ErrorCode::kTimeout, reasonOf(viewer));
  h().drainAll();
  EXPECT_EQ(viewer.info().role, SessionRole::kUnknown);
  EXPECT_EQ(h().eventsOf(EventKind::kStop).size(), 1u);
}

TEST_F(DeadlineTest, APlayerThatReadsSlowlyOrHasNothingQueuedIsNotClosed) {
  publisher("cam");
  publisher("other");
  TestClient& slow = player("cam");
  TestClient& waiting = player("other");
  slow.transport().setQueuedBytes(4u << 20);            // a backlog that never empties...
  waiting.transport().setWriteStalledSince(h().nowMs);  // ...and a peer with nothing to read
  const int lasted = tick(slow, 120, [&] {
    slow.transport().setWriteStalledSince(h().nowMs - 500);  // ...but it keeps reading
    auto scope = waiting.loop().enter();
    waiting.session().checkDeadlines(h().nowMs);
  });
  EXPECT_EQ(lasted, 120) << reasonOf(slow);
  EXPECT_EQ(waiting.transport().closeCalls(), 0) << reasonOf(waiting);
}

TEST_F(DeadlineTest, ZeroTurnsTheWriteTimeoutOff) {
  EngineConfig config;
  config.writeTimeoutMs = 0;
  configure(config);
  publisher("cam");
  TestClient& viewer = player("cam");
  viewer.transport().setQueuedBytes(1'000);
  viewer.transport().setWriteStalledSince(h().nowMs);
  EXPECT_EQ(tick(viewer, 300), 300);
}

}  // namespace
}  // namespace rtmp::server::testing
