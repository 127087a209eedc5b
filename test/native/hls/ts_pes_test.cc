#include "hls/ts_pes.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::hls {
namespace {

using ByteVec = std::vector<uint8_t>;

ByteVec bytesOf(const PesHeader& h) {
  return ByteVec(h.bytes.begin(), h.bytes.begin() + h.size);
}

TEST(TsPes, AudioHeaderWithPtsOnly) {
  // 126000 = 1.4 s, the first PTS ffmpeg's mpegts muxer writes by default.
  const ByteVec expected = {
      0x00, 0x00, 0x01,              // packet_start_code_prefix
      0xC0,                          // stream_id: audio stream 0
      0x01, 0x0A,                    // PES_packet_length 266 = 3 + 5 + 258
      0x84,                          // '10', not scrambled, data_alignment_indicator 1
      0x80,                          // PTS_DTS_flags 10 (PTS only)
      0x05,                          // PES_header_data_length
      0x21, 0x00, 0x07, 0xD8, 0x61,  // '0010' PTS 126000 with marker bits
  };
  EXPECT_EQ(bytesOf(makePesHeader(kPesStreamIdAudio, 126000, std::nullopt, 258)), expected);
}

TEST(TsPes, VideoHeaderWithPtsAndDts) {
  // PTS 93003 (0x16B4B), DTS 90000 (0x15F90): a B-frame stream's reordering.
  const ByteVec expected = {
      0x00, 0x00, 0x01, 0xE0,        // start code, stream_id: video stream 0
      0x00, 0x14,                    // PES_packet_length 20 = 3 + 10 + 7
      0x84, 0xC0,                    // PTS_DTS_flags 11
      0x0A,                          // PES_header_data_length 10
      0x31, 0x00, 0x05, 0xD6, 0x97,  // '0011' PTS 93003
      0x11, 0x00, 0x05, 0xBF, 0x21,  // '0001' DTS 90000
  };
  EXPECT_EQ(bytesOf(makePesHeader(kPesStreamIdVideo, 93003, 90000, 7)), expected);
}

TEST(TsPes, DtsEqualToPtsIsLeftOut) {
  const PesHeader h = makePesHeader(kPesStreamIdVideo, 90000, 90000, 7);
  EXPECT_EQ(h.size, 14);
  EXPECT_EQ(h.bytes[7], 0x80);
  EXPECT_EQ(h.bytes[9], 0x21);  // '0010' prefix
}

TEST(TsPes, TimestampsWrapAt33Bits) {
  const uint64_t wrapped = (uint64_t{1} << 33) + 90000;
  EXPECT_EQ(bytesOf(makePesHeader(kPesStreamIdVideo, wrapped, std::nullopt, 0)),
            bytesOf(makePesHeader(kPesStreamIdVideo, 90000, std::nullopt, 0)));
  // The top bit of 33 lands in bit 3 of the first timestamp byte.
  const PesHeader top = makePesHeader(kPesStreamIdVideo, uint64_t{1} << 32, std::nullopt, 0);
  EXPECT_EQ(top.bytes[9], 0x29);  // '0010' 100 1
  EXPECT_EQ(top.bytes[13], 0x01);
}

TEST(TsPes, LargeVideoAccessUnitIsUnbounded) {
  const PesHeader fits = makePesHeader(kPesStreamIdVideo, 0, 1, 0xFFFF - 13);
  EXPECT_EQ(fits.bytes[4], 0xFF);
  EXPECT_EQ(fits.bytes[5], 0xFF);
  const PesHeader big = makePesHeader(kPesStreamIdVideo, 0, 1, 0xFFFF - 12);
  EXPECT_EQ(big.bytes[4], 0x00);  // 0: unbounded, allowed for video in a transport stream
  EXPECT_EQ(big.bytes[5], 0x00);
}

}  // namespace
}  // namespace rtmp::hls
