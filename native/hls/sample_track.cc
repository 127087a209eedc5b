#include "hls/sample_track.h"

#include <string>

#include "hls/codec_string.h"
#include "media/aac_config.h"
#include "media/codec_info.h"

namespace rtmp::hls {

bool segmentableCodec(media::Codec codec) {
  switch (codec) {
    case media::Codec::kH264:
    case media::Codec::kHevc:
    case media::Codec::kAv1:
    case media::Codec::kAac:
      return true;
    default:
      return false;
  }
}

base::Result<TrackSetup> trackFromSequenceHeader(const media::MediaPacket& header) {
  if (!segmentableCodec(header.codec)) {
    return base::Error(base::ErrorCode::kUnsupported,
                       "hls: " + std::string(media::codecName(header.codec)) +
                           " is not carried (H.264, HEVC, AV1 and AAC are)");
  }
  const base::Bytes record = header.codecData();
  TrackSetup setup{TrackConfig{}, 0, 0};
  TrackConfig& c = setup.config;
  c.codec = header.codec;
  c.decoderConfig = record;
  if (header.codec == media::Codec::kAac) {
    RTMP_ASSIGN(media::AacConfig asc, media::parseAacConfig(record.span()));
    if (asc.sampleRate == 0) return base::Error(base::ErrorCode::kMedia, "hls: AAC rate 0");
    c.kind = TrackConfig::Kind::kAudio;
    // The core rate: an AAC frame is 1024 (or 960) samples of it, also with
    // SBR (HE-AAC), so FLV's frame timestamps step by whole frames.
    c.timescale = asc.sampleRate;
    c.sampleRate = asc.sampleRate;
    c.channels = asc.outputChannels() != 0 ? asc.outputChannels() : 2;  // 0: in a PCE
    setup.frameSamples = asc.frameLength960 ? 960 : 1024;
  } else {
    RTMP_ASSIGN(media::VideoCodecInfo info,
                media::describeVideoConfig(header.codec, record.span()));
    c.kind = TrackConfig::Kind::kVideo;
    c.timescale = kVideoTimescale;
    c.width = info.width;
    c.height = info.height;
    setup.frameRate = info.fps;
  }
  c.codecString = codecString(c);
  return setup;
}

}  // namespace rtmp::hls
