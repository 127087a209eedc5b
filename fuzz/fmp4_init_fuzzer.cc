// Fuzzes what the fMP4 writer reads from a publisher's sequence header: the
// first input byte picks the codec, the rest is its decoder configuration
// (avcC, hvcC, av1C or AudioSpecificConfig) as it came in the FLV tag.
// writeInitSegment copies it into the sample entry (for hvcC walking the NAL
// arrays to mark them complete) and codecString parses it. Checks: the init
// segment is exactly ftyp + moov with consistent box sizes and holds the
// record at its full size; the codec string is short and printable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "base/bytes.h"
#include "base/endian.h"
#include "hls/codec_string.h"
#include "hls/fmp4_init.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  constexpr media::Codec kCodecs[] = {media::Codec::kH264, media::Codec::kHevc, media::Codec::kAv1,
                                      media::Codec::kAac};
  hls::TrackConfig track;
  track.codec = kCodecs[data[0] % 4];
  track.kind = track.codec == media::Codec::kAac ? hls::TrackConfig::Kind::kAudio
                                                 : hls::TrackConfig::Kind::kVideo;
  track.timescale = track.kind == hls::TrackConfig::Kind::kAudio ? 48000 : 90000;
  track.decoderConfig = base::Bytes::copyOf(std::span<const uint8_t>(data + 1, size - 1));
  track.width = 1280;
  track.height = 720;
  track.sampleRate = 48000;
  track.channels = 2;

  const std::string codecs = hls::codecString(track);
  if (codecs.size() > 64) std::abort();
  for (char c : codecs) {
    if (c < 0x21 || c > 0x7E) std::abort();
  }

  const base::Bytes init = hls::writeInitSegment(track);
  if (init.size() < 16) std::abort();
  const uint32_t ftyp = base::loadBe32(init.data());
  if (ftyp < 8 || ftyp + 8 > init.size()) std::abort();
  const uint32_t moov = base::loadBe32(init.data() + ftyp);
  if (size_t{ftyp} + moov != init.size()) std::abort();
  if (init.size() < track.decoderConfig.size()) std::abort();
  return 0;
}
