// BoundedQueue: bounded in items and bytes, drops the newest and counts, one
// wake-up per empty -> non-empty transition, safe with concurrent producers.
#include "base/bounded_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace rtmp::base {
namespace {

TEST(BoundedQueueTest, AsksForOneWakeUpPerEmptyToNonEmptyTransition) {
  BoundedQueue<int> q(BoundedQueueLimits{.maxItems = 8, .maxBytes = 1000});
  EXPECT_EQ(q.tryPush(1, 10), PushResult::kFirst);
  EXPECT_EQ(q.tryPush(2, 10), PushResult::kQueued);
  EXPECT_EQ(q.tryPush(3, 10), PushResult::kQueued);
  EXPECT_EQ(q.takeAll(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_EQ(q.tryPush(4, 10), PushResult::kFirst);
}

TEST(BoundedQueueTest, DropsTheNewestPastTheItemLimitAndCountsIt) {
  BoundedQueue<int> q(BoundedQueueLimits{.maxItems = 2, .maxBytes = 1000});
  q.tryPush(1, 5);
  q.tryPush(2, 5);
  EXPECT_EQ(q.tryPush(3, 7), PushResult::kDropped);
  EXPECT_EQ(q.takeAll(), (std::vector<int>{1, 2}));
  const BoundedQueueCounters c = q.counters();
  EXPECT_EQ(c.pushed, 2u);
  EXPECT_EQ(c.dropped, 1u);
  EXPECT_EQ(c.droppedBytes, 7u);
  EXPECT_EQ(q.tryPush(4, 5), PushResult::kFirst);  // room again once taken
}

TEST(BoundedQueueTest, DropsPastTheByteLimitAndRefusesAnItemLargerThanIt) {
  BoundedQueue<std::string> q(BoundedQueueLimits{.maxItems = 100, .maxBytes = 100});
  EXPECT_EQ(q.tryPush("a", 60), PushResult::kFirst);
  EXPECT_EQ(q.tryPush("b", 41), PushResult::kDropped);  // 101 > 100
  EXPECT_EQ(q.tryPush("c", 40), PushResult::kQueued);   // exactly 100
  EXPECT_EQ(q.bytes(), 100u);
  q.takeAll();
  EXPECT_EQ(q.tryPush("huge", 101), PushResult::kDropped);
  EXPECT_EQ(q.counters().dropped, 2u);
  EXPECT_EQ(q.counters().droppedBytes, 142u);
}

TEST(BoundedQueueTest, RefusesAfterCloseButKeepsWhatWasQueued) {
  BoundedQueue<int> q(BoundedQueueLimits{});
  q.tryPush(1, 1);
  q.close();
  EXPECT_EQ(q.tryPush(2, 1), PushResult::kDropped);
  EXPECT_EQ(q.takeAll(), (std::vector<int>{1}));
}

TEST(BoundedQueueTest, ConcurrentProducersNeverExceedTheLimitsAndAccountForEveryItem) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 5000;
  BoundedQueue<int> q(BoundedQueueLimits{.maxItems = 64, .maxBytes = 64 * 100});
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&q, p] {
      for (int i = 0; i < kPerProducer; ++i) q.tryPush(p * kPerProducer + i, 100);
    });
  }
  uint64_t taken = 0;
  std::vector<int> lastOf(kProducers, -1);
  auto drain = [&] {
    std::vector<int> batch = q.takeAll();
    EXPECT_LE(batch.size(), 64u);
    for (int v : batch) {
      const int p = v / kPerProducer;
      EXPECT_GT(v, lastOf[p]) << "one producer's items stay in order";
      lastOf[p] = v;
    }
    taken += batch.size();
  };
  for (int round = 0; round < 2000; ++round) drain();  // bounded: no waiting on producers
  for (auto& t : producers) t.join();
  drain();
  const BoundedQueueCounters c = q.counters();
  EXPECT_EQ(c.pushed, taken);
  EXPECT_EQ(c.pushed + c.dropped, static_cast<uint64_t>(kProducers * kPerProducer));
  EXPECT_EQ(c.droppedBytes, c.dropped * 100);
}

}  // namespace
}  // namespace rtmp::base
