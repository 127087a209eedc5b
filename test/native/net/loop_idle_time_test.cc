// LoopThread::idleTimeNs(): libuv's idle-time accounting is on for every
// loop, so a loop with nothing to do accumulates idle time while it waits,
// and a loop kept busy by a long task does not. Bounds are one-sided (at
// least / at most what the test made happen), so CPU load cannot fail them.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "net_test_util.h"

namespace rtmp::net {
namespace {

using testing::runOn;

using LoopIdleTimeTest = testing::PoolTest<1>;

TEST_F(LoopIdleTimeTest, AWaitingLoopAccumulatesIdleTime) {
  testing::StopOnExit stopOnExit(pool_);
  const uint64_t before = runOn(loop(), [&] { return loop().idleTimeNs(); });
  // The loop waits in the kernel (no handle is due) while this thread sleeps.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t after = runOn(loop(), [&] { return loop().idleTimeNs(); });
  EXPECT_GE(after - before, 150'000'000u) << "idle ns gained while the loop had nothing to do";
}

TEST_F(LoopIdleTimeTest, ABusyLoopIsNotCountedAsIdle) {
  testing::StopOnExit stopOnExit(pool_);
  const auto start = std::chrono::steady_clock::now();
  const uint64_t before = runOn(loop(), [&] { return loop().idleTimeNs(); });
  // One task that keeps the loop thread busy for 300 ms.
  const uint64_t after = runOn(loop(), [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return loop().idleTimeNs();
  });
  const auto wall = std::chrono::steady_clock::now() - start;
  const uint64_t wallNs =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
  // Idle time can only have grown while the task was not running.
  EXPECT_LE(after - before, wallNs - 300'000'000u);
}

}  // namespace
}  // namespace rtmp::net
