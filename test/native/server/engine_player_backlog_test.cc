// A player's backlog with the real Engine on 127.0.0.1: the bytes a player's
// socket has not taken decide its drops (SlowConsumerPolicy). The connection
// skips asking the socket while it knows the socket's queue is empty (it was
// empty after the last write, or drained since); once the socket backs up, the
// queue must be seen again, in immediate and in merged writes. Every wait is
// bounded (10 s).
#include <gtest/gtest.h>

#include "blocking_rtmp_client.h"
#include "flv_samples.h"
#include "server/engine.h"

namespace rtmp::server {
namespace {

using net::testing::pollUntil;
using rtmp::server::testing::BlockingRtmpClient;

class EnginePlayerBacklogTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(EnginePlayerBacklogTest, APlayerThatStopsReadingDropsVideoPastTheByteCap) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 1;
  config.mergeWritesMs = GetParam();
  config.playerQueueMs = 600'000;  // only the byte cap can make it drop
  // Above what a connection holds for one gathered write (1 MiB): only the
  // socket's own queue can pass it.
  config.playerQueueMaxBytes = 4u << 20;
  Engine engine(config, [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  const uint16_t port = engine.boundPort();

  BlockingRtmpClient player;
  player.setReceiveBuffer(4096);
  ASSERT_TRUE(player.open(port));
  ASSERT_EQ(player.connect(), "_result");
  ASSERT_TRUE(player.play("cam"));  // and never reads again

  BlockingRtmpClient publisher;
  ASSERT_TRUE(publisher.open(port));
  ASSERT_EQ(publisher.connect(), "_result");
  ASSERT_TRUE(publisher.publish("cam"));
  ASSERT_TRUE(publisher.sendMedia(9, 0, testing::avcSequenceHeader()));
  // 24 MB of frames: more than the socket buffers between server and player
  // hold, so the socket's own queue grows past the 4 MiB cap.
  for (uint32_t i = 0; i < 1'200; ++i) {
    const auto frame = testing::avcKeyframe(static_cast<uint8_t>(i), 0, 20'000);
    ASSERT_TRUE(publisher.sendMedia(9, 40 * i, frame));
  }

  auto playerDrops = [&]() -> uint64_t {
    for (const auto& s : engine.stats().sessions) {
      if (s.role == SessionRole::kPlayer) return s.droppedVideo;
    }
    return 0;
  };
  EXPECT_TRUE(pollUntil([&] { return playerDrops() > 0; }))
      << "the player's socket backlog was not seen";
  EXPECT_TRUE(player.stillOpen());
  engine.stop();
  EXPECT_EQ(engine.sessionCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(ImmediateAndMerged, EnginePlayerBacklogTest, ::testing::Values(0u, 33u));

}  // namespace
}  // namespace rtmp::server
