// Subscription on its own: the bounded output queue (video in frames, audio in
// media time), drops counted and reported on the next frame, maxFps, the
// discontinuity mark, and the option checks. No decoder involved.
#include "decode/subscription.h"

#include <gtest/gtest.h>

#include "decode_test_util.h"

namespace rtmp::decode::testing {
namespace {

FramePtr videoFrame(int64_t pts) {
  auto f = std::make_shared<Frame>();
  f->kind = FrameKind::kVideo;
  f->pts = pts;
  return f;
}

FramePtr audioFrame(int64_t pts, uint32_t samples = 1024, uint32_t rate = 48000) {
  auto f = std::make_shared<Frame>();
  f->kind = FrameKind::kAudio;
  f->pts = pts;
  f->samples = samples;
  f->sampleRate = rate;
  return f;
}

// What the decoder thread does per frame.
bool offer(Subscription& s, const FramePtr& f) {
  if (!s.wants(f->kind, f->pts)) return false;
  s.push(f);
  return true;
}

TEST(SubscriptionTest, FullVideoQueueDropsAndTheNextFrameSaysHowMany) {
  auto sink = std::make_shared<CountingSink>();
  Subscription s(1, SubscriptionOptions{}, nullptr, sink);  // 2 video frames
  EXPECT_TRUE(offer(s, videoFrame(0)));
  EXPECT_TRUE(offer(s, videoFrame(40)));
  EXPECT_FALSE(offer(s, videoFrame(80)));
  EXPECT_FALSE(offer(s, videoFrame(120)));
  EXPECT_EQ(sink->ready.load(), 1u);  // one wake-up per empty -> non-empty
  auto first = s.take();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].droppedBefore, 0u);
  EXPECT_TRUE(offer(s, videoFrame(160)));
  auto next = s.take();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].frame->pts, 160);
  EXPECT_EQ(next[0].droppedBefore, 2u);
  const SubscriptionStats stats = s.stats();
  EXPECT_EQ(stats.videoDelivered, 3u);
  EXPECT_EQ(stats.videoDropped, 2u);
  EXPECT_EQ(stats.queued, 0u);
}

TEST(SubscriptionTest, AudioIsBoundedInMediaTimeAndCountedApartFromVideo) {
  SubscriptionOptions o;
  o.maxAudioMs = 100;  // 1024 samples at 48 kHz = 21.3 ms: 5 frames reach 106 ms
  Subscription s(1, o, nullptr, nullptr);
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += offer(s, audioFrame(i * 21)) ? 1 : 0;
  EXPECT_EQ(accepted, 5);
  EXPECT_TRUE(offer(s, videoFrame(0)));  // video has its own bound
  EXPECT_EQ(s.take(3).size(), 3u);       // take part of the queue
  EXPECT_TRUE(offer(s, audioFrame(300)));
  auto rest = s.take();
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.back().frame->pts, 300);
  EXPECT_EQ(rest.back().droppedBefore, 5u);
  EXPECT_EQ(s.stats().audioDropped, 5u);
  EXPECT_EQ(s.stats().videoDropped, 0u);
}

TEST(SubscriptionTest, AFrameLongerThanTheAudioBoundStillGetsThrough) {
  SubscriptionOptions o;
  o.maxAudioMs = 0;
  Subscription s(1, o, nullptr, nullptr);
  EXPECT_TRUE(offer(s, audioFrame(0, 48000)));  // one second
  EXPECT_FALSE(offer(s, audioFrame(1000)));
  s.take();
  EXPECT_TRUE(offer(s, audioFrame(1021)));
}

TEST(SubscriptionTest, MaxFpsSkipsFramesWithoutCountingDrops) {
  SubscriptionOptions o;
  o.maxFps = 10;  // one frame per 100 ms out of a 25 fps stream
  o.maxVideoFrames = 100;
  Subscription s(1, o, nullptr, nullptr);
  std::vector<int64_t> kept;
  for (int i = 0; i < 25; ++i) {
    if (offer(s, videoFrame(i * 40))) kept.push_back(i * 40);
  }
  EXPECT_EQ(kept, (std::vector<int64_t>{0, 120, 240, 360, 480, 600, 720, 840, 960}));
  EXPECT_EQ(s.stats().videoDropped, 0u);
  EXPECT_EQ(s.stats().videoSkipped, 16u);
}

TEST(SubscriptionTest, DiscontinuityMarksOnlyTheNextFrame) {
  Subscription s(1, SubscriptionOptions{}, nullptr, nullptr);
  s.markDiscontinuity();
  offer(s, videoFrame(0));
  offer(s, videoFrame(40));
  auto got = s.take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].discontinuity);
  EXPECT_FALSE(got[1].discontinuity);
}

// Regression (test/e2e/frames-reconnect.test.ts): one mark per subscription
// went to whichever kind came first after a republish, usually an audio
// block, and the first picture at the new size carried none.
TEST(SubscriptionTest, ARepublishMarksTheNextFrameOfEachKind) {
  Subscription s(1, SubscriptionOptions{}, nullptr, nullptr);
  s.markDiscontinuity();
  offer(s, audioFrame(0));
  offer(s, audioFrame(21));
  offer(s, videoFrame(33));
  offer(s, videoFrame(66));
  auto got = s.take();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_TRUE(got[0].discontinuity);  // first audio
  EXPECT_FALSE(got[1].discontinuity);
  EXPECT_TRUE(got[2].discontinuity);  // first video
  EXPECT_FALSE(got[3].discontinuity);
}

TEST(SubscriptionTest, ACodecChangeMarksOnlyItsKind) {
  Subscription s(1, SubscriptionOptions{}, nullptr, nullptr);
  s.markDiscontinuity(FrameKind::kVideo);
  offer(s, audioFrame(0));
  offer(s, videoFrame(33));
  auto got = s.take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[0].discontinuity);
  EXPECT_TRUE(got[1].discontinuity);
}

TEST(SubscriptionTest, NoSinkCallAfterClose) {
  auto sink = std::make_shared<CountingSink>();
  Subscription s(1, SubscriptionOptions{}, nullptr, sink);
  s.close();
  offer(s, videoFrame(0));
  s.reportError(base::Error(base::ErrorCode::kMedia));
  EXPECT_EQ(sink->ready.load(), 0u);
  EXPECT_TRUE(sink->errorCodes().empty());
  EXPECT_EQ(s.take().size(), 1u);  // what was queued can still be taken
}

TEST(SubscriptionTest, OptionsNoDecoderCanServeAreRefused) {
  SubscriptionOptions o;
  EXPECT_TRUE(validate(o).ok());
  auto refused = [](SubscriptionOptions bad) { return !validate(bad).ok(); };
  o.video = o.audio = false;
  EXPECT_TRUE(refused(o));
  o = {};
  o.videoOutput.width = 641;  // yuv420p needs even sizes
  EXPECT_TRUE(refused(o));
  o.videoOutput.format = PixelFormat::kRgba;
  EXPECT_FALSE(refused(o));
  o.videoOutput.width = 20000;
  EXPECT_TRUE(refused(o));
  o = {};
  o.maxFps = -1;
  EXPECT_TRUE(refused(o));
  o = {};
  o.audioOutput.channels = 9;
  EXPECT_TRUE(refused(o));
  o = {};
  o.maxVideoFrames = 0;
  EXPECT_TRUE(refused(o));
  EXPECT_EQ(validate(o).error().code(), base::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtmp::decode::testing
