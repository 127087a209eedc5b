// Listener: a listening TCP socket on one loop of a LoopPool that hands each
// accepted connection to a loop picked by the pool (pinned there for life).
//
// How a socket changes loops (Linux/Unix): the accept loop accepts into a
// temporary uv_tcp_t of its own, reads the peer address, asks the accept
// filter, then duplicates the descriptor (fcntl F_DUPFD_CLOEXEC) and closes
// the temporary handle. The duplicate travels to the target loop in a mailbox
// task and is wrapped there with uv_tcp_open. No loop ever touches another
// loop's handles, and the temporary handle is never read from, so it is never
// registered with the accept loop's epoll set (a registration there would
// outlive the close, since epoll tracks the open file, not the descriptor).
// A task dropped by a stopping loop closes its descriptor (UniqueFd).
//
// libuv sets SO_REUSEADDR on every TCP bind on Unix, so a restarted server
// can bind while old connections sit in TIME_WAIT.
//
// Threading: listen() from any thread that is not a loop of the pool, or from
// the accept loop itself. The other methods from any thread. Destroy the
// Listener before the pool, or after pool.stop() (stop closes it anyway).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/error.h"
#include "net/connection.h"
#include "net/loop_pool.h"
#include "net/socket_address.h"

namespace rtmp::net {

struct ListenOptions {
  std::string host = "0.0.0.0";  // numeric IPv4 or IPv6 ("::" for all IPv6 and mapped IPv4)
  uint16_t port = 0;             // 0: the kernel picks; read it back with port()
  int backlog = 511;
  bool ipv6Only = false;  // with an IPv6 host: refuse IPv4-mapped peers
  size_t acceptLoop = 0;  // index of the pool loop that accepts
};

class Listener {
 public:
  // Accept loop: return false to refuse the peer (its socket is closed at
  // once, before any other loop sees it). For IP rules and connection limits.
  using AcceptFilter = std::function<bool(const SocketAddress& peer)>;
  // The connection's own loop: a new connection, not yet reading. Call
  // start() on it (or close()); see Connection for the lifetime rule.
  using ConnectionHandler = std::function<void(Connection& connection)>;

  // Binds and listens. Errors name host:port: kAddressInUse when the port is
  // taken, kInvalidArgument for a host that is not a numeric IP, kIo for the
  // rest (EACCES, EADDRNOTAVAIL, ...), kClosed if the accept loop is not running.
  static base::Result<std::unique_ptr<Listener>> listen(LoopPool& pool,
                                                        const ListenOptions& options,
                                                        ConnectionHandler onConnection,
                                                        AcceptFilter filter = nullptr);

  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener();  // close()

  // The bound address, with the real port when 0 was asked for.
  const SocketAddress& localAddress() const;
  uint16_t port() const { return localAddress().port; }

  // Stop / restart taking connections. While paused, new peers wait in the
  // kernel's backlog (their connect succeeds, nothing reads them) instead of
  // being refused.
  void pause();
  void resume();
  // Stops listening (the port is free once the accept loop has run the
  // request). Connections already handed out are not affected. Idempotent.
  void close();

  uint64_t acceptedCount() const;  // handed to a loop
  uint64_t rejectedCount() const;  // refused by the filter

 private:
  struct Core;  // defined in listener.cc
  explicit Listener(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  std::shared_ptr<Core> core_;
};

}  // namespace rtmp::net
