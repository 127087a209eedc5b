// Ordered IP allow/deny rules for the three doors a client walks through:
// connect (the NetConnection), publish and play. Rules are checked in the
// order written and the first one that matches decides, like a firewall
// chain; when none matches, the configured default decides (allow unless set
// otherwise). Built once from config, then read-only: safe to share between
// loops without a lock.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "server/cidr.h"

namespace rtmp::server {

enum class IpAction { kConnect, kPublish, kPlay };

// "connect" | "publish" | "play" → IpAction; anything else is kInvalidArgument.
base::Result<IpAction> parseIpAction(std::string_view text);
std::string_view ipActionName(IpAction action);

// One rule as configured. action is "connect", "publish", "play" or "*" (all
// three); app is an exact app name or "*" (any app); cidr is anything
// Cidr::parse takes ("10.0.0.0/8", "::1", ...).
struct IpRuleSpec {
  std::string action;
  std::string app = "*";
  bool allow = true;
  std::string cidr;
};

class IpRules {
 public:
  // Index reported when no rule matched and the default decided.
  static constexpr int kDefaultRule = -1;

  struct Verdict {
    bool allowed = true;
    int ruleIndex = kDefaultRule;  // index into the specs given to build(), or kDefaultRule
  };

  // Validates every spec; the first bad one fails the whole set with its
  // index in the message ("ip rule 3: bad CIDR '10.0.0.0/33': ...").
  static base::Result<IpRules> build(const std::vector<IpRuleSpec>& specs,
                                     bool defaultAllow = true);

  // No rules, default allow: lets every client in.
  IpRules() = default;

  Verdict check(IpAction action, std::string_view app, const IpAddress& ip) const;

  size_t size() const { return rules_.size(); }
  bool defaultAllow() const { return defaultAllow_; }

 private:
  struct Rule {
    bool anyAction = false;
    IpAction action = IpAction::kConnect;
    bool anyApp = false;
    std::string app;
    bool allow = true;
    Cidr cidr;
  };

  std::vector<Rule> rules_;
  bool defaultAllow_ = true;
};

}  // namespace rtmp::server
