// IpRules: validation at build(), first match wins, action and app scoping,
// default verdict, IPv4-mapped peers.
#include "server/ip_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>
#include "ip_text.h"

namespace rtmp::server::testing {
namespace {

IpRules rules(const std::vector<IpRuleSpec>& specs, bool defaultAllow = true) {
  auto r = IpRules::build(specs, defaultAllow);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
  return r.ok() ? *r : IpRules();
}

TEST(IpRulesTest, EmptyRulesAllowByDefault) {
  IpRules r;
  auto v = r.check(IpAction::kPublish, "live", ip("1.2.3.4"));
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.ruleIndex, IpRules::kDefaultRule);
}

TEST(IpRulesTest, DefaultDenyWhenConfigured) {
  IpRules r = rules({{"publish", "*", true, "10.0.0.0/8"}}, /*defaultAllow=*/false);
  auto v = r.check(IpAction::kPublish, "live", ip("192.168.0.1"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.ruleIndex, IpRules::kDefaultRule);
  EXPECT_TRUE(r.check(IpAction::kPublish, "live", ip("10.1.2.3")).allowed);
}

TEST(IpRulesTest, FirstMatchWins) {
  IpRules r = rules({
      {"publish", "*", true, "10.0.0.5"},     // 0: one host allowed
      {"publish", "*", false, "10.0.0.0/8"},  // 1: rest of the /8 denied
      {"publish", "*", true, "0.0.0.0/0"},    // 2: everyone else allowed
  });
  auto host = r.check(IpAction::kPublish, "live", ip("10.0.0.5"));
  EXPECT_TRUE(host.allowed);
  EXPECT_EQ(host.ruleIndex, 0);
  auto net = r.check(IpAction::kPublish, "live", ip("10.0.0.6"));
  EXPECT_FALSE(net.allowed);
  EXPECT_EQ(net.ruleIndex, 1);
  auto other = r.check(IpAction::kPublish, "live", ip("8.8.8.8"));
  EXPECT_TRUE(other.allowed);
  EXPECT_EQ(other.ruleIndex, 2);
}

TEST(IpRulesTest, LaterRuleNeverOverridesEarlierMatch) {
  IpRules r = rules({
      {"play", "*", false, "0.0.0.0/0"},
      {"play", "*", true, "1.2.3.4"},
  });
  auto v = r.check(IpAction::kPlay, "live", ip("1.2.3.4"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.ruleIndex, 0);
}

TEST(IpRulesTest, RulesApplyOnlyToTheirAction) {
  IpRules r = rules({{"publish", "*", false, "0.0.0.0/0"}});
  EXPECT_FALSE(r.check(IpAction::kPublish, "live", ip("1.2.3.4")).allowed);
  EXPECT_TRUE(r.check(IpAction::kPlay, "live", ip("1.2.3.4")).allowed);
  EXPECT_TRUE(r.check(IpAction::kConnect, "live", ip("1.2.3.4")).allowed);
}

TEST(IpRulesTest, StarActionCoversAllThree) {
  IpRules r = rules({{"*", "*", false, "6.6.6.0/24"}});
  for (IpAction a : {IpAction::kConnect, IpAction::kPublish, IpAction::kPlay}) {
    auto v = r.check(a, "live", ip("6.6.6.6"));
    EXPECT_FALSE(v.allowed) << ipActionName(a);
    EXPECT_EQ(v.ruleIndex, 0);
  }
}

TEST(IpRulesTest, AppScopedRuleMatchesOnlyThatApp) {
  IpRules r = rules({
      {"play", "private", false, "0.0.0.0/0"},
      {"play", "*", true, "0.0.0.0/0"},
  });
  auto priv = r.check(IpAction::kPlay, "private", ip("1.2.3.4"));
  EXPECT_FALSE(priv.allowed);
  EXPECT_EQ(priv.ruleIndex, 0);
  auto pub = r.check(IpAction::kPlay, "live", ip("1.2.3.4"));
  EXPECT_TRUE(pub.allowed);
  EXPECT_EQ(pub.ruleIndex, 1);
  // Exact, case-sensitive app match.
  EXPECT_EQ(r.check(IpAction::kPlay, "Private", ip("1.2.3.4")).ruleIndex, 1);
}

TEST(IpRulesTest, MappedPeerMatchesIpv4Rule) {
  IpRules r = rules({{"connect", "*", false, "10.0.0.0/8"}});
  auto v = r.check(IpAction::kConnect, "live", ip("::ffff:10.9.8.7"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.ruleIndex, 0);
}

TEST(IpRulesTest, Ipv4PeerMatchesMappedRule) {
  IpRules r = rules({{"connect", "*", false, "::ffff:10.0.0.0/104"}});
  EXPECT_FALSE(r.check(IpAction::kConnect, "live", ip("10.9.8.7")).allowed);
}

TEST(IpRulesTest, Ipv6RuleDoesNotMatchIpv4Peer) {
  IpRules r = rules({{"connect", "*", false, "2001:db8::/32"}});
  EXPECT_TRUE(r.check(IpAction::kConnect, "live", ip("10.0.0.1")).allowed);
  EXPECT_FALSE(r.check(IpAction::kConnect, "live", ip("2001:db8::7")).allowed);
}

TEST(IpRulesTest, BuildRejectsBadCidrWithRuleIndex) {
  auto r = IpRules::build({{"play", "*", true, "10.0.0.0/8"}, {"play", "*", true, "10.0.0.0/33"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message().rfind("ip rule 1: bad CIDR '10.0.0.0/33': ", 0), 0u)
      << r.error().message();
}

TEST(IpRulesTest, BuildRejectsUnknownAction) {
  auto r = IpRules::build({{"record", "*", true, "10.0.0.0/8"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("ip rule 0: bad action 'record'"), std::string::npos)
      << r.error().message();
}

TEST(IpRulesTest, BuildRejectsEmptyApp) {
  auto r = IpRules::build({{"play", "", true, "10.0.0.0/8"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("ip rule 0: empty app"), std::string::npos);
}

TEST(IpRulesTest, BuildRejectsEmptyCidr) {
  auto r = IpRules::build({{"play", "*", true, ""}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("bad CIDR '': empty"), std::string::npos);
}

TEST(IpRulesTest, ParseIpActionNames) {
  for (IpAction a : {IpAction::kConnect, IpAction::kPublish, IpAction::kPlay}) {
    auto back = parseIpAction(ipActionName(a));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, a);
  }
  EXPECT_FALSE(parseIpAction("PLAY").ok());
  EXPECT_FALSE(parseIpAction("").ok());
}

}  // namespace
}  // namespace rtmp::server::testing
