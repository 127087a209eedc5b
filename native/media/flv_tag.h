// FLV audio/video tag headers as carried in RTMP audio (type 8) and video
// (type 9) message payloads: the legacy layout (Adobe FLV v10.1 annex E.4.2,
// E.4.3) and the Enhanced RTMP extensions (veovera enhanced-rtmp v1 and v2:
// ExVideoTagHeader / ExAudioTagHeader with FourCC, ModEx, multitrack).
//
// The parser only classifies a tag and says where the codec payload starts;
// it never copies or rewrites the payload (it is passed through untouched).
//
// Legacy video                        Enhanced video (IsExHeader = 1)
//   byte 0: FrameType(4) CodecID(4)     byte 0: IsExHeader(1) FrameType(3) PacketType(4)
//   AVC/HEVC(12) only:                  [ModEx blocks, PacketType = 7]
//   byte 1: AVCPacketType                [Multitrack: Type(4) PacketType(4)]
//   bytes 2-4: CompositionTime SI24      bytes: FourCC ('avc1','hvc1','av01','vp09'...)
//   then: codec payload                  [Multitrack: TrackId UI8, TrackSize UI24]
//                                        CodedFrames + avc1/hvc1: CompositionTime SI24
//                                        then: codec payload
// Legacy audio                        Enhanced audio (SoundFormat = 9)
//   byte 0: Format(4) Rate(2) Size(1) Type(1)   byte 0: 9(4) PacketType(4)
//   AAC (10) only: byte 1: AACPacketType          [ModEx], [Multitrack], FourCC, [TrackId...]
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/error.h"
#include "media/codec_id.h"

namespace rtmp::media {

// FLV VideoFrameType (UB[4] legacy, UB[3] enhanced).
enum class VideoFrameType : uint8_t {
  kReserved = 0,
  kKeyFrame = 1,
  kInterFrame = 2,
  kDisposableInterFrame = 3,
  kGeneratedKeyFrame = 4,
  kCommand = 5,  // video info/command frame: no picture data
};

// E-RTMP VideoPacketType. Legacy AVC/HEVC AVCPacketType 0/1/2 maps onto the
// first three; legacy codecs without a packet type report kCodedFrames.
enum class VideoPacketType : uint8_t {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kCodedFramesX = 3,  // coded frames with an implied composition time of 0
  kMetadata = 4,      // AMF-encoded metadata (e.g. colorInfo), no picture data
  kMpeg2TsSequenceStart = 5,
  kMultitrack = 6,
  kModEx = 7,
};

// E-RTMP AudioPacketType. Legacy AAC AACPacketType 0/1 maps onto the first
// two; legacy formats without a packet type report kCodedFrames.
enum class AudioPacketType : uint8_t {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kMultichannelConfig = 4,
  kMultitrack = 5,
  kModEx = 7,
};

// E-RTMP v2 AvMultitrackType.
enum class MultitrackType : uint8_t { kOneTrack = 0, kManyTracks = 1, kManyTracksManyCodecs = 2 };

struct VideoTagInfo {
  Codec codec = Codec::kUnknown;
  bool enhanced = false;  // IsExHeader bit set
  VideoFrameType frameType = VideoFrameType::kReserved;
  VideoPacketType packetType = VideoPacketType::kCodedFrames;
  uint8_t legacyCodecId = 0;  // CodecID nibble (legacy only)
  uint32_t fourcc = 0;        // enhanced only; 0 for command frames

  bool keyframe = false;        // a coded random-access frame (not a sequence header)
  bool sequenceHeader = false;  // decoder configuration record follows
  bool endOfSequence = false;
  bool command = false;  // frameType 5: info/command frame, not media
  uint8_t commandByte = 0;
  bool metadata = false;  // E-RTMP Metadata packet, not media

  bool multitrack = false;  // describes the first track only
  MultitrackType multitrackType = MultitrackType::kOneTrack;
  uint8_t trackId = 0;

  int32_t compositionTimeOffset = 0;  // ms, PTS = DTS + offset
  uint32_t timestampOffsetNanos = 0;  // E-RTMP v2 ModEx TimestampOffsetNano
  size_t headerSize = 0;              // the codec payload starts at this offset
  size_t payloadSize = 0;             // bytes of codec payload from headerSize

  // Carries pictures (or a sequence header / end) rather than a command or metadata.
  bool isMedia() const { return !command && !metadata; }
};

struct AudioTagInfo {
  Codec codec = Codec::kUnknown;
  bool enhanced = false;    // SoundFormat 9 (ExHeader)
  uint8_t soundFormat = 0;  // 0..15
  // Legacy only (FLV E.4.2.1); for AAC the decoder uses the ASC instead.
  uint8_t soundRate = 0;  // 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz
  uint8_t soundSize = 0;  // 0 = 8-bit, 1 = 16-bit
  uint8_t soundType = 0;  // 0 = mono, 1 = stereo
  AudioPacketType packetType = AudioPacketType::kCodedFrames;
  uint32_t fourcc = 0;  // enhanced only

  bool sequenceHeader = false;  // AudioSpecificConfig / OpusHead / FLAC STREAMINFO follows
  bool endOfSequence = false;
  bool silence = false;  // empty audio message (E-RTMP v2: a silence marker)

  bool multitrack = false;  // describes the first track only
  MultitrackType multitrackType = MultitrackType::kOneTrack;
  uint8_t trackId = 0;

  uint32_t timestampOffsetNanos = 0;
  size_t headerSize = 0;
  size_t payloadSize = 0;

  bool isMedia() const { return !silence; }
};

// Both parse the payload of one RTMP audio/video message (an FLV tag body).
// Errors: kTruncated (a header field is cut), kMedia (a value the spec does
// not define, e.g. AVCPacketType 3 or multitrack inside multitrack).
// Unknown legacy codec ids and unknown FourCCs are not errors: the tag is
// classified as Codec::kUnknown and passed through.
base::Result<VideoTagInfo> parseVideoTag(std::span<const uint8_t> payload);
base::Result<AudioTagInfo> parseAudioTag(std::span<const uint8_t> payload);

}  // namespace rtmp::media
