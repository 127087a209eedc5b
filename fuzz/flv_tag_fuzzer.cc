// Fuzzes the FLV audio/video tag header parsers (legacy and Enhanced RTMP)
// and MediaPacket classification. The first byte picks the message type; the
// rest is the RTMP message payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/bytes.h"
#include "media/flv_tag.h"
#include "media/media_packet.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::span<const uint8_t> payload(data + 1, size - 1);

  if (auto video = media::parseVideoTag(payload); video.ok()) {
    // The codec payload must lie inside the message.
    if (video->headerSize > payload.size() ||
        video->payloadSize > payload.size() - video->headerSize) {
      std::abort();
    }
  }
  if (auto audio = media::parseAudioTag(payload); audio.ok()) {
    if (audio->headerSize > payload.size() ||
        audio->payloadSize > payload.size() - audio->headerSize) {
      std::abort();
    }
  }

  static constexpr uint8_t kTypes[] = {media::kMessageTypeAudio, media::kMessageTypeVideo,
                                       media::kMessageTypeDataAmf0, 20};
  auto packet =
      media::makeMediaPacket(kTypes[selector & 3], 0xFFFFFFF0u, base::Bytes::copyOf(payload));
  if (packet.ok()) {
    const base::Bytes codec = packet->codecData();
    if (codec.size() != packet->payloadLength) std::abort();
    (void)packet->pts();
    (void)packet->isDroppable();
  }
  return 0;
}
