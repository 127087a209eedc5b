// Session: the output budget (EngineConfig::maxPendingOutputBytes). A peer
// that sends Ping Requests (User Control 6, RTMP 1.0 §7.1.7) and never reads
// the Ping Responses must not make the server hold replies without bound
// (issue 10, defect 1: ~15.7 MB of heap per MB of pings, before connect).
#include <gtest/gtest.h>

#include "protocol/user_control.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

constexpr uint32_t kBudget = 16 * 1024;
constexpr int kPingsPerRead = 500;

class OutputBudgetTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.maxPendingOutputBytes = kBudget;
    configure(config);
  }

  // kPingsPerRead Ping Requests as one socket read.
  std::vector<uint8_t> pingBatch(TestClient& c, uint32_t first) {
    std::vector<uint8_t> bytes;
    for (int i = 0; i < kPingsPerRead; ++i) {
      auto chunk = c.encode(protocol::encodePingRequest(first + static_cast<uint32_t>(i)));
      bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
    return bytes;
  }

  // Feeds up to `reads` batches, stopping when the session asks to close.
  // Returns the batches fed.
  int flood(TestClient& c, int reads) {
    int fed = 0;
    while (fed < reads && c.transport().closeCalls() == 0) {
      c.sendRaw(pingBatch(c, static_cast<uint32_t>(fed * kPingsPerRead)));
      ++fed;
    }
    return fed;
  }
};

size_t pongs(TestClient& c) {
  size_t n = 0;
  for (const auto& e : c.userControls()) {
    if (e.type == protocol::UserControlEventType::kPingResponse) ++n;
  }
  return n;
}

TEST_F(OutputBudgetTest, PingFloodFromAPeerThatNeverReadsIsClosedPastTheBudget) {
  TestClient& c = h().client(h().loopA);
  c.handshake();  // no connect: the attack needs none
  c.transport().stall(true);
  LogCapture logs;

  const int fed = flood(c, 1'000);  // ~10 bytes of pong per ping: closed long before

  ASSERT_EQ(c.transport().closeCalls(), 1) << "still open after " << fed << " reads of pings";
  ASSERT_TRUE(c.transport().closeReason().has_value());
  EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
  EXPECT_NE(c.transport().closeReason()->message().find("output budget exceeded"),
            std::string::npos)
      << c.transport().closeReason()->message();
  EXPECT_TRUE(logs.contains("output budget exceeded")) << "the reason is logged";
  auto errors = h().eventsOf(EventKind::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as<ErrorEvent>().code, "ERR_RTMP_LIMIT");
  // Closed at the first read that crossed the budget: held replies stay
  // within the budget plus one read's worth.
  const uint64_t held = c.transport().pendingControlBytes();
  EXPECT_GT(held, kBudget);
  EXPECT_LT(held, kBudget + kPingsPerRead * 18u);  // a pong is at most 18 bytes

  // Nothing more is read or answered once closing.
  const size_t written = c.transport().output().size();
  c.sendRaw(pingBatch(c, 0));
  EXPECT_EQ(c.transport().output().size(), written);
}

TEST_F(OutputBudgetTest, PeerThatReadsItsPongsIsNeverClosed) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  // Far more replies than the budget, but the socket takes them (not stalled).
  flood(c, 20);
  EXPECT_EQ(c.transport().closeCalls(), 0);
  EXPECT_EQ(pongs(c), 20u * kPingsPerRead);
}

TEST_F(OutputBudgetTest, StalledPeerUnderTheBudgetIsNotClosed) {
  TestClient& c = connected(h().loopA);
  c.transport().stall(true);
  flood(c, 1);  // one read of pings: a few KiB of pongs
  EXPECT_EQ(c.transport().closeCalls(), 0);
  EXPECT_GT(c.transport().pendingControlBytes(), 0u);
  EXPECT_LT(c.transport().pendingControlBytes(), kBudget);
  c.transport().stall(false);  // it caught up
  flood(c, 3);
  EXPECT_EQ(c.transport().closeCalls(), 0);
  EXPECT_EQ(pongs(c), 4u * kPingsPerRead);
}

// The allocation side of defect 1: every pong of one read goes out in one
// buffer and one write, not one heap buffer and socket write request each.
TEST_F(OutputBudgetTest, RepliesToOneReadLeaveInOneWrite) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  const size_t before = c.transport().writes().size();
  c.sendRaw(pingBatch(c, 0));
  ASSERT_EQ(c.transport().writes().size(), before + 1);
  EXPECT_EQ(c.transport().writes().back().buffers, 1u);
  EXPECT_EQ(pongs(c), static_cast<size_t>(kPingsPerRead));
}

}  // namespace
}  // namespace rtmp::server::testing
