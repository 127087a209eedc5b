// Fuzzes the codec summaries built from sequence headers: AVCC + H.264 SPS,
// HVCC + H.265 SPS, av1C + AV1 sequence header OBU, VP9 vpcC, AAC
// AudioSpecificConfig, OpusHead and FLAC STREAMINFO, plus the tracker fed
// with whole FLV tags. The first byte picks the codec.
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "media/codec_info.h"

using namespace rtmp;
using media::Codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> body(data + 1, size - 1);
  static constexpr Codec kVideo[] = {Codec::kH264, Codec::kHevc, Codec::kAv1, Codec::kVp9};
  static constexpr Codec kAudio[] = {Codec::kAac, Codec::kOpus, Codec::kFlac, Codec::kMp3};
  const uint8_t selector = data[0];
  if (selector & 0x80) {
    // Whole tags through the tracker, split in two at a fuzzer-chosen point
    // so two sequence headers of different content are observed in turn.
    media::CodecInfoTracker tracker;
    const size_t cut = body.empty() ? 0 : (selector & 0x3F) % body.size();
    for (auto part : {body.first(cut), body.subspan(cut)}) {
      const uint8_t type = (selector & 0x40) ? media::kMessageTypeVideo : media::kMessageTypeAudio;
      auto packet = media::makeMediaPacket(type, 0, base::Bytes::copyOf(part));
      if (packet.ok()) tracker.observe(*packet);
    }
    return 0;
  }
  if (selector & 0x40) {
    (void)media::describeAudioConfig(kAudio[selector & 3], body);
  } else {
    (void)media::describeVideoConfig(kVideo[selector & 3], body);
  }
  return 0;
}
