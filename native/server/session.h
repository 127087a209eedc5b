// Session: one RTMP connection's state machine, sans-I/O. Bytes from the
// socket go in (onBytes); bytes for the socket, stream registry calls and
// events come out. The engine glue (engine_connection.cc) binds it to a
// net::Connection and timers; tests bind it to in-memory transports.
//
//   handshake → connect → createStream → publish | play → deleteStream / close
//
// Bad input closes this session only, with a logged reason and, where RTMP
// has one, an _error or onStatus first.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/log.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/handshake_server.h"
#include "protocol/message.h"
#include "server/auth_failure_limiter.h"
#include "server/door_counters.h"
#include "server/engine_config.h"
#include "server/engine_events.h"
#include "server/ingest_rate_meter.h"
#include "server/limit_refusals.h"
#include "server/loop_services.h"
#include "server/media_sink.h"
#include "server/partial_bytes_budget.h"
#include "server/pending_connections.h"
#include "server/player_tap.h"
#include "server/publish_taps.h"
#include "server/session_table.h"
#include "server/stream_name.h"
#include "server/stream_registry.h"

namespace rtmp::server {

// The session's way out: implemented over a socket by the engine, in memory by
// tests. Its media side (MediaSink) is what the session's player tap writes to
// directly.
class SessionTransport : public MediaSink {
 public:
  virtual ~SessionTransport() = default;
  // Control and command bytes: written at once, after any media still held.
  virtual void write(std::vector<base::Bytes>&& buffers) = 0;
  // MediaSink. The default writes each message at once and holds nothing.
  void writeMedia(const base::Bytes& head, const base::Bytes& tail) override {
    std::vector<base::Bytes> buffers{head};
    if (!tail.empty()) buffers.push_back(tail);
    write(std::move(buffers));
  }
  void flushMedia() override {}
  // Stop / resume reading from the peer (while an authorization is pending).
  virtual void pauseInput() {}
  virtual void resumeInput() {}
  // queuedBytes() (MediaSink): bytes written or held that the socket has not taken yet.
  // Of those, the ones that came through write() (everything but media): what
  // the session's output budget (EngineConfig::maxPendingOutputBytes) bounds.
  // Media is left out: the player's slow-consumer policy bounds it already.
  virtual uint64_t pendingControlBytes() const = 0;
  // Flushes what is queued (bounded in time), then closes. The session calls it once.
  virtual void closeAfterFlush(const base::Error& reason) = 0;
  // The loop this session lives on.
  virtual LoopServices& loopServices() = 0;
  // How long output has been queued with the peer taking none of it (ms; 0
  // while nothing is queued or the peer reads). Asked by housekeeping, once a
  // second, for the write timeout (config.writeTimeoutMs). Default: never stalled.
  virtual uint64_t writeStalledMs(uint64_t nowMs) { return 0; }
};

// Engine-wide things every session uses.
struct SessionEnvironment {
  const EngineConfig& config;
  StreamRegistry& registry;
  SessionTable& table;
  EventSink events;
  std::function<uint64_t()> nowMs;             // monotonic ms (timeouts, activity)
  std::function<uint64_t()> wallMs;            // unix ms (stats shown to people)
  const IpRules* ipRules = nullptr;            // built from config by the engine; null = allow all
  AuthFailureLimiter* authFailures = nullptr;  // failed authorizations per IP; null = none kept
  const PublishTaps* publishTaps = nullptr;    // publish-scoped tap factories; null = none
  PartialBytesBudget* partialBytes = nullptr;  // engine-wide reassembly bound; null = none
  // Ends another session (any loop) that is over `limit` (Session::closeOverLimit
  // on its loop); set by the engine.
  std::function<void(uint64_t sessionId, LimitKind limit, const base::Error& reason)> closeSession =
      nullptr;
  // Connections not connected yet (engine-wide budget); a session leaves it at
  // connect or close. Null = not tracked.
  PendingConnections* pending = nullptr;
  // Refusals by a configured limit (engine-wide, for metrics); null = not counted.
  LimitRefusals* refusals = nullptr;
  // Failed handshakes and IP-rule refusals (engine-wide, for metrics); null = not counted.
  DoorCounters* doorCounts = nullptr;
};

struct PeerInfo {
  std::string ip;
  uint16_t port = 0;
  bool tls = false;  // RTMPS
};

class Session : private PlayerHost {
 public:
  Session(uint64_t id, PeerInfo peer, SessionTransport& transport, SessionEnvironment& env,
          std::shared_ptr<SessionInfo> info);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  uint64_t id() const { return id_; }
  // Bytes received from the peer.
  void onBytes(std::span<const uint8_t> bytes);
  // The connection is gone (any reason): leave streams, emit events. Last call.
  void onClosed(const base::Error& reason);
  // Engine shutting down: tell the peer the stream is ending, then close.
  void beginShutdown();
  // Ends the session with a reason (kick, timeout).
  void terminate(const base::Error& reason);
  // Evicted from the pending-connection budget (the engine posts it here):
  // closes with `why` (logged) unless the session connected meanwhile.
  // `limit` says which pending budget it was, for the refusal counts.
  void closeIfPending(const std::string& why, LimitKind limit = LimitKind::kPendingConnections);
  // Ends it because of a fault below RTMP (e.g. TLS): logged, reported as an
  // error event, then closed.
  // A TLS failure before the RTMP handshake completed counts as a failed handshake.
  void closeWithError(base::Error error) {
    if (error.code() == base::ErrorCode::kTls && !handshake_.done() && !closing_) {
      countHandshakeFailure(HandshakeFailure::kTls);
    }
    fail(std::move(error));
  }
  // Ends it because it is over a configured limit: counted as a refusal by
  // `limit` unless the session was already closing, then as closeWithError.
  void closeOverLimit(LimitKind limit, base::Error error) {
    if (closing_) return;
    countRefusal(limit);
    fail(std::move(error));
  }

  bool handshakeDone() const { return handshake_.done(); }
  // An RTMP connect was accepted (the door let it through).
  bool connected() const { return connected_; }
  bool closing() const { return closing_; }
  SessionRole role() const;
  // Counts toward the idle timeout: false while the session is playing, or
  // while it waits for an authorization (reading is paused then).
  bool idleExempt() const { return player_ != nullptr || pendingAuth_.has_value(); }
  // The last progress: a complete command or media message (not any byte).
  uint64_t lastActivityMs() const { return lastActivityMs_; }

  // Housekeeping (session_deadlines.cc), once a second: closes the session,
  // with a logged reason, past the first deadline that applies — handshake,
  // connect, publish/play, idle, or no write progress with output queued.
  void checkDeadlines(uint64_t nowMs);

  // Authorization (session_auth.cc). The host's answer to the kAuthorize
  // event with this requestId; stale or unknown ids are ignored.
  void onAuthAnswer(uint64_t requestId, const AuthAnswer& answer);
  // Housekeeping: a pending authorization past its deadline is answered by
  // config.authTimeoutAllows.
  void checkAuthDeadline(uint64_t nowMs);
  bool authPending() const { return pendingAuth_.has_value(); }

 private:
  // Input.
  base::Status handleMessage(protocol::Message& message);
  base::Status handleCommand(const protocol::Message& message);
  base::Status handleMedia(const protocol::Message& message);
  base::Status handleAggregate(const protocol::Message& message);
  void handleUserControl(const protocol::Message& message);
  void fail(base::Error error);

  // The door (session_door.cc): IP rules and limits, no JS round trip. Each
  // returns why to refuse (kRejected for a rule, kLimitExceeded for a limit),
  // or nullopt to let the client through.
  // Takes the connected place (maxConnections) when it lets the client in.
  std::optional<base::Error> refuseConnect();
  std::optional<base::Error> refuseByIpRule(IpAction action) const;
  // Banned for failed authorizations (counted as an authBan refusal).
  std::optional<base::Error> refuseByBan() const;
  void countRefusal(LimitKind kind) const {
    if (env_.refusals != nullptr) env_.refusals->count(kind);
  }
  void countHandshakeFailure(HandshakeFailure reason) const {
    if (env_.doorCounts != nullptr) env_.doorCounts->countHandshakeFailure(peer_.tls, reason);
  }
  void countIpRefusal(IpRefusal rule, IpAction action) const {
    if (env_.doorCounts != nullptr) env_.doorCounts->countIpRefusal(rule, action);
  }
  // Publisher over maxIngestKbps: a warning, or (dropOverIngestLimit) the error to close with.
  base::Status checkIngestRate(size_t payloadBytes);
  // onMetaData over config.maxMetadataBytes: counted as an ingest drop, logged
  // once per publish, neither kept nor forwarded. True when it was dropped.
  bool dropOversizedMetadata(const protocol::Message& message);

  // Commands.
  base::Status onConnect(const protocol::Command& command);
  base::Status onCreateStream(const protocol::Command& command);
  base::Status onPublish(const std::string& rawName, uint32_t streamId);
  base::Status onPlay(const std::string& rawName, bool reset, uint32_t streamId);
  // After the door and the authorization: claim the stream and start.
  base::Status startPublish(const std::string& name, const std::string& query, uint32_t streamId);
  base::Status startPlay(const std::string& name, const std::string& query, bool reset,
                         uint32_t streamId);
  // Holds the request and asks the host (kAuthorize); reading pauses meanwhile.
  base::Status beginAuth(bool publish, const std::string& name, const std::string& query,
                         bool reset, uint32_t streamId);
  void rejectAuth(bool publish, uint32_t streamId, const std::string& reason);
  // A publish/play name outside the grammar: the status with why, and the error to close with.
  base::Status refuseStreamName(uint32_t streamId, const protocol::StatusCode& status,
                                const std::string& rawName, const char* problem);
  // Media behind a publish awaiting authorization (session_auth.cc).
  bool holdsForAuth(const protocol::Message& message) const;
  base::Status holdForAuth(const protocol::Message& message);
  void dropHeld(IngestDropReason reason, const char* why);
  void onDeleteStream(uint32_t streamId);
  void onPause(bool pause, uint32_t streamId);

  void stopPublishing(const char* why);
  // Publish-scoped taps (segmenter, recorder, relay push): built from
  // env_.publishTaps when a publish starts, on this loop; detached when it ends.
  void attachPublishTaps(const std::string& name, const std::string& query);
  void detachPublishTaps();
  void stopPlaying(const char* why);

  // Output. Control and command replies are appended to pendingOut_; while a
  // read is handled (holdOutput_) they go out as one write at its end, else at
  // once. A flood of pings then costs one buffer and one socket write per read,
  // not one per pong (see flushOutput).
  void sendMessage(const protocol::Message& message);
  void sendMessages(std::initializer_list<protocol::Message> messages);
  void send(base::Result<protocol::Message> message);
  void sendStatus(uint32_t streamId, const protocol::StatusCode& status,
                  const std::string& description);
  void maybeAcknowledge();
  // Reports the bytes held in incomplete messages to the engine-wide budget;
  // over it, the session holding the most is closed (maybe this one).
  void trackPartialBytes();
  void flushOutput();
  // Past config.maxPendingOutputBytes of replies the peer has not read: close.
  void checkOutputBudget();
  // onBytes without the output batching around it.
  void consume(std::span<const uint8_t> bytes);

  // PlayerHost (media goes from the tap to transport_ as a MediaSink).
  void sendPlayStatus(const protocol::StatusCode& status, const std::string& description) override;
  void sendStreamBegin() override;
  void sendStreamEof() override;
  void reportDrops(const PlayerStats& stats) override;
  void publisherPresence(bool present) override;
  // Past config.playWaitMs without a publisher: StreamNotFound, then close.
  void endPlayWait();

  // Events and log context.
  EventHeader eventHeader() const;
  SessionTotals totals() const {
    return {bytesIn_, info_->bytesOut.load(std::memory_order_relaxed)};
  }
  void emit(EventPayload&& payload);
  base::LogContext logContext() const;

  const uint64_t id_;
  const PeerInfo peer_;
  SessionTransport& transport_;
  SessionEnvironment& env_;
  std::shared_ptr<SessionInfo> info_;

  protocol::ServerHandshake handshake_;
  protocol::ChunkReader reader_;
  protocol::ChunkWriter writer_;
  std::vector<protocol::Message> inbox_;  // reused per read
  base::BytesBuilder pendingOut_{0};      // replies not handed to the transport yet
  bool holdOutput_ = false;               // inside onBytes: replies wait for its end

  // Connection facts from connect.
  bool connected_ = false;
  std::string app_;
  std::string appQuery_;
  std::string tcUrl_;
  std::string flashVer_;
  std::string swfUrl_;
  std::string pageUrl_;
  uint32_t nextStreamId_ = 1;
  std::vector<uint32_t> createdStreams_;

  // Ingest limit (config.maxIngestKbps).
  IngestRateMeter ingestRate_;
  uint64_t ingestWarnedAtMs_ = 0;
  bool ingestWarned_ = false;

  // Flow control (RTMP 1.0 §5.4.3/5.4.4).
  uint32_t peerWindowAckSize_ = 0;  // send an Acknowledgement every this many bytes
  uint64_t lastAckedBytes_ = 0;
  uint64_t bytesIn_ = 0;
  // Bytes out live in info_->bytesOut: this session (control, commands) and
  // its player tap (media) add to it, both on this loop (one writer thread).
  void countBytesOut(uint64_t bytes);

  // Publishing.
  std::shared_ptr<Stream> publishStream_;
  uint32_t publishStreamId_ = 0;
  std::string publishQuery_;
  bool publishAnnounced_ = false;
  bool metadataDropLogged_ = false;  // this publish already logged an oversized onMetaData
  std::vector<std::unique_ptr<StreamTap>> publishTaps_;
  // Tap names the authorize answer asked for (PublishTapRequest::requested).
  // Nothing fills it yet: AuthAnswer has no such field today.
  std::vector<std::string> authTaps_;

  // Playing.
  std::shared_ptr<Stream> playStream_;
  std::unique_ptr<PlayerTap> player_;
  uint32_t playStreamId_ = 0;
  std::string playQuery_;
  // Waiting for a publisher (config.playWaitMs), since when, and whether the
  // stream had one during this play (for the StreamNotFound wording).
  bool playWaiting_ = false;
  uint64_t playWaitingSinceMs_ = 0;
  bool playHadPublisher_ = false;

  // The stream name of the last publish/play request, for events about a
  // request that failed before a stream was attached.
  std::string requestedStream_;
  std::string requestedQuery_;
  // The name this connection's publish asked for, before any authorize rename:
  // FCUnpublish may name either it or the public name.
  std::string publishAsked_;
  // A publish/play waiting for the host's authorization.
  struct PendingAuth {
    uint64_t requestId = 0;
    bool publish = false;
    std::string name;
    std::string query;
    bool reset = false;
    uint32_t streamId = 0;
    uint64_t deadlineMs = 0;
  };
  std::optional<PendingAuth> pendingAuth_;
  // Media that came in the same read as the publish awaiting authorization (a
  // pipelining encoder does not wait for Publish.Start): replayed in order
  // after an allow, dropped and counted otherwise. Bounded (session_auth.cc).
  std::vector<protocol::Message> heldMedia_;
  uint64_t heldBytes_ = 0;
  uint64_t nextAuthRequestId_ = 1;

  // Deadlines (session_deadlines.cc). Monotonic ms, from env_.nowMs().
  uint64_t lastActivityMs_ = 0;
  uint64_t partialReported_ = 0;  // bytes last reported to env_.partialBytes
  uint64_t createdAtMs_ = 0;
  uint64_t handshakeDoneAtMs_ = 0;
  // Since when the session has been connected with neither a publish nor a
  // play (set at connect and whenever a publish or play ends).
  uint64_t noRoleSinceMs_ = 0;
  // Time one deadline out: logged, then closed.
  void timeOut(const std::string& why);
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace rtmp::server
