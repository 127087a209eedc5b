#include "net/mailbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "net/loop_thread.h"
#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::kTimeout;
using testing::Waiter;

void countWake(void* arg) {
  ++*static_cast<int*>(arg);
}

// Counts its own destruction, to see where a refused task dies.
struct Tracked {
  explicit Tracked(std::atomic<int>* destroyed) : destroyed_(destroyed) {}
  Tracked(Tracked&& other) noexcept : destroyed_(other.destroyed_) { other.destroyed_ = nullptr; }
  ~Tracked() {
    if (destroyed_ != nullptr) destroyed_->fetch_add(1);
  }
  std::atomic<int>* destroyed_;
};

TEST(Mailbox, RefusesPushesUntilOpened) {
  int wakes = 0;
  Mailbox mailbox(countWake, &wakes);
  bool ran = false;
  EXPECT_FALSE(mailbox.push(makeTask([&] { ran = true; })));
  EXPECT_EQ(mailbox.drain(), 0u);
  EXPECT_FALSE(ran);
  EXPECT_EQ(wakes, 0);
}

TEST(Mailbox, DrainRunsTasksInPushOrderAndWakesOncePerBatch) {
  int wakes = 0;
  Mailbox mailbox(countWake, &wakes);
  mailbox.open();
  std::vector<int> seen;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(mailbox.push(makeTask([&seen, i] { seen.push_back(i); })));
  }
  // Only the push into an empty queue needs to wake the consumer.
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(mailbox.drain(), 5u);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));
  ASSERT_TRUE(mailbox.push(makeTask([] {})));
  EXPECT_EQ(wakes, 2);
  EXPECT_EQ(mailbox.drain(), 1u);
}

TEST(Mailbox, TaskPostedDuringDrainWaitsForTheNextDrain) {
  int wakes = 0;
  Mailbox mailbox(countWake, &wakes);
  mailbox.open();
  int second = 0;
  ASSERT_TRUE(mailbox.push(makeTask([&] { mailbox.push(makeTask([&] { ++second; })); })));
  EXPECT_EQ(mailbox.drain(), 1u);
  EXPECT_EQ(second, 0);  // a self-posting task cannot starve the loop
  EXPECT_EQ(wakes, 2);   // ... and it woke the consumer again
  EXPECT_EQ(mailbox.drain(), 1u);
  EXPECT_EQ(second, 1);
}

TEST(Mailbox, ClosedMailboxDestroysRefusedTaskOnTheCallerThread) {
  int wakes = 0;
  Mailbox mailbox(countWake, &wakes);
  mailbox.open();
  mailbox.close();
  EXPECT_TRUE(mailbox.closed());
  std::atomic<int> destroyed{0};
  EXPECT_FALSE(mailbox.push(makeTask([t = Tracked(&destroyed)] {})));
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(Mailbox, TasksQueuedBeforeCloseStillRun) {
  int wakes = 0;
  Mailbox mailbox(countWake, &wakes);
  mailbox.open();
  int ran = 0;
  ASSERT_TRUE(mailbox.push(makeTask([&] { ++ran; })));
  mailbox.close();
  EXPECT_EQ(mailbox.drain(), 1u);
  EXPECT_EQ(ran, 1);
}

TEST(Mailbox, DestructorFreesTasksThatNeverRan) {
  std::atomic<int> destroyed{0};
  {
    int wakes = 0;
    Mailbox mailbox(countWake, &wakes);
    mailbox.open();
    ASSERT_TRUE(mailbox.push(makeTask([t = Tracked(&destroyed)] {})));
  }
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(LoopThread, DeliversAllPostsFromFourThreadsInPerProducerOrder) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 20000;
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());

  // Touched only on the loop thread; read after stop() joined it.
  std::vector<std::vector<int>> received(kProducers);
  std::atomic<int> refused{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        if (!loop.post([&received, p, i] { received[p].push_back(i); })) refused++;
      }
    });
  }
  for (auto& t : producers) t.join();
  loop.stop();  // every accepted post runs before the loop shuts down

  EXPECT_EQ(refused.load(), 0);
  for (int p = 0; p < kProducers; ++p) {
    ASSERT_EQ(received[p].size(), static_cast<size_t>(kPerProducer)) << "producer " << p;
    for (int i = 0; i < kPerProducer; ++i) {
      ASSERT_EQ(received[p][i], i) << "producer " << p << " out of order";
    }
  }
  EXPECT_EQ(loop.handlesLeftAtStop(), 0u);
}

// A typed message: a Task subclass carries its data without a std::function.
struct AddToTotal final : Task {
  AddToTotal(Waiter* waiter, int* total, int amount)
      : waiter(waiter), total(total), amount(amount) {}
  void run() override {
    waiter->update([&] { *total += amount; });
  }
  Waiter* waiter;
  int* total;
  int amount;
};

TEST(LoopThread, RunsTypedTasks) {
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());
  Waiter waiter;
  int total = 0;
  ASSERT_TRUE(loop.post(std::make_unique<AddToTotal>(&waiter, &total, 40)));
  ASSERT_TRUE(loop.post(std::make_unique<AddToTotal>(&waiter, &total, 2)));
  ASSERT_TRUE(waiter.waitFor([&] { return total == 42; }));
  loop.stop();
  EXPECT_EQ(loop.handlesLeftAtStop(), 0u);
}

TEST(LoopThread, PostToStoppedLoopIsRefusedAndDropsTheTask) {
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());
  loop.stop();
  std::atomic<int> destroyed{0};
  bool ran = false;
  EXPECT_FALSE(loop.post([&ran, t = Tracked(&destroyed)] { ran = true; }));
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_FALSE(ran);
  EXPECT_FALSE(loop.running());
}

TEST(LoopThread, PostBeforeStartIsRefused) {
  LoopThread loop("mbox");
  EXPECT_FALSE(loop.post([] {}));
}

TEST(LoopThread, StartsOnlyOnce) {
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());
  auto again = loop.start();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), base::ErrorCode::kInvalidArgument);
  loop.stop();
  EXPECT_FALSE(loop.start().ok());
}

TEST(LoopThread, KnowsItsOwnThread) {
  LoopThread loop("mbox", 3);
  ASSERT_TRUE(loop.start().ok());
  EXPECT_FALSE(loop.isCurrentThread());
  EXPECT_EQ(LoopThread::current(), nullptr);
  const bool onLoop = testing::runOn(loop, [&] { return loop.isCurrentThread(); });
  EXPECT_TRUE(onLoop);
  LoopThread* current = testing::runOn(loop, [] { return LoopThread::current(); });
  EXPECT_EQ(current, &loop);
  EXPECT_EQ(loop.index(), 3u);
  loop.stop();
}

TEST(LoopThread, PostFromLoopThreadRunsLater) {
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());
  Waiter waiter;
  std::vector<int> order;
  ASSERT_TRUE(loop.post([&] {
    loop.post([&] { waiter.update([&] { order.push_back(2); }); });
    waiter.update([&] { order.push_back(1); });
  }));
  ASSERT_TRUE(waiter.waitFor([&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  loop.stop();
}

TEST(LoopThread, StopFromLoopThreadOnlyRequestsIt) {
  LoopThread loop("mbox");
  ASSERT_TRUE(loop.start().ok());
  ASSERT_TRUE(loop.post([&] { loop.stop(); }));  // cannot join itself: must not deadlock
  loop.join();
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(loop.handlesLeftAtStop(), 0u);
}

}  // namespace
}  // namespace rtmp::net
