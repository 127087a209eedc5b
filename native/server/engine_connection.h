// EngineConnection: binds one Session to one net::Connection on one loop.
// Owns the Session; lives until the connection's onClose, then deletes itself
// (after the Session has left its streams and reported the disconnect).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>

#include "net/connection.h"
#include "server/held_media.h"
#include "server/loop_context.h"
#include "server/session.h"
#include "tls/tls_filter.h"

namespace rtmp::server {

class EngineConnection : private SessionTransport {
 public:
  // Loop thread. Starts reading; the object owns itself from here on.
  // With `tls`, the connection speaks RTMP inside TLS (RTMPS): bytes pass
  // through a TlsFilter driven on this loop, never a blocking TLS call.
  // False when no session could be made (the connection is closed then).
  static bool adopt(net::Connection& connection, LoopContext& context, SessionEnvironment& env,
                    uint64_t sessionId, std::shared_ptr<const tls::TlsContext> tls = nullptr);

  uint64_t sessionId() const { return session_->id(); }
  Session& session() { return *session_; }
  // Housekeeping (loop thread): the session's deadlines (Session::checkDeadlines),
  // the authorization deadline and the flush deadline.
  void checkTimers(uint64_t nowMs);
  // The loop's write batching: write the media held since scheduleFlush, for
  // each connection of `batch` in order (null entries are skipped).
  static void flushBatch(std::span<EngineConnection* const> batch);

 private:
  EngineConnection(net::Connection& connection, LoopContext& context, SessionEnvironment& env);

  // SessionTransport.
  void write(std::vector<base::Bytes>&& buffers) override;
  void writeMedia(const base::Bytes& head, const base::Bytes& tail) override;
  void flushMedia() override;
  void pauseInput() override {
    if (connection_) connection_->pauseReading();
  }
  void resumeInput() override {
    if (connection_ && !pendingClose_) connection_->resumeReading();
  }
  uint64_t queuedBytes() const override;
  uint64_t writeStalledMs(uint64_t nowMs) override;
  uint64_t pendingControlBytes() const override;
  void closeAfterFlush(const base::Error& reason) override;
  LoopServices& loopServices() override { return context_; }

  void flushFromBatch() {
    flushScheduled_ = false;
    flushMedia();
  }
  void prefetchForFlush() const;
  void prefetchSocket() const;

  void onClose(const base::Error& reason);
  void onData(std::span<const uint8_t> bytes);
  // Writes to the socket: through the TLS filter when there is one. `total`
  // is the sum of the buffers' sizes.
  void send(std::span<const base::Bytes> buffers, uint64_t total);
  void sendCiphertext();

  net::Connection* connection_;  // null after onClose
  // What a media write and a batch flush touch, side by side: at 1000 players
  // each distinct cache line here is a miss per player per message or flush.
  //
  // Media held for one gathered write: runs in the loop's HoldList, so a
  // message held by every player of the loop is referenced once, not once
  // per player (held_media.h).
  HeldMedia heldMedia_;
  uint64_t sentBytes_ = 0;  // see controlRanges_
  // RTMPS only.
  std::unique_ptr<tls::TlsFilter> tls_;
  // False when the socket's queue is known to be empty: it was empty after
  // our last write or reported drained since (writes only add to it, and
  // only through send/sendCiphertext). queuedBytes() then skips the socket.
  bool socketBacklog_ = false;
  bool flushScheduled_ = false;  // registered with the loop's write batching
  LoopContext& context_;

  SessionEnvironment& env_;
  std::unique_ptr<Session> session_;
  // writeStalledMs: what the socket had taken at the last look, and since
  // when it has taken nothing while bytes were queued.
  uint64_t takenAtLastLook_ = 0;
  uint64_t stalledSinceMs_ = 0;
  // closeAfterFlush: close once the socket drained, or at this deadline.
  std::unique_ptr<base::Error> pendingClose_;
  uint64_t closeDeadlineMs_ = 0;
  // Output accounting for the session's budget. Every byte handed to the socket
  // (plaintext, media and control) has a position in one ordered stream
  // (sentBytes_ so far); the socket takes them in order, so the first
  // sentBytes_ - queued ones are gone. controlRanges_ are the positions of
  // the control writes, adjacent ones merged (a ping flood is one range), so
  // the bytes of control not yet taken are known exactly whatever media lies
  // between them.
  struct ByteRange {
    uint64_t begin = 0;
    uint64_t end = 0;
  };
  mutable std::deque<ByteRange> controlRanges_;
  mutable uint64_t controlRangeBytes_ = 0;  // sum of the ranges' sizes
  std::vector<uint8_t> plaintext_;          // RTMPS: decrypted input, reused per read
};

}  // namespace rtmp::server
