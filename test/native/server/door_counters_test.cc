// Failed handshakes (by reason, timeout included) and IP-rule refusals (by
// rule and door) are counted by the session that fails or is refused, once
// (EngineStats::handshakeFailures / ipRefusals, the metrics'
// rtmp_engine_handshake_failures_total and rtmp_engine_ip_refusals_total).
// Test clients all come from 192.0.2.7 over plain RTMP.
#include "server/door_counters.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>
#include <vector>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

constexpr size_t kRtmp = 0;
constexpr size_t kRtmps = 1;

uint64_t sum(const HandshakeFailureCounts& c) {
  uint64_t n = 0;
  for (const auto& listener : c)
    for (uint64_t v : listener) n += v;
  return n;
}
uint64_t sum(const IpRefusalCounts& c) {
  uint64_t n = 0;
  for (const auto& rule : c)
    for (uint64_t v : rule) n += v;
  return n;
}
uint64_t of(const HandshakeFailureCounts& c, size_t listener, HandshakeFailure r) {
  return c[listener][static_cast<size_t>(r)];
}
uint64_t of(const IpRefusalCounts& c, IpRefusal rule, IpAction action) {
  return c[static_cast<size_t>(rule)][static_cast<size_t>(action)];
}

class DoorCountersTest : public SessionTest {
 protected:
  void count() { h().env.doorCounts = &counts_; }
  // Housekeeping on `c` at `nowMs` (as the loop's 1 s timer does).
  void housekeeping(TestClient& c) {
    auto scope = c.loop().enter();
    c.session().checkDeadlines(h().nowMs);
  }
  DoorCounters counts_;
};

TEST_F(DoorCountersTest, NamesAreTheStatsContract) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kHandshakeFailureCount; ++i) {
    names.insert(handshakeFailureName(static_cast<HandshakeFailure>(i)));
  }
  EXPECT_EQ(names, (std::set<std::string_view>{"version", "digest", "state", "tls", "timeout"}));
  EXPECT_EQ(ipRefusalName(IpRefusal::kDenyRule), "deny");
  EXPECT_EQ(ipRefusalName(IpRefusal::kNotAllowed), "notAllowed");
  EXPECT_EQ(ipRefusalName(IpRefusal::kBan), "ban");
  EXPECT_EQ(static_cast<size_t>(IpRefusal::kBan) + 1, kIpRefusalCount);
}

TEST_F(DoorCountersTest, CountsByListenerAndReason) {
  DoorCounters c;
  c.countHandshakeFailure(false, HandshakeFailure::kTimeout);
  c.countHandshakeFailure(true, HandshakeFailure::kTls);
  c.countHandshakeFailure(true, HandshakeFailure::kTls);
  c.countIpRefusal(IpRefusal::kNotAllowed, IpAction::kPlay);
  EXPECT_EQ(of(c.handshakeFailures(), kRtmp, HandshakeFailure::kTimeout), 1u);
  EXPECT_EQ(of(c.handshakeFailures(), kRtmps, HandshakeFailure::kTls), 2u);
  EXPECT_EQ(sum(c.handshakeFailures()), 3u);
  EXPECT_EQ(of(c.ipRefusals(), IpRefusal::kNotAllowed, IpAction::kPlay), 1u);
  EXPECT_EQ(sum(c.ipRefusals()), 1u);
}

TEST_F(DoorCountersTest, ABadVersionByteIsAVersionFailure) {
  count();
  TestClient& c = h().client(h().loopA);
  std::vector<uint8_t> c0c1(1 + 1536, 0);
  c0c1[0] = 0x06;  // C0: RTMPE, which we do not speak (RTMP 1.0 §5.2.2 wants 3)
  c.sendRaw(c0c1);
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(of(counts_.handshakeFailures(), kRtmp, HandshakeFailure::kVersion), 1u);
  EXPECT_EQ(sum(counts_.handshakeFailures()), 1u);
}

TEST_F(DoorCountersTest, AClientThatSendsNothingTimesOutOnce) {
  EngineConfig config;
  config.handshakeTimeoutMs = 2'000;
  configure(config);
  count();
  TestClient& silent = h().client(h().loopA);
  TestClient& done = h().client(h().loopB);
  done.handshake();
  h().nowMs += 1'000;
  housekeeping(silent);
  EXPECT_EQ(sum(counts_.handshakeFailures()), 0u) << "still within the timeout";
  h().nowMs += 1'000;
  housekeeping(silent);
  housekeeping(done);
  EXPECT_EQ(silent.transport().closeCalls(), 1);
  EXPECT_EQ(silent.transport().closeReason()->code(), base::ErrorCode::kTimeout);
  housekeeping(silent);  // closing already: not counted again
  EXPECT_EQ(of(counts_.handshakeFailures(), kRtmp, HandshakeFailure::kTimeout), 1u);
  EXPECT_EQ(sum(counts_.handshakeFailures()), 1u) << "the finished handshake is no failure";
}

TEST_F(DoorCountersTest, ATlsFailureBeforeTheHandshakeCountsUnderTls) {
  count();
  TestClient& early = h().client(h().loopA);
  {
    auto scope = early.loop().enter();
    early.session().closeWithError(base::Error(base::ErrorCode::kTls, "not TLS"));
  }
  TestClient& late = connected(h().loopB);
  {
    auto scope = late.loop().enter();
    late.session().closeWithError(base::Error(base::ErrorCode::kTls, "bad record"));
  }
  // The harness's sessions are plain RTMP: what matters is the reason and the count.
  EXPECT_EQ(of(counts_.handshakeFailures(), kRtmp, HandshakeFailure::kTls), 1u);
  EXPECT_EQ(sum(counts_.handshakeFailures()), 1u) << "TLS failing after the handshake is not one";
}

TEST_F(DoorCountersTest, IpRefusalsCountByRuleAndDoor) {
  count();
  useRules({{.action = "publish", .app = "live", .allow = false, .cidr = "192.0.2.7"},
            {.action = "play", .app = "live", .allow = true, .cidr = "198.51.100.0/24"},
            {.action = "connect", .app = "*", .allow = true, .cidr = "192.0.2.0/24"}},
           /*defaultAllow=*/false);
  publisher("cam");  // connect allowed by rule 2; publish denied by rule 0
  player("cam");     // no rule allows play from 192.0.2.7: the default denies
  TestClient& other = connected(h().loopA, "vod");
  EXPECT_EQ(other.transport().closeCalls(), 0) << "connect to any app is allowed";
  const IpRefusalCounts c = counts_.ipRefusals();
  EXPECT_EQ(of(c, IpRefusal::kDenyRule, IpAction::kPublish), 1u);
  EXPECT_EQ(of(c, IpRefusal::kNotAllowed, IpAction::kPlay), 1u);
  EXPECT_EQ(sum(c), 2u);
}

TEST_F(DoorCountersTest, AConnectOffTheAllowListCountsAsNotAllowed) {
  count();
  useRules({{.action = "connect", .app = "*", .allow = true, .cidr = "10.0.0.0/8"}},
           /*defaultAllow=*/false);
  TestClient& c = connected(h().loopA);
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(of(counts_.ipRefusals(), IpRefusal::kNotAllowed, IpAction::kConnect), 1u);
  EXPECT_EQ(sum(counts_.ipRefusals()), 1u);
}

}  // namespace
}  // namespace rtmp::server::testing
