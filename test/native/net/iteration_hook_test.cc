#include "net/iteration_hook.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::runOn;
using testing::Waiter;

using IterationHookTest = testing::PoolTest<1>;

TEST_F(IterationHookTest, RunsAfterTheTasksOfTheSameIteration) {
  // Tasks posted together drain in one iteration; the hook sees all of them.
  Waiter waiter;
  std::vector<int> seenByHook;
  int tasksRun = 0;
  std::unique_ptr<IterationHook> hook;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    hook = std::make_unique<IterationHook>(loop());
    EXPECT_TRUE(hook->start([&] {
      if (tasksRun == 0) return;
      waiter.update([&] { seenByHook.push_back(tasksRun); });
      tasksRun = 0;
    }));
    EXPECT_TRUE(hook->active());
    // Posted from the loop itself: they run in the next mailbox drain.
    for (int i = 0; i < 3; ++i) loop().post([&] { ++tasksRun; });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return !seenByHook.empty(); }));
  runOn(loop(), [&] { hook.reset(); });
  EXPECT_EQ(waiter.read([&] { return seenByHook.front(); }), 3);
}

TEST_F(IterationHookTest, StoppedHookDoesNotRun) {
  int runs = 0;
  std::unique_ptr<IterationHook> hook;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    hook = std::make_unique<IterationHook>(loop());
    hook->start([&] { ++runs; });
    hook->stop();
    EXPECT_FALSE(hook->active());
  });
  // Several iterations pass (each runOn is one mailbox wake-up).
  for (int i = 0; i < 3; ++i) runOn(loop(), [] {});
  runOn(loop(), [&] { hook.reset(); });
  EXPECT_EQ(runs, 0);
}

TEST_F(IterationHookTest, DestroyingTheHookInsideItsCallbackIsSafe) {
  Waiter waiter;
  bool ran = false;
  std::unique_ptr<IterationHook> hook;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    hook = std::make_unique<IterationHook>(loop());
    hook->start([&] {
      hook.reset();
      waiter.update([&] { ran = true; });
    });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return ran; }));
  EXPECT_EQ(runOn(loop(), [&] { return hook == nullptr; }), true);
}

TEST_F(IterationHookTest, LoopStopClosesTheHook) {
  std::unique_ptr<IterationHook> hook;
  runOn(loop(), [&] {
    hook = std::make_unique<IterationHook>(loop());
    hook->start([] {});
  });
  pool_.stop();
  EXPECT_EQ(pool_.handlesLeftAtStop(), 0u);
  EXPECT_TRUE(hook->closed());
  EXPECT_FALSE(hook->start([] {}));
  hook.reset();
}

}  // namespace
}  // namespace rtmp::net
