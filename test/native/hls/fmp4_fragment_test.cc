// Fragments: moof + mdat header byte by byte (ISO/IEC 14496-12 §8.8), and
// the sample data handed back as the very slices given (no copy).
#include "hls/fmp4_fragment.h"

#include <gtest/gtest.h>

#include "base/endian.h"
#include "hls/fmp4_test_util.h"

namespace rtmp::hls {
namespace {

using testing::ByteVec;
using testing::cat;
using testing::fourcc;
using testing::hex;
using testing::toBytes;
using testing::toVector;

TrackConfig videoTrack() {
  return testing::track(TrackConfig::Kind::kVideo, media::Codec::kH264, 90000, hex("01"));
}

TEST(Fmp4Fragment, TwoVideoSamplesByteByByte) {
  const base::Bytes payload = toBytes(hex("00000002 6588 00000001 41"));  // two AVCC frames
  std::vector<Sample> samples = {
      {.dts = 0x1'0000'0000,
       .duration = 3000,
       .cto = 6000,
       .sync = true,
       .data = payload.slice(0, 6)},
      {.dts = 0x1'0000'0BB8,
       .duration = 3000,
       .cto = -3000,
       .sync = false,
       .data = payload.slice(6, 5)},
  };
  const auto pieces = writeFragment(7, videoTrack(), samples);
  ASSERT_EQ(pieces.size(), 3u);
  const auto expected = cat({
      hex("00000078"), fourcc("moof"),                    // moof, 120 bytes
      hex("00000010"), fourcc("mfhd"), hex("00 000000"),  // | mfhd, 16
      hex("00000007"),                                    // sequence_number 7
      hex("00000060"), fourcc("traf"),                    // | traf, 96
      hex("00000010"), fourcc("tfhd"), hex("00 020000"),  // | | tfhd, 16, default-base-is-moof
      hex("00000001"),                                    // track_ID 1
      hex("00000014"), fourcc("tfdt"), hex("01 000000"),  // | | tfdt, 20, version 1
      hex("0000000100000000"),                            // baseMediaDecodeTime 2^32
      hex("00000034"), fourcc("trun"), hex("01 000F01"),  // | | trun, 52, version 1, flags:
                                                          // offset, duration, size, flags, cto
      hex("00000002"),                                    // sample_count 2
      hex("00000080"),                             // data_offset 128 = moof 120 + mdat header 8
      hex("00000BB8 00000006 02000000 00001770"),  // 3000, 6 bytes, sync, cto 6000
      hex("00000BB8 00000005 01010000 FFFFF448"),  // 3000, 5 bytes, non-sync, cto -3000
      hex("00000013"), fourcc("mdat"),             // mdat header: 8 + 11 bytes of samples
  });
  EXPECT_EQ(toVector(pieces[0]), expected);
  // The sample pieces are the slices themselves: same storage, nothing copied.
  EXPECT_EQ(pieces[1].data(), payload.data());
  EXPECT_EQ(pieces[1].size(), 6u);
  EXPECT_EQ(pieces[2].data(), payload.data() + 6);
  EXPECT_EQ(pieces[2].size(), 5u);
}

TEST(Fmp4Fragment, AudioSamplesAreAlwaysSync) {
  TrackConfig audio =
      testing::track(TrackConfig::Kind::kAudio, media::Codec::kAac, 48000, hex("1190"));
  const base::Bytes frame = toBytes(hex("21 1B 80"));
  std::vector<Sample> samples = {
      {.dts = 1024, .duration = 1024, .cto = 0, .sync = false, .data = frame},
  };
  const auto pieces = writeFragment(1, audio, samples);
  ASSERT_EQ(pieces.size(), 2u);
  const base::Bytes& header = pieces[0];
  // moof 8 + mfhd 16 + traf 8 + tfhd 16 + tfdt 20 + trun (20 + 16) = 104, then mdat.
  ASSERT_EQ(header.size(), 104u + 8u);
  EXPECT_EQ(base::loadBe64(header.data() + 8 + 16 + 8 + 16 + 12), 1024u);  // tfdt
  const uint8_t* trun = header.data() + 8 + 16 + 8 + 16 + 20;
  EXPECT_EQ(toVector(std::span(trun + 4, 4)), fourcc("trun"));
  EXPECT_EQ(base::loadBe32(trun + 16), 112u);                  // data_offset
  EXPECT_EQ(base::loadBe32(trun + 20 + 8), kSyncSampleFlags);  // sample_flags
  EXPECT_EQ(toVector(header.slice(104)), cat({hex("0000000B"), fourcc("mdat")}));
  EXPECT_EQ(pieces[1], frame);
}

TEST(Fmp4Fragment, SizesAddUpForManySamples) {
  // 300 samples of growing size: the mdat size covers all of them and the
  // data offset points right after the mdat header.
  std::vector<Sample> samples;
  ByteVec all;
  for (uint32_t i = 0; i < 300; ++i) {
    ByteVec data(i % 50 + 1, static_cast<uint8_t>(i));
    all.insert(all.end(), data.begin(), data.end());
    samples.push_back({.dts = 3000ull * i,
                       .duration = 3000,
                       .cto = 0,
                       .sync = i % 30 == 0,
                       .data = toBytes(data)});
  }
  const auto pieces = writeFragment(42, videoTrack(), samples);
  ASSERT_EQ(pieces.size(), 301u);
  const base::Bytes& header = pieces[0];
  const auto top = testing::boxes(header.span());
  ASSERT_EQ(top.size(), 1u);  // the moof; the mdat header is cut off from its payload
  const size_t moofSize = top[0].whole.size();
  EXPECT_EQ(moofSize, 8u + 16 + 8 + 16 + 20 + 20 + 16 * 300);
  EXPECT_EQ(header.size(), moofSize + 8);
  EXPECT_EQ(base::loadBe32(header.data() + moofSize), 8 + all.size());
  auto trun = testing::find(header.span(), {"moof", "traf", "trun"});
  ASSERT_TRUE(trun);
  EXPECT_EQ(base::loadBe32(trun->payload.data() + 4), 300u);
  EXPECT_EQ(base::loadBe32(trun->payload.data() + 8), moofSize + 8);
  // The 31st sample (index 30) is sync again.
  EXPECT_EQ(base::loadBe32(trun->payload.data() + 12 + 16 * 30 + 8), kSyncSampleFlags);
  EXPECT_EQ(base::loadBe32(trun->payload.data() + 12 + 16 * 31 + 8), kNonSyncSampleFlags);

  ByteVec joined;
  for (size_t i = 1; i < pieces.size(); ++i) {
    const ByteVec v = toVector(pieces[i]);
    joined.insert(joined.end(), v.begin(), v.end());
  }
  EXPECT_EQ(joined, all);
}

TEST(Fmp4Fragment, NoSamplesNoFragment) {
  EXPECT_TRUE(writeFragment(1, videoTrack(), {}).empty());
}

TEST(Fmp4Fragment, EmptySampleKeepsItsPlace) {
  // A zero-length sample is still described (size 0) and still a piece, so
  // pieces[i + 1] is always samples[i].
  std::vector<Sample> samples = {
      {.dts = 0, .duration = 1, .cto = 0, .sync = true, .data = {}},
      {.dts = 1, .duration = 1, .cto = 0, .sync = false, .data = toBytes(hex("AA"))},
  };
  const auto pieces = writeFragment(1, videoTrack(), samples);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_TRUE(pieces[1].empty());
  EXPECT_EQ(toVector(pieces[0].slice(pieces[0].size() - 8)),
            cat({hex("00000009"), fourcc("mdat")}));
}

}  // namespace
}  // namespace rtmp::hls
