// The write timeout with the real Engine on 127.0.0.1 (issue 10, defect 4): a
// player that stops reading kept its session forever (players are exempt from
// the idle timeout). Now the session is closed once its socket has taken
// nothing for writeTimeoutMs, and the publisher is not affected. Every wait is
// bounded (10 s).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "blocking_rtmp_client.h"
#include "flv_samples.h"
#include "server/engine.h"

namespace rtmp::server {
namespace {

using rtmp::server::testing::BlockingRtmpClient;
using namespace std::chrono_literals;

using net::testing::pollUntil;

TEST(EngineWriteTimeoutTest, APlayerThatStopsReadingIsClosedAndThePublisherGoesOn) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 2;
  config.writeTimeoutMs = 1'000;
  // The player's queue keeps everything, so its socket stays backed up.
  config.playerQueueMs = 600'000;
  config.playerQueueMaxBytes = 256u << 20;
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
  ASSERT_EQ(engine.sessionCount(), 2u);
  ASSERT_TRUE(publisher.sendMedia(9, 0, testing::avcSequenceHeader()));
  // 16 MB of frames: more than the socket buffers between server and player hold.
  for (uint32_t i = 0; i < 800; ++i) {
    const auto frame = testing::avcKeyframe(static_cast<uint8_t>(i), 0, 20'000);
    ASSERT_TRUE(publisher.sendMedia(9, 40 * i, frame));
  }

  EXPECT_TRUE(pollUntil([&] { return engine.sessionCount() == 1; }))
      << "the player that stopped reading was not closed";
  const auto sessions = engine.stats().sessions;
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].role, SessionRole::kPublisher) << "the publisher goes on";
  engine.stop();
  EXPECT_EQ(engine.sessionCount(), 0u);
}

}  // namespace
}  // namespace rtmp::server
