// Real-peer checks of the decoder pool: ffmpeg encodes a short H.264 + AAC
// FLV, the test feeds its tags to a StreamDecoder as a tap would, and the
// frames must be the ones `ffmpeg -i same.flv` decodes — yuv420p pictures
// byte-identical (MD5 of the visible plane rows, matched by pts) to
// `-f framemd5`, s16 audio identical to `-c:a pcm_s16le -f md5` — and the
// scaled rgba frames of the expected size and stride, within a few levels of
// `-vf scale=640:-2:flags=bilinear`. Skipped when ffmpeg is not on PATH.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "decode/decoder_pool.h"
#include "decode_test_util.h"

namespace rtmp::decode::testing {
namespace {

class DecodeFfmpegTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { flv_.make(4); }
  static void TearDownTestSuite() { flv_.remove(); }
  void SetUp() override {
    if (flv_.empty()) GTEST_SKIP() << "ffmpeg with libx264 not available";
    packets_ = readPackets(flv_.path());
    ASSERT_FALSE(packets_.empty());
    for (const auto& p : packets_) {
      if (isPicture(*p)) ++videoPackets_;
    }
  }

  // Feeds every packet as live media, then the end of the publish (drain);
  // waits until the decoder has put out every video picture.
  void feedAll(StreamDecoder& stream) {
    for (const auto& p : packets_) {
      if (!stream.push(p)) ADD_FAILURE() << "input queue refused a packet";
    }
    stream.publisherGone();
    ASSERT_TRUE(waitUntil([&] { return stream.stats().videoFrames == videoPackets_; }));
    ASSERT_TRUE(waitUntil([&] { return stream.stats().idle(); }));
  }

  static SubscriptionOptions keepEverything() {
    SubscriptionOptions o;
    o.maxVideoFrames = 100000;
    o.maxAudioMs = 1000000;
    return o;
  }

  static inline SuiteFlv flv_;
  std::vector<media::MediaPacketPtr> packets_;
  uint64_t videoPackets_ = 0;
};

// `ffmpeg -f framemd5` of the video: pts in ms -> MD5.
std::map<int64_t, std::string> ffmpegVideoMd5(const fs::path& flv) {
  std::map<int64_t, std::string> out;
  auto text = capture("ffmpeg -nostdin -loglevel error -i " + flv.string() +
                      " -copyts -map 0:v -vsync passthrough -pix_fmt yuv420p -f framemd5 -");
  EXPECT_TRUE(text.has_value());
  if (!text) return out;
  std::istringstream lines(*text);
  std::string line;
  int64_t num = 1;
  int64_t den = 1000;
  while (std::getline(lines, line)) {
    if (line.rfind("#tb 0:", 0) == 0) {
      std::sscanf(line.c_str(), "#tb 0: %ld/%ld", &num, &den);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    long stream = 0, dts = 0, pts = 0, duration = 0, size = 0;
    char md5[64] = {};
    if (std::sscanf(line.c_str(), "%ld, %ld, %ld, %ld, %ld, %63s", &stream, &dts, &pts, &duration,
                    &size, md5) == 6) {
      out[pts * num * 1000 / den] = md5;
    }
  }
  return out;
}

TEST_F(DecodeFfmpegTest, Yuv420pPicturesAreByteIdenticalToFfmpegs) {
  const auto expected = ffmpegVideoMd5(flv_.path());
  ASSERT_EQ(expected.size(), videoPackets_);

  DecoderPool pool(poolOf(2));
  auto stream = pool.createStream("live/test");
  auto allocator = std::make_shared<HeapAllocator>();
  SubscriptionOptions o = keepEverything();
  o.audio = false;
  auto sub = std::make_shared<Subscription>(1, o, allocator, std::make_shared<CountingSink>());
  stream->addSubscription(sub);
  feedAll(*stream);

  const auto frames = sub->take();
  ASSERT_EQ(frames.size(), expected.size());
  size_t matched = 0;
  for (const DeliveredFrame& d : frames) {
    const Frame& f = *d.frame;
    ASSERT_EQ(f.pixelFormat, PixelFormat::kYuv420p);
    ASSERT_EQ(f.width, 320u);
    ASSERT_EQ(f.height, 240u);
    ASSERT_EQ(f.planeCount, 3u);
    EXPECT_EQ(d.droppedBefore, 0u);
    auto it = expected.find(f.pts);
    ASSERT_NE(it, expected.end()) << "no ffmpeg frame at pts " << f.pts;
    EXPECT_EQ(visibleMd5(f, {320, 160, 160}), it->second) << "pts " << f.pts;
    ++matched;
  }
  EXPECT_EQ(matched, expected.size());
  EXPECT_TRUE(frames.front().frame->keyframe);
}

TEST_F(DecodeFfmpegTest, S16AudioIsIdenticalToFfmpegs) {
  auto text = capture("ffmpeg -nostdin -loglevel error -i " + flv_.path().string() +
                      " -map 0:a -c:a pcm_s16le -f md5 -");
  ASSERT_TRUE(text.has_value());
  const std::string expected = text->substr(text->find('=') + 1, 32);

  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/test");
  auto allocator = std::make_shared<HeapAllocator>();
  SubscriptionOptions o = keepEverything();
  o.video = false;
  auto sub = std::make_shared<Subscription>(1, o, allocator, nullptr);
  stream->addSubscription(sub);
  for (const auto& p : packets_) ASSERT_TRUE(stream->push(p));
  stream->publisherGone();
  // AAC: one frame out per packet in, so this is every frame, drained.
  uint64_t audioPackets = 0;
  for (const auto& p : packets_) {
    if (p->kind == media::MediaKind::kAudio && p->isMedia && !p->sequenceHeader) ++audioPackets;
  }
  ASSERT_GT(audioPackets, 150u);  // 4 s of 1024-sample frames at 44.1 kHz
  ASSERT_TRUE(waitUntil([&] { return sub->stats().audioDelivered == audioPackets; }));

  AVMD5* md5 = av_md5_alloc();
  av_md5_init(md5);
  uint64_t samples = 0;
  for (const DeliveredFrame& d : sub->take()) {
    const Frame& f = *d.frame;
    ASSERT_EQ(f.kind, FrameKind::kAudio);
    ASSERT_EQ(f.sampleFormat, SampleFormat::kS16);
    ASSERT_EQ(f.sampleRate, 44100u);
    ASSERT_EQ(f.channels, 2u);
    ASSERT_EQ(f.planeCount, 1u);
    ASSERT_EQ(f.planes[0].stride, f.samples * 4);
    av_md5_update(md5, f.plane(0), f.planes[0].stride);
    samples += f.samples;
  }
  uint8_t digest[16];
  av_md5_final(md5, digest);
  av_free(md5);
  EXPECT_GT(samples, 44100u * 3);
  EXPECT_EQ(hex(digest, 16), expected);
}

TEST_F(DecodeFfmpegTest, PlanarF32ResampledTo48kHasOnePlanePerChannel) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/test");
  SubscriptionOptions o = keepEverything();
  o.video = false;
  o.audioOutput = AudioOutput{SampleFormat::kF32Planar, 48000, 2};
  auto sub = std::make_shared<Subscription>(1, o, std::make_shared<HeapAllocator>(), nullptr);
  stream->addSubscription(sub);
  uint64_t audioPackets = 0;
  for (const auto& p : packets_) {
    if (p->kind == media::MediaKind::kAudio && p->isMedia && !p->sequenceHeader) ++audioPackets;
    ASSERT_TRUE(stream->push(p));
  }
  stream->publisherGone();
  ASSERT_TRUE(waitUntil([&] {
    const auto s = stream->stats();
    return s.idle() && s.audioFrames == audioPackets;
  }));
  uint64_t samples = 0;
  for (const DeliveredFrame& d : sub->take()) {
    const Frame& f = *d.frame;
    ASSERT_EQ(f.sampleFormat, SampleFormat::kF32Planar);
    ASSERT_EQ(f.sampleRate, 48000u);
    ASSERT_EQ(f.channels, 2u);
    ASSERT_EQ(f.planeCount, 2u);
    ASSERT_EQ(f.planes[0].stride, f.samples * 4);
    ASSERT_EQ(f.planes[1].stride, f.samples * 4);
    ASSERT_GE(f.planes[1].offset, f.planes[0].offset + f.planes[0].stride);
    samples += f.samples;
  }
  // The 44.1 kHz samples at 48 kHz, less what the resampler still holds.
  const uint64_t expected = audioPackets * 1024 * 48000 / 44100;
  EXPECT_LE(samples, expected);
  EXPECT_GE(samples + 64, expected);
}

TEST_F(DecodeFfmpegTest, RgbaScaledTo640WideKeepsAspectAndMatchesFfmpegScale) {
  DecoderPool pool(poolOf(1));
  auto stream = pool.createStream("live/test");
  auto allocator = std::make_shared<HeapAllocator>();
  SubscriptionOptions o = keepEverything();
  o.audio = false;
  o.videoOutput = VideoOutput{PixelFormat::kRgba, 640, 0};
  auto sub = std::make_shared<Subscription>(1, o, allocator, nullptr);
  stream->addSubscription(sub);
  feedAll(*stream);
  const auto frames = sub->take();
  ASSERT_EQ(frames.size(), videoPackets_);

  // The first picture, scaled by ffmpeg with the same swscale flags.
  auto raw = capture("ffmpeg -nostdin -loglevel error -i " + flv_.path().string() +
                     " -map 0:v -frames:v 1 -vf scale=640:-2:flags=bilinear -pix_fmt rgba"
                     " -f rawvideo -");
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), 640u * 480u * 4u);
  const Frame& f = *frames.front().frame;
  EXPECT_EQ(f.width, 640u);
  EXPECT_EQ(f.height, 480u);
  EXPECT_EQ(f.planeCount, 1u);
  EXPECT_EQ(f.planes[0].stride, 640u * 4u);
  EXPECT_EQ(f.planes[0].rows, 480u);
  int worst = 0;
  for (uint32_t y = 0; y < f.height; ++y) {
    const uint8_t* row = f.plane(0) + size_t{f.planes[0].stride} * y;
    for (uint32_t x = 0; x < f.width * 4; ++x) {
      const int ref = static_cast<uint8_t>((*raw)[size_t{y} * 640 * 4 + x]);
      worst = std::max(worst, std::abs(int{row[x]} - ref));
    }
  }
  EXPECT_LE(worst, 2) << "largest difference from ffmpeg's scale, in levels";
}

}  // namespace
}  // namespace rtmp::decode::testing
