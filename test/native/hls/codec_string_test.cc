// RFC 6381 codec strings from real records (Debian ffmpeg 5.1 encoders, see
// media/media_test_vectors.h) and from records built by hand field by field.
#include "hls/codec_string.h"

#include <gtest/gtest.h>

#include "hls/fmp4_test_util.h"
#include "media/media_test_vectors.h"

namespace rtmp::hls {
namespace {

using testing::ByteVec;
using testing::hex;
using Kind = TrackConfig::Kind;

std::string video(media::Codec codec, const ByteVec& record) {
  return codecString(testing::track(Kind::kVideo, codec, 90000, record));
}

std::string aac(const ByteVec& asc) {
  return codecString(testing::track(Kind::kAudio, media::Codec::kAac, 48000, asc));
}

// An hvcC with the given profile_tier_level fields and no NAL arrays.
ByteVec hvcc(const std::string& ptl) {
  return testing::cat({hex("01"), hex(ptl),
                       hex("F000 FC FD F8 F8 0000 0F"  // the fields after general_level_idc
                           "00")});                    // numOfArrays 0
}

TEST(CodecString, AvcFromX264Records) {
  // High (100), no constraint flags, level 3.1.
  EXPECT_EQ(video(media::Codec::kH264, media::testing::kAvcRecord720), "avc1.64001f");
  // Constrained Baseline (66, constraint_set0/1), level 1.3, hand-made record
  // around x264's 320x240 SPS.
  const ByteVec baseline = testing::cat({hex("01 42C00D FF E1 0018"), media::testing::kX264Sps240,
                                         hex("01 0006"), media::testing::kX264Pps720});
  EXPECT_EQ(video(media::Codec::kH264, baseline), "avc1.42c00d");
}

TEST(CodecString, HevcFromX265Record) {
  // Main (1), compatibility flags 0x60000000 reversed = 0x6, Main tier level
  // 93, constraint bytes 90 00 00 00 00 00 (progressive, frame only).
  EXPECT_EQ(video(media::Codec::kHevc, media::testing::kHevcRecord720), "hvc1.1.6.L93.90");
}

TEST(CodecString, HevcByHand) {
  // Main 10 (2), compatibility flag 2 only (0x20000000 reversed = 0x4), level 90.
  EXPECT_EQ(video(media::Codec::kHevc, hvcc("02 20000000 900000000000 5A")), "hvc1.2.4.L90.90");
  // The ISO/IEC 14496-15 Annex E example form: progressive, non-packed, frame only.
  EXPECT_EQ(video(media::Codec::kHevc, hvcc("01 60000000 B00000000000 5D")), "hvc1.1.6.L93.B0");
  // Profile space 1 ('A'), High tier (0x20), profile 4 (Range Extensions):
  // compatibility 0x08000000 reversed = 0x10; only trailing zero bytes are
  // dropped, inner zero bytes stay.
  EXPECT_EQ(video(media::Codec::kHevc, hvcc("64 08000000 B00000000001 99")),
            "hvc1.A4.10.H153.B0.00.00.00.00.01");
  // No constraint flags at all: the field is left out entirely.
  EXPECT_EQ(video(media::Codec::kHevc, hvcc("01 60000000 000000000000 3C")), "hvc1.1.6.L60");
  // Profile space 3 ('C'), every compatibility flag.
  EXPECT_EQ(video(media::Codec::kHevc, hvcc("C1 FFFFFFFF 000000000000 5D")),
            "hvc1.C1.FFFFFFFF.L93");
}

TEST(CodecString, Av1FromLibaomRecord) {
  // Main (0), seq_level_idx 1, Main tier, 8-bit.
  EXPECT_EQ(video(media::Codec::kAv1, media::testing::kAomAv1C), "av01.0.01M.08");
}

TEST(CodecString, Av1ByHand) {
  // High profile (1), level idx 13 (5.1), High tier, high_bitdepth → 10-bit; no config OBUs.
  EXPECT_EQ(video(media::Codec::kAv1, hex("81 2D C0 00")), "av01.1.13H.10");
  // Professional (2), level idx 8, Main tier, twelve_bit → 12-bit.
  EXPECT_EQ(video(media::Codec::kAv1, hex("81 48 60 00")), "av01.2.08M.12");
}

TEST(CodecString, AacObjectTypes) {
  // 00010 0100 0010 000: LC, 44.1 kHz (index 4), stereo.
  EXPECT_EQ(aac(hex("1210")), "mp4a.40.2");
  // Debian ffmpeg's aac encoder, 48 kHz stereo: 00010 0011 0010 000.
  EXPECT_EQ(aac(hex("1190")), "mp4a.40.2");
  // Explicit HE-AAC: AOT 5, 24 kHz core (6), stereo, SBR at 48 kHz (3), core
  // AOT 2, GASpecificConfig 000 → 00101 0110 0010 0011 00010 000 (25 bits).
  EXPECT_EQ(aac(hex("2B118800")), "mp4a.40.5");
  // Explicit HE-AACv2: AOT 29, 24 kHz, mono, SBR at 48 kHz, core AOT 2.
  EXPECT_EQ(aac(hex("EB098800")), "mp4a.40.29");
  // Backward-compatible SBR signalling after an LC core (sync extension
  // 0x2B7, AOT 5, sbrPresentFlag 1, 48 kHz): still an HE-AAC stream.
  EXPECT_EQ(aac(hex("1310 56E5 98")), "mp4a.40.5");
}

TEST(CodecString, BadRecordsAndOtherCodecsGiveNothing) {
  EXPECT_EQ(video(media::Codec::kH264, hex("01 64")), "");
  EXPECT_EQ(video(media::Codec::kHevc, hex("01 01 60")), "");
  EXPECT_EQ(video(media::Codec::kAv1, hex("01 00 00 00")), "");  // marker bit missing
  EXPECT_EQ(aac(hex("")), "");
  EXPECT_EQ(video(media::Codec::kVp9, hex("01")), "");
  EXPECT_EQ(codecString(testing::track(Kind::kAudio, media::Codec::kOpus, 48000, hex("00"))), "");
}

}  // namespace
}  // namespace rtmp::hls
