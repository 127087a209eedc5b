#include "net/listener.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::RawClient;
using testing::Waiter;

using ListenerTest = testing::PoolTest<2>;

// Keeps accepted connections open (reading, ignoring data) and records the
// loop each one landed on.
struct Accepted {
  explicit Accepted(LoopPool& pool) : pool(pool) {}
  ~Accepted() { pool.stop(); }  // no callback may outlive this object

  LoopPool& pool;
  Waiter waiter;
  std::vector<size_t> loops;
  std::vector<SocketAddress> peers;
  int closed = 0;

  Listener::ConnectionHandler handler() {
    return [this](Connection& c) {
      const size_t index = c.loop().index();
      const SocketAddress peer = c.peer();
      c.start({.onClose = [this](Connection&, const base::Error&) {
        waiter.update([&] { ++closed; });
      }});
      waiter.update([&] {
        loops.push_back(index);
        peers.push_back(peer);
      });
    };
  }
  size_t count() {
    return waiter.read([&] { return loops.size(); });
  }
};

TEST_F(ListenerTest, ReportsTheKernelChosenPortForPortZero) {
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1", .port = 0}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  const SocketAddress& local = (*listener)->localAddress();
  EXPECT_EQ(local.ip, "127.0.0.1");
  EXPECT_FALSE(local.ipv6);
  EXPECT_NE(local.port, 0);
  EXPECT_EQ((*listener)->port(), local.port);

  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", local.port));
  ASSERT_TRUE(accepted.waiter.waitFor([&] { return accepted.loops.size() == 1; }));
  EXPECT_EQ(accepted.peers[0].ip, "127.0.0.1");
  EXPECT_EQ(accepted.peers[0].port, client.localPort());
  EXPECT_EQ((*listener)->acceptedCount(), 1u);
  pool_.stop();
  EXPECT_EQ(accepted.closed, 1);
}

TEST_F(ListenerTest, ListensOnIpv6Loopback) {
  if (!testing::haveIpv6Loopback()) GTEST_SKIP() << "no ::1 on this machine";
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "::1", .port = 0}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  EXPECT_EQ((*listener)->localAddress().ip, "::1");
  EXPECT_TRUE((*listener)->localAddress().ipv6);
  EXPECT_EQ((*listener)->localAddress().toString(), "[::1]:" + std::to_string((*listener)->port()));

  RawClient client;
  ASSERT_TRUE(client.connect("::1", (*listener)->port()));
  ASSERT_TRUE(accepted.waiter.waitFor([&] { return accepted.loops.size() == 1; }));
  EXPECT_EQ(accepted.peers[0].ip, "::1");
  EXPECT_TRUE(accepted.peers[0].ipv6);
  pool_.stop();
}

TEST_F(ListenerTest, DualStackListenerReportsMappedPeersAsIpv4) {
  if (!testing::haveIpv6Loopback()) GTEST_SKIP() << "no IPv6 on this machine";
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "::", .port = 0}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", (*listener)->port()));
  ASSERT_TRUE(accepted.waiter.waitFor([&] { return accepted.loops.size() == 1; }));
  EXPECT_EQ(accepted.peers[0].ip, "127.0.0.1");  // not "::ffff:127.0.0.1"
  EXPECT_FALSE(accepted.peers[0].ipv6);
  pool_.stop();
}

TEST_F(ListenerTest, HandsConnectionsToMoreThanOneLoop) {
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  std::vector<RawClient> clients(4);
  for (auto& client : clients) {
    ASSERT_TRUE(client.connect("127.0.0.1", (*listener)->port()));
  }
  ASSERT_TRUE(accepted.waiter.waitFor([&] { return accepted.loops.size() == 4; }));
  const std::set<size_t> loops(accepted.loops.begin(), accepted.loops.end());
  EXPECT_EQ(loops.size(), 2u);
  pool_.stop();
  EXPECT_EQ(accepted.closed, 4);
}

TEST_F(ListenerTest, TakenPortIsAddressInUseNamingHostAndPort) {
  Accepted accepted(pool_);
  auto first = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
  ASSERT_TRUE(first.ok()) << first.error().toString();
  const uint16_t port = (*first)->port();
  auto second = Listener::listen(pool_, {.host = "127.0.0.1", .port = port}, accepted.handler());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), base::ErrorCode::kAddressInUse);
  EXPECT_NE(second.error().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << second.error().message();
}

TEST_F(ListenerTest, HostThatIsNotAnIpIsInvalidArgument) {
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "not-an-ip", .port = 1935}, accepted.handler());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(listener.error().message().find("not-an-ip:1935"), std::string::npos);
}

TEST_F(ListenerTest, AddressNotOnThisMachineIsIoError) {
  Accepted accepted(pool_);
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
  auto listener = Listener::listen(pool_, {.host = "192.0.2.1"}, accepted.handler());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().code(), base::ErrorCode::kIo);
  EXPECT_NE(listener.error().message().find("192.0.2.1:0"), std::string::npos);
}

TEST_F(ListenerTest, AcceptLoopOutOfRangeIsInvalidArgument) {
  Accepted accepted(pool_);
  auto listener =
      Listener::listen(pool_, {.host = "127.0.0.1", .acceptLoop = 7}, accepted.handler());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().code(), base::ErrorCode::kInvalidArgument);
}

TEST_F(ListenerTest, ListenOnStoppedPoolFails) {
  pool_.stop();
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().code(), base::ErrorCode::kClosed);
}

TEST_F(ListenerTest, AcceptFilterRejectsByAddress) {
  Accepted accepted(pool_);
  Waiter filterWaiter;
  std::vector<SocketAddress> asked;
  testing::StopOnExit stopOnExit(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler(),
                                   [&](const SocketAddress& peer) {
                                     filterWaiter.update([&] { asked.push_back(peer); });
                                     return peer.ip != "127.0.0.1";
                                   });
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", (*listener)->port()));
  EXPECT_TRUE(client.readUntilClosed());  // closed by the server without a byte
  ASSERT_TRUE(filterWaiter.waitFor([&] { return asked.size() == 1; }));
  EXPECT_EQ(asked[0].port, client.localPort());
  EXPECT_EQ((*listener)->rejectedCount(), 1u);
  EXPECT_EQ((*listener)->acceptedCount(), 0u);
  pool_.stop();
  EXPECT_EQ(accepted.count(), 0u);
}

TEST_F(ListenerTest, PausedListenerLeavesPeersInTheBacklogUntilResumed) {
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  (*listener)->pause();
  testing::runOn(loop(0), [] {});  // the pause request has run

  RawClient first;
  RawClient second;
  ASSERT_TRUE(first.connect("127.0.0.1", (*listener)->port()));  // the kernel completes it
  ASSERT_TRUE(second.connect("127.0.0.1", (*listener)->port()));
  // Bounded look for a wrong delivery; passing never depends on timing.
  EXPECT_FALSE(accepted.waiter.waitFor([&] { return !accepted.loops.empty(); },
                                       std::chrono::milliseconds(200)));
  (*listener)->resume();
  ASSERT_TRUE(accepted.waiter.waitFor([&] { return accepted.loops.size() == 2; }));
  pool_.stop();
}

TEST_F(ListenerTest, CloseFreesThePort) {
  Accepted accepted(pool_);
  auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  const uint16_t port = (*listener)->port();
  (*listener)->close();
  (*listener)->close();  // idempotent
  testing::runOn(loop(0), [] {});
  auto again = Listener::listen(pool_, {.host = "127.0.0.1", .port = port}, accepted.handler());
  ASSERT_TRUE(again.ok()) << again.error().toString();
  EXPECT_EQ((*again)->port(), port);
}

TEST_F(ListenerTest, DestroyingTheListenerStopsListening) {
  Accepted accepted(pool_);
  uint16_t port;
  {
    auto listener = Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler());
    ASSERT_TRUE(listener.ok()) << listener.error().toString();
    port = (*listener)->port();
  }
  testing::runOn(loop(0), [] {});
  RawClient client;
  EXPECT_FALSE(client.connect("127.0.0.1", port));  // refused: nobody listens
}

TEST_F(ListenerTest, ListenFromTheAcceptLoopItselfWorks) {
  Accepted accepted(pool_);
  auto listener = testing::runOn(
      loop(0), [&] { return Listener::listen(pool_, {.host = "127.0.0.1"}, accepted.handler()); });
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  EXPECT_NE((*listener)->port(), 0);
}

}  // namespace
}  // namespace rtmp::net
