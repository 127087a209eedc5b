#include "net/loop_pool.h"

#include <gtest/gtest.h>

#include <set>

#include "net_test_util.h"

namespace rtmp::net {
namespace {

TEST(LoopPool, DefaultsToAtLeastOneLoop) {
  LoopPool pool;
  EXPECT_GE(pool.size(), 1u);
}

TEST(LoopPool, StartsAndStopsWithNoHandleLeft) {
  LoopPool pool(LoopPoolOptions{3, Balance::kRoundRobin, "pool"});
  ASSERT_TRUE(pool.start().ok());
  size_t visited = 0;
  pool.forEach([&](LoopThread& loop) {
    EXPECT_TRUE(loop.running());
    EXPECT_EQ(loop.index(), visited);
    ++visited;
  });
  EXPECT_EQ(visited, 3u);
  EXPECT_FALSE(pool.isLoopThread());
  EXPECT_TRUE(testing::runOn(pool.at(1), [&] { return pool.isLoopThread(); }));
  pool.stop();
  pool.forEach([](LoopThread& loop) { EXPECT_FALSE(loop.running()); });
  EXPECT_EQ(pool.handlesLeftAtStop(), 0u);
}

TEST(LoopPool, RoundRobinVisitsEveryLoopInTurn) {
  LoopPool pool(LoopPoolOptions{3, Balance::kRoundRobin, "pool"});
  std::vector<size_t> picks;
  for (int i = 0; i < 6; ++i) picks.push_back(pool.pick().index());
  EXPECT_EQ(picks, (std::vector<size_t>{0, 1, 2, 0, 1, 2}));
}

TEST(LoopPool, LeastConnectionsPicksTheEmptiestLoop) {
  LoopPool pool(LoopPoolOptions{3, Balance::kLeastConnections, "pool"});
  pool.at(0).addConnection();
  pool.at(0).addConnection();
  pool.at(2).addConnection();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(pool.pick().index(), 1u);
  }
  pool.at(1).addConnection();
  pool.at(1).addConnection();
  EXPECT_EQ(pool.pick().index(), 2u);  // now 2, 2, 1
}

TEST(LoopPool, LeastConnectionsSpreadsTies) {
  LoopPool pool(LoopPoolOptions{2, Balance::kLeastConnections, "pool"});
  std::set<size_t> seen;
  for (int i = 0; i < 4; ++i) seen.insert(pool.pick().index());
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace rtmp::net
