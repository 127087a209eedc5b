// IpRules: validation once at build(), then a linear first-match scan. Rule
// lists are short (tens), so a scan beats a prefix trie in both code and
// cache; order matters anyway, which a trie would have to re-encode.
#include "server/ip_rules.h"

#include <utility>

namespace rtmp::server {

using base::Error;
using base::ErrorCode;
using base::Result;

Result<IpAction> parseIpAction(std::string_view text) {
  if (text == "connect") return IpAction::kConnect;
  if (text == "publish") return IpAction::kPublish;
  if (text == "play") return IpAction::kPlay;
  return Error(ErrorCode::kInvalidArgument,
               "bad action '" + std::string(text) + "': expected connect, publish, play or *");
}

std::string_view ipActionName(IpAction action) {
  switch (action) {
    case IpAction::kConnect:
      return "connect";
    case IpAction::kPublish:
      return "publish";
    case IpAction::kPlay:
      return "play";
  }
  return "?";
}

Result<IpRules> IpRules::build(const std::vector<IpRuleSpec>& specs, bool defaultAllow) {
  IpRules rules;
  rules.defaultAllow_ = defaultAllow;
  rules.rules_.reserve(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const IpRuleSpec& spec = specs[i];
    const std::string where = "ip rule " + std::to_string(i);
    Rule rule;
    if (spec.action == "*") {
      rule.anyAction = true;
    } else {
      auto action = parseIpAction(spec.action);
      if (!action.ok()) return std::move(action).error().withContext(where);
      rule.action = *action;
    }
    if (spec.app.empty()) {
      return Error(ErrorCode::kInvalidArgument, "empty app (use \"*\" for any app)")
          .withContext(where);
    }
    rule.anyApp = spec.app == "*";
    rule.app = spec.app;
    rule.allow = spec.allow;
    auto cidr = Cidr::parse(spec.cidr);
    if (!cidr.ok()) return std::move(cidr).error().withContext(where);
    rule.cidr = *cidr;
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

IpRules::Verdict IpRules::check(IpAction action, std::string_view app, const IpAddress& ip) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    if (!rule.anyAction && rule.action != action) continue;
    if (!rule.anyApp && rule.app != app) continue;
    if (!rule.cidr.contains(ip)) continue;
    return Verdict{rule.allow, static_cast<int>(i)};
  }
  return Verdict{defaultAllow_, kDefaultRule};
}

}  // namespace rtmp::server
