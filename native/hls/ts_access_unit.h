// The elementary-stream bytes of one access unit in MPEG-TS, as pieces that
// point into the sample, the track's decoder config and a few constants, so
// the packetizer copies every byte once, straight into the segment.
//
// H.264 (ISO/IEC 13818-1 §2.14, ITU-T H.264 Annex B) and HEVC (§2.17, H.265
// Annex B): FLV carries length-prefixed NAL units (ISO/IEC 14496-15); TS
// carries a byte stream. Each access unit becomes
//   [00 00 00 01 AUD] [00 00 00 01 VPS] [00 00 00 01 SPS] [00 00 00 01 PPS] [00 00 00 01 NAL]...
// with the access unit delimiter first (H.264 §7.4.1.2.3 and Apple's HLS
// authoring rules require it in TS), the parameter sets of the decoder
// config record before every keyframe (a player may join at any segment; VPS
// for HEVC only), and the sample's own NAL units after them (an AUD of its own
// is dropped: there must be one per access unit). 4-byte start codes, as
// Annex B prefers for the first NAL unit of an access unit.
//
// AAC (§2.4.4.9 stream_type 0x0F): raw frames get the 7-byte ADTS header built
// from the AudioSpecificConfig (media/adts.h); one frame per access unit.
//
// Not carried: AV1 (no TS mapping that HLS players read), and every codec but
// H.264, HEVC and AAC. makeTsTrack refuses them (kUnsupported) and the segment
// writer leaves the track out of the program.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "hls/track_config.h"
#include "media/aac_config.h"
#include "media/adts.h"
#include "media/codec_id.h"

namespace rtmp::hls {

// One track as the TS writer carries it, parsed once from its TrackConfig.
struct TsTrack {
  TrackConfig::Kind kind = TrackConfig::Kind::kVideo;
  media::Codec codec = media::Codec::kUnknown;
  uint32_t timescale = 0;
  uint16_t pid = 0;
  uint8_t streamId = 0;    // PES stream_id
  uint8_t streamType = 0;  // PMT stream_type
  // Video: the NAL length size of the samples and the parameter sets written
  // before every keyframe (views into config).
  uint8_t nalLengthSize = 4;
  std::vector<std::span<const uint8_t>> parameterSets;
  // Audio.
  media::AacConfig aac;
  base::Bytes config;  // owns the bytes parameterSets point into
};

// kUnsupported for a codec TS does not carry here (AV1, Opus, ...), a zero
// timescale, or an AAC config ADTS cannot express; the parser's error for a
// bad decoder config record.
base::Result<TsTrack> makeTsTrack(const TrackConfig& config, uint16_t pid);

// Appends the pieces of one sample's access unit and returns their total
// size. adts is storage for an audio frame's header; it must stay in place
// while the pieces are used. On error (a NAL length that runs past the end,
// an AAC frame too long for ADTS) nothing is appended.
base::Result<size_t> appendAccessUnit(const TsTrack& track, const Sample& sample,
                                      std::vector<std::span<const uint8_t>>& pieces,
                                      media::AdtsHeader& adts);

}  // namespace rtmp::hls
