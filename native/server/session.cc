// Session core: input pipeline (handshake → chunks → messages), flow control,
// media from publishers, output helpers, teardown. Command handlers live in
// session_commands.cc.
#include "server/session.h"

#include "base/log.h"
#include "media/flv_tag_reader.h"
#include "protocol/control_messages.h"
#include "protocol/data_message.h"
#include "protocol/user_control.h"

namespace rtmp::server {

namespace {

// The handshake parser fails with one of three codes (protocol/handshake_server.h).
HandshakeFailure handshakeFailureOf(base::ErrorCode code) {
  switch (code) {
    case base::ErrorCode::kHandshakeVersion:
      return HandshakeFailure::kVersion;
    case base::ErrorCode::kHandshakeDigest:
      return HandshakeFailure::kDigest;
    default:
      return HandshakeFailure::kState;
  }
}

protocol::ChunkReaderLimits readerLimits(const EngineConfig& config) {
  protocol::ChunkReaderLimits limits;
  limits.maxMessageSize = config.maxMessageSize;
  return limits;
}

// What resets the idle timeout: a complete command or media message (audio,
// video, data, aggregate). Bytes alone do not (a trickle of a few bytes a
// second would hold a slot forever), and neither do protocol control messages
// (types 1-6: chunk size, abort, acknowledgements, window size, bandwidth,
// user control): they are cheap to send, ask nothing of the server and carry
// no work; a peer that only pings is not using its session. Shared objects,
// which we ignore, do not count either.
bool countsAsProgress(const protocol::Message& message) {
  using protocol::MessageType;
  switch (message.type()) {
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
    case MessageType::kAudio:
    case MessageType::kVideo:
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
    case MessageType::kAggregate:
      return true;
    default:
      return false;
  }
}

}  // namespace

Session::Session(uint64_t id, PeerInfo peer, SessionTransport& transport, SessionEnvironment& env,
                 std::shared_ptr<SessionInfo> info)
    : id_(id),
      peer_(std::move(peer)),
      transport_(transport),
      env_(env),
      info_(std::move(info)),
      handshake_(protocol::ServerHandshakeOptions{.time = static_cast<uint32_t>(env.nowMs()),
                                                  .random = protocol::defaultRandomSource(),
                                                  .allowDigest = true}),
      reader_(readerLimits(env.config)) {
  createdAtMs_ = env_.nowMs();
  lastActivityMs_ = createdAtMs_;
}

Session::~Session() = default;

SessionRole Session::role() const {
  if (publishStream_) return SessionRole::kPublisher;
  if (player_) return SessionRole::kPlayer;
  return SessionRole::kUnknown;
}

void Session::onBytes(std::span<const uint8_t> bytes) {
  if (closing_ || closed_) return;
  holdOutput_ = true;
  consume(bytes);
  holdOutput_ = false;
  flushOutput();
}

void Session::consume(std::span<const uint8_t> bytes) {
  bytesIn_ += bytes.size();
  info_->bytesIn.store(bytesIn_, std::memory_order_relaxed);

  if (!handshake_.done()) {
    auto step = handshake_.feed(bytes);
    if (!step.ok()) {
      countHandshakeFailure(handshakeFailureOf(step.error().code()));
      return fail(std::move(step).error().withContext("handshake"));
    }
    if (!step->output.empty()) {
      auto out = base::Bytes::copyOf(step->output);
      countBytesOut(out.size());
      transport_.write({std::move(out)});
      checkOutputBudget();
      if (closing_) return;
    }
    if (!handshake_.done()) return;
    handshakeDoneAtMs_ = env_.nowMs();
    base::log(base::LogLevel::kDebug, "session", logContext(), "handshake done");
    bytes = bytes.subspan(step->consumed);  // chunk stream bytes that followed C2
    if (bytes.empty()) return;
  }

  inbox_.clear();
  base::Status fed = reader_.feed(bytes, inbox_);
  // Messages completed before a bad chunk are still handled, in order.
  for (auto& message : inbox_) {
    if (closing_) return;
    if (countsAsProgress(message)) lastActivityMs_ = env_.nowMs();
    base::Status handled = handleMessage(message);
    if (!handled.ok()) return fail(std::move(handled).error());
  }
  if (!fed.ok()) return fail(std::move(fed).error().withContext("chunk stream"));
  trackPartialBytes();
  maybeAcknowledge();
}

void Session::trackPartialBytes() {
  if (env_.partialBytes == nullptr) return;
  const uint64_t held = closed_ ? 0 : reader_.bufferedBytes();
  if (held == partialReported_) return;
  const bool over = env_.partialBytes->update(partialReported_, held);
  partialReported_ = held;
  info_->partialBytes.store(held, std::memory_order_relaxed);
  if (!over || closed_) return;
  const uint64_t victim = env_.table.largestPartialHolder();
  base::Error reason(base::ErrorCode::kLimitExceeded,
                     "holds the most bytes in incomplete messages while all connections together "
                     "hold more than " +
                         std::to_string(env_.partialBytes->limit()) +
                         " (rtmp.maxPartialMessageBytes)");
  if (victim == id_) return closeOverLimit(LimitKind::kPartialMessageBytes, std::move(reason));
  if (victim != 0 && env_.closeSession) {
    env_.closeSession(victim, LimitKind::kPartialMessageBytes, reason);
  }
}

void Session::maybeAcknowledge() {
  // §5.4.3: after receiving a window's worth of bytes, acknowledge the total.
  if (peerWindowAckSize_ == 0) return;
  if (bytesIn_ - lastAckedBytes_ >= peerWindowAckSize_) {
    lastAckedBytes_ = bytesIn_;
    sendMessage(protocol::encodeAcknowledgement(static_cast<uint32_t>(bytesIn_)));
  }
}

base::Status Session::handleMessage(protocol::Message& message) {
  using protocol::MessageType;
  // Protocol control messages (types 1-6, below audio) at trace; media never.
  if (message.typeId < static_cast<uint8_t>(MessageType::kAudio)) {
    base::log(base::LogLevel::kTrace, "session", logContext(), [&] {
      return "message type " + std::to_string(message.typeId) + " on stream " +
             std::to_string(message.streamId) + ", " + std::to_string(message.payload.size()) +
             " bytes";
    });
  }
  switch (message.type()) {
    case MessageType::kSetChunkSize:
    case MessageType::kAbort:
      return base::okStatus();  // applied by the chunk reader itself
    case MessageType::kAcknowledgement:
      return base::okStatus();
    case MessageType::kWindowAckSize: {
      auto size = protocol::decodeWindowAckSize(message);
      if (!size.ok()) return std::move(size).error().withContext("window ack size");
      peerWindowAckSize_ = *size;
      return base::okStatus();
    }
    case MessageType::kSetPeerBandwidth:
      return base::okStatus();  // we do not throttle our output by it
    case MessageType::kUserControl:
      handleUserControl(message);
      return base::okStatus();
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
      return handleCommand(message);
    case MessageType::kAudio:
    case MessageType::kVideo:
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      return handleMedia(message);
    case MessageType::kAggregate:
      return handleAggregate(message);
    case MessageType::kSharedObjectAmf0:
    case MessageType::kSharedObjectAmf3:
      return base::okStatus();  // shared objects are not supported; ignored (docs/protocol.md)
  }
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return "ignoring message type " + std::to_string(message.typeId); });
  return base::okStatus();
}

void Session::handleUserControl(const protocol::Message& message) {
  auto event = protocol::decodeUserControl(message);
  if (!event.ok()) return;  // a malformed event is harmless to ignore
  if (event->type == protocol::UserControlEventType::kPingRequest) {
    sendMessage(protocol::encodePingResponse(event->timestamp));
  }
}

base::Status Session::handleMedia(const protocol::Message& message) {
  if (holdsForAuth(message)) return holdForAuth(message);
  if (!publishStream_ || message.streamId != publishStreamId_) {
    // Media on a stream we are not publishing on: a confused client; counted, ignored.
    info_->countIngestDrop(IngestDropReason::kNotPublishing);
    return base::okStatus();
  }
  RTMP_TRY(checkIngestRate(message.payload.size()));
  if (dropOversizedMetadata(message)) return base::okStatus();
  IngestResult result = publishStream_->ingest(message.typeId, message.timestamp, message.payload);
  if (result.dropReason) info_->countIngestDrop(*result.dropReason);  // the stream counts too
  if (result.firstFrame && !publishAnnounced_) {
    publishAnnounced_ = true;
    base::log(base::LogLevel::kDebug, "session", logContext(), "first media frame: published");
    emit(PublishEvent{publishStream_->codec()});
  } else if (result.codecChanged && publishAnnounced_) {
    base::log(base::LogLevel::kDebug, "session", logContext(), "codec changed");
    emit(MetadataEvent{publishStream_->codec()});
  }
  return base::okStatus();
}

bool Session::dropOversizedMetadata(const protocol::Message& message) {
  const uint32_t limit = env_.config.maxMetadataBytes;
  if (message.typeId != media::kMessageTypeDataAmf0 || message.payload.size() <= limit) {
    return false;
  }
  // What StreamIngest keeps as metadata: anything behind @setDataFrame, or a
  // bare onMetaData. Only the first AMF value is looked at; nothing is copied.
  base::Bytes body = message.payload;
  if (!protocol::stripSetDataFrame(body) && !protocol::isOnMetaData(body.span())) return false;
  if (body.size() <= limit) return false;
  // Not even decoded: a multi-megabyte onMetaData cost several times its size
  // in AMF values and was then held for every late joiner.
  info_->countIngestDrop(IngestDropReason::kMetadataTooLarge);
  publishStream_->countIngestDrop(IngestDropReason::kMetadataTooLarge);
  if (!metadataDropLogged_) {
    metadataDropLogged_ = true;
    base::log(base::LogLevel::kWarn, "session", logContext(), [&] {
      return "metadata of " + std::to_string(body.size()) + " bytes dropped (maxMetadataBytes " +
             std::to_string(limit) + "); further ones this publish are counted, not logged";
    });
  }
  return true;
}

base::Status Session::handleAggregate(const protocol::Message& message) {
  // Aggregate (type 22, RTMP 1.0 §7.1.6): a run of FLV tags, each followed by
  // its back-pointer (media/flv_tag_reader.h). Sub-message timestamps are
  // re-based on the aggregate's own timestamp; a wrong back-pointer is
  // ignored, as players do. Only audio, video and script tags with no
  // Filter/Reserved bits are forwarded; other tags are skipped.
  media::FlvTagReader tags(message.payload.span());
  std::optional<uint32_t> firstTimestamp;
  for (;;) {
    RTMP_ASSIGN(std::optional<media::FlvTagView> tag, tags.next());
    if (!tag) break;
    if (!firstTimestamp) firstTimestamp = tag->timestamp;
    const bool isMedia = tag->type == media::kMessageTypeAudio ||
                         tag->type == media::kMessageTypeVideo ||
                         tag->type == media::kMessageTypeDataAmf0;
    if (!isMedia || tag->filtered || tag->reserved != 0) continue;
    protocol::Message sub;
    sub.typeId = tag->type;
    sub.streamId = message.streamId;
    sub.timestamp = message.timestamp + (tag->timestamp - *firstTimestamp);
    sub.payload = message.payload.slice(tag->bodyOffset, tag->bodySize);
    RTMP_TRY(handleMedia(sub));
  }
  return base::okStatus();
}

void Session::fail(base::Error error) {
  if (closing_) return;
  base::log(base::LogLevel::kWarn, "session", logContext(),
            [&] { return "closing: " + error.toString(); });
  emit(ErrorEvent{std::string(base::errorCodeName(error.code())), error.message()});
  // Tell the peer where RTMP has a way to (a status on its stream, else _error).
  if (publishStream_) {
    sendStatus(publishStreamId_, protocol::status::kStreamFailed, error.message());
  } else if (player_) {
    sendStatus(playStreamId_, protocol::status::kPlayFailed, error.message());
  }
  terminate(error);
}

void Session::terminate(const base::Error& reason) {
  if (closing_) return;
  closing_ = true;
  flushOutput();  // the last replies (a status, an _error) before the close
  transport_.closeAfterFlush(reason);
}

void Session::beginShutdown() {
  if (closing_) return;
  if (publishStream_) {
    sendStatus(publishStreamId_, protocol::status::kUnpublishSuccess, "server shutting down");
  }
  if (player_) {
    sendPlayStatus(protocol::status::kPlayUnpublishNotify, "server shutting down");
    sendStreamEof();
  }
  terminate(base::Error(base::ErrorCode::kClosed, "server shutting down"));
}

void Session::onClosed(const base::Error& reason) {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  trackPartialBytes();  // gives back what this session held
  if (env_.pending != nullptr) env_.pending->leave(id_);
  stopPublishing(reason.message().c_str());
  stopPlaying(reason.message().c_str());
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return "closed: " + reason.toString(); });
  emit(
      DisconnectEvent{reason.message(), std::string(base::errorCodeName(reason.code())), totals()});
}

void Session::stopPublishing(const char* why) {
  if (!publishStream_) return;
  // The stream tells its taps the publisher left (publish-scoped ones on this
  // loop hear it at once), then this publish's own taps go.
  publishStream_->endPublish(id_);
  detachPublishTaps();
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return std::string("publish stopped: ") + why; });
  emit(UnpublishEvent{why, totals()});
  env_.registry.release(publishStream_);
  env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
  publishStream_.reset();
  publishStreamId_ = 0;
  noRoleSinceMs_ = env_.nowMs();  // the publish/play deadline starts again
  publishAnnounced_ = false;
  metadataDropLogged_ = false;
}

void Session::stopPlaying(const char* why) {
  if (!player_) return;
  playStream_->detach(transport_.loopServices().fanouts(), player_.get());
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return std::string("play stopped: ") + why; });
  emit(StopEvent{why, totals()});
  env_.registry.release(playStream_);
  env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
  playStream_.reset();
  player_.reset();
  playStreamId_ = 0;
  playWaiting_ = false;
  info_->waiting.store(false, std::memory_order_relaxed);
  noRoleSinceMs_ = env_.nowMs();  // the publish/play deadline starts again
}

// ---- output ----

void Session::sendMessage(const protocol::Message& message) {
  sendMessages({message});
}

void Session::sendMessages(std::initializer_list<protocol::Message> messages) {
  if (closed_) return;
  for (const auto& m : messages) {
    // Only our own well-formed control/command messages pass here.
    (void)writer_.write(m, pendingOut_);
  }
  if (!holdOutput_) flushOutput();
}

void Session::flushOutput() {
  // One Bytes and one transport write for everything replied since the last
  // flush. Replying message by message cost a 256-byte buffer and a socket
  // write request per pong (~0.5 KB of heap for a 10-byte ping): a peer that
  // never read its pongs had millions of small blocks held by the socket
  // queue, interleaved so that the heap stayed fragmented once they were freed.
  if (pendingOut_.size() == 0) return;
  base::Bytes bytes = pendingOut_.freeze();
  if (closed_) return;
  countBytesOut(bytes.size());
  transport_.write({std::move(bytes)});
  checkOutputBudget();
}

void Session::checkOutputBudget() {
  const uint64_t limit = env_.config.maxPendingOutputBytes;
  if (limit == 0 || closing_) return;
  const uint64_t pending = transport_.pendingControlBytes();
  if (pending <= limit) return;
  // The peer is not reading what we reply (a ping flood that never reads the
  // pongs): no RTMP message can reach it, so close without one.
  base::Error reason(base::ErrorCode::kLimitExceeded,
                     "output budget exceeded: " + std::to_string(pending) +
                         " bytes of replies not read by the peer (maxPendingOutputBytes " +
                         std::to_string(limit) + ")");
  base::log(base::LogLevel::kWarn, "session", logContext(),
            [&] { return "closing: " + reason.toString(); });
  emit(ErrorEvent{std::string(base::errorCodeName(reason.code())), reason.message()});
  countRefusal(LimitKind::kPendingOutputBytes);  // closing_ is false here (checked above)
  terminate(reason);
}

void Session::countBytesOut(uint64_t bytes) {
  info_->bytesOut.store(info_->bytesOut.load(std::memory_order_relaxed) + bytes,
                        std::memory_order_relaxed);
}

// The player tap calls these right before it writes media to the transport
// itself: each flushes, so the replies held so far go out ahead of the media.
void Session::sendPlayStatus(const protocol::StatusCode& status, const std::string& description) {
  sendStatus(playStreamId_, status, description);
  flushOutput();
}

void Session::sendStreamBegin() {
  sendMessage(protocol::encodeStreamBegin(playStreamId_));
  flushOutput();
}

void Session::sendStreamEof() {
  sendMessage(protocol::encodeStreamEof(playStreamId_));
  flushOutput();
}

void Session::reportDrops(const PlayerStats& stats) {
  info_->droppedVideo.store(stats.droppedVideo, std::memory_order_relaxed);
  info_->droppedAudio.store(stats.droppedAudio, std::memory_order_relaxed);
}

// ---- events ----

EventHeader Session::eventHeader() const {
  EventHeader e;
  e.sessionId = id_;
  e.ip = peer_.ip;
  e.port = peer_.port;
  e.tls = peer_.tls;
  e.app = app_;
  if (publishStream_) {
    e.stream = publishStream_->name();
    e.query = joinQueries(appQuery_, publishQuery_);
  } else if (playStream_) {
    e.stream = playStream_->name();
    e.query = joinQueries(appQuery_, playQuery_);
  } else {
    e.stream = requestedStream_;
    e.query = joinQueries(appQuery_, requestedQuery_);
  }
  return e;
}

void Session::emit(EventPayload&& payload) {
  if (env_.events) env_.events(EngineEvent{eventHeader(), std::move(payload)});
}

base::LogContext Session::logContext() const {
  base::LogContext c;
  c.sessionId = id_;
  c.app = app_;
  if (publishStream_) {
    c.stream = publishStream_->name();
  } else if (playStream_) {
    c.stream = playStream_->name();
  } else {
    c.stream = requestedStream_;
  }
  c.ip = peer_.ip;
  c.port = peer_.port;
  return c;
}

}  // namespace rtmp::server
