// PlayerTap against a real Stream and a fake PlayerHost: start rules, drop
// policy and its counters, and the chunk bytes a player's reader rebuilds.
#include "server/player_tap.h"

#include <gtest/gtest.h>

#include <atomic>

#include "fake_loop.h"
#include "flv_samples.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/control_messages.h"
#include "server/stream.h"

namespace rtmp::server::testing {
namespace {

constexpr uint8_t kAudio = 8;
constexpr uint8_t kVideo = 9;

class FakePlayerHost : public PlayerHost, public MediaSink {
 public:
  void writeMedia(const base::Bytes& head, const base::Bytes& tail) override {
    for (const auto* b : {&head, &tail})
      output.insert(output.end(), b->data(), b->data() + b->size());
    ++writes;
  }
  void flushMedia() override { ++flushes; }
  uint64_t queuedBytes() const override { return queued; }
  void sendPlayStatus(const protocol::StatusCode& status, const std::string&) override {
    notices.push_back(std::string(status.code));
  }
  void sendStreamBegin() override { notices.push_back("StreamBegin"); }
  void sendStreamEof() override { notices.push_back("StreamEOF"); }
  void reportDrops(const PlayerStats& stats) override { lastDrops = stats; }
  PlayerStats lastDrops;

  // What a player's ChunkReader makes of the bytes (after the session's Set
  // Chunk Size 4096, which the tap's shared chunks assume).
  std::vector<protocol::Message> decode() const {
    protocol::ChunkWriter writer;
    base::BytesBuilder prefix(64);
    EXPECT_TRUE(writer.write(protocol::encodeSetChunkSize(4096), prefix).ok());
    base::Bytes setChunkSize = prefix.freeze();
    protocol::ChunkReader reader;
    std::vector<protocol::Message> out;
    EXPECT_TRUE(reader.feed(setChunkSize.span(), out).ok());
    EXPECT_TRUE(reader.feed(output, out).ok());
    out.erase(out.begin());  // the Set Chunk Size itself
    return out;
  }
  std::vector<int> tags(uint8_t typeId) const {
    std::vector<int> out;
    for (const auto& m : decode()) {
      ByteVec b(m.payload.data(), m.payload.data() + m.payload.size());
      if (m.typeId == typeId) out.push_back(b[1] == 0 ? -1 : frameTag(b));  // -1: sequence header
    }
    return out;
  }

  std::vector<uint8_t> output;
  size_t writes = 0;
  size_t flushes = 0;
  uint64_t queued = 0;
  std::vector<std::string> notices;
};

class PlayerTapTest : public ::testing::Test {
 protected:
  PlayerTapTest() : stream_("live", "cam", StreamOptions{}), scope_(loop_.enter()) {}

  void TearDown() override {
    if (tap_) {
      EXPECT_TRUE(stream_.detach(loop_.fanouts(), tap_.get()));
    }
    stream_.endPublish(1);
    EXPECT_TRUE(loop_.fanouts().empty());
  }

  PlayerTap& attach(PlayerOptions options = {}) {
    tap_ = std::make_unique<PlayerTap>(host_, host_, options);
    stream_.attach(loop_, loop_.fanouts(), tap_.get());
    return *tap_;
  }
  void video(uint32_t ts, const ByteVec& body) {
    stream_.ingest(kVideo, ts, base::Bytes::copyOf(body));
  }
  void audio(uint32_t ts, const ByteVec& body) {
    stream_.ingest(kAudio, ts, base::Bytes::copyOf(body));
  }
  void publishWithHeaders() {
    ASSERT_TRUE(stream_.beginPublish(1, 0));
    video(0, avcSequenceHeader());
    audio(0, aacSequenceHeader());
  }

  FakeLoop loop_{0};
  Stream stream_;
  FakeLoop::Scope scope_;
  FakePlayerHost host_;
  std::unique_ptr<PlayerTap> tap_;
};

TEST_F(PlayerTapTest, StatsCountMessagesAndBytes) {
  publishWithHeaders();
  PlayerTap& tap = attach();
  video(40, avcKeyframe(1));
  audio(60, aacRaw(2));
  EXPECT_EQ(tap.stats().sentMessages, 4u);  // two headers, then the two frames
  EXPECT_EQ(tap.stats().bytesOut, host_.output.size());
  EXPECT_EQ(tap.stats().droppedVideo, 0u);
  EXPECT_EQ(tap.stats().droppedAudio, 0u);
  EXPECT_TRUE(tap.started());
}

TEST_F(PlayerTapTest, TheSessionCounterLagsByABoundedAmountAndIsExactAtDetach) {
  std::atomic<uint64_t> sessionBytesOut{7};  // the session's own replies so far
  PlayerOptions options;
  options.bytesOut = &sessionBytesOut;
  publishWithHeaders();
  PlayerTap& tap = attach(options);
  for (uint32_t i = 1; i <= 40; ++i) {
    video(40 * i, i % 10 == 1 ? avcKeyframe(static_cast<uint8_t>(i))
                              : avcInterframe(static_cast<uint8_t>(i)));
    const uint64_t added = sessionBytesOut.load() - 7;
    EXPECT_LE(added, tap.stats().bytesOut);
    // At most kBytesOutEveryMessages - 1 messages (each under 100 bytes here) behind.
    EXPECT_GE(added + 100 * (PlayerTap::kBytesOutEveryMessages - 1), tap.stats().bytesOut);
  }
  EXPECT_GT(sessionBytesOut.load(), 7u) << "published on the way, not only at the end";
  EXPECT_TRUE(stream_.detach(loop_.fanouts(), tap_.get()));
  tap_.reset();
  EXPECT_EQ(sessionBytesOut.load(), 7u + host_.output.size());
}

TEST_F(PlayerTapTest, JoinFlushesTheFirstGopAtOnceButNotEachLaterMessage) {
  // With a write-merge budget the host holds media; a new player's GOP must
  // not wait for the next merged write.
  publishWithHeaders();
  video(0, avcKeyframe(0));
  video(40, avcInterframe(1));
  attach();
  EXPECT_EQ(host_.flushes, 1u);
  video(80, avcInterframe(2));
  audio(90, aacRaw(3));
  EXPECT_EQ(host_.flushes, 1u);
  EXPECT_EQ(host_.tags(kVideo), (std::vector<int>{-1, 0, 1, 2}));
}

TEST_F(PlayerTapTest, OverTheMediaTimeBoundVideoIsDroppedAndCountedAudioKept) {
  publishWithHeaders();
  PlayerOptions options;
  options.queueMs = 200;
  PlayerTap& tap = attach(options);
  host_.queued = 1u << 20;  // nothing written since the start
  for (uint32_t i = 0; i < 10; ++i) {
    video(40 * i,
          i == 0 ? avcKeyframe(static_cast<uint8_t>(i)) : avcInterframe(static_cast<uint8_t>(i)));
    audio(40 * i + 20, aacRaw(static_cast<uint8_t>(100 + i)));
  }
  // Queued media time passes 200 ms after frame 5 (ts 200 - 0).
  EXPECT_EQ(host_.tags(kVideo), (std::vector<int>{-1, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(host_.tags(kAudio).size(), 11u);
  EXPECT_EQ(tap.stats().droppedVideo, 4u);
  EXPECT_EQ(tap.stats().droppedAudio, 0u);
  // The socket's byte backlog (1 MiB) is under the 32 MiB cap: time is the cause.
  EXPECT_EQ(tap.stats().droppedForBacklog, 4u);
  EXPECT_EQ(tap.stats().droppedForByteCap, 0u);
  // The session hears every drop, kinds kept apart.
  EXPECT_EQ(host_.lastDrops.droppedVideo, 4u);
  EXPECT_EQ(host_.lastDrops.droppedAudio, 0u);
}

TEST_F(PlayerTapTest, OverTheByteCapAudioIsDroppedAndCountedToo) {
  publishWithHeaders();
  PlayerOptions options;
  options.queueMaxBytes = 10'000;
  PlayerTap& tap = attach(options);
  video(0, avcKeyframe(0));
  host_.queued = 20'000;
  audio(20, aacRaw(100));
  video(40, avcInterframe(1));
  audio(60, aacRaw(101));
  EXPECT_EQ(tap.stats().droppedAudio, 2u);
  EXPECT_EQ(tap.stats().droppedVideo, 1u);
  EXPECT_EQ(tap.stats().droppedForByteCap, 3u);
  EXPECT_EQ(tap.stats().droppedForBacklog, 0u);
  EXPECT_EQ(host_.lastDrops.droppedAudio, 2u);
  EXPECT_EQ(host_.tags(kAudio), (std::vector<int>{-1}));
}

TEST_F(PlayerTapTest, ResumesAtAKeyframeOnlyOnceTheBacklogIsUnderHalf) {
  publishWithHeaders();
  PlayerOptions options;
  options.queueMaxBytes = 10'000;
  PlayerTap& tap = attach(options);
  video(0, avcKeyframe(0));
  host_.queued = 20'000;
  video(40, avcInterframe(1));  // starts dropping
  host_.queued = 6'000;         // under the cap, not under half of it
  video(80, avcKeyframe(2));
  video(120, avcInterframe(3));
  host_.queued = 4'000;
  video(160, avcInterframe(4));  // not a keyframe: still dropping
  video(200, avcKeyframe(5));
  video(240, avcInterframe(6));
  EXPECT_EQ(host_.tags(kVideo), (std::vector<int>{-1, 0, 5, 6}));
  EXPECT_EQ(tap.stats().droppedVideo, 4u);
}

TEST_F(PlayerTapTest, HeadersAndMetadataPassWhileDropping) {
  publishWithHeaders();
  PlayerOptions options;
  options.queueMaxBytes = 10'000;
  attach(options);
  video(0, avcKeyframe(0));
  host_.queued = 20'000;
  video(40, avcInterframe(1));
  video(80, avcSequenceHeader());  // the encoder re-sent its configuration
  EXPECT_EQ(host_.tags(kVideo), (std::vector<int>{-1, 0, -1}));
}

TEST_F(PlayerTapTest, WaitingTapKeepsOnlyTheNewestHeaderOfEachKind) {
  PlayerTap& tap = attach();
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  EXPECT_FALSE(tap.started());
  video(0, avcSequenceHeader());
  video(0, avcSequenceHeader());
  audio(0, aacSequenceHeader());
  video(0, avcInterframe(9));  // cannot start on this
  EXPECT_TRUE(host_.output.empty());
  video(40, avcKeyframe(1));
  EXPECT_EQ(host_.tags(kVideo), (std::vector<int>{-1, 1}));
  EXPECT_EQ(host_.tags(kAudio), (std::vector<int>{-1}));
  EXPECT_EQ(host_.notices,
            (std::vector<std::string>{"StreamBegin", "NetStream.Play.PublishNotify"}));
}

TEST_F(PlayerTapTest, AudioOnlyStreamStartsOnTheFirstAudioFrame) {
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  audio(0, aacSequenceHeader());
  PlayerTap& tap = attach();
  EXPECT_FALSE(tap.started());  // no GOP to start from yet
  audio(23, aacRaw(1));
  EXPECT_TRUE(tap.started());
  EXPECT_EQ(host_.tags(kAudio), (std::vector<int>{-1, 1}));
}

TEST_F(PlayerTapTest, PublisherGoneAndBackAreReportedOnceEach) {
  PlayerTap& tap = attach();
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  tap.onPublisherBack();  // already present: ignored
  stream_.endPublish(1);
  tap.onPublisherGone();  // already gone: ignored
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  EXPECT_EQ(host_.notices,
            (std::vector<std::string>{"StreamBegin", "NetStream.Play.PublishNotify",
                                      "NetStream.Play.UnpublishNotify", "StreamEOF", "StreamBegin",
                                      "NetStream.Play.PublishNotify"}));
}

TEST_F(PlayerTapTest, MessagesCarryThePlayersStreamId) {
  publishWithHeaders();
  PlayerOptions options;
  options.streamId = 7;
  attach(options);
  video(0, avcKeyframe(0));
  video(40, avcInterframe(1));
  for (const auto& m : host_.decode()) EXPECT_EQ(m.streamId, 7u);
}

}  // namespace
}  // namespace rtmp::server::testing
