// ADTS header (ISO/IEC 13818-7 §6.2 / 14496-3 §1.A.2.2): the 7-byte frame
// header that raw AAC frames need inside MPEG-TS (and .aac files).
//
//   syncword(12)=0xFFF  ID(1)=0 (MPEG-4)  layer(2)=0  protection_absent(1)=1
//   profile_ObjectType(2)=objectType-1  sampling_frequency_index(4)
//   private_bit(1)=0  channel_configuration(3)  original_copy(1)=0  home(1)=0
//   copyright_identification_bit(1)=0  copyright_identification_start(1)=0
//   aac_frame_length(13) (header included)  adts_buffer_fullness(11)=0x7FF (VBR)
//   number_of_raw_data_blocks_in_frame(2)=0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "media/aac_config.h"

namespace rtmp::media {

inline constexpr size_t kAdtsHeaderSize = 7;
inline constexpr size_t kAdtsMaxFrameLength = 0x1FFF;  // 13 bits, header included

using AdtsHeader = std::array<uint8_t, kAdtsHeaderSize>;

// Builds the header for one raw AAC frame of rawFrameSize bytes.
// For HE-AAC the core (LC) object type and core rate are written, which is
// what decoders expect (they find SBR implicitly).
// Errors: kUnsupported when ADTS cannot express the config (object type > 4,
// explicit frequency, channelConfiguration 0 or > 7), kInvalidArgument when
// the frame is too long for 13 bits.
base::Result<AdtsHeader> makeAdtsHeader(const AacConfig& config, size_t rawFrameSize);

}  // namespace rtmp::media
