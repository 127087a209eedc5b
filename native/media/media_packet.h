// MediaPacket: one received audio, video or data message, classified once and
// then shared, immutable, by every consumer (player fan-out, GOP cache,
// segmenter, decoder taps, recorder). The payload is the FLV tag body exactly
// as received; consumers that need the codec bytes take codecData(), a slice
// of the same storage (no copy).
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "media/codec_id.h"

namespace rtmp::media {

// RTMP message type ids this layer accepts (RTMP 1.0 §7.1). The media layer
// does not include protocol/ headers, so the three values are repeated here.
inline constexpr uint8_t kMessageTypeAudio = 8;
inline constexpr uint8_t kMessageTypeVideo = 9;
inline constexpr uint8_t kMessageTypeDataAmf3 = 15;
inline constexpr uint8_t kMessageTypeDataAmf0 = 18;

enum class MediaKind : uint8_t { kAudio, kVideo, kData };

struct MediaPacket {
  MediaKind kind = MediaKind::kData;
  uint32_t dts = 0;             // ms, 32-bit message timestamp as received (wraps)
  int32_t cts = 0;              // ms, composition time offset: pts = dts + cts
  bool keyframe = false;        // coded random-access video frame
  bool sequenceHeader = false;  // decoder configuration (AVCC/HVCC/AV1C, ASC, OpusHead...)
  bool endOfSequence = false;
  bool isMedia = false;  // false for video command/metadata frames, silence, data
  Codec codec = Codec::kUnknown;
  uint8_t trackId = 0;         // E-RTMP multitrack: the first track's id
  uint32_t payloadOffset = 0;  // codec bytes start here within payload
  uint32_t payloadLength = 0;  // ...and are this long
  uint8_t messageType = 0;     // the RTMP message type it came from (8, 9, 15, 18)
  base::Bytes payload;         // the full FLV tag body as received, untouched

  uint32_t pts() const { return dts + static_cast<uint32_t>(cts); }  // mod 2^32
  base::Bytes codecData() const { return payload.slice(payloadOffset, payloadLength); }
  // Frames a slow consumer may drop without breaking decoding of later frames
  // until the next keyframe: only non-key video pictures.
  bool isDroppable() const {
    return kind == MediaKind::kVideo && isMedia && !keyframe && !sequenceHeader;
  }
};

// Packets are shared between threads and consumers through this handle.
using MediaPacketPtr = std::shared_ptr<const MediaPacket>;

// Classifies one RTMP message. Audio/video headers are parsed (flv_tag.h);
// data messages (AMF0/AMF3 script data such as onMetaData) are wrapped as
// kData without parsing. Errors: kInvalidArgument for another message type,
// or the tag parser's error (kTruncated/kMedia) with context.
base::Result<MediaPacket> makeMediaPacket(uint8_t messageType, uint32_t timestamp,
                                          base::Bytes payload);

}  // namespace rtmp::media
