// TimestampExtender, VideoTimeline and AudioTimeline (hls/sample_timeline.h).
#include "hls/sample_timeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace rtmp::hls {
namespace {

TEST(TimestampExtenderTest, ContinuesUpwardAcrossTheWrap) {
  TimestampExtender x;
  EXPECT_EQ(x.extend(0xFFFFFF00u), 0xFFFFFF00);
  EXPECT_EQ(x.extend(0xFFFFFFFFu), 0xFFFFFFFF);
  EXPECT_EQ(x.extend(0x10u), 0x100000010);
  EXPECT_EQ(x.extend(0x8000000Fu), 0x18000000F);  // just under half the range on
}

TEST(TimestampExtenderTest, ASmallStepBackStaysSmall) {
  TimestampExtender x;
  EXPECT_EQ(x.extend(5), 5);
  EXPECT_EQ(x.extend(3), 3);
  EXPECT_EQ(x.extend(0xFFFFFFFEu), -2);  // behind the start, not 4 billion ahead
}

TEST(VideoTimelineTest, NinetyTicksPerMsAndNeverBackwards) {
  VideoTimeline v;
  EXPECT_EQ(v.dts(-5), 0u);
  EXPECT_EQ(v.dts(33), 2'970u);
  EXPECT_EQ(v.dts(20), 2'970u);
  EXPECT_EQ(v.dts(67), 6'030u);
}

TEST(AudioTimelineTest, RoundedMsTimestampsGiveExactFrameSteps) {
  AudioTimeline a(44'100, 1024);
  const double frameMs = 1024 * 1000.0 / 44'100;
  uint64_t first = a.dts(0);
  EXPECT_EQ(first, 0u);
  for (int i = 1; i < 1'000; ++i) {
    const auto ms = static_cast<int64_t>(std::lround(i * frameMs));
    ASSERT_EQ(a.dts(ms), static_cast<uint64_t>(i) * 1024) << "frame " << i;
  }
}

TEST(AudioTimelineTest, AGapIsFollowedAndARepeatStepsOneFrame) {
  AudioTimeline a(48'000, 1024);
  EXPECT_EQ(a.dts(1'000), 48'000u);
  EXPECT_EQ(a.dts(2'000), 96'000u);  // a one-second gap: the timestamp wins
  EXPECT_EQ(a.dts(2'000), 97'024u);  // the same timestamp again: one frame on
  EXPECT_EQ(a.dts(1'990), 98'048u);  // a step back: still one frame on
}

}  // namespace
}  // namespace rtmp::hls
