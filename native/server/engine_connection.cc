#include "server/engine_connection.h"

#include "base/clock.h"
#include "base/log.h"

namespace rtmp::server {

namespace {
// How long closeAfterFlush waits for queued output (an _error, a final status)
// to reach a peer that stopped reading.
constexpr uint64_t kFlushDeadlineMs = 2'000;
// Held media past either bound is written without waiting for the batch:
// keeps the iovec count under IOV_MAX and the memory held per player small.
constexpr size_t kMaxHeldBuffers = 256;
constexpr uint64_t kMaxHeldBytes = 1u << 20;
}  // namespace

void EngineConnection::adopt(net::Connection& connection, LoopContext& context,
                             SessionEnvironment& env, uint64_t sessionId) {
  auto* self = new EngineConnection(connection, context, env);
  PeerInfo peer{connection.peer().ip, connection.peer().port};
  auto info = env.table.add(sessionId, peer.ip, peer.port, context.index(), &context, env.wallMs());
  self->session_ = std::make_unique<Session>(sessionId, peer, static_cast<SessionTransport&>(*self),
                                             env, std::move(info));
  context.add(self);
  connection.start(net::Connection::Callbacks{
      .onData = [self](net::Connection&,
                       std::span<const uint8_t> bytes) { self->session_->onBytes(bytes); },
      .onDrain =
          [self](net::Connection& c) {
            if (self->pendingClose_) c.close(*self->pendingClose_);
          },
      .onConnect = nullptr,
      .onClose = [self](net::Connection&, const base::Error& reason) { self->onClose(reason); },
  });
}

EngineConnection::EngineConnection(net::Connection& connection, LoopContext& context,
                                   SessionEnvironment& env)
    : connection_(&connection), context_(context), env_(env), acceptedAtMs_(base::monotonicMs()) {}

void EngineConnection::write(std::vector<base::Bytes>&& buffers) {
  flushMedia();  // keep the order the session wrote in
  if (connection_) connection_->write(std::span<const base::Bytes>(buffers));
}

void EngineConnection::writeMedia(const base::Bytes& head, const base::Bytes& tail) {
  if (!connection_) return;
  heldMedia_.push_back(head);
  if (!tail.empty()) heldMedia_.push_back(tail);
  heldBytes_ += head.size() + tail.size();
  if (heldMedia_.size() >= kMaxHeldBuffers || heldBytes_ >= kMaxHeldBytes) {
    flushMedia();
    return;
  }
  if (!flushScheduled_) {
    flushScheduled_ = true;
    context_.scheduleFlush(this);
  }
}

void EngineConnection::flushMedia() {
  if (heldMedia_.empty()) return;
  if (connection_) connection_->write(std::span<const base::Bytes>(heldMedia_));
  heldMedia_.clear();
  heldBytes_ = 0;
}

uint64_t EngineConnection::queuedBytes() const {
  return heldBytes_ + (connection_ ? connection_->queuedBytes() : 0);
}

void EngineConnection::closeAfterFlush(const base::Error& reason) {
  flushMedia();
  if (!connection_ || pendingClose_) return;
  connection_->pauseReading();
  if (connection_->queuedBytes() == 0) {
    connection_->close(reason);
    return;
  }
  pendingClose_ = std::make_unique<base::Error>(reason);
  closeDeadlineMs_ = base::monotonicMs() + kFlushDeadlineMs;
}

void EngineConnection::checkTimers(uint64_t nowMs) {
  if (!connection_) return;
  if (pendingClose_) {
    if (nowMs >= closeDeadlineMs_) connection_->close(*pendingClose_);
    return;
  }
  const EngineConfig& config = env_.config;
  session_->checkAuthDeadline(nowMs);
  if (!session_->handshakeDone()) {
    if (nowMs - acceptedAtMs_ >= config.handshakeTimeoutMs) {
      session_->terminate(base::Error(base::ErrorCode::kTimeout, "handshake timeout"));
    }
    return;
  }
  if (config.idleTimeoutMs > 0 && !session_->idleExempt() &&
      nowMs - session_->lastActivityMs() >= config.idleTimeoutMs) {
    session_->terminate(base::Error(base::ErrorCode::kTimeout, "idle timeout"));
  }
}

void EngineConnection::onClose(const base::Error& reason) {
  connection_ = nullptr;
  heldMedia_.clear();
  heldBytes_ = 0;
  if (flushScheduled_) context_.cancelFlush(this);
  session_->onClosed(reason);
  context_.remove(this);
  env_.table.remove(session_->id());
  delete this;
}

}  // namespace rtmp::server
