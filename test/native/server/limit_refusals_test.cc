// Refusals by a configured limit are counted per limit (EngineStats::
// limitRefusals, the metrics' rtmp_engine_limit_refusals_total): once per
// session turned away or closed, never for a session that was already
// closing or that got in. Test clients all come from 192.0.2.7.
#include <gtest/gtest.h>

#include <vector>

#include "protocol/message.h"
#include "protocol/user_control.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

class LimitRefusalsTest : public SessionTest {
 protected:
  // Counts of every limit but `except` (all should stay 0).
  uint64_t othersThan(LimitKind except) const {
    uint64_t sum = 0;
    for (size_t i = 0; i < kLimitKindCount; ++i) {
      if (i != static_cast<size_t>(except)) sum += refusals_.snapshot()[i];
    }
    return sum;
  }
  void count() { h().env.refusals = &refusals_; }
  LimitRefusals refusals_;
};

TEST_F(LimitRefusalsTest, NamesAreTheStatsContract) {
  EXPECT_EQ(limitKindName(LimitKind::kConnections), "connections");
  EXPECT_EQ(limitKindName(LimitKind::kConnectionsPerIp), "connectionsPerIp");
  EXPECT_EQ(limitKindName(LimitKind::kPublishers), "publishers");
  EXPECT_EQ(limitKindName(LimitKind::kPlayersPerStream), "playersPerStream");
  EXPECT_EQ(limitKindName(LimitKind::kPendingConnections), "pendingConnections");
  EXPECT_EQ(limitKindName(LimitKind::kPendingPerIp), "pendingPerIp");
  EXPECT_EQ(limitKindName(LimitKind::kIngestRate), "ingestRate");
  EXPECT_EQ(limitKindName(LimitKind::kPartialMessageBytes), "partialMessageBytes");
  EXPECT_EQ(limitKindName(LimitKind::kPendingOutputBytes), "pendingOutputBytes");
  EXPECT_EQ(limitKindName(LimitKind::kAuthBan), "authBan");
  EXPECT_EQ(static_cast<size_t>(LimitKind::kAuthBan) + 1, kLimitKindCount);
}

TEST_F(LimitRefusalsTest, ConnectionLimitsCountEachRefusedConnect) {
  EngineConfig config;
  config.maxConnections = 2;
  configure(config);
  count();
  connected(h().loopA);
  connected(h().loopB);
  EXPECT_EQ(refusals_.of(LimitKind::kConnections), 0u) << "connects within the limit";
  connected(h().loopA);
  connected(h().loopB);
  EXPECT_EQ(refusals_.of(LimitKind::kConnections), 2u);
  EXPECT_EQ(othersThan(LimitKind::kConnections), 0u);
}

TEST_F(LimitRefusalsTest, PerAddressLimitCountsApartFromTheServerLimit) {
  EngineConfig config;
  config.maxConnectionsPerIp = 1;
  configure(config);
  count();
  connected(h().loopA);
  connected(h().loopA);
  EXPECT_EQ(refusals_.of(LimitKind::kConnectionsPerIp), 1u);
  EXPECT_EQ(othersThan(LimitKind::kConnectionsPerIp), 0u);
}

TEST_F(LimitRefusalsTest, PublisherAndPlayerLimitsCountRefusedRequests) {
  EngineConfig config;
  config.maxPublishers = 1;
  config.maxPlayersPerStream = 1;
  configure(config);
  count();
  publisher("one", &h().loopA);
  publisher("two", &h().loopB);
  player("one", &h().loopA);
  player("one", &h().loopB);
  player("one", &h().loopA);
  EXPECT_EQ(refusals_.of(LimitKind::kPublishers), 1u);
  EXPECT_EQ(refusals_.of(LimitKind::kPlayersPerStream), 2u);
  EXPECT_EQ(othersThan(LimitKind::kPublishers) - refusals_.of(LimitKind::kPlayersPerStream), 0u);
}

TEST_F(LimitRefusalsTest, PendingEvictionCountsOnlyWhenTheSessionIsStillPending) {
  count();
  TestClient& waiting = h().client(h().loopA);
  waiting.handshake();
  TestClient& fast = connected(h().loopB);
  {
    auto scope = h().loopA.enter();
    waiting.session().closeIfPending("oldest of 16 connections from 192.0.2.7",
                                     LimitKind::kPendingPerIp);
    waiting.session().closeIfPending("a second eviction of the same session",
                                     LimitKind::kPendingPerIp);
  }
  {
    auto scope = h().loopB.enter();
    fast.session().closeIfPending("an eviction that raced with its connect");
  }
  EXPECT_EQ(refusals_.of(LimitKind::kPendingPerIp), 1u);
  EXPECT_EQ(refusals_.of(LimitKind::kPendingConnections), 0u) << "the connected one is not counted";
  EXPECT_EQ(fast.transport().closeCalls(), 0);
}

TEST_F(LimitRefusalsTest, IngestRateWithDropCountsTheClosedPublisher) {
  EngineConfig config;
  config.maxIngestKbps = 500;
  config.dropOverIngestLimit = true;
  configure(config);
  count();
  TestClient& pub = publisher("cam");
  pub.sendVideo(0, avcSequenceHeader());
  for (uint32_t t = 0; t < 8'000 && pub.transport().closeCalls() == 0; t += 100) {
    h().nowMs = 5'000 + t;
    pub.sendVideo(t, t == 0 ? avcKeyframe(1, 0, 12'500) : avcInterframe(1, 0, 12'500));
  }
  ASSERT_EQ(pub.transport().closeCalls(), 1);
  EXPECT_EQ(refusals_.of(LimitKind::kIngestRate), 1u);
  EXPECT_EQ(othersThan(LimitKind::kIngestRate), 0u);
}

TEST_F(LimitRefusalsTest, OutputBudgetCountsThePeerThatDoesNotRead) {
  EngineConfig config;
  config.maxPendingOutputBytes = 4 * 1024;
  configure(config);
  count();
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.transport().stall(true);
  for (uint32_t i = 0; i < 2'000 && c.transport().closeCalls() == 0; ++i) {
    c.sendRaw(c.encode(protocol::encodePingRequest(i)));
  }
  ASSERT_EQ(c.transport().closeCalls(), 1);
  c.sendRaw(c.encode(protocol::encodePingRequest(9)));  // closing: not counted again
  EXPECT_EQ(refusals_.of(LimitKind::kPendingOutputBytes), 1u);
  EXPECT_EQ(othersThan(LimitKind::kPendingOutputBytes), 0u);
}

TEST_F(LimitRefusalsTest, PartialBytesBudgetCountsEachVictimOnce) {
  PartialBytesBudget budget{100'000};
  h().env.partialBytes = &budget;
  std::vector<TestClient*> clients;
  h().env.closeSession = [&clients](uint64_t id, LimitKind limit, const base::Error& reason) {
    for (TestClient* c : clients) {
      if (c->id() == id) c->session().closeOverLimit(limit, reason);
    }
  };
  count();
  auto partial = [](TestClient& c, size_t bytes) {
    protocol::Message m;
    m.csid = 6;
    m.typeId = 9;
    m.streamId = 1;
    m.payload = base::Bytes::copyOf(std::vector<uint8_t>(1'000'000, 0x27));
    std::vector<uint8_t> wire = c.encode(m);
    wire.resize(bytes);
    c.sendRaw(wire);
  };
  TestClient& big = connected(h().loopA);
  TestClient& small = connected(h().loopA);
  clients = {&big, &small};
  partial(big, 70'000);
  partial(small, 40'000);  // over: big (the largest) is closed
  ASSERT_EQ(big.transport().closeCalls(), 1);
  EXPECT_EQ(refusals_.of(LimitKind::kPartialMessageBytes), 1u);
  // Still over (big has not given its bytes back yet): the same victim is
  // asked again, already closing, and not counted twice.
  {
    auto scope = h().loopA.enter();
    big.session().closeOverLimit(LimitKind::kPartialMessageBytes,
                                 base::Error(base::ErrorCode::kLimitExceeded, "again"));
  }
  EXPECT_EQ(refusals_.of(LimitKind::kPartialMessageBytes), 1u);
  EXPECT_EQ(othersThan(LimitKind::kPartialMessageBytes), 0u);
  h().closeAll();
  h().env.partialBytes = nullptr;  // `budget` goes before the fixture's teardown
  h().env.closeSession = nullptr;
}

TEST_F(LimitRefusalsTest, WithoutACounterNothingIsCountedAndNothingBreaks) {
  EngineConfig config;
  config.maxConnections = 1;
  configure(config);
  connected(h().loopA);
  TestClient& refused = connected(h().loopB);
  EXPECT_EQ(refused.transport().closeCalls(), 1);
  EXPECT_EQ(refusals_.of(LimitKind::kConnections), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
