// From the engine's codec identities (media/codec_id.h) to FFmpeg decoders,
// and what a decoder needs to know that the FLV tag carries rather than the
// codec bytes (legacy audio: rate and channels in the tag's first byte,
// Adobe FLV v10.1 §E.4.2.1).
#pragma once

#include <cstdint>

#include "media/codec_id.h"

extern "C" {
#include <libavcodec/codec_id.h>
}

namespace rtmp::decode {

// AV_CODEC_ID_NONE for a codec we do not decode.
AVCodecID avCodecIdOf(media::Codec codec);

// True when the decoder cannot start without the sequence header's record
// (AVCC/HVCC/AV1C, AudioSpecificConfig, OpusHead, FLAC STREAMINFO).
bool needsConfig(media::Codec codec);

struct LegacyAudioFormat {
  uint32_t sampleRate = 0;
  uint32_t channels = 0;
};
// From a legacy FLV audio tag's first byte (SoundRate, SoundType; Nellymoser
// 8k/16k and G.711 imply their rate). {0, 0} for enhanced audio (format 9).
LegacyAudioFormat legacyAudioFormat(media::Codec codec, uint8_t tagByte0);

}  // namespace rtmp::decode
