#include "net/listener.h"

#include <fcntl.h>
#include <uv.h>

#include <atomic>
#include <future>
#include <utility>

#include "base/log.h"
#include "net/tcp_connection.h"
#include "net/uv_util.h"

namespace rtmp::net {

namespace {

void freeTemporary(uv_handle_t* handle) {
  delete reinterpret_cast<uv_tcp_t*>(handle);
}

struct Handlers {
  Listener::ConnectionHandler onConnection;
  Listener::AcceptFilter filter;
};

// Runs on the target loop: wraps the descriptor and introduces the connection.
void handOver(LoopThread& target, detail::UniqueFd fd, const SocketAddress& peer,
              const Handlers& handlers) {
  auto adopted = detail::TcpConnection::adopt(target, std::move(fd), peer);
  if (!adopted.ok()) {
    base::log(base::LogLevel::kWarn, "net",
              "dropped connection from " + peer.toString() + ": " + adopted.error().toString());
    return;
  }
  Connection& connection = **adopted;
  if (handlers.onConnection) {
    handlers.onConnection(connection);
  } else {
    connection.close(base::Error(base::ErrorCode::kRejected, "no connection handler"));
  }
}

}  // namespace

// Owns the listening uv_tcp_t. Shared by the Listener and by tasks in flight;
// keeps itself alive (self) while its handle is open, since libuv may still
// call into it until the close callback.
struct Listener::Core final : LoopResource, std::enable_shared_from_this<Core> {
  Core(LoopPool& pool, LoopThread& loop, std::shared_ptr<const Handlers> handlers)
      : pool(&pool), loop(&loop), handlers(std::move(handlers)) {}

  base::Status open(const ListenOptions& options);
  void closeOnLoop();
  void shutdown(const base::Error&) override { closeOnLoop(); }
  void acceptOne();
  template <typename F>
  void runOnLoop(F&& fn);

  static void onConnection(uv_stream_t* server, int status);
  static void onClosed(uv_handle_t* handle);

  LoopPool* pool;
  LoopThread* loop;
  std::shared_ptr<const Handlers> handlers;
  uv_tcp_t tcp;
  SocketAddress local;  // written once by open(), read-only afterwards
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<bool> closed{false};

  // Loop thread only.
  std::shared_ptr<Core> self;  // set while the handle is open
  bool handleOpen = false;
  bool paused = false;
  bool pendingAccept = false;  // a peer libuv accepted while paused
};

base::Status Listener::Core::open(const ListenOptions& options) {
  const std::string where = "listen " + formatHostPort(options.host, options.port);
  if (loop->closing()) {
    return base::Error(base::ErrorCode::kClosed, where + ": loop stopping");
  }
  sockaddr_storage addr;
  if (detail::parseIp(options.host, options.port, &addr) != 0) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       where + ": host is not a numeric IPv4/IPv6 address");
  }
  // Create the socket with the right family now, so bind flags apply to it.
  int rc = uv_tcp_init_ex(loop->uvLoop(), &tcp, addr.ss_family);
  if (rc != 0) {
    return detail::uvError(base::ErrorCode::kIo, where, rc);
  }
  tcp.data = this;
  self = shared_from_this();
  handleOpen = true;
  loop->attach(this);

  const unsigned flags = addr.ss_family == AF_INET6 && options.ipv6Only ? UV_TCP_IPV6ONLY : 0;
  rc = uv_tcp_bind(&tcp, reinterpret_cast<const sockaddr*>(&addr), flags);
  if (rc == 0) {
    // On Unix, libuv defers EADDRINUSE from bind() to this call.
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&tcp), options.backlog, &Core::onConnection);
  }
  if (rc != 0) {
    closeOnLoop();
    return detail::uvError(base::ErrorCode::kIo, where, rc);
  }
  local = detail::localAddressOf(&tcp);
  return base::okStatus();
}

void Listener::Core::closeOnLoop() {
  if (!handleOpen) {
    return;
  }
  handleOpen = false;
  closed.store(true);
  // Closes the socket now (the port is free when this returns), including a
  // peer accepted while paused; the memory waits for onClosed.
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp), &Core::onClosed);
}

void Listener::Core::onClosed(uv_handle_t* handle) {
  auto* core = static_cast<Core*>(handle->data);
  core->loop->detach(core);
  std::shared_ptr<Core> keep = std::move(core->self);
  // `core` may be destroyed when `keep` goes out of scope.
}

void Listener::Core::onConnection(uv_stream_t* server, int status) {
  auto* core = static_cast<Core*>(server->data);
  if (status < 0) {
    // EMFILE/ENFILE and the like; libuv keeps listening.
    base::log(base::LogLevel::kWarn, "net",
              "accept on " + core->local.toString() + ": " + detail::uvErrorText(status));
    return;
  }
  if (core->paused) {
    // Not calling uv_accept() makes libuv stop polling the listening socket
    // until we do: further peers queue in the kernel backlog. resume() accepts.
    core->pendingAccept = true;
    return;
  }
  core->acceptOne();
}

void Listener::Core::acceptOne() {
  auto* temporary = new uv_tcp_t;
  uv_tcp_init(loop->uvLoop(), temporary);  // no socket yet: cannot fail
  auto* temporaryHandle = reinterpret_cast<uv_handle_t*>(temporary);
  int rc =
      uv_accept(reinterpret_cast<uv_stream_t*>(&tcp), reinterpret_cast<uv_stream_t*>(temporary));
  if (rc != 0) {
    base::log(base::LogLevel::kWarn, "net",
              "accept on " + local.toString() + ": " + detail::uvErrorText(rc));
    uv_close(temporaryHandle, freeTemporary);
    return;
  }
  const SocketAddress peer = detail::peerAddressOf(temporary);
  // An empty peer address means the peer is already gone (getpeername failed).
  if (peer.ip.empty() || (handlers->filter && !handlers->filter(peer))) {
    rejected.fetch_add(1, std::memory_order_relaxed);
    uv_close(temporaryHandle, freeTemporary);
    return;
  }
  uv_os_fd_t fd = -1;
  uv_fileno(temporaryHandle, &fd);
  const int duplicate = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  uv_close(temporaryHandle, freeTemporary);  // closes the original descriptor
  if (duplicate < 0) {
    base::log(base::LogLevel::kWarn, "net",
              "accept on " + local.toString() + ": dup failed for " + peer.toString());
    return;
  }
  accepted.fetch_add(1, std::memory_order_relaxed);

  LoopThread& target = pool->pick();
  target.addConnection();  // claim now so a burst spreads over the loops
  const bool posted =
      target.post([&target, fd = detail::UniqueFd(duplicate), peer, handlers = handlers]() mutable {
        handOver(target, std::move(fd), peer, *handlers);
      });
  if (!posted) {
    // The target loop is stopping; the refused task closed the descriptor.
    target.removeConnection();
  }
}

template <typename F>
void Listener::Core::runOnLoop(F&& fn) {
  if (loop->isCurrentThread()) {
    fn(*this);
    return;
  }
  // A refused post means the loop is stopping, which closes the listener anyway.
  loop->post([core = shared_from_this(), fn = std::forward<F>(fn)]() mutable { fn(*core); });
}

base::Result<std::unique_ptr<Listener>> Listener::listen(LoopPool& pool,
                                                         const ListenOptions& options,
                                                         ConnectionHandler onConnection,
                                                         AcceptFilter filter) {
  const std::string where = "listen " + formatHostPort(options.host, options.port);
  if (options.acceptLoop >= pool.size()) {
    return base::Error(base::ErrorCode::kInvalidArgument, where + ": no such accept loop");
  }
  LoopThread& loop = pool.at(options.acceptLoop);
  auto handlers = std::make_shared<Handlers>(Handlers{std::move(onConnection), std::move(filter)});
  auto core = std::make_shared<Core>(pool, loop, std::move(handlers));
  if (loop.isCurrentThread()) {
    RTMP_TRY(core->open(options));
    return std::unique_ptr<Listener>(new Listener(std::move(core)));
  }

  std::promise<base::Status> promise;
  std::future<base::Status> result = promise.get_future();
  const bool posted = loop.post([core, options, promise = std::move(promise)]() mutable {
    promise.set_value(core->open(options));
  });
  if (!posted) {
    return base::Error(base::ErrorCode::kClosed, where + ": accept loop not running");
  }
  // Accepted tasks always run, even on a loop that starts stopping meanwhile.
  RTMP_TRY(result.get());
  return std::unique_ptr<Listener>(new Listener(std::move(core)));
}

Listener::~Listener() {
  close();
}

const SocketAddress& Listener::localAddress() const {
  return core_->local;
}

void Listener::pause() {
  if (core_->closed.load()) {
    return;
  }
  core_->runOnLoop([](Core& core) { core.paused = true; });
}

void Listener::resume() {
  if (core_->closed.load()) {
    return;
  }
  core_->runOnLoop([](Core& core) {
    core.paused = false;
    if (core.pendingAccept && core.handleOpen) {
      core.pendingAccept = false;
      core.acceptOne();  // uv_accept() also restarts polling the socket
    }
  });
}

void Listener::close() {
  if (core_->closed.load()) {
    return;
  }
  core_->runOnLoop([](Core& core) { core.closeOnLoop(); });
}

uint64_t Listener::acceptedCount() const {
  return core_->accepted.load();
}
uint64_t Listener::rejectedCount() const {
  return core_->rejected.load();
}

}  // namespace rtmp::net
