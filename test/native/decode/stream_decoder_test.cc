// StreamDecoder on the pool with a real H.264 + AAC stream (ffmpeg-made FLV):
// slow subscribers drop and count without holding more buffers than their
// bound, two subscribers share one decoder and one conversion (copied into
// the pools of subscribers with other allocators; a dry pool drops alone), a mid-stream
// start waits for a keyframe, an input overflow resumes at a keyframe, decode
// errors are reported once and resync, and the pool stops cleanly with live
// subscriptions and queued work. Skipped when ffmpeg is not on PATH.
#include "decode/stream_decoder.h"

#include <gtest/gtest.h>

#include <condition_variable>

#include "decode/decoder_pool.h"
#include "decode_test_util.h"

namespace rtmp::decode::testing {
namespace {

class StreamDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { flv_.make(4); }  // keyframes at 0, 1, 2, 3 s
  static void TearDownTestSuite() { flv_.remove(); }
  void SetUp() override {
    if (flv_.empty()) GTEST_SKIP() << "ffmpeg with libx264 not available";
    packets_ = readPackets(flv_.path());
    for (const auto& p : packets_) {
      if (isPicture(*p)) ++pictures_;
    }
    ASSERT_EQ(pictures_, 100u);
  }

  // pts of the pictures that are keyframes.
  bool isKeyframePts(int64_t pts) const {
    for (const auto& p : packets_) {
      if (isPicture(*p) && p->keyframe && p->pts() == pts) return true;
    }
    return false;
  }
  static bool isHeader(const media::MediaPacket& p) { return p.sequenceHeader; }

  static std::shared_ptr<Subscription> subscribe(StreamDecoder& stream, uint64_t id,
                                                 SubscriptionOptions o,
                                                 std::shared_ptr<FrameAllocator> allocator,
                                                 std::shared_ptr<FrameSink> sink = nullptr) {
    auto sub = std::make_shared<Subscription>(id, o, std::move(allocator), std::move(sink));
    stream.addSubscription(sub);
    return sub;
  }
  static SubscriptionOptions videoOnly(uint32_t maxFrames = 100000) {
    SubscriptionOptions o;
    o.audio = false;
    o.maxVideoFrames = maxFrames;
    return o;
  }
  // Pushes packets [from, to) as live media; false if one was refused.
  bool feed(StreamDecoder& stream, size_t from, size_t to) {
    bool all = true;
    for (size_t i = from; i < to && i < packets_.size(); ++i) all = stream.push(packets_[i]) && all;
    return all;
  }
  // Ends the publish and waits until the decoder is idle with `pictures` out.
  static bool finish(StreamDecoder& stream, uint64_t pictures) {
    stream.publisherGone();
    return waitUntil([&] {
      const auto s = stream.stats();
      return s.videoFrames >= pictures && s.idle();
    });
  }

  static inline SuiteFlv flv_;
  std::vector<media::MediaPacketPtr> packets_;
  uint64_t pictures_ = 0;
};

TEST_F(StreamDecoderTest, SlowSubscriberDropsAndCountsWithoutHoldingMoreBuffers) {
  DecoderPool pool(poolOf(2));
  auto stream = pool.createStream("live/slow");
  auto allocator = std::make_shared<HeapAllocator>();
  auto sub = subscribe(*stream, 1, videoOnly(2), allocator);  // never reads while fed
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  ASSERT_TRUE(finish(*stream, pictures_));

  EXPECT_EQ(stream->stats().videoFrames, pictures_);  // every picture decoded
  SubscriptionStats s = sub->stats();
  EXPECT_EQ(s.videoDelivered, 2u);
  EXPECT_EQ(s.videoDropped, pictures_ - 2);
  EXPECT_EQ(allocator->maxLive(), 2u);  // no conversion for a full queue
  EXPECT_EQ(allocator->acquired(), 2u);

  auto first = sub->take();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(first[0].frame->keyframe);
  first.clear();
  EXPECT_EQ(allocator->live(), 0u);  // buffers go back with the frames

  // The publisher returns: the next frame carries the count and the mark.
  stream->publisherBack();
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  ASSERT_TRUE(finish(*stream, 2 * pictures_));
  auto next = sub->take();
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].droppedBefore, pictures_ - 2);
  EXPECT_TRUE(next[0].discontinuity);
  EXPECT_FALSE(next[1].discontinuity);
  EXPECT_EQ(next[1].droppedBefore, 0u);
}

TEST_F(StreamDecoderTest, TwoSubscribersShareOneDecoderAndOneConversion) {
  DecoderPool pool(poolOf(2));
  auto stream = pool.createStream("live/two");
  auto allocator = std::make_shared<HeapAllocator>();
  auto a = subscribe(*stream, 1, videoOnly(), allocator);
  auto b = subscribe(*stream, 2, videoOnly(), allocator);
  SubscriptionOptions rgba = videoOnly();
  rgba.videoOutput = VideoOutput{PixelFormat::kRgba, 160, 0};
  auto c = subscribe(*stream, 3, rgba, allocator);
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  ASSERT_TRUE(finish(*stream, pictures_));

  EXPECT_EQ(stream->stats().videoFrames, pictures_);
  EXPECT_EQ(stream->stats().subscriptions, 3u);
  auto fa = a->take();
  auto fb = b->take();
  auto fc = c->take();
  ASSERT_EQ(fa.size(), pictures_);
  ASSERT_EQ(fb.size(), pictures_);
  ASSERT_EQ(fc.size(), pictures_);
  for (size_t i = 0; i < fa.size(); ++i) {
    ASSERT_EQ(fa[i].frame.get(), fb[i].frame.get());  // the same frame, converted once
  }
  EXPECT_EQ(fc[0].frame->width, 160u);
  EXPECT_EQ(fc[0].frame->height, 120u);
  EXPECT_EQ(allocator->acquired(), 2 * pictures_);  // one per picture per format
}

// The binding gives every subscription its own allocator (its JS pool): the
// same output is still converted once, and copied into the other pools.
TEST_F(StreamDecoderTest, SameOutputWithOtherAllocatorsConvertsOnceAndCopies) {
  DecoderPool pool(poolOf(2));
  auto stream = pool.createStream("live/copies");
  SubscriptionOptions rgba = videoOnly();
  rgba.videoOutput = VideoOutput{PixelFormat::kRgba, 160, 0};
  SubscriptionOptions gray = videoOnly();
  gray.videoOutput = VideoOutput{PixelFormat::kGray, 0, 0};
  std::vector<std::shared_ptr<HeapAllocator>> allocators;
  std::vector<std::shared_ptr<Subscription>> subs;
  for (uint64_t id = 1; id <= 4; ++id) {
    allocators.push_back(std::make_shared<HeapAllocator>());
    subs.push_back(subscribe(*stream, id, id <= 3 ? rgba : gray, allocators.back()));
  }
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  ASSERT_TRUE(finish(*stream, pictures_));

  const StreamDecoderStats stats = stream->stats();
  EXPECT_EQ(stats.conversions, 2 * pictures_);  // one per picture per distinct output
  EXPECT_EQ(stats.frameCopies, 2 * pictures_);  // subscribers 2 and 3
  for (const auto& a : allocators) EXPECT_EQ(a->acquired(), pictures_);
  std::vector<std::vector<DeliveredFrame>> got;
  for (const auto& sub : subs) got.push_back(sub->take());
  for (const auto& frames : got) ASSERT_EQ(frames.size(), pictures_);
  for (size_t i = 0; i < pictures_; ++i) {
    const Frame& first = *got[0][i].frame;
    ASSERT_EQ(first.width, 160u);
    const std::string md5 = visibleMd5(first, {160 * 4});
    for (size_t k = 1; k < 3; ++k) {
      const Frame& other = *got[k][i].frame;
      ASSERT_NE(other.buffer.data(), first.buffer.data());  // its own pool's buffer
      EXPECT_EQ(other.pts, first.pts);
      EXPECT_EQ(other.keyframe, first.keyframe);
      EXPECT_EQ(other.width, first.width);
      EXPECT_EQ(other.height, first.height);
      EXPECT_EQ(other.planes[0].stride, first.planes[0].stride);
      EXPECT_EQ(visibleMd5(other, {160 * 4}), md5) << "picture " << i;
    }
    EXPECT_EQ(got[3][i].frame->pixelFormat, PixelFormat::kGray);  // converted apart
    EXPECT_EQ(got[3][i].frame->width, 320u);
  }
}

TEST_F(StreamDecoderTest, SameAudioOutputWithOtherAllocatorsResamplesOnce) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/audio-copies");
  SubscriptionOptions o;
  o.video = false;
  o.maxAudioMs = 1000000;
  o.audioOutput = AudioOutput{SampleFormat::kF32Planar, 48000, 1};
  auto a = subscribe(*stream, 1, o, std::make_shared<HeapAllocator>());
  auto b = subscribe(*stream, 2, o, std::make_shared<HeapAllocator>());
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  stream->publisherGone();
  ASSERT_TRUE(waitUntil([&] { return stream->stats().idle(); }));

  const auto fa = a->take();
  const auto fb = b->take();
  ASSERT_GT(fa.size(), 100u);
  ASSERT_EQ(fa.size(), fb.size());
  // One resampler run per block (it keeps samples between calls: a second
  // run on the same input would not give the same samples), one copy each.
  EXPECT_EQ(stream->stats().conversions, stream->stats().audioFrames);
  EXPECT_EQ(stream->stats().frameCopies, fa.size());
  for (size_t i = 0; i < fa.size(); ++i) {
    const Frame& x = *fa[i].frame;
    const Frame& y = *fb[i].frame;
    ASSERT_NE(x.buffer.data(), y.buffer.data());
    ASSERT_EQ(x.samples, y.samples);
    ASSERT_EQ(x.pts, y.pts);
    ASSERT_EQ(x.sampleRate, 48000u);
    ASSERT_EQ(std::string(reinterpret_cast<const char*>(x.plane(0)), x.planes[0].stride),
              std::string(reinterpret_cast<const char*>(y.plane(0)), y.planes[0].stride));
  }
}

// A subscriber whose pool is dry drops alone, even when it is the first of
// its group: the conversion goes to the next subscriber's buffer instead.
TEST_F(StreamDecoderTest, ADrySharedPoolDropsOnlyItsSubscriber) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/dry");
  auto dry = std::make_shared<HeapAllocator>(1);  // one buffer, kept by the queued frame
  auto roomy = std::make_shared<HeapAllocator>();
  auto a = subscribe(*stream, 1, videoOnly(), dry);
  auto b = subscribe(*stream, 2, videoOnly(), roomy);
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  ASSERT_TRUE(finish(*stream, pictures_));

  EXPECT_EQ(a->stats().videoDelivered, 1u);
  EXPECT_EQ(a->stats().videoDropped, pictures_ - 1);
  EXPECT_EQ(b->stats().videoDelivered, pictures_);
  EXPECT_EQ(b->stats().videoDropped, 0u);
  EXPECT_EQ(stream->stats().conversions, pictures_);  // a dry pool runs no conversion
  EXPECT_EQ(stream->stats().frameCopies, 1u);         // the first picture, for b
  EXPECT_EQ(b->take().size(), pictures_);
}

TEST_F(StreamDecoderTest, UnsubscribedStreamStopsDelivering) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/leave");
  auto allocator = std::make_shared<HeapAllocator>();
  auto a = subscribe(*stream, 1, videoOnly(), allocator);
  stream->removeSubscription(1);
  ASSERT_TRUE(feed(*stream, 0, packets_.size()));
  stream->publisherGone();
  ASSERT_TRUE(waitUntil([&] { return stream->stats().idle(); }));
  stream->close();
  EXPECT_TRUE(waitUntil([&] { return stream->stats().subscriptions == 0; }));
  EXPECT_EQ(a->stats().videoDelivered, 0u);
  EXPECT_EQ(stream->stats().videoFrames, 0u);  // nobody wanted video: nothing decoded
  EXPECT_FALSE(stream->push(packets_[0]));     // closed
}

TEST_F(StreamDecoderTest, MidStreamStartWaitsForAKeyframe) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/join");
  auto sub = subscribe(*stream, 1, videoOnly(), std::make_shared<HeapAllocator>());
  // The headers, then live media from the 30th picture on (inside the second GOP).
  size_t start = 0;
  uint64_t seen = 0;
  for (size_t i = 0; i < packets_.size(); ++i) {
    if (isHeader(*packets_[i])) {
      ASSERT_TRUE(stream->push(packets_[i]));
    }
    if (isPicture(*packets_[i]) && ++seen == 30) start = i;
  }
  ASSERT_FALSE(packets_[start]->keyframe);
  ASSERT_TRUE(feed(*stream, start, packets_.size()));
  ASSERT_TRUE(finish(*stream, 50));  // pictures from the 2 s keyframe on

  const auto frames = sub->take();
  ASSERT_EQ(frames.size(), 50u);
  EXPECT_TRUE(frames.front().frame->keyframe);
  EXPECT_EQ(frames.front().frame->pts, 2080);         // dts 2000 + 2 B-frames of delay
  EXPECT_EQ(stream->stats().waitedForKeyframe, 21u);  // pictures 30..50 skipped
  EXPECT_EQ(stream->stats().decodeErrors, 0u);
}

// Lets the first buffer through, then holds the decoder thread inside
// acquire() until open(): a stuck worker, so the input queue fills.
class GatedAllocator : public HeapAllocator {
 public:
  std::optional<FrameBuffer> acquire(size_t bytes) override {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (acquired() >= 1) {
        blocked_ = true;
        changed_.wait(lock, [this] { return open_; });
      }
    }
    return HeapAllocator::acquire(bytes);
  }
  bool blocked() {
    std::lock_guard<std::mutex> lock(mutex_);
    return blocked_;
  }
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool blocked_ = false;
  bool open_ = false;
};

TEST_F(StreamDecoderTest, InputOverflowDropsVideoToTheNextKeyframe) {
  PoolConfig config = poolOf(1);
  config.input.maxPackets = 8;
  DecoderPool pool(config);
  auto stream = pool.createStream("live/overflow");
  auto allocator = std::make_shared<GatedAllocator>();
  auto sub = subscribe(*stream, 1, videoOnly(), allocator);

  // Feed one by one until the worker is stuck on the second picture.
  size_t i = 0;
  while (i < packets_.size() && !allocator->blocked()) {
    ASSERT_TRUE(stream->push(packets_[i++]));
    ASSERT_TRUE(waitUntil([&] { return allocator->blocked() || stream->stats().idle(); }));
  }
  ASSERT_TRUE(allocator->blocked());
  // Fill the queue until it refuses, then a few more (dropped up to a keyframe).
  while (i < packets_.size() && stream->push(packets_[i])) ++i;
  const size_t overflowAt = i;
  for (int more = 0; more < 5; ++more) stream->push(packets_[++i]);
  ASSERT_LT(i, packets_.size());
  ASSERT_GT(stream->stats().packetsDropped, 0u);
  allocator->open();
  ASSERT_TRUE(waitUntil([&] { return stream->stats().idle(); }));
  // The rest as live media: video waits for the 1 s keyframe, audio goes in.
  for (++i; i < packets_.size(); ++i) {
    const bool accepted = stream->push(packets_[i]);
    if (packets_[i]->kind == media::MediaKind::kAudio) {
      EXPECT_TRUE(accepted);
    }
    ASSERT_TRUE(waitUntil([&] { return stream->stats().idle(); }));
  }
  ASSERT_TRUE(finish(*stream, 1));

  const auto frames = sub->take();
  ASSERT_GT(frames.size(), 2u);
  ASSERT_LT(packets_[overflowAt]->dts, 1000u);
  std::string seen;
  for (const auto& d : frames) seen += std::to_string(d.frame->pts) + " ";
  size_t gap = 0;
  for (size_t k = 1; k < frames.size(); ++k) {
    if (frames[k].frame->pts - frames[k - 1].frame->pts != 40) {
      ASSERT_EQ(gap, 0u) << "one gap only: " << seen;
      gap = k;
    }
  }
  ASSERT_NE(gap, 0u);
  EXPECT_TRUE(frames[gap].frame->keyframe);
  EXPECT_TRUE(isKeyframePts(frames[gap].frame->pts));
  EXPECT_EQ(frames.back().frame->pts, 4040);  // everything after it decoded (pts = dts + 80)
  EXPECT_EQ(stream->stats().decodeErrors, 0u);
}

// A copy of `p` whose first NAL length claims more bytes than the packet has.
media::MediaPacketPtr corrupted(const media::MediaPacket& p) {
  std::vector<uint8_t> body(p.payload.data(), p.payload.data() + p.payloadOffset);
  const uint8_t bogus[] = {0x00, 0xFF, 0xFF, 0xF0, 0x41, 0x9A, 0x00, 0x01};
  body.insert(body.end(), std::begin(bogus), std::end(bogus));
  auto packet = media::makeMediaPacket(media::kMessageTypeVideo, p.dts, base::Bytes::copyOf(body));
  EXPECT_TRUE(packet.ok());
  return std::make_shared<const media::MediaPacket>(*packet);
}

TEST_F(StreamDecoderTest, DecodeErrorIsReportedOnceAndTheDecoderResyncsAtAKeyframe) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/broken");
  auto sink = std::make_shared<CountingSink>();
  auto sub = subscribe(*stream, 1, videoOnly(), std::make_shared<HeapAllocator>(), sink);
  // Pictures 10, 11 and 12 of the first GOP arrive damaged.
  uint64_t picture = 0;
  for (const auto& p : packets_) {
    const bool damaged = isPicture(*p) && ++picture >= 10 && picture <= 12;
    ASSERT_TRUE(stream->push(damaged ? corrupted(*p) : p));
  }
  ASSERT_TRUE(finish(*stream, 1));

  EXPECT_EQ(sink->errorCodes(), (std::vector<std::string>{"ERR_RTMP_MEDIA"}));
  EXPECT_EQ(sub->stats().decodeErrors, 1u);
  EXPECT_GE(stream->stats().decodeErrors, 1u);
  const auto frames = sub->take();
  ASSERT_FALSE(frames.empty());
  // After the error nothing until the 1 s keyframe, then every picture.
  size_t resync = 0;
  while (resync < frames.size() && frames[resync].frame->pts < 1000) ++resync;
  ASSERT_LT(resync, frames.size());
  EXPECT_TRUE(frames[resync].frame->keyframe);
  EXPECT_EQ(frames[resync].frame->pts, 1080);  // the keyframe at dts 1000
  EXPECT_EQ(frames.size() - resync, 75u);
}

TEST_F(StreamDecoderTest, UnsupportedCodecIsReportedOnce) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/odd");
  auto sink = std::make_shared<CountingSink>();
  SubscriptionOptions o;
  o.video = false;
  auto sub = subscribe(*stream, 1, o, std::make_shared<HeapAllocator>(), sink);
  // SoundFormat 15 ("device-specific sound", FLV §E.4.2.1): nothing decodes it.
  const uint8_t tag[] = {0xF2, 0x01, 0x02, 0x03};
  for (uint32_t t = 0; t < 5; ++t) {
    auto p = media::makeMediaPacket(media::kMessageTypeAudio, t * 20, base::Bytes::copyOf(tag));
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(stream->push(std::make_shared<const media::MediaPacket>(*p)));
  }
  ASSERT_TRUE(waitUntil([&] { return stream->stats().idle(); }));
  ASSERT_TRUE(waitUntil([&] { return !sink->errorCodes().empty(); }));
  stream->close();
  EXPECT_EQ(sink->errorCodes(), (std::vector<std::string>{"ERR_RTMP_UNSUPPORTED"}));
}

TEST_F(StreamDecoderTest, PoolStopsWithLiveSubscriptionsQueuedWorkAndFramesHeld) {
  auto allocator = std::make_shared<HeapAllocator>();
  std::shared_ptr<Subscription> sub;
  std::shared_ptr<StreamDecoder> stream;
  FramePtr kept;
  {
    DecoderPool pool(poolOf(2));
    stream = pool.createStream("live/stop");
    sub = subscribe(*stream, 1, videoOnly(), allocator, std::make_shared<CountingSink>());
    ASSERT_TRUE(feed(*stream, 0, packets_.size() / 2));
    ASSERT_TRUE(waitUntil([&] { return sub->stats().videoDelivered > 0; }));
    feed(*stream, packets_.size() / 2, packets_.size());  // still queued when the pool stops
    pool.stop();
    pool.stop();  // twice is fine
    kept = sub->take().front().frame;
  }
  // The pool is gone; the stream and its subscription outlive it quietly.
  stream->push(packets_[0]);
  stream->publisherGone();
  stream->close();
  stream.reset();
  EXPECT_TRUE(kept->keyframe);
  sub.reset();
  EXPECT_EQ(allocator->live(), 1u);  // only the frame still held
  kept.reset();
  EXPECT_EQ(allocator->live(), 0u);
}

}  // namespace
}  // namespace rtmp::decode::testing
