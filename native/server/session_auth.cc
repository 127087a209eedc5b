// Session: authorization by the host. A publish or play that passed the door
// is held — nothing started, no status sent, reading paused — while the host
// (the SDK's authorize hook, in JavaScript) decides. The answer comes back
// through Engine::answerAuth on this session's loop; a deadline checked by
// housekeeping answers for a host that does not. Other sessions never wait.
// Media that was already read behind the publish (encoders that pipeline do
// not wait for Publish.Start) is held meanwhile and replayed after an allow.
#include <string>

#include "base/log.h"
#include "server/session.h"
#include "server/stream_name.h"

namespace rtmp::server {

namespace {

// Bounds on media held behind a publish awaiting authorization. Reading is
// paused meanwhile, so only what was already in the read that carried the
// publish arrives: one socket read (64 KiB, net/loop_thread.h) of metadata,
// sequence headers and first frames, plus any message whose first chunks came
// interleaved before the publish (rare; encoders finish one message before
// starting the next on another chunk stream). The bounds leave ample
// room for that and stop a peer whose bytes keep coming from piling up
// memory; past them the publish is refused and the session closed, since
// replaying a stream with a hole cut in it would feed players broken frames.
constexpr uint64_t kMaxHeldBytes = 2u << 20;
constexpr size_t kMaxHeldMessages = 512;

}  // namespace

base::Status Session::beginAuth(bool publish, const std::string& name, const std::string& query,
                                bool reset, uint32_t streamId) {
  PendingAuth pending;
  pending.requestId = nextAuthRequestId_++;
  pending.publish = publish;
  pending.name = name;
  pending.query = query;
  pending.reset = reset;
  pending.streamId = streamId;
  pending.deadlineMs = env_.nowMs() + env_.config.authTimeoutMs;
  pendingAuth_ = pending;
  transport_.pauseInput();

  base::log(base::LogLevel::kDebug, "session", logContext(), [&] {
    return std::string(publish ? "publish" : "play") + " waits for authorization (request " +
           std::to_string(pending.requestId) + ")";
  });
  emit(AuthorizeEvent{publish ? "publish" : "play", pending.requestId, tcUrl_, flashVer_, swfUrl_,
                      pageUrl_});
  return base::okStatus();
}

void Session::onAuthAnswer(uint64_t requestId, const AuthAnswer& answer) {
  if (closing_ || !pendingAuth_ || pendingAuth_->requestId != requestId) return;
  PendingAuth pending = std::move(*pendingAuth_);
  pendingAuth_.reset();
  base::log(base::LogLevel::kDebug, "session", logContext(), [&] {
    return "authorization " + std::to_string(requestId) + " answered: " +
           (answer.allow ? "allow" + (answer.name.empty() ? "" : " as '" + answer.name + "'")
                         : "deny: " + answer.reason);
  });
  if (!answer.allow) {
    dropHeld(IngestDropReason::kAuthDenied, "the authorization was denied");
    transport_.resumeInput();
    rejectAuth(pending.publish, pending.streamId,
               answer.reason.empty() ? "not authorized" : answer.reason);
    return;
  }
  std::string name = pending.name;
  if (!answer.name.empty()) {
    // A secret publish key mapped to the public name players and HLS use.
    if (!validStreamName(answer.name)) {
      dropHeld(IngestDropReason::kAuthDenied, "the authorizer returned an invalid name");
      transport_.resumeInput();
      rejectAuth(pending.publish, pending.streamId,
                 "the authorizer returned an invalid stream name");
      return;
    }
    name = answer.name;
    requestedStream_ = name;
  }
  if (pending.publish) authTaps_ = answer.taps;  // read by startPublish's tap factories
  base::Status started = pending.publish
                             ? startPublish(name, pending.query, pending.streamId)
                             : startPlay(name, pending.query, pending.reset, pending.streamId);
  if (!started.ok()) {
    dropHeld(IngestDropReason::kNotPublishing, "the publish could not start");
    transport_.resumeInput();
    fail(started.error());
    return;
  }
  // The stream is claimed and Publish.Start sent: what came behind the publish
  // goes in now, in arrival order, before anything read after the resume.
  std::vector<protocol::Message> held = std::move(heldMedia_);
  heldMedia_.clear();
  heldBytes_ = 0;
  for (const protocol::Message& message : held) {
    if (closing_) break;
    base::Status handled = handleMedia(message);
    if (!handled.ok()) {
      fail(std::move(handled).error());
      break;
    }
  }
  transport_.resumeInput();
}

bool Session::holdsForAuth(const protocol::Message& message) const {
  return pendingAuth_ && pendingAuth_->publish && message.streamId == pendingAuth_->streamId;
}

base::Status Session::holdForAuth(const protocol::Message& message) {
  if (heldMedia_.size() >= kMaxHeldMessages ||
      heldBytes_ + message.payload.size() > kMaxHeldBytes) {
    info_->countIngestDrop(IngestDropReason::kAuthOverflow, heldMedia_.size() + 1);
    heldMedia_.clear();
    heldBytes_ = 0;
    const uint32_t streamId = pendingAuth_->streamId;
    pendingAuth_.reset();  // a late answer finds nothing to resume
    const std::string why = "more than " + std::to_string(kMaxHeldMessages) + " messages or " +
                            std::to_string(kMaxHeldBytes >> 20) +
                            " MiB of media sent before the publish was authorized";
    sendStatus(streamId, protocol::status::kPublishDenied, why);
    return base::Error(base::ErrorCode::kLimitExceeded, "publish refused: " + why);
  }
  heldBytes_ += message.payload.size();
  heldMedia_.push_back(message);
  return base::okStatus();
}

void Session::dropHeld(IngestDropReason reason, const char* why) {
  if (heldMedia_.empty()) return;
  info_->countIngestDrop(reason, heldMedia_.size());
  base::log(base::LogLevel::kInfo, "session", logContext(), [&] {
    return "dropped " + std::to_string(heldMedia_.size()) + " messages (" +
           std::to_string(heldBytes_) + " bytes) held while awaiting authorization: " + why;
  });
  heldMedia_.clear();
  heldBytes_ = 0;
}

void Session::rejectAuth(bool publish, uint32_t streamId, const std::string& reason) {
  const std::string action = publish ? "publish" : "play";
  if (publish) {
    sendStatus(streamId, protocol::status::kPublishUnauthorized, reason);
  } else {
    sendStatus(streamId, protocol::status::kPlayFailed, reason);
  }
  if (env_.authFailures != nullptr) {
    auto ip = IpAddress::parse(peer_.ip);
    if (ip.ok() &&
        env_.authFailures->recordFailure(*ip, static_cast<int64_t>(env_.nowMs()), reason)) {
      const auto& limits = env_.authFailures->config();
      base::log(base::LogLevel::kWarn, "session", logContext(), [&] {
        return peer_.ip + " banned for " + std::to_string(limits.banMs / 1000) + " s after " +
               std::to_string(limits.maxFailures) + " failed authorizations within " +
               std::to_string(limits.windowMs / 1000) + " s";
      });
    }
  }
  fail(base::Error(base::ErrorCode::kRejected, action + " not authorized: " + reason));
}

void Session::checkAuthDeadline(uint64_t nowMs) {
  if (!pendingAuth_ || nowMs < pendingAuth_->deadlineMs) return;
  const std::string waited = std::to_string(env_.config.authTimeoutMs) + " ms";
  AuthAnswer answer;
  if (env_.config.authTimeoutAllows) {
    base::log(base::LogLevel::kWarn, "session", logContext(),
              [&] { return "no authorization within " + waited + ", allowed by configuration"; });
    answer.allow = true;
  } else {
    answer.reason = "authorization timed out after " + waited;
  }
  onAuthAnswer(pendingAuth_->requestId, answer);
}

}  // namespace rtmp::server
