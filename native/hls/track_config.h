// TrackConfig and Sample: what the fMP4 (and MPEG-TS) writers take for one
// track. The segmenter builds them from media::MediaPackets: the config from
// the sequence header, the samples from the coded frames. Sample data is a
// slice of the shared FLV payload, stored in the container exactly as FLV
// carries it (length-prefixed NAL units, low-overhead AV1 OBUs, raw AAC), so
// the writers never convert or copy it.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "media/codec_id.h"

namespace rtmp::hls {

struct TrackConfig {
  enum class Kind : uint8_t { kVideo, kAudio } kind;
  media::Codec codec;              // H264, HEVC, AV1, AAC (others: not segmentable, skip track)
  uint32_t timescale;              // 90000 video, sample rate audio
  base::Bytes decoderConfig;       // avcC / hvcC / av1C record body, or AAC AudioSpecificConfig
  uint32_t width = 0, height = 0;  // video (from SPS)
  uint32_t sampleRate = 0, channels = 0;  // audio (from ASC)
  std::string codecString;  // RFC 6381: "avc1.64001f", "hvc1.1.6.L93.B0", "av01.0.08M.08"...
};

struct Sample {
  uint64_t dts;       // in the track timescale, monotonic within a track
  uint32_t duration;  // in the track timescale
  int32_t cto;        // composition offset (pts - dts), may be negative
  bool sync;          // keyframe (audio: always true)
  base::Bytes data;   // slice of the shared FLV payload (no copy)
};

}  // namespace rtmp::hls
