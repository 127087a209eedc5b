// StreamTiming: keyframe interval, GOP length and A/V skew from frame
// timestamps alone (no sockets, no clock).
#include "media/stream_timing.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

namespace rtmp::media::testing {
namespace {

// Video at 30 fps from `startMs` (33/33/34 ms steps), a keyframe every `gop` frames.
void feedVideo(StreamTiming& t, uint32_t startMs, int frames, int gop) {
  for (int i = 0; i < frames; ++i) {
    t.onVideoFrame(startMs + static_cast<uint32_t>(i * 1000 / 30), i % gop == 0);
  }
}

TEST(StreamTimingTest, NothingBeforeFrames) {
  StreamTimingReport r = StreamTiming().report();
  EXPECT_FALSE(r.keyframeIntervalMs);
  EXPECT_FALSE(r.gopFrames);
  EXPECT_FALSE(r.avSkewMs);
  EXPECT_EQ(r.keyframes, 0u);
  EXPECT_EQ(r.framesSinceKeyframe, 0u);
}

TEST(StreamTimingTest, KeyframeIntervalAndGopOfA60FrameGopAt30Fps) {
  StreamTiming t;
  feedVideo(t, 0, 60, 60);  // one GOP, not closed yet
  StreamTimingReport open = t.report();
  EXPECT_FALSE(open.keyframeIntervalMs) << "one keyframe is no interval";
  EXPECT_FALSE(open.gopFrames);
  EXPECT_EQ(open.framesSinceKeyframe, 60u);
  EXPECT_EQ(open.keyframes, 1u);

  StreamTiming u;
  feedVideo(u, 0, 121, 60);  // keyframes at 0, 2000, 4000 ms
  StreamTimingReport r = u.report();
  EXPECT_EQ(r.keyframeIntervalMs, 2000u);
  EXPECT_EQ(r.gopFrames, 60u);
  EXPECT_EQ(r.keyframes, 3u);
  EXPECT_EQ(r.framesSinceKeyframe, 1u) << "the keyframe that opened the current GOP";
}

TEST(StreamTimingTest, TheLatestGopIsReported) {
  StreamTiming t;
  t.onVideoFrame(0, true);
  t.onVideoFrame(8000, true);  // 8 s
  EXPECT_EQ(t.report().keyframeIntervalMs, 8000u);
  EXPECT_EQ(t.report().gopFrames, 1u);
  for (uint32_t ms = 8040; ms < 10000; ms += 40) t.onVideoFrame(ms, false);
  t.onVideoFrame(10000, true);  // then 2 s of 25 fps
  EXPECT_EQ(t.report().keyframeIntervalMs, 2000u);
  EXPECT_EQ(t.report().gopFrames, 50u);
}

TEST(StreamTimingTest, FramesBeforeTheFirstKeyframeBelongToNoGop) {
  StreamTiming t;
  t.onVideoFrame(0, false);
  t.onVideoFrame(33, false);
  EXPECT_EQ(t.report().framesSinceKeyframe, 0u);
  t.onVideoFrame(66, true);
  t.onVideoFrame(100, false);
  t.onVideoFrame(133, true);
  EXPECT_EQ(t.report().gopFrames, 2u);
  EXPECT_EQ(t.report().keyframeIntervalMs, 67u);
}

TEST(StreamTimingTest, AKeyframeBackwardsClosesTheGopButMeasuresNoInterval) {
  StreamTiming t;
  t.onVideoFrame(10000, true);
  t.onVideoFrame(12000, true);
  ASSERT_EQ(t.report().keyframeIntervalMs, 2000u);
  t.onVideoFrame(12033, false);
  t.onVideoFrame(500, true);  // the encoder restarted its clock
  EXPECT_EQ(t.report().keyframeIntervalMs, 2000u) << "no interval across the jump";
  EXPECT_EQ(t.report().gopFrames, 2u);
  t.onVideoFrame(2500, true);  // measured again from the new timeline
  EXPECT_EQ(t.report().keyframeIntervalMs, 2000u);
  t.onVideoFrame(2500, true);  // the same DTS twice: no zero interval
  EXPECT_EQ(t.report().keyframeIntervalMs, 2000u);
  EXPECT_EQ(t.report().keyframes, 5u);
}

TEST(StreamTimingTest, TimestampsWrapAt32Bits) {
  StreamTiming t;
  t.onVideoFrame(0xFFFFFC18u, true);  // 2^32 - 1000
  t.onVideoFrame(1000, true);         // 2000 ms later, after the wrap
  EXPECT_EQ(t.report().keyframeIntervalMs, 2000u);
  t.onAudioFrame(0xFFFFFFF0u);  // audio 1016 ms behind, across the wrap
  EXPECT_EQ(t.report().avSkewMs, 1016);
}

TEST(StreamTimingTest, SkewIsVideoMinusAudioAndSmoothed) {
  StreamTiming t;
  t.onVideoFrame(1000, true);
  EXPECT_FALSE(t.report().avSkewMs) << "one track only";
  t.onAudioFrame(600);
  EXPECT_EQ(t.report().avSkewMs, 400) << "the first sample seeds the average";
  // Interleaved by timestamp: video 30 fps and AAC 23 ms frames, in step.
  StreamTiming inStep;
  uint32_t video = 0;
  uint32_t audio = 0;
  for (int i = 0; i < 3000; ++i) {
    if (video <= audio) {
      inStep.onVideoFrame(video, video % 2000 == 0);
      video += 33;
    } else {
      inStep.onAudioFrame(audio);
      audio += 23;
    }
  }
  ASSERT_TRUE(inStep.report().avSkewMs);
  EXPECT_LE(std::abs(*inStep.report().avSkewMs), 33) << "within a frame";
  // Audio 400 ms late for long enough: the average gets there.
  StreamTiming late;
  for (uint32_t ms = 0; ms < 20000; ms += 20) {
    late.onVideoFrame(ms + 400, ms % 2000 == 0);
    late.onAudioFrame(ms);
  }
  ASSERT_TRUE(late.report().avSkewMs);
  EXPECT_NEAR(*late.report().avSkewMs, 400, 20);
}

TEST(StreamTimingTest, ATrackGoingBackwardsRestartsTheSkewAverage) {
  StreamTiming t;
  for (uint32_t ms = 0; ms < 10000; ms += 20) {
    t.onVideoFrame(ms, ms % 2000 == 0);
    t.onAudioFrame(ms);
  }
  // Samples alternate 20 (video just sent) and 0 (audio caught up): about 10.
  ASSERT_TRUE(t.report().avSkewMs);
  ASSERT_NEAR(*t.report().avSkewMs, 10, 2);
  // Both tracks restart from 0: the first (video) sample is the jump itself...
  t.onVideoFrame(0, true);
  // ...and the audio's own step back restarts from the new, in-step timeline.
  t.onAudioFrame(0);
  EXPECT_EQ(t.report().avSkewMs, 0) << "nothing averaged across the jump";
}

TEST(StreamTimingTest, AudioOnlyHasNoKeyframesAndNoSkew) {
  StreamTiming t;
  for (uint32_t ms = 0; ms < 5000; ms += 23) t.onAudioFrame(ms);
  t.onAudioFrame(100);  // and backwards
  StreamTimingReport r = t.report();
  EXPECT_FALSE(r.keyframeIntervalMs);
  EXPECT_FALSE(r.gopFrames);
  EXPECT_FALSE(r.avSkewMs);
  EXPECT_EQ(r.keyframes, 0u);
}

TEST(StreamTimingTest, VideoOnlyHasKeyframesAndNoSkew) {
  StreamTiming t;
  feedVideo(t, 0, 91, 30);
  StreamTimingReport r = t.report();
  EXPECT_EQ(r.keyframeIntervalMs, 1000u);
  EXPECT_EQ(r.gopFrames, 30u);
  EXPECT_FALSE(r.avSkewMs);
}

}  // namespace
}  // namespace rtmp::media::testing
