// The output budget against a real socket (issue 10, defect 1): a client on
// loopback completes the handshake, then sends Ping Requests and never reads.
// The Ping Responses fill the kernel's buffers, then the connection's write
// queue; EngineConnection::pendingControlBytes sees that backlog and the
// session is closed with "output budget exceeded". Time- and byte-boxed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/engine.h"

namespace rtmp::server {
namespace {

using namespace std::chrono_literals;

// The engine's error and disconnect events, kept under a lock (loop thread → test).
class Events {
 public:
  void add(const EngineEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (e.kind() == EventKind::kError) errors_.push_back(e.as<ErrorEvent>().reason);
    if (e.kind() == EventKind::kDisconnect) ++disconnects_;
    changed_.notify_all();
  }
  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
  }
  bool waitForDisconnect() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return disconnects_ > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> errors_;
  int disconnects_ = 0;
};

// Blocking helpers over a raw socket; false on any failure.
bool sendAll(int fd, const std::vector<uint8_t>& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}
bool recvExactly(int fd, std::vector<uint8_t>& out, size_t n) {
  out.resize(n);
  size_t off = 0;
  while (off < n) {
    ssize_t got = ::recv(fd, out.data() + off, n - off, 0);
    if (got <= 0) return false;
    off += static_cast<size_t>(got);
  }
  return true;
}

// 1000 Ping Requests on chunk stream 2: a type-0 header first (12 bytes:
// csid 2, timestamp 0, length 6, type 4 User Control, stream 0), then type-2
// headers (0x82 + 3-byte delta 0); each body is event 6 + a 4-byte timestamp.
std::vector<uint8_t> pings(bool first) {
  std::vector<uint8_t> out;
  for (uint32_t i = 0; i < 1000; ++i) {
    if (i == 0 && first) {
      out.insert(out.end(), {0x02, 0, 0, 0, 0, 0, 6, 4, 0, 0, 0, 0});
    } else {
      out.insert(out.end(), {0x82, 0, 0, 0});
    }
    out.insert(out.end(), {0x00, 0x06, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
                           static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)});
  }
  return out;
}

TEST(EngineOutputBudgetTest, NonReadingPingFlooderIsClosedOnceItsRepliesPassTheBudget) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 1;
  config.maxPendingOutputBytes = 64 * 1024;
  // The flooder never sends connect: only the budget may close it, however
  // slow a loaded (or sanitized) machine makes the flood.
  config.connectTimeoutMs = 0;
  Events events;
  Engine engine(config, [&](EngineEvent&& e) { events.add(e); });
  ASSERT_TRUE(engine.start().ok());

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int small = 4096;  // a small receive window: the backlog builds on the server's side sooner
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  timeval bounded{5, 0};  // no blocking call of this test waits longer
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bounded, sizeof bounded);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bounded, sizeof bounded);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(engine.boundPort());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  // Simple handshake: C0+C1, S0+S1+S2 back, C2 echoes S1. Then never read again.
  std::vector<uint8_t> c0c1(1537, 0);
  c0c1[0] = 3;
  ASSERT_TRUE(sendAll(fd, c0c1));
  std::vector<uint8_t> s0s1s2;
  ASSERT_TRUE(recvExactly(fd, s0s1s2, 1 + 2 * 1536));
  ASSERT_TRUE(sendAll(fd, std::vector<uint8_t>(s0s1s2.begin() + 1, s0s1s2.begin() + 1537)));

  // Flood until the server stops taking bytes (it paused reading to close) or
  // resets us; at most 16 MiB or 20 s, whichever comes first.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  size_t sent = 0;
  bool first = true;
  int stalls = 0;
  while (sent < (16u << 20) && std::chrono::steady_clock::now() < deadline && stalls < 200) {
    std::vector<uint8_t> block = pings(first);
    first = false;
    ssize_t n = ::send(fd, block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ++stalls;  // 200 × 10 ms without progress: the server is not reading
      std::this_thread::sleep_for(10ms);
      continue;
    }
    if (n <= 0) break;  // reset: closed
    stalls = 0;
    // A partial send leaves a cut chunk: finish it, blocking.
    if (static_cast<size_t>(n) < block.size()) {
      std::vector<uint8_t> rest(block.begin() + n, block.end());
      if (!sendAll(fd, rest)) break;
    }
    sent += block.size();
  }

  ASSERT_TRUE(events.waitForDisconnect()) << "still open after " << sent << " bytes of pings";
  auto errors = events.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("output budget exceeded"), std::string::npos) << errors[0];
  ::close(fd);
  engine.stop();
}

}  // namespace
}  // namespace rtmp::server
