#include "hls/ts_psi.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace rtmp::hls {
namespace {

using ByteVec = std::vector<uint8_t>;

TEST(TsPsi, Crc32Mpeg2CheckValue) {
  // The catalogued check value of CRC-32/MPEG-2 over the ASCII digits "123456789".
  constexpr std::string_view kDigits = "123456789";
  const ByteVec digits(kDigits.begin(), kDigits.end());
  EXPECT_EQ(crc32Mpeg2(digits), 0x0376E6E7u);
  EXPECT_EQ(crc32Mpeg2({}), 0xFFFFFFFFu);
}

TEST(TsPsi, PatMatchesFfmpegs) {
  // The PAT section ffmpeg 5.1's mpegts muxer writes (same ids, same PMT PID).
  const ByteVec expected = {
      0x00,                    // table_id: program_association_section
      0xB0, 0x0D,              // syntax 1, '0', reserved 11, section_length 13
      0x00, 0x01,              // transport_stream_id 1
      0xC1,                    // reserved 11, version 0, current_next 1
      0x00, 0x00,              // section_number, last_section_number
      0x00, 0x01,              // program_number 1
      0xF0, 0x00,              // reserved 111, program_map_PID 0x1000
      0x2A, 0xB1, 0x04, 0xB2,  // CRC_32
  };
  EXPECT_EQ(makePatSection(), expected);
  // A section with its CRC appended checks to zero (Annex A).
  EXPECT_EQ(crc32Mpeg2(expected), 0u);
}

TEST(TsPsi, PmtForH264AndAacMatchesFfmpegs) {
  const TsElementaryStream streams[] = {{kTsStreamTypeH264, kTsVideoPid},
                                        {kTsStreamTypeAacAdts, kTsAudioPid}};
  const ByteVec expected = {
      0x02,                    // table_id: TS_program_map_section
      0xB0, 0x17,              // syntax 1, '0', reserved 11, section_length 23
      0x00, 0x01,              // program_number 1
      0xC1,                    // reserved 11, version 0, current_next 1
      0x00, 0x00,              // section_number, last_section_number
      0xE1, 0x00,              // reserved 111, PCR_PID 0x100
      0xF0, 0x00,              // reserved 1111, program_info_length 0
      0x1B, 0xE1, 0x00,        // stream_type H.264, reserved 111, elementary_PID 0x100
      0xF0, 0x00,              // reserved 1111, ES_info_length 0
      0x0F, 0xE1, 0x01,        // stream_type AAC ADTS, elementary_PID 0x101
      0xF0, 0x00,              // ES_info_length 0
      0x2F, 0x44, 0xB9, 0x9B,  // CRC_32
  };
  EXPECT_EQ(makePmtSection(kTsVideoPid, streams), expected);
}

TEST(TsPsi, PmtForAudioOnlyAndHevc) {
  const TsElementaryStream audio[] = {{kTsStreamTypeAacAdts, kTsAudioPid}};
  const ByteVec a = makePmtSection(kTsAudioPid, audio);
  ASSERT_EQ(a.size(), 3u + 18u);
  EXPECT_EQ(a[2], 18);  // section_length: 9 fixed + 5 per stream + 4 CRC
  EXPECT_EQ(a[8], 0xE1);
  EXPECT_EQ(a[9], 0x01);  // PCR on the audio PID
  EXPECT_EQ(crc32Mpeg2(a), 0u);

  const TsElementaryStream hevc[] = {{kTsStreamTypeHevc, kTsVideoPid}};
  const ByteVec h = makePmtSection(kTsVideoPid, hevc);
  EXPECT_EQ(h[12], 0x24);
  EXPECT_EQ(crc32Mpeg2(h), 0u);

  // No streams: PCR_PID is the null PID (§2.4.4.9).
  const ByteVec none = makePmtSection(kTsNullPid, {});
  EXPECT_EQ(none[8], 0xFF);
  EXPECT_EQ(none[9], 0xFF);
  EXPECT_EQ(crc32Mpeg2(none), 0u);
}

}  // namespace
}  // namespace rtmp::hls
