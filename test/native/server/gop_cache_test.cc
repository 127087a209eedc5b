// GopCache: starts at a keyframe, bounded by time/bytes/frames (an outgrown
// GOP is given up until the next keyframe), audio-only rolling window.
#include "server/gop_cache.h"

#include <gtest/gtest.h>

#include <memory>

namespace rtmp::server::testing {
namespace {

SharedMediaRef frame(MediaKind kind, uint32_t ts, bool key = false, size_t size = 10) {
  auto m = std::make_shared<SharedMedia>();
  m->packet.kind = kind;
  m->packet.dts = ts;
  m->packet.keyframe = key;
  m->packet.isMedia = true;
  m->packet.payload = base::Bytes::copyOf(std::vector<uint8_t>(size, 0xAB));
  return m;
}
SharedMediaRef key(uint32_t ts, size_t size = 10) {
  return frame(MediaKind::kVideo, ts, true, size);
}
SharedMediaRef inter(uint32_t ts, size_t size = 10) {
  return frame(MediaKind::kVideo, ts, false, size);
}
SharedMediaRef audio(uint32_t ts, size_t size = 10) {
  return frame(MediaKind::kAudio, ts, false, size);
}

std::vector<uint32_t> times(const GopCache& cache) {
  std::vector<uint32_t> out;
  for (const auto& m : cache.items()) out.push_back(m->timestamp());
  return out;
}

TEST(GopCacheTest, NothingIsKeptBeforeTheFirstKeyframe) {
  GopCache cache({});
  cache.push(inter(0), true);
  cache.push(audio(10), true);
  EXPECT_EQ(cache.frames(), 0u);
  cache.push(key(40), true);
  cache.push(audio(50), true);
  cache.push(inter(80), true);
  EXPECT_EQ(times(cache), (std::vector<uint32_t>{40, 50, 80}));
  EXPECT_EQ(cache.bytes(), 30u);
}

TEST(GopCacheTest, ANewKeyframeReplacesTheGop) {
  GopCache cache({});
  cache.push(key(0), true);
  cache.push(inter(40), true);
  cache.push(key(80), true);
  cache.push(audio(90), true);
  EXPECT_EQ(times(cache), (std::vector<uint32_t>{80, 90}));
  EXPECT_EQ(cache.overflows(), 0u);
}

TEST(GopCacheTest, GopLongerThanMaxMsIsDroppedUntilTheNextKeyframe) {
  GopCacheLimits limits;
  limits.maxMs = 100;
  GopCache cache(limits);
  cache.push(key(0), true);
  cache.push(inter(100), true);  // span 100: still fits
  EXPECT_EQ(cache.frames(), 2u);
  cache.push(inter(140), true);  // span 140: over
  EXPECT_EQ(cache.frames(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.overflows(), 1u);
  cache.push(inter(180), true);  // still waiting for a keyframe
  cache.push(audio(190), true);
  EXPECT_EQ(cache.frames(), 0u);
  cache.push(key(200), true);
  EXPECT_EQ(times(cache), (std::vector<uint32_t>{200}));
}

TEST(GopCacheTest, GopOverMaxBytesIsDropped) {
  GopCacheLimits limits;
  limits.maxBytes = 100;
  GopCache cache(limits);
  cache.push(key(0, 60), true);
  cache.push(inter(40, 40), true);  // exactly 100
  EXPECT_EQ(cache.frames(), 2u);
  cache.push(audio(50, 1), true);
  EXPECT_EQ(cache.frames(), 0u);
  EXPECT_EQ(cache.overflows(), 1u);
}

TEST(GopCacheTest, GopOverMaxFramesIsDropped) {
  GopCacheLimits limits;
  limits.maxFrames = 3;
  GopCache cache(limits);
  cache.push(key(0), true);
  cache.push(inter(40), true);
  cache.push(inter(80), true);
  EXPECT_EQ(cache.frames(), 3u);
  cache.push(inter(120), true);
  EXPECT_EQ(cache.frames(), 0u);
  EXPECT_EQ(cache.overflows(), 1u);
}

TEST(GopCacheTest, SpanIsMeasuredAcrossThe32BitWrap) {
  GopCacheLimits limits;
  limits.maxMs = 100;
  GopCache cache(limits);
  cache.push(key(0xFFFFFFC0u), true);
  cache.push(inter(0x00000020u), true);  // 96 ms later
  EXPECT_EQ(cache.frames(), 2u);
  cache.push(inter(0x00000030u), true);  // 112 ms after the keyframe
  EXPECT_EQ(cache.frames(), 0u);
}

TEST(GopCacheTest, AudioOnlyKeepsARollingWindowByTime) {
  GopCacheLimits limits;
  limits.maxMs = 100;
  GopCache cache(limits);
  for (uint32_t ts = 0; ts <= 200; ts += 25) cache.push(audio(ts), false);
  EXPECT_EQ(times(cache), (std::vector<uint32_t>{100, 125, 150, 175, 200}));
  EXPECT_EQ(cache.bytes(), 50u);
  EXPECT_EQ(cache.overflows(), 0u);
}

TEST(GopCacheTest, AudioOnlyWindowIsBoundedByBytesAndFrames) {
  GopCacheLimits limits;
  limits.maxBytes = 35;
  GopCache byBytes(limits);
  for (uint32_t ts = 0; ts < 100; ts += 20) byBytes.push(audio(ts), false);
  EXPECT_EQ(times(byBytes), (std::vector<uint32_t>{40, 60, 80}));  // 3 × 10 bytes fit in 35
  GopCacheLimits frames;
  frames.maxFrames = 2;
  GopCache byFrames(frames);
  for (uint32_t ts = 0; ts < 100; ts += 20) byFrames.push(audio(ts), false);
  EXPECT_EQ(times(byFrames), (std::vector<uint32_t>{60, 80}));
}

TEST(GopCacheTest, ClearEmptiesAndWaitsForAKeyframe) {
  GopCache cache({});
  cache.push(key(0), true);
  cache.clear();
  cache.push(inter(40), true);
  EXPECT_EQ(cache.frames(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

// Regression (the bug was in gop_cache.cc, GopCache::push): an audio-only rolling window stays in
// the cache after the stream gains video; until the first keyframe arrives a
// joiner's "GOP" starts with stale audio and no keyframe, and PlayerTap
// starts its timeline there and forwards the inter frames that follow.
TEST(GopCacheTest, AudioWindowIsDroppedOnceTheStreamHasVideo) {
  GopCache cache({});
  cache.push(audio(0), false);
  cache.push(audio(20), false);
  cache.push(inter(40), true);  // first video message of the stream, not a keyframe
  EXPECT_EQ(cache.frames(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
