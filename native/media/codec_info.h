// A stream's codec summary for the `publish` event and stats: names, picture
// size, frame rate, profile/level, sample rate and channels, taken from the
// sequence headers (SPS via AVCC/HVCC, AV1 sequence header OBU,
// AudioSpecificConfig, OpusHead, FLAC STREAMINFO, VP9 vpcC) or, for legacy
// audio without a sequence header, from the FLV sound flags.
//
// fps comes from the bitstream's own timing info only (H.264/HEVC VUI, AV1
// timing_info); 0 means "not signalled" and the caller may fall back to
// onMetaData.framerate.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/error.h"
#include "media/codec_id.h"
#include "media/flv_tag.h"
#include "media/media_packet.h"

namespace rtmp::media {

struct VideoCodecInfo {
  Codec codec = Codec::kUnknown;
  std::string codecName;  // "H264", "HEVC", "AV1", "VP9"...
  uint32_t width = 0;     // displayed size (after cropping); 0 if unknown
  uint32_t height = 0;
  double fps = 0;               // 0 if the bitstream does not signal it
  std::string profile;          // "High", "Main 10", "Main"...
  std::string level;            // "3.1", "4", "5.1"...
  uint8_t bitDepth = 0;         // luma bit depth; 0 if unknown
  uint8_t chromaFormat = 0xFF;  // 0 mono, 1 4:2:0, 2 4:2:2, 3 4:4:4; 0xFF unknown

  bool operator==(const VideoCodecInfo&) const = default;
};

struct AudioCodecInfo {
  Codec codec = Codec::kUnknown;
  std::string codecName;    // "AAC", "MP3", "Opus"...
  uint32_t sampleRate = 0;  // output rate in Hz (with SBR for HE-AAC); 0 if unknown
  uint8_t channels = 0;     // 0 if unknown
  std::string profile;      // AAC: "LC", "HE-AAC", "HE-AACv2"...; else empty

  bool operator==(const AudioCodecInfo&) const = default;
};

// From a video sequence header's codec bytes (the configuration record,
// i.e. MediaPacket::codecData()). kUnsupported for codecs without a parser.
base::Result<VideoCodecInfo> describeVideoConfig(Codec codec, std::span<const uint8_t> config);
// From an audio sequence header's codec bytes.
base::Result<AudioCodecInfo> describeAudioConfig(Codec codec, std::span<const uint8_t> config);
// From the legacy FLV sound flags (for formats without a sequence header).
AudioCodecInfo describeLegacyAudio(const AudioTagInfo& tag);

// Keeps the current summary of one published stream. Feed it every packet;
// only sequence headers (and the first packet of formats without one) cost
// more than a few comparisons.
class CodecInfoTracker {
 public:
  // Returns true when the summary changed. A sequence header that does not
  // parse still records the codec name; the error is kept in lastError().
  bool observe(const MediaPacket& packet);

  const std::optional<VideoCodecInfo>& video() const { return video_; }
  const std::optional<AudioCodecInfo>& audio() const { return audio_; }
  const std::optional<base::Error>& lastError() const { return lastError_; }

 private:
  bool observeVideo(const MediaPacket& packet);
  bool observeAudio(const MediaPacket& packet);

  std::optional<VideoCodecInfo> video_;
  std::optional<AudioCodecInfo> audio_;
  std::optional<base::Error> lastError_;
};

}  // namespace rtmp::media
