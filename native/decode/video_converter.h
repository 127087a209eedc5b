// VideoConverter: a decoded picture → a Frame in the subscriber's pixel format
// and size, written into a buffer from its FrameAllocator. Same format and
// size as decoded: one copy of the visible rows (av_image_copy). Otherwise
// libswscale writes straight into the buffer: no copy at all besides the
// conversion itself.
//
// Choices:
// - Scale keeping aspect: only a width → height = width × src aspect, rounded
//   to an even number (what `ffmpeg -vf scale=W:-2` gives); only a height →
//   the same the other way; both → exactly that size; none → source size.
// - swscale flags: SWS_BILINEAR, without SWS_ACCURATE_RND (measured 4.3×
//   the CPU for yuv420p→rgba at 1080p: 2.99 against 0.69 ms; docs/PERF.md).
//   Changeable per converter.
// - Plane rows are padded to a multiple of kStrideAlign bytes and every plane
//   starts at such an offset, so swscale's SIMD paths apply when the buffer
//   itself is aligned.
#pragma once

#include <cstdint>

#include "base/error.h"
#include "decode/frame.h"

extern "C" {
struct AVFrame;
struct SwsContext;
}

namespace rtmp::decode {

inline constexpr uint32_t kStrideAlign = 32;
inline constexpr uint32_t kMaxFrameSide = 16384;

struct VideoOutput {
  PixelFormat format = PixelFormat::kYuv420p;
  uint32_t width = 0;   // 0: from height and aspect, or the source's
  uint32_t height = 0;  // 0: from width and aspect, or the source's
  bool operator==(const VideoOutput&) const = default;
};

// Default swscale flags (SWS_BILINEAR).
int defaultSwsFlags();

// The output size for a source size (see the choices above).
void outputSize(const VideoOutput& out, uint32_t srcWidth, uint32_t srcHeight, uint32_t* width,
                uint32_t* height);

class VideoConverter {
 public:
  explicit VideoConverter(VideoOutput out, int swsFlags = defaultSwsFlags())
      : out_(out), flags_(swsFlags) {}
  ~VideoConverter();
  VideoConverter(const VideoConverter&) = delete;
  VideoConverter& operator=(const VideoConverter&) = delete;

  const VideoOutput& output() const { return out_; }

  // A new frame (pts/dts/keyframe from `src`, in ms) with its buffer from
  // `allocator`. kLimitExceeded when the allocator has no buffer;
  // kUnsupported for a source format swscale cannot read.
  base::Result<std::shared_ptr<Frame>> convert(const AVFrame& src,
                                               const std::shared_ptr<FrameAllocator>& allocator);

 private:
  VideoOutput out_;
  int flags_;
  SwsContext* sws_ = nullptr;  // rebuilt by sws_getCachedContext when the source changes
};

}  // namespace rtmp::decode
