// FrameService + DecodeTap without sockets: a fake TapHost builds the tap on
// the test thread (standing in for its loop) and the test drives it as a
// stream would — join snapshot, live media, publisher gone/back — with the
// tags of ffmpeg-made FLVs. One decoder and one tap per stream whatever the
// number of subscribers; a join from the GOP cache starts on its keyframe; a
// republish with a new picture size is marked discontinuous. Skipped when
// ffmpeg is not on PATH (the plain registry tests still run).
#include "server/frame_service.h"

#include <gtest/gtest.h>

#include "decode/decode_test_util.h"
#include "server/decode_tap.h"

namespace rtmp::server {
namespace {

using decode::DeliveredFrame;
using decode::SubscriptionOptions;
using decode::testing::CountingSink;
using decode::testing::HeapAllocator;
using decode::testing::waitUntil;

// Keeps the taps the service attaches; tapId -> tap, built at once.
class FakeTapHost {
 public:
  TapHost host() {
    return TapHost{
        [this](const std::string& key, TapFactory factory) -> uint64_t {
          if (refuse) return 0;
          const uint64_t id = ++lastId;
          TapPlace place{id, key.substr(0, key.find('/')), key.substr(key.find('/') + 1), 0};
          taps[id] = factory(place);
          keys[id] = key;
          ++attached;
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
  StreamTap* tapFor(const std::string& key) {
    for (auto& [id, tap] : taps) {
      if (keys[id] == key) return tap.get();
    }
    return nullptr;
  }

  bool refuse = false;
  uint64_t lastId = 0;
  int attached = 0;
  int detached = 0;
  std::map<uint64_t, std::unique_ptr<StreamTap>> taps;
  std::map<uint64_t, std::string> keys;
};

SharedMediaRef shared(const media::MediaPacketPtr& p, uint64_t seq) {
  auto m = std::make_shared<SharedMedia>();
  m->packet = *p;  // the test's own copy; the engine builds it once at ingest
  m->seq = seq;
  return m;
}

SubscriptionOptions videoOnly() {
  SubscriptionOptions o;
  o.audio = false;
  o.maxVideoFrames = 100000;
  return o;
}

class FrameServiceTest : public ::testing::Test {
 protected:
  decode::DecoderPool pool_{decode::testing::poolOf(2)};
  FakeTapHost fake_;
  std::shared_ptr<HeapAllocator> allocator_ = std::make_shared<HeapAllocator>();
};

TEST_F(FrameServiceTest, OneDecoderAndOneTapPerStreamWhateverTheSubscribers) {
  FrameService service(pool_, fake_.host());
  auto a = service.subscribe("live/cam", videoOnly(), allocator_, nullptr);
  auto b = service.subscribe("live/cam", videoOnly(), allocator_, nullptr);
  auto c = service.subscribe("live/other", videoOnly(), allocator_, nullptr);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(fake_.attached, 2);
  EXPECT_EQ(service.decoderCount(), 2u);
  EXPECT_TRUE(service.unsubscribe(*a));
  EXPECT_EQ(fake_.detached, 0);  // b still watches live/cam
  EXPECT_TRUE(service.unsubscribe(*b));
  EXPECT_EQ(fake_.detached, 1);
  EXPECT_FALSE(service.unsubscribe(*b));
  EXPECT_EQ(service.decoderCount(), 1u);
  EXPECT_FALSE(service.stats(*a).has_value());
  EXPECT_TRUE(service.stats(*c).has_value());
  // A new subscriber to live/cam gets a new decoder and tap.
  ASSERT_TRUE(service.subscribe("live/cam", videoOnly(), allocator_, nullptr).ok());
  EXPECT_EQ(fake_.attached, 3);
}

TEST_F(FrameServiceTest, RefusalsHaveStableCodes) {
  FrameService service(pool_, fake_.host());
  SubscriptionOptions none;
  none.video = none.audio = false;
  auto bad = service.subscribe("live/cam", none, allocator_, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(service.subscribe("nocam", videoOnly(), allocator_, nullptr).ok());
  EXPECT_FALSE(service.subscribe("live/cam", videoOnly(), nullptr, nullptr).ok());
  fake_.refuse = true;
  auto closed = service.subscribe("live/cam", videoOnly(), allocator_, nullptr);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code(), base::ErrorCode::kClosed);
  EXPECT_EQ(service.decoderCount(), 0u);
  EXPECT_TRUE(service.take(12345).empty());
}

TEST_F(FrameServiceTest, DestroyingTheServiceDetachesEveryTap) {
  {
    FrameService service(pool_, fake_.host());
    ASSERT_TRUE(service.subscribe("live/a", videoOnly(), allocator_, nullptr).ok());
    ASSERT_TRUE(service.subscribe("live/b", videoOnly(), allocator_, nullptr).ok());
  }
  EXPECT_EQ(fake_.detached, 2);
  EXPECT_TRUE(fake_.taps.empty());
}

class FrameServiceMediaTest : public FrameServiceTest {
 protected:
  static void SetUpTestSuite() {
    if (!decode::testing::onPath("ffmpeg")) return;
    dir_ = new decode::testing::TempDir();
    big_ = dir_->path() / "big.flv";
    small_ = dir_->path() / "small.flv";
    if (!decode::testing::makeFlv(big_, "320x240", 4, 25) ||
        !decode::testing::makeFlv(small_, "160x120", 1, 25)) {
      big_.clear();
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (big_.empty()) GTEST_SKIP() << "ffmpeg with libx264 not available";
  }
  static bool isPicture(const media::MediaPacket& p) {
    return p.kind == media::MediaKind::kVideo && p.isMedia && !p.sequenceHeader && !p.endOfSequence;
  }

  static inline decode::testing::TempDir* dir_ = nullptr;
  static inline decode::testing::fs::path big_;
  static inline decode::testing::fs::path small_;
};

TEST_F(FrameServiceMediaTest, JoinFromTheGopCacheStartsOnItsKeyframe) {
  const auto packets = decode::testing::readPackets(big_);
  FrameService service(pool_, fake_.host());
  auto id = service.subscribe("live/cam", videoOnly(), allocator_, nullptr);
  ASSERT_TRUE(id.ok());
  StreamTap* tap = fake_.tapFor("live/cam");
  ASSERT_NE(tap, nullptr);

  // The stream as a joiner finds it 2.4 s in: headers, the GOP since the
  // 2 s keyframe (its cache), then live media.
  JoinSnapshot snapshot;
  snapshot.publishing = true;
  size_t live = 0;
  uint64_t seq = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& p = packets[i];
    if (p->sequenceHeader) {
      (p->kind == media::MediaKind::kVideo ? snapshot.videoHeader : snapshot.audioHeader) =
          shared(p, ++seq);
    } else if (isPicture(*p) && p->keyframe && p->dts == 2000) {
      snapshot.gop.clear();
      snapshot.gop.push_back(shared(p, ++seq));
    } else if (!snapshot.gop.empty()) {
      snapshot.gop.push_back(shared(p, ++seq));
    }
    if (p->dts >= 2400) {
      live = i;
      break;
    }
  }
  snapshot.gop.pop_back();  // packets[live] is the first live one
  tap->onStart(snapshot);
  for (size_t i = live; i < packets.size(); ++i) tap->onMedia(shared(packets[i], ++seq));
  tap->onPublisherGone();

  ASSERT_TRUE(waitUntil([&] { return service.stats(*id)->videoDelivered == 50; }));
  const auto frames = service.take(*id);
  ASSERT_EQ(frames.size(), 50u);
  EXPECT_TRUE(frames.front().frame->keyframe);
  EXPECT_EQ(frames.front().frame->pts, 2080);  // dts 2000 + the B-frame delay
  EXPECT_EQ(service.streamStats("live/cam")->waitedForKeyframe, 0u);
}

TEST_F(FrameServiceMediaTest, RepublishWithANewSizeIsMarkedDiscontinuous) {
  const auto first = decode::testing::readPackets(big_);
  const auto second = decode::testing::readPackets(small_);
  FrameService service(pool_, fake_.host());
  auto sink = std::make_shared<CountingSink>();
  auto id = service.subscribe("live/cam", videoOnly(), allocator_, sink);
  ASSERT_TRUE(id.ok());
  StreamTap* tap = fake_.tapFor("live/cam");
  JoinSnapshot waiting;  // attached before the publisher
  tap->onStart(waiting);
  tap->onPublisherBack();
  uint64_t seq = 0;
  for (const auto& p : first) tap->onMedia(shared(p, ++seq));
  tap->onPublisherGone();
  tap->onPublisherBack();
  for (const auto& p : second) tap->onMedia(shared(p, ++seq));
  tap->onPublisherGone();

  ASSERT_TRUE(waitUntil([&] { return service.stats(*id)->videoDelivered == 125; }));
  const auto frames = service.take(*id);
  ASSERT_EQ(frames.size(), 125u);
  size_t marked = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const DeliveredFrame& d = frames[i];
    EXPECT_EQ(d.frame->width, i < 100 ? 320u : 160u);
    if (d.discontinuity) {
      ++marked;
      EXPECT_EQ(i, 100u);
    }
  }
  EXPECT_EQ(marked, 1u);
  EXPECT_TRUE(sink->errorCodes().empty());
  EXPECT_GE(sink->ready.load(), 1u);
}

}  // namespace
}  // namespace rtmp::server
