// AuthFailureLimiter: sliding window, ban start/end at exact boundaries,
// IPv4/mapped sharing one counter, memory bound. Time is passed in; no sleeps.
#include "server/auth_failure_limiter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <thread>
#include <vector>
#include "ip_text.h"

namespace rtmp::server::testing {
namespace {

const IpAddress kPeer = IpAddress::fromV4(0x01020304);  // 1.2.3.4

TEST(AuthFailureLimiterTest, DefaultsAreFivePerMinuteTenMinuteBan) {
  AuthFailureLimiter limiter;
  EXPECT_EQ(limiter.config().maxFailures, 5);
  EXPECT_EQ(limiter.config().windowMs, 60'000);
  EXPECT_EQ(limiter.config().banMs, 600'000);
  EXPECT_EQ(limiter.config().maxTrackedIps, 100'000u);
}

TEST(AuthFailureLimiterTest, UnknownIpIsNotBanned) {
  AuthFailureLimiter limiter;
  EXPECT_FALSE(limiter.isBanned(kPeer, 0));
  EXPECT_EQ(limiter.banRemainingMs(kPeer, 0), 0);
  EXPECT_EQ(limiter.trackedIps(), 0u);
}

TEST(AuthFailureLimiterTest, FourFailuresDoNotBan) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, 1000 + i));
  EXPECT_FALSE(limiter.isBanned(kPeer, 1004));
}

TEST(AuthFailureLimiterTest, FifthFailureBansForBanLength) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 4; ++i) limiter.recordFailure(kPeer, 1000);
  EXPECT_TRUE(limiter.recordFailure(kPeer, 2000));
  EXPECT_TRUE(limiter.isBanned(kPeer, 2000));
  EXPECT_EQ(limiter.banRemainingMs(kPeer, 2000), 600'000);
  EXPECT_EQ(limiter.banRemainingMs(kPeer, 2500), 599'500);
}

TEST(AuthFailureLimiterTest, BanEndsExactlyAtBanLength) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, 0);
  EXPECT_TRUE(limiter.isBanned(kPeer, 599'999));
  EXPECT_EQ(limiter.banRemainingMs(kPeer, 599'999), 1);
  EXPECT_FALSE(limiter.isBanned(kPeer, 600'000));
  EXPECT_EQ(limiter.banRemainingMs(kPeer, 600'000), 0);
  // The ended ban leaves nothing behind.
  EXPECT_EQ(limiter.trackedIps(), 0u);
}

TEST(AuthFailureLimiterTest, FailureLeavesWindowExactlyAtWindowLength) {
  AuthFailureLimiter limiter;
  // Failures at 0,1,2,3 then the fifth at 60'000: the one at 0 has just
  // left the window (counts while now < t + 60'000), so only 4 count.
  for (int t = 0; t < 4; ++t) limiter.recordFailure(kPeer, t);
  EXPECT_FALSE(limiter.recordFailure(kPeer, 60'000));
  EXPECT_FALSE(limiter.isBanned(kPeer, 60'000));
}

TEST(AuthFailureLimiterTest, FailureStillInWindowOneMsBeforeBoundary) {
  AuthFailureLimiter limiter;
  for (int t = 0; t < 4; ++t) limiter.recordFailure(kPeer, t);
  EXPECT_TRUE(limiter.recordFailure(kPeer, 59'999));
  EXPECT_TRUE(limiter.isBanned(kPeer, 59'999));
}

TEST(AuthFailureLimiterTest, WindowSlides) {
  AuthFailureLimiter limiter;
  // One failure every 20 s never has 5 inside any 60 s window.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, i * 20'000));
  EXPECT_FALSE(limiter.isBanned(kPeer, 400'000));
}

TEST(AuthFailureLimiterTest, FailuresWhileBannedDoNotExtendBan) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, 0);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, 300'000));
  EXPECT_FALSE(limiter.isBanned(kPeer, 600'000));
}

TEST(AuthFailureLimiterTest, CountStartsAfreshAfterBanEnds) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, 0);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, 600'000));
  EXPECT_TRUE(limiter.recordFailure(kPeer, 600'001));
}

TEST(AuthFailureLimiterTest, MappedAndPlainIpv4ShareOneCounter) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 3; ++i) limiter.recordFailure(ip("10.0.0.1"), 0);
  limiter.recordFailure(ip("::ffff:10.0.0.1"), 0);
  EXPECT_TRUE(limiter.recordFailure(ip("::ffff:a00:1"), 0));
  EXPECT_TRUE(limiter.isBanned(ip("10.0.0.1"), 1));
  EXPECT_EQ(limiter.trackedIps(), 1u);
}

TEST(AuthFailureLimiterTest, OtherIpsAreUnaffected) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, 0);
  EXPECT_FALSE(limiter.isBanned(ip("1.2.3.5"), 0));
  EXPECT_FALSE(limiter.isBanned(ip("::1"), 0));
}

TEST(AuthFailureLimiterTest, EvictsLeastRecentlyTouchedAtBound) {
  AuthFailureLimiter::Config config;
  config.maxTrackedIps = 3;
  config.maxFailures = 2;
  AuthFailureLimiter limiter(config);
  limiter.recordFailure(IpAddress::fromV4(1), 0);
  limiter.recordFailure(IpAddress::fromV4(2), 1);
  limiter.recordFailure(IpAddress::fromV4(3), 2);
  // Touching 1 makes 2 the oldest.
  EXPECT_FALSE(limiter.isBanned(IpAddress::fromV4(1), 3));
  limiter.recordFailure(IpAddress::fromV4(4), 4);
  EXPECT_EQ(limiter.trackedIps(), 3u);
  EXPECT_EQ(limiter.evictions(), 1u);
  // 1 kept its failure (second one bans); 2 was forgotten (second one doesn't).
  EXPECT_TRUE(limiter.recordFailure(IpAddress::fromV4(1), 5));
  EXPECT_FALSE(limiter.recordFailure(IpAddress::fromV4(2), 6));
}

TEST(AuthFailureLimiterTest, MemoryStaysBoundedUnderManyIps) {
  AuthFailureLimiter::Config config;
  config.maxTrackedIps = 100;
  AuthFailureLimiter limiter(config);
  for (uint32_t i = 0; i < 1000; ++i) limiter.recordFailure(IpAddress::fromV4(i), 0);
  EXPECT_EQ(limiter.trackedIps(), 100u);
  EXPECT_EQ(limiter.evictions(), 900u);
}

TEST(AuthFailureLimiterTest, ExpiredOldestIsPrunedNotCountedAsEviction) {
  AuthFailureLimiter::Config config;
  config.maxTrackedIps = 2;
  AuthFailureLimiter limiter(config);
  limiter.recordFailure(IpAddress::fromV4(1), 0);
  limiter.recordFailure(IpAddress::fromV4(2), 50'000);
  limiter.recordFailure(IpAddress::fromV4(3), 60'000);  // 1's failure has expired
  EXPECT_EQ(limiter.trackedIps(), 2u);
  EXPECT_EQ(limiter.evictions(), 0u);
}

TEST(AuthFailureLimiterTest, ExpiredEntryIsPrunedOnAccess) {
  AuthFailureLimiter limiter;
  limiter.recordFailure(kPeer, 0);
  EXPECT_EQ(limiter.trackedIps(), 1u);
  EXPECT_FALSE(limiter.isBanned(kPeer, 60'000));
  EXPECT_EQ(limiter.trackedIps(), 0u);
}

TEST(AuthFailureLimiterTest, ForgetLiftsBan) {
  AuthFailureLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, 0);
  limiter.forget(kPeer);
  EXPECT_FALSE(limiter.isBanned(kPeer, 1));
}

TEST(AuthFailureLimiterTest, ZeroBanLengthNeverBans) {
  AuthFailureLimiter::Config config;
  config.banMs = 0;
  AuthFailureLimiter limiter(config);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, 0));
  EXPECT_FALSE(limiter.isBanned(kPeer, 0));
}

// EngineConfig::authFailures is handed over as is: the user's auth.maxFailures
// 0 ("never ban") must not become "ban after one failure".
TEST(AuthFailureLimiterTest, ZeroMaxFailuresNeverBans) {
  AuthFailureLimiter::Config config;
  config.maxFailures = 0;
  AuthFailureLimiter limiter(config);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.recordFailure(kPeer, 0));
  EXPECT_FALSE(limiter.isBanned(kPeer, 0));
  EXPECT_EQ(limiter.config().banMs, 0);
}

TEST(AuthFailureLimiterTest, OutOfRangeConfigIsRaisedToMinimum) {
  AuthFailureLimiter::Config config;
  config.maxFailures = 0;
  config.windowMs = -5;
  config.banMs = -1;
  config.maxTrackedIps = 0;
  AuthFailureLimiter limiter(config);
  EXPECT_EQ(limiter.config().maxFailures, 1);
  EXPECT_EQ(limiter.config().windowMs, 1);
  EXPECT_EQ(limiter.config().banMs, 0);
  EXPECT_EQ(limiter.config().maxTrackedIps, 1u);
}

TEST(AuthFailureLimiterTest, BanNearInt64MaxDoesNotOverflow) {
  AuthFailureLimiter limiter;
  const int64_t late = std::numeric_limits<int64_t>::max() - 10;
  for (int i = 0; i < 5; ++i) limiter.recordFailure(kPeer, late);
  EXPECT_TRUE(limiter.isBanned(kPeer, late));
  EXPECT_EQ(limiter.banRemainingMs(kPeer, late), 10);
  EXPECT_EQ(limiter.banRemainingMs(kPeer, std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::max());
}

TEST(AuthFailureLimiterTest, ConcurrentCallersAgreeOnCount) {
  // Four threads record 25 failures each on distinct IPs plus one shared IP;
  // the shared one ends banned, the total stays consistent. Run under TSan/ASan.
  AuthFailureLimiter::Config config;
  config.maxFailures = 100;
  AuthFailureLimiter limiter(config);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&limiter, t] {
      for (int i = 0; i < 25; ++i) {
        limiter.recordFailure(IpAddress::fromV4(0x0a000000 + t), i);
        limiter.recordFailure(kPeer, i);
        (void)limiter.isBanned(kPeer, i);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(limiter.isBanned(kPeer, 25));
  EXPECT_EQ(limiter.trackedIps(), 5u);
}

}  // namespace
}  // namespace rtmp::server::testing
