// Timelines of the segmenter: RTMP's 32-bit millisecond timestamps extended to
// 64 bits, and each track's decode times in its MP4 timescale.
//
// Video: 90 kHz, exactly 90 ticks per ms. Audio: the sample rate. RTMP carries
// audio times rounded to the ms, so converting each one alone makes AAC frame
// durations jitter (1023, 1025, ...); AudioTimeline instead steps exactly one
// frame (1024 samples, or 960) from the previous frame while the ms timestamp
// agrees with that to within half a frame, and follows the timestamp only when
// it does not (a gap or a jump). Both keep decode times monotonic within a
// track (ISO/IEC 14496-12 §8.6.1.2: sample durations are unsigned).
#pragma once

#include <cstdint>
#include <optional>

namespace rtmp::hls {

// Extends wrapping 32-bit ms timestamps: each one is read as the nearest
// value to the previous one (a step of up to ±2^31 ms), so a wrap continues
// upward and a small step back stays a small step back.
class TimestampExtender {
 public:
  int64_t extend(uint32_t raw);

 private:
  std::optional<uint32_t> lastRaw_;
  int64_t last_ = 0;
};

inline constexpr uint32_t kVideoTimescale = 90'000;

class VideoTimeline {
 public:
  // Stream ms (may be negative after a step back at the start) → 90 kHz dts.
  uint64_t dts(int64_t ms);

 private:
  std::optional<uint64_t> last_;
};

class AudioTimeline {
 public:
  AudioTimeline(uint32_t sampleRate, uint32_t frameSamples)
      : rate_(sampleRate), frame_(frameSamples) {}
  uint64_t dts(int64_t ms);
  uint32_t frameSamples() const { return frame_; }

 private:
  uint32_t rate_;
  uint32_t frame_;
  std::optional<uint64_t> last_;
};

}  // namespace rtmp::hls
