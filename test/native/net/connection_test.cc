#include "net/connection.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "base/bytes.h"
#include "net/alloc_counter.h"
#include "net/listener.h"
#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::RawClient;
using testing::runOn;
using testing::Waiter;

constexpr size_t kMiB = 1024 * 1024;

using ConnectionTest = testing::PoolTest<2>;

// Server side of the tests: remembers the accepted connection (touched only on
// its loop) and records what happened to it.
struct Server {
  explicit Server(LoopPool& pool) : pool(pool) {}
  ~Server() { pool.stop(); }  // no callback may outlive this object

  LoopPool& pool;
  Waiter waiter;
  Connection* connection = nullptr;  // valid until onClose
  LoopThread* loop = nullptr;
  int closes = 0;
  base::Error reason{base::ErrorCode::kOk};
  std::vector<uint8_t> received;
  int drains = 0;
  bool pauseOnAccept = false;
  std::unique_ptr<Listener> listener;

  void listen(const std::string& host = "127.0.0.1") {
    auto result = Listener::listen(pool, {.host = host}, [this](Connection& c) {
      if (pauseOnAccept) c.pauseReading();
      c.start({
          .onData =
              [this](Connection&, std::span<const uint8_t> data) {
                waiter.update([&] { received.insert(received.end(), data.begin(), data.end()); });
              },
          .onDrain = [this](Connection&) { waiter.update([&] { ++drains; }); },
          .onClose =
              [this](Connection& closing, const base::Error& why) {
                // Writing from onClose is a no-op.
                EXPECT_FALSE(closing.write(base::Bytes::copyOf(std::string_view("late"))));
                EXPECT_FALSE(closing.isOpen());
                waiter.update([&] {
                  ++closes;
                  reason = why;
                  connection = nullptr;
                });
              },
      });
      waiter.update([&] {
        connection = &c;
        loop = &c.loop();
      });
    });
    ASSERT_TRUE(result.ok()) << result.error().toString();
    listener = std::move(*result);
  }
  uint16_t port() const { return listener->port(); }
  bool waitAccepted() {
    return waiter.waitFor([&] { return connection != nullptr; });
  }
  // Runs fn(connection) on the connection's loop.
  template <typename F>
  auto withConnection(F fn) {
    Connection* c = waiter.read([&] { return connection; });
    LoopThread* l = waiter.read([&] { return loop; });
    return runOn(*l, [c, fn = std::move(fn)]() mutable { return fn(*c); });
  }
};

// Echoes every byte back as a three-piece gathered write, pausing reads while
// more than 1 MiB waits to be written.
void startEcho(Connection& c) {
  c.start({
      .onData =
          [](Connection& conn, std::span<const uint8_t> data) {
            base::Bytes copy = base::Bytes::copyOf(data);  // the read buffer is reused
            const size_t a = copy.size() / 3;
            const size_t b = 2 * copy.size() / 3;
            EXPECT_TRUE(conn.write({copy.slice(0, a), copy.slice(a, b - a), copy.slice(b)}));
            if (conn.queuedBytes() > kMiB) conn.pauseReading();
          },
      .onDrain = [](Connection& conn) { conn.resumeReading(); },
  });
}

void echoThrough(LoopPool& pool, const std::string& host, size_t total) {
  auto listener = Listener::listen(pool, {.host = host}, startEcho);
  ASSERT_TRUE(listener.ok()) << listener.error().toString();
  const uint16_t port = (*listener)->port();

  const std::vector<uint8_t> sent = testing::pattern(total);
  const base::Bytes payload = base::Bytes::copyOf(sent);
  Waiter waiter;
  std::vector<uint8_t> received;
  received.reserve(total);
  bool closed = false;
  Connection* client = nullptr;
  testing::StopOnExit stopOnExit(pool);

  runOn(pool.at(1), [&] {
    auto result = Connection::connect(
        pool.at(1), host, port,
        {.onData =
             [&](Connection&, std::span<const uint8_t> data) {
               waiter.update([&] { received.insert(received.end(), data.begin(), data.end()); });
             },
         .onConnect =
             [&](Connection& c) {
               // One gathered write of 64 KiB slices of the same buffer.
               std::vector<base::Bytes> slices;
               for (size_t offset = 0; offset < total; offset += 64 * 1024) {
                 slices.push_back(payload.slice(offset, 64 * 1024));
               }
               EXPECT_TRUE(c.write(slices));
             },
         .onClose = [&](Connection&,
                        const base::Error&) { waiter.update([&] { closed = true; }); }});
    ASSERT_TRUE(result.ok()) << result.error().toString();
    client = *result;
  });
  ASSERT_TRUE(waiter.waitFor([&] { return received.size() >= total; }))
      << "echoed " << waiter.read([&] { return received.size(); }) << " of " << total;
  EXPECT_EQ(received.size(), total);
  EXPECT_TRUE(received == sent) << "echoed bytes differ";
  runOn(pool.at(1), [&] {
    EXPECT_EQ(client->bytesRead(), total);
    EXPECT_EQ(client->bytesWritten(), total);
    EXPECT_EQ(client->queuedBytes(), 0u);
    client->close();
  });
  ASSERT_TRUE(waiter.waitFor([&] { return closed; }));
  EXPECT_EQ(payload.useCount(), 1u);  // every slice released
  pool.stop();
}

TEST_F(ConnectionTest, EchoesTenMebibytesExactlyWithGatheredWrites) {
  echoThrough(pool_, "127.0.0.1", 10 * kMiB);
}

TEST_F(ConnectionTest, EchoesOverIpv6Loopback) {
  if (!testing::haveIpv6Loopback()) GTEST_SKIP() << "no ::1 on this machine";
  echoThrough(pool_, "::1", 2 * kMiB);
}

TEST_F(ConnectionTest, QueuedWritesHoldSharedBytesUntilWritten) {
  Server server(pool_);
  server.listen();
  RawClient client;
  client.setReceiveBuffer(4096);
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());

  // Far more than the socket buffers hold, so part of it must be queued.
  const std::vector<uint8_t> expected = testing::pattern(8 * kMiB, 7);
  const base::Bytes big = base::Bytes::copyOf(expected);
  const auto [written, queued, uses] = server.withConnection([&](Connection& c) {
    const bool ok = c.write({big.slice(0, kMiB), big.slice(kMiB)});
    return std::tuple(ok, c.queuedBytes(), big.useCount());
  });
  EXPECT_TRUE(written);
  EXPECT_GT(queued, 0u);
  EXPECT_GT(uses, 1u) << "the queued write must reference the caller's Bytes";

  auto echoed = client.readExactly(expected.size());
  ASSERT_TRUE(echoed.has_value());
  EXPECT_TRUE(*echoed == expected);
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.drains == 1; }));
  EXPECT_EQ(big.useCount(), 1u) << "written Bytes must be released";
  EXPECT_EQ(server.withConnection([](Connection& c) { return c.queuedBytes(); }), 0u);
  pool_.stop();
}

// bytesTaken() counts what the kernel took of a write that has not completed:
// the write timeout's measure, so a peer that reads slowly is seen to progress
// although a large write keeps queuedBytes() unchanged.
TEST_F(ConnectionTest, BytesTakenMovesWithAPartialReadOfOneLargeWrite) {
  Server server(pool_);
  server.listen();
  RawClient client;
  client.setReceiveBuffer(4096);
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());

  const std::vector<uint8_t> expected = testing::pattern(8 * kMiB, 3);
  const base::Bytes big = base::Bytes::copyOf(expected);
  const auto [queued, taken] = server.withConnection([&](Connection& c) {
    EXPECT_TRUE(c.write(big));
    return std::tuple(c.queuedBytes(), c.bytesTaken());
  });
  ASSERT_GT(queued, kMiB) << "the test needs most of the write queued";
  EXPECT_GE(taken, big.size() - queued) << "at least what the kernel took at once";

  // The peer reads 1 MiB: the one queued write is not complete, yet the
  // kernel took more of it.
  auto first = client.readExactly(kMiB);
  ASSERT_TRUE(first.has_value());
  uint64_t takenAfterRead = taken;
  size_t queuedAfterRead = queued;
  for (int look = 0; look < 2'000 && takenAfterRead == taken; ++look) {
    std::tie(queuedAfterRead, takenAfterRead) = server.withConnection(
        [](Connection& c) { return std::tuple(c.queuedBytes(), c.bytesTaken()); });
    if (takenAfterRead == taken) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(takenAfterRead, taken);
  EXPECT_EQ(queuedAfterRead, queued) << "queuedBytes() moves only when the write completes";

  auto rest = client.readExactly(expected.size() - kMiB);
  ASSERT_TRUE(rest.has_value());
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.drains == 1; }));
  EXPECT_EQ(server.withConnection([](Connection& c) { return c.bytesTaken(); }), big.size());
  pool_.stop();
}

TEST_F(ConnectionTest, PeerCloseFiresOnCloseOnce) {
  Server server(pool_);
  server.listen();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(client.sendText("bye"));
  ASSERT_TRUE(server.waitAccepted());
  client.closeNow();
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.closes == 1; }));
  EXPECT_EQ(server.reason.code(), base::ErrorCode::kClosed);
  EXPECT_NE(server.reason.message().find("peer closed"), std::string::npos);
  pool_.stop();
  EXPECT_EQ(server.closes, 1);  // the loop stopping does not report it again
  EXPECT_EQ(std::string(server.received.begin(), server.received.end()), "bye");
}

TEST_F(ConnectionTest, CloseWithPendingWritesReleasesThemAndReportsTheReason) {
  Server server(pool_);
  server.listen();
  RawClient client;
  client.setReceiveBuffer(4096);
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());

  const base::Bytes big = base::Bytes::copyOf(testing::pattern(8 * kMiB));
  const bool writeAfterClose = server.withConnection([&](Connection& c) {
    EXPECT_TRUE(c.write(big));
    EXPECT_GT(c.queuedBytes(), 0u);
    c.close(base::Error(base::ErrorCode::kLimitExceeded, "queue too long"));
    c.close(base::Error(base::ErrorCode::kIo, "second close is ignored"));
    return c.write(big);
  });
  EXPECT_FALSE(writeAfterClose);
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.closes == 1; }));
  EXPECT_EQ(server.reason.code(), base::ErrorCode::kLimitExceeded);
  EXPECT_EQ(server.reason.message(), "queue too long");
  EXPECT_EQ(big.useCount(), 1u) << "cancelled writes must release their Bytes";
  EXPECT_EQ(server.drains, 0);  // no drain callback while closing
  size_t got = 0;
  EXPECT_TRUE(client.readUntilClosed(&got));
  EXPECT_LT(got, big.size());
  pool_.stop();
  EXPECT_EQ(server.closes, 1);
}

TEST_F(ConnectionTest, PausedReadingDeliversNothingUntilResumed) {
  Server server(pool_);
  server.pauseOnAccept = true;
  server.listen();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());
  ASSERT_TRUE(client.sendText("hello"));
  EXPECT_TRUE(server.withConnection([](Connection& c) { return c.readingPaused(); }));
  // Bounded look for a wrong delivery; passing never depends on timing.
  EXPECT_FALSE(server.waiter.waitFor([&] { return !server.received.empty(); },
                                     std::chrono::milliseconds(200)));
  server.withConnection([](Connection& c) { c.resumeReading(); });
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.received.size() == 5; }));
  pool_.stop();
}

TEST_F(ConnectionTest, ReportsAddressesOnBothEnds) {
  Server server(pool_);
  server.listen();
  Waiter waiter;
  SocketAddress clientPeer;
  SocketAddress clientLocal;
  bool connected = false;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(1), [&] {
    auto result =
        Connection::connect(loop(1), "127.0.0.1", server.port(), {.onConnect = [&](Connection& c) {
                              waiter.update([&] {
                                clientPeer = c.peer();
                                clientLocal = c.local();
                                connected = true;
                              });
                            }});
    ASSERT_TRUE(result.ok()) << result.error().toString();
  });
  ASSERT_TRUE(waiter.waitFor([&] { return connected; }));
  ASSERT_TRUE(server.waitAccepted());
  EXPECT_EQ(clientPeer.ip, "127.0.0.1");
  EXPECT_EQ(clientPeer.port, server.port());
  const auto [peer, local, id] =
      server.withConnection([](Connection& c) { return std::tuple(c.peer(), c.local(), c.id()); });
  EXPECT_EQ(peer.port, clientLocal.port);
  EXPECT_EQ(local.port, server.port());
  EXPECT_NE(id, 0u);
  EXPECT_TRUE(server.withConnection([](Connection& c) { return c.setKeepAlive(true, 30).ok(); }));
  pool_.stop();
}

TEST_F(ConnectionTest, ConnectToClosedPortReportsIoErrorThroughOnClose) {
  // A bound socket that does not listen: connecting to its port is refused.
  const int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t length = sizeof(addr);
  getsockname(blocker, reinterpret_cast<sockaddr*>(&addr), &length);
  const uint16_t port = ntohs(addr.sin_port);

  Waiter waiter;
  int connects = 0;
  int closes = 0;
  base::Error reason{base::ErrorCode::kOk};
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(0), [&] {
    auto result =
        Connection::connect(loop(0), "127.0.0.1", port,
                            {.onConnect = [&](Connection&) { waiter.update([&] { ++connects; }); },
                             .onClose =
                                 [&](Connection&, const base::Error& why) {
                                   waiter.update([&] {
                                     ++closes;
                                     reason = why;
                                   });
                                 }});
    ASSERT_TRUE(result.ok()) << result.error().toString();
  });
  ASSERT_TRUE(waiter.waitFor([&] { return closes == 1; }));
  EXPECT_EQ(connects, 0);
  EXPECT_EQ(reason.code(), base::ErrorCode::kIo);
  EXPECT_NE(reason.message().find("ECONNREFUSED"), std::string::npos) << reason.message();
  ::close(blocker);
  pool_.stop();
}

TEST_F(ConnectionTest, ConnectToNonNumericHostFailsAtOnce) {
  auto result = runOn(loop(0), [&] { return Connection::connect(loop(0), "example", 1935, {}); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message().find("example:1935"), std::string::npos);
}

TEST_F(ConnectionTest, CloseWhileConnectingStillFiresOnCloseOnce) {
  Server server(pool_);
  server.listen();
  Waiter waiter;
  int closes = 0;
  int connects = 0;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(1), [&] {
    auto result = Connection::connect(
        loop(1), "127.0.0.1", server.port(),
        {.onConnect = [&](Connection&) { waiter.update([&] { ++connects; }); },
         .onClose = [&](Connection&, const base::Error&) { waiter.update([&] { ++closes; }); }});
    ASSERT_TRUE(result.ok());
    // Queued before the connect completes, then cancelled by the close.
    EXPECT_TRUE((*result)->write(base::Bytes::copyOf(std::string_view("early"))));
    (*result)->close();
  });
  ASSERT_TRUE(waiter.waitFor([&] { return closes == 1; }));
  EXPECT_EQ(connects, 0);
  pool_.stop();
  EXPECT_EQ(closes, 1);
}

TEST_F(ConnectionTest, WriteOfNothingSucceedsWithoutQueueing) {
  Server server(pool_);
  server.listen();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());
  const auto [ok, queued] = server.withConnection([](Connection& c) {
    const bool written = c.write({base::Bytes(), base::Bytes()});
    return std::pair(written, c.queuedBytes());
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(queued, 0u);
  pool_.stop();
}

TEST_F(ConnectionTest, PeerResetClosesWithIoError) {
  Server server(pool_);
  server.listen();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());
  linger abortive{1, 0};  // close() now sends RST instead of FIN
  setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
  client.closeNow();
  ASSERT_TRUE(server.waiter.waitFor([&] { return server.closes == 1; }));
  EXPECT_EQ(server.reason.code(), base::ErrorCode::kIo);
  EXPECT_NE(server.reason.message().find("ECONNRESET"), std::string::npos)
      << server.reason.message();
  pool_.stop();
}

TEST_F(ConnectionTest, LoopThreadsBlockSigpipeSoAResetPeerCannotKillTheProcess) {
  for (size_t i = 0; i < pool_.size(); ++i) {
    const bool blocked = runOn(loop(i), [] {
      sigset_t mask;
      pthread_sigmask(SIG_BLOCK, nullptr, &mask);
      return sigismember(&mask, SIGPIPE) == 1;
    });
    EXPECT_TRUE(blocked) << "loop " << i;
  }
}

}  // namespace
}  // namespace rtmp::net

namespace rtmp::net {
namespace {

// A merged flush hands one player's held messages over as one gathered write
// of up to 256 buffers. The uv_buf_t array for it is the loop's scratch array,
// so once warm such a write allocates nothing (when the kernel takes it all).
TEST_F(ConnectionTest, GatheredWriteOfManyBuffersAllocatesNothingOnceWarm) {
  Server server(pool_);
  server.listen();
  RawClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", server.port()));
  ASSERT_TRUE(server.waitAccepted());
  // 256 slices of 16 bytes: 4 KiB, well within what a loopback socket takes at once.
  const std::vector<uint8_t> expected = testing::pattern(256 * 16, 5);
  const base::Bytes data = base::Bytes::copyOf(expected);
  std::vector<base::Bytes> slices;
  for (size_t i = 0; i < 256; ++i) slices.push_back(data.slice(i * 16, 16));

  EXPECT_TRUE(server.withConnection([&](Connection& c) { return c.write(slices); }));
  auto first = client.readExactly(expected.size());
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(*first == expected);
  const uint64_t allocations = server.withConnection([&](Connection& c) {
    return rtmp::testing::allocationsDuring([&] { EXPECT_TRUE(c.write(slices)); });
  });
  EXPECT_EQ(allocations, 0u);
  auto second = client.readExactly(expected.size());
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(*second == expected);
  pool_.stop();
}

}  // namespace
}  // namespace rtmp::net
