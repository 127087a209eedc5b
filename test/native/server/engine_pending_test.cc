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

#include "net/net_test_util.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/command_builders.h"
#include "protocol/handshake_client.h"
#include "server/engine.h"

namespace rtmp::server {
namespace {

using net::testing::RawClient;
using namespace std::chrono_literals;

bool waitUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// An RTMP handshake and connect over a blocking socket. Returns the name of
// the command that answered connect ("_result" or "_error"), or what failed.
std::string handshakeAndConnect(RawClient& client) {
  protocol::ClientHandshakeOptions options;
  options.digest = false;
  protocol::ClientHandshake handshake(options);
  auto c0c1 = handshake.start();
  if (!c0c1.ok() || !client.sendAll(c0c1->data(), c0c1->size())) return "no C0+C1";
  auto s0s1s2 = client.readExactly(1 + 1536 + 1536);
  if (!s0s1s2) return "no S0+S1+S2";
  auto step = handshake.feed(*s0s1s2);
  if (!step.ok() || !step->done) return "handshake failed";

  protocol::ConnectParams params;
  params.app = "live";
  params.tcUrl = "rtmp://127.0.0.1/live";
  auto connect = protocol::buildConnect(1, params);
  if (!connect.ok()) return "cannot build connect";
  protocol::ChunkWriter writer;
  base::BytesBuilder out(256);
  if (!writer.write(*connect, out).ok()) return "cannot chunk connect";
  base::Bytes chunks = out.freeze();
  std::vector<uint8_t> bytes = step->output;  // C2
  bytes.insert(bytes.end(), chunks.data(), chunks.data() + chunks.size());
  if (!client.sendAll(bytes.data(), bytes.size())) return "cannot send connect";

  protocol::ChunkReader reader;
  std::vector<protocol::Message> messages;
  uint8_t buffer[4096];
  for (int reads = 0; reads < 64; ++reads) {
    const ssize_t n = ::recv(client.fd(), buffer, sizeof(buffer), 0);
    if (n <= 0) return "closed before an answer to connect";
    if (!reader.feed(std::span<const uint8_t>(buffer, static_cast<size_t>(n)), messages).ok()) {
      return "bad chunk stream";
    }
    for (const protocol::Message& m : messages) {
      if (!protocol::isCommandMessage(m)) continue;
      auto command = protocol::decodeCommand(m);
      if (command.ok() && (command->name == "_result" || command->name == "_error")) {
        return command->name;
      }
    }
    messages.clear();
  }
  return "no answer to connect";
}

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
  config.maxPendingPerIp = 0;  // the total budget is under test here
  config.handshakeTimeoutMs = 60'000;  // no timeout closes the idle sockets during the test
  Engine engine(config, [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  const uint16_t port = engine.boundPort();

  // Four sockets that send nothing fill the budget, accepted in order.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (size_t i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawClient>());
    ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
    ASSERT_TRUE(waitUntil([&] { return engine.sessionCount() == i + 1; }));
  }
  // Each one more closes the oldest: the server ends it (EOF), not the newcomer.
  idle.push_back(std::make_unique<RawClient>());
  ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
  ASSERT_TRUE(idle[0]->readUntilClosed()) << "the oldest idle socket was not closed";
  idle.push_back(std::make_unique<RawClient>());
  ASSERT_TRUE(idle.back()->connect("127.0.0.1", port));
  ASSERT_TRUE(idle[1]->readUntilClosed()) << "the next oldest idle socket was not closed";

  // A real client still connects, though idle sockets outnumber maxConnections.
  RawClient real;
  ASSERT_TRUE(real.connect("127.0.0.1", port));
  EXPECT_EQ(handshakeAndConnect(real), "_result");
  EXPECT_TRUE(stillOpen(*idle.back())) << "the newest idle socket was closed";
  EXPECT_TRUE(stillOpen(real));

  engine.stop();
  EXPECT_EQ(engine.sessionCount(), 0u);
}

}  // namespace
}  // namespace rtmp::server
