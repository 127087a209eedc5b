// Session: authorization by the host. A publish or play that passed the door
// is held — nothing started, no status sent, reading paused — while the host
// (the SDK's authorize hook, in JavaScript) decides. The answer comes back
// through Engine::answerAuth on this session's loop; a deadline checked by
// housekeeping answers for a host that does not. Other sessions never wait.
#include <string>

#include "base/log.h"
#include "server/session.h"
#include "server/stream_name.h"

namespace rtmp::server {

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
  transport_.resumeInput();
  if (!answer.allow) {
    rejectAuth(pending.publish, pending.streamId,
               answer.reason.empty() ? "not authorized" : answer.reason);
    return;
  }
  std::string name = pending.name;
  if (!answer.name.empty()) {
    // A secret publish key mapped to the public name players and HLS use.
    if (!validStreamName(answer.name)) {
      rejectAuth(pending.publish, pending.streamId,
                 "the authorizer returned an invalid stream name");
      return;
    }
    name = answer.name;
    requestedStream_ = name;
  }
  base::Status started = pending.publish
                             ? startPublish(name, pending.query, pending.streamId)
                             : startPlay(name, pending.query, pending.reset, pending.streamId);
  if (!started.ok()) fail(started.error());
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
    if (ip.ok() && env_.authFailures->recordFailure(*ip, static_cast<int64_t>(env_.nowMs()))) {
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
