// The engine-wide budget for incomplete messages (issue 10, defect 6): each
// connection's reassembly buffers are capped at 32 MiB, so 1000 connections
// could hold 32 GB between them. With the sum over the budget, the connection
// holding the most is closed, not the one that happened to cross the line.
#include <gtest/gtest.h>

#include <vector>

#include "protocol/message.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

class PartialBudgetTest : public SessionTest {
 protected:
  void SetUp() override {
    h().env.partialBytes = &budget_;
    h().env.closeSession = [this](uint64_t id, LimitKind limit, const base::Error& reason) {
      for (TestClient* c : clients_) {
        if (c->id() == id) c->session().closeOverLimit(limit, reason);
      }
    };
  }
  TestClient& client() {
    TestClient& c = connected(h().loopA);
    clients_.push_back(&c);
    return c;
  }
  // The first `bytes` of the chunks of a 1 MB video message: the reader holds
  // about that much payload, waiting for the rest.
  void sendPartial(TestClient& c, size_t bytes) {
    protocol::Message m;
    m.csid = 6;
    m.typeId = 9;
    m.streamId = 1;
    m.payload = base::Bytes::copyOf(std::vector<uint8_t>(1'000'000, 0x27));
    std::vector<uint8_t> wire = c.encode(m);
    wire.resize(bytes);
    c.sendRaw(wire);
  }

  PartialBytesBudget budget_{100'000};
  std::vector<TestClient*> clients_;
};

TEST_F(PartialBudgetTest, OverTheBudgetTheLargestHolderIsClosed) {
  TestClient& big = client();
  TestClient& small = client();
  sendPartial(big, 70'000);
  EXPECT_GT(budget_.total(), 60'000u);
  EXPECT_EQ(big.transport().closeCalls(), 0);  // under the budget: held, not judged

  sendPartial(small, 40'000);  // the sum crosses 100 000 here, on `small`'s read
  EXPECT_EQ(small.transport().closeCalls(), 0) << "the newcomer is not the one closed";
  ASSERT_EQ(big.transport().closeCalls(), 1);
  EXPECT_EQ(big.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
  EXPECT_NE(big.transport().closeReason()->message().find("rtmp.maxPartialMessageBytes"),
            std::string::npos);

  big.close();  // the connection goes: what it held is given back
  EXPECT_LT(budget_.total(), 50'000u);
  EXPECT_GT(budget_.total(), 30'000u);
  small.close();
  EXPECT_EQ(budget_.total(), 0u);
}

TEST_F(PartialBudgetTest, TheHolderThatCrossesTheLineIsClosedWhenItHoldsTheMost) {
  TestClient& a = client();
  TestClient& b = client();
  sendPartial(a, 30'000);
  sendPartial(b, 80'000);
  EXPECT_EQ(a.transport().closeCalls(), 0);
  ASSERT_EQ(b.transport().closeCalls(), 1);
  EXPECT_EQ(b.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
}

TEST(PartialBytesBudgetTest, CountsUpAndDownAndZeroMeansUnbounded) {
  PartialBytesBudget budget(1'000);
  EXPECT_FALSE(budget.update(0, 600));
  EXPECT_TRUE(budget.update(0, 500));  // 1100 > 1000
  EXPECT_FALSE(budget.update(600, 100));
  EXPECT_EQ(budget.total(), 600u);
  PartialBytesBudget unbounded(0);
  EXPECT_FALSE(unbounded.update(0, 1u << 30));
}

}  // namespace
}  // namespace rtmp::server::testing
