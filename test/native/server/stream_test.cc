// Stream: publish ownership, ingest into SharedMedia (seq chain, metadata,
// headers), join snapshots, per-loop destinations, attach/detach.
#include "server/stream.h"

#include <gtest/gtest.h>

#include <cstring>

#include "fake_loop.h"
#include "flv_samples.h"
#include "recording_tap.h"

namespace rtmp::server::testing {
namespace {

constexpr uint8_t kAudio = 8;
constexpr uint8_t kVideo = 9;
constexpr uint8_t kData = 18;

base::Bytes bytes(const ByteVec& v) {
  return base::Bytes::copyOf(v);
}

// "@setDataFrame", "onMetaData", {width: 640} in AMF0.
ByteVec setDataFrame() {
  ByteVec out = {0x02, 0x00, 0x0D, '@',  's',  'e',  't',  'D',  'a',  't', 'a', 'F', 'r',
                 'a',  'm',  'e',                                                           //
                 0x02, 0x00, 0x0A, 'o',  'n',  'M',  'e',  't',  'a',  'D', 'a', 't', 'a',  //
                 0x08, 0x00, 0x00, 0x00, 0x01,                          // ECMA array, 1 entry
                 0x00, 0x05, 'w',  'i',  'd',  't',  'h',               // key "width"
                 0x00, 0x40, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // number 640
                 0x00, 0x00, 0x09};                                     // object end
  return out;
}

class StreamTest : public ::testing::Test {
 protected:
  StreamTest() : stream_("live", "cam", StreamOptions{}) {}

  void TearDown() override {
    EXPECT_TRUE(loopA_.fanouts().empty());
    EXPECT_TRUE(loopB_.fanouts().empty());
  }

  void publishBasics() {
    ASSERT_TRUE(stream_.beginPublish(1, 0));
    stream_.ingest(kData, 0, bytes(setDataFrame()));
    stream_.ingest(kVideo, 0, bytes(avcSequenceHeader()));
    stream_.ingest(kAudio, 0, bytes(aacSequenceHeader()));
  }
  void attachOn(FakeLoop& loop, RecordingTap& tap) {
    auto scope = loop.enter();
    stream_.attach(loop, loop.fanouts(), &tap);
  }
  void detachOn(FakeLoop& loop, RecordingTap& tap) {
    auto scope = loop.enter();
    EXPECT_TRUE(stream_.detach(loop.fanouts(), &tap));
  }

  FakeLoop loopA_{0};
  FakeLoop loopB_{1};
  Stream stream_;
};

TEST_F(StreamTest, OnlyOnePublisherAtATime) {
  EXPECT_TRUE(stream_.beginPublish(1, 100));
  EXPECT_FALSE(stream_.beginPublish(2, 200));
  EXPECT_FALSE(stream_.beginPublish(1, 300));  // not even the same one twice
  stream_.endPublish(2);                       // not the publisher: ignored
  EXPECT_TRUE(stream_.publishing());
  stream_.endPublish(1);
  EXPECT_FALSE(stream_.publishing());
  EXPECT_TRUE(stream_.beginPublish(2, 400));
  stream_.endPublish(2);
}

TEST_F(StreamTest, IngestWithoutPublisherIsDropped) {
  IngestResult r = stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  EXPECT_EQ(r.media, nullptr);
}

TEST_F(StreamTest, SeqIncreasesAndChainsPerCsid) {
  ASSERT_TRUE(stream_.beginPublish(1, 0));  // seq 1 (publish event)
  auto v1 = stream_.ingest(kVideo, 0, bytes(avcKeyframe(1))).media;
  auto a1 = stream_.ingest(kAudio, 10, bytes(aacRaw(1))).media;
  auto v2 = stream_.ingest(kVideo, 40, bytes(avcInterframe(2))).media;
  ASSERT_TRUE(v1 && a1 && v2);
  EXPECT_EQ(v1->seq, 2u);
  EXPECT_EQ(a1->seq, 3u);
  EXPECT_EQ(v2->seq, 4u);
  EXPECT_EQ(v1->prevSeqOnCsid, 0u);
  EXPECT_EQ(v2->prevSeqOnCsid, v1->seq);
  EXPECT_EQ(a1->prevSeqOnCsid, 0u);
  EXPECT_EQ(v1->csid, 6u);
  EXPECT_EQ(a1->csid, 4u);
  EXPECT_EQ(v2->chunks.timestampDelta, 40u);
  stream_.endPublish(1);
}

TEST_F(StreamTest, SetDataFrameIsStrippedFromMetadata) {
  publishBasics();
  RecordingTap tap;
  attachOn(loopA_, tap);
  ASSERT_NE(tap.snapshotAtStart.metadata, nullptr);
  const base::Bytes& payload = tap.snapshotAtStart.metadata->payload();
  ASSERT_GE(payload.size(), 13u);
  EXPECT_EQ(std::memcmp(payload.data(), "\x02\x00\x0AonMetaData", 13), 0);
  EXPECT_EQ(tap.snapshotAtStart.codec.width, 1280u);  // the SPS wins over metadata's 640
  detachOn(loopA_, tap);
  stream_.endPublish(1);
}

TEST_F(StreamTest, SnapshotHasHeadersGopAndLastSeq) {
  publishBasics();
  stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  stream_.ingest(kAudio, 20, bytes(aacRaw(1)));
  RecordingTap tap;
  attachOn(loopA_, tap);
  const JoinSnapshot& s = tap.snapshotAtStart;
  EXPECT_TRUE(s.publishing);
  EXPECT_NE(s.videoHeader, nullptr);
  EXPECT_NE(s.audioHeader, nullptr);
  ASSERT_EQ(s.gop.size(), 2u);
  EXPECT_TRUE(s.gop[0]->keyframe());
  EXPECT_EQ(s.lastSeq, 6u);  // publish + 3 headers + 2 frames
  EXPECT_EQ(s.codec.videoCodec, "H264");
  EXPECT_EQ(s.codec.audioCodec, "AAC");
  detachOn(loopA_, tap);
  stream_.endPublish(1);
}

TEST_F(StreamTest, SnapshotWithoutPublisherIsEmpty) {
  RecordingTap tap;
  attachOn(loopA_, tap);
  EXPECT_FALSE(tap.snapshotAtStart.publishing);
  EXPECT_TRUE(tap.snapshotAtStart.gop.empty());
  EXPECT_EQ(tap.snapshotAtStart.metadata, nullptr);
  detachOn(loopA_, tap);
}

TEST_F(StreamTest, TapsOnThePublishersLoopGetMediaSynchronously) {
  RecordingTap tap;
  attachOn(loopA_, tap);
  auto scope = loopA_.enter();
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  EXPECT_EQ(tap.calls, (std::vector<std::string>{"start", "back", "media:2"}));
  EXPECT_EQ(loopA_.posts(), 0u);
  stream_.endPublish(1);
  EXPECT_EQ(tap.calls.back(), "gone");
  EXPECT_TRUE(stream_.detach(loopA_.fanouts(), &tap));
  EXPECT_TRUE(tap.detached);
}

TEST_F(StreamTest, OnePostPerLoopForAnyNumberOfTaps) {
  RecordingTap b1, b2, b3;
  attachOn(loopB_, b1);
  attachOn(loopB_, b2);
  attachOn(loopB_, b3);
  EXPECT_EQ(stream_.tapCount(), 3u);
  auto scope = loopA_.enter();
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  for (int i = 0; i < 5; ++i) stream_.ingest(kAudio, 20u * i, bytes(aacRaw(1)));
  EXPECT_EQ(loopB_.posts(), 6u);  // publish event + 5 messages
  loopB_.drain();
  EXPECT_EQ(b1.seqs(), (std::vector<uint64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(b3.seqs(), b1.seqs());
  stream_.endPublish(1);
  loopB_.drain();
  detachOn(loopB_, b1);
  detachOn(loopB_, b2);
  detachOn(loopB_, b3);
  EXPECT_EQ(stream_.tapCount(), 0u);
}

TEST_F(StreamTest, DetachUnknownTapReturnsFalse) {
  RecordingTap tap, other;
  attachOn(loopA_, tap);
  EXPECT_FALSE(stream_.detach(loopA_.fanouts(), &other));
  EXPECT_FALSE(stream_.detach(loopB_.fanouts(), &tap));  // not attached on B
  detachOn(loopA_, tap);
  EXPECT_FALSE(other.detached);
}

TEST_F(StreamTest, RepublishClearsHeadersAndGop) {
  publishBasics();
  stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  stream_.endPublish(1);
  ASSERT_TRUE(stream_.beginPublish(2, 0));
  RecordingTap tap;
  attachOn(loopA_, tap);
  EXPECT_EQ(tap.snapshotAtStart.videoHeader, nullptr);
  EXPECT_EQ(tap.snapshotAtStart.metadata, nullptr);
  EXPECT_TRUE(tap.snapshotAtStart.gop.empty());
  EXPECT_EQ(tap.snapshotAtStart.codec.videoCodec, "");
  detachOn(loopA_, tap);
  stream_.endPublish(2);
}

TEST_F(StreamTest, SnapshotCountsBytesFramesAndCache) {
  publishBasics();
  stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  stream_.ingest(kVideo, 40, bytes(avcInterframe(2)));
  stream_.ingest(kAudio, 20, bytes(aacRaw(1)));
  StreamSnapshot s = stream_.snapshot();
  EXPECT_EQ(s.app, "live");
  EXPECT_EQ(s.stream, "cam");
  EXPECT_EQ(s.publisherId, 1u);
  EXPECT_EQ(s.videoFrames, 2u);
  EXPECT_EQ(s.audioFrames, 1u);
  EXPECT_EQ(s.gopCacheFrames, 3u);
  EXPECT_EQ(s.bytesIn, setDataFrame().size() + avcSequenceHeader().size() +
                           aacSequenceHeader().size() + avcKeyframe(1).size() +
                           avcInterframe(2).size() + aacRaw(1).size());
  stream_.endPublish(1);
}

TEST_F(StreamTest, EmptyAndUnparsableMediaAreDroppedWithAReason) {
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  IngestResult cut = stream_.ingest(kVideo, 0, bytes({0x17}));  // AVC tag cut after one byte
  EXPECT_EQ(cut.media, nullptr);
  EXPECT_EQ(cut.dropReason, IngestDropReason::kMalformed);
  IngestResult empty = stream_.ingest(kAudio, 0, base::Bytes());  // a bare silence marker
  EXPECT_EQ(empty.media, nullptr);
  EXPECT_EQ(empty.dropReason, IngestDropReason::kEmpty);
  IngestResult kept = stream_.ingest(kAudio, 0, bytes(aacSequenceHeader()));
  EXPECT_NE(kept.media, nullptr);
  EXPECT_FALSE(kept.dropReason.has_value());
  stream_.endPublish(1);
}

TEST_F(StreamTest, SnapshotCountsIngestDropsByReasonPerPublish) {
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  stream_.ingest(kVideo, 0, bytes({0x17}));
  stream_.ingest(kVideo, 40, bytes({0x17, 0x01}));
  stream_.ingest(kAudio, 0, base::Bytes());
  stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  StreamSnapshot s = stream_.snapshot();
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kMalformed], 2u);
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kEmpty], 1u);
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kTooLarge], 0u);
  EXPECT_EQ(s.ingestDrops.total(), 3u);
  stream_.endPublish(1);

  // Like bytesIn and the frame counts, they describe the current publish.
  ASSERT_TRUE(stream_.beginPublish(2, 0));
  EXPECT_EQ(stream_.snapshot().ingestDrops.total(), 0u);
  stream_.endPublish(2);
}

TEST(StreamGopTest, SnapshotCountsGopCacheOverflows) {
  StreamOptions options;
  options.gopLimits.maxFrames = 3;
  Stream stream("live", "cam", options);
  ASSERT_TRUE(stream.beginPublish(1, 0));
  stream.ingest(kVideo, 0, bytes(avcSequenceHeader()));
  for (uint8_t i = 0; i < 4; ++i) {  // a 4-frame GOP in a 3-frame cache
    stream.ingest(kVideo, 40u * i, bytes(i == 0 ? avcKeyframe(i) : avcInterframe(i)));
  }
  StreamSnapshot s = stream.snapshot();
  EXPECT_EQ(s.gopCacheOverflows, 1u);
  EXPECT_EQ(s.gopCacheFrames, 0u) << "given up until the next keyframe";
  stream.ingest(kVideo, 160, bytes(avcKeyframe(4)));
  EXPECT_EQ(stream.snapshot().gopCacheOverflows, 1u);
  EXPECT_EQ(stream.snapshot().gopCacheFrames, 1u);
  stream.endPublish(1);
}

TEST_F(StreamTest, FirstFrameIsReportedOncePerPublish) {
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  EXPECT_FALSE(stream_.ingest(kVideo, 0, bytes(avcSequenceHeader())).firstFrame);
  EXPECT_TRUE(stream_.ingest(kVideo, 0, bytes(avcKeyframe(1))).firstFrame);
  EXPECT_FALSE(stream_.ingest(kVideo, 40, bytes(avcInterframe(2))).firstFrame);
  stream_.endPublish(1);
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  EXPECT_TRUE(stream_.ingest(kAudio, 0, bytes(aacRaw(1))).firstFrame);
  stream_.endPublish(1);
}

// Regression (the bug was in local_fanout.h + stream.cc Stream::detach): when the last tap of a
// loop detaches from inside its own onMedia, LocalFanout::empty() is still
// false (the entry is only marked), so detach keeps the loop's fan-out in
// the LoopFanouts map and in the stream's destinations. The map then holds a
// key for this Stream after it is gone; a later Stream allocated at the same
// address finds the stale fan-out in attach() and never registers the loop
// as a destination, so its taps there receive nothing.
TEST_F(StreamTest, DetachingTheLastTapFromInsideADeliveryForgetsTheLoop) {
  RecordingTap tap;
  attachOn(loopA_, tap);
  tap.onMediaHook = [&](const SharedMediaRef&) { stream_.detach(loopA_.fanouts(), &tap); };
  {
    auto scope = loopA_.enter();
    ASSERT_TRUE(stream_.beginPublish(1, 0));
    stream_.ingest(kAudio, 0, bytes(aacRaw(1)));
    EXPECT_TRUE(tap.detached);
    EXPECT_TRUE(loopA_.fanouts().empty());
    stream_.endPublish(1);
  }
}

}  // namespace
}  // namespace rtmp::server::testing

namespace rtmp::server::testing {
namespace {

// Lazy chunk encoding: the shared RTMP bytes are built only while the stream
// has an RTMP player; other taps get the message with everything but them.
TEST_F(StreamTest, ChunksAreEncodedOnlyWhileAnRtmpPlayerIsAttached) {
  RecordingTap other;
  attachOn(loopA_, other);
  ASSERT_TRUE(stream_.beginPublish(1, 0));
  IngestResult r = stream_.ingest(kVideo, 0, bytes(avcKeyframe(1)));
  ASSERT_NE(r.media, nullptr);
  EXPECT_FALSE(r.media->encoded());
  EXPECT_EQ(r.media->chunks.payload.size(), r.media->payload().size());
  EXPECT_EQ(r.media->chunks.csid, r.media->csid);

  RecordingTap player;
  player.player = true;
  attachOn(loopA_, player);
  EXPECT_EQ(stream_.snapshot().players, 1u);
  r = stream_.ingest(kVideo, 40, bytes(avcInterframe(2)));
  ASSERT_NE(r.media, nullptr);
  EXPECT_TRUE(r.media->encoded());
  loopA_.drain();
  ASSERT_EQ(player.received.size(), 1u);
  EXPECT_EQ(player.received[0].get(), other.received.back().get());  // one message for all

  detachOn(loopA_, player);
  r = stream_.ingest(kVideo, 80, bytes(avcInterframe(3)));
  EXPECT_FALSE(r.media->encoded());
  loopA_.drain();
  detachOn(loopA_, other);
  stream_.endPublish(1);
}

}  // namespace
}  // namespace rtmp::server::testing
