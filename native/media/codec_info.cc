#include "media/codec_info.h"

#include <cstring>
#include <string>

#include "media/aac_config.h"
#include "media/av1_config.h"
#include "media/avc_config.h"
#include "media/h264_sps.h"
#include "media/hevc_config.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;

namespace {

VideoCodecInfo baseVideo(Codec codec) {
  VideoCodecInfo info;
  info.codec = codec;
  info.codecName = std::string(codecName(codec));
  return info;
}

AudioCodecInfo baseAudio(Codec codec) {
  AudioCodecInfo info;
  info.codec = codec;
  info.codecName = std::string(codecName(codec));
  return info;
}

Result<VideoCodecInfo> describeH264(std::span<const uint8_t> record) {
  RTMP_ASSIGN(AvcConfig config, parseAvcConfig(record));
  VideoCodecInfo info = baseVideo(Codec::kH264);
  info.profile = h264ProfileName(config.profileIndication, config.profileCompatibility);
  info.level =
      h264LevelName(config.levelIndication, config.profileIndication, config.profileCompatibility);
  if (config.sps.empty()) return Error(ErrorCode::kMedia, "avc config: no SPS");
  RTMP_ASSIGN(H264Sps sps, parseH264Sps(config.sps.front()));
  // The SPS is what the decoder obeys; prefer it over the record's copy.
  info.profile = h264ProfileName(sps.profileIdc, sps.constraintFlags);
  info.level = h264LevelName(sps.levelIdc, sps.profileIdc, sps.constraintFlags);
  info.width = sps.width;
  info.height = sps.height;
  info.fps = sps.frameRate();
  info.bitDepth = static_cast<uint8_t>(sps.bitDepthLuma);
  info.chromaFormat = static_cast<uint8_t>(sps.chromaFormatIdc);
  return info;
}

Result<VideoCodecInfo> describeHevc(std::span<const uint8_t> record) {
  RTMP_ASSIGN(HevcConfig config, parseHevcConfig(record));
  VideoCodecInfo info = baseVideo(Codec::kHevc);
  info.profile = hevcProfileName(config.ptl.profileIdc);
  info.level = hevcLevelName(config.ptl.levelIdc);
  info.bitDepth = config.bitDepthLuma;
  info.chromaFormat = config.chromaFormat;
  const auto spsNal = config.firstNal(kHevcNalSps);
  if (spsNal.empty()) return Error(ErrorCode::kMedia, "hevc config: no SPS");
  RTMP_ASSIGN(HevcSps sps, parseHevcSps(spsNal));
  info.width = sps.width;
  info.height = sps.height;
  info.fps = sps.frameRate();
  if (info.fps == 0 && config.avgFrameRate != 0) info.fps = config.avgFrameRate / 256.0;
  info.bitDepth = static_cast<uint8_t>(sps.bitDepthLuma);
  info.chromaFormat = static_cast<uint8_t>(sps.chromaFormatIdc);
  return info;
}

Result<VideoCodecInfo> describeAv1(std::span<const uint8_t> record) {
  RTMP_ASSIGN(Av1Config config, parseAv1Config(record));
  VideoCodecInfo info = baseVideo(Codec::kAv1);
  info.profile = av1ProfileName(config.seqProfile);
  info.level = av1LevelName(config.seqLevelIdx0);
  info.bitDepth = config.bitDepth();
  if (config.monochrome) {
    info.chromaFormat = 0;
  } else if (config.chromaSubsamplingX) {
    info.chromaFormat = config.chromaSubsamplingY ? 1 : 2;
  } else {
    info.chromaFormat = 3;
  }
  if (config.sequenceHeader) {
    info.width = config.sequenceHeader->maxFrameWidth;
    info.height = config.sequenceHeader->maxFrameHeight;
    info.fps = config.sequenceHeader->frameRate();
  }
  return info;
}

// VPCodecConfigurationRecord (VP codec ISO binding §2.2), possibly preceded by
// the vpcC FullBox version/flags as FFmpeg writes it:
//   profile u8 | level u8 | bitDepth(4) chromaSubsampling(3) fullRange(1) | ...
Result<VideoCodecInfo> describeVp9(std::span<const uint8_t> record) {
  // A record never starts 01 00 00 00 (level 0 is not a VP9 level), a FullBox does.
  if (record.size() >= 12 && record[0] == 1 && record[1] == 0 && record[2] == 0 && record[3] == 0) {
    record = record.subspan(4);
  }
  if (record.size() < 8) return Error(ErrorCode::kTruncated, "vp9 config");
  VideoCodecInfo info = baseVideo(Codec::kVp9);
  info.profile = "Profile " + std::to_string(record[0]);
  info.level = std::to_string(record[1] / 10) + "." + std::to_string(record[1] % 10);
  info.bitDepth = record[2] >> 4;
  const uint8_t subsampling = (record[2] >> 1) & 0x07;
  // 0: 4:2:0 vertical, 1: 4:2:0 colocated, 2: 4:2:2, 3: 4:4:4
  info.chromaFormat = subsampling <= 1 ? 1 : (subsampling == 2 ? 2 : 3);
  return info;
}

// RFC 7845 §5.1 identification header: "OpusHead" | version u8 |
// channel count u8 | pre-skip u16le | input rate u32le | ...
Result<AudioCodecInfo> describeOpus(std::span<const uint8_t> head) {
  if (head.size() < 19) return Error(ErrorCode::kTruncated, "opus head");
  if (std::memcmp(head.data(), "OpusHead", 8) != 0) {
    return Error(ErrorCode::kMedia, "opus head: bad magic");
  }
  AudioCodecInfo info = baseAudio(Codec::kOpus);
  info.sampleRate = 48000;  // Opus always decodes at 48 kHz
  info.channels = head[9];
  return info;
}

// FLAC STREAMINFO (xiph.org/flac/format.html), with or without the "fLaC"
// marker and the 4-byte metadata block header in front.
Result<AudioCodecInfo> describeFlac(std::span<const uint8_t> data) {
  if (data.size() >= 4 && std::memcmp(data.data(), "fLaC", 4) == 0) data = data.subspan(4);
  // Block header: last(1) type(7) = 0 (STREAMINFO), length u24 = 34. A bare
  // STREAMINFO cannot start like this (its minimum block size is at least 16).
  if (data.size() >= 38 && (data[0] & 0x7F) == 0 && data[1] == 0 && data[2] == 0 && data[3] == 34) {
    data = data.subspan(4);
  }
  if (data.size() < 18) return Error(ErrorCode::kTruncated, "flac streaminfo");
  AudioCodecInfo info = baseAudio(Codec::kFlac);
  info.sampleRate = (uint32_t{data[10]} << 12) | (uint32_t{data[11]} << 4) | (data[12] >> 4);
  info.channels = static_cast<uint8_t>(((data[12] >> 1) & 0x07) + 1);
  return info;
}

}  // namespace

Result<VideoCodecInfo> describeVideoConfig(Codec codec, std::span<const uint8_t> config) {
  switch (codec) {
    case Codec::kH264:
      return describeH264(config);
    case Codec::kHevc:
      return describeHevc(config);
    case Codec::kAv1:
      return describeAv1(config);
    case Codec::kVp9:
      return describeVp9(config);
    default:
      return Error(ErrorCode::kUnsupported,
                   "no configuration parser for " + std::string(codecName(codec)));
  }
}

Result<AudioCodecInfo> describeAudioConfig(Codec codec, std::span<const uint8_t> config) {
  switch (codec) {
    case Codec::kAac: {
      RTMP_ASSIGN(AacConfig asc, parseAacConfig(config));
      AudioCodecInfo info = baseAudio(Codec::kAac);
      info.sampleRate = asc.outputSampleRate();
      info.channels = asc.outputChannels();
      info.profile = aacProfileName(asc);
      return info;
    }
    case Codec::kOpus:
      return describeOpus(config);
    case Codec::kFlac:
      return describeFlac(config);
    default:
      return Error(ErrorCode::kUnsupported,
                   "no configuration parser for " + std::string(codecName(codec)));
  }
}

AudioCodecInfo describeLegacyAudio(const AudioTagInfo& tag) {
  AudioCodecInfo info = baseAudio(tag.codec);
  // FLV E.4.2.1: SoundRate is only a hint for some formats; these have fixed rates.
  static constexpr uint32_t kRates[4] = {5512, 11025, 22050, 44100};
  info.sampleRate = kRates[tag.soundRate & 3];
  info.channels = tag.soundType ? 2 : 1;
  switch (tag.codec) {
    case Codec::kNellymoser8kMono:
    case Codec::kMp3_8k:
    case Codec::kG711ALaw:
    case Codec::kG711MuLaw:
      info.sampleRate = 8000;
      break;
    case Codec::kNellymoser16kMono:
    case Codec::kSpeex:
      info.sampleRate = 16000;
      info.channels = 1;
      break;
    default:
      break;
  }
  if (tag.codec == Codec::kNellymoser8kMono) info.channels = 1;
  return info;
}

bool CodecInfoTracker::observe(const MediaPacket& packet) {
  switch (packet.kind) {
    case MediaKind::kVideo:
      return observeVideo(packet);
    case MediaKind::kAudio:
      return observeAudio(packet);
    case MediaKind::kData:
      return false;
  }
  return false;
}

bool CodecInfoTracker::observeVideo(const MediaPacket& packet) {
  if (!packet.isMedia) return false;
  VideoCodecInfo next;
  if (packet.sequenceHeader) {
    auto described = describeVideoConfig(packet.codec, packet.codecData().span());
    if (described.ok()) {
      next = std::move(described).value();
    } else {
      lastError_ = std::move(described).error();
      next = baseVideo(packet.codec);
    }
  } else if (!video_ || video_->codec != packet.codec) {
    // Codecs without a sequence header (VP6, H.263...), or frames before it.
    if (video_ && packet.codec == Codec::kUnknown) return false;
    next = baseVideo(packet.codec);
  } else {
    return false;
  }
  if (video_ && *video_ == next) return false;
  video_ = std::move(next);
  return true;
}

bool CodecInfoTracker::observeAudio(const MediaPacket& packet) {
  if (!packet.isMedia) return false;
  AudioCodecInfo next;
  if (packet.sequenceHeader) {
    auto described = describeAudioConfig(packet.codec, packet.codecData().span());
    if (described.ok()) {
      next = std::move(described).value();
    } else {
      if (described.error().code() != ErrorCode::kUnsupported) lastError_ = described.error();
      next = baseAudio(packet.codec);
    }
  } else if (!audio_ || audio_->codec != packet.codec) {
    auto tag = parseAudioTag(packet.payload.span());
    if (!tag.ok()) return false;
    next = tag->enhanced ? baseAudio(tag->codec) : describeLegacyAudio(*tag);
    // AAC frames before the ASC: the flags are always 44 kHz stereo, not real.
    if (tag->codec == Codec::kAac) next = baseAudio(Codec::kAac);
  } else {
    return false;
  }
  if (audio_ && *audio_ == next) return false;
  audio_ = std::move(next);
  return true;
}

}  // namespace rtmp::media
