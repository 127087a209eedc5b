#include "media/aac_config.h"

#include "media/bit_reader.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

constexpr uint8_t kAotSbr = 5;
constexpr uint8_t kAotPs = 29;
constexpr uint8_t kAotErAacLd = 23;
constexpr uint16_t kSyncExtensionSbr = 0x2B7;
constexpr uint16_t kSyncExtensionPs = 0x548;

// §1.6.2.1 GetAudioObjectType()
Result<uint8_t> readObjectType(BitReader& br) {
  RTMP_ASSIGN(uint32_t aot, br.bits(5));
  if (aot == 31) {
    RTMP_ASSIGN(uint32_t ext, br.bits(6));
    aot = 32 + ext;
  }
  return static_cast<uint8_t>(aot);
}

// samplingFrequencyIndex and, for the escape value 15, the 24-bit frequency.
Status readSampleRate(BitReader& br, uint8_t& index, uint32_t& rate) {
  RTMP_ASSIGN(uint32_t idx, br.bits(4));
  index = static_cast<uint8_t>(idx);
  if (idx == 0x0F) {
    RTMP_ASSIGN(rate, br.bits(24));
    if (rate == 0) return Error(ErrorCode::kMalformed, "sampling frequency 0");
  } else {
    rate = aacSampleRateFromIndex(index);
    if (rate == 0) return Error(ErrorCode::kMalformed, "reserved samplingFrequencyIndex");
  }
  return base::okStatus();
}

uint8_t channelsFromConfiguration(uint8_t config) {
  // Table 1.19 (and the 2013+ additions 11..14).
  static constexpr uint8_t kChannels[16] = {0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8, 0};
  return kChannels[config & 0x0F];
}

bool isGeneralAudio(uint8_t aot) {
  switch (aot) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 6:
    case 7:
    case 17:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23:
      return true;
    default:
      return false;
  }
}

// §4.4.1 GASpecificConfig(), without program_config_element (returns false
// when channelConfiguration is 0, where a PCE would follow: we stop there).
Result<bool> readGaSpecificConfig(BitReader& br, AacConfig& c) {
  RTMP_ASSIGN(c.frameLength960, br.flag());
  RTMP_ASSIGN(bool dependsOnCoreCoder, br.flag());
  if (dependsOnCoreCoder) RTMP_TRY(br.skipBits(14));  // coreCoderDelay
  RTMP_ASSIGN(bool extensionFlag, br.flag());
  if (c.channelConfiguration == 0) return false;
  if (c.objectType == 6 || c.objectType == 20) RTMP_TRY(br.skipBits(3));  // layerNr
  if (extensionFlag) {
    if (c.objectType == 22) RTMP_TRY(br.skipBits(5 + 11));  // numOfSubFrame, layer_length
    if (c.objectType == 17 || c.objectType == 19 || c.objectType == 20 || c.objectType == 23) {
      RTMP_TRY(br.skipBits(3));  // aacSection/Scalefactor/Spectral DataResilienceFlags
    }
    RTMP_TRY(br.skipBits(1));  // extensionFlag3
  }
  return true;
}

// The tail after the core config: backward-compatible SBR/PS signalling
// (§1.6.5.2 / 1.6.6.2). Only looked for when explicit signalling was not used.
Status readSyncExtension(BitReader& br, AacConfig& c) {
  if (br.bitsLeft() < 16) return base::okStatus();
  RTMP_ASSIGN(uint32_t sync, br.bits(11));
  if (sync != kSyncExtensionSbr) return base::okStatus();
  RTMP_ASSIGN(uint8_t extensionType, readObjectType(br));
  if (extensionType != kAotSbr) return base::okStatus();
  RTMP_ASSIGN(bool sbrPresent, br.flag());
  if (!sbrPresent) return base::okStatus();  // explicitly no SBR: plain LC
  c.sbr = true;
  c.extensionObjectType = kAotSbr;
  uint8_t index = 0;
  RTMP_TRY(readSampleRate(br, index, c.extensionSampleRate));
  if (br.bitsLeft() >= 12) {
    RTMP_ASSIGN(uint32_t psSync, br.bits(11));
    if (psSync == kSyncExtensionPs) {
      RTMP_ASSIGN(c.ps, br.flag());
    }
  }
  return base::okStatus();
}

Status parse(BitReader& br, AacConfig& c) {
  RTMP_ASSIGN(c.objectType, readObjectType(br));
  if (c.objectType == 0) return Error(ErrorCode::kMalformed, "audioObjectType 0 (null)");
  RTMP_TRY(readSampleRate(br, c.samplingFrequencyIndex, c.sampleRate));
  RTMP_ASSIGN(uint32_t channelConfig, br.bits(4));
  c.channelConfiguration = static_cast<uint8_t>(channelConfig);
  c.channels = channelsFromConfiguration(c.channelConfiguration);

  bool explicitSignalling = false;
  if (c.objectType == kAotSbr || c.objectType == kAotPs) {
    // Explicit hierarchical signalling: the first rate is the core's, then
    // the SBR output rate, then the core object type.
    explicitSignalling = true;
    c.sbr = true;
    c.ps = c.objectType == kAotPs;
    c.extensionObjectType = kAotSbr;
    uint8_t index = 0;
    RTMP_TRY(readSampleRate(br, index, c.extensionSampleRate));
    RTMP_ASSIGN(c.objectType, readObjectType(br));
    if (c.objectType == 22) RTMP_TRY(br.skipBits(4));  // extensionChannelConfiguration
  }
  if (!isGeneralAudio(c.objectType)) return base::okStatus();  // nothing more we read
  RTMP_ASSIGN(bool complete, readGaSpecificConfig(br, c));
  if (!complete) return base::okStatus();
  // epConfig for the error-resilient object types (§1.6.2.1).
  if (c.objectType >= 17 && c.objectType <= kAotErAacLd) {
    RTMP_ASSIGN(uint32_t epConfig, br.bits(2));
    if (epConfig == 2 || epConfig == 3)
      return base::okStatus();  // ErrorProtectionSpecificConfig follows
  }
  if (!explicitSignalling) RTMP_TRY(readSyncExtension(br, c));
  return base::okStatus();
}

}  // namespace

uint32_t aacSampleRateFromIndex(uint8_t index) {
  static constexpr uint32_t kRates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                          22050, 16000, 12000, 11025, 8000,  7350};
  return index < 13 ? kRates[index] : 0;
}

Result<AacConfig> parseAacConfig(std::span<const uint8_t> asc) {
  BitReader br(asc);
  AacConfig config;
  auto status = parse(br, config);
  if (!status.ok()) return std::move(status).error().withContext("aac config");
  return config;
}

const char* aacObjectTypeName(uint8_t objectType) {
  switch (objectType) {
    case 1:
      return "Main";
    case 2:
      return "LC";
    case 3:
      return "SSR";
    case 4:
      return "LTP";
    case 5:
      return "HE-AAC";
    case 6:
      return "Scalable";
    case 17:
      return "ER LC";
    case 19:
      return "ER LTP";
    case 20:
      return "ER Scalable";
    case 23:
      return "LD";
    case 29:
      return "HE-AACv2";
    case 39:
      return "ELD";
    case 42:
      return "USAC";
    default:
      return "unknown";
  }
}

const char* aacProfileName(const AacConfig& config) {
  if (config.ps) return "HE-AACv2";
  if (config.sbr) return config.objectType == 39 ? "ELD" : "HE-AAC";
  return aacObjectTypeName(config.objectType);
}

}  // namespace rtmp::media
