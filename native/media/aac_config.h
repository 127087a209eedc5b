// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the body of an AAC sequence
// header (legacy AACPacketType 0, or E-RTMP SequenceStart with 'mp4a').
//
//   audioObjectType              5 bits (31 → 32 + 6 more bits)
//   samplingFrequencyIndex       4 bits (15 → 24-bit samplingFrequency)
//   channelConfiguration         4 bits
//   if audioObjectType is 5 (SBR) or 29 (PS): explicit hierarchical signalling
//     extensionSamplingFrequencyIndex 4 bits (15 → 24 bits)
//     audioObjectType            5 (+6) bits: the core (usually 2, AAC-LC)
//   GASpecificConfig (§4.4.1) for the GA object types
//   [syncExtensionType 0x2B7: backward-compatible explicit SBR/PS signalling]
#pragma once

#include <cstdint>
#include <span>

#include "base/error.h"

namespace rtmp::media {

struct AacConfig {
  // The core object type: for HE-AAC this is 2 (LC) and sbr is set.
  uint8_t objectType = 0;
  uint8_t samplingFrequencyIndex = 0;  // 15 = explicit frequency
  uint32_t sampleRate = 0;             // core sampling frequency in Hz
  uint8_t channelConfiguration = 0;    // 0 = defined in a program_config_element
  uint8_t channels = 0;                // from channelConfiguration; 0 if unknown
  bool frameLength960 = false;         // GASpecificConfig frameLengthFlag

  // SBR/PS: explicit (object type 5/29 first) or backward-compatible
  // (sync extension 0x2B7 after the core config).
  uint8_t extensionObjectType = 0;  // 5 when SBR is signalled, else 0
  bool sbr = false;
  bool ps = false;
  uint32_t extensionSampleRate = 0;  // output rate with SBR; 0 if no SBR

  // The rate a decoder outputs: extensionSampleRate with SBR, else sampleRate.
  uint32_t outputSampleRate() const {
    return sbr && extensionSampleRate ? extensionSampleRate : sampleRate;
  }
  // With PS a mono core decodes to stereo.
  uint8_t outputChannels() const { return ps && channels == 1 ? 2 : channels; }
};

// Errors: kTruncated, kMalformed (reserved frequency index 13/14, object type 0).
base::Result<AacConfig> parseAacConfig(std::span<const uint8_t> asc);

// "Main", "LC", "SSR", "LTP", "HE-AAC", "HE-AACv2", "LD", "ELD", "USAC"...
// For a config this is the effective profile (SBR/PS taken into account).
const char* aacProfileName(const AacConfig& config);
const char* aacObjectTypeName(uint8_t objectType);

// Table 1.18: samplingFrequencyIndex → Hz, 0 for reserved/escape.
uint32_t aacSampleRateFromIndex(uint8_t index);

}  // namespace rtmp::media
