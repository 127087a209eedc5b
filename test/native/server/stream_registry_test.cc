// StreamRegistry: streams by "app/name", held by the sessions using them and
// forgotten only when nothing holds them and nobody publishes.
#include "server/stream_registry.h"

#include <gtest/gtest.h>

namespace rtmp::server::testing {
namespace {

class StreamRegistryTest : public ::testing::Test {
 protected:
  StreamRegistry registry_{StreamOptions{}};
};

TEST_F(StreamRegistryTest, MissingStreamWithoutCreateIsNull) {
  EXPECT_EQ(registry_.acquire("live", "cam", /*create=*/false), nullptr);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, CreateThenReleaseForgetsTheStream) {
  auto s = registry_.acquire("live", "cam", true);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->app(), "live");
  EXPECT_EQ(s->name(), "cam");
  EXPECT_EQ(registry_.size(), 1u);
  registry_.release(s);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, StreamIsKeptWhileAnyHoldRemains) {
  auto a = registry_.acquire("live", "cam", true);
  auto b = registry_.acquire("live", "cam", false);
  EXPECT_EQ(a, b);
  registry_.release(a);
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_EQ(registry_.acquire("live", "cam", false), a);  // a third hold
  registry_.release(a);
  registry_.release(b);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, PublishingStreamIsKeptWithoutHolds) {
  auto s = registry_.acquire("live", "cam", true);
  ASSERT_TRUE(s->beginPublish(1, 0));
  registry_.release(s);
  EXPECT_EQ(registry_.size(), 1u);
  s->endPublish(1);
  // Forgotten at the next release of a hold, as a session does it:
  // endPublish first, then release.
  auto again = registry_.acquire("live", "cam", false);
  registry_.release(again);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, SameNameInAnotherAppIsAnotherStream) {
  auto a = registry_.acquire("live", "cam", true);
  auto b = registry_.acquire("studio", "cam", true);
  EXPECT_NE(a, b);
  EXPECT_EQ(registry_.size(), 2u);
  registry_.release(a);
  registry_.release(b);
}

TEST_F(StreamRegistryTest, RequirePublishingRefusesAnIdleStreamWithoutTakingAHold) {
  auto waiting = registry_.acquire("live", "cam", true);
  EXPECT_EQ(registry_.acquire("live", "cam", false, /*requirePublishing=*/true), nullptr);
  registry_.release(waiting);
  EXPECT_EQ(registry_.size(), 0u);  // the refused acquire left no hold behind
}

TEST_F(StreamRegistryTest, RequirePublishingFindsALiveStream) {
  auto pub = registry_.acquire("live", "cam", true);
  ASSERT_TRUE(pub->beginPublish(1, 0));
  auto player = registry_.acquire("live", "cam", false, true);
  EXPECT_EQ(player, pub);
  pub->endPublish(1);
  registry_.release(pub);
  registry_.release(player);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, ReleasingAStaleStreamDoesNotTouchItsSuccessor) {
  auto old = registry_.acquire("live", "cam", true);
  registry_.release(old);
  auto fresh = registry_.acquire("live", "cam", true);
  ASSERT_NE(old, fresh);
  registry_.release(old);  // a second release of the forgotten one
  EXPECT_EQ(registry_.size(), 1u);
  registry_.release(fresh);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, ReleaseOfNullIsHarmless) {
  registry_.release(nullptr);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, SnapshotListsOnlyPublishingStreams) {
  auto live = registry_.acquire("live", "on", true);
  auto idle = registry_.acquire("live", "off", true);
  ASSERT_TRUE(live->beginPublish(7, 1234));
  auto snap = registry_.snapshot();
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap[0].stream, "on");
  EXPECT_EQ(snap[0].publisherId, 7u);
  EXPECT_EQ(snap[0].startedAtMs, 1234u);
  live->endPublish(7);
  registry_.release(live);
  registry_.release(idle);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StreamRegistryTest, KeyJoinsAppAndName) {
  EXPECT_EQ(StreamRegistry::keyOf("live", "cam"), "live/cam");
}

}  // namespace
}  // namespace rtmp::server::testing
