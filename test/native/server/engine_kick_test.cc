// Kick and the disconnect event with the real Engine on 127.0.0.1: once the
// host hears a session's disconnect, that session is gone from the table, so
// kick(id) answers false and sessionCount() no longer counts it. The event
// used to be emitted before the table let go, and a host that kicked again
// (or listed sessions) on hearing it could still see the closed session.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "blocking_rtmp_client.h"
#include "server/engine.h"

namespace rtmp::server {
namespace {

using net::testing::pollUntil;
using rtmp::server::testing::BlockingRtmpClient;

TEST(EngineKickTest, TheTableHasLetGoWhenTheDisconnectEventIsHeard) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 1;
  std::atomic<int> disconnects{0};
  std::atomic<int> kickedAgain{-1};
  std::atomic<int> countAtDisconnect{-1};
  // The callback runs on the session's loop thread, inside the close.
  Engine* self = nullptr;
  Engine engine(config, [&](EngineEvent&& event) {
    if (event.kind() != EventKind::kDisconnect || self == nullptr) return;
    kickedAgain = self->kick(event.header.sessionId, "again") ? 1 : 0;
    countAtDisconnect = static_cast<int>(self->sessionCount());
    ++disconnects;
  });
  self = &engine;
  ASSERT_TRUE(engine.start().ok());

  BlockingRtmpClient client;
  ASSERT_TRUE(client.open(engine.boundPort()));
  ASSERT_EQ(client.connect(), "_result");
  ASSERT_EQ(engine.sessionCount(), 1u);
  const auto sessions = engine.stats().sessions;
  ASSERT_EQ(sessions.size(), 1u);

  ASSERT_TRUE(engine.kick(sessions[0].id, "bye now"));
  ASSERT_TRUE(pollUntil([&] { return disconnects.load() == 1; })) << "no disconnect event";
  EXPECT_EQ(kickedAgain.load(), 0) << "kick() found the session its disconnect was about";
  EXPECT_EQ(countAtDisconnect.load(), 0) << "the closed session was still counted";
  EXPECT_FALSE(engine.kick(sessions[0].id, "after"));
  engine.stop();
}

}  // namespace
}  // namespace rtmp::server
