// Program-specific information for one-program MPEG-TS (ISO/IEC 13818-1
// §2.4.4): the Program Association Table, the Program Map Table and the
// CRC that ends every section.
//
// PAT section (§2.4.4.3), 17 bytes for one program:
//   table_id(8)=0x00  section_syntax_indicator(1)=1 '0'(1) reserved(2)=11 section_length(12)
//   transport_stream_id(16)  reserved(2)=11 version_number(5) current_next_indicator(1)=1
//   section_number(8)=0  last_section_number(8)=0
//   { program_number(16)  reserved(3)=111 program_map_PID(13) }
//   CRC_32(32)
// PMT section (§2.4.4.8):
//   table_id(8)=0x02  1 0 11 section_length(12)
//   program_number(16)  11 version_number(5) current_next_indicator(1)=1
//   section_number(8)=0  last_section_number(8)=0
//   reserved(3)=111 PCR_PID(13)  reserved(4)=1111 program_info_length(12)=0
//   { stream_type(8)  reserved(3)=111 elementary_PID(13)  reserved(4)=1111 ES_info_length(12)=0 }*
//   CRC_32(32)
// section_length counts the bytes after it, CRC included.
//
// Choices: one program (number 1), version 0 forever (a codec change starts a
// new writer, and a new PMT after a discontinuity is what players expect), no
// descriptors (stream types 0x1B/0x24/0x0F need none for HLS players).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rtmp::hls {

// The PIDs this writer uses (the values ffmpeg and Apple's segmenter use too).
inline constexpr uint16_t kTsPatPid = 0x0000;
inline constexpr uint16_t kTsPmtPid = 0x1000;
inline constexpr uint16_t kTsVideoPid = 0x0100;
inline constexpr uint16_t kTsAudioPid = 0x0101;
inline constexpr uint16_t kTsNullPid = 0x1FFF;  // PCR_PID when the program has no PCR

// stream_type values (§2.4.4.9 Table 2-34, and the H.265 amendment).
inline constexpr uint8_t kTsStreamTypeAacAdts = 0x0F;
inline constexpr uint8_t kTsStreamTypeH264 = 0x1B;
inline constexpr uint8_t kTsStreamTypeHevc = 0x24;

inline constexpr uint16_t kTsProgramNumber = 1;

// CRC-32/MPEG-2 (Annex A): polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no
// bit reflection, no final XOR. Over a whole section including its CRC it gives 0.
uint32_t crc32Mpeg2(std::span<const uint8_t> data);

struct TsElementaryStream {
  uint8_t streamType = 0;
  uint16_t pid = 0;
};

// The PAT section for the one program (pointer_field not included).
std::vector<uint8_t> makePatSection(uint16_t transportStreamId = 1);

// The PMT section of the one program (pointer_field not included).
std::vector<uint8_t> makePmtSection(uint16_t pcrPid, std::span<const TsElementaryStream> streams);

}  // namespace rtmp::hls
