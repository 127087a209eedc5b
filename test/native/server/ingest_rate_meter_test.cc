#include "server/ingest_rate_meter.h"

#include <gtest/gtest.h>

namespace rtmp::server {
namespace {

// 1 Mbit/s = 125,000 bytes per second, fed in 10 pieces a second.
void feed(IngestRateMeter& m, uint64_t fromMs, uint64_t toMs, uint64_t bytesPerSecond) {
  for (uint64_t t = fromMs; t < toMs; t += 100) m.add(bytesPerSecond / 10, t);
}

TEST(IngestRateMeter, ReportsNothingUntilAWholeWindowHasPassed) {
  IngestRateMeter m;
  feed(m, 0, 4'000, 1'000'000);  // a large burst, but only 4 s of it
  EXPECT_EQ(m.kbps(4'500), 0u);
}

TEST(IngestRateMeter, AveragesTheLastFiveCompleteSeconds) {
  IngestRateMeter m;
  feed(m, 0, 10'000, 125'000);  // 1000 kbit/s
  EXPECT_EQ(m.kbps(10'000), 1000u);
}

TEST(IngestRateMeter, TheSecondStillFillingDoesNotCount) {
  IngestRateMeter m;
  feed(m, 0, 6'000, 125'000);
  m.add(10'000'000, 6'100);  // a huge frame in the current second
  EXPECT_EQ(m.kbps(6'200), 1000u);
  EXPECT_GT(m.kbps(7'000), 1000u);  // once that second is complete, it does
}

TEST(IngestRateMeter, SilentSecondsCountAsZero) {
  IngestRateMeter m;
  feed(m, 0, 6'000, 125'000);
  // Nothing for 3 seconds: 2 of the last 5 seconds carried 1000 kbit/s.
  EXPECT_EQ(m.kbps(9'000), 400u);
  // A gap longer than the ring clears it all.
  EXPECT_EQ(m.kbps(60'000), 0u);
}

TEST(IngestRateMeter, AClockThatDoesNotMoveForwardChangesNothing) {
  IngestRateMeter m;
  feed(m, 10'000, 20'000, 250'000);  // 2000 kbit/s
  m.add(1'000, 15'000);              // an earlier time: counted in the current second (19)
  EXPECT_EQ(m.kbps(20'000), 2001u);
}

}  // namespace
}  // namespace rtmp::server
