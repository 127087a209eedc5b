// The segmenter's view of one track: its TrackConfig (what the fMP4 and TS
// writers take) built from a sequence header, plus what the feed shows that
// the writers do not need (the frame rate the bitstream signals).
#pragma once

#include "base/error.h"
#include "hls/sample_timeline.h"
#include "hls/track_config.h"
#include "media/codec_id.h"
#include "media/media_packet.h"

namespace rtmp::hls {

struct TrackSetup {
  TrackConfig config;
  double frameRate = 0;       // video, when the SPS/sequence header signals it; else 0
  uint32_t frameSamples = 0;  // audio: samples per AAC frame (1024, or 960)
};

// H.264, HEVC and AV1 video, AAC audio: the codecs CMAF carries here.
bool segmentableCodec(media::Codec codec);

// From a sequence-header packet (AVC/HEVC/AV1 decoder configuration record, or
// an AAC AudioSpecificConfig). decoderConfig is a slice of the packet (no copy).
// Errors: kUnsupported for another codec, the parser's error for a bad record.
base::Result<TrackSetup> trackFromSequenceHeader(const media::MediaPacket& header);

}  // namespace rtmp::hls
