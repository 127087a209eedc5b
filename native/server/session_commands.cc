// Session command handlers (RTMP 1.0 §7.2): NetConnection connect/createStream
// and the FMLE/OBS publish sequence, NetStream publish/play/deleteStream.
#include <algorithm>

#include "base/log.h"
#include "base/printable.h"
#include "protocol/command_builders.h"
#include "protocol/command_parsers.h"
#include "protocol/control_messages.h"
#include "protocol/user_control.h"
#include "server/session.h"
#include "server/stream_name.h"

namespace rtmp::server {

namespace {

using protocol::AmfValue;
using protocol::Command;

}  // namespace

base::Status Session::handleCommand(const protocol::Message& message) {
  protocol::AmfLimits limits;
  limits.maxDepth = env_.config.amfMaxDepth;
  limits.maxStringLength = env_.config.amfMaxString;
  auto decoded = protocol::decodeCommand(message, limits);
  if (!decoded.ok()) return std::move(decoded).error().withContext("command");
  const Command& c = *decoded;
  namespace cmd = protocol::commands;
  base::log(base::LogLevel::kDebug, "session", logContext(), [&] {
    return "command " + base::quoted(c.name) + " (transaction " + std::to_string(c.transactionId) +
           ", stream " + std::to_string(message.streamId) + ")";
  });

  if (c.name == cmd::kConnect) return onConnect(c);
  if (!connected_) {
    return base::Error(base::ErrorCode::kProtocolState, base::quoted(c.name) + " before connect");
  }
  if (c.name == cmd::kCreateStream) return onCreateStream(c);
  if (c.name == cmd::kPublish) {
    RTMP_ASSIGN(auto request, protocol::parsePublish(c));
    return onPublish(request.streamName, message.streamId);
  }
  if (c.name == cmd::kPlay) {
    RTMP_ASSIGN(auto request, protocol::parsePlay(c));
    return onPlay(request.streamName, request.reset.value_or(true), message.streamId);
  }
  if (c.name == cmd::kPlay2) {
    RTMP_ASSIGN(auto request, protocol::parsePlay2(c));
    return onPlay(request.streamName, true, message.streamId);
  }
  if (c.name == cmd::kDeleteStream) {
    RTMP_ASSIGN(auto request, protocol::parseDeleteStream(c));
    onDeleteStream(request.streamId);
    return base::okStatus();
  }
  if (c.name == cmd::kCloseStream) {
    onDeleteStream(message.streamId);  // closeStream is sent on the stream it closes
    return base::okStatus();
  }
  if (c.name == cmd::kReleaseStream) {
    send(protocol::buildResult(c.transactionId));
    return base::okStatus();
  }
  if (c.name == cmd::kFCPublish || c.name == cmd::kFCUnpublish) {
    RTMP_ASSIGN(auto request, protocol::parseStreamNameCommand(c));
    std::string name = splitQuery(request.streamName).name;
    if (c.name == cmd::kFCPublish) {
      // OBS/FMLE wait for onFCPublish before they publish.
      send(protocol::buildOnFCPublish(name));
    } else if (publishStream_ && (name == publishStream_->name() || name == publishAsked_)) {
      send(protocol::buildOnFCUnpublish(name));
      stopPublishing("FCUnpublish");
    } else {
      // Not this connection's stream: answering Unpublish.Success would claim
      // something that did not happen, and there is no failure code to send.
      base::log(base::LogLevel::kInfo, "session", logContext(), [&] {
        return "FCUnpublish of " + base::quoted(name) +
               " ignored: this connection does not publish it";
      });
    }
    return base::okStatus();
  }
  if (c.name == cmd::kGetStreamLength) {
    send(protocol::buildResult(c.transactionId, AmfValue::null(),
                               {AmfValue::number(0)}));  // live: no length
    return base::okStatus();
  }
  if (c.name == cmd::kReceiveAudio || c.name == cmd::kReceiveVideo) {
    RTMP_ASSIGN(auto request, protocol::parseReceive(c));
    if (player_) player_->setReceive(c.name == cmd::kReceiveVideo, request.enable);
    return base::okStatus();
  }
  if (c.name == cmd::kPause) {
    RTMP_ASSIGN(auto request, protocol::parsePause(c));
    onPause(request.pause, message.streamId);
    return base::okStatus();
  }
  // _checkbw, _result/_error to our calls, and anything unknown: not an error.
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return "ignoring command " + base::quoted(c.name); });
  return base::okStatus();
}

base::Status Session::onConnect(const Command& c) {
  if (connected_) return base::Error(base::ErrorCode::kProtocolState, "second connect");
  RTMP_ASSIGN(protocol::ConnectRequest request, protocol::parseConnect(c));
  NameAndQuery app = splitQuery(request.app);
  tcUrl_ = request.tcUrl;
  flashVer_ = request.flashVer;
  swfUrl_ = request.swfUrl;
  pageUrl_ = request.pageUrl;
  app_ = app.name;
  appQuery_ = app.query.empty() ? tcUrlQuery(tcUrl_) : app.query;

  if (const char* problem = streamNameProblem(app_)) {
    send(protocol::buildError(c.transactionId, protocol::status::kConnectInvalidApp,
                              std::string("invalid application name: ") + problem));
    return base::Error(base::ErrorCode::kCommand,
                       "invalid app name " + base::quoted(app_) + ": " + problem);
  }
  if (auto refusal = refuseConnect()) {
    send(protocol::buildError(c.transactionId, protocol::status::kConnectRejected,
                              refusal->message()));
    return base::Error(refusal->code(), "connect refused: " + refusal->message());
  }
  connected_ = true;
  noRoleSinceMs_ = env_.nowMs();
  env_.table.describe(*info_, SessionRole::kUnknown, app_, "");

  // §7.2.1.1: Window Acknowledgement Size, Set Peer Bandwidth, our chunk size,
  // then the _result.
  (void)writer_.setChunkSize(env_.config.streams.outChunkSize);  // validated by the SDK
  protocol::ConnectResultOptions result;
  result.objectEncoding = request.objectEncoding;
  sendMessage(protocol::encodeWindowAckSize(env_.config.windowAckSize));
  sendMessage(protocol::encodeSetPeerBandwidth(env_.config.peerBandwidth,
                                               protocol::BandwidthLimitType::kDynamic));
  sendMessage(protocol::encodeSetChunkSize(env_.config.streams.outChunkSize));
  send(protocol::buildConnectResult(c.transactionId, result));
  base::log(base::LogLevel::kDebug, "session", logContext(), [&] {
    return "connected: app " + base::quoted(app_) + ", tcUrl " + base::quoted(tcUrl_, 256) +
           ", flashVer " + base::quoted(flashVer_);
  });
  emit(ConnectEvent{tcUrl_, flashVer_});
  return base::okStatus();
}

base::Status Session::onCreateStream(const Command& c) {
  if (createdStreams_.size() >= 16) {
    return base::Error(base::ErrorCode::kLimitExceeded, "more than 16 streams on one connection");
  }
  uint32_t streamId = nextStreamId_++;
  createdStreams_.push_back(streamId);
  send(protocol::buildCreateStreamResult(c.transactionId, streamId));
  return base::okStatus();
}

base::Status Session::refuseStreamName(uint32_t streamId, const protocol::StatusCode& status,
                                       const std::string& rawName, const char* problem) {
  sendStatus(streamId, status, std::string("invalid stream name: ") + problem);
  // Logged as the client sent it, up to the query (which may carry a key).
  return base::Error(
      base::ErrorCode::kCommand,
      "invalid stream name " + base::quoted(rawName.substr(0, rawName.find('?'))) + ": " + problem);
}

base::Status Session::onPublish(const std::string& rawName, uint32_t streamId) {
  NameAndQuery name = splitQuery(rawName);
  requestedStream_ = name.name;
  requestedQuery_ = name.query;
  publishAsked_ = name.name;
  if (std::find(createdStreams_.begin(), createdStreams_.end(), streamId) ==
      createdStreams_.end()) {
    return base::Error(base::ErrorCode::kProtocolState, "publish on a stream that was not created");
  }
  if (publishStream_ || player_) {
    sendStatus(streamId, protocol::status::kPublishDenied, "already publishing or playing");
    return base::Error(base::ErrorCode::kProtocolState, "second publish/play on one connection");
  }
  if (const char* problem = streamNameProblem(name.name)) {
    return refuseStreamName(streamId, protocol::status::kPublishBadName, rawName, problem);
  }
  if (auto refusal = refuseByIpRule(IpAction::kPublish)) {
    sendStatus(streamId, protocol::status::kPublishUnauthorized, refusal->message());
    return base::Error(refusal->code(), "publish refused: " + refusal->message());
  }
  if (pendingAuth_) {
    return base::Error(base::ErrorCode::kProtocolState,
                       "publish while an authorization is pending");
  }
  if (env_.config.authHook)
    return beginAuth(/*publish=*/true, name.name, name.query, false, streamId);
  return startPublish(name.name, name.query, streamId);
}

base::Status Session::startPublish(const std::string& streamName, const std::string& query,
                                   uint32_t streamId) {
  const NameAndQuery name{streamName, query};
  // Take a publisher place before the stream: the limit holds across loops.
  if (!env_.table.describeWithin(*info_, SessionRole::kPublisher, app_, name.name,
                                 env_.config.maxPublishers)) {
    countRefusal(LimitKind::kPublishers);
    const std::string why =
        "server is at its publisher limit (" + std::to_string(env_.config.maxPublishers) + ")";
    sendStatus(streamId, protocol::status::kPublishDenied, why);
    return base::Error(base::ErrorCode::kLimitExceeded, "publish refused: " + why);
  }
  auto stream = env_.registry.acquire(app_, name.name, /*create=*/true);
  if (!stream->beginPublish(id_, env_.wallMs())) {
    env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
    env_.registry.release(stream);
    sendStatus(streamId, protocol::status::kPublishBadName,
               app_ + "/" + name.name + " is already being published");
    return base::Error(base::ErrorCode::kStreamBusy,
                       app_ + "/" + name.name + " is already being published");
  }
  publishStream_ = std::move(stream);
  publishStreamId_ = streamId;
  publishQuery_ = name.query;
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return "publish started on stream " + std::to_string(streamId); });
  sendMessage(protocol::encodeStreamBegin(streamId));
  sendStatus(streamId, protocol::status::kPublishStart,
             app_ + "/" + name.name + " is now published.");
  attachPublishTaps(name.name, name.query);
  return base::okStatus();
}

void Session::attachPublishTaps(const std::string& name, const std::string& query) {
  if (env_.publishTaps == nullptr || env_.publishTaps->empty()) return;
  PublishTapRequest request;
  request.app = app_;
  request.name = name;
  request.query = query;
  request.publisherId = id_;
  request.loopIndex = transport_.loopServices().executor().index();
  request.requested = authTaps_;
  publishTaps_ = env_.publishTaps->build(request);
  // On the publisher's loop: the stream delivers to them directly, no post.
  for (const auto& tap : publishTaps_) {
    publishStream_->attach(transport_.loopServices().executor(),
                           transport_.loopServices().fanouts(), tap.get());
  }
}

void Session::detachPublishTaps() {
  // Move out first: a tap's onDetached must not find itself in the list.
  auto taps = std::move(publishTaps_);
  publishTaps_.clear();
  for (const auto& tap : taps)
    publishStream_->detach(transport_.loopServices().fanouts(), tap.get());
}

base::Status Session::onPlay(const std::string& rawName, bool reset, uint32_t streamId) {
  NameAndQuery name = splitQuery(rawName);
  requestedStream_ = name.name;
  requestedQuery_ = name.query;
  if (std::find(createdStreams_.begin(), createdStreams_.end(), streamId) ==
      createdStreams_.end()) {
    return base::Error(base::ErrorCode::kProtocolState, "play on a stream that was not created");
  }
  if (publishStream_) {
    return base::Error(base::ErrorCode::kProtocolState, "play on a publishing connection");
  }
  if (player_) stopPlaying("play switched to another stream");
  if (const char* problem = streamNameProblem(name.name)) {
    return refuseStreamName(streamId, protocol::status::kPlayStreamNotFound, rawName, problem);
  }
  if (auto refusal = refuseByIpRule(IpAction::kPlay)) {
    sendStatus(streamId, protocol::status::kPlayFailed, refusal->message());
    return base::Error(refusal->code(), "play refused: " + refusal->message());
  }
  if (pendingAuth_) {
    return base::Error(base::ErrorCode::kProtocolState, "play while an authorization is pending");
  }
  if (env_.config.authHook)
    return beginAuth(/*publish=*/false, name.name, name.query, reset, streamId);
  return startPlay(name.name, name.query, reset, streamId);
}

base::Status Session::startPlay(const std::string& streamName, const std::string& query, bool reset,
                                uint32_t streamId) {
  const NameAndQuery name{streamName, query};
  if (!env_.table.describeWithin(*info_, SessionRole::kPlayer, app_, name.name,
                                 env_.config.maxPlayersPerStream, /*sameStream=*/true)) {
    countRefusal(LimitKind::kPlayersPerStream);
    const std::string why = app_ + "/" + name.name + " is at its player limit (" +
                            std::to_string(env_.config.maxPlayersPerStream) + ")";
    sendStatus(streamId, protocol::status::kPlayFailed, why);
    return base::Error(base::ErrorCode::kLimitExceeded, "play refused: " + why);
  }
  // playWaitMs 0 is "do not wait", like waitForPublisher false.
  const bool wait = env_.config.waitForPublisher && env_.config.playWaitMs > 0;
  auto stream =
      env_.registry.acquire(app_, name.name, /*create=*/wait, /*requirePublishing=*/!wait);
  if (!stream) {
    env_.table.describe(*info_, SessionRole::kUnknown, app_, "");
    sendStatus(streamId, protocol::status::kPlayStreamNotFound,
               app_ + "/" + name.name + " is not live");
    return base::Error(base::ErrorCode::kStreamNotFound, app_ + "/" + name.name + " is not live");
  }
  playStream_ = std::move(stream);
  playStreamId_ = streamId;
  playQuery_ = name.query;
  // The tap's first publisherPresence() call confirms or corrects this (the
  // publisher may sit on another loop); the event reports what is known now.
  playWaiting_ = !playStream_->publishing();
  playWaitingSinceMs_ = env_.nowMs();
  playHadPublisher_ = !playWaiting_;
  info_->waiting.store(playWaiting_, std::memory_order_relaxed);

  // §7.2.2.1: StreamIsRecorded is for recorded streams only; live gets
  // Play.Reset (when asked to) and Play.Start, then |RtmpSampleAccess.
  if (reset) {
    sendStatus(streamId, protocol::status::kPlayReset, "Playing and resetting " + name.name + ".");
  }
  sendStatus(streamId, protocol::status::kPlayStart, "Started playing " + name.name + ".");
  send(protocol::buildSampleAccess(streamId));

  PlayerOptions options;
  options.streamId = streamId;
  options.timestampMode = env_.config.streams.timestampMode;
  options.queueMs = env_.config.playerQueueMs;
  options.queueMaxBytes = env_.config.playerQueueMaxBytes;
  options.streamPath = app_ + "/" + name.name;
  options.bytesOut = &info_->bytesOut;
  player_ = std::make_unique<PlayerTap>(static_cast<PlayerHost&>(*this),
                                        static_cast<MediaSink&>(transport_), options);
  base::log(base::LogLevel::kDebug, "session", logContext(),
            [&] { return "play started on stream " + std::to_string(streamId); });
  emit(PlayEvent{playWaiting_});
  flushOutput();  // Play.Start and the rest before the first media the tap writes
  playStream_->attach(transport_.loopServices().executor(), transport_.loopServices().fanouts(),
                      player_.get());
  return base::okStatus();
}

void Session::onDeleteStream(uint32_t streamId) {
  if (publishStream_ && streamId == publishStreamId_) {
    sendStatus(streamId, protocol::status::kUnpublishSuccess, "unpublished");
    stopPublishing("deleteStream");
  }
  if (player_ && streamId == playStreamId_) stopPlaying("deleteStream");
  std::erase(createdStreams_, streamId);
}

void Session::onPause(bool pause, uint32_t streamId) {
  if (!player_ || streamId != playStreamId_) return;
  player_->setPaused(pause);
  sendStatus(streamId, pause ? protocol::status::kPauseNotify : protocol::status::kUnpauseNotify,
             pause ? "Paused." : "Unpaused.");
}

void Session::sendStatus(uint32_t streamId, const protocol::StatusCode& status,
                         const std::string& description) {
  send(protocol::buildOnStatus(streamId, status, description));
}

void Session::send(base::Result<protocol::Message> message) {
  // Our own builders fail only on values past AMF limits (an absurd name):
  // log it rather than send something malformed.
  if (message.ok()) {
    sendMessage(*message);
  } else {
    base::log(base::LogLevel::kWarn, "session", logContext(),
              [&] { return "could not encode a reply: " + message.error().toString(); });
  }
}

}  // namespace rtmp::server
