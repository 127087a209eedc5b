#include "hls/codec_string.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "media/aac_config.h"
#include "media/av1_config.h"
#include "media/avc_config.h"
#include "media/hevc_config.h"

namespace rtmp::hls {

namespace {

// snprintf into a small buffer; every string here is far shorter than it.
template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char buf[96];
  const int n = std::snprintf(buf, sizeof buf, pattern, args...);
  if (n < 0) return {};
  return std::string(buf, std::min(static_cast<size_t>(n), sizeof buf - 1));
}

std::string avcString(const base::Bytes& record) {
  auto config = media::parseAvcConfig(record.span());
  if (!config) return {};
  return format("avc1.%02x%02x%02x", config->profileIndication, config->profileCompatibility,
                config->levelIndication);
}

uint32_t reverseBits(uint32_t v) {
  uint32_t out = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) out = (out << 1) | (v & 1);
  return out;
}

std::string hevcString(const base::Bytes& record) {
  auto config = media::parseHevcConfig(record.span());
  if (!config) return {};
  const media::HevcProfileTierLevel& ptl = config->ptl;
  // general_profile_space 0 is written as nothing, 1..3 as 'A'..'C' (Annex E.3).
  std::string out = "hvc1.";
  if (ptl.profileSpace > 0) out += static_cast<char>('A' + ptl.profileSpace - 1);
  out += std::to_string(ptl.profileIdc);
  // The 32 compatibility flags in reverse bit order, hex, no leading zeros:
  // Main (flags 1 and 2 set, 0x60000000) gives "6".
  out += format(".%X", reverseBits(ptl.profileCompatibilityFlags));
  out += format(".%c%u", ptl.tierFlag ? 'H' : 'L', unsigned{ptl.levelIdc});
  // Six constraint bytes, the one holding general_progressive_source_flag first.
  int last = -1;
  uint8_t bytes[6];
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<uint8_t>(ptl.constraintIndicatorFlags >> (8 * (5 - i)));
    if (bytes[i]) last = i;
  }
  for (int i = 0; i <= last; ++i) out += format(".%02X", bytes[i]);
  return out;
}

std::string av1String(const base::Bytes& record) {
  auto config = media::parseAv1Config(record.span());
  if (!config) return {};
  return format("av01.%u.%02u%c.%02u", unsigned{config->seqProfile}, unsigned{config->seqLevelIdx0},
                config->seqTier0 ? 'H' : 'M', unsigned{config->bitDepth()});
}

std::string aacString(const base::Bytes& asc) {
  auto config = media::parseAacConfig(asc.span());
  if (!config) return {};
  // The object type a decoder must support to play the stream: with SBR
  // (and PS) signalled, explicitly or by the backward-compatible extension,
  // that is HE-AAC (v2), not the LC core.
  unsigned objectType = config->objectType;
  if (config->ps) {
    objectType = 29;
  } else if (config->sbr) {
    objectType = 5;
  }
  return format("mp4a.40.%u", objectType);
}

}  // namespace

std::string codecString(const TrackConfig& track) {
  switch (track.codec) {
    case media::Codec::kH264:
      return avcString(track.decoderConfig);
    case media::Codec::kHevc:
      return hevcString(track.decoderConfig);
    case media::Codec::kAv1:
      return av1String(track.decoderConfig);
    case media::Codec::kAac:
      return aacString(track.decoderConfig);
    default:
      return {};
  }
}

}  // namespace rtmp::hls
