#include "server/engine_connection.h"

#include "base/clock.h"
#include "base/log.h"

namespace rtmp::server {

namespace {
// How long closeAfterFlush waits for queued output (an _error, a final status)
// to reach a peer that stopped reading.
constexpr uint64_t kFlushDeadlineMs = 2'000;
}  // namespace

void EngineConnection::adopt(net::Connection& connection, LoopContext& context,
                             SessionEnvironment& env, uint64_t sessionId) {
  auto* self = new EngineConnection(connection, context, env);
  PeerInfo peer{connection.peer().ip, connection.peer().port};
  auto info = env.table.add(sessionId, peer.ip, peer.port, context.index(), &context, env.wallMs());
  self->session_ = std::make_unique<Session>(sessionId, peer, static_cast<SessionTransport&>(*self), env, std::move(info));
  context.add(self);
  connection.start(net::Connection::Callbacks{
      .onData = [self](net::Connection&, std::span<const uint8_t> bytes) { self->session_->onBytes(bytes); },
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
  if (connection_) connection_->write(std::span<const base::Bytes>(buffers));
}

uint64_t EngineConnection::queuedBytes() const { return connection_ ? connection_->queuedBytes() : 0; }

void EngineConnection::closeAfterFlush(const base::Error& reason) {
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
  session_->onClosed(reason);
  context_.remove(this);
  env_.table.remove(session_->id());
  delete this;
}

}  // namespace rtmp::server
