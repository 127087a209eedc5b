// SnapshotService over a FrameService with a fake TapHost (the test thread
// stands in for the stream's loop): a snapshot of a stream nobody decodes
// starts a decoder from the GOP cache's keyframe, encodes that picture at the
// size asked for and leaves no decoder or tap behind; one taken while frames
// are being decoded for another subscriber joins that decoder and leaves it
// running; a cancelled request frees everything; refusals carry stable codes.
// The media cases are skipped when ffmpeg (with libx264) is not on PATH.
#include "server/snapshot_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <optional>

#include "decode/decode_test_util.h"
#include "server/decode_tap.h"

namespace rtmp::server {
namespace {

using decode::ImageFormat;
using decode::testing::waitUntil;

// Builds the taps the service attaches at once and keeps them by id.
class TapRecorder {
 public:
  TapHost host() {
    return TapHost{
        [this](const std::string& key, TapFactory factory) -> uint64_t {
          if (refuse) return 0;
          const uint64_t id = ++lastId;
          const size_t slash = key.find('/');
          taps[id] = factory(TapPlace{id, key.substr(0, slash), key.substr(slash + 1), 0});
          ++attached;
          // A loop that starts the tap before attach() has returned.
          if (startAtOnce) taps[id]->onStart(*startAtOnce);
          return id;
        },
        [this](uint64_t id) {
          auto it = taps.find(id);
          if (it == taps.end()) return false;
          it->second->onDetached();
          taps.erase(it);
          ++detached;
          return true;
        }};
  }
  StreamTap* only() { return taps.size() == 1 ? taps.begin()->second.get() : nullptr; }

  bool refuse = false;
  std::optional<JoinSnapshot> startAtOnce;
  uint64_t lastId = 0;
  int attached = 0;
  int detached = 0;
  std::map<uint64_t, std::unique_ptr<StreamTap>> taps;
};

SharedMediaRef shared(const media::MediaPacketPtr& p, uint64_t seq) {
  auto m = std::make_shared<SharedMedia>();
  m->packet = *p;
  m->seq = seq;
  return m;
}

bool isPicture(const media::MediaPacket& p) {
  return p.kind == media::MediaKind::kVideo && p.isMedia && !p.sequenceHeader && !p.endOfSequence;
}

SnapshotOptions jpegAt(uint32_t width) {
  SnapshotOptions o;
  o.image.format = ImageFormat::kJpeg;
  o.width = width;
  return o;
}

class SnapshotServiceTest : public ::testing::Test {
 protected:
  decode::DecoderPool pool_{decode::testing::poolOf(2)};
  TapRecorder taps_;
  FrameService frames_{pool_, taps_.host()};
};

TEST_F(SnapshotServiceTest, RefusalsHaveStableCodes) {
  SnapshotService service(frames_);
  SnapshotOptions bad = jpegAt(0);
  bad.image.quality = 0;
  auto quality = service.request("live/cam", bad, nullptr);
  ASSERT_FALSE(quality.ok());
  EXPECT_EQ(quality.error().code(), base::ErrorCode::kInvalidArgument);
  auto key = service.request("nocam", jpegAt(0), nullptr);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), base::ErrorCode::kInvalidArgument);
  taps_.refuse = true;
  auto closed = service.request("live/cam", jpegAt(0), nullptr);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code(), base::ErrorCode::kClosed);
  EXPECT_EQ(service.pending(), 0u);
  EXPECT_EQ(frames_.decoderCount(), 0u);
  EXPECT_FALSE(service.finish(12345).has_value());
}

TEST_F(SnapshotServiceTest, CancelledAndDestroyedRequestsLeaveNothingRunning) {
  {
    SnapshotService service(frames_);
    auto a = service.request("live/a", jpegAt(0), nullptr);
    auto b = service.request("live/b", jpegAt(0), nullptr);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(service.pending(), 2u);
    EXPECT_EQ(frames_.decoderCount(), 2u);
    EXPECT_FALSE(service.finish(*a).has_value());  // nothing published: cancelled
    EXPECT_EQ(frames_.decoderCount(), 1u);
  }  // b is cancelled by the destructor
  EXPECT_EQ(frames_.decoderCount(), 0u);
  EXPECT_EQ(taps_.detached, 2);
  EXPECT_TRUE(taps_.taps.empty());
}

TEST_F(SnapshotServiceTest, ACodecWithNoDecoderEndsWithUnsupported) {
  SnapshotService service(frames_);
  std::atomic<int> ready{0};
  auto id = service.request("live/odd", jpegAt(0), [&] { ++ready; });
  ASSERT_TRUE(id.ok());
  // An FLV video tag: frame type 1 (key) | codec id 13 (reserved: no decoder).
  const uint8_t tag[] = {0x1D, 0x00, 0x01, 0x02, 0x03};
  auto packet = media::makeMediaPacket(media::kMessageTypeVideo, 0,
                                       base::Bytes::copyOf(std::span<const uint8_t>(tag)));
  ASSERT_TRUE(packet.ok()) << packet.error().toString();
  JoinSnapshot join;
  join.publishing = true;
  join.gop.push_back(shared(std::make_shared<const media::MediaPacket>(*packet), 1));
  ASSERT_NE(taps_.only(), nullptr);
  taps_.only()->onStart(join);
  ASSERT_TRUE(waitUntil([&] { return ready.load() == 1; }));
  auto result = service.finish(*id);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code(), base::ErrorCode::kUnsupported);
  EXPECT_EQ(frames_.decoderCount(), 0u);
}

class SnapshotMediaTest : public SnapshotServiceTest {
 protected:
  static void SetUpTestSuite() {
    if (!decode::testing::onPath("ffmpeg")) return;
    dir_ = new decode::testing::TempDir();
    flv_ = dir_->path() / "in.flv";
    if (!decode::testing::makeFlv(flv_, "320x240", 4, 25)) flv_.clear();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (flv_.empty()) GTEST_SKIP() << "ffmpeg with libx264 not available";
    packets_ = decode::testing::readPackets(flv_);
    ASSERT_FALSE(packets_.empty());
  }

  // What a joiner finds 2.4 s into the stream: the sequence headers and the
  // GOP cache from the 2 s keyframe. Returns the index of the first packet
  // after it (live media).
  size_t joinAt2400(StreamTap& tap) {
    JoinSnapshot snapshot;
    const size_t live = snapshotAt2400(&snapshot);
    tap.onStart(snapshot);
    return live;
  }

  size_t snapshotAt2400(JoinSnapshot* out) {
    JoinSnapshot& snapshot = *out;
    snapshot.publishing = true;
    uint64_t seq = 0;
    for (size_t i = 0; i < packets_.size(); ++i) {
      const auto& p = packets_[i];
      if (p->dts >= 2400) return i;
      if (p->sequenceHeader) {
        (p->kind == media::MediaKind::kVideo ? snapshot.videoHeader : snapshot.audioHeader) =
            shared(p, ++seq);
      } else if (isPicture(*p) && p->keyframe && p->dts == 2000) {
        snapshot.gop.assign({shared(p, ++seq)});
      } else if (!snapshot.gop.empty()) {
        snapshot.gop.push_back(shared(p, ++seq));
      }
    }
    return packets_.size();
  }

  static inline decode::testing::TempDir* dir_ = nullptr;
  static inline decode::testing::fs::path flv_;
  std::vector<media::MediaPacketPtr> packets_;
};

TEST_F(SnapshotMediaTest, AStreamNobodyDecodesGivesItsCachedKeyframeAndNoDecoderStays) {
  SnapshotService service(frames_);
  std::atomic<int> ready{0};
  auto id = service.request("live/cam", jpegAt(160), [&] { ++ready; });
  ASSERT_TRUE(id.ok()) << id.error().toString();
  ASSERT_NE(taps_.only(), nullptr);
  joinAt2400(*taps_.only());
  ASSERT_TRUE(waitUntil([&] { return ready.load() == 1; }));

  auto result = service.finish(*id);
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->ok()) << result->error().toString();
  const decode::Image& image = result->value();
  EXPECT_EQ(image.format, ImageFormat::kJpeg);
  EXPECT_EQ(image.width, 160u);
  EXPECT_EQ(image.height, 120u);  // aspect kept
  EXPECT_TRUE(image.keyframe);
  EXPECT_EQ(image.pts, 2080);  // the cached keyframe: dts 2000 + the B-frame delay
  ASSERT_GT(image.data.size(), 4u);
  EXPECT_EQ(image.data[0], 0xFF);  // SOI
  EXPECT_EQ(image.data[1], 0xD8);
  EXPECT_EQ(image.data[image.data.size() - 2], 0xFF);  // EOI
  EXPECT_EQ(image.data[image.data.size() - 1], 0xD9);

  EXPECT_EQ(service.pending(), 0u);
  EXPECT_EQ(frames_.decoderCount(), 0u);
  EXPECT_EQ(taps_.detached, 1);
  EXPECT_EQ(ready.load(), 1);  // once
}

// Regression: the first subscriber of a stream was added to the new decoder
// after its tap was attached, so a loop quick to push the join snapshot had
// the cached keyframe skipped (no subscriber yet) and the picture waited for
// the next keyframe — here, with no more media, forever.
TEST_F(SnapshotMediaTest, ATapStartedBeforeAttachReturnsStillGivesTheCachedKeyframe) {
  JoinSnapshot snapshot;
  snapshotAt2400(&snapshot);
  taps_.startAtOnce = snapshot;
  SnapshotService service(frames_);
  std::atomic<int> ready{0};
  auto id = service.request("live/cam", jpegAt(0), [&] { ++ready; });
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(waitUntil([&] { return ready.load() == 1; }));
  auto result = service.finish(*id);
  ASSERT_TRUE(result.has_value() && result->ok());
  EXPECT_TRUE(result->value().keyframe);
  EXPECT_EQ(result->value().pts, 2080);
}

TEST_F(SnapshotMediaTest, ASnapshotJoinsARunningDecoderAndLeavesItRunning) {
  decode::SubscriptionOptions watch;
  watch.audio = false;
  watch.maxVideoFrames = 100000;
  auto sub = frames_.subscribe("live/cam", watch,
                               std::make_shared<decode::testing::HeapAllocator>(), nullptr);
  ASSERT_TRUE(sub.ok());
  StreamTap* tap = taps_.only();
  ASSERT_NE(tap, nullptr);
  size_t next = joinAt2400(*tap);
  ASSERT_TRUE(waitUntil([&] { return frames_.stats(*sub)->videoDelivered >= 5; }));

  SnapshotService service(frames_);
  SnapshotOptions rgba;
  rgba.image.format = ImageFormat::kRgba;
  std::atomic<int> ready{0};
  auto id = service.request("live/cam", rgba, [&] { ++ready; });
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(taps_.attached, 1);  // the same decoder and tap
  // Live media after the join: the running decoder's next picture is taken.
  uint64_t seq = 1000;
  while (ready.load() == 0 && next < packets_.size()) {
    tap->onMedia(shared(packets_[next++], ++seq));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(waitUntil([&] { return ready.load() == 1; }));
  auto result = service.finish(*id);
  ASSERT_TRUE(result.has_value() && result->ok());
  EXPECT_EQ(result->value().width, 320u);
  EXPECT_EQ(result->value().height, 240u);
  EXPECT_EQ(result->value().data.size(), size_t{320} * 240 * 4);
  EXPECT_GE(result->value().pts, 2080);

  EXPECT_EQ(frames_.decoderCount(), 1u);  // the frames subscriber still decodes
  EXPECT_EQ(taps_.detached, 0);
  EXPECT_TRUE(frames_.unsubscribe(*sub));
  EXPECT_EQ(frames_.decoderCount(), 0u);
}

}  // namespace
}  // namespace rtmp::server
