// Stopping the pool with work in flight: every connection learns why it
// closed, every handle is closed, and nothing runs after stop() returns.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/loop_pool.h"
#include "net/timer.h"
#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::RawClient;
using testing::runOn;
using testing::Waiter;

TEST(Shutdown, StopWithLiveConnectionsClosesEverythingWithTheReason) {
  LoopPool pool(LoopPoolOptions{2, Balance::kLeastConnections, "stop"});
  ASSERT_TRUE(pool.start().ok());

  Waiter waiter;
  int accepted = 0;
  std::vector<base::Error> reasons;
  std::atomic<int> callbacksAfterStop{0};
  std::atomic<bool> stopped{false};
  // Pending writes at stop time, to check cancelled writes release their Bytes.
  const base::Bytes big = base::Bytes::copyOf(testing::pattern(4 * 1024 * 1024));
  std::vector<std::unique_ptr<Timer>> timers;  // one per loop, touched on that loop
  testing::StopOnExit stopOnExit(pool);        // an early ASSERT return stops before locals die

  auto listener = Listener::listen(pool, {.host = "127.0.0.1"}, [&](Connection& c) {
    c.start({.onData =
                 [&](Connection&, std::span<const uint8_t>) {
                   if (stopped) callbacksAfterStop++;
                 },
             .onClose =
                 [&](Connection& closing, const base::Error& why) {
                   if (stopped) callbacksAfterStop++;
                   EXPECT_FALSE(closing.write(big));
                   waiter.update([&] { reasons.push_back(why); });
                 }});
    c.write(big);
    waiter.update([&] { ++accepted; });
  });
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  pool.forEach([&](LoopThread& loop) {
    runOn(loop, [&] {
      auto timer = std::make_unique<Timer>(loop);
      timer->start(std::chrono::milliseconds(3600000), [&] { callbacksAfterStop++; });
      waiter.update([&] { timers.push_back(std::move(timer)); });
    });
  });

  std::vector<RawClient> clients(4);
  for (auto& client : clients) {
    client.setReceiveBuffer(4096);
    ASSERT_TRUE(client.connect("127.0.0.1", (*listener)->port()));
  }
  ASSERT_TRUE(waiter.waitFor([&] { return accepted == 4; }));
  // An outgoing connection too, on loop 1, to a plain socket that listens but
  // never accepts (the kernel completes the handshake from its backlog). Its
  // peer must stay up during the stop: had it been one of our own
  // connections, whichever loop stopped first would close it, and the other
  // end could legitimately report "peer closed" instead of the stop reason.
  const int rawListener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(rawListener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(rawListener, 8), 0);
  socklen_t length = sizeof(addr);
  getsockname(rawListener, reinterpret_cast<sockaddr*>(&addr), &length);
  bool outgoingConnected = false;
  runOn(pool.at(1), [&] {
    auto result = Connection::connect(
        pool.at(1), "127.0.0.1", ntohs(addr.sin_port),
        {.onConnect = [&](Connection&) { waiter.update([&] { outgoingConnected = true; }); },
         .onClose =
             [&](Connection&, const base::Error& why) {
               waiter.update([&] { reasons.push_back(why); });
             }});
    ASSERT_TRUE(result.ok());
  });
  ASSERT_TRUE(waiter.waitFor([&] { return outgoingConnected; }));

  pool.stop(base::Error(base::ErrorCode::kClosed, "server stopping for the test"));
  stopped = true;

  EXPECT_EQ(pool.handlesLeftAtStop(), 0u);
  EXPECT_EQ(Connection::liveCount(), 0u);
  ASSERT_EQ(reasons.size(), 5u);  // 4 accepted + 1 outgoing, each exactly once
  for (const base::Error& reason : reasons) {
    EXPECT_EQ(reason.code(), base::ErrorCode::kClosed);
    EXPECT_EQ(reason.message(), "server stopping for the test");
  }
  EXPECT_EQ(big.useCount(), 1u);  // cancelled writes released their references
  for (auto& timer : timers) {
    EXPECT_TRUE(timer->closed());
  }
  pool.forEach([](LoopThread& loop) { EXPECT_EQ(loop.connectionCount(), 0u); });

  // The peers see the end; nothing on the engine side runs any more.
  for (auto& client : clients) {
    EXPECT_TRUE(client.readUntilClosed());
    client.sendText("anyone?");
  }
  EXPECT_EQ(callbacksAfterStop.load(), 0);
  timers.clear();
  listener->reset();
  ::close(rawListener);
}

TEST(Shutdown, PostsAreRefusedOnceStopBegins) {
  LoopPool pool(LoopPoolOptions{2, Balance::kRoundRobin, "stop"});
  ASSERT_TRUE(pool.start().ok());
  std::atomic<bool> refusedOnLoop{false};
  // A task that runs during shutdown (posted before stop) cannot post again.
  Waiter waiter;
  bool inTask = false;
  bool release = false;
  ASSERT_TRUE(pool.at(0).post([&] {
    waiter.update([&] { inTask = true; });
    waiter.waitFor([&] { return release; });
    refusedOnLoop = !pool.at(0).post([] {});
  }));
  ASSERT_TRUE(waiter.waitFor([&] { return inTask; }));
  pool.at(0).requestStop();
  waiter.update([&] { release = true; });
  pool.stop();
  EXPECT_TRUE(refusedOnLoop.load());
  EXPECT_FALSE(pool.at(1).post([] {}));
  EXPECT_EQ(pool.handlesLeftAtStop(), 0u);
}

TEST(Shutdown, HandOffToAStoppedLoopClosesTheSocket) {
  // Loop 1 stops first; the listener on loop 0 still accepts, and what it
  // hands to loop 1 is closed instead of leaking.
  LoopPool pool(LoopPoolOptions{2, Balance::kRoundRobin, "stop"});
  ASSERT_TRUE(pool.start().ok());
  Waiter waiter;
  int delivered = 0;
  auto listener = Listener::listen(pool, {.host = "127.0.0.1"}, [&](Connection& c) {
    c.start({});
    waiter.update([&] { ++delivered; });
  });
  ASSERT_TRUE(listener.ok());
  testing::StopOnExit stopOnExit(pool);
  pool.at(1).stop();
  // Round robin from a fresh pool: the first peer goes to loop 0, the second
  // to the stopped loop 1.
  RawClient kept;
  RawClient dropped;
  ASSERT_TRUE(kept.connect("127.0.0.1", (*listener)->port()));
  ASSERT_TRUE(dropped.connect("127.0.0.1", (*listener)->port()));
  EXPECT_TRUE(dropped.readUntilClosed());
  ASSERT_TRUE(waiter.waitFor([&] { return delivered == 1; }));
  pool.stop();
  EXPECT_EQ(pool.handlesLeftAtStop(), 0u);
  EXPECT_EQ(pool.at(1).connectionCount(), 0u);
}

}  // namespace
}  // namespace rtmp::net
