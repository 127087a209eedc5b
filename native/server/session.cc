// Session core: input pipeline (handshake → chunks → messages), flow control,
// media from publishers, output helpers, teardown. Command handlers live in
// session_commands.cc.
#include "server/session.h"

#include "base/byte_reader.h"
#include "base/log.h"
#include "protocol/control_messages.h"
#include "protocol/user_control.h"

namespace rtmp::server {

namespace {

protocol::ChunkReaderLimits readerLimits(const EngineConfig& config) {
  protocol::ChunkReaderLimits limits;
  limits.maxMessageSize = config.maxMessageSize;
  return limits;
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
  lastActivityMs_ = env_.nowMs();
}

Session::~Session() = default;

SessionRole Session::role() const {
  if (publishStream_) return SessionRole::kPublisher;
  if (player_) return SessionRole::kPlayer;
  return SessionRole::kUnknown;
}

void Session::onBytes(std::span<const uint8_t> bytes) {
  if (closing_ || closed_) return;
  bytesIn_ += bytes.size();
  info_->bytesIn.store(bytesIn_, std::memory_order_relaxed);
  lastActivityMs_ = env_.nowMs();

  if (!handshake_.done()) {
    auto step = handshake_.feed(bytes);
    if (!step.ok()) return fail(std::move(step).error().withContext("handshake"));
    if (!step->output.empty()) {
      auto out = base::Bytes::copyOf(step->output);
      countBytesOut(out.size());
      transport_.write({std::move(out)});
    }
    if (!handshake_.done()) return;
    bytes = bytes.subspan(step->consumed);  // chunk stream bytes that followed C2
    if (bytes.empty()) return;
  }

  inbox_.clear();
  base::Status fed = reader_.feed(bytes, inbox_);
  // Messages completed before a bad chunk are still handled, in order.
  for (auto& message : inbox_) {
    if (closing_) return;
    base::Status handled = handleMessage(message);
    if (!handled.ok()) return fail(std::move(handled).error());
  }
  if (!fed.ok()) return fail(std::move(fed).error().withContext("chunk stream"));
  maybeAcknowledge();
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
  base::log(base::LogLevel::kDebug, "session",
            "session " + std::to_string(id_) + ": ignoring message type " +
                std::to_string(message.typeId));
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
  if (!publishStream_ || message.streamId != publishStreamId_) {
    // Media on a stream we are not publishing on: a confused client; ignore.
    return base::okStatus();
  }
  RTMP_TRY(checkIngestRate(message.payload.size()));
  IngestResult result = publishStream_->ingest(message.typeId, message.timestamp, message.payload);
  if (result.firstFrame && !publishAnnounced_) {
    publishAnnounced_ = true;
    emit(event(EventKind::kPublish));
  } else if (result.codecChanged && publishAnnounced_) {
    emit(event(EventKind::kMetadata));
  }
  return base::okStatus();
}

base::Status Session::handleAggregate(const protocol::Message& message) {
  // Aggregate (type 22, RTMP 1.0 §7.1.6): a run of FLV tags. Each:
  //   type u8 | size u24 | timestamp u24 | timestamp-ext u8 | stream id u24 | data | back-pointer
  //   u32
  // Sub-message timestamps are re-based on the aggregate's own timestamp.
  base::ByteReader r(message.payload.span());
  std::optional<uint32_t> firstTimestamp;
  while (!r.atEnd()) {
    protocol::Message sub;
    RTMP_ASSIGN(uint8_t type, r.u8());
    RTMP_ASSIGN(uint32_t size, r.u24be());
    RTMP_ASSIGN(uint32_t ts, r.u24be());
    RTMP_ASSIGN(uint8_t tsExt, r.u8());
    RTMP_TRY(r.skip(3));  // stream id, always 0 in FLV
    size_t offset = r.position();
    RTMP_TRY(r.skip(size));
    RTMP_TRY(r.skip(4));  // previous tag size
    uint32_t timestamp = (static_cast<uint32_t>(tsExt) << 24) | ts;
    if (!firstTimestamp) firstTimestamp = timestamp;
    sub.typeId = type;
    sub.streamId = message.streamId;
    sub.timestamp = message.timestamp + (timestamp - *firstTimestamp);
    sub.payload = message.payload.slice(offset, size);
    if (type == 8 || type == 9 || type == 18) RTMP_TRY(handleMedia(sub));
  }
  return base::okStatus();
}

void Session::fail(base::Error error) {
  if (closing_) return;
  base::log(base::LogLevel::kWarn, "session",
            "session " + std::to_string(id_) + " (" + peer_.ip + "): closing: " + error.toString());
  EngineEvent e = event(EventKind::kError);
  e.code = std::string(base::errorCodeName(error.code()));
  e.reason = error.message();
  emit(std::move(e));
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
  stopPublishing(reason.message().c_str());
  stopPlaying(reason.message().c_str());
  EngineEvent e = event(EventKind::kDisconnect);
  e.reason = reason.message();
  e.code = std::string(base::errorCodeName(reason.code()));
  emit(std::move(e));
}

void Session::stopPublishing(const char* why) {
  if (!publishStream_) return;
  // The stream tells its taps the publisher left (publish-scoped ones on this
  // loop hear it at once), then this publish's own taps go.
  publishStream_->endPublish(id_);
  detachPublishTaps();
  EngineEvent e = event(EventKind::kUnpublish);
  e.reason = why;
  emit(std::move(e));
  env_.registry.release(publishStream_);
  env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
  publishStream_.reset();
  publishStreamId_ = 0;
  publishAnnounced_ = false;
}

void Session::stopPlaying(const char* why) {
  if (!player_) return;
  playStream_->detach(transport_.loopServices().fanouts(), player_.get());
  EngineEvent e = event(EventKind::kStop);
  e.reason = why;
  emit(std::move(e));
  env_.registry.release(playStream_);
  env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
  playStream_.reset();
  player_.reset();
  playStreamId_ = 0;
}

// ---- output ----

void Session::sendMessage(const protocol::Message& message) {
  sendMessages({message});
}

void Session::sendMessages(std::initializer_list<protocol::Message> messages) {
  if (closed_) return;
  base::BytesBuilder out(256);
  for (const auto& m : messages) {
    // Only our own well-formed control/command messages pass here.
    (void)writer_.write(m, out);
  }
  auto bytes = out.freeze();
  countBytesOut(bytes.size());
  transport_.write({std::move(bytes)});
}

void Session::countBytesOut(uint64_t bytes) {
  info_->bytesOut.store(info_->bytesOut.load(std::memory_order_relaxed) + bytes,
                        std::memory_order_relaxed);
}

void Session::sendPlayStatus(const protocol::StatusCode& status, const std::string& description) {
  sendStatus(playStreamId_, status, description);
}

void Session::sendStreamBegin() {
  sendMessage(protocol::encodeStreamBegin(playStreamId_));
}

void Session::sendStreamEof() {
  sendMessage(protocol::encodeStreamEof(playStreamId_));
}

void Session::reportDrops(const PlayerStats& stats) {
  info_->droppedFrames.store(stats.droppedVideo + stats.droppedAudio, std::memory_order_relaxed);
}

// ---- events ----

EngineEvent Session::event(EventKind kind) const {
  EngineEvent e;
  e.kind = kind;
  e.sessionId = id_;
  e.ip = peer_.ip;
  e.port = peer_.port;
  e.tls = peer_.tls;
  e.app = app_;
  e.tcUrl = tcUrl_;
  e.flashVer = flashVer_;
  e.bytesIn = bytesIn_;
  e.bytesOut = info_->bytesOut.load(std::memory_order_relaxed);
  if (publishStream_) {
    e.stream = publishStream_->name();
    e.query = joinQueries(appQuery_, publishQuery_);
    e.codec = publishStream_->codec();
  } else if (playStream_) {
    e.stream = playStream_->name();
    e.query = joinQueries(appQuery_, playQuery_);
  } else {
    e.stream = requestedStream_;
    e.query = joinQueries(appQuery_, requestedQuery_);
  }
  return e;
}

void Session::emit(EngineEvent&& e) {
  if (env_.events) env_.events(std::move(e));
}

}  // namespace rtmp::server
