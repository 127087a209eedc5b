// AudioConverter: decoded samples → a Frame in the subscriber's sample format
// (s16/f32, interleaved or planar), rate and channel count, written by
// libswresample straight into a buffer from its FrameAllocator.
//
// With a rate change the resampler keeps a few samples between calls, so a
// frame may hold slightly fewer or more samples than it got; its pts is the
// input frame's (the delay is under a millisecond at common rates).
#pragma once

#include <cstdint>

#include "base/error.h"
#include "decode/frame.h"

extern "C" {
struct AVFrame;
struct SwrContext;
}

namespace rtmp::decode {

inline constexpr uint32_t kMaxAudioChannels = kMaxPlanes;

struct AudioOutput {
  SampleFormat format = SampleFormat::kS16;
  uint32_t sampleRate = 0;  // 0: the source's
  uint32_t channels = 0;    // 0: the source's
  bool operator==(const AudioOutput&) const = default;
};

class AudioConverter {
 public:
  explicit AudioConverter(AudioOutput out) : out_(out) {}
  ~AudioConverter();
  AudioConverter(const AudioConverter&) = delete;
  AudioConverter& operator=(const AudioConverter&) = delete;

  const AudioOutput& output() const { return out_; }

  // A new frame, or null when the resampler kept every sample for later.
  // kLimitExceeded when the allocator has no buffer.
  base::Result<std::shared_ptr<Frame>> convert(const AVFrame& src,
                                               const std::shared_ptr<FrameAllocator>& allocator);

 private:
  base::Status configure(const AVFrame& src);

  AudioOutput out_;
  SwrContext* swr_ = nullptr;
  // The source the resampler was set up for.
  int srcFormat_ = -1;
  int srcRate_ = 0;
  int srcChannels_ = 0;
  uint32_t dstRate_ = 0;
  uint32_t dstChannels_ = 0;
};

}  // namespace rtmp::decode
