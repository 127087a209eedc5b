// Transport stream packets (ISO/IEC 13818-1 §2.4.3.2-§2.4.3.5): cuts a PES
// packet or a PSI section into 188-byte packets of one PID.
//
//   sync_byte(8)=0x47  transport_error_indicator(1)=0  payload_unit_start_indicator(1)
//   transport_priority(1)=0  PID(13)
//   transport_scrambling_control(2)=00  adaptation_field_control(2)  continuity_counter(4)
//   [adaptation_field]  [payload]
//
// Adaptation field (§2.4.3.4), when the first packet of a PES needs one or the
// last packet needs stuffing:
//   adaptation_field_length(8)
//   discontinuity_indicator(1)=0 random_access_indicator(1) elementary_stream_priority(1)=0
//   PCR_flag(1) OPCR_flag(1)=0 splicing_point_flag(1)=0 private_data(1)=0 extension(1)=0
//   [program_clock_reference_base(33) reserved(6)=111111 program_clock_reference_extension(9)]
//   stuffing_byte 0xFF ...
// A PES packet ends exactly at a packet end: the last packet's adaptation field
// is stretched with stuffing (§2.4.3.5: the only stuffing allowed for PES). A
// single byte of stuffing is an adaptation field of length 0.
// PSI sections are padded with 0xFF after the section instead (§2.4.4.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "base/bytes.h"

namespace rtmp::hls {

inline constexpr size_t kTsPacketSize = 188;
inline constexpr size_t kTsHeaderSize = 4;
inline constexpr size_t kTsPayloadMax = kTsPacketSize - kTsHeaderSize;  // 184
inline constexpr uint8_t kTsSyncByte = 0x47;

// continuity_counter per PID (§2.4.3.3): counts packets that carry payload,
// modulo 16. One object per output stream, so counters run on across segments
// and a player that appends segments sees no discontinuity.
class TsContinuity {
 public:
  // The counter for the next payload-carrying packet of pid, then advances it.
  uint8_t next(uint16_t pid);
  // Without advancing (tests).
  uint8_t peek(uint16_t pid) const;

 private:
  std::map<uint16_t, uint8_t> counters_;
};

// What the first packet of a PES carries in its adaptation field.
struct TsPesStart {
  bool randomAccess = false;    // random_access_indicator: a keyframe (or audio) starts here
  std::optional<uint64_t> pcr;  // 90 kHz PCR base (extension 0), modulo 2^33
};

// The number of packets writePes() produces for a PES of pesSize bytes.
size_t tsPacketCountForPes(size_t pesSize, const TsPesStart& start);

// Writes one PES packet, given as consecutive pieces (header, then payload
// slices: copied once, straight into out), as packets of pid. The first packet
// has payload_unit_start_indicator set.
void writeTsPes(uint16_t pid, const TsPesStart& start,
                std::span<const std::span<const uint8_t>> pieces, TsContinuity& continuity,
                base::BytesBuilder& out);

// Writes one PSI section (at most 183 bytes) as one packet: pointer_field 0,
// the section, 0xFF to the end. Longer sections are not written (returns false).
bool writeTsSection(uint16_t pid, std::span<const uint8_t> section, TsContinuity& continuity,
                    base::BytesBuilder& out);

}  // namespace rtmp::hls
