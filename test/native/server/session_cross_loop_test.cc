// Publisher on loop A, players on loop B: media crosses loops through one post
// per message per destination loop (not per player), and a tap that joins
// while posts are queued sees every message exactly once (the seq filter).
#include <gtest/gtest.h>

#include <map>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using Names = std::vector<std::string>;

TEST_F(SessionTest, MediaForAPlayerOnAnotherLoopArrivesWhenThatLoopRuns) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  EXPECT_TRUE(viewer.media().empty());
  EXPECT_GT(h().loopB.pending(), 0u);
  EXPECT_EQ(h().loopA.pending(), 0u);
  h().loopB.drain();
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100", "P1", "A101"}));
}

TEST_F(SessionTest, OnePostPerMessagePerLoopNotPerPlayer) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& p1 = player("cam", &h().loopB);
  TestClient& p2 = player("cam", &h().loopB);
  TestClient& p3 = player("cam", &h().loopB);
  const uint64_t before = h().loopB.posts();
  publishHeaders(pub, 0);           // 3 messages
  publishFrames(pub, 0, 0, 4, 25);  // 8 messages
  EXPECT_EQ(h().loopB.posts() - before, 11u);
  EXPECT_EQ(h().loopA.posts(), 0u);
  h().loopB.drain();
  const Names expected{"meta", "VH", "AH", "K0", "A100", "P1", "A101", "P2", "A102", "P3", "A103"};
  EXPECT_EQ(kinds(p1.media()), expected);
  EXPECT_EQ(kinds(p2.media()), expected);
  EXPECT_EQ(kinds(p3.media()), expected);
}

TEST_F(SessionTest, PlayersOnBothLoopsGetTheSameStream) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& local = player("cam", &h().loopA);
  TestClient& remote = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 3, 25);
  EXPECT_EQ(local.media().size(), 9u);  // delivered on the publisher's loop at once
  h().loopB.drain();
  EXPECT_EQ(describe(remote.media()), describe(local.media()));
  for (size_t i = 0; i < local.media().size(); ++i) {
    EXPECT_EQ(bytesOf(remote.media()[i]), bytesOf(local.media()[i]));
  }
}

TEST_F(SessionTest, TapJoiningWhilePostsAreQueuedGetsEachMessageOnce) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& early = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 3, 25);
  ASSERT_EQ(h().loopB.pending(), 9u);  // nothing delivered on B yet
  // Joins on B with those 9 posts still queued: its snapshot already has them.
  TestClient& late = player("cam", &h().loopB);
  const Names expected{"meta", "VH", "AH", "K0", "A100", "P1", "A101", "P2", "A102"};
  EXPECT_EQ(kinds(late.media()), expected);
  h().loopB.drain();
  EXPECT_EQ(kinds(late.media()), expected);
  EXPECT_EQ(kinds(early.media()), expected);
  publishFrames(pub, 0, 3, 4, 25);
  h().loopB.drain();
  EXPECT_EQ(kinds(late.avMedia()).back(), "A103");
  EXPECT_EQ(late.media().size(), early.media().size());
  EXPECT_FALSE(late.readerError().has_value());
}

TEST_F(SessionTest, PublisherGoneReachesPlayersOnOtherLoopsInOrder) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  pub.close();
  h().loopB.drain();
  // The media queued before the publisher left comes first.
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100"}));
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.UnpublishNotify");
  EXPECT_EQ(viewer.userControls().back().type, protocol::UserControlEventType::kStreamEof);
}

TEST_F(SessionTest, WaitingPlayerOnAnotherLoopSeesThePublishThroughItsQueue) {
  TestClient& viewer = player("cam", &h().loopB);
  TestClient& pub = publisher("cam", &h().loopA);
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.Start");
  h().loopB.drain();
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.PublishNotify");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  h().loopB.drain();
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100"}));
}

TEST_F(SessionTest, PlayerLeavingWithPostsQueuedGetsNothingMore) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  const size_t written = viewer.transport().output().size();
  viewer.close();
  EXPECT_TRUE(h().loopB.fanouts().empty());
  h().loopB.drain();  // the queued posts find an empty fan-out
  EXPECT_EQ(viewer.transport().output().size(), written);
}

TEST_F(SessionTest, LastTapLeavingALoopStopsThePostsThere) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  viewer.close();
  h().loopB.drain();
  const uint64_t before = h().loopB.posts();
  publishFrames(pub, 0, 0, 3, 25);
  EXPECT_EQ(h().loopB.posts(), before);
}

TEST_F(SessionTest, NewTapOnALoopWhoseLastTapLeftWithPostsQueuedGetsEachMessageOnce) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& first = player("cam", &h().loopB);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  first.close();  // its fan-out on B is dropped with 7 posts still queued
  TestClient& second = player("cam", &h().loopB);
  publishFrames(pub, 0, 2, 3, 25);
  h().loopB.drain();
  EXPECT_EQ(kinds(second.media()),
            (Names{"meta", "VH", "AH", "K0", "A100", "P1", "A101", "P2", "A102"}));
}

TEST_F(SessionTest, ForcedCurrentLoopDeliversWithoutPosting) {
  // A destination loop that reports itself current gets media synchronously.
  h().loopB.forceCurrent(true);
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  const uint64_t before = h().loopB.posts();
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  EXPECT_EQ(h().loopB.posts(), before);
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100"}));
  h().loopB.forceCurrent(std::nullopt);
}

TEST_F(SessionTest, StoppedLoopDropsPostsWithoutHarm) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopB);
  h().loopB.stop();
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  EXPECT_EQ(h().loopB.pending(), 0u);
  EXPECT_TRUE(viewer.media().empty());
  EXPECT_EQ(pub.transport().closeCalls(), 0);
}

}  // namespace
}  // namespace rtmp::server::testing
