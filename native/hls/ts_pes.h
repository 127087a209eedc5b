// PES packet header (ISO/IEC 13818-1 §2.4.3.6/§2.4.3.7) for one access unit:
//
//   packet_start_code_prefix(24)=0x000001  stream_id(8)  PES_packet_length(16)
//   '10' PES_scrambling_control(2)=00 PES_priority(1)=0 data_alignment_indicator(1)=1
//        copyright(1)=0 original_or_copy(1)=0
//   PTS_DTS_flags(2) ESCR(1)=0 ES_rate(1)=0 DSM_trick_mode(1)=0 additional_copy_info(1)=0
//        PES_CRC(1)=0 PES_extension(1)=0
//   PES_header_data_length(8)
//   PTS: '0010' or '0011' PTS[32..30] 1 | PTS[29..15] 1 | PTS[14..0] 1      (5 bytes)
//   DTS: '0001'           DTS[32..30] 1 | DTS[29..15] 1 | DTS[14..0] 1      (5 bytes, when != PTS)
//
// PES_packet_length counts the bytes after the field. Video may set it to 0
// ("unbounded", §2.4.3.7, allowed only in a transport stream) when the access
// unit is larger than 65535 - 13 bytes; audio frames always fit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rtmp::hls {

inline constexpr uint8_t kPesStreamIdVideo = 0xE0;  // video stream number 0
inline constexpr uint8_t kPesStreamIdAudio = 0xC0;  // audio stream number 0
inline constexpr size_t kPesHeaderMaxSize = 19;
inline constexpr uint64_t kPts33Mask = (uint64_t{1} << 33) - 1;

struct PesHeader {
  std::array<uint8_t, kPesHeaderMaxSize> bytes{};
  uint8_t size = 0;  // 14 with a PTS only, 19 with PTS and DTS
};

// pts and dts are 90 kHz ticks, taken modulo 2^33. The DTS is written only
// when given and different from the PTS (§2.4.3.7: a DTS equal to the PTS is
// left out). payloadSize is the elementary-stream bytes that follow.
PesHeader makePesHeader(uint8_t streamId, uint64_t pts, std::optional<uint64_t> dts,
                        size_t payloadSize);

}  // namespace rtmp::hls
