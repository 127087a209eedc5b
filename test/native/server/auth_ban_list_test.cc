// AuthFailureLimiter as the operator sees it (issue 14): exempt CIDRs
// (loopback by default), the list of running bans, and unban. Time is passed
// in as the limiter's clock, so expiry is checked to the millisecond.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ip_text.h"
#include "server/auth_failure_limiter.h"

namespace rtmp::server::testing {
namespace {

// Five failures at `at`: a ban with the default config.
bool banNow(AuthFailureLimiter& limiter, const IpAddress& peer, int64_t at,
            const char* why = "wrong key") {
  bool banned = false;
  for (int i = 0; i < 5; ++i) banned = limiter.recordFailure(peer, at, why);
  return banned;
}

AuthFailureLimiterConfig withExempt(std::vector<std::string> cidrs) {
  AuthFailureLimiterConfig config;
  config.exemptCidrs = std::move(cidrs);
  return config;
}

TEST(AuthBanListTest, LoopbackIsExemptByDefault) {
  AuthFailureLimiter limiter;
  for (const char* text : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_FALSE(banNow(limiter, ip(text), 0)) << text;
    EXPECT_FALSE(limiter.isBanned(ip(text), 0)) << text;
    EXPECT_TRUE(limiter.exempt(ip(text))) << text;
  }
  // Not even remembered: exempt failures cost no memory.
  EXPECT_EQ(limiter.trackedIps(), 0u);
  EXPECT_TRUE(limiter.bans(0).empty());
}

TEST(AuthBanListTest, OtherAddressesAreStillBannedByDefault) {
  AuthFailureLimiter limiter;
  EXPECT_FALSE(limiter.exempt(ip("128.0.0.1")));
  EXPECT_FALSE(limiter.exempt(ip("::2")));
  EXPECT_TRUE(banNow(limiter, ip("128.0.0.1"), 0));
  EXPECT_TRUE(limiter.isBanned(ip("128.0.0.1"), 0));
}

TEST(AuthBanListTest, AnEmptyExemptListBansLoopbackToo) {
  AuthFailureLimiter limiter(withExempt({}));
  EXPECT_TRUE(banNow(limiter, ip("127.0.0.1"), 1'000));
  EXPECT_TRUE(limiter.isBanned(ip("127.0.0.1"), 1'000));
}

TEST(AuthBanListTest, ConfiguredCidrsAreExemptAndOnlyThose) {
  AuthFailureLimiter limiter(withExempt({"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_FALSE(banNow(limiter, ip("10.9.8.7"), 0));
  EXPECT_FALSE(banNow(limiter, ip("::ffff:10.1.1.1"), 0));
  EXPECT_FALSE(banNow(limiter, ip("2001:db8::5"), 0));
  EXPECT_TRUE(banNow(limiter, ip("11.0.0.1"), 0));
  EXPECT_TRUE(banNow(limiter, ip("127.0.0.1"), 0));  // the default list was replaced
  EXPECT_EQ(limiter.bans(0).size(), 2u);
}

TEST(AuthBanListTest, ValidateExemptNamesTheBadEntry) {
  EXPECT_TRUE(AuthFailureLimiter::validateExempt({"127.0.0.0/8", "::1"}).ok());
  EXPECT_TRUE(AuthFailureLimiter::validateExempt({}).ok());
  base::Status bad = AuthFailureLimiter::validateExempt({"::1", "10.0.0.1/8"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().toString().find("exempt CIDR 1"), std::string::npos)
      << bad.error().toString();
}

TEST(AuthBanListTest, BansListsAddressRemainingAndReason) {
  AuthFailureLimiter limiter;
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.7"), 1'000, "unknown stream key"));
  std::vector<AuthBan> bans = limiter.bans(61'000);
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans[0].ip.toString(), "192.0.2.7");
  EXPECT_EQ(bans[0].remainingMs, 540'000);
  EXPECT_EQ(bans[0].reason, "5 failed authorizations within 60 s (last: unknown stream key)");
}

TEST(AuthBanListTest, BansLeaveOutCountingAddressesAndSortLongestFirst) {
  AuthFailureLimiter limiter;
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.1"), 0));
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.2"), 5'000));
  limiter.recordFailure(ip("192.0.2.3"), 5'000);  // counting, not banned
  std::vector<AuthBan> bans = limiter.bans(6'000);
  ASSERT_EQ(bans.size(), 2u);
  EXPECT_EQ(bans[0].ip.toString(), "192.0.2.2");
  EXPECT_EQ(bans[1].ip.toString(), "192.0.2.1");
}

TEST(AuthBanListTest, ABanLeavesTheListExactlyWhenItEnds) {
  AuthFailureLimiter limiter;
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.1"), 0));
  ASSERT_EQ(limiter.bans(599'999).size(), 1u);
  EXPECT_EQ(limiter.bans(599'999)[0].remainingMs, 1);
  EXPECT_TRUE(limiter.bans(600'000).empty());
  EXPECT_EQ(limiter.trackedIps(), 0u);  // the ended ban was dropped while listing
}

TEST(AuthBanListTest, UnbanLiftsABanAndSaysSo) {
  AuthFailureLimiter limiter;
  const IpAddress peer = ip("192.0.2.9");
  ASSERT_TRUE(banNow(limiter, peer, 0));
  EXPECT_TRUE(limiter.unban(peer, 10));
  EXPECT_FALSE(limiter.isBanned(peer, 10));
  EXPECT_TRUE(limiter.bans(10).empty());
  EXPECT_FALSE(limiter.unban(peer, 10));  // nothing left to lift
}

TEST(AuthBanListTest, UnbanForgetsTheFailuresSoTheCountStartsAfresh) {
  AuthFailureLimiter limiter;
  const IpAddress peer = ip("192.0.2.9");
  ASSERT_TRUE(banNow(limiter, peer, 0));
  ASSERT_TRUE(limiter.unban(peer, 0));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.recordFailure(peer, 1));
  EXPECT_TRUE(limiter.recordFailure(peer, 1));
}

TEST(AuthBanListTest, UnbanOfANotBannedAddressIsFalseAndForgetsItsFailures) {
  AuthFailureLimiter limiter;
  const IpAddress peer = ip("192.0.2.9");
  for (int i = 0; i < 4; ++i) limiter.recordFailure(peer, 0);
  EXPECT_FALSE(limiter.unban(peer, 0));
  EXPECT_FALSE(limiter.recordFailure(peer, 0));  // 1 of 5 again, not 5 of 5
  EXPECT_FALSE(limiter.unban(ip("198.51.100.1"), 0));
}

TEST(AuthBanListTest, UnbanAfterTheBanEndedIsFalse) {
  AuthFailureLimiter limiter;
  const IpAddress peer = ip("192.0.2.9");
  ASSERT_TRUE(banNow(limiter, peer, 0));
  EXPECT_FALSE(limiter.unban(peer, 600'000));
}

TEST(AuthBanListTest, MappedSpellingUnbansThePlainAddress) {
  AuthFailureLimiter limiter;
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.9"), 0));
  EXPECT_TRUE(limiter.unban(ip("::ffff:192.0.2.9"), 0));
}

TEST(AuthBanListTest, TheReasonIsBounded) {
  AuthFailureLimiter limiter;
  const std::string longWhy(5'000, 'x');
  ASSERT_TRUE(banNow(limiter, ip("192.0.2.9"), 0, longWhy.c_str()));
  std::vector<AuthBan> bans = limiter.bans(0);
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_LT(bans[0].reason.size(), AuthFailureLimiter::kMaxReason + 100);
}

}  // namespace
}  // namespace rtmp::server::testing
