// A player of a stream nobody publishes (issue 14): it waits for a publisher
// for config.playWaitMs, then is answered NetStream.Play.StreamNotFound and
// closed; the play event and the session snapshot say it is waiting, and a
// PlayingEvent follows when a publisher comes in time. The clock is the
// harness's, advanced one second at a time as the loop's housekeeping does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using Names = std::vector<std::string>;

class PlayWaitTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.playWaitMs = 3'000;
    configure(config);
  }
  bool snapshotWaiting(uint64_t sessionId) {
    for (const SessionSnapshot& s : h().table.snapshot()) {
      if (s.id == sessionId) return s.waiting;
    }
    ADD_FAILURE() << "no session " << sessionId;
    return false;
  }
  std::vector<bool> playEventsWaiting() {
    std::vector<bool> out;
    for (const EngineEvent& e : h().eventsOf(EventKind::kPlay)) {
      out.push_back(e.as<PlayEvent>().waiting);
    }
    return out;
  }
};

TEST_F(PlayWaitTest, APlayerOfAMissingStreamIsToldItWaits) {
  TestClient& viewer = player("nobody");
  EXPECT_EQ(playEventsWaiting(), std::vector<bool>{true});
  EXPECT_TRUE(snapshotWaiting(viewer.id()));
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Reset", "NetStream.Play.Start"}));
}

TEST_F(PlayWaitTest, StreamNotFoundAndCloseWhenTheWaitRunsOut) {
  TestClient& viewer = player("nobody");
  EXPECT_EQ(tick(viewer, 10), 3);
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.StreamNotFound");
  ASSERT_TRUE(viewer.transport().closeReason());
  EXPECT_EQ(viewer.transport().closeReason()->code(), base::ErrorCode::kStreamNotFound);
  EXPECT_EQ(viewer.transport().closeReason()->message(),
            "live/nobody was not published within 3 s");
  EXPECT_TRUE(h().eventsOf(EventKind::kPlaying).empty());
}

TEST_F(PlayWaitTest, APublisherWithinTheWaitStartsThePlayer) {
  TestClient& viewer = player("cam");
  EXPECT_EQ(tick(viewer, 2), 2);
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  ASSERT_EQ(h().eventsOf(EventKind::kPlaying).size(), 1u);
  EXPECT_EQ(h().eventsOf(EventKind::kPlaying)[0].as<PlayingEvent>().waitedMs, 2'000u);
  EXPECT_EQ(h().eventsOf(EventKind::kPlaying)[0].header.sessionId, viewer.id());
  EXPECT_FALSE(snapshotWaiting(viewer.id()));
  EXPECT_EQ(tick(viewer, 10), 10);  // no StreamNotFound any more
  EXPECT_EQ(viewer.transport().closeCalls(), 0);
  EXPECT_FALSE(viewer.avMedia().empty());
}

TEST_F(PlayWaitTest, APlayerOfALiveStreamDoesNotWait) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  TestClient& viewer = player("cam");
  EXPECT_EQ(playEventsWaiting(), std::vector<bool>{false});
  EXPECT_FALSE(snapshotWaiting(viewer.id()));
  EXPECT_TRUE(h().eventsOf(EventKind::kPlaying).empty());
  EXPECT_EQ(tick(viewer, 10), 10);
}

TEST_F(PlayWaitTest, ThePublisherLeavingStartsTheWaitAgain) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  TestClient& viewer = player("cam");
  pub.close();
  EXPECT_TRUE(snapshotWaiting(viewer.id()));
  EXPECT_EQ(tick(viewer, 10), 3);
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.StreamNotFound");
  EXPECT_EQ(viewer.transport().closeReason()->message(),
            "live/cam has not been published again within 3 s");
}

TEST_F(PlayWaitTest, AReconnectingEncoderKeepsItsPlayers) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  TestClient& viewer = player("cam");
  pub.close();
  EXPECT_EQ(tick(viewer, 2), 2);
  publisher("cam");
  ASSERT_EQ(h().eventsOf(EventKind::kPlaying).size(), 1u);
  EXPECT_FALSE(snapshotWaiting(viewer.id()));
  EXPECT_EQ(tick(viewer, 10), 10);
  EXPECT_EQ(viewer.transport().closeCalls(), 0);
}

TEST_F(PlayWaitTest, StoppingThePlayClearsWaiting) {
  TestClient& viewer = player("nobody");
  viewer.close();
  EXPECT_TRUE(h().eventsOf(EventKind::kPlaying).empty());
  EXPECT_EQ(h().eventsOf(EventKind::kStop).size(), 1u);
}

TEST_F(SessionTest, AZeroPlayWaitAnswersStreamNotFoundAtOnce) {
  EngineConfig config;
  config.playWaitMs = 0;
  configure(config);
  TestClient& viewer = player("nobody");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.StreamNotFound"}));
  EXPECT_EQ(viewer.transport().closeReason()->code(), base::ErrorCode::kStreamNotFound);
  EXPECT_TRUE(h().eventsOf(EventKind::kPlay).empty());
}

}  // namespace
}  // namespace rtmp::server::testing
