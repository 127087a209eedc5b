#include "server/engine_connection.h"

#include <algorithm>

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

bool EngineConnection::adopt(net::Connection& connection, LoopContext& context,
                             SessionEnvironment& env, uint64_t sessionId,
                             std::shared_ptr<const tls::TlsContext> tls) {
  std::unique_ptr<tls::TlsFilter> filter;
  if (tls) {
    auto created = tls::TlsFilter::create(std::move(tls));
    if (!created.ok()) {
      base::log(base::LogLevel::kError, "engine",
                base::LogContext{.ip = connection.peer().ip, .port = connection.peer().port},
                "RTMPS session from " + connection.peer().ip + ": " + created.error().toString());
      connection.start({});
      connection.close(created.error());
      return false;
    }
    filter = std::move(created).value();
  }
  auto* self = new EngineConnection(connection, context, env);
  self->tls_ = std::move(filter);
  PeerInfo peer{connection.peer().ip, connection.peer().port, self->tls_ != nullptr};
  auto info = env.table.add(sessionId, peer.ip, peer.port, context.index(), &context, env.wallMs(),
                            peer.tls);
  self->session_ = std::make_unique<Session>(sessionId, peer, static_cast<SessionTransport&>(*self),
                                             env, std::move(info));
  context.add(self);
  connection.start(net::Connection::Callbacks{
      .onData = [self](net::Connection&, std::span<const uint8_t> bytes) { self->onData(bytes); },
      .onDrain =
          [self](net::Connection& c) {
            self->socketBacklog_ = false;
            if (self->pendingClose_) c.close(*self->pendingClose_);
          },
      .onConnect = nullptr,
      .onClose = [self](net::Connection&, const base::Error& reason) { self->onClose(reason); },
  });
  return true;
}

EngineConnection::EngineConnection(net::Connection& connection, LoopContext& context,
                                   SessionEnvironment& env)
    : connection_(&connection),
      heldMedia_(HoldList::forThisThread()),
      context_(context),
      env_(env),
      stalledSinceMs_(base::monotonicMs()) {}

void EngineConnection::onData(std::span<const uint8_t> bytes) {
  if (!tls_) {
    session_->onBytes(bytes);
    return;
  }
  plaintext_.clear();
  base::Status status = tls_->feedCiphertext(bytes, plaintext_);
  sendCiphertext();  // handshake replies, or the alert for a failure
  if (!status.ok()) {
    // Plain RTMP on the RTMPS port lands here with a message that says so.
    session_->closeWithError(status.error());
    return;
  }
  if (!plaintext_.empty()) session_->onBytes(plaintext_);
}

void EngineConnection::send(std::span<const base::Bytes> buffers, uint64_t total) {
  if (!connection_) return;
  sentBytes_ += total;
  if (!tls_) {
    connection_->write(buffers);
    socketBacklog_ = connection_->queuedBytes() != 0;
    return;
  }
  for (const base::Bytes& b : buffers) {
    if (b.empty()) continue;
    base::Status status = tls_->writePlaintext(b.span());
    if (!status.ok()) {
      connection_->close(status.error());
      return;
    }
  }
  sendCiphertext();
}

void EngineConnection::sendCiphertext() {
  if (!connection_ || !tls_) return;
  base::Bytes out = tls_->takeCiphertext();
  if (out.empty()) return;
  connection_->write(out);
  socketBacklog_ = connection_->queuedBytes() != 0;
}

void EngineConnection::write(std::vector<base::Bytes>&& buffers) {
  flushMedia();  // keep the order the session wrote in
  const uint64_t begin = sentBytes_;
  uint64_t total = 0;
  for (const base::Bytes& b : buffers) total += b.size();
  send(std::span<const base::Bytes>(buffers), total);
  if (sentBytes_ == begin) return;
  if (!controlRanges_.empty() && controlRanges_.back().end == begin) {
    controlRanges_.back().end = sentBytes_;
  } else {
    controlRanges_.push_back(ByteRange{begin, sentBytes_});
  }
  controlRangeBytes_ += sentBytes_ - begin;
}

void EngineConnection::writeMedia(const base::Bytes& head, const base::Bytes& tail) {
  if (!connection_) return;
  heldMedia_.add(head);
  heldMedia_.add(tail);
  if (heldMedia_.buffers() >= kMaxHeldBuffers || heldMedia_.bytes() >= kMaxHeldBytes) {
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
  send(heldMedia_.view(), heldMedia_.bytes());
  heldMedia_.clear();
}

// A batch flush writes to a thousand sockets in a row, and every connection's
// fields and socket are cold by then (the kernel's work for the previous
// writes evicted them). Loading them a write or two ahead overlaps those
// misses with the previous write's time in the kernel. The socket's lines are
// the first ones of the net::Connection object: its own fields, then the
// libuv stream fields a write reads.
void EngineConnection::prefetchForFlush() const {
  const auto* self = reinterpret_cast<const char*>(this);
  __builtin_prefetch(self);
  __builtin_prefetch(self + 64);
}

void EngineConnection::prefetchSocket() const {
  if (connection_ == nullptr) return;
  constexpr size_t kSocketLines = 6;
  const auto* socket = reinterpret_cast<const char*>(connection_);
  for (size_t line = 0; line < kSocketLines; ++line) __builtin_prefetch(socket + 64 * line);
}

void EngineConnection::flushBatch(std::span<EngineConnection* const> batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i + 2 < batch.size() && batch[i + 2] != nullptr) batch[i + 2]->prefetchForFlush();
    if (i + 1 < batch.size() && batch[i + 1] != nullptr) batch[i + 1]->prefetchSocket();
    if (batch[i] != nullptr) batch[i]->flushFromBatch();
  }
}

uint64_t EngineConnection::queuedBytes() const {
  // A socket that took everything at the last write has nothing queued until
  // the next one: no need to touch it (a cold cache line per player per message).
  return heldMedia_.bytes() + (connection_ && socketBacklog_ ? connection_->queuedBytes() : 0);
}

uint64_t EngineConnection::writeStalledMs(uint64_t nowMs) {
  // Media held for the batch is written within the loop iteration: only the
  // socket's own queue can stall.
  if (!connection_ || connection_->queuedBytes() == 0) {
    stalledSinceMs_ = nowMs;
    return 0;
  }
  const uint64_t taken = connection_->bytesTaken();
  if (taken != takenAtLastLook_) {
    takenAtLastLook_ = taken;
    stalledSinceMs_ = nowMs;
  }
  return nowMs > stalledSinceMs_ ? nowMs - stalledSinceMs_ : 0;
}

uint64_t EngineConnection::pendingControlBytes() const {
  if (!connection_) return 0;
  // With TLS the queue holds ciphertext, a little more than the plaintext it
  // carries: the estimate of what was taken errs low, the backlog high.
  const uint64_t queued = std::min<uint64_t>(connection_->queuedBytes(), sentBytes_);
  const uint64_t taken = sentBytes_ - queued;
  while (!controlRanges_.empty() && controlRanges_.front().end <= taken) {
    controlRangeBytes_ -= controlRanges_.front().end - controlRanges_.front().begin;
    controlRanges_.pop_front();
  }
  if (controlRanges_.empty()) return 0;
  const ByteRange& first = controlRanges_.front();
  return controlRangeBytes_ - (taken > first.begin ? taken - first.begin : 0);
}

void EngineConnection::closeAfterFlush(const base::Error& reason) {
  flushMedia();
  if (!connection_ || pendingClose_) return;
  if (tls_ && tls_->handshakeDone() && !tls_->failed()) {
    // RFC 8446 §6.1: say we are done, so the peer can tell an end from a cut.
    (void)tls_->closeNotify();
    sendCiphertext();
  }
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
  session_->checkAuthDeadline(nowMs);
  session_->checkDeadlines(nowMs);  // handshake, connect, publish/play, idle, write
}

void EngineConnection::onClose(const base::Error& reason) {
  connection_ = nullptr;
  heldMedia_.clear();
  controlRanges_.clear();
  controlRangeBytes_ = 0;
  if (flushScheduled_) context_.cancelFlush(this);
  // Out of the table before the disconnect event goes out: a host that hears
  // it and lists sessions, or kicks the id again, must not find this one.
  env_.table.remove(session_->id());
  session_->onClosed(reason);
  context_.remove(this);
  delete this;
}

}  // namespace rtmp::server
