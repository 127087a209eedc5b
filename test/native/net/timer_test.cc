#include "net/timer.h"

#include <gtest/gtest.h>

#include <memory>

#include "net_test_util.h"

namespace rtmp::net {
namespace {

using std::chrono::milliseconds;
using testing::runOn;
using testing::Waiter;

using TimerTest = testing::PoolTest<1>;

TEST_F(TimerTest, OneShotFiresOnce) {
  Waiter waiter;
  int fired = 0;
  std::unique_ptr<Timer> timer;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    EXPECT_TRUE(timer->start(milliseconds(1), [&] { waiter.update([&] { ++fired; }); }));
    EXPECT_TRUE(timer->active());
  });
  ASSERT_TRUE(waiter.waitFor([&] { return fired == 1; }));
  // A later loop iteration must not fire it again, and it is no longer armed.
  EXPECT_FALSE(runOn(loop(), [&] { return timer->active(); }));
  runOn(loop(), [&] { timer.reset(); });
  EXPECT_EQ(fired, 1);
}

TEST_F(TimerTest, RepeatingTimerFiresUntilStopped) {
  Waiter waiter;
  int fired = 0;
  std::unique_ptr<Timer> timer;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    timer->start(
        milliseconds(1),
        [&] {
          waiter.update([&] { ++fired; });
          if (fired == 3) timer->stop();
        },
        milliseconds(1));
  });
  ASSERT_TRUE(waiter.waitFor([&] { return fired == 3; }));
  EXPECT_FALSE(runOn(loop(), [&] { return timer->active(); }));
  runOn(loop(), [&] { timer.reset(); });
  EXPECT_EQ(fired, 3);
}

TEST_F(TimerTest, CallbackMayRestartWithANewCallback) {
  Waiter waiter;
  std::vector<int> order;
  std::unique_ptr<Timer> timer;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    timer->start(milliseconds(1), [&] {
      waiter.update([&] { order.push_back(1); });
      // Replaces the running callback; the old one must finish safely.
      timer->start(milliseconds(1), [&] { waiter.update([&] { order.push_back(2); }); });
    });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  runOn(loop(), [&] { timer.reset(); });
}

TEST_F(TimerTest, RestartReusesTheLastScheduleAndCallback) {
  Waiter waiter;
  int fired = 0;
  std::unique_ptr<Timer> timer;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    EXPECT_FALSE(timer->restart());  // never started
    timer->start(milliseconds(1), [&] {
      waiter.update([&] { ++fired; });
      if (fired < 2) timer->restart();
    });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return fired == 2; }));
  runOn(loop(), [&] { timer.reset(); });
}

TEST_F(TimerTest, DestroyingTheTimerInsideItsCallbackIsSafe) {
  Waiter waiter;
  bool fired = false;
  std::unique_ptr<Timer> timer;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    timer->start(milliseconds(1), [&] {
      timer.reset();  // destroys the Timer whose callback is running
      waiter.update([&] { fired = true; });
    });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return fired; }));
}

TEST_F(TimerTest, StoppedTimerDoesNotFire) {
  Waiter waiter;
  int fired = 0;
  std::unique_ptr<Timer> timer;
  std::unique_ptr<Timer> marker;
  bool markerFired = false;
  testing::StopOnExit stopOnExit(pool_);
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    timer->start(milliseconds(5), [&] { waiter.update([&] { ++fired; }); });
    timer->stop();
    EXPECT_FALSE(timer->active());
    // A later timer proves the loop went past the first one's due time.
    marker = std::make_unique<Timer>(loop());
    marker->start(milliseconds(20), [&] { waiter.update([&] { markerFired = true; }); });
  });
  ASSERT_TRUE(waiter.waitFor([&] { return markerFired; }));
  EXPECT_EQ(fired, 0);
  runOn(loop(), [&] {
    timer.reset();
    marker.reset();
  });
}

TEST_F(TimerTest, LoopStopClosesTimersItOwns) {
  std::unique_ptr<Timer> timer;
  bool fired = false;
  runOn(loop(), [&] {
    timer = std::make_unique<Timer>(loop());
    timer->start(milliseconds(60000), [&] { fired = true; });
  });
  pool_.stop();  // the timer outlives the loop as an object
  EXPECT_EQ(pool_.handlesLeftAtStop(), 0u);
  EXPECT_TRUE(timer->closed());
  EXPECT_FALSE(timer->active());
  EXPECT_FALSE(timer->start(milliseconds(1), [] {}));
  timer.reset();  // safe off the loop thread once closed
  EXPECT_FALSE(fired);
}

TEST_F(TimerTest, ClosedTimerLeavesNoHandleOnTheLoop) {
  // uv_walk count while running: the mailbox's wake-up handle is always there.
  const size_t base = runOn(loop(), [&] { return loop().handleCount(); });
  EXPECT_EQ(base, 1u);
  std::unique_ptr<Timer> timer;
  EXPECT_EQ(runOn(loop(),
                  [&] {
                    timer = std::make_unique<Timer>(loop());
                    return loop().handleCount();
                  }),
            base + 1);
  runOn(loop(), [&] { timer.reset(); });
  // The close callback ran in that iteration's close phase, before this task.
  EXPECT_EQ(runOn(loop(), [&] { return loop().handleCount(); }), base);
}

TEST_F(TimerTest, CloseIsIdempotent) {
  runOn(loop(), [&] {
    Timer timer(loop());
    timer.start(milliseconds(1000), [] {});
    timer.close();
    timer.close();
    EXPECT_TRUE(timer.closed());
    EXPECT_FALSE(timer.start(milliseconds(1), [] {}));
    timer.stop();  // no-op once closed
  });
}

}  // namespace
}  // namespace rtmp::net
