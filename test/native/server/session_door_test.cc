// The door: IP rules and limits checked by the session at connect, publish
// and play, each refusal answered with the RTMP status for that step and a
// close with the reason. Test clients all come from 192.0.2.7.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

// The last onStatus/_error the client got: (code, description).
std::pair<std::string, std::string> lastStatus(TestClient& c) {
  auto cmds = c.commands();
  for (auto it = cmds.rbegin(); it != cmds.rend(); ++it) {
    if (it->name == "onStatus" || it->name == "_error")
      return {statusCodeOf(*it), statusDescriptionOf(*it)};
  }
  return {};
}

class DoorTest : public SessionTest {
 protected:
  void expectClosedWith(TestClient& c, base::ErrorCode code) {
    EXPECT_EQ(c.transport().closeCalls(), 1);
    ASSERT_TRUE(c.transport().closeReason().has_value());
    EXPECT_EQ(c.transport().closeReason()->code(), code);
  }
};

TEST_F(DoorTest, ConnectOverTheConnectionLimitIsRejected) {
  EngineConfig config;
  config.maxConnections = 2;
  configure(config);
  TestClient& first = connected(h().loopA);
  TestClient& second = connected(h().loopB);
  TestClient& third = connected(h().loopA);
  EXPECT_EQ(first.transport().closeCalls(), 0);
  EXPECT_EQ(second.transport().closeCalls(), 0);
  auto [code, description] = lastStatus(third);
  EXPECT_EQ(code, "NetConnection.Connect.Rejected");
  EXPECT_NE(description.find("connection limit (2)"), std::string::npos) << description;
  expectClosedWith(third, base::ErrorCode::kLimitExceeded);
  EXPECT_EQ(h().eventsOf(EventKind::kConnect).size(), 2u);
}

TEST_F(DoorTest, ConnectOverThePerAddressLimitIsRejected) {
  EngineConfig config;
  config.maxConnectionsPerIp = 1;
  configure(config);
  TestClient& first = connected(h().loopA);
  TestClient& second = connected(h().loopA);
  EXPECT_EQ(first.transport().closeCalls(), 0);
  auto [code, description] = lastStatus(second);
  EXPECT_EQ(code, "NetConnection.Connect.Rejected");
  EXPECT_NE(description.find("192.0.2.7 is at its connection limit (1 per address)"),
            std::string::npos);
  expectClosedWith(second, base::ErrorCode::kLimitExceeded);
}

TEST_F(DoorTest, ClosedSessionsFreeTheirPlaceForTheAddress) {
  EngineConfig config;
  config.maxConnectionsPerIp = 1;
  configure(config);
  TestClient& first = connected(h().loopA);
  first.close();
  h().table.remove(first.id());  // what the engine does when the socket is gone
  TestClient& second = connected(h().loopA);
  EXPECT_EQ(second.transport().closeCalls(), 0);
  EXPECT_EQ(h().table.countForIp("192.0.2.7"), 1u);
}

// Issue 10, defect 3: connections that never connected counted toward
// maxConnections, so enough empty sockets refused every real client.
TEST_F(DoorTest, ConnectionsThatHaveNotConnectedDoNotCountTowardTheLimits) {
  EngineConfig config;
  config.maxConnections = 2;
  config.maxConnectionsPerIp = 2;
  configure(config);
  for (int i = 0; i < 5; ++i) h().client(i % 2 ? h().loopA : h().loopB).handshake();
  TestClient& first = connected(h().loopA);
  TestClient& second = connected(h().loopB);
  EXPECT_EQ(first.transport().closeCalls(), 0) << lastStatus(first).second;
  EXPECT_EQ(second.transport().closeCalls(), 0) << lastStatus(second).second;
  EXPECT_EQ(h().table.connectedCount(), 2u);
  TestClient& third = connected(h().loopA);
  EXPECT_EQ(lastStatus(third).first, "NetConnection.Connect.Rejected");
  expectClosedWith(third, base::ErrorCode::kLimitExceeded);
}

TEST_F(DoorTest, AnEvictedPendingConnectionClosesWithTheReasonUnlessItConnectedMeanwhile) {
  PendingConnections pending(PendingBudget{.maxTotal = 1, .maxPerIp = 0});
  h().env.pending = &pending;
  TestClient& waiting = h().client(h().loopA);
  EXPECT_TRUE(pending.admit(waiting.id(), "192.0.2.7", &h().loopA).empty());
  waiting.handshake();
  TestClient& fast = h().client(h().loopB);
  auto evicted = pending.admit(fast.id(), "192.0.2.7", &h().loopB);
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].sessionId, waiting.id());
  fast.handshake();
  fast.connect();
  EXPECT_EQ(pending.size(), 0u) << "a connected session leaves the budget";
  {
    LogCapture logs;
    auto scope = h().loopA.enter();
    waiting.session().closeIfPending("oldest of 1 connections without an RTMP connect");
    EXPECT_TRUE(logs.contains("closing: oldest of 1 connections without an RTMP connect"));
  }
  expectClosedWith(waiting, base::ErrorCode::kLimitExceeded);
  {
    auto scope = h().loopB.enter();
    fast.session().closeIfPending("an eviction that raced with its connect");
  }
  EXPECT_EQ(fast.transport().closeCalls(), 0) << "a connected session is never evicted";
  h().closeAll();
  h().env.pending = nullptr;  // `pending` goes before the fixture's teardown
}

TEST_F(DoorTest, ConnectDeniedByAnIpRuleIsRejectedNamingTheRule) {
  useRules({{.action = "connect", .app = "*", .allow = false, .cidr = "192.0.2.0/24"}});
  TestClient& c = connected(h().loopA);
  auto [code, description] = lastStatus(c);
  EXPECT_EQ(code, "NetConnection.Connect.Rejected");
  EXPECT_EQ(description, "192.0.2.7 may not connect to live (denied by ip rule 0)");
  expectClosedWith(c, base::ErrorCode::kRejected);
  EXPECT_TRUE(h().eventsOf(EventKind::kConnect).empty());
}

TEST_F(DoorTest, PublishDeniedByAnIpRuleGetsUnauthorizedAndLeavesNoStream) {
  useRules({{.action = "publish", .app = "live", .allow = false, .cidr = "192.0.2.7"}});
  TestClient& c = publisher("cam");
  auto [code, description] = lastStatus(c);
  EXPECT_EQ(code, "NetStream.Publish.Unauthorized");
  EXPECT_EQ(description, "192.0.2.7 may not publish to live (denied by ip rule 0)");
  expectClosedWith(c, base::ErrorCode::kRejected);
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(DoorTest, RulesArePerAppSoAnotherAppIsNotAffected) {
  useRules({{.action = "publish", .app = "private", .allow = false, .cidr = "0.0.0.0/0"}});
  TestClient& c = publisher("cam");
  EXPECT_EQ(c.statusCodes().back(), "NetStream.Publish.Start");
  EXPECT_EQ(c.transport().closeCalls(), 0);
}

TEST_F(DoorTest, DefaultDenyRefusesPlayWhenNoRuleAllowsIt) {
  useRules({{.action = "*", .app = "*", .allow = true, .cidr = "10.0.0.0/8"},
            {.action = "connect", .app = "*", .allow = true, .cidr = "192.0.2.0/24"}},
           /*defaultAllow=*/false);
  TestClient& c = player("cam");
  auto [code, description] = lastStatus(c);
  EXPECT_EQ(code, "NetStream.Play.Failed");
  EXPECT_EQ(description, "192.0.2.7 may not play to live (no rule allows it)");
  expectClosedWith(c, base::ErrorCode::kRejected);
  EXPECT_EQ(h().tapsAttached(), 0u);
}

TEST_F(DoorTest, PublisherLimitCountsPublishingSessionsOnEveryLoop) {
  EngineConfig config;
  config.maxPublishers = 1;
  configure(config);
  TestClient& first = publisher("one", &h().loopA);
  TestClient& second = publisher("two", &h().loopB);
  EXPECT_EQ(first.statusCodes().back(), "NetStream.Publish.Start");
  auto [code, description] = lastStatus(second);
  EXPECT_EQ(code, "NetStream.Publish.Denied");
  EXPECT_EQ(description, "server is at its publisher limit (1)");
  expectClosedWith(second, base::ErrorCode::kLimitExceeded);
}

TEST_F(DoorTest, AFailedPublishDoesNotHoldAPublisherPlace) {
  EngineConfig config;
  config.maxPublishers = 2;
  configure(config);
  TestClient& first = publisher("cam");
  TestClient& duplicate = publisher("cam");  // BadName: the name is taken
  EXPECT_EQ(duplicate.statusCodes().back(), "NetStream.Publish.BadName");
  TestClient& other = publisher("other", &h().loopB);
  EXPECT_EQ(other.statusCodes().back(), "NetStream.Publish.Start");
  EXPECT_EQ(first.transport().closeCalls(), 0);
}

TEST_F(DoorTest, UnpublishingFreesThePublisherPlace) {
  EngineConfig config;
  config.maxPublishers = 1;
  configure(config);
  TestClient& first = publisher("cam");
  first.send(protocol::buildDeleteStream(9, first.publishStreamId()));
  TestClient& next = publisher("next", &h().loopB);
  EXPECT_EQ(next.statusCodes().back(), "NetStream.Publish.Start");
}

TEST_F(DoorTest, PlayerLimitIsPerStream) {
  EngineConfig config;
  config.maxPlayersPerStream = 1;
  configure(config);
  TestClient& a = player("cam", &h().loopA);
  TestClient& b = player("cam", &h().loopB);
  TestClient& other = player("other", &h().loopB);
  EXPECT_EQ(a.transport().closeCalls(), 0);
  EXPECT_EQ(other.transport().closeCalls(), 0);
  auto [code, description] = lastStatus(b);
  EXPECT_EQ(code, "NetStream.Play.Failed");
  EXPECT_EQ(description, "live/cam is at its player limit (1)");
  expectClosedWith(b, base::ErrorCode::kLimitExceeded);
}

TEST_F(DoorTest, NoLimitsAndNoRulesLetEveryoneIn) {
  EngineConfig config;
  config.maxConnections = 0;
  config.maxPublishers = 0;
  configure(config);
  std::vector<TestClient*> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(&publisher("cam" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) clients.push_back(&player("cam0", i % 2 ? &h().loopB : &h().loopA));
  for (TestClient* c : clients) {
    EXPECT_EQ(c->transport().closeCalls(), 0);
    EXPECT_NE(c->statusCodes().back().find(".Start"), std::string::npos) << c->statusCodes().back();
  }
}

}  // namespace
}  // namespace rtmp::server::testing

namespace rtmp::server::testing {
namespace {

class IngestLimitTest : public SessionTest {
 protected:
  // Publishes `seconds` of video at about `kbps`, 10 frames a second, moving
  // the harness clock with the media.
  void publishAt(TestClient& pub, uint32_t kbps, uint32_t fromMs, uint32_t seconds) {
    const size_t frameBytes = kbps * 1000 / 8 / 10;
    for (uint32_t t = fromMs; t < fromMs + seconds * 1000 && !pub.transport().closeCalls();
         t += 100) {
      h().nowMs = 5'000 + t;
      pub.sendVideo(t, t == 0 ? avcKeyframe(1, 0, frameBytes) : avcInterframe(1, 0, frameBytes));
    }
  }
};

TEST_F(IngestLimitTest, OverTheLimitWithDropThePublisherIsClosedWithTheRate) {
  EngineConfig config;
  config.maxIngestKbps = 500;
  config.dropOverIngestLimit = true;
  configure(config);
  TestClient& pub = publisher("cam");
  pub.sendVideo(0, avcSequenceHeader());
  publishAt(pub, 1'000, 0, 8);
  EXPECT_EQ(pub.transport().closeCalls(), 1);
  ASSERT_TRUE(pub.transport().closeReason().has_value());
  EXPECT_EQ(pub.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
  EXPECT_NE(pub.transport().closeReason()->message().find("over the limit of 500 kbit/s"),
            std::string::npos)
      << pub.transport().closeReason()->message();
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Failed");
}

TEST_F(IngestLimitTest, UnderTheLimitNothingHappens) {
  EngineConfig config;
  config.maxIngestKbps = 2'000;
  config.dropOverIngestLimit = true;
  configure(config);
  TestClient& pub = publisher("cam");
  pub.sendVideo(0, avcSequenceHeader());
  publishAt(pub, 1'000, 0, 8);
  EXPECT_EQ(pub.transport().closeCalls(), 0);
}

TEST_F(IngestLimitTest, OverTheLimitWithoutDropOnlyWarnsOncePerThirtySeconds) {
  EngineConfig config;
  config.maxIngestKbps = 500;
  configure(config);
  LogCapture logs;
  TestClient& pub = publisher("cam");
  pub.sendVideo(0, avcSequenceHeader());
  publishAt(pub, 1'000, 0, 20);
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  auto warnings = [&] {
    size_t n = 0;
    for (const auto& line : logs.lines())
      n += line.find("over the limit of 500 kbit/s") != std::string::npos;
    return n;
  };
  EXPECT_EQ(warnings(), 1u);
  publishAt(pub, 1'000, 20'000, 20);  // 40 s in: a second warning
  EXPECT_EQ(warnings(), 2u);
}

}  // namespace
}  // namespace rtmp::server::testing
