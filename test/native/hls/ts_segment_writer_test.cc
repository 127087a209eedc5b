#include "hls/ts_segment_writer.h"

#include <gtest/gtest.h>

#include <map>

#include "hls/ts_psi.h"
#include "hls/ts_test_util.h"
#include "media/media_test_vectors.h"

namespace rtmp::hls {
namespace {

using media::testing::kAvcRecord720;
using tstest::ByteVec;
using tstest::makeSample;
using tstest::makeTrack;
using Kind = TrackConfig::Kind;

const ByteVec kAsc = {0x12, 0x10};  // AAC LC, 44100 Hz, stereo
const ByteVec kIdr = {0x65, 0x88, 0x84, 0x00, 0x33};
const ByteVec kSlice = {0x41, 0x9A, 0x02, 0x00};

std::vector<TrackConfig> avTracks() {
  return {makeTrack(Kind::kVideo, media::Codec::kH264, 90000, kAvcRecord720),
          makeTrack(Kind::kAudio, media::Codec::kAac, 44100, kAsc)};
}

// A slice NAL unit (type 1) of 400 bytes tagged with n.
ByteVec taggedSlice(uint64_t n) {
  ByteVec nal(400, uint8_t(n));
  nal[0] = 0x01;
  return nal;
}

// 30 fps video with B-frame style offsets and 44.1 kHz AAC frames of 1024 samples.
std::vector<std::vector<Sample>> avSamples(uint64_t firstFrame, size_t frames) {
  std::vector<Sample> video, audio;
  for (size_t i = 0; i < frames; ++i) {
    const uint64_t n = firstFrame + i;
    const bool key = n % 30 == 0;
    video.push_back(makeSample(n * 3000, key ? 0 : 6000, key,
                               tstest::avcc({key ? kIdr : kSlice, taggedSlice(n)})));
  }
  const uint64_t firstAudio = (firstFrame * 44100 / 30 + 1023) / 1024;
  const uint64_t endAudio = ((firstFrame + frames) * 44100 / 30 + 1023) / 1024;
  for (uint64_t k = firstAudio; k < endAudio; ++k) {
    audio.push_back(makeSample(k * 1024, 0, true, ByteVec(300, uint8_t(k))));
  }
  return {video, audio};
}

TEST(TsSegmentWriter, SegmentStartsWithPatAndPmtAndHoldsEverySample) {
  TsSegmentWriter writer(avTracks());
  const auto samples = avSamples(0, 30);
  const ByteVec ts = tstest::toVector(writer.writeSegment(samples));
  ASSERT_EQ(ts.size() % kTsPacketSize, 0u);
  const auto packets = tstest::parsePackets(ts);
  for (size_t i = 0; i < packets.size(); ++i) ASSERT_EQ(ts[i * kTsPacketSize], 0x47) << i;
  ASSERT_GE(packets.size(), 2u);
  EXPECT_EQ(packets[0].pid, kTsPatPid);
  EXPECT_EQ(packets[1].pid, kTsPmtPid);
  const ByteVec pat = makePatSection();
  EXPECT_EQ(ByteVec(packets[0].payload.begin() + 1, packets[0].payload.begin() + 1 + pat.size()),
            pat);
  const TsElementaryStream streams[] = {{kTsStreamTypeH264, kTsVideoPid},
                                        {kTsStreamTypeAacAdts, kTsAudioPid}};
  const ByteVec pmt = makePmtSection(kTsVideoPid, streams);
  EXPECT_EQ(ByteVec(packets[1].payload.begin() + 1, packets[1].payload.begin() + 1 + pmt.size()),
            pmt);

  const auto pes = tstest::collectPes(packets);
  ASSERT_EQ(pes.size(), samples[0].size() + samples[1].size());
  EXPECT_EQ(writer.counters().samples, pes.size());
  EXPECT_EQ(writer.counters().droppedSamples, 0u);
  // Interleaved by DTS, and each track's PES carries its samples in order.
  uint64_t lastDts = 0;
  size_t v = 0, a = 0;
  for (const auto& p : pes) {
    EXPECT_GE(p.dts, lastDts);
    lastDts = p.dts;
    if (p.pid == kTsVideoPid) {
      const Sample& s = samples[0][v++];
      EXPECT_EQ(p.streamId, 0xE0);
      EXPECT_EQ(p.dts, s.dts);
      EXPECT_EQ(p.pts, s.dts + s.cto);
      EXPECT_EQ(p.hasDts, s.cto != 0);
      EXPECT_TRUE(p.hasPcr);  // PCR in every video PES, equal to its DTS
      EXPECT_EQ(p.pcr, p.dts);
      EXPECT_EQ(p.randomAccess, s.sync);
      // Ends with the sample's last NAL unit, after a start code.
      const ByteVec last = taggedSlice(v - 1);
      ASSERT_GE(p.data.size(), last.size()) << "video " << v << " dts " << p.dts;
      EXPECT_EQ(ByteVec(p.data.end() - 400, p.data.end()), last);
    } else {
      ASSERT_EQ(p.pid, kTsAudioPid);
      const Sample& s = samples[1][a++];
      EXPECT_EQ(p.streamId, 0xC0);
      EXPECT_FALSE(p.hasDts);
      EXPECT_FALSE(p.hasPcr);
      // 44.1 kHz → 90 kHz, rounded to the nearest tick.
      EXPECT_EQ(p.pts, (s.dts * 90000 + 22050) / 44100);
      EXPECT_EQ(p.data.size(), 7u + 300u);
      EXPECT_EQ(p.data[0], 0xFF);  // ADTS syncword
    }
  }
  EXPECT_EQ(v, samples[0].size());
  EXPECT_EQ(a, samples[1].size());
}

TEST(TsSegmentWriter, ContinuityCountersRunOnAcrossSegments) {
  TsSegmentWriter writer(avTracks());
  ByteVec all = tstest::toVector(writer.writeSegment(avSamples(0, 30)));
  const ByteVec second = tstest::toVector(writer.writeSegment(avSamples(30, 30)));
  all.insert(all.end(), second.begin(), second.end());
  std::map<uint16_t, int> last;
  size_t checked = 0;
  for (const auto& k : tstest::parsePackets(all)) {
    ASSERT_TRUE(k.hasPayload);
    auto it = last.find(k.pid);
    if (it != last.end()) {
      ASSERT_EQ(k.cc, (it->second + 1) % 16) << "pid " << k.pid;
      ++checked;
    }
    last[k.pid] = k.cc;
  }
  EXPECT_GT(checked, 100u);
  // The second segment starts with its own PAT and PMT.
  EXPECT_EQ(second[1] & 0x1F, 0);
  EXPECT_EQ(second[2], 0);
  EXPECT_EQ(second[188 + 1] & 0x1F, 0x10);
  EXPECT_EQ(writer.counters().segments, 2u);
}

TEST(TsSegmentWriter, AudioOnlyCarriesThePcrOnTheAudioPid) {
  TsSegmentWriter writer({makeTrack(Kind::kAudio, media::Codec::kAac, 48000, {0x11, 0x90})});
  std::vector<Sample> audio;
  for (uint64_t k = 0; k < 10; ++k) audio.push_back(makeSample(k * 1024, 0, true, ByteVec(50)));
  const ByteVec ts = tstest::toVector(writer.writeSegment({audio}));
  const auto packets = tstest::parsePackets(ts);
  const TsElementaryStream streams[] = {{kTsStreamTypeAacAdts, kTsAudioPid}};
  const ByteVec pmt = makePmtSection(kTsAudioPid, streams);
  EXPECT_EQ(ByteVec(packets[1].payload.begin() + 1, packets[1].payload.begin() + 1 + pmt.size()),
            pmt);
  const auto pes = tstest::collectPes(packets);
  ASSERT_EQ(pes.size(), 10u);
  for (size_t k = 0; k < pes.size(); ++k) {
    EXPECT_TRUE(pes[k].hasPcr);
    EXPECT_TRUE(pes[k].randomAccess);
    EXPECT_EQ(pes[k].pts, k * 1920);  // 1024 samples at 48 kHz = 1920 ticks
    EXPECT_EQ(pes[k].pcr, pes[k].pts);
  }
}

TEST(TsSegmentWriter, Av1TrackIsLeftOut) {
  TsSegmentWriter writer(
      {makeTrack(Kind::kVideo, media::Codec::kAv1, 90000, media::testing::kAomAv1C),
       makeTrack(Kind::kAudio, media::Codec::kAac, 44100, kAsc)});
  EXPECT_FALSE(writer.carries(0));
  EXPECT_TRUE(writer.carries(1));
  ASSERT_EQ(writer.skippedTracks().size(), 1u);
  EXPECT_NE(writer.skippedTracks()[0].find("AV1"), std::string::npos) << writer.skippedTracks()[0];
  const ByteVec ts = tstest::toVector(writer.writeSegment(
      {{makeSample(0, 0, true, {0x12, 0x00})}, {makeSample(0, 0, true, ByteVec(20))}}));
  const auto pes = tstest::collectPes(tstest::parsePackets(ts));
  ASSERT_EQ(pes.size(), 1u);
  EXPECT_EQ(pes[0].pid, kTsAudioPid);
  EXPECT_TRUE(pes[0].hasPcr);  // audio carries the PCR when no video is carried
}

TEST(TsSegmentWriter, SecondTrackOfAKindIsLeftOut) {
  auto tracks = avTracks();
  tracks.push_back(makeTrack(Kind::kAudio, media::Codec::kAac, 44100, kAsc));
  TsSegmentWriter writer(tracks);
  EXPECT_TRUE(writer.carries(0));
  EXPECT_TRUE(writer.carries(1));
  EXPECT_FALSE(writer.carries(2));
}

TEST(TsSegmentWriter, MalformedSampleIsDroppedAndCounted) {
  TsSegmentWriter writer(avTracks());
  const ByteVec bad = {0x00, 0x00, 0x01, 0x00, 0x41};  // claims 256 bytes
  const ByteVec ts = tstest::toVector(writer.writeSegment(
      {{makeSample(0, 0, true, tstest::avcc({kIdr})), makeSample(3000, 0, false, bad),
        makeSample(6000, 0, false, tstest::avcc({kSlice}))},
       {}}));
  const auto pes = tstest::collectPes(tstest::parsePackets(ts));
  ASSERT_EQ(pes.size(), 2u);
  EXPECT_EQ(pes[1].dts, 6000u);
  EXPECT_EQ(writer.counters().droppedSamples, 1u);
  EXPECT_EQ(writer.counters().samples, 2u);
}

TEST(TsSegmentWriter, NegativeCompositionOffsetWrapsThe33BitClock) {
  TsSegmentWriter writer(avTracks());
  const ByteVec ts = tstest::toVector(
      writer.writeSegment({{makeSample(0, -3000, true, tstest::avcc({kIdr}))}, {}}));
  const auto pes = tstest::collectPes(tstest::parsePackets(ts));
  ASSERT_EQ(pes.size(), 1u);
  EXPECT_EQ(pes[0].pts, (uint64_t{1} << 33) - 3000);
  EXPECT_EQ(pes[0].dts, 0u);
}

TEST(TsSegmentWriter, EmptySegmentIsPatAndPmt) {
  TsSegmentWriter writer(avTracks());
  EXPECT_EQ(writer.writeSegment({}).size(), 2 * kTsPacketSize);
  TsSegmentWriter nothing({});
  const ByteVec ts = tstest::toVector(nothing.writeSegment({}));
  ASSERT_EQ(ts.size(), 2 * kTsPacketSize);
  EXPECT_EQ(ts[188 + 5 + 8], 0xFF);  // PCR_PID: the null PID
}

}  // namespace
}  // namespace rtmp::hls
