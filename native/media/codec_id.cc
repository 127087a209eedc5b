#include "media/codec_id.h"

namespace rtmp::media {

bool isVideoCodec(Codec codec) {
  return codec >= Codec::kSorensonH263 && codec <= Codec::kVp9;
}

bool isAudioCodec(Codec codec) {
  return codec >= Codec::kLinearPcmPlatformEndian && codec <= Codec::kEac3;
}

std::string_view codecName(Codec codec) {
  switch (codec) {
    case Codec::kUnknown:
      return "unknown";
    case Codec::kSorensonH263:
      return "H263";
    case Codec::kScreenVideo:
      return "ScreenVideo";
    case Codec::kVp6:
      return "VP6";
    case Codec::kVp6Alpha:
      return "VP6A";
    case Codec::kScreenVideo2:
      return "ScreenVideo2";
    case Codec::kH264:
      return "H264";
    case Codec::kHevc:
      return "HEVC";
    case Codec::kAv1:
      return "AV1";
    case Codec::kVp8:
      return "VP8";
    case Codec::kVp9:
      return "VP9";
    case Codec::kLinearPcmPlatformEndian:
      return "PCM";
    case Codec::kAdpcm:
      return "ADPCM";
    case Codec::kMp3:
      return "MP3";
    case Codec::kLinearPcmLittleEndian:
      return "PCM_LE";
    case Codec::kNellymoser16kMono:
    case Codec::kNellymoser8kMono:
    case Codec::kNellymoser:
      return "Nellymoser";
    case Codec::kG711ALaw:
      return "G711A";
    case Codec::kG711MuLaw:
      return "G711U";
    case Codec::kAac:
      return "AAC";
    case Codec::kSpeex:
      return "Speex";
    case Codec::kMp3_8k:
      return "MP3";
    case Codec::kDeviceSpecificAudio:
      return "DeviceSpecific";
    case Codec::kOpus:
      return "Opus";
    case Codec::kFlac:
      return "FLAC";
    case Codec::kAc3:
      return "AC3";
    case Codec::kEac3:
      return "EAC3";
  }
  return "unknown";
}

Codec videoCodecFromFourCc(uint32_t fourcc) {
  switch (fourcc) {
    case kFourCcAvc:
      return Codec::kH264;
    case kFourCcHevc:
      return Codec::kHevc;
    case kFourCcAv1:
      return Codec::kAv1;
    case kFourCcVp8:
      return Codec::kVp8;
    case kFourCcVp9:
      return Codec::kVp9;
    default:
      return Codec::kUnknown;
  }
}

Codec audioCodecFromFourCc(uint32_t fourcc) {
  switch (fourcc) {
    case kFourCcAac:
      return Codec::kAac;
    case kFourCcOpus:
      return Codec::kOpus;
    case kFourCcFlac:
      return Codec::kFlac;
    case kFourCcAc3:
      return Codec::kAc3;
    case kFourCcEac3:
      return Codec::kEac3;
    case kFourCcMp3:
      return Codec::kMp3;
    default:
      return Codec::kUnknown;
  }
}

std::string fourCcToString(uint32_t fourcc) {
  std::string s(4, '?');
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<unsigned char>(fourcc >> (24 - 8 * i));
    if (c >= 0x20 && c < 0x7F) s[i] = static_cast<char>(c);
  }
  return s;
}

}  // namespace rtmp::media
