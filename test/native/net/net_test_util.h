// Helpers for net/ tests: bounded waits, running code on a loop, a blocking
// POSIX client (independent of the code under test), and a fixture that
// proves teardown (no handle left on any loop, no Connection alive).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "net/connection.h"
#include "net/loop_pool.h"

namespace rtmp::net::testing {

// Every wait is bounded so that a bug fails the test instead of hanging CI.
inline constexpr std::chrono::milliseconds kTimeout{10000};

// Polls `done` every 5 ms until it holds or kTimeout passes: for state the
// test cannot be told about (a socket closed by the server, a count elsewhere).
inline bool pollUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Test state shared between loop threads and the test thread: mutate it
// inside update(), wait on it with waitFor().
class Waiter {
 public:
  template <typename F>
  void update(F&& fn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn();
    }
    cv_.notify_all();
  }
  template <typename P>
  bool waitFor(P&& predicate, std::chrono::milliseconds timeout = kTimeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, std::forward<P>(predicate));
  }
  template <typename F>
  auto read(F&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    return fn();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

// Runs fn on `loop` and returns its result (waits at most kTimeout).
template <typename F>
auto runOn(LoopThread& loop, F fn) -> decltype(fn()) {
  using R = decltype(fn());
  auto promise = std::make_shared<std::promise<R>>();
  std::future<R> future = promise->get_future();
  const bool posted = loop.post([promise, fn = std::move(fn)]() mutable {
    if constexpr (std::is_void_v<R>) {
      fn();
      promise->set_value();
    } else {
      promise->set_value(fn());
    }
  });
  EXPECT_TRUE(posted) << "loop not running";
  if (!posted || future.wait_for(kTimeout) != std::future_status::ready) {
    ADD_FAILURE() << "task on loop did not finish in time";
    std::abort();  // a half-run task would leave dangling references behind
  }
  return future.get();
}

// A blocking client socket with 10 s send/receive timeouts.
class RawClient {
 public:
  RawClient() = default;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ~RawClient() { closeNow(); }

  bool connect(const std::string& ip, uint16_t port) {
    sockaddr_storage addr{};
    socklen_t length;
    const bool v6 = ip.find(':') != std::string::npos;
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(port);
      if (inet_pton(AF_INET6, ip.c_str(), &a->sin6_addr) != 1) return false;
      length = sizeof(sockaddr_in6);
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      a->sin_family = AF_INET;
      a->sin_port = htons(port);
      if (inet_pton(AF_INET, ip.c_str(), &a->sin_addr) != 1) return false;
      length = sizeof(sockaddr_in);
    }
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    if (receiveBuffer_ > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer_, sizeof(receiveBuffer_));
    }
    timeval tv{static_cast<time_t>(kTimeout.count() / 1000), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), length) == 0;
  }

  // Shrinks the receive buffer (applied by connect(), before the handshake
  // fixes the window) so that a server's writes back up quickly.
  void setReceiveBuffer(int bytes) { receiveBuffer_ = bytes; }

  bool sendAll(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    while (size > 0) {
      const ssize_t n = ::send(fd_, p, size, MSG_NOSIGNAL);
      if (n <= 0) return false;
      p += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }
  bool sendText(const std::string& text) { return sendAll(text.data(), text.size()); }

  // Reads exactly `size` bytes (nullopt on EOF, error or timeout).
  std::optional<std::vector<uint8_t>> readExactly(size_t size) {
    std::vector<uint8_t> out(size);
    size_t got = 0;
    while (got < size) {
      const ssize_t n = ::recv(fd_, out.data() + got, size - got, 0);
      if (n <= 0) return std::nullopt;
      got += static_cast<size_t>(n);
    }
    return out;
  }

  // Reads until the peer closes; true on EOF or reset, false on timeout.
  // Discards data; `bytes` receives how many bytes came before the end.
  bool readUntilClosed(size_t* bytes = nullptr) {
    uint8_t buffer[65536];
    size_t total = 0;
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) {
        total += static_cast<size_t>(n);
        continue;
      }
      if (bytes != nullptr) *bytes = total;
      if (n == 0) return true;
      return errno == ECONNRESET;
    }
  }

  uint16_t localPort() const {
    sockaddr_storage addr{};
    socklen_t length = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    if (addr.ss_family == AF_INET6) {
      return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    }
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }

  void closeNow() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int receiveBuffer_ = 0;
};

// Stops the pool when it goes out of scope. Declare it after the locals that
// callbacks capture, so that an early return from a failed ASSERT stops the
// loops before those locals die.
class StopOnExit {
 public:
  explicit StopOnExit(LoopPool& pool) : pool_(pool) {}
  StopOnExit(const StopOnExit&) = delete;
  StopOnExit& operator=(const StopOnExit&) = delete;
  ~StopOnExit() { pool_.stop(); }

 private:
  LoopPool& pool_;
};

// True when the machine has an IPv6 loopback to test on.
inline bool haveIpv6Loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// A deterministic byte pattern (not periodic at any power of two).
inline std::vector<uint8_t> pattern(size_t size, uint32_t seed = 1) {
  std::vector<uint8_t> out(size);
  uint32_t x = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<uint8_t>(x >> 16);
  }
  return out;
}

// Fixture: a started pool; TearDown stops it and proves the teardown.
template <size_t kThreads>
class PoolTest : public ::testing::Test {
 protected:
  PoolTest() : pool_(LoopPoolOptions{kThreads, Balance::kRoundRobin, "test"}) {}
  void SetUp() override { ASSERT_TRUE(pool_.start().ok()); }
  void TearDown() override {
    pool_.stop();
    EXPECT_EQ(pool_.handlesLeftAtStop(), 0u) << "a handle was left open on a loop";
    EXPECT_EQ(Connection::liveCount(), 0u) << "a Connection was never deleted";
  }
  LoopThread& loop(size_t i = 0) { return pool_.at(i); }

  LoopPool pool_;
};

}  // namespace rtmp::net::testing
