#include "media/timestamp_corrector.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

std::vector<uint32_t> run(TimestampCorrector& c, const std::vector<uint32_t>& in) {
  std::vector<uint32_t> out;
  for (uint32_t ts : in) out.push_back(c.correct(ts));
  return out;
}

TEST(TimestampCorrector, OffPassesThrough) {
  TimestampCorrector c({.mode = TimestampMode::kOff});
  EXPECT_EQ(run(c, {100, 50, 50, 900000}), (std::vector<uint32_t>{100, 50, 50, 900000}));
}

TEST(TimestampCorrector, NormalStreamIsUntouched) {
  TimestampCorrector c;
  EXPECT_EQ(run(c, {1000, 1033, 1067, 1100}), (std::vector<uint32_t>{1000, 1033, 1067, 1100}));
  EXPECT_EQ(c.typicalStepMs(), 33u);
}

TEST(TimestampCorrector, BackwardJumpContinuesOneFrameLater) {
  // An encoder restart: timestamps fall back to 0 after 5000.
  TimestampCorrector c;
  EXPECT_EQ(run(c, {4934, 4967, 5000, 0, 33, 66}),
            (std::vector<uint32_t>{4934, 4967, 5000, 5033, 5066, 5099}));
  EXPECT_EQ(c.stats().backwardJumps, 1u);
}

TEST(TimestampCorrector, StallIsNudgedWithoutDrift) {
  // Two frames with the same DTS: the second moves 1 ms on; the next normal
  // frame lands where the input says, so nothing accumulates.
  TimestampCorrector c;
  EXPECT_EQ(run(c, {0, 33, 33, 66, 99}), (std::vector<uint32_t>{0, 33, 34, 66, 99}));
  EXPECT_EQ(c.stats().stalls, 1u);
}

TEST(TimestampCorrector, SmallStepBackIsClampedWithoutDrift) {
  TimestampCorrector c;
  EXPECT_EQ(run(c, {100, 140, 120, 180}), (std::vector<uint32_t>{100, 140, 141, 180}));
  EXPECT_EQ(c.stats().backwardJitter, 1u);
}

TEST(TimestampCorrector, ManyStallsInARowStayStrictlyIncreasing) {
  TimestampCorrector c;
  EXPECT_EQ(run(c, {0, 0, 0, 0, 2, 23}), (std::vector<uint32_t>{0, 1, 2, 3, 4, 23}));
}

TEST(TimestampCorrector, BigForwardGapIsRebased) {
  TimestampCorrector c;  // default threshold 10 s
  EXPECT_EQ(run(c, {0, 23, 46, 3'600'000, 3'600'023}), (std::vector<uint32_t>{0, 23, 46, 69, 92}));
  EXPECT_EQ(c.stats().forwardJumps, 1u);
}

TEST(TimestampCorrector, ForwardGapBelowThresholdIsKept) {
  TimestampCorrector c({.maxForwardJumpMs = 10'000});
  EXPECT_EQ(run(c, {0, 9'000}), (std::vector<uint32_t>{0, 9'000}));
  TimestampCorrector strict({.maxForwardJumpMs = 1'000});
  EXPECT_EQ(run(strict, {0, 20, 9'000}), (std::vector<uint32_t>{0, 20, 40}));
}

TEST(TimestampCorrector, WrapAroundIsForwardProgress) {
  TimestampCorrector c;
  EXPECT_EQ(run(c, {0xFFFFFFD0, 0xFFFFFFF0, 0x00000010, 0x00000030}),
            (std::vector<uint32_t>{0xFFFFFFD0, 0xFFFFFFF0, 0x00000010, 0x00000030}));
  EXPECT_EQ(c.stats().backwardJumps, 0u);
  EXPECT_EQ(c.typicalStepMs(), 32u);
}

TEST(TimestampCorrector, OutputWrapsLikeRtmpTimestamps) {
  TimestampCorrector c;
  // Across the wrap, a small step back (5 → 0xFFFFFFFF is -6) is clamped
  // and the output keeps wrapping with the input.
  EXPECT_EQ(run(c, {0xFFFFFFF0, 5, 0xFFFFFFFF, 40}), (std::vector<uint32_t>{0xFFFFFFF0, 5, 6, 40}));
}

TEST(TimestampCorrector, AudioAndVideoAreCorrectedIndependently) {
  TimestampCorrector audio;
  TimestampCorrector video;
  // Interleaved as they arrive: video restarts at 0, audio keeps going.
  EXPECT_EQ(video.correct(1000), 1000u);
  EXPECT_EQ(audio.correct(1000), 1000u);
  EXPECT_EQ(audio.correct(1023), 1023u);
  EXPECT_EQ(video.correct(1033), 1033u);
  EXPECT_EQ(video.correct(0), 1066u);  // rebased on video's own step
  EXPECT_EQ(audio.correct(1046), 1046u);
  EXPECT_EQ(audio.typicalStepMs(), 23u);
  EXPECT_EQ(video.stats().backwardJumps, 1u);
  EXPECT_EQ(audio.stats().backwardJumps, 0u);
}

TEST(TimestampCorrector, FirstRebaseBeforeAnyStepUsesTheInitialStep) {
  TimestampCorrector c({.initialStepMs = 20});
  EXPECT_EQ(run(c, {5000, 0}), (std::vector<uint32_t>{5000, 5020}));
}

TEST(TimestampCorrector, ResetForgetsHistory) {
  TimestampCorrector c;
  run(c, {1000, 1033});
  c.reset();
  EXPECT_EQ(c.correct(10), 10u);
  EXPECT_EQ(c.stats().backwardJumps, 0u);
}

TEST(TimestampCorrector, OutputNeverGoesBackOnAHostileSequence) {
  // A fixed pseudo-random walk with jumps in every direction (no clocks, no seeds).
  TimestampCorrector c;
  uint32_t x = 12345;
  uint32_t in = 0;
  int64_t last = -1;
  int64_t unwrapped = 0;
  uint32_t prevOut = 0;
  for (int i = 0; i < 10000; ++i) {
    x = x * 1103515245u + 12345u;
    const uint32_t r = x >> 16;
    in += (r % 7 == 0) ? (r << 16) : (r % 50) - 10;  // occasional huge jump, some back-steps
    const uint32_t out = c.correct(in);
    if (i > 0) unwrapped += static_cast<int32_t>(out - prevOut);
    prevOut = out;
    ASSERT_GT(unwrapped, last) << i;
    last = unwrapped;
  }
}

TEST(TimestampRebaser, FirstTimestampBecomesZero) {
  TimestampRebaser r;
  EXPECT_EQ(r.apply(5000), 0u);
  EXPECT_EQ(r.apply(5033), 33u);
}

TEST(TimestampRebaser, EarlierThanBaseClampsToZero) {
  TimestampRebaser r;
  r.setBase(5000);
  EXPECT_EQ(r.apply(4990), 0u);  // audio slightly older than the starting keyframe
  EXPECT_EQ(r.apply(5010), 10u);
}

TEST(TimestampRebaser, FollowsWrapAroundAndLongRuns) {
  TimestampRebaser r;
  r.setBase(0xFFFFFF00);
  EXPECT_EQ(r.apply(0xFFFFFF00), 0u);
  EXPECT_EQ(r.apply(0x00000100), 0x200u);
  // More than 2^31 ms later (a relay up for 25+ days) is still forward.
  uint32_t ts = 0x00000100;
  for (int i = 0; i < 5; ++i) {
    ts += 0x20000000;
    r.apply(ts);
  }
  EXPECT_EQ(r.apply(ts + 1), 0x200u + 5u * 0x20000000u + 1u);
}

}  // namespace
}  // namespace rtmp::media
