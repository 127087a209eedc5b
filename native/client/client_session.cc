#include "client/client_session.h"

#include <string>
#include <utility>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/status_codes.h"
#include "protocol/user_control.h"

namespace rtmp::client {

using base::Error;
using base::ErrorCode;
using base::Status;
using protocol::Message;
using protocol::MessageType;

std::string_view clientStateName(ClientState state) {
  switch (state) {
    case ClientState::kIdle:
      return "idle";
    case ClientState::kHandshake:
      return "handshake";
    case ClientState::kConnecting:
      return "connecting";
    case ClientState::kCreatingStream:
      return "creatingStream";
    case ClientState::kStarting:
      return "starting";
    case ClientState::kStarted:
      return "started";
    case ClientState::kFailed:
      return "failed";
  }
  return "unknown";
}

namespace {

protocol::ClientHandshakeOptions handshakeOptions(const ClientSessionConfig& config) {
  protocol::ClientHandshakeOptions options;
  options.time = config.handshakeTime;
  options.random = config.random;
  options.digest = config.digestHandshake;
  return options;
}

// The error a rejecting status becomes: the stream-specific codes map onto
// their own engine codes, everything else is a plain rejection.
ErrorCode codeForStatus(std::string_view code) {
  if (code == protocol::status::kPublishBadName.code) return ErrorCode::kStreamBusy;
  if (code == protocol::status::kPlayStreamNotFound.code) return ErrorCode::kStreamNotFound;
  return ErrorCode::kRejected;
}

Error rejection(std::string_view what, const protocol::StatusInfo& info) {
  std::string text(what);
  text += ": ";
  text += info.code.empty() ? std::string("(no code)") : info.code;
  if (!info.description.empty()) text += ": " + info.description;
  return Error(codeForStatus(info.code), std::move(text));
}

}  // namespace

ClientSession::ClientSession(ClientSessionConfig config, Callbacks callbacks)
    : config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      handshake_(handshakeOptions(config_)),
      reader_(config_.limits),
      outbox_(512) {}

Status ClientSession::fail(Error error) {
  if (!error_) {
    error_ = std::move(error);
    state_ = ClientState::kFailed;
  }
  return *error_;
}

void ClientSession::flush() {
  if (outbox_.size() == 0) return;
  base::Bytes bytes = outbox_.freeze();
  if (callbacks_.send) callbacks_.send(std::move(bytes));
}

Status ClientSession::start() {
  if (state_ != ClientState::kIdle) {
    return Error(ErrorCode::kProtocolState, "client session: start() called twice");
  }
  auto c0c1 = handshake_.start();
  if (!c0c1.ok()) return fail(std::move(c0c1).error().withContext("handshake"));
  outbox_.append(*c0c1);
  state_ = ClientState::kHandshake;
  flush();
  return base::okStatus();
}

Status ClientSession::feed(std::span<const uint8_t> bytes) {
  if (error_) return *error_;
  if (state_ == ClientState::kIdle) {
    return fail(Error(ErrorCode::kProtocolState, "server sent data before the handshake began"));
  }
  Status status = feedBytes(bytes);
  flush();
  if (!status.ok()) return fail(std::move(status).error());
  return base::okStatus();
}

Status ClientSession::feedBytes(std::span<const uint8_t> bytes) {
  if (state_ == ClientState::kHandshake) {
    auto step = handshake_.feed(bytes);
    if (!step.ok()) return std::move(step).error().withContext("handshake");
    outbox_.append(step->output);
    handshakeBytes_ += step->consumed;
    if (!step->done) return base::okStatus();
    RTMP_TRY(afterHandshake());
    bytes = bytes.subspan(step->consumed);
  }
  if (bytes.empty()) return base::okStatus();

  inbox_.clear();
  Status read = reader_.feed(bytes, inbox_);
  // Messages completed before a chunk error are still acted upon.
  for (const Message& m : inbox_) {
    ++messagesReceived_;
    RTMP_TRY(handle(m));
  }
  inbox_.clear();
  if (!read.ok()) return std::move(read).error().withContext("chunk stream");
  return maybeAcknowledge();
}

// Right after S2: our chunk size first (it applies to everything after it,
// §5.4.1), then connect (§7.2.1.1).
Status ClientSession::afterHandshake() {
  if (config_.outChunkSize != writer_.chunkSize()) {
    RTMP_TRY(write(protocol::encodeSetChunkSize(config_.outChunkSize)));
    RTMP_TRY(writer_.setChunkSize(config_.outChunkSize));
  }
  protocol::ConnectParams params;
  params.app = config_.app;
  params.tcUrl = config_.tcUrl;
  params.flashVer = config_.flashVer;
  connectTxn_ = nextTransaction_++;
  RTMP_TRY(write(protocol::buildConnect(connectTxn_, params)));
  state_ = ClientState::kConnecting;
  return base::okStatus();
}

Status ClientSession::handle(const Message& m) {
  switch (m.type()) {
    case MessageType::kSetChunkSize:
    case MessageType::kAbort:
    case MessageType::kAcknowledgement:
      // The reader already applied chunk size and abort; the server's
      // acknowledgements of our bytes need no answer.
      return base::okStatus();
    case MessageType::kWindowAckSize:
    case MessageType::kSetPeerBandwidth:
    case MessageType::kUserControl:
      return handleControl(m);
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
      return handleCommand(m);
    case MessageType::kAudio:
    case MessageType::kVideo:
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      if (callbacks_.onMedia) callbacks_.onMedia(m.typeId, m.timestamp, m.payload);
      return base::okStatus();
    default:
      // Shared objects, aggregates and unknown types: not used by a live
      // player or publisher; ignored rather than fatal.
      return base::okStatus();
  }
}

Status ClientSession::handleControl(const Message& m) {
  switch (m.type()) {
    case MessageType::kWindowAckSize: {
      RTMP_ASSIGN(ackWindow_, protocol::decodeWindowAckSize(m));
      return base::okStatus();
    }
    case MessageType::kSetPeerBandwidth: {
      // §5.4.5: answer with a Window Acknowledgement Size when the window
      // differs from the last one we sent.
      RTMP_ASSIGN(protocol::PeerBandwidth bw, protocol::decodeSetPeerBandwidth(m));
      if (bw.windowSize != sentAckWindow_ && bw.windowSize != 0) {
        sentAckWindow_ = bw.windowSize;
        RTMP_TRY(write(protocol::encodeWindowAckSize(bw.windowSize)));
      }
      return base::okStatus();
    }
    case MessageType::kUserControl: {
      RTMP_ASSIGN(protocol::UserControlEvent event, protocol::decodeUserControl(m));
      if (event.type == protocol::UserControlEventType::kPingRequest) {
        return write(protocol::encodePingResponse(event.timestamp));
      }
      return base::okStatus();  // Stream Begin/EOF/Dry, Recorded: informational
    }
    default:
      return base::okStatus();
  }
}

Status ClientSession::handleCommand(const Message& m) {
  auto decoded = protocol::decodeCommand(m);
  if (!decoded.ok()) return std::move(decoded).error().withContext("command from server");
  const protocol::Command& command = *decoded;
  if (command.name == protocol::commands::kResult || command.name == protocol::commands::kError) {
    return handleResult(command);
  }
  if (command.name == protocol::commands::kOnStatus) {
    auto info = protocol::parseOnStatus(command);
    if (!info.ok()) return std::move(info).error().withContext("onStatus");
    return handleStatus(*info);
  }
  // onBWDone, onFCPublish, close, and calls we do not implement.
  return base::okStatus();
}

Status ClientSession::handleResult(const protocol::Command& command) {
  auto parsed = protocol::parseResult(command);
  if (!parsed.ok()) return std::move(parsed).error().withContext(command.name);
  const protocol::ResultResponse& result = *parsed;
  const bool forConnect = state_ == ClientState::kConnecting && result.transactionId == connectTxn_;
  const bool forCreate =
      state_ == ClientState::kCreatingStream && result.transactionId == createStreamTxn_;
  if (!forConnect && !forCreate) {
    // Answers to releaseStream/FCPublish (servers may refuse these with
    // _error; FFmpeg ignores that too) or to nothing we sent.
    return base::okStatus();
  }
  if (result.isError) {
    protocol::StatusInfo info = result.status().value_or(protocol::StatusInfo{});
    if (callbacks_.onStatus) callbacks_.onStatus(info);
    return rejection(forConnect ? "connect rejected" : "createStream rejected", info);
  }
  if (forConnect) {
    if (config_.mode == ClientMode::kPublish && config_.sendFCPublish) {
      RTMP_TRY(write(protocol::buildReleaseStream(nextTransaction_++, config_.streamName)));
      RTMP_TRY(write(protocol::buildFCPublish(nextTransaction_++, config_.streamName)));
    }
    createStreamTxn_ = nextTransaction_++;
    RTMP_TRY(write(protocol::buildCreateStream(createStreamTxn_)));
    state_ = ClientState::kCreatingStream;
    return base::okStatus();
  }
  // createStream: the information is the new message stream id (§7.2.1.3).
  std::optional<double> id = result.number();
  if (!id || !(*id >= 1 && *id <= 0xFFFFFFFFu) || *id != static_cast<uint32_t>(*id)) {
    return Error(ErrorCode::kCommand, "createStream _result carries no valid stream id");
  }
  streamId_ = static_cast<uint32_t>(*id);
  if (config_.mode == ClientMode::kPlay) {
    RTMP_TRY(write(protocol::buildPlay(streamId_, config_.streamName)));
    if (config_.bufferLengthMs != 0) {
      RTMP_TRY(write(protocol::encodeSetBufferLength(streamId_, config_.bufferLengthMs)));
    }
  } else {
    RTMP_TRY(write(protocol::buildPublish(streamId_, config_.streamName, config_.publishType)));
  }
  state_ = ClientState::kStarting;
  if (callbacks_.onStreamCreated) callbacks_.onStreamCreated(streamId_);
  return base::okStatus();
}

Status ClientSession::handleStatus(const protocol::StatusInfo& info) {
  if (callbacks_.onStatus) callbacks_.onStatus(info);
  const std::string_view want = config_.mode == ClientMode::kPlay
                                    ? protocol::status::kPlayStart.code
                                    : protocol::status::kPublishStart.code;
  if (info.code == want && state_ == ClientState::kStarting) {
    state_ = ClientState::kStarted;
    if (callbacks_.onStarted) callbacks_.onStarted();
    return base::okStatus();
  }
  // An error-level status ends the session, except a failed call of a
  // command we do not depend on (some servers answer FCPublish that way).
  if (info.level == protocol::status_level::kError &&
      info.code.rfind("NetConnection.Call.", 0) != 0) {
    return rejection(config_.mode == ClientMode::kPlay ? "play" : "publish", info);
  }
  return base::okStatus();
}

// §5.4.3: once the peer set a window, acknowledge every window's worth of
// received bytes with the running total (mod 2^32).
Status ClientSession::maybeAcknowledge() {
  if (ackWindow_ == 0) return base::okStatus();
  const uint64_t received = bytesReceived();
  if (received - lastAckAt_ < ackWindow_) return base::okStatus();
  lastAckAt_ = received;
  ++acksSent_;
  return write(protocol::encodeAcknowledgement(static_cast<uint32_t>(received)));
}

Status ClientSession::sendMedia(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload) {
  if (error_) return *error_;
  if (config_.mode != ClientMode::kPublish || state_ != ClientState::kStarted) {
    return Error(ErrorCode::kProtocolState, "sendMedia before Publish.Start");
  }
  Message m;
  m.typeId = typeId;
  m.csid = typeId == static_cast<uint8_t>(MessageType::kAudio)   ? protocol::kCsidAudio
           : typeId == static_cast<uint8_t>(MessageType::kVideo) ? protocol::kCsidVideo
                                                                 : protocol::kCsidData;
  m.streamId = streamId_;
  m.timestamp = timestamp;
  m.payload = payload;
  Status status = write(m);
  flush();
  return status;
}

Status ClientSession::stop() {
  if (error_) return *error_;
  if (streamId_ != 0 && state_ >= ClientState::kStarting) {
    if (config_.mode == ClientMode::kPublish && config_.sendFCPublish) {
      RTMP_TRY(write(protocol::buildFCUnpublish(nextTransaction_++, config_.streamName)));
    }
    RTMP_TRY(write(protocol::buildDeleteStream(nextTransaction_++, streamId_)));
  }
  flush();
  return base::okStatus();
}

Status ClientSession::write(const base::Result<Message>& message) {
  if (!message.ok()) return message.error();
  return write(*message);
}

Status ClientSession::write(const Message& message) {
  return writer_.write(message, outbox_);
}

}  // namespace rtmp::client
