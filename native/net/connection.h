// Connection: one TCP socket pinned to one loop for its whole life. It moves
// bytes and nothing else: received bytes go to onData, Bytes lists are written
// with scatter/gather, and close is reported exactly once.
//
// Lifetime (the rule that keeps this hard to get wrong): a Connection is
// heap-allocated and owned by itself. It deletes itself right after its
// onClose callback returns, and onClose always comes — after close(), peer
// EOF, an I/O error, a failed connect, or the loop stopping. So the owner
// (a session) keeps a plain pointer, drops it in onClose, and may be
// destroyed only after that. Never delete a Connection.
//
// Threading: every method must be called on the connection's loop thread
// (from its callbacks, or from a task posted to loop()). Other threads reach a
// connection only through loop().post().
//
// Writes are zero-copy: the written Bytes are referenced (not copied) until
// the kernel has taken them, then released in the write callback.
// queuedBytes() is what the kernel has not taken yet — the number a server
// watches to bound a slow consumer's queue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "net/loop_thread.h"
#include "net/socket_address.h"

namespace rtmp::net {

class Connection {
 public:
  struct Callbacks {
    // Bytes received. The span points into the loop's shared read buffer and
    // is valid only during the call: copy what must outlive it.
    std::function<void(Connection&, std::span<const uint8_t>)> onData = nullptr;
    // queuedBytes() fell back to 0 (everything written was taken by the
    // kernel): a paused producer may resume. Not called while closing.
    std::function<void(Connection&)> onDrain = nullptr;
    // Outgoing connections only: the TCP connect succeeded; reading has begun.
    std::function<void(Connection&)> onConnect = nullptr;
    // Exactly once, and last. kClosed for a local close (with the caller's
    // reason), for peer EOF and for the loop stopping; kIo for socket errors
    // and failed connects. The Connection is deleted when this returns.
    std::function<void(Connection&, const base::Error& reason)> onClose = nullptr;
  };

  // Loop thread. Starts a TCP connect to a numeric IPv4/IPv6 `host` (no DNS).
  // Returns the connection at once (writes made before the connect completes
  // are queued); the outcome arrives as onConnect or onClose. On a returned
  // error no callback is ever called.
  static base::Result<Connection*> connect(LoopThread& loop, const std::string& host, uint16_t port,
                                           Callbacks callbacks);

  // Accepted connections: install the callbacks and start reading. Data is
  // not read before start(). Call once, on the loop that onConnection ran on.
  virtual void start(Callbacks callbacks) = 0;

  // Queues the buffers for one gathered write, in order. Empty Bytes are
  // skipped. Returns false when the connection is closing (nothing queued),
  // or when the socket failed (the connection then closes with that error).
  virtual bool write(std::span<const base::Bytes> buffers) = 0;
  bool write(const base::Bytes& bytes) { return write(std::span<const base::Bytes>(&bytes, 1)); }
  bool write(std::initializer_list<base::Bytes> buffers) {
    return write(std::span<const base::Bytes>(buffers.begin(), buffers.size()));
  }

  // Begins closing; pending writes are cancelled (their Bytes released) and
  // onClose(reason) follows from the loop. Idempotent: only the first reason counts.
  virtual void close(base::Error reason) = 0;
  void close() { close(base::Error(base::ErrorCode::kClosed, "closed locally")); }

  // Backpressure on the receive side: stop/resume reading from the socket.
  virtual void pauseReading() = 0;
  virtual void resumeReading() = 0;
  bool readingPaused() const { return readPaused_; }

  // SO_KEEPALIVE with the first probe after `delaySeconds` of silence.
  virtual base::Status setKeepAlive(bool enable, unsigned delaySeconds) = 0;

  bool isOpen() const { return !closing_; }
  size_t queuedBytes() const { return queuedBytes_; }
  // Bytes the kernel has taken so far, counting the part of a queued write it
  // took before the whole write completed. Two looks that see bytes queued and
  // the same figure mean the peer took nothing in between: a write timeout's
  // measure (a slow reader still moves it, a large write notwithstanding).
  virtual uint64_t bytesTaken() const = 0;
  uint64_t bytesRead() const { return bytesRead_; }
  uint64_t bytesWritten() const { return bytesWritten_; }
  const SocketAddress& peer() const { return peer_; }
  const SocketAddress& local() const { return local_; }
  uint64_t id() const { return id_; }  // unique in the process, never 0
  LoopThread& loop() const { return *loop_; }

  // Connections alive in the process (not yet deleted); for tests and stats.
  static size_t liveCount();

 protected:
  explicit Connection(LoopThread& loop);
  ~Connection();  // only the implementation deletes, after onClose

  LoopThread* loop_;
  uint64_t id_;
  SocketAddress peer_;
  SocketAddress local_;
  size_t queuedBytes_ = 0;
  uint64_t bytesRead_ = 0;
  uint64_t bytesWritten_ = 0;
  bool closing_ = false;
  bool readPaused_ = false;
};

}  // namespace rtmp::net
