// Session: the checks at the door — bans, IP rules and connection limits. They run
// in the engine (no JavaScript round trip) at connect, publish and play; the
// caller sends the RTMP status that goes with a refusal and closes. Also the
// close of a connection evicted from the pending budget.
#include <string>

#include "base/log.h"
#include "server/session.h"

namespace rtmp::server {

std::optional<base::Error> Session::refuseByIpRule(IpAction action) const {
  const IpRules* rules = env_.ipRules;
  if (rules == nullptr || (rules->size() == 0 && rules->defaultAllow())) return std::nullopt;
  auto ip = IpAddress::parse(peer_.ip);
  // A peer address we cannot parse is refused only when something is denied by default.
  if (!ip.ok()) {
    if (rules->defaultAllow()) return std::nullopt;
    countIpRefusal(IpRefusal::kNotAllowed, action);
    return base::Error(base::ErrorCode::kRejected, "address " + peer_.ip + " not allowed");
  }
  IpRules::Verdict verdict = rules->check(action, app_, *ip);
  if (verdict.allowed) return std::nullopt;
  countIpRefusal(
      verdict.ruleIndex == IpRules::kDefaultRule ? IpRefusal::kNotAllowed : IpRefusal::kDenyRule,
      action);
  std::string why = verdict.ruleIndex == IpRules::kDefaultRule
                        ? "no rule allows it"
                        : "denied by ip rule " + std::to_string(verdict.ruleIndex);
  return base::Error(base::ErrorCode::kRejected, peer_.ip + " may not " +
                                                     std::string(ipActionName(action)) + " to " +
                                                     app_ + " (" + why + ")");
}

std::optional<base::Error> Session::refuseByBan() const {
  if (env_.authFailures == nullptr) return std::nullopt;
  auto ip = IpAddress::parse(peer_.ip);
  if (!ip.ok()) return std::nullopt;
  const int64_t remaining =
      env_.authFailures->banRemainingMs(*ip, static_cast<int64_t>(env_.nowMs()));
  if (remaining <= 0) return std::nullopt;
  countRefusal(LimitKind::kAuthBan);
  // The client shows this text (ffmpeg: "Server error: ..."); the close logs it.
  return base::Error(base::ErrorCode::kRejected, "address " + peer_.ip + " banned for " +
                                                     std::to_string((remaining + 999) / 1000) +
                                                     " s after failed authorizations");
}

std::optional<base::Error> Session::refuseConnect() {
  const EngineConfig& config = env_.config;
  // A banned address that the accept path let through to hear why (engine.cc).
  if (auto refusal = refuseByBan()) return refusal;
  if (auto refusal = refuseByIpRule(IpAction::kConnect)) return refusal;
  // Last, so that a refused client never holds a place. Only connected
  // sessions count toward these limits: a connection that has not connected
  // yet is in the pending budget (PendingConnections), which it leaves here.
  switch (
      env_.table.takeConnectedPlace(*info_, config.maxConnections, config.maxConnectionsPerIp)) {
    case SessionTable::ConnectPlace::kTaken:
      break;
    case SessionTable::ConnectPlace::kServerFull:
      countRefusal(LimitKind::kConnections);
      return base::Error(
          base::ErrorCode::kLimitExceeded,
          "server is at its connection limit (" + std::to_string(config.maxConnections) + ")");
    case SessionTable::ConnectPlace::kAddressFull:
      countRefusal(LimitKind::kConnectionsPerIp);
      return base::Error(base::ErrorCode::kLimitExceeded,
                         peer_.ip + " is at its connection limit (" +
                             std::to_string(config.maxConnectionsPerIp) + " per address)");
  }
  if (env_.pending != nullptr) env_.pending->leave(id_);
  return std::nullopt;
}

void Session::closeIfPending(const std::string& why, LimitKind limit) {
  if (closing_ || connected_) return;  // it connected meanwhile: no longer pending
  countRefusal(limit);
  base::log(base::LogLevel::kInfo, "session", logContext(), [&] { return "closing: " + why; });
  terminate(base::Error(base::ErrorCode::kLimitExceeded, why));
}

base::Status Session::checkIngestRate(size_t payloadBytes) {
  const EngineConfig& config = env_.config;
  if (config.maxIngestKbps == 0) return base::okStatus();
  const uint64_t now = env_.nowMs();
  ingestRate_.add(payloadBytes, now);
  const uint64_t kbps = ingestRate_.kbps(now);
  if (kbps <= config.maxIngestKbps) return base::okStatus();
  const std::string what = app_ + "/" + requestedStream_ + " ingest " + std::to_string(kbps) +
                           " kbit/s is over the limit of " + std::to_string(config.maxIngestKbps) +
                           " kbit/s";
  if (config.dropOverIngestLimit) {
    countRefusal(LimitKind::kIngestRate);
    sendStatus(publishStreamId_, protocol::status::kStreamFailed, what);
    return base::Error(base::ErrorCode::kLimitExceeded, what);
  }
  constexpr uint64_t kWarnEveryMs = 30'000;
  if (!ingestWarned_ || now - ingestWarnedAtMs_ >= kWarnEveryMs) {
    ingestWarned_ = true;
    ingestWarnedAtMs_ = now;
    base::log(base::LogLevel::kWarn, "session", logContext(), what);
  }
  return base::okStatus();
}

}  // namespace rtmp::server
