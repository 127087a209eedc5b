// Base fixture for Session tests: one ServerHarness per test, built on first
// use (a test may pick its EngineConfig first), and the teardown every test
// ends with: all sessions closed, loops drained, the registry empty and no
// tap attached on any loop.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "test_client.h"

namespace rtmp::server::testing {

class SessionTest : public ::testing::Test {
 protected:
  // Call before the first h() to change the configuration.
  void configure(const EngineConfig& config) {
    ASSERT_FALSE(harness_) << "configure() after the harness was built";
    config_ = config;
  }
  ServerHarness& h() {
    if (!harness_) harness_ = std::make_unique<ServerHarness>(config_);
    return *harness_;
  }

  // A client on `loop` that finished the handshake and connect.
  TestClient& connected(FakeLoop& loop, const std::string& app = "live") {
    TestClient& c = h().client(loop);
    c.handshake();
    c.connect(app);
    return c;
  }
  TestClient& publisher(const std::string& name, FakeLoop* loop = nullptr) {
    TestClient& c = connected(loop ? *loop : h().loopA);
    c.publish(name);
    return c;
  }
  TestClient& player(const std::string& name, FakeLoop* loop = nullptr) {
    TestClient& c = connected(loop ? *loop : h().loopA);
    c.play(name);
    return c;
  }

  // Advances the clock one second at a time, running housekeeping on `c`
  // after each (as the loop's 1 s timer does), until `seconds` passed or the
  // session closed. `eachSecond`, if given, runs after each clock step and
  // before the housekeeping. Returns the seconds that passed.
  int tick(TestClient& c, int seconds, const std::function<void()>& eachSecond = nullptr) {
    for (int i = 1; i <= seconds; ++i) {
      h().nowMs += 1'000;
      if (eachSecond) eachSecond();
      auto scope = c.loop().enter();
      c.session().checkDeadlines(h().nowMs);
      if (c.transport().closeCalls() > 0) return i;
    }
    return seconds;
  }

  // Builds IP rules from `specs` and hands them to the harness's sessions.
  void useRules(std::vector<IpRuleSpec> specs, bool defaultAllow = true) {
    auto built = IpRules::build(specs, defaultAllow);
    ASSERT_TRUE(built.ok()) << built.error().message();
    rules_ = std::move(built).value();
    h().env.ipRules = &rules_;
  }

  void TearDown() override {
    if (!harness_) return;
    harness_->closeAll();
    EXPECT_EQ(harness_->registry.size(), 0u) << "a stream outlived its sessions";
    EXPECT_EQ(harness_->tapsAttached(), 0u) << "a tap is still attached";
    EXPECT_TRUE(harness_->loopA.fanouts().empty());
    EXPECT_TRUE(harness_->loopB.fanouts().empty());
    EXPECT_EQ(harness_->loopA.pending() + harness_->loopB.pending(), 0u);
  }

 private:
  EngineConfig config_;
  IpRules rules_;  // declared before harness_, so it outlives the sessions
  std::unique_ptr<ServerHarness> harness_;
};

}  // namespace rtmp::server::testing
