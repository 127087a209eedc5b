#include "hls/ts_access_unit.h"

#include <gtest/gtest.h>

#include "hls/ts_psi.h"
#include "hls/ts_test_util.h"
#include "media/media_test_vectors.h"

namespace rtmp::hls {
namespace {

using base::ErrorCode;
using media::testing::kAvcRecord720;
using media::testing::kHevcRecord720;
using media::testing::kX264Pps720;
using media::testing::kX264Sps720;
using media::testing::kX265Pps;
using media::testing::kX265Sps720;
using media::testing::kX265Vps720;
using tstest::ByteVec;
using tstest::join;
using Kind = TrackConfig::Kind;

const ByteVec kStart = {0x00, 0x00, 0x00, 0x01};
const ByteVec kIdr = {0x65, 0x88, 0x84, 0x00, 0x33};  // nal_unit_type 5
const ByteVec kSei = {0x06, 0x05, 0x01, 0x80};        // nal_unit_type 6
const ByteVec kSlice = {0x41, 0x9A, 0x02, 0x00};      // nal_unit_type 1
const ByteVec kOwnAud = {0x09, 0x10};                 // an encoder's AUD (I slices only)

ByteVec assemble(const TsTrack& track, const Sample& sample, size_t* size = nullptr) {
  std::vector<std::span<const uint8_t>> pieces;
  media::AdtsHeader adts{};
  auto n = appendAccessUnit(track, sample, pieces, adts);
  EXPECT_TRUE(n.ok()) << n.error().toString();
  ByteVec out;
  for (auto piece : pieces) out.insert(out.end(), piece.begin(), piece.end());
  if (n.ok()) {
    EXPECT_EQ(*n, out.size());
  }
  if (size) *size = out.size();
  return out;
}

TsTrack h264Track() {
  auto t = makeTsTrack(tstest::makeTrack(Kind::kVideo, media::Codec::kH264, 90000, kAvcRecord720),
                       0x100);
  EXPECT_TRUE(t.ok()) << t.error().toString();
  return *t;
}

TEST(TsAccessUnit, H264KeyframeGetsAudAndParameterSets) {
  const TsTrack track = h264Track();
  EXPECT_EQ(track.streamType, kTsStreamTypeH264);
  EXPECT_EQ(track.streamId, 0xE0);
  const ByteVec got = assemble(track, tstest::makeSample(0, 0, true, tstest::avcc({kSei, kIdr})));
  const ByteVec expected = join({
      {0x00, 0x00, 0x00, 0x01, 0x09, 0xF0},  // AUD: type 9, primary_pic_type 7, stop bit
      kStart,
      kX264Sps720,  // from the avcC record
      kStart,
      kX264Pps720,
      kStart,
      kSei,  // the sample's own units, in order
      kStart,
      kIdr,
  });
  EXPECT_EQ(got, expected);
}

TEST(TsAccessUnit, H264DeltaFrameHasNoParameterSetsAndLosesItsOwnAud) {
  const ByteVec got =
      assemble(h264Track(), tstest::makeSample(0, 0, false, tstest::avcc({kOwnAud, kSlice})));
  EXPECT_EQ(got, join({{0x00, 0x00, 0x00, 0x01, 0x09, 0xF0}, kStart, kSlice}));
}

TEST(TsAccessUnit, ShortNalLengthsAreRewrittenToo) {
  // lengthSizeMinusOne 1: two-byte lengths.
  ByteVec record = kAvcRecord720;
  record[4] = 0xFD;
  auto track =
      makeTsTrack(tstest::makeTrack(Kind::kVideo, media::Codec::kH264, 90000, record), 0x100);
  ASSERT_TRUE(track.ok());
  const ByteVec au = {0x00, 0x04, 0x41, 0x9A, 0x02, 0x00, 0x00, 0x02, 0x41, 0x01};
  EXPECT_EQ(assemble(*track, tstest::makeSample(0, 0, false, au)),
            join({{0x00, 0x00, 0x00, 0x01, 0x09, 0xF0}, kStart, kSlice, kStart, {0x41, 0x01}}));
}

TEST(TsAccessUnit, HevcKeyframeGetsAudAndVpsSpsPps) {
  auto track = makeTsTrack(
      tstest::makeTrack(Kind::kVideo, media::Codec::kHevc, 90000, kHevcRecord720), 0x100);
  ASSERT_TRUE(track.ok()) << track.error().toString();
  EXPECT_EQ(track->streamType, kTsStreamTypeHevc);
  const ByteVec idr = {0x26, 0x01, 0xAF, 0x10};  // nal_unit_type 19 (IDR_W_RADL)
  const ByteVec aud = {0x46, 0x01, 0x10};        // an encoder's own AUD (type 35)
  const ByteVec got = assemble(*track, tstest::makeSample(0, 0, true, tstest::avcc({aud, idr})));
  const ByteVec expected = join({
      {0x00, 0x00, 0x00, 0x01, 0x46, 0x01, 0x50},  // AUD: type 35, tid 1, pic_type 2, stop bit
      kStart,
      kX265Vps720,
      kStart,
      kX265Sps720,
      kStart,
      kX265Pps,
      kStart,
      idr,
  });
  EXPECT_EQ(got, expected);
}

TEST(TsAccessUnit, AacFrameGetsAnAdtsHeader) {
  // AudioSpecificConfig 12 10: AAC LC, 44100 Hz, stereo.
  auto track = makeTsTrack(
      tstest::makeTrack(Kind::kAudio, media::Codec::kAac, 44100, ByteVec{0x12, 0x10}), 0x101);
  ASSERT_TRUE(track.ok()) << track.error().toString();
  EXPECT_EQ(track->streamType, kTsStreamTypeAacAdts);
  EXPECT_EQ(track->streamId, 0xC0);
  const ByteVec frame(100, 0x21);
  const ByteVec expected = join({
      {0xFF, 0xF1, 0x50, 0x80, 0x0D, 0x7F, 0xFC},  // ADTS: LC, 44100, 2 ch, length 107
      frame,
  });
  EXPECT_EQ(assemble(*track, tstest::makeSample(0, 0, true, frame)), expected);
}

TEST(TsAccessUnit, RefusesWhatTsDoesNotCarry) {
  auto av1 = makeTsTrack(
      tstest::makeTrack(Kind::kVideo, media::Codec::kAv1, 90000, media::testing::kAomAv1C), 0x100);
  EXPECT_EQ(av1.error().code(), ErrorCode::kUnsupported);
  auto opus = makeTsTrack(tstest::makeTrack(Kind::kAudio, media::Codec::kOpus, 48000, {}), 0x101);
  EXPECT_EQ(opus.error().code(), ErrorCode::kUnsupported);
  // AAC with an escape (explicit) frequency: no ADTS header can say it.
  auto explicitRate = makeTsTrack(tstest::makeTrack(Kind::kAudio, media::Codec::kAac, 44100,
                                                    ByteVec{0x17, 0x80, 0x56, 0x22, 0x10}),
                                  0x101);
  EXPECT_FALSE(explicitRate.ok());
  auto zero =
      makeTsTrack(tstest::makeTrack(Kind::kVideo, media::Codec::kH264, 0, kAvcRecord720), 0x100);
  EXPECT_EQ(zero.error().code(), ErrorCode::kUnsupported);
  auto broken = makeTsTrack(
      tstest::makeTrack(Kind::kVideo, media::Codec::kH264, 90000, ByteVec{0x01, 0x64}), 0x100);
  EXPECT_FALSE(broken.ok());
}

TEST(TsAccessUnit, MalformedSampleAppendsNothing) {
  const TsTrack track = h264Track();
  std::vector<std::span<const uint8_t>> pieces(1);
  media::AdtsHeader adts{};
  // Second unit claims 200 bytes; 2 remain.
  const ByteVec bad = join({tstest::avcc({kSlice}), {0x00, 0x00, 0x00, 0xC8, 0x41, 0x00}});
  auto n = appendAccessUnit(track, tstest::makeSample(0, 0, false, bad), pieces, adts);
  EXPECT_EQ(n.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(pieces.size(), 1u);
}

}  // namespace
}  // namespace rtmp::hls
