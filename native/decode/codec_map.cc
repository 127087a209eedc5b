#include "decode/codec_map.h"

namespace rtmp::decode {

using media::Codec;

AVCodecID avCodecIdOf(Codec codec) {
  switch (codec) {
    case Codec::kSorensonH263:
      return AV_CODEC_ID_FLV1;
    case Codec::kScreenVideo:
      return AV_CODEC_ID_FLASHSV;
    case Codec::kVp6:
      return AV_CODEC_ID_VP6F;
    case Codec::kVp6Alpha:
      return AV_CODEC_ID_VP6A;
    case Codec::kScreenVideo2:
      return AV_CODEC_ID_FLASHSV2;
    case Codec::kH264:
      return AV_CODEC_ID_H264;
    case Codec::kHevc:
      return AV_CODEC_ID_HEVC;
    case Codec::kAv1:
      return AV_CODEC_ID_AV1;
    case Codec::kVp8:
      return AV_CODEC_ID_VP8;
    case Codec::kVp9:
      return AV_CODEC_ID_VP9;
    case Codec::kLinearPcmPlatformEndian:  // FLV files in practice: little-endian
    case Codec::kLinearPcmLittleEndian:
      return AV_CODEC_ID_PCM_S16LE;
    case Codec::kAdpcm:
      return AV_CODEC_ID_ADPCM_SWF;
    case Codec::kMp3:
    case Codec::kMp3_8k:
      return AV_CODEC_ID_MP3;
    case Codec::kNellymoser16kMono:
    case Codec::kNellymoser8kMono:
    case Codec::kNellymoser:
      return AV_CODEC_ID_NELLYMOSER;
    case Codec::kG711ALaw:
      return AV_CODEC_ID_PCM_ALAW;
    case Codec::kG711MuLaw:
      return AV_CODEC_ID_PCM_MULAW;
    case Codec::kAac:
      return AV_CODEC_ID_AAC;
    case Codec::kSpeex:
      return AV_CODEC_ID_SPEEX;
    case Codec::kOpus:
      return AV_CODEC_ID_OPUS;
    case Codec::kFlac:
      return AV_CODEC_ID_FLAC;
    case Codec::kAc3:
      return AV_CODEC_ID_AC3;
    case Codec::kEac3:
      return AV_CODEC_ID_EAC3;
    case Codec::kDeviceSpecificAudio:
    case Codec::kUnknown:
      break;
  }
  return AV_CODEC_ID_NONE;
}

bool needsConfig(Codec codec) {
  switch (codec) {
    case Codec::kH264:
    case Codec::kHevc:
    case Codec::kAac:
    case Codec::kOpus:
    case Codec::kFlac:
      return true;
    default:
      return false;
  }
}

LegacyAudioFormat legacyAudioFormat(Codec codec, uint8_t tagByte0) {
  if ((tagByte0 >> 4) == 9) return {};  // enhanced audio: the config says
  // SoundRate: 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz (§E.4.2.1).
  static constexpr uint32_t kRates[4] = {5512, 11025, 22050, 44100};
  LegacyAudioFormat f{kRates[(tagByte0 >> 2) & 3], (tagByte0 & 1) != 0 ? 2u : 1u};
  switch (codec) {
    case Codec::kNellymoser8kMono:
    case Codec::kMp3_8k:
    case Codec::kG711ALaw:
    case Codec::kG711MuLaw:
      f = {8000, 1};
      break;
    case Codec::kNellymoser16kMono:
    case Codec::kSpeex:
      f = {16000, 1};
      break;
    default:
      break;
  }
  return f;
}

}  // namespace rtmp::decode
