// Codec identities shared by the FLV tag parser, media packets and the
// stream summary. Legacy FLV carries a 4-bit id (Adobe FLV v10.1 annex E.4.2.1
// SoundFormat, E.4.3.1 CodecID); Enhanced RTMP carries a FourCC
// (veovera enhanced-rtmp v1/v2, "Enhanced Audio" / "Enhanced Video").
// Both map onto the one enum below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rtmp::media {

enum class Codec : uint8_t {
  kUnknown = 0,
  // Video
  kSorensonH263,
  kScreenVideo,
  kVp6,
  kVp6Alpha,
  kScreenVideo2,
  kH264,
  kHevc,
  kAv1,
  kVp8,
  kVp9,
  // Audio
  kLinearPcmPlatformEndian,
  kAdpcm,
  kMp3,
  kLinearPcmLittleEndian,
  kNellymoser16kMono,
  kNellymoser8kMono,
  kNellymoser,
  kG711ALaw,
  kG711MuLaw,
  kAac,
  kSpeex,
  kMp3_8k,
  kDeviceSpecificAudio,
  kOpus,
  kFlac,
  kAc3,
  kEac3,
};

bool isVideoCodec(Codec codec);
bool isAudioCodec(Codec codec);

// Short upper-case name for events and logs: "H264", "HEVC", "AV1", "AAC",
// "Opus", "MP3"... "unknown" for kUnknown.
std::string_view codecName(Codec codec);

// A FourCC is the big-endian value of its four ASCII characters.
constexpr uint32_t makeFourCc(const char (&s)[5]) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

// Video FourCCs (E-RTMP "VideoFourCc").
inline constexpr uint32_t kFourCcAvc = makeFourCc("avc1");
inline constexpr uint32_t kFourCcHevc = makeFourCc("hvc1");
inline constexpr uint32_t kFourCcAv1 = makeFourCc("av01");
inline constexpr uint32_t kFourCcVp8 = makeFourCc("vp08");
inline constexpr uint32_t kFourCcVp9 = makeFourCc("vp09");
// Audio FourCCs (E-RTMP v2 "AudioFourCc").
inline constexpr uint32_t kFourCcAac = makeFourCc("mp4a");
inline constexpr uint32_t kFourCcOpus = makeFourCc("Opus");
inline constexpr uint32_t kFourCcFlac = makeFourCc("fLaC");
inline constexpr uint32_t kFourCcAc3 = makeFourCc("ac-3");
inline constexpr uint32_t kFourCcEac3 = makeFourCc("ec-3");
inline constexpr uint32_t kFourCcMp3 = makeFourCc(".mp3");

// kUnknown for a FourCC we do not know (the packet is still passed through).
Codec videoCodecFromFourCc(uint32_t fourcc);
Codec audioCodecFromFourCc(uint32_t fourcc);

// "hvc1"; non-printable bytes are shown as '?'.
std::string fourCcToString(uint32_t fourcc);

}  // namespace rtmp::media
