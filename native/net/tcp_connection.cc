#include "net/tcp_connection.h"

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

namespace rtmp::net {

namespace {
std::atomic<uint64_t> gNextConnectionId{1};
std::atomic<size_t> gLiveConnections{0};
}  // namespace

Connection::Connection(LoopThread& loop)
    : loop_(&loop), id_(gNextConnectionId.fetch_add(1, std::memory_order_relaxed)) {
  gLiveConnections.fetch_add(1, std::memory_order_relaxed);
}

Connection::~Connection() {
  gLiveConnections.fetch_sub(1, std::memory_order_relaxed);
}

size_t Connection::liveCount() {
  return gLiveConnections.load(std::memory_order_relaxed);
}

base::Result<Connection*> Connection::connect(LoopThread& loop, const std::string& host,
                                              uint16_t port, Callbacks callbacks) {
  return detail::TcpConnection::connect(loop, host, port, std::move(callbacks));
}

namespace detail {

namespace {

// The uv_buf_t array of a gathered write. libuv copies the array into its
// request, so it only has to live through the call: one array per loop thread
// (each loop is one thread), reused by every write, as the read path shares one
// read buffer per loop. A merged flush of up to 256 buffers per player then
// allocates nothing once the array has grown. write() never re-enters itself:
// nothing it calls runs a callback synchronously.
class BufferList {
 public:
  BufferList() : bufs_(scratch()) { bufs_.clear(); }
  void add(const base::Bytes& bytes) {
    // libuv never writes through uv_buf_t::base on a write; the cast only
    // satisfies its non-const field.
    bufs_.push_back(uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(bytes.data())),
                                static_cast<unsigned int>(bytes.size())));
  }
  void clear() { bufs_.clear(); }
  uv_buf_t* data() { return bufs_.data(); }
  unsigned int count() const { return static_cast<unsigned int>(bufs_.size()); }

 private:
  static std::vector<uv_buf_t>& scratch() {
    static thread_local std::vector<uv_buf_t> bufs;
    return bufs;
  }
  std::vector<uv_buf_t>& bufs_;
};

}  // namespace

// One gathered uv_write. Holds references to the written Bytes until libuv
// reports the write done (or cancelled): this is what makes writes zero-copy.
struct TcpConnection::WriteRequest {
  uv_write_t req;
  TcpConnection* connection;
  std::vector<base::Bytes> buffers;
  size_t bytes = 0;
};

base::Result<TcpConnection*> TcpConnection::adopt(LoopThread& loop, UniqueFd fd,
                                                  const SocketAddress& peer) {
  if (loop.closing()) {
    loop.removeConnection();
    return base::Error(base::ErrorCode::kClosed, "adopt: loop stopping");
  }
  auto* c = new TcpConnection(loop);
  int rc = uv_tcp_init(loop.uvLoop(), &c->tcp_);
  if (rc != 0) {
    delete c;  // never registered with the loop
    loop.removeConnection();
    return uvError(base::ErrorCode::kIo, "adopt: uv_tcp_init", rc);
  }
  c->tcp_.data = c;
  rc = uv_tcp_open(&c->tcp_, fd.get());
  if (rc != 0) {
    c->closing_ = true;
    uv_close(c->handle(), [](uv_handle_t* h) { delete static_cast<TcpConnection*>(h->data); });
    loop.removeConnection();
    return uvError(base::ErrorCode::kIo, "adopt: uv_tcp_open", rc);  // `fd` closes it
  }
  fd.release();  // libuv owns the descriptor now and closes it in uv_close
  uv_tcp_nodelay(&c->tcp_, 1);
  c->peer_ = peer.ip.empty() ? peerAddressOf(&c->tcp_) : peer;
  c->local_ = localAddressOf(&c->tcp_);
  loop.attach(c);
  return c;
}

base::Result<Connection*> TcpConnection::connect(LoopThread& loop, const std::string& host,
                                                 uint16_t port, Callbacks callbacks) {
  const std::string where = "connect " + formatHostPort(host, port);
  if (loop.closing()) {
    return base::Error(base::ErrorCode::kClosed, where + ": loop stopping");
  }
  sockaddr_storage addr;
  if (parseIp(host, port, &addr) != 0) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       where + ": not a numeric IPv4/IPv6 address");
  }
  auto* c = new TcpConnection(loop);
  int rc = uv_tcp_init(loop.uvLoop(), &c->tcp_);
  if (rc != 0) {
    delete c;
    return uvError(base::ErrorCode::kIo, where, rc);
  }
  c->tcp_.data = c;
  c->connectReq_.data = c;
  uv_tcp_nodelay(&c->tcp_, 1);  // remembered by libuv until the socket exists
  rc = uv_tcp_connect(&c->connectReq_, &c->tcp_, reinterpret_cast<const sockaddr*>(&addr),
                      &TcpConnection::onConnected);
  if (rc != 0) {
    c->closing_ = true;
    uv_close(c->handle(), [](uv_handle_t* h) { delete static_cast<TcpConnection*>(h->data); });
    return uvError(base::ErrorCode::kIo, where, rc);
  }
  c->connecting_ = true;
  c->started_ = true;
  c->callbacks_ = std::move(callbacks);
  c->peer_ = toSocketAddress(reinterpret_cast<const sockaddr*>(&addr));
  loop.addConnection();
  loop.attach(c);
  return static_cast<Connection*>(c);
}

void TcpConnection::onConnected(uv_connect_t* req, int status) {
  auto* c = static_cast<TcpConnection*>(req->data);
  c->connecting_ = false;
  if (c->closing_) {
    return;  // closed while connecting (UV_ECANCELED); onClose follows
  }
  if (status < 0) {
    c->close(uvError(base::ErrorCode::kIo, "connect " + c->peer_.toString(), status));
    return;
  }
  uv_tcp_nodelay(&c->tcp_, 1);
  c->local_ = localAddressOf(&c->tcp_);
  if (!c->readPaused_) {
    c->startReading();
  }
  if (!c->closing_ && c->callbacks_.onConnect) {
    c->callbacks_.onConnect(*c);
  }
}

void TcpConnection::start(Callbacks callbacks) {
  callbacks_ = std::move(callbacks);
  if (started_) {
    return;
  }
  started_ = true;
  if (!closing_ && !connecting_ && !readPaused_) {
    startReading();
  }
}

void TcpConnection::startReading() {
  int rc = uv_read_start(stream(), &TcpConnection::onAlloc, &TcpConnection::onRead);
  if (rc != 0) {
    close(uvError(base::ErrorCode::kIo, "read start", rc));
  }
}

void TcpConnection::pauseReading() {
  if (readPaused_) {
    return;
  }
  readPaused_ = true;
  if (!closing_ && started_ && !connecting_) {
    uv_read_stop(stream());
  }
}

void TcpConnection::resumeReading() {
  if (!readPaused_) {
    return;
  }
  readPaused_ = false;
  if (!closing_ && started_ && !connecting_) {
    startReading();
  }
}

void TcpConnection::onAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  // One buffer per loop, not per connection: libuv calls alloc and read back
  // to back for one stream, and onData must finish with the bytes before it
  // returns, so the buffer is free again before any other stream reads.
  auto* c = static_cast<TcpConnection*>(handle->data);
  std::span<uint8_t> space = c->loop_->readBuffer();
  *buf =
      uv_buf_init(reinterpret_cast<char*>(space.data()), static_cast<unsigned int>(space.size()));
}

void TcpConnection::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<TcpConnection*>(stream->data);
  if (nread > 0) {
    c->bytesRead_ += static_cast<uint64_t>(nread);
    if (c->callbacks_.onData) {
      c->callbacks_.onData(*c, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buf->base),
                                                        static_cast<size_t>(nread)));
    }
    return;
  }
  if (nread == 0) {
    return;  // EAGAIN: nothing to do
  }
  if (nread == UV_EOF) {
    c->close(base::Error(base::ErrorCode::kClosed, "peer closed the connection"));
  } else {
    c->close(uvError(base::ErrorCode::kIo, "read", static_cast<int>(nread)));
  }
}

bool TcpConnection::write(std::span<const base::Bytes> buffers) {
  if (closing_) {
    return false;
  }
  size_t total = 0;
  size_t count = 0;
  for (const base::Bytes& b : buffers) {
    if (!b.empty()) {
      total += b.size();
      ++count;
    }
  }
  if (total == 0) {
    return true;
  }
  BufferList bufs;
  for (const base::Bytes& b : buffers) {
    if (!b.empty()) {
      bufs.add(b);
    }
  }

  // Fast path: with nothing queued, hand as much as the socket takes right
  // now to the kernel and keep no references at all.
  size_t written = 0;
  if (queuedBytes_ == 0 && !connecting_) {
    const int n = uv_try_write(stream(), bufs.data(), bufs.count());
    if (n >= 0) {
      written = static_cast<size_t>(n);
      bytesWritten_ += written;
    } else if (n != UV_EAGAIN && n != UV_ENOSYS) {
      close(uvError(base::ErrorCode::kIo, "write", n));
      return false;
    }
    if (written == total) {
      return true;
    }
  }

  // Queue the rest, skipping what the kernel already took.
  auto request = std::make_unique<WriteRequest>();
  request->connection = this;
  request->bytes = total - written;
  request->buffers.reserve(count);
  size_t skip = written;
  for (const base::Bytes& b : buffers) {
    if (b.empty()) {
      continue;
    }
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    request->buffers.push_back(skip == 0 ? b : b.slice(skip));
    skip = 0;
  }
  bufs.clear();
  for (const base::Bytes& b : request->buffers) {
    bufs.add(b);
  }
  request->req.data = request.get();
  const int rc =
      uv_write(&request->req, stream(), bufs.data(), bufs.count(), &TcpConnection::onWritten);
  if (rc != 0) {
    close(uvError(base::ErrorCode::kIo, "write", rc));
    return false;
  }
  queuedBytes_ += request->bytes;
  request.release();  // owned by libuv until onWritten
  return true;
}

void TcpConnection::onWritten(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> request(static_cast<WriteRequest*>(req->data));
  TcpConnection* c = request->connection;
  c->queuedBytes_ -= request->bytes;
  if (status == 0) {
    c->bytesWritten_ += request->bytes;
  }
  request.reset();  // the kernel has the bytes (or never will): release them now
  if (status < 0) {
    // UV_ECANCELED: the connection is closing and cancelled its queue.
    if (status != UV_ECANCELED) {
      c->close(uvError(base::ErrorCode::kIo, "write", status));
    }
    return;
  }
  if (c->queuedBytes_ == 0 && !c->closing_ && c->callbacks_.onDrain) {
    c->callbacks_.onDrain(*c);
  }
}

void TcpConnection::close(base::Error reason) {
  if (closing_) {
    return;
  }
  closing_ = true;
  closeReason_ = std::move(reason);
  // libuv stops reading, cancels queued writes (their callbacks run with
  // UV_ECANCELED) and closes the socket; onClosed follows in a later phase.
  uv_close(handle(), &TcpConnection::onClosed);
}

void TcpConnection::onClosed(uv_handle_t* handle) {
  auto* c = static_cast<TcpConnection*>(handle->data);
  c->loop_->detach(c);
  c->loop_->removeConnection();
  Callbacks callbacks = std::move(c->callbacks_);
  if (callbacks.onClose) {
    callbacks.onClose(*c, c->closeReason_);
  }
  delete c;
}

uint64_t TcpConnection::bytesTaken() const {
  // libuv's write queue size is what queued writes still have to write: it
  // shrinks with each partial write, while queuedBytes_ drops only when a
  // whole request completes. Written = completed + the taken part of the rest.
  const size_t unwritten =
      uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_));
  return bytesWritten_ + (queuedBytes_ > unwritten ? queuedBytes_ - unwritten : 0);
}

base::Status TcpConnection::setKeepAlive(bool enable, unsigned delaySeconds) {
  if (closing_) {
    return base::Error(base::ErrorCode::kClosed, "keepalive: connection closing");
  }
  const int rc = uv_tcp_keepalive(&tcp_, enable ? 1 : 0, delaySeconds);
  if (rc != 0) {
    return uvError(base::ErrorCode::kIo, "keepalive", rc);
  }
  return base::okStatus();
}

}  // namespace detail
}  // namespace rtmp::net
