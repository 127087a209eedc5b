// LoopHealth: lag and utilisation of an I/O loop from its housekeeping
// timer's ticks (monotonic ms) and libuv's idle total (ns). Pure arithmetic,
// fed by hand.
#include "server/loop_health.h"

#include <gtest/gtest.h>

namespace rtmp::server {
namespace {

constexpr uint64_t kMs = 1'000'000;  // ns per ms

TEST(LoopHealthTest, NoFigureBeforeTheFirstTick) {
  LoopHealth health;
  health.begin(10'000, 5 * kMs, 1'000);
  LoopHealthSnapshot s = health.snapshot(2);
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.samples, 0u);
  EXPECT_EQ(s.lagMs, 0u);
  EXPECT_EQ(s.utilisation, 0);
  EXPECT_EQ(s.idleNs, 5 * kMs);
}

TEST(LoopHealthTest, OnTimeTickHalfIdleIsHalfBusyWithNoLag) {
  LoopHealth health;
  health.begin(10'000, 0, 1'000);
  health.sample(11'000, 500 * kMs);
  LoopHealthSnapshot s = health.snapshot(0);
  EXPECT_EQ(s.lagMs, 0u);
  EXPECT_DOUBLE_EQ(s.utilisation, 0.5);
  EXPECT_EQ(s.idleNs, 500 * kMs);
  EXPECT_EQ(s.samples, 1u);
}

TEST(LoopHealthTest, ALateTickIsLagAndTheMaximumIsKept) {
  LoopHealth health;
  health.begin(0, 0, 1'000);
  health.sample(1'300, 0);  // 300 ms late, never idle: fully busy
  EXPECT_EQ(health.snapshot(0).lagMs, 300u);
  EXPECT_DOUBLE_EQ(health.snapshot(0).utilisation, 1.0);
  health.sample(2'300, 1'000 * kMs);  // on time, idle the whole period
  LoopHealthSnapshot s = health.snapshot(0);
  EXPECT_EQ(s.lagMs, 0u);
  EXPECT_EQ(s.maxLagMs, 300u);
  EXPECT_DOUBLE_EQ(s.utilisation, 0.0);
  EXPECT_EQ(s.samples, 2u);
}

TEST(LoopHealthTest, FiguresStayInRangeWhateverTheClocksSay) {
  LoopHealth health;
  health.begin(5'000, 900 * kMs, 1'000);
  health.sample(5'000, 2'000 * kMs);  // no time passed, idle jumped: no division by zero
  EXPECT_EQ(health.snapshot(0).utilisation, 0);
  health.sample(5'500, 1'000 * kMs);  // early tick, idle total went back: no negative figure
  LoopHealthSnapshot s = health.snapshot(0);
  EXPECT_EQ(s.lagMs, 0u);
  EXPECT_DOUBLE_EQ(s.utilisation, 1.0);
}

}  // namespace
}  // namespace rtmp::server
