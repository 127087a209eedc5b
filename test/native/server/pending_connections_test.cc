// PendingConnections: the budget of connections with no RTMP connect yet.
// Over it, the oldest pending connection (of the address, for the per-address
// budget) is evicted, never the newcomer.
#include "server/pending_connections.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "fake_loop.h"

namespace rtmp::server {
namespace {

using rtmp::server::testing::FakeLoop;

std::vector<uint64_t> idsOf(const std::vector<PendingConnections::Evicted>& evicted) {
  std::vector<uint64_t> ids;
  for (const auto& e : evicted) ids.push_back(e.sessionId);
  return ids;
}

TEST(PendingConnectionsTest, OverTheTotalTheOldestIsEvictedNotTheNewcomer) {
  FakeLoop loopA(0), loopB(1);
  PendingConnections pending(PendingBudget{.maxTotal = 3, .maxPerIp = 0});
  EXPECT_TRUE(pending.admit(1, "192.0.2.1", &loopA).empty());
  EXPECT_TRUE(pending.admit(2, "192.0.2.2", &loopB).empty());
  EXPECT_TRUE(pending.admit(3, "192.0.2.3", &loopA).empty());
  auto evicted = pending.admit(4, "192.0.2.4", &loopB);
  ASSERT_EQ(idsOf(evicted), (std::vector<uint64_t>{1}));
  EXPECT_EQ(evicted[0].executor, &loopA) << "closed on its own loop";
  EXPECT_EQ(evicted[0].ip, "192.0.2.1");
  EXPECT_FALSE(evicted[0].perIp);
  EXPECT_EQ(pending.size(), 3u);
  EXPECT_EQ(idsOf(pending.admit(5, "192.0.2.5", &loopA)), (std::vector<uint64_t>{2}));
}

TEST(PendingConnectionsTest, ConnectedOrClosedConnectionsLeaveTheBudget) {
  FakeLoop loop(0);
  PendingConnections pending(PendingBudget{.maxTotal = 2, .maxPerIp = 0});
  pending.admit(1, "192.0.2.1", &loop);
  pending.admit(2, "192.0.2.1", &loop);
  pending.leave(1);  // connected
  pending.leave(1);  // and later closed: idempotent
  EXPECT_EQ(pending.size(), 1u);
  EXPECT_TRUE(pending.admit(3, "192.0.2.1", &loop).empty());
  EXPECT_EQ(idsOf(pending.admit(4, "192.0.2.1", &loop)), (std::vector<uint64_t>{2}));
  pending.leave(2);  // already evicted: nothing happens
  EXPECT_EQ(pending.size(), 2u);
}

TEST(PendingConnectionsTest, OverTheAddressBudgetThatAddressesOldestIsEvicted) {
  FakeLoop loop(0);
  PendingConnections pending(PendingBudget{.maxTotal = 100, .maxPerIp = 2});
  pending.admit(1, "192.0.2.1", &loop);
  pending.admit(2, "198.51.100.9", &loop);  // another address, older than 3
  pending.admit(3, "192.0.2.1", &loop);
  auto evicted = pending.admit(4, "192.0.2.1", &loop);
  ASSERT_EQ(idsOf(evicted), (std::vector<uint64_t>{1}));
  EXPECT_TRUE(evicted[0].perIp);
  EXPECT_EQ(pending.countForIp("192.0.2.1"), 2u);
  EXPECT_EQ(pending.countForIp("198.51.100.9"), 1u) << "another address is not touched";
  EXPECT_EQ(idsOf(pending.admit(5, "192.0.2.1", &loop)), (std::vector<uint64_t>{3}));
}

TEST(PendingConnectionsTest, ZeroMeansNoLimitAndNothingTracked) {
  FakeLoop loop(0);
  PendingConnections pending(PendingBudget{.maxTotal = 0, .maxPerIp = 0});
  for (uint64_t id = 1; id <= 1000; ++id)
    EXPECT_TRUE(pending.admit(id, "192.0.2.1", &loop).empty());
  EXPECT_EQ(pending.size(), 0u);
}

TEST(PendingConnectionsTest, AdmitsFromManyThreadsKeepTheBudget) {
  FakeLoop loop(0);
  PendingConnections pending(PendingBudget{.maxTotal = 50, .maxPerIp = 8});
  constexpr int kThreads = 4;
  constexpr uint64_t kEach = 2'000;
  std::vector<size_t> evictions(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < kEach; ++i) {
        const uint64_t id = static_cast<uint64_t>(t) * kEach + i + 1;
        const std::string ip = "10.0.0." + std::to_string(id % 13);
        evictions[t] += pending.admit(id, ip, &loop).size();
        if (i % 3 == 0) pending.leave(id);  // some connect
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(pending.size(), 50u);
  for (int k = 0; k < 13; ++k) EXPECT_LE(pending.countForIp("10.0.0." + std::to_string(k)), 8u);
  size_t evicted = 0;
  for (size_t n : evictions) evicted += n;
  // Every admitted connection is still pending, evicted, or left (connected);
  // one may also be evicted between its admit and its leave, hence the range.
  const size_t total = kThreads * kEach;
  const size_t left = kThreads * ((kEach + 2) / 3);
  EXPECT_LE(evicted + pending.size(), total);
  EXPECT_GE(evicted + pending.size() + left, total);
}

}  // namespace
}  // namespace rtmp::server
