#include "ideal_relay_session.h"

#include <string>
#include <utility>

#include "base/log.h"
#include "protocol/command.h"
#include "protocol/command_builders.h"
#include "protocol/command_parsers.h"
#include "protocol/control_messages.h"
#include "protocol/status_codes.h"
#include "protocol/user_control.h"

namespace rtmp::bench {

using protocol::MessageType;
namespace commands = protocol::commands;
namespace status = protocol::status;

namespace {
constexpr uint32_t kWindowAckSize = 2'500'000;
}  // namespace

void RelaySession::start(net::Connection& connection, IdealStream& stream) {
  auto* self = new RelaySession(connection, stream);
  net::Connection::Callbacks callbacks;
  callbacks.onData = [self](net::Connection&, std::span<const uint8_t> bytes) {
    self->onData(bytes);
  };
  callbacks.onClose = [self](net::Connection&, const base::Error&) { self->onClose(); };
  connection.start(std::move(callbacks));
}

RelaySession::RelaySession(net::Connection& connection, IdealStream& stream)
    : connection_(connection), stream_(stream), handshake_({.time = 0, .random = {}}) {}

void RelaySession::onClose() {
  stop();
  delete this;
}

void RelaySession::stop() {
  if (role_ == Role::kPublisher) stream_.releasePublisher(connection_);
  if (role_ == Role::kPlayer) stream_.removePlayer(connection_);
  role_ = Role::kNone;
}

void RelaySession::onData(std::span<const uint8_t> bytes) {
  if (!connection_.isOpen()) {
    return;
  }
  if (!handshake_.done()) {
    auto step = handshake_.feed(bytes);
    if (!step.ok()) {
      connection_.close(std::move(step).error());
      return;
    }
    if (!step->output.empty()) {
      connection_.write(base::Bytes::copyOf(step->output));
    }
    if (!step->done) {
      return;
    }
    bytes = bytes.subspan(step->consumed);
  }
  messages_.clear();
  base::Status fed = reader_.feed(bytes, messages_);
  for (const protocol::Message& message : messages_) {
    base::Status handled = handle(message);
    if (!handled.ok()) {
      connection_.close(std::move(handled).error());
      return;
    }
  }
  if (!fed.ok()) {
    connection_.close(std::move(fed).error());
    return;
  }
  acknowledge();
}

// §5.4.3: after a window's worth of bytes, acknowledge the total received.
void RelaySession::acknowledge() {
  const uint64_t received = connection_.bytesRead();
  if (peerWindow_ == 0 || received - lastAck_ < peerWindow_) {
    return;
  }
  lastAck_ = received;
  (void)send(protocol::encodeAcknowledgement(static_cast<uint32_t>(received)));
}

base::Status RelaySession::handle(const protocol::Message& message) {
  switch (message.type()) {
    case MessageType::kAudio:
    case MessageType::kVideo:
      if (role_ == Role::kPublisher) stream_.onMedia(message);
      return base::okStatus();
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      return handleData(message);
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
      return handleCommand(message);
    case MessageType::kWindowAckSize: {
      auto size = protocol::decodeWindowAckSize(message);
      if (!size.ok()) return std::move(size).error();
      peerWindow_ = *size;
      return base::okStatus();
    }
    case MessageType::kUserControl: {
      auto event = protocol::decodeUserControl(message);
      if (event.ok() && event->type == protocol::UserControlEventType::kPingRequest) {
        return send(protocol::encodePingResponse(event->timestamp));
      }
      return base::okStatus();
    }
    default:
      // Set Chunk Size and Abort are applied by the reader; acknowledgements,
      // peer bandwidth, shared objects and aggregates are not needed here.
      return base::okStatus();
  }
}

base::Status RelaySession::handleData(const protocol::Message& message) {
  if (role_ != Role::kPublisher) {
    return base::okStatus();
  }
  auto data = protocol::decodeData(message);
  if (!data.ok()) {
    return base::okStatus();  // not worth a disconnect in a benchmark relay
  }
  if (const protocol::AmfValue* metadata = protocol::metadataOf(*data)) {
    stream_.onMetadata(*metadata);
  }
  return base::okStatus();
}

base::Status RelaySession::handleCommand(const protocol::Message& message) {
  RTMP_ASSIGN(protocol::Command command, protocol::decodeCommand(message));
  const std::string& name = command.name;
  const uint32_t streamId = 1;

  if (name == commands::kConnect) {
    RTMP_ASSIGN(protocol::ConnectRequest request, protocol::parseConnect(command));
    RTMP_TRY(send(protocol::encodeWindowAckSize(kWindowAckSize)));
    RTMP_TRY(send(
        protocol::encodeSetPeerBandwidth(kWindowAckSize, protocol::BandwidthLimitType::kDynamic)));
    // Set Chunk Size goes out at the old size; the writer switches after it.
    RTMP_TRY(send(protocol::encodeSetChunkSize(4096)));
    RTMP_TRY(writer_.setChunkSize(4096));
    protocol::ConnectResultOptions options;
    options.objectEncoding = request.objectEncoding;
    return send(protocol::buildConnectResult(request.transactionId, options));
  }
  if (name == commands::kCreateStream) {
    return send(protocol::buildCreateStreamResult(command.transactionId, streamId));
  }
  if (name == commands::kPublish) {
    RTMP_ASSIGN(protocol::PublishRequest request, protocol::parsePublish(command));
    if (role_ != Role::kNone || !stream_.claimPublisher(connection_)) {
      return send(protocol::buildOnStatus(streamId, status::kPublishBadName,
                                          request.streamName + " is already being published"));
    }
    role_ = Role::kPublisher;
    RTMP_TRY(send(protocol::encodeStreamBegin(streamId)));
    return send(protocol::buildOnStatus(streamId, status::kPublishStart,
                                        request.streamName + " is now published."));
  }
  if (name == commands::kPlay) {
    RTMP_ASSIGN(protocol::PlayRequest request, protocol::parsePlay(command));
    if (role_ != Role::kNone) {
      return send(protocol::buildOnStatus(streamId, status::kPlayFailed, "already busy"));
    }
    RTMP_TRY(send(protocol::encodeStreamBegin(streamId)));
    RTMP_TRY(send(protocol::buildOnStatus(streamId, status::kPlayReset,
                                          "Playing and resetting " + request.streamName + ".")));
    RTMP_TRY(send(protocol::buildOnStatus(streamId, status::kPlayStart,
                                          "Started playing " + request.streamName + ".")));
    RTMP_TRY(send(protocol::buildSampleAccess(streamId)));
    role_ = Role::kPlayer;
    stream_.addPlayer(connection_);
    return base::okStatus();
  }
  if (name == commands::kDeleteStream || name == commands::kCloseStream ||
      name == commands::kFCUnpublish) {
    stop();
    if (name == commands::kFCUnpublish && command.transactionId != 0) {
      return send(protocol::buildResult(command.transactionId));
    }
    return base::okStatus();
  }
  if (name == commands::kGetStreamLength && command.transactionId != 0) {
    // FFmpeg asks before playing; a live stream has no length.
    return send(protocol::buildResult(command.transactionId, protocol::AmfValue::null(),
                                      {protocol::AmfValue::number(0)}));
  }
  // releaseStream, FCPublish, _checkbw, ...: an empty answer satisfies every
  // client that waits for one; notifications (transaction id 0) get none.
  if (command.transactionId != 0 && name != commands::kResult && name != commands::kError) {
    return send(protocol::buildResult(command.transactionId));
  }
  return base::okStatus();
}

base::Status RelaySession::send(base::Result<protocol::Message> message) {
  if (!message.ok()) {
    base::log(base::LogLevel::kWarn, "ideal-relay",
              "could not encode a reply: " + message.error().toString());
    return base::okStatus();
  }
  base::BytesBuilder out;
  RTMP_TRY(writer_.write(*message, out));
  connection_.write(out.freeze());
  return base::okStatus();
}

}  // namespace rtmp::bench
