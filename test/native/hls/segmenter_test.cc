// Segmenter: cut points, durations, independence, bounds — fed synthetic FLV
// tag bodies (test/native/server/flv_samples.h) as an RTMP publisher sends them.
#include "hls/segmenter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/endian.h"
#include "media/flv_tag_reader.h"
#include "media/media_packet.h"
#include "media/media_test_vectors.h"
#include "server/flv_samples.h"

namespace rtmp::hls {
namespace {

using server::testing::aacRaw;
using server::testing::aacSequenceHeader;
using server::testing::avcInterframe;
using server::testing::avcKeyframe;
using server::testing::avcSequenceHeader;
using server::testing::ByteVec;

constexpr uint64_t kWall0 = 1'700'000'000'000;

// Publishes into a Segmenter and keeps every record it made.
class Publisher {
 public:
  explicit Publisher(SegmenterConfig config = {}) : segmenter_(config) {}

  void send(uint8_t type, uint32_t ts, const ByteVec& body) {
    auto packet = media::makeMediaPacket(
        type, ts, base::Bytes::copyOf(std::span<const uint8_t>(body.data(), body.size())));
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    sent_.push_back(*packet);
    segmenter_.push(*packet, kWall0 + (ts - firstTs()), records_);
  }
  void video(uint32_t ts, const ByteVec& body) { send(media::kMessageTypeVideo, ts, body); }
  void audio(uint32_t ts, const ByteVec& body) { send(media::kMessageTypeAudio, ts, body); }
  void headers(uint32_t ts = 0) {
    video(ts, avcSequenceHeader());
    audio(ts, aacSequenceHeader());
  }

  // Video at `fps` with a keyframe every `gop` frames and AAC (44.1 kHz, 1024
  // samples a frame) interleaved by time, from t0 for durationMs.
  void av(uint32_t t0, double durationMs, double fps, int gop, bool withAudio = true,
          bool withVideo = true) {
    const double frameMs = 1000.0 / fps;
    const double audioMs = 1024 * 1000.0 / 44'100;
    int v = 0;
    int a = 0;
    for (;;) {
      const double tv = withVideo ? v * frameMs : 1e18;
      const double ta = withAudio ? a * audioMs : 1e18;
      const double t = std::min(tv, ta);
      if (t >= durationMs) break;
      const auto ts = static_cast<uint32_t>(t0 + std::lround(t));
      if (tv <= ta) {
        const auto tag = static_cast<uint8_t>(v & 0x7F);
        video(ts, v % gop == 0 ? avcKeyframe(tag) : avcInterframe(tag));
        ++v;
      } else {
        audio(ts, aacRaw(static_cast<uint8_t>(a & 0x7F)));
        ++a;
      }
    }
  }

  void finish() { segmenter_.finish(records_); }

  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& r : records_) {
      if (const T* t = std::get_if<T>(&r)) out.push_back(*t);
    }
    return out;
  }
  const std::vector<SegmenterRecord>& records() const { return records_; }
  const SegmenterCounters& counters() const { return segmenter_.counters(); }

 private:
  uint32_t firstTs() const { return sent_.empty() ? 0 : sent_.front().dts; }

  Segmenter segmenter_;
  std::vector<media::MediaPacket> sent_;
  std::vector<SegmenterRecord> records_;
};

// The samples of one fragment (pieces = [moof + mdat header, sample slices...]):
// sample count from the trun, read at the fixed offsets of a one-track moof.
uint32_t trunSampleCount(const std::vector<base::Bytes>& pieces) {
  const uint8_t* p = pieces.at(0).data();
  // moof(8) mfhd(16) traf(8) tfhd(16) tfdt(20) trun: size type version/flags count
  return base::loadBe32(p + 8 + 16 + 8 + 16 + 20 + 12);
}
uint64_t tfdt(const std::vector<base::Bytes>& pieces) {
  const uint8_t* p = pieces.at(0).data();
  return base::loadBe64(p + 8 + 16 + 8 + 16 + 12);
}

// Per-sample durations of a one-track fragment's trun (rows after its 20-byte header).
std::vector<uint32_t> trunDurations(const std::vector<base::Bytes>& pieces) {
  const uint8_t* row = pieces.at(0).data() + 8 + 16 + 8 + 16 + 20 + 20;
  std::vector<uint32_t> out(trunSampleCount(pieces));
  for (uint32_t& d : out) {
    d = base::loadBe32(row);
    row += 16;
  }
  return out;
}

// Checks every rule a playlist relies on, for parts of target `partMs`. A part
// holds at least one frame, so with frames longer than the target pass
// `partsWithinTarget = false`.
void expectWellFormed(const Publisher& pub, uint32_t partMs, bool partsWithinTarget = true) {
  int32_t segment = -1;
  uint32_t nextPart = 0;
  int64_t partEnd = 0;
  for (const auto& r : pub.records()) {
    if (const auto* part = std::get_if<PartRecord>(&r)) {
      if (segment >= 0 && part->segment != static_cast<uint32_t>(segment)) {  // NOLINT
        ADD_FAILURE() << "part of segment " << part->segment << " before segment " << segment
                      << " was complete";
      }
      segment = static_cast<int32_t>(part->segment);
      EXPECT_EQ(part->part, nextPart);
      if (nextPart > 0) {
        EXPECT_EQ(part->startMs, partEnd) << "parts are contiguous";
      }
      ++nextPart;
      partEnd = part->startMs + part->durationMs;
      if (partsWithinTarget) {
        EXPECT_LE(part->durationMs, partMs)
            << "segment " << part->segment << " part " << part->part;
      }
    } else if (const auto* seg = std::get_if<SegmentRecord>(&r)) {
      if (partMs) {
        EXPECT_EQ(seg->segment, static_cast<uint32_t>(segment));
        EXPECT_EQ(seg->parts, nextPart);
        EXPECT_EQ(seg->startMs + seg->durationMs, partEnd);
      }
      segment = static_cast<int32_t>(seg->segment) + 1;
      nextPart = 0;
    }
  }
}

TEST(SegmenterTest, AudioAndVideoMakeOneInitWithBothTracks) {
  Publisher pub;
  pub.headers();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 1u);
  const InitRecord& init = inits[0];
  EXPECT_EQ(init.initId, 0u);
  ASSERT_EQ(init.tracks.size(), 2u);
  EXPECT_EQ(init.tracks[0].config.kind, TrackConfig::Kind::kVideo);
  EXPECT_EQ(init.tracks[0].config.codecString, "avc1.64001f");
  EXPECT_EQ(init.tracks[0].config.width, 1280u);
  EXPECT_EQ(init.tracks[0].config.height, 720u);
  EXPECT_EQ(init.tracks[0].config.timescale, 90'000u);
  EXPECT_GT(init.tracks[0].init.size(), 100u);
  EXPECT_EQ(init.tracks[1].config.codecString, "mp4a.40.2");
  EXPECT_EQ(init.tracks[1].config.timescale, 44'100u);
  EXPECT_EQ(init.tracks[1].config.channels, 2u);
}

TEST(SegmenterTest, SegmentsStartAtKeyframesEveryTargetAndPartsStayUnderTheirTarget) {
  Publisher pub;
  pub.headers();
  pub.av(0, 6'500, 30, 60);  // keyframe every 2 s
  pub.finish();
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(segments[i].segment, i);
    EXPECT_EQ(segments[i].startMs, static_cast<int64_t>(2'000 * i));
    EXPECT_EQ(segments[i].durationMs, 2'000u);
    EXPECT_EQ(segments[i].parts, 10u);  // 6 frames (200 ms) a part
    EXPECT_TRUE(segments[i].independent);
    EXPECT_FALSE(segments[i].forced);
    EXPECT_EQ(segments[i].programDateTime, kWall0 + 2'000 * i);
  }
  for (const auto& part : pub.all<PartRecord>()) {
    EXPECT_EQ(part.independent, part.part == 0) << part.segment << "/" << part.part;
    // 85% of the target except a segment's last part (RFC 8216bis §4.4.4.9).
    if (part.segment < 3) {
      EXPECT_GE(part.durationMs, 170u);
    }
    EXPECT_FALSE(part.video.empty());
    EXPECT_FALSE(part.audio.empty()) << "every 200 ms part has audio";
  }
}

TEST(SegmenterTest, EveryFrameArrivesOnceInOrderAsASliceOfItsPacket) {
  Publisher pub;
  pub.headers();
  pub.av(0, 3'000, 30, 30);
  pub.finish();
  std::vector<uint8_t> videoTags;
  std::vector<uint8_t> audioTags;
  uint64_t lastVideoDts = 0;
  for (const auto& part : pub.all<PartRecord>()) {
    for (size_t t = 0; t < 2; ++t) {
      const auto& pieces = t == 0 ? part.video : part.audio;
      if (pieces.empty()) continue;
      ASSERT_EQ(trunSampleCount(pieces), pieces.size() - 1);
      for (size_t i = 1; i < pieces.size(); ++i) {
        (t == 0 ? videoTags : audioTags).push_back(pieces[i][pieces[i].size() - 1]);
        EXPECT_GE(pieces[i].useCount(), 2u) << "a slice of the packet, not a copy";
      }
      if (t == 0) {
        EXPECT_GE(tfdt(pieces), lastVideoDts);
        lastVideoDts = tfdt(pieces);
      }
    }
  }
  ASSERT_EQ(videoTags.size(), 90u);
  for (size_t i = 0; i < videoTags.size(); ++i) EXPECT_EQ(videoTags[i], i & 0x7F);
  ASSERT_GE(audioTags.size(), 128u);  // 3 s of 23.2 ms frames (first ones before 0 ms: none)
  for (size_t i = 0; i < audioTags.size(); ++i) EXPECT_EQ(audioTags[i], i & 0x7F);
}

TEST(SegmenterTest, ALongGopMakesALongSegment) {
  Publisher pub;
  pub.headers();
  pub.av(0, 10'000, 25, 125);  // keyframe every 5 s
  pub.finish();
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].durationMs, 5'000u);
  EXPECT_EQ(segments[0].parts, 25u);
  EXPECT_FALSE(segments[0].forced);
}

TEST(SegmenterTest, AudioOnlyWaitsBrieflyForAVideoHeaderThenEveryPartIsIndependent) {
  Publisher pub;
  pub.audio(0, aacSequenceHeader());
  EXPECT_TRUE(pub.all<InitRecord>().empty()) << "a video header may follow";
  pub.av(0, 5'000, 30, 30, /*withAudio=*/true, /*withVideo=*/false);
  pub.finish();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 1u);
  ASSERT_EQ(inits[0].tracks.size(), 1u);
  EXPECT_EQ(inits[0].tracks[0].config.kind, TrackConfig::Kind::kAudio);
  expectWellFormed(pub, 200);
  const auto parts = pub.all<PartRecord>();
  ASSERT_FALSE(parts.empty());
  for (const auto& p : parts) {
    EXPECT_TRUE(p.independent);
    EXPECT_TRUE(p.video.empty());
    EXPECT_FALSE(p.audio.empty());
  }
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_GE(segments.size(), 2u);
  EXPECT_EQ(segments[0].startMs, 0) << "the packets kept while waiting are not lost";
  EXPECT_GE(segments[0].durationMs, 2'000u);
  EXPECT_LT(segments[0].durationMs, 2'030u);
}

TEST(SegmenterTest, VideoOnlyWorks) {
  Publisher pub;
  pub.video(0, avcSequenceHeader());
  pub.av(0, 4'100, 30, 60, /*withAudio=*/false);
  pub.finish();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 1u);
  ASSERT_EQ(inits[0].tracks.size(), 1u);
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].startMs, 0);
  EXPECT_EQ(segments[1].startMs, 2'000);
}

// Enhanced RTMP video tag bodies: ExHeader, PacketType, FourCC, then the payload.
ByteVec exVideo(uint8_t first, const char* fourcc, const ByteVec& payload) {
  ByteVec out;
  out.reserve(5 + payload.size());
  out.push_back(first);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(fourcc[i]));
  for (uint8_t b : payload) out.push_back(b);
  return out;
}

TEST(SegmenterTest, HevcAndAv1FromEnhancedRtmpHeaders) {
  struct Case {
    const char* fourcc;
    const ByteVec& record;
    const char* codec;
    uint32_t width;
  };
  for (const Case& c : {Case{"hvc1", media::testing::kHevcRecord720, "hvc1.1.6.L93.90", 1280},
                        Case{"av01", media::testing::kAomAv1C, "av01.0.01M.08", 640}}) {
    Publisher pub;
    pub.video(0, exVideo(0x90, c.fourcc, c.record));  // key | SequenceStart
    for (uint32_t i = 0; i < 90; ++i) {
      // CodedFramesX (no composition time): key 0x93, inter 0xA3.
      pub.video(i * 40, exVideo(i % 50 == 0 ? 0x93 : 0xA3, c.fourcc, {0x12, 0x00, 0x0A, 0x0B}));
    }
    pub.finish();
    const auto inits = pub.all<InitRecord>();
    ASSERT_EQ(inits.size(), 1u) << c.fourcc;
    EXPECT_EQ(inits[0].tracks[0].config.codecString, c.codec);
    EXPECT_EQ(inits[0].tracks[0].config.width, c.width);
    EXPECT_EQ(pub.all<SegmentRecord>().size(), 2u) << c.fourcc;
    expectWellFormed(pub, 200);
  }
}

TEST(SegmenterTest, AnUncarriedCodecSkipsItsTrackAtOnce) {
  Publisher pub;
  pub.video(0, avcSequenceHeader());
  pub.audio(0, {0x2F, 0x01, 0x02});  // SoundFormat 2: MP3
  pub.av(0, 500, 30, 30, /*withAudio=*/false);
  ASSERT_EQ(pub.all<InitRecord>().size(), 1u);
  EXPECT_EQ(pub.all<InitRecord>()[0].tracks.size(), 1u);
  EXPECT_EQ(pub.counters().skippedAudio, media::Codec::kMp3);
}

TEST(SegmenterTest, ANewSequenceHeaderMakesANewInitAndSegmentAtTheNextKeyframe) {
  Publisher pub;
  pub.headers();
  pub.av(0, 3'000, 30, 60);
  // The same header again changes nothing; another one (no high-profile tail) does.
  pub.video(3'000, avcSequenceHeader());
  ByteVec other = avcSequenceHeader();
  other.resize(other.size() - 4);
  pub.video(3'000, other);
  pub.av(3'000, 2'000, 30, 60);
  pub.finish();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 2u);
  EXPECT_EQ(inits[1].initId, 1u);
  EXPECT_EQ(inits[1].tracks.size(), 2u);
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1].startMs, 2'000);
  EXPECT_EQ(segments[1].durationMs, 1'000u) << "cut early for the new init";
  EXPECT_EQ(segments[1].initId, 0u);
  EXPECT_EQ(segments[2].startMs, 3'000);
  EXPECT_EQ(segments[2].initId, 1u);
  // The init comes right before the first part of its first segment.
  size_t initAt = 0;
  for (size_t i = 0; i < pub.records().size(); ++i) {
    if (const auto* init = std::get_if<InitRecord>(&pub.records()[i]); init && init->initId == 1) {
      initAt = i;
    }
  }
  const auto* next = std::get_if<PartRecord>(&pub.records().at(initAt + 1));
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->segment, 2u);
  EXPECT_EQ(next->initId, 1u);
}

TEST(SegmenterTest, VideoAppearingInAnAudioOnlyStreamStartsANewInitAtItsKeyframe) {
  Publisher pub;
  pub.audio(0, aacSequenceHeader());
  pub.av(0, 3'000, 30, 30, /*withAudio=*/true, /*withVideo=*/false);
  pub.video(3'000, avcSequenceHeader());
  pub.video(3'000, avcInterframe(1));  // before any keyframe: waits, then dropped
  pub.av(3'040, 3'000, 25, 50);
  pub.finish();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 2u);
  EXPECT_EQ(inits[0].tracks.size(), 1u);
  ASSERT_EQ(inits[1].tracks.size(), 2u);
  EXPECT_EQ(inits[1].tracks[0].config.kind, TrackConfig::Kind::kVideo);
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_GE(segments.size(), 3u);
  const auto& first = *std::find_if(segments.begin(), segments.end(),
                                    [](const SegmentRecord& s) { return s.initId == 1; });
  EXPECT_EQ(first.startMs, 3'040) << "the first video keyframe";
  EXPECT_TRUE(first.independent);
}

TEST(SegmenterTest, TimestampsWrappingPast32BitsKeepCounting) {
  Publisher pub;
  const uint32_t t0 = 0xFFFFFFFFu - 2'999;  // wraps 3 s in
  pub.headers(t0);
  pub.av(t0, 6'000, 30, 60);
  pub.finish();
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(segments[i].startMs, static_cast<int64_t>(t0) + 2'000 * static_cast<int64_t>(i));
    // The last one also holds the audio sent after the last frame (a part of its own).
    EXPECT_GE(segments[i].durationMs, 2'000u);
    EXPECT_LE(segments[i].durationMs, i < 2 ? 2'000u : 2'024u);
  }
}

TEST(SegmenterTest, TimestampsGoingBackDoNotMakeTimeRunBackwards) {
  Publisher pub;
  pub.headers();
  pub.av(0, 1'000, 30, 30);
  pub.av(500, 3'000, 30, 30);  // the publisher's clock steps back 500 ms
  pub.finish();
  expectWellFormed(pub, 200);
  int64_t last = 0;
  for (const auto& p : pub.all<PartRecord>()) {
    EXPECT_GE(p.startMs, last);
    last = p.startMs;
  }
}

// Inputs the fuzzer found (fuzz/corpus/hls_segmenter/regress_*: a mode byte,
// then FLV tags; see fuzz/hls_segmenter_fuzzer.cc), replayed with their real
// packet bodies, since the segmenter's frame-duration estimate depends on them.
TEST(SegmenterTest, FuzzerRegressionsWithTimestampsGoingBackwardsStayWellFormed) {
  const std::string dir = std::string(RTMP_SOURCE_DIR) + "/fuzz/corpus/hls_segmenter/";
  for (const char* name : {"regress_backwards_part", "regress_backwards_end"}) {
    SCOPED_TRACE(name);
    std::ifstream file(dir + name, std::ios::binary);
    ASSERT_TRUE(file) << dir + name;
    const std::vector<uint8_t> data((std::istreambuf_iterator<char>(file)),
                                    std::istreambuf_iterator<char>());
    ASSERT_GT(data.size(), 1u);
    ASSERT_EQ(data[0], 0) << "mode 0: fmp4, 50 ms parts, 2 s segments";
    SegmenterConfig config;
    config.partDurationMs = 50;
    Publisher pub(config);
    media::FlvTagReaderOptions options;
    options.trailerOptionalAtEnd = true;
    const std::span<const uint8_t> tags(data.data() + 1, data.size() - 1);
    media::FlvTagReader reader(tags, options);
    for (;;) {
      auto tag = reader.next();
      if (!tag.ok() || !tag->has_value()) break;
      const media::FlvTagView& t = **tag;
      if (t.type != media::kMessageTypeVideo && t.type != media::kMessageTypeAudio) continue;
      pub.send(t.type, t.timestamp,
               ByteVec(tags.begin() + t.bodyOffset, tags.begin() + t.bodyOffset + t.bodySize));
    }
    pub.finish();
    EXPECT_FALSE(pub.all<SegmentRecord>().empty());
    expectWellFormed(pub, 50, false);  // 15 fps: one frame (66 ms) is longer than a part
  }
}

TEST(SegmenterTest, ACodecChangeWhoseKeyframeIsBehindStillEndsTheSegmentAfterItsParts) {
  Publisher pub;  // regression (fuzzer): the segment ended before its last part started
  pub.headers();
  pub.av(0, 1'000, 30, 30);
  ByteVec other = avcSequenceHeader();
  other.resize(other.size() - 4);
  pub.video(1'000, other);
  pub.video(950, avcKeyframe(1));  // behind the last frame (967)
  pub.av(1'000, 1'000, 30, 30);
  pub.finish();
  expectWellFormed(pub, 200);
  EXPECT_EQ(pub.all<InitRecord>().size(), 2u);
}

TEST(SegmenterTest, NoKeyframeForLongIsCutAtTenTimesTheTargetAndCounted) {
  Publisher pub;
  pub.headers();
  pub.av(0, 45'000, 30, 1'000'000);  // one keyframe, then inter frames only
  pub.finish();
  expectWellFormed(pub, 200);
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].durationMs, 20'000u);
  EXPECT_TRUE(segments[1].forced);
  EXPECT_FALSE(segments[1].independent);
  EXPECT_EQ(pub.counters().forcedCuts, 2u);
}

TEST(SegmenterTest, ASegmentIsCutAtTheByteCap) {
  SegmenterConfig config;
  config.maxSegmentBytes = 1u << 20;
  Publisher pub(config);
  pub.video(0, avcSequenceHeader());
  for (uint32_t i = 0; i < 30; ++i) {
    pub.video(i * 40, i == 0 ? avcKeyframe(0, 0, 100'000) : avcInterframe(1, 0, 100'000));
  }
  pub.finish();
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_GE(segments.size(), 3u);
  EXPECT_TRUE(segments[1].forced);
  EXPECT_GE(pub.counters().forcedCuts, 2u);
}

TEST(SegmenterTest, FramesThatNeverAdvanceTimeAreBoundedBySampleCount) {
  Publisher pub;
  pub.video(0, avcSequenceHeader());
  pub.video(0, avcKeyframe(0));
  for (uint32_t i = 0; i < kMaxSegmentSamples + 10; ++i) pub.video(0, avcInterframe(1));
  EXPECT_EQ(pub.counters().forcedCuts, 1u);
  EXPECT_EQ(pub.all<SegmentRecord>().size(), 1u);
}

TEST(SegmenterTest, FramesWithoutAnyHeaderAreHeldWithinTheByteCap) {
  SegmenterConfig config;
  config.maxSegmentBytes = 1u << 20;
  Publisher pub(config);
  for (uint32_t i = 0; i < 50; ++i) pub.video(i, avcKeyframe(0, 0, 100'000));  // ~5 MB, no header
  EXPECT_GE(pub.counters().droppedSamples, 40u);
  EXPECT_TRUE(pub.records().empty());
}

TEST(SegmenterTest, AudioPilingUpWithoutVideoIsDroppedAndCounted) {
  Publisher pub;
  pub.headers();
  pub.video(0, avcKeyframe(0));
  pub.av(0, 200'000, 30, 30, /*withAudio=*/true, /*withVideo=*/false);
  EXPECT_GT(pub.counters().droppedSamples, 0u);
}

TEST(SegmenterTest, PartsNeverExceedTheTargetWhenFramesArriveLate) {
  Publisher pub;
  pub.headers();
  // 30 fps with every fifth frame 12 ms late: predictions are sometimes wrong.
  for (uint32_t i = 0; i < 300; ++i) {
    uint32_t ts = i * 1000 / 30 + (i % 5 == 4 ? 12 : 0);
    pub.video(ts, i % 60 == 0 ? avcKeyframe(0) : avcInterframe(1));
  }
  pub.finish();
  expectWellFormed(pub, 200);
  EXPECT_GE(pub.all<PartRecord>().size(), 45u);
}

TEST(SegmenterTest, APartLeavesOnTheFrameThatFillsItWithoutWaitingForTheNext) {
  Publisher pub;
  pub.headers();
  pub.av(0, 1'000, 30, 60);  // learn the frame interval
  const size_t before = pub.all<PartRecord>().size();
  ASSERT_EQ(before, 5u) << "the part [800, 1000) left with its frame at 967";
  // Frames at 1000..1167 fill the next part: it leaves with the one at 1167.
  for (uint32_t ts : {1'000u, 1'033u, 1'067u, 1'100u, 1'133u}) pub.video(ts, avcInterframe(1));
  EXPECT_EQ(pub.all<PartRecord>().size(), before);
  pub.video(1'167, avcInterframe(2));
  const auto parts = pub.all<PartRecord>();
  ASSERT_EQ(parts.size(), before + 1);
  const PartRecord& part = parts.back();
  EXPECT_EQ(part.startMs, 1'000);
  EXPECT_EQ(part.durationMs, 200u);
  EXPECT_EQ(part.arrivedAt, kWall0 + 1'167) << "the wall clock of its last packet";
  const auto durations = trunDurations(part.video);
  ASSERT_EQ(durations.size(), 6u);
  // The last frame lasts the frame interval, up to the part's end (1200 − 1167 ms).
  EXPECT_EQ(durations.back(), 33u * 90);
  uint64_t end = tfdt(part.video);
  for (uint32_t d : durations) end += d;
  EXPECT_EQ(end, 1'200u * 90) << "ends where the next frame starts";
}

TEST(SegmenterTest, PartsClosedEarlyKeepTheTimelineExactAndContiguous) {
  // 30 fps with every fifth frame 12 ms late: estimates are sometimes wrong.
  for (const bool withAudio : {false, true}) {
    Publisher pub;
    pub.headers();
    std::vector<uint32_t> videoTs;
    for (uint32_t i = 0; i < 300; ++i) {
      const uint32_t ts = i * 1000 / 30 + (i % 5 == 4 ? 12 : 0);
      videoTs.push_back(ts);
      pub.video(ts, i % 60 == 0 ? avcKeyframe(0) : avcInterframe(1));
      if (withAudio) pub.audio(ts + 5, aacRaw(static_cast<uint8_t>(i)));
    }
    pub.finish();
    expectWellFormed(pub, 200);
    // Every video fragment starts at its first frame's real time (no drift),
    // and a fragment's durations end within a frame of the next one's start.
    size_t frame = 0;
    uint64_t end = 0;
    for (const auto& part : pub.all<PartRecord>()) {
      if (part.video.empty()) continue;
      ASSERT_LT(frame, videoTs.size());
      EXPECT_EQ(tfdt(part.video), uint64_t{videoTs[frame]} * 90) << "frame " << frame;
      if (frame > 0) {
        const auto gap = static_cast<int64_t>(tfdt(part.video)) - static_cast<int64_t>(end);
        EXPECT_LE(std::abs(gap), 34 * 90) << "within a frame, frame " << frame;
      }
      end = tfdt(part.video);
      for (uint32_t d : trunDurations(part.video)) end += d;
      frame += trunSampleCount(part.video);
    }
    EXPECT_EQ(frame, videoTs.size()) << "every frame once";
  }
}

TEST(SegmenterTest, TheAudioAfterAPartClosedEarlyEndsTheStreamInALastPart) {
  Publisher pub;
  pub.headers();
  pub.av(0, 4'000, 30, 60, /*withAudio=*/false);  // the last frame (3967) closes its part
  const size_t parts = pub.all<PartRecord>().size();
  pub.audio(3'980, aacRaw(1));
  pub.finish();
  expectWellFormed(pub, 200);
  const auto all = pub.all<PartRecord>();
  ASSERT_EQ(all.size(), parts + 1);
  EXPECT_TRUE(all.back().video.empty());
  EXPECT_EQ(trunSampleCount(all.back().audio), 1u);
  EXPECT_EQ(all.back().startMs, 4'000);
  EXPECT_EQ(pub.all<SegmentRecord>().back().durationMs, 2'000u + all.back().durationMs);
}

TEST(SegmenterTest, ArrivedAtIsTheLatestPacketOfThePartAndSegment) {
  Publisher pub;
  pub.headers();
  pub.av(0, 2'100, 30, 60);
  for (const auto& part : pub.all<PartRecord>()) {
    // The part's last video frame arrived at start + 167 ms; audio may be later.
    EXPECT_GE(part.arrivedAt, kWall0 + part.startMs + 166) << part.part;
    EXPECT_LT(part.arrivedAt, kWall0 + part.startMs + part.durationMs) << part.part;
  }
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].arrivedAt, pub.all<PartRecord>()[9].arrivedAt);
}

TEST(SegmenterTest, WithoutPartsTheSegmentCarriesEachTracksBytes) {
  SegmenterConfig config;
  config.partDurationMs = 0;
  Publisher pub(config);
  pub.headers();
  pub.av(0, 4'500, 30, 60);
  pub.finish();
  EXPECT_TRUE(pub.all<PartRecord>().empty());
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].parts, 0u);
  EXPECT_EQ(trunSampleCount(segments[0].video), 60u);
  EXPECT_GE(trunSampleCount(segments[0].audio), 86u);
}

TEST(SegmenterTest, FramesBeforeTheFirstKeyframeAreDropped) {
  Publisher pub;
  pub.headers();
  pub.video(0, avcInterframe(9));
  pub.video(33, avcInterframe(9));
  pub.av(66, 2'100, 30, 60);
  pub.finish();
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_FALSE(segments.empty());
  EXPECT_EQ(segments[0].startMs, 66);
  EXPECT_EQ(pub.counters().droppedSamples, 2u + 0u);
}

TEST(SegmenterTest, TsFormatMakesWholeSegmentsWithoutParts) {
  SegmenterConfig config;
  config.format = SegmentFormat::kTs;
  Publisher pub(config);
  pub.headers();
  pub.av(0, 4'500, 30, 60);
  pub.finish();
  const auto inits = pub.all<InitRecord>();
  ASSERT_EQ(inits.size(), 1u);
  EXPECT_EQ(inits[0].format, SegmentFormat::kTs);
  EXPECT_TRUE(inits[0].tracks[0].init.empty());
  EXPECT_TRUE(pub.all<PartRecord>().empty());
  const auto segments = pub.all<SegmentRecord>();
  ASSERT_EQ(segments.size(), 3u);
  for (const auto& s : segments) {
    EXPECT_EQ(s.parts, 0u);
    EXPECT_TRUE(s.video.empty());
    EXPECT_TRUE(s.audio.empty());
    ASSERT_GT(s.ts.size(), 0u);
    EXPECT_EQ(s.ts.size() % 188, 0u);
    EXPECT_EQ(s.ts[0], 0x47);  // sync byte
  }
}

}  // namespace
}  // namespace rtmp::hls
