// The pending-connection budget with the real Engine on 127.0.0.1 (issue 10,
// defect 3): sockets that connect and send nothing used to count toward
// maxConnections, so enough of them refused every real client. Now they have
// their own budget, the oldest is closed to make room, and a real client
// still gets through. Every wait is bounded (the sockets' 10 s timeouts).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "blocking_rtmp_client.h"
#include "net/net_test_util.h"
#include "server/engine.h"

namespace rtmp::server {
namespace {

using net::testing::RawClient;
using namespace std::chrono_literals;

using net::testing::pollUntil;

// Nothing to read and not closed: the server still holds it open.
bool stillOpen(RawClient& client) {
  uint8_t byte;
  const ssize_t n = ::recv(client.fd(), &byte, 1, MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

TEST(EnginePendingTest, IdleSocketsOverTheBudgetCloseTheOldestAndARealClientGetsIn) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 2;
  config.maxConnections = 4;
  config.maxPendingConnections = 4;
  config.maxPendingPerIp = 0;          // the total budget is under test here
  config.handshakeTimeoutMs = 60'000;  // no timeout closes the idle sockets during the test
  Engine engine(config, [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  const uint16_t port = engine.boundPort();

  // Four sockets that send nothing fill the budget, accepted in order.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (size_t i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawClient>());
    ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
    ASSERT_TRUE(pollUntil([&] { return engine.sessionCount() == i + 1; }));
  }
  // Each one more closes the oldest: the server ends it (EOF), not the newcomer.
  idle.push_back(std::make_unique<RawClient>());
  ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
  ASSERT_TRUE(idle[0]->readUntilClosed()) << "the oldest idle socket was not closed";
  idle.push_back(std::make_unique<RawClient>());
  ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
  ASSERT_TRUE(idle[1]->readUntilClosed()) << "the next oldest idle socket was not closed";

  // A real client still connects, though idle sockets outnumber maxConnections.
  rtmp::server::testing::BlockingRtmpClient real;
  ASSERT_TRUE(real.open(port));
  EXPECT_EQ(real.connect(), "_result");
  EXPECT_TRUE(stillOpen(*idle.back())) << "the newest idle socket was closed";
  EXPECT_TRUE(real.stillOpen());

  engine.stop();
  EXPECT_EQ(engine.sessionCount(), 0u);
}

}  // namespace
}  // namespace rtmp::server
