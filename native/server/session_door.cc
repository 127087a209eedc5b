// Session: the checks at the door — IP rules and connection limits. They run
// in the engine (no JavaScript round trip) at connect, publish and play; the
// caller sends the RTMP status that goes with a refusal and closes.
#include <string>

#include "server/session.h"

namespace rtmp::server {

std::optional<base::Error> Session::refuseByIpRule(IpAction action) const {
  const IpRules* rules = env_.ipRules;
  if (rules == nullptr || (rules->size() == 0 && rules->defaultAllow())) return std::nullopt;
  auto ip = IpAddress::parse(peer_.ip);
  // A peer address we cannot parse is refused only when something is denied by default.
  if (!ip.ok()) {
    if (rules->defaultAllow()) return std::nullopt;
    return base::Error(base::ErrorCode::kRejected, "address " + peer_.ip + " not allowed");
  }
  IpRules::Verdict verdict = rules->check(action, app_, *ip);
  if (verdict.allowed) return std::nullopt;
  std::string why = verdict.ruleIndex == IpRules::kDefaultRule
                        ? "no rule allows it"
                        : "denied by ip rule " + std::to_string(verdict.ruleIndex);
  return base::Error(base::ErrorCode::kRejected, peer_.ip + " may not " +
                                                     std::string(ipActionName(action)) + " to " +
                                                     app_ + " (" + why + ")");
}

std::optional<base::Error> Session::refuseConnect() const {
  const EngineConfig& config = env_.config;
  // The table already counts this session (it is added at accept).
  if (config.maxConnections != 0 && env_.table.size() > config.maxConnections) {
    return base::Error(
        base::ErrorCode::kLimitExceeded,
        "server is at its connection limit (" + std::to_string(config.maxConnections) + ")");
  }
  if (config.maxConnectionsPerIp != 0 &&
      env_.table.countForIp(peer_.ip) > config.maxConnectionsPerIp) {
    return base::Error(base::ErrorCode::kLimitExceeded,
                       peer_.ip + " is at its connection limit (" +
                           std::to_string(config.maxConnectionsPerIp) + " per address)");
  }
  return refuseByIpRule(IpAction::kConnect);
}

}  // namespace rtmp::server
