#include "media/flv_tag.h"

#include "base/byte_reader.h"
#include "base/endian.h"

namespace rtmp::media {

using base::ByteReader;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

constexpr uint8_t kLegacyCodecAvc = 7;
// Codec id 12 is not in Adobe's table: it is the de-facto "HEVC in FLV"
// extension (Kingsoft/CDN forks, SRS, nginx-http-flv) with the AVC layout.
constexpr uint8_t kLegacyCodecHevc = 12;
constexpr uint8_t kSoundFormatExHeader = 9;
constexpr uint8_t kSoundFormatAac = 10;
constexpr uint8_t kModExTimestampOffsetNano = 0;

Error malformed(const char* what) {
  return Error(ErrorCode::kMedia, what);
}

Codec legacyVideoCodec(uint8_t id) {
  switch (id) {
    case 2:
      return Codec::kSorensonH263;
    case 3:
      return Codec::kScreenVideo;
    case 4:
      return Codec::kVp6;
    case 5:
      return Codec::kVp6Alpha;
    case 6:
      return Codec::kScreenVideo2;
    case kLegacyCodecAvc:
      return Codec::kH264;
    case kLegacyCodecHevc:
      return Codec::kHevc;
    default:
      return Codec::kUnknown;
  }
}

Codec legacyAudioCodec(uint8_t format) {
  switch (format) {
    case 0:
      return Codec::kLinearPcmPlatformEndian;
    case 1:
      return Codec::kAdpcm;
    case 2:
      return Codec::kMp3;
    case 3:
      return Codec::kLinearPcmLittleEndian;
    case 4:
      return Codec::kNellymoser16kMono;
    case 5:
      return Codec::kNellymoser8kMono;
    case 6:
      return Codec::kNellymoser;
    case 7:
      return Codec::kG711ALaw;
    case 8:
      return Codec::kG711MuLaw;
    case kSoundFormatAac:
      return Codec::kAac;
    case 11:
      return Codec::kSpeex;
    case 14:
      return Codec::kMp3_8k;
    case 15:
      return Codec::kDeviceSpecificAudio;
    default:
      return Codec::kUnknown;  // 12, 13 reserved
  }
}

// E-RTMP v2 ModEx: while the packet type says ModEx, a block follows:
//   size UI8 (+1; 256 means a UI16 (+1) follows) | data[size] | ModExType(4) PacketType(4)
// Only TimestampOffsetNano (type 0, UI24 in the first 3 data bytes) is defined.
Status readModEx(ByteReader& r, uint8_t& packetType, uint32_t& nanos) {
  constexpr uint8_t kModEx = 7;
  while (packetType == kModEx) {
    RTMP_ASSIGN(uint8_t small, r.u8());
    size_t size = size_t{small} + 1;
    if (size == 256) {
      RTMP_ASSIGN(uint16_t large, r.u16be());
      size = size_t{large} + 1;
    }
    RTMP_ASSIGN(auto data, r.bytes(size));
    RTMP_ASSIGN(uint8_t next, r.u8());
    if ((next >> 4) == kModExTimestampOffsetNano && data.size() >= 3) {
      nanos = base::loadBe24(data.data());
    }
    packetType = next & 0x0F;
  }
  return base::okStatus();
}

// After the (ModEx-resolved) packet type comes the FourCC or, when the type
// says Multitrack (E-RTMP v2), AvMultitrackType(4) PacketType(4) and then the
// FourCC shared by all tracks unless every track names its own.
template <typename TagInfo>
Status readFourCcOrMultitrack(ByteReader& r, uint8_t multitrackPacketType, uint8_t& packetType,
                              TagInfo& info) {
  if (packetType != multitrackPacketType) {
    RTMP_ASSIGN(info.fourcc, r.u32be());
    return base::okStatus();
  }
  info.multitrack = true;
  RTMP_ASSIGN(uint8_t b, r.u8());
  const uint8_t rawType = b >> 4;
  packetType = b & 0x0F;
  if (rawType > 2) return malformed("unknown multitrack type");
  if (packetType == multitrackPacketType) return malformed("multitrack inside multitrack");
  info.multitrackType = static_cast<MultitrackType>(rawType);
  if (info.multitrackType != MultitrackType::kManyTracksManyCodecs) {
    RTMP_ASSIGN(info.fourcc, r.u32be());
  }
  return base::okStatus();
}

// Per-track prologue: [FourCC] TrackId UI8 [TrackSize UI24]. Returns the
// track size (or the rest of the message for a single track).
Result<size_t> readTrackPrologue(ByteReader& r, MultitrackType type, uint32_t& fourcc,
                                 uint8_t& trackId) {
  if (type == MultitrackType::kManyTracksManyCodecs) {
    RTMP_ASSIGN(fourcc, r.u32be());
  }
  RTMP_ASSIGN(trackId, r.u8());
  if (type == MultitrackType::kOneTrack) return r.remaining();
  RTMP_ASSIGN(uint32_t size, r.u24be());
  if (size > r.remaining()) return Error(ErrorCode::kTruncated, "track size past end of message");
  return size_t{size};
}

Result<VideoTagInfo> parseLegacyVideo(ByteReader& r, uint8_t first) {
  VideoTagInfo info;
  const uint8_t frameType = first >> 4;  // 0..7: bit 7 clear here
  if (frameType == 0 || frameType > 5) return malformed("reserved video frame type");
  info.frameType = static_cast<VideoFrameType>(frameType);
  info.legacyCodecId = first & 0x0F;
  info.codec = legacyVideoCodec(info.legacyCodecId);

  if (info.frameType == VideoFrameType::kCommand) {
    // FLV E.4.3.1: a UI8 command replaces the picture data.
    info.command = true;
    RTMP_ASSIGN(info.commandByte, r.u8());
    info.headerSize = r.position();
    info.payloadSize = r.remaining();
    return info;
  }

  const bool keyType = info.frameType == VideoFrameType::kKeyFrame ||
                       info.frameType == VideoFrameType::kGeneratedKeyFrame;
  if (info.legacyCodecId == kLegacyCodecAvc || info.legacyCodecId == kLegacyCodecHevc) {
    // AVCPacketType UI8, CompositionTime SI24 (meaningful only for NALUs).
    RTMP_ASSIGN(uint8_t packetType, r.u8());
    RTMP_ASSIGN(int32_t cts, r.s24be());
    switch (packetType) {
      case 0:
        info.packetType = VideoPacketType::kSequenceStart;
        break;
      case 1:
        info.packetType = VideoPacketType::kCodedFrames;
        break;
      case 2:
        info.packetType = VideoPacketType::kSequenceEnd;
        break;
      default:
        return malformed("unknown AVCPacketType");
    }
    info.compositionTimeOffset = packetType == 1 ? cts : 0;
  } else {
    info.packetType = VideoPacketType::kCodedFrames;
  }
  info.sequenceHeader = info.packetType == VideoPacketType::kSequenceStart;
  info.endOfSequence = info.packetType == VideoPacketType::kSequenceEnd;
  info.keyframe = keyType && info.packetType == VideoPacketType::kCodedFrames;
  info.headerSize = r.position();
  info.payloadSize = r.remaining();
  return info;
}

Result<VideoTagInfo> parseEnhancedVideo(ByteReader& r, uint8_t first) {
  VideoTagInfo info;
  info.enhanced = true;
  const uint8_t frameType = (first >> 4) & 0x07;
  uint8_t packetType = first & 0x0F;
  RTMP_TRY(readModEx(r, packetType, info.timestampOffsetNanos));

  // Metadata ignores the frame type; otherwise a command frame has no FourCC.
  const bool isMetadata = packetType == static_cast<uint8_t>(VideoPacketType::kMetadata);
  if (!isMetadata && (frameType == 0 || frameType > 5)) {
    return malformed("reserved video frame type");
  }
  info.frameType = static_cast<VideoFrameType>(isMetadata ? 0 : frameType);
  if (info.frameType == VideoFrameType::kCommand) {
    info.command = true;
    info.packetType = static_cast<VideoPacketType>(packetType);
    RTMP_ASSIGN(info.commandByte, r.u8());
    info.headerSize = r.position();
    info.payloadSize = r.remaining();
    return info;
  }

  constexpr uint8_t kMultitrack = static_cast<uint8_t>(VideoPacketType::kMultitrack);
  RTMP_TRY(readFourCcOrMultitrack(r, kMultitrack, packetType, info));
  if (packetType > static_cast<uint8_t>(VideoPacketType::kMpeg2TsSequenceStart)) {
    return malformed("unknown video packet type");
  }
  info.packetType = static_cast<VideoPacketType>(packetType);

  size_t trackBytes = r.remaining();
  if (info.multitrack) {
    RTMP_ASSIGN(trackBytes, readTrackPrologue(r, info.multitrackType, info.fourcc, info.trackId));
  }
  info.codec = videoCodecFromFourCc(info.fourcc);

  // Only CodedFrames of avc1/hvc1 carry an SI24 composition time;
  // CodedFramesX is the same with the offset implied to be zero.
  if (info.packetType == VideoPacketType::kCodedFrames &&
      (info.codec == Codec::kH264 || info.codec == Codec::kHevc)) {
    if (trackBytes < 3) return Error(ErrorCode::kTruncated, "composition time");
    RTMP_ASSIGN(info.compositionTimeOffset, r.s24be());
    trackBytes -= 3;
  }

  const bool coded = info.packetType == VideoPacketType::kCodedFrames ||
                     info.packetType == VideoPacketType::kCodedFramesX;
  info.keyframe = coded && (info.frameType == VideoFrameType::kKeyFrame ||
                            info.frameType == VideoFrameType::kGeneratedKeyFrame);
  info.sequenceHeader = info.packetType == VideoPacketType::kSequenceStart ||
                        info.packetType == VideoPacketType::kMpeg2TsSequenceStart;
  info.endOfSequence = info.packetType == VideoPacketType::kSequenceEnd;
  info.metadata = isMetadata;
  info.headerSize = r.position();
  info.payloadSize = trackBytes;
  return info;
}

}  // namespace

Result<VideoTagInfo> parseVideoTag(std::span<const uint8_t> payload) {
  ByteReader r(payload);
  auto first = r.u8();
  if (!first.ok()) return Error(ErrorCode::kTruncated, "video tag: empty");
  auto info = (*first & 0x80) ? parseEnhancedVideo(r, *first) : parseLegacyVideo(r, *first);
  if (!info.ok()) return std::move(info).error().withContext("video tag");
  return info;
}

namespace {

Result<AudioTagInfo> parseEnhancedAudio(ByteReader& r, uint8_t first) {
  AudioTagInfo info;
  info.enhanced = true;
  info.soundFormat = kSoundFormatExHeader;
  uint8_t packetType = first & 0x0F;
  RTMP_TRY(readModEx(r, packetType, info.timestampOffsetNanos));

  constexpr uint8_t kMultitrack = static_cast<uint8_t>(AudioPacketType::kMultitrack);
  RTMP_TRY(readFourCcOrMultitrack(r, kMultitrack, packetType, info));
  if (packetType != 0 && packetType != 1 && packetType != 2 && packetType != 4) {
    return malformed("unknown audio packet type");
  }
  info.packetType = static_cast<AudioPacketType>(packetType);

  size_t trackBytes = r.remaining();
  if (info.multitrack) {
    RTMP_ASSIGN(trackBytes, readTrackPrologue(r, info.multitrackType, info.fourcc, info.trackId));
  }
  info.codec = audioCodecFromFourCc(info.fourcc);
  info.sequenceHeader = info.packetType == AudioPacketType::kSequenceStart;
  info.endOfSequence = info.packetType == AudioPacketType::kSequenceEnd;
  info.headerSize = r.position();
  info.payloadSize = trackBytes;
  return info;
}

Result<AudioTagInfo> parseLegacyAudio(ByteReader& r, uint8_t first) {
  AudioTagInfo info;
  info.soundFormat = first >> 4;
  info.soundRate = (first >> 2) & 0x03;
  info.soundSize = (first >> 1) & 0x01;
  info.soundType = first & 0x01;
  info.codec = legacyAudioCodec(info.soundFormat);
  info.packetType = AudioPacketType::kCodedFrames;
  if (info.soundFormat == kSoundFormatAac) {
    RTMP_ASSIGN(uint8_t aacPacketType, r.u8());
    if (aacPacketType > 1) return malformed("unknown AACPacketType");
    info.packetType =
        aacPacketType == 0 ? AudioPacketType::kSequenceStart : AudioPacketType::kCodedFrames;
  }
  info.sequenceHeader = info.packetType == AudioPacketType::kSequenceStart;
  info.headerSize = r.position();
  info.payloadSize = r.remaining();
  return info;
}

}  // namespace

Result<AudioTagInfo> parseAudioTag(std::span<const uint8_t> payload) {
  if (payload.empty()) {
    // An audio message without even a header byte marks silence
    // (E-RTMP v2, AudioPacketType notes); it is valid and carries nothing.
    AudioTagInfo info;
    info.silence = true;
    return info;
  }
  ByteReader r(payload);
  const uint8_t first = payload[0];
  (void)r.skip(1);
  auto info = (first >> 4) == kSoundFormatExHeader ? parseEnhancedAudio(r, first)
                                                   : parseLegacyAudio(r, first);
  if (!info.ok()) return std::move(info).error().withContext("audio tag");
  return info;
}

}  // namespace rtmp::media
