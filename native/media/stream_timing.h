// StreamTiming: keyframe interval, GOP length and audio/video timestamp skew
// of one publish, kept as its frames arrive. Every frame costs a handful of
// integer and one floating-point operation: no allocation, no history, no
// clock (the timestamps are the stream's own), so it runs on the publish path
// for every stream all the time.
//
// What each number means (stable: docs/http-api.md "timing" repeats it):
//
//   keyframeIntervalMs  DTS distance from the previous video keyframe to the
//                       latest one: the duration of the last complete GOP.
//   gopFrames           video frames in that GOP, its first keyframe included
//                       and the next one not (`-g 60` → 60).
//   framesSinceKeyframe video frames from the latest keyframe (included) to now.
//   avSkewMs            latest video DTS minus latest audio DTS, taken at every
//                       coded frame once both tracks have one, and smoothed
//                       (exponential average, weight 1/kSkewSmoothing): positive
//                       when video runs ahead of audio. An encoder interleaving
//                       by timestamp keeps it within about a frame; a track that
//                       stalls or drifts moves it steadily.
//
// Timestamps are 32-bit milliseconds that wrap (RTMP 1.0 §5.3.1.1): distances
// are taken modulo 2^32 and read as signed, so a wrap is a small step forward.
// A step backwards is not measured: a keyframe whose DTS is not after the
// previous keyframe still closes a GOP (gopFrames counts it) but leaves
// keyframeIntervalMs as it was; a track whose DTS goes backwards restarts the
// skew average from the next sample instead of averaging across the jump.
// A stream with one track only has no skew (nullopt); an audio-only stream has
// no keyframe numbers either.
#pragma once

#include <cstdint>
#include <optional>

namespace rtmp::media {

struct StreamTimingReport {
  std::optional<uint32_t> keyframeIntervalMs;  // before two keyframes: none
  std::optional<uint32_t> gopFrames;           // before two keyframes: none
  uint32_t framesSinceKeyframe = 0;            // 0 before the first keyframe
  uint64_t keyframes = 0;
  std::optional<int32_t> avSkewMs;  // none until both tracks have a frame
};

class StreamTiming {
 public:
  // The weight of a new skew sample is 1/kSkewSmoothing: with about 75 frames a
  // second (30 video + 43 AAC) the average follows a change within about half
  // a second and the per-frame interleaving jitter (±1 frame) averages out.
  static constexpr double kSkewSmoothing = 32.0;

  // One coded (non-header) frame, DTS on the stream's timeline.
  void onVideoFrame(uint32_t dts, bool keyframe);
  void onAudioFrame(uint32_t dts);

  StreamTimingReport report() const;

 private:
  void sampleSkew();

  // The signed distance from `from` to `to` on the wrapping 32-bit timeline.
  static int32_t distance(uint32_t from, uint32_t to) {
    return static_cast<int32_t>(to - from);  // mod 2^32, then two's complement
  }

  uint32_t lastVideoDts_ = 0;
  uint32_t lastAudioDts_ = 0;
  uint32_t lastKeyDts_ = 0;
  uint32_t framesSinceKey_ = 0;
  uint32_t keyIntervalMs_ = 0;
  uint32_t gopFrames_ = 0;
  uint64_t keyframes_ = 0;
  double skew_ = 0;
  bool sawVideo_ = false;
  bool sawAudio_ = false;
  bool hasInterval_ = false;
  bool hasSkew_ = false;
};

}  // namespace rtmp::media
