#include "hls/ts_psi.h"

#include <array>

#include "base/endian.h"

namespace rtmp::hls {

namespace {

constexpr uint32_t kCrcPolynomial = 0x04C11DB7;

// Byte-at-a-time table for the MSB-first CRC.
constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i << 24;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80000000u) ? (crc << 1) ^ kCrcPolynomial : crc << 1;
    }
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = makeCrcTable();

// The eight bytes after section_length that PAT and PMT share the shape of:
// id(16), reserved 11 | version 00000 | current_next 1, section_number, last_section_number.
void appendSyntaxHeader(std::vector<uint8_t>& s, uint16_t id) {
  s.push_back(static_cast<uint8_t>(id >> 8));
  s.push_back(static_cast<uint8_t>(id));
  s.push_back(0xC1);  // reserved 11, version_number 0, current_next_indicator 1
  s.push_back(0x00);  // section_number
  s.push_back(0x00);  // last_section_number
}

// Writes section_length (bytes after the field, CRC included) and appends the CRC.
void finishSection(std::vector<uint8_t>& s) {
  const size_t length = s.size() - 3 + 4;
  s[1] = static_cast<uint8_t>(0xB0 | (length >> 8));  // syntax 1, '0', reserved 11
  s[2] = static_cast<uint8_t>(length);
  const uint32_t crc = crc32Mpeg2(s);
  s.resize(s.size() + 4);
  base::storeBe32(s.data() + s.size() - 4, crc);
}

}  // namespace

uint32_t crc32Mpeg2(std::span<const uint8_t> data) {
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t byte : data) crc = (crc << 8) ^ kCrcTable[(crc >> 24) ^ byte];
  return crc;
}

std::vector<uint8_t> makePatSection(uint16_t transportStreamId) {
  std::vector<uint8_t> s = {0x00, 0, 0};  // table_id, section_length filled in later
  appendSyntaxHeader(s, transportStreamId);
  s.push_back(static_cast<uint8_t>(kTsProgramNumber >> 8));
  s.push_back(static_cast<uint8_t>(kTsProgramNumber));
  s.push_back(static_cast<uint8_t>(0xE0 | (kTsPmtPid >> 8)));  // reserved 111
  s.push_back(static_cast<uint8_t>(kTsPmtPid));
  finishSection(s);
  return s;
}

std::vector<uint8_t> makePmtSection(uint16_t pcrPid, std::span<const TsElementaryStream> streams) {
  std::vector<uint8_t> s = {0x02, 0, 0};
  appendSyntaxHeader(s, kTsProgramNumber);
  s.push_back(static_cast<uint8_t>(0xE0 | (pcrPid >> 8)));  // reserved 111
  s.push_back(static_cast<uint8_t>(pcrPid));
  s.push_back(0xF0);  // reserved 1111, program_info_length 0
  s.push_back(0x00);
  for (const TsElementaryStream& es : streams) {
    s.push_back(es.streamType);
    s.push_back(static_cast<uint8_t>(0xE0 | (es.pid >> 8)));
    s.push_back(static_cast<uint8_t>(es.pid));
    s.push_back(0xF0);  // reserved 1111, ES_info_length 0
    s.push_back(0x00);
  }
  finishSection(s);
  return s;
}

}  // namespace rtmp::hls
