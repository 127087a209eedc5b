#include "media/media_packet.h"

#include <string>
#include <utility>

#include "media/flv_tag.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;

namespace {

// The fields audio and video tag infos share.
template <typename TagInfo>
void copyTagInfo(const TagInfo& info, MediaPacket& packet) {
  packet.codec = info.codec;
  packet.sequenceHeader = info.sequenceHeader;
  packet.endOfSequence = info.endOfSequence;
  packet.isMedia = info.isMedia();
  packet.trackId = info.trackId;
  packet.payloadOffset = static_cast<uint32_t>(info.headerSize);
  packet.payloadLength = static_cast<uint32_t>(info.payloadSize);
}

}  // namespace

Result<MediaPacket> makeMediaPacket(uint8_t messageType, uint32_t timestamp, base::Bytes payload) {
  MediaPacket packet;
  packet.dts = timestamp;
  packet.messageType = messageType;
  switch (messageType) {
    case kMessageTypeVideo: {
      RTMP_ASSIGN(VideoTagInfo info, parseVideoTag(payload.span()));
      packet.kind = MediaKind::kVideo;
      packet.cts = info.compositionTimeOffset;
      packet.keyframe = info.keyframe;
      copyTagInfo(info, packet);
      break;
    }
    case kMessageTypeAudio: {
      RTMP_ASSIGN(AudioTagInfo info, parseAudioTag(payload.span()));
      packet.kind = MediaKind::kAudio;
      copyTagInfo(info, packet);
      break;
    }
    case kMessageTypeDataAmf0:
    case kMessageTypeDataAmf3:
      packet.kind = MediaKind::kData;
      packet.payloadLength = static_cast<uint32_t>(payload.size());
      break;
    default:
      return Error(ErrorCode::kInvalidArgument, "media packet: message type " +
                                                    std::to_string(messageType) +
                                                    " is not audio, video or data");
  }
  packet.payload = std::move(payload);
  return packet;
}

}  // namespace rtmp::media
